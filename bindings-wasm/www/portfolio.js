// The portfolio page: opens CSV tables, JSON portfolios or an IATI file (button or drag
// and drop) and shows the evaluations falling due in a window, the requirements of each
// project, delivery by unit, region or donor with the year-to-date curve against the
// policy band, and the findings that need action. The files are read and the rules run in
// a module worker (portfolio-worker.js) with the full module; this file draws the answers,
// filters what is shown and writes the tables as CSV.
import { download, h, shownAmount, svg } from "./common.js";

const $ = (id) => document.getElementById(id);
/** Column mappings the officer chose (a spreadsheet's header → the core's column), kept across visits. */
const MAPPING_KEY = "tcrules.columns";

const FAMILIES = {
  EVAL: "Evaluation", DLV: "Delivery", INT: "Integration", PF: "Portfolio balance", APR: "Appraisal", IATI: "IATI data",
};
const KINDS = {
  final: "Final evaluation", mid_term: "Mid-term evaluation", annual_review: "Annual review",
  mid_term_review: "Mid-term review", ex_post: "Ex-post evaluation",
};
const STATUS = { fail: "Fail", warning: "Warning" };
/** Rows drawn per table: a large portfolio's tables are drawn in part, and exported whole. */
const SHOWN_ROWS = 500;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const state = { files: [], view: null, due: [], delivery: null, columns: null, tables: {} };

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
// and remembered. (When the core reads Excel and maps columns itself, the mapping is handed
// to it instead of renaming the header here.)

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

const isCsv = (name) => /\.(csv|tsv|txt)$/i.test(name);

