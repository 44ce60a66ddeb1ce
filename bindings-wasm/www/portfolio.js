// The portfolio page: opens CSV tables, JSON portfolios or an IATI file (button or drag
// and drop) and shows the evaluations falling due in a window, the requirements of each
// project, delivery by unit, region or donor with the year-to-date curve against the
// policy band, and the findings that need action. The files are read, the rules run and
// the tables made and exported (CSV, Excel) in a module worker (portfolio-worker.js) with
// the full module; this file asks for them and draws them.
import { download, h, svg } from "./common.js";

const $ = (id) => document.getElementById(id);
/** Column mappings the officer chose (a spreadsheet's header → the core's column), kept across visits. */
const MAPPING_KEY = "tcrules.columns";

const FAMILIES = {
  EVAL: "Evaluation", DLV: "Delivery", INT: "Integration", PF: "Portfolio balance", APR: "Appraisal", IATI: "IATI data",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const state = { files: [], view: null, due: 0, columns: null };

// ---------------------------------------------------------------------------------------
// The worker

const worker = new Worker(new URL("./portfolio-worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let requests = 0;
worker.onmessage = ({ data }) => {
  const { resolve, reject } = pending.get(data.id);
  pending.delete(data.id);
  if (data.errors) reject(Object.assign(new Error("module error"), { errors: data.errors }));
  else resolve(data.result);
};
worker.onerror = (event) => {
  status(`The rules engine could not start: ${event.message ?? "unknown error"}`);
};

/** Asks the worker; `transfer` hands buffers over without a copy. */
function ask(op, data = {}, transfer = []) {
  const id = ++requests;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, ...data }, transfer);
  });
}

const status = (text) => { $("status").textContent = text; };

// ---------------------------------------------------------------------------------------
// Column mapping: a spreadsheet's own headers mapped onto the core's columns, chosen here
// and remembered. A workbook is opened as its first sheet's CSV text (the core writes it,
// cells as typed), so one header line serves CSV files and workbooks alike.

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(MAPPING_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

function remember(mapping) {
  try {
    localStorage.setItem(MAPPING_KEY, JSON.stringify(mapping));
  } catch {
    // Storage is off or full: the mapping lasts as long as the page.
  }
}

/** The header line of a CSV text: its cells, the separator and where the line ends. */
function header(text) {
  const body = text.replace(/^\uFEFF/, "");
  const end = body.search(/\r?\n/);
  const line = end < 0 ? body : body.slice(0, end);
  const count = (c) => line.split(c).length;
  const separator = [",", ";", "\t"].reduce((a, b) => (count(b) > count(a) ? b : a));
  const cells = [];
  let cell = "";
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) { cells.push(cell.trim()); cell = ""; } else cell += c;
  }
  cells.push(cell.trim());
  return { cells, separator, rest: end < 0 ? "" : body.slice(end) };
}

const isCsv = (name) => /\.(csv|tsv|txt|xlsx|xlsm|ods)$/i.test(name);
const isWorkbook = (name) => /\.(xlsx|xlsm|ods)$/i.test(name);
/** The text of a file's first 64 KiB: enough for its header line. */
const head = (bytes) => new TextDecoder().decode(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 1 << 16)));

/** A CSV file's bytes with its header cells renamed as the mapping says. */
function mapped(file, mapping) {
  if (!isCsv(file.name) || !header(head(file.bytes)).cells.some((c) => mapping[c.toLowerCase()])) return file.bytes;
  const { cells, separator, rest } = header(new TextDecoder().decode(file.bytes));
  const quote = (c) => (/[",;\t]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const line = cells.map((c) => quote(mapping[c.toLowerCase()] ?? c)).join(separator);
  return new TextEncoder().encode(line + rest).buffer;
}

function renderMapping(failed) {
  const mapping = remembered();
  const known = state.columns ? [...new Set([...state.columns.projects, ...state.columns.records, ...state.columns.approvals])] : [];
  const csvs = state.files.filter((f) => isCsv(f.name));
  $("mapping").replaceChildren(...csvs.map((file, n) => {
    const { cells } = header(head(file.bytes));
    return h("details", { class: "card mapping", open: failed.has(file.name) || null },
      h("summary", {}, `Columns of ${file.name}`),
      h("p", { class: "hint" }, "Which of the page's columns each of this table's columns holds. Your choice is remembered for tables with the same headings."),
      h("div", { class: "mapping-grid" }, cells.map((cell, i) => {
        const id = `map-${n}-${i}`;
        const chosen = mapping[cell.toLowerCase()] ?? "";
        return h("div", { class: "field" },
          h("label", { for: id }, cell || `(column ${i + 1})`),
          h("select", { id, data: { heading: cell.toLowerCase() } },
            h("option", { value: "", selected: chosen === "" }, known.includes(cell.toLowerCase()) ? "as it is" : "as it is (not a page column)"),
            known.map((k) => h("option", { value: k, selected: chosen === k }, k))));
      })));
  }));
}

// ---------------------------------------------------------------------------------------
// Opening files

async function openFiles(list) {
  const files = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  for (const f of files.filter((file) => isWorkbook(file.name))) {
    try {
      f.bytes = new TextEncoder().encode(await ask("sheet-text", { bytes: f.bytes }, [f.bytes])).buffer;
    } catch (e) {
      renderProblems((e.errors ?? [{ code: "io", path: "", message: e.message }]).map((x) => ({ file: f.name, ...x })));
      status(`${f.name}: could not be read.`);
      return;
    }
  }
  state.files = files;
  await run();
}

/** Reads the opened files (as mapped) in the worker and draws everything. */
async function run() {
  const mapping = remembered();
  const names = state.files.map((f) => f.name).join(", ");
  status(`Reading ${names}…`);
  $("main").setAttribute("aria-busy", "true");
  const copies = state.files.map((f) => {
    const bytes = mapped(f, mapping);
    return { name: f.name, bytes: bytes === f.bytes ? f.bytes.slice(0) : bytes };
  });
  const started = performance.now();
  try {
    const view = await ask("open", { files: copies }, copies.map((c) => c.bytes));
    state.view = view;
    renderMapping(new Set());
    renderProblems([]);
    await show();
    status(`${names}: read and checked in ${Math.round(performance.now() - started)} ms.`);
  } catch (e) {
    const errors = e.errors ?? [{ code: "io", path: "", message: e.message }];
    state.view = null;
    renderMapping(new Set(errors.filter((x) => x.file && isCsv(x.file)).map((x) => x.file)));
    renderProblems(errors);
    for (const id of ["overview", "due", "requirements", "delivery", "findings"]) $(id).hidden = true;
    status(`${names}: could not be read.`);
  } finally {
    $("main").removeAttribute("aria-busy");
  }
}

/**
 * A message of the CSV reader in a spreadsheet's words: a cell (`projects[3].budget_amount`)
 * as its row (counting the heading row, as a spreadsheet numbers them) and column; a missing
 * column with where to choose it.
 */
function cellWords(text) {
  return String(text)
    .replace(/\b(projects|records|approvals)\[(\d+)\]\.([a-z_]+)/g,
      (_, table, i, column) => `row ${Number(i) + 2} of the ${table} table, column “${column}”`)
    .replace(/^(projects|records|approvals): the table has no columns? (.+?)(?: \((did you mean [^)]*)\))?: say which of your columns is which.*$/,
      (_, table, names, hint) => {
        const one = !names.includes(",");
        return `the ${table} table has no ${one ? "column" : "columns"} ${curly(names)}${hint ? ` (${curly(hint)})` : ""}: `
          + `choose the ${one ? "column that holds it" : "columns that hold them"} under “Columns of …” below`;
      });
}

/** The core's straight quotes as a page's curly ones. */
function curly(text) {
  return text.replace(/"([^"]*)"/g, "“$1”");
}