/** A CSV file's bytes with its header cells renamed as the mapping says. */
function mapped(file, mapping) {
  if (!isCsv(file.name)) return file.bytes;
  const text = new TextDecoder().decode(file.bytes);
  const { cells, separator, rest } = header(text);
  if (!cells.some((c) => mapping[c.toLowerCase()])) return file.bytes;
  const quote = (c) => (/[",;\t]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const line = cells.map((c) => quote(mapping[c.toLowerCase()] ?? c)).join(separator);
  return new TextEncoder().encode(line + rest).buffer;
}

function renderMapping(failed) {
  const mapping = remembered();
  const known = state.columns ? [...new Set([...state.columns.projects, ...state.columns.records, ...state.columns.approvals])] : [];
  const csvs = state.files.filter((f) => isCsv(f.name));
  $("mapping").replaceChildren(...csvs.map((file, n) => {
    const { cells } = header(new TextDecoder().decode(file.bytes));
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

/** A path of the CSV reader (`projects[3].budget_amount`) in a spreadsheet's words. */
function cellWords(text) {
  return String(text).replace(/\b(projects|records|approvals)\[(\d+)\]\.([a-z_]+)/g,
    (_, table, i, column) => `row ${Number(i) + 2} of the ${table} table, column “${column}”`);
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
// Tables, and their CSV

/**
 * A table whose cells are text (never markup); on a phone each row becomes a card with
 * the column names beside the values. Kept by `name` for its CSV export.
 */
function table(name, columns, rows, { caption, numeric = [], nowrap = [] } = {}) {
  state.tables[name] = { columns, rows };
  if (rows.length === 0) return h("p", { class: "muted empty" }, "Nothing to show.");
  const shown = rows.slice(0, SHOWN_ROWS);
  return h("div", { class: "table-wrap" },
    rows.length > shown.length && h("p", { class: "hint" },
      `The first ${shown.length.toLocaleString()} of ${rows.length.toLocaleString()} rows; Export CSV writes them all.`),
    h("table", { class: "data reflow", data: { table: name } },
      caption && h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, c)))),
      h("tbody", {}, shown.map((row) => h("tr", {}, row.map((cell, i) => h("td", {
        class: [numeric.includes(i) && "num", nowrap.includes(i) && "nowrap"].filter(Boolean).join(" ") || null, data: { label: columns[i] },
      }, cell)))))));
}

/**
 * One CSV cell: quoted where needed, and written as text where a spreadsheet would take it
 * for a formula (a cell beginning with =, +, -, @, a tab or a carriage return gets a
 * leading apostrophe).
 */
function csvCell(value) {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function exportTable(name) {
  const t = state.tables[name];
  if (!t) return;
  const lines = [t.columns, ...t.rows].map((row) => row.map(csvCell).join(","));
  const stem = (state.view?.name || state.files[0]?.name || "portfolio").replace(/\.[^.]+$/, "").replace(/[^\w.-]+/g, "_").slice(0, 60);
  download(`${stem}-${name}.csv`, `\uFEFF${lines.join("\r\n")}\r\n`, "text/csv");
}

/** US dollars as the module gives them, exact, without zeros past the cents (1262555.0000 → 1,262,555.00). */
const usd = (v) => (v === null || v === undefined ? "" : shownAmount(String(v).replace(/^(-?\d+\.\d\d\d*?)0+$/, "$1")));
const percent = (v) => (v === null || v === undefined ? "undefined" : Number(v).toFixed(1));
const yes = (b) => (b === null || b === undefined ? "" : b ? "Required" : "Not required");
const kind = (k) => KINDS[k] ?? k;
const family = (rule) => rule.split("-")[0];

// ---------------------------------------------------------------------------------------
// The sections

async function show() {
  const v = state.view;
  const titles = new Map((v.kind === "iati" ? v.activities.map((a) => [a.project, a.title]) : v.projects.map((p) => [p.id, p.title])));
  state.titles = titles;
  $("due-from").value = v.first;
  $("due-to").value = v.last;
  renderRequirements();
  renderFindingsFilters();
  renderFindings();
  await renderDue();
  await setUpDelivery();
  renderOverview();
  for (const id of ["overview", "due", "requirements", "delivery", "findings"]) $(id).hidden = false;
  $("drop").classList.add("compact");
}

function renderOverview() {
  const v = state.view;
  const open = v.findings.length;
  const fails = v.findings.filter((f) => f.status === "fail").length;
  const what = v.kind === "iati" ? `IATI ${v.version} file, ${v.activities.length} activities` : `${v.projects.length} projects`;
  $("overview").replaceChildren(...[
    h("h2", { id: "overview-title" }, v.kind === "iati" ? "IATI activities" : v.name || "Portfolio"),
    h("ul", { class: "counts" },
      h("li", { class: "count" }, h("strong", {}, what)),
      h("li", { class: "count" }, h("strong", {}, String(state.due.length)), " evaluations due in the window"),
      h("li", { class: `count ${fails ? "fail" : "pass"}` }, h("strong", {}, String(fails)), " failing"),
      h("li", { class: `count ${open - fails ? "warning" : "pass"}` }, h("strong", {}, String(open - fails)), " warnings"),
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
    state.due = [];
  } else {
    try {
      state.due = await ask("due", { from, to });
      $("due-note").textContent = `${state.due.length} due from ${from} to ${to}, both days included.`;
    } catch (e) {
      $("due-note").textContent = (e.errors ?? []).map((x) => x.message).join("; ");
      state.due = [];
    }
  }
  $("due-table").replaceChildren(table("due", ["Due", "Project", "Title", "Evaluation"],
    state.due.map((d) => [d.date, d.project, state.titles.get(d.project) ?? "", kind(d.kind)]),
    { caption: "Evaluations and reviews falling due", nowrap: [0, 1] }));
  if (state.view) renderOverview();
}

function renderRequirements() {
  const v = state.view;
  if (v.kind === "iati") {
    $("requirements-table").replaceChildren(table("requirements",
      ["Activity", "Title", "Duration class", "Budget US$", "Independent evaluation", "Evaluations", "Error"],
      v.activities.map((a) => [a.project, a.title, a.duration_class ?? "", usd(a.budget_usd), yes(a.independent_evaluation),
        a.schedule.map((d) => `${kind(d.kind)} ${d.date}`).join("; "), a.error?.message ?? ""]),
      { numeric: [3] }));
    return;
  }
  const units = new Map(v.projects.map((p) => [p.id, p]));
  $("requirements-table").replaceChildren(table("requirements",
    ["Project", "Title", "Unit", "Duration", "Class", "Budget US$", "Independent evaluation", "Mid-term evaluation", "Annual reviews", "Error"],
    v.evaluations.map((e) => {
      const r = e.requirements;
      const d = r?.duration;
      return [e.project, units.get(e.project)?.title ?? "", units.get(e.project)?.unit ?? "",
        d ? `${d.months} months${d.days ? ` ${d.days} days` : ""}` : "", r?.class ?? "", usd(r?.budget_usd),
        yes(r?.independent_evaluation), yes(r?.mid_term_evaluation), r ? String(r.annual_reviews) : "", e.error?.message ?? ""];
    }), { numeric: [5, 8] }));
}

async function setUpDelivery() {
  const v = state.view;
  const iati = v.kind === "iati";
  $("group-by").closest(".filters").hidden = iati;
  $("chart").closest("figure").hidden = iati || v.years.length === 0;
  if (iati) {
    $("delivery-table").replaceChildren(table("delivery",
      ["Activity", "Year", "Allocation US$", "Expenditure US$", "Delivery %"],
      v.activities.flatMap((a) => a.delivery.map((g) => [a.project, g.group, usd(g.allocation_usd), usd(g.expenditure_usd), percent(g.rate_percent)])),
      { numeric: [2, 3, 4] }));
    return;
  }
  $("year").replaceChildren(...v.years.map((y) => h("option", { value: String(y), selected: y === v.years.at(-1) }, String(y))));
  await renderDelivery();
}

async function renderDelivery() {
  const v = state.view;
  if (v.years.length === 0) {
    $("delivery-table").replaceChildren(h("p", { class: "muted" }, "The portfolio has no monthly records: delivery cannot be computed."));
    state.tables.delivery = { columns: [], rows: [] };
    return;
  }
  const groupBy = $("group-by").value;
  const year = Number($("year").value);
  try {
    const { table: report, curve } = await ask("delivery", { groupBy, year });
    state.delivery = report;
    const by = $("group-by").selectedOptions[0].textContent;
    $("delivery-table").replaceChildren(table("delivery", [by, "Allocation US$", "Expenditure US$", "Delivery %", "Records"],
      [...report.groups, { ...report.total, group: "Total" }].map((g) =>
        [g.group, usd(g.allocation_usd), usd(g.expenditure_usd), percent(g.rate_percent), String(g.records)]),
      { numeric: [1, 2, 3, 4], caption: `Delivery ${year} by ${by.toLowerCase()}` }));
    drawChart(curve, report.band_percent.map(Number), year);
  } catch (e) {
    $("delivery-table").replaceChildren(h("p", { class: "error" }, (e.errors ?? []).map((x) => cellWords(x.message)).join("; ")));
  }
}

/** The year-to-date delivery curve of the whole portfolio against the policy band, drawn as SVG. */
function drawChart(points, [low, high], year) {
  const W = 640, H = 240, L = 44, R = 14, T = 12, B = 30;
  const rates = points.map((p) => (p.rate_percent === null ? null : Number(p.rate_percent)));
  const top = Math.max(100, Math.ceil(Math.max(high, ...rates.filter((r) => r !== null)) / 10) * 10);
  const x = (month) => L + ((month - 1) / 11) * (W - L - R);
  const y = (pct) => T + (1 - pct / top) * (H - T - B);
  const grid = [];
  for (let pct = 0; pct <= top; pct += 20) {
    grid.push(svg("line", { x1: L, x2: W - R, y1: y(pct), y2: y(pct), class: "grid" }),
      svg("text", { x: L - 6, y: y(pct) + 4, class: "axis", "text-anchor": "end" }, `${pct} %`));
  }
  const months = MONTHS.map((m, i) => svg("text", { x: x(i + 1), y: H - 10, class: "axis", "text-anchor": "middle" }, m));
  const drawn = points.map((p, i) => ({ month: i + 1, rate: rates[i], label: p.month })).filter((p) => p.rate !== null);
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
  const keep = (id) => $(id).value;
  const families = [...new Set(v.findings.map((f) => family(f.rule)))].sort();
  const units = [...new Set(v.findings.map((f) => f.unit).filter(Boolean))].sort();
  const [fam, unit] = [keep("filter-family"), keep("filter-unit")];
  $("filter-family").replaceChildren(h("option", { value: "" }, "All families"),
    ...families.map((f) => h("option", { value: f, selected: f === fam }, `${FAMILIES[f] ?? f} (${f})`)));
  $("filter-unit").replaceChildren(h("option", { value: "" }, "All units"),
    ...units.map((u) => h("option", { value: u, selected: u === unit }, u)));
  $("filter-unit").disabled = units.length === 0;
}

function renderFindings() {
  const [fam, st, unit] = ["filter-family", "filter-status", "filter-unit"].map((id) => $(id).value);
  const shown = state.view.findings.filter((f) =>
    (!fam || family(f.rule) === fam) && (!st || f.status === st) && (!unit || f.unit === unit));
  $("findings-note").textContent = `${shown.length} of ${state.view.findings.length} shown.`;
  $("findings-table").replaceChildren(table("findings",
    ["Status", "Rule", "Severity", "Project", "Unit", "Subject", "Message", "How to fix", "Citation"],
    shown.map((f) => [STATUS[f.status] ?? f.status, f.rule, f.severity, f.project, f.unit, f.subject, f.message, f.help, f.citation]),
    { caption: "Findings that need action", nowrap: [0, 1, 3, 4] }));
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
    if (button) exportTable(button.dataset.export);
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