function renderProblems(errors) {
  const list = errors.flatMap((e) => (e.errors?.length ? e.errors.map((x) => ({ file: e.file, ...x })) : [e]));
  const more = errors.reduce((n, e) => n + (e.omitted ?? 0), 0);
  $("problems").replaceChildren(...(list.length === 0 ? [] : [h("div", { class: "card problem", role: "alert" },
    h("p", {}, h("strong", {}, "The files could not be read. "), "Nothing is shown until this is fixed."),
    h("ul", { class: "problem-list" }, list.map((e) => h("li", { data: { code: e.code } },
      e.file ? h("strong", {}, `${e.file}: `) : null, cellWords(e.message)))),
    more > 0 && h("p", { class: "small" }, `… and ${more} more.`))]));
}

// ---------------------------------------------------------------------------------------
// Tables, computed and kept in the worker

/**
 * Draws a table the worker made: cells as text (never markup); on a phone each row becomes
 * a card with the column names beside the values. The worker sends the first rows only.
 */
function drawTable(name, t, caption) {
  if (t.total === 0) return h("p", { class: "muted empty" }, "Nothing to show.");
  const cls = (i) => [t.numeric?.includes(i) && "num", t.nowrap?.includes(i) && "nowrap"].filter(Boolean).join(" ") || null;
  return h("div", { class: "table-wrap" },
    t.total > t.rows.length && h("p", { class: "hint" },
      `The first ${t.rows.length.toLocaleString("en")} of ${t.total.toLocaleString("en")} rows; Export CSV writes them all.`),
    h("table", { class: "data reflow", data: { table: name } },
      caption && h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, t.columns.map((c, i) => h("th", { scope: "col", class: cls(i) }, c)))),
      h("tbody", {}, t.rows.map((row) => h("tr", {}, row.map((cell, i) => h("td", { class: cls(i), data: { label: t.columns[i] } }, cell)))))));
}

/** Asks the worker for a table and draws it in `#<name>-table`; answers the table. */
async function showTable(name, params, caption) {
  // Busy while the worker computes, so that assistive technology (and a test) knows when
  // the table is the one asked for.
  $(name).setAttribute("aria-busy", "true");
  try {
    const t = await ask("table", { name, params });
    $(`${name}-table`).replaceChildren(drawTable(name, t, caption));
    return t;
  } finally {
    $(name).removeAttribute("aria-busy");
  }
}

const SHEETS = { due: "Evaluations due", requirements: "Requirements", delivery: "Delivery", findings: "Findings" };

/** Saves a table as CSV or as an Excel workbook, both written whole by the worker. */
async function exportTable(name, format) {
  const stem = (state.view?.name || state.files[0]?.name || "portfolio").replace(/\.[^.]+$/, "").replace(/[^\w.-]+/g, "_").slice(0, 60);
  if (format === "xlsx") {
    const bytes = await ask("xlsx", { name, sheet: SHEETS[name] });
    download(`${stem}-${name}.xlsx`, bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  } else {
    download(`${stem}-${name}.csv`, await ask("export", { name }), "text/csv");
  }
}

// ---------------------------------------------------------------------------------------
// The sections

async function show() {
  const v = state.view;
  $("due-from").value = v.first;
  $("due-to").value = v.last;
  renderFindingsFilters();
  await Promise.all([showTable("requirements", {}, "Evaluation requirements per project"), renderFindings(), renderDue(), setUpDelivery()]);
  renderOverview();
  for (const id of ["overview", "due", "requirements", "delivery", "findings"]) $(id).hidden = false;
  $("drop").classList.add("compact");
}

function renderOverview() {
  const v = state.view;
  const what = v.kind === "iati" ? `IATI ${v.version} file, ${v.count} activities` : `${v.count} projects`;
  $("overview").replaceChildren(...[
    h("h2", { id: "overview-title" }, v.kind === "iati" ? "IATI activities" : v.name || "Portfolio"),
    h("ul", { class: "counts" },
      h("li", { class: "count" }, h("strong", {}, what)),
      h("li", { class: "count" }, h("strong", {}, String(state.due)), " evaluations due in the window"),
      h("li", { class: `count ${v.fails ? "fail" : "pass"}` }, h("strong", {}, String(v.fails)), " failing"),
      h("li", { class: `count ${v.warnings ? "warning" : "pass"}` }, h("strong", {}, String(v.warnings)), " warnings"),
      v.errors.length > 0 && h("li", { class: "count fail" }, h("strong", {}, String(v.errors.length)), " input problems")),
    v.errors.length > 0 && h("ul", { class: "problem-list small" }, v.errors.map((e) => h("li", {}, cellWords(e.message)))),
    h("p", { class: "small muted" }, `${v.policy.name} v${v.policy.version} (${v.policy.hash.slice(7, 15)})`)].filter(Boolean));
}

async function renderDue() {
  const from = $("due-from").value.trim();
  const to = $("due-to").value.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(from) || !date.test(to)) {
    $("due-note").textContent = "Write both dates as year-month-day, e.g. 2008-01-31.";
    return;
  }
  if (to < from) {
    $("due-note").textContent = `“To” (${to}) is before “From” (${from}): nothing can fall due.`;
    $("due-table").replaceChildren();
    state.due = 0;
  } else {
    try {
      const t = await showTable("due", { from, to }, "Evaluations and reviews falling due");
      state.due = t.total;
      $("due-note").textContent = `${t.total} due from ${from} to ${to}, both days included.`;
    } catch (e) {
      $("due-note").textContent = (e.errors ?? []).map((x) => x.message).join("; ");
      state.due = 0;
    }
  }
  if (!$("overview").hidden) renderOverview();
}

async function setUpDelivery() {
  const v = state.view;
  const iati = v.kind === "iati";
  $("group-by").closest(".filters").hidden = iati;
  $("chart").closest("figure").hidden = iati || v.years.length === 0;
  $("year").replaceChildren(...v.years.map((y) => h("option", { value: String(y), selected: y === v.years.at(-1) }, String(y))));
  if (!iati && v.years.length === 0) {
    $("delivery-table").replaceChildren(h("p", { class: "muted" }, "The portfolio has no monthly records: delivery cannot be computed."));
    return;
  }
  await renderDelivery();
}

async function renderDelivery() {
  const params = state.view.kind === "iati" ? {} : { groupBy: $("group-by").value, year: Number($("year").value) };
  try {
    const t = await showTable("delivery", params, `Delivery ${params.year ?? ""}`);
    if (t.chart) drawChart(t.chart);
  } catch (e) {
    $("delivery-table").replaceChildren(h("p", { class: "error" }, (e.errors ?? []).map((x) => cellWords(x.message)).join("; ")));
  }
}

/** The year-to-date delivery curve of the whole portfolio against the policy band, drawn as SVG. */
function drawChart({ points, band: [low, high], year }) {
  const W = 640, H = 240, L = 60, R = 16, T = 14, B = 30;
  const rates = points.map((p) => p.rate);
  const top = Math.max(100, Math.ceil(Math.max(high, ...rates.filter((r) => r !== null)) / 10) * 10);
  const x = (month) => L + ((month - 1) / 11) * (W - L - R);
  const y = (pct) => T + (1 - pct / top) * (H - T - B);
  const grid = [];
  for (let pct = 0; pct <= top; pct += 20) {
    grid.push(svg("line", { x1: L, x2: W - R, y1: y(pct), y2: y(pct), class: "grid" }),
      svg("text", { x: L - 6, y: y(pct) + 4, class: "axis", "text-anchor": "end" }, `${pct} %`));
  }
  const months = MONTHS.map((m, i) => svg("text", { x: x(i + 1), y: H - 10, class: "axis", "text-anchor": "middle" }, m));
  const drawn = points.map((p, i) => ({ month: i + 1, rate: p.rate, label: p.month })).filter((p) => p.rate !== null);
  const line = drawn.map((p) => `${x(p.month).toFixed(1)},${y(p.rate).toFixed(1)}`).join(" ");
  const last = drawn.at(-1);
  $("chart").replaceChildren(svg("svg", {
    viewBox: `0 0 ${W} ${H}`, role: "img", class: "ytd",
    "aria-label": `Year-to-date delivery ${year}: ${last ? `${last.rate.toFixed(1)} % through ${last.label}` : "no data"}; policy band ${low}–${high} %`,
  },
  svg("rect", { x: L, width: W - L - R, y: y(high), height: y(low) - y(high), class: "band" }),
  svg("text", { x: W - R - 4, y: y(high) - 4, class: "band-label", "text-anchor": "end" }, `policy band ${low}–${high} %`),
  ...grid, ...months,
  svg("polyline", { points: line, class: "curve" }),
  ...drawn.map((p) => svg("circle", { cx: x(p.month), cy: y(p.rate), r: 3.5, class: "point", "data-month": p.label, "data-rate": p.rate.toFixed(1) },
    svg("title", {}, `${p.label}: ${p.rate.toFixed(1)} %`)))));
  $("chart-caption").textContent = last
    ? `Year-to-date delivery of the whole portfolio in ${year}, month by month: ${last.rate.toFixed(1)} % through ${last.label} (band ${low}–${high} %).`
    : `No allocations in ${year}.`;
}

function renderFindingsFilters() {
  const v = state.view;
  const [fam, unit] = [$("filter-family").value, $("filter-unit").value];
  $("filter-family").replaceChildren(h("option", { value: "" }, "All families"),
    ...v.families.map((f) => h("option", { value: f, selected: f === fam }, `${FAMILIES[f] ?? f} (${f})`)));
  $("filter-unit").replaceChildren(h("option", { value: "" }, "All units"),
    ...v.units.map((u) => h("option", { value: u, selected: u === unit }, u)));
  $("filter-unit").disabled = v.units.length === 0;
}

async function renderFindings() {
  const [family, status, unit] = ["filter-family", "filter-status", "filter-unit"].map((id) => $(id).value);
  const t = await showTable("findings", { family, status, unit }, "Findings that need action");
  $("findings-note").textContent = t.note;
}

// ---------------------------------------------------------------------------------------
// Wiring

function wire() {
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", async (event) => {
    if (event.target.files.length) await openFiles(event.target.files);
    event.target.value = "";
  });
  $("example").addEventListener("click", async () => {
    const response = await fetch("examples/portfolio.json");
    state.files = [{ name: "portfolio.json", bytes: await response.arrayBuffer() }];
    await run();
  });
  // Files dropped anywhere on the page.
  document.addEventListener("dragover", (event) => {
    event.preventDefault();
    $("drop").classList.add("over");
  });
  document.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) $("drop").classList.remove("over");
  });
  document.addEventListener("drop", async (event) => {
    event.preventDefault();
    $("drop").classList.remove("over");
    if (event.dataTransfer?.files.length) await openFiles(event.dataTransfer.files);
  });
  for (const id of ["due-from", "due-to"]) $(id).addEventListener("input", () => renderDue());
  for (const id of ["group-by", "year"]) $(id).addEventListener("change", () => renderDelivery());
  for (const id of ["filter-family", "filter-status", "filter-unit"]) $(id).addEventListener("change", renderFindings);
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-export]");
    if (button) exportTable(button.dataset.export, button.dataset.format);
  });
  $("mapping").addEventListener("change", async (event) => {
    const { heading } = event.target.dataset;
    if (heading === undefined) return;
    const mapping = remembered();
    if (event.target.value) mapping[heading] = event.target.value;
    else delete mapping[heading];
    remember(mapping);
    await run();
  });
}

async function main() {
  wire();
  state.columns = await ask("columns");
  status("Ready: open a portfolio, or try the example.");
}

main().catch((e) => status(`The rules engine could not start: ${e.message}`));
