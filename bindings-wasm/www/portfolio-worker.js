// The portfolio page's work, off the main thread: the full module (pkg-full, with the CSV
// and IATI readers and the portfolio kinds) reads the files and runs the rules, and the
// tables are kept here, so that a file of tens of thousands of projects leaves the page
// responsive: the page receives the rows it draws (at most SHOWN_ROWS a table) and, on
// export, the CSV text. Every figure comes from the module; this worker routes requests
// to it and writes its answers as table rows (no rule is decided here).
import init, { Policy, columns, dueBetween, mergePortfolios, tableText, workbook } from "./pkg-full/tcrules_wasm.js";
import { shownAmount } from "./common.js";

/** Rows sent to the page per table; an export writes them all. */
const SHOWN_ROWS = 500;
const KINDS = {
  final: "Final evaluation", mid_term: "Mid-term evaluation", annual_review: "Annual review",
  mid_term_review: "Mid-term review", ex_post: "Ex-post evaluation",
};
const STATUS = { fail: "Fail", warning: "Warning" };
const GROUPS = { unit: "Unit", region: "Region", donor: "Donor", country: "Country", field_office: "Field office", project: "Project" };

const ready = init().then(() => new Policy());
/** What was opened: a portfolio and its report, or an IATI file's report, and the page's view of it. */
let opened = null;
/** The tables last computed, whole, by name: what an export writes. */
const tables = {};

/** A call's answer value, or the error answer thrown to the request's handler. */
function value(answer) {
  if (answer.type === "ok") return answer.value;
  throw Object.assign(new Error("module error"), { errors: answer.errors });
}

const call = (policy, kind, input) => value(JSON.parse(policy.call(kind, input)));

/** The format the module reads a file in, by its name. */
function format(name) {
  const lower = name.toLowerCase();
  // A workbook arrives as its first sheet's CSV text (`sheet-text`), read as a CSV table.
  if (/\.(csv|tsv|txt|xlsx|xlsm|ods)$/.test(lower)) return "csv";
  if (/\.(xml|gz)$/.test(lower)) return "iati";
  if (lower.endsWith(".json")) return "json";
  return null;
}

// ---------------------------------------------------------------------------------------
// Opening

/** Reads the files: CSV tables and JSON portfolios into one portfolio, or one IATI file. */
function open(policy, files) {
  const errors = [];
  const portfolios = [];
  let iati = null;
  for (const file of files) {
    const kind = format(file.name);
    if (!kind) {
      errors.push({ file: file.name, code: "invalid_value", path: "", message: "not a file this page reads: open a .csv or Excel (.xlsx, .ods) table, a .json portfolio or an IATI .xml file" });
      continue;
    }
    const answer = policy.read(kind, new Uint8Array(file.bytes));
    if (answer.type === "error") errors.push(...answer.errors.map((e) => ({ file: file.name, ...e })));
    else if (kind === "iati") iati = { file: file.name, report: answer.value };
    else portfolios.push(answer.value);
  }
  if (iati && portfolios.length > 0) {
    errors.push({ file: iati.file, code: "invalid_value", path: "", message: "open an IATI file on its own, not with tables or portfolios" });
  }
  if (errors.length > 0) throw Object.assign(new Error("files not read"), { errors });
  opened = iati ? iatiView(iati.report) : portfolioView(portfolios, policy);
  for (const name of Object.keys(tables)) delete tables[name];
  const { findings, evaluations, ...summary } = opened.view;
  const fails = findings.filter((f) => f.status === "fail").length;
  return {
    ...summary, fails, warnings: findings.length - fails,
    families: [...new Set(findings.map((f) => f.rule.split("-")[0]))].sort(),
    units: [...new Set(findings.map((f) => f.unit).filter(Boolean))].sort(),
  };
}

/** Findings that need action, each with the project (and its unit) it is about, if any. */
function actionable(findings, project, units) {
  return findings
    .filter((f) => f.status === "fail" || f.status === "warning")
    .map((f) => ({ ...f, project: project ?? "", unit: units.get(project) ?? "" }));
}

/** The first and last due dates, for the page's default window. */
function dates(evaluations) {
  let first = "";
  let last = "";
  for (const e of evaluations) {
    for (const d of e.schedule ?? []) {
      if (!first || d.date < first) first = d.date;
      if (d.date > last) last = d.date;
    }
  }
  return { first, last };
}

function portfolioView(portfolios, policy) {
  const portfolio = value(mergePortfolios(portfolios));
  // A table gives only what it holds: projects or records.
  portfolio.projects ??= [];
  portfolio.records ??= [];
  const report = call(policy, "report", { portfolio });
  const projects = new Map(portfolio.projects.map((p) => [p.id, p]));
  const units = new Map(portfolio.projects.map((p) => [p.id, p.unit ?? ""]));
  const findings = [
    ...report.evaluations.flatMap((e) => actionable(e.findings, e.project, units)),
    ...["delivery", "integration", "balance"].flatMap((section) => actionable(report[section]?.findings ?? [], null, units)),
  ];
  return {
    portfolio, report, projects, evaluations: report.evaluations,
    view: {
      kind: "portfolio", name: portfolio.name ?? "", policy: report.policy, count: portfolio.projects.length,
      years: [...new Set(portfolio.records.map((r) => Number(r.month.slice(0, 4))))].sort((a, b) => a - b),
      errors: report.errors, findings, evaluations: report.evaluations, ...dates(report.evaluations),
    },
  };
}

function iatiView(report) {
  const evaluations = report.activities.map((a) => ({ project: a.identifier ?? a.activity, schedule: a.evaluations ?? [], findings: [] }));
  const findings = report.activities.flatMap((a) => actionable(a.findings ?? [], a.identifier ?? a.activity, new Map()));
  return {
    report, evaluations,
    view: {
      kind: "iati", version: report.version ?? "", policy: report.policy, count: report.activities.length, years: [],
      errors: report.errors, findings, evaluations, ...dates(evaluations),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Tables: column names, rows of text, and which columns are numbers or keep to one line

/** US dollars as the module gives them, exact, without zeros past the cents (1262555.0000 → 1,262,555.00). */
const usd = (v) => (v === null || v === undefined ? "" : shownAmount(String(v).replace(/^(-?\d+\.\d\d\d*?)0+$/, "$1")));
const percent = (v) => (v === null || v === undefined ? "undefined" : Number(v).toFixed(1));
const yes = (b) => (b === null || b === undefined ? "" : b ? "Required" : "Not required");
const kind = (k) => KINDS[k] ?? k;

function dueTable({ from, to }) {
  // The schedules alone: the rows' findings are not needed to find what falls due.
  opened.schedules ??= opened.evaluations.map((e) => ({ project: e.project, schedule: e.schedule ?? [] }));
  const due = value(dueBetween({ evaluations: opened.schedules, from, to }));
  const title = opened.projects
    ? (id) => opened.projects.get(id)?.title ?? ""
    : ((titles) => (id) => titles.get(id) ?? "")(new Map(opened.report.activities.map((a) => [a.identifier ?? a.activity, a.title ?? ""])));
  return {
    columns: ["Due", "Project", "Title", "Evaluation"], nowrap: [0, 1],
    rows: due.map((d) => [d.date, d.project, title(d.project), kind(d.kind)]),
  };
}

function requirementsTable() {
  if (!opened.projects) {
    return {
      columns: ["Activity", "Title", "Duration class", "Budget US$", "Independent evaluation", "Evaluations", "Error"], numeric: [3],
      rows: opened.report.activities.map((a) => [a.identifier ?? a.activity, a.title ?? "", a.duration_class ?? "", usd(a.budget_usd),
        yes(a.independent_evaluation), (a.evaluations ?? []).map((d) => `${kind(d.kind)} ${d.date}`).join("; "), a.error?.message ?? ""]),
    };
  }
  return {
    columns: ["Project", "Title", "Unit", "Duration", "Class", "Budget US$", "Independent evaluation", "Mid-term evaluation", "Annual reviews", "Error"],
    numeric: [5, 8],
    rows: opened.evaluations.map((e) => {
      const r = e.requirements;
      const d = r?.duration;
      const p = opened.projects.get(e.project);
      return [e.project, p?.title ?? "", p?.unit ?? "", d ? `${d.months} months${d.days ? ` ${d.days} days` : ""}` : "", r?.class ?? "",
        usd(r?.budget_usd), yes(r?.independent_evaluation), yes(r?.mid_term_evaluation), r ? String(r.annual_reviews) : "", e.error?.message ?? ""];
    }),
  };
}

function deliveryTable(policy, { groupBy, year }) {
  if (!opened.projects) {
    return {
      columns: ["Activity", "Year", "Allocation US$", "Expenditure US$", "Delivery %"], numeric: [2, 3, 4],
      rows: opened.report.activities.flatMap((a) => (a.delivery ?? []).map((g) =>
        [a.identifier ?? a.activity, g.group, usd(g.allocation_usd), usd(g.expenditure_usd), percent(g.rate_percent)])),
    };
  }
  const { portfolio } = opened;
  const report = call(policy, "delivery", { portfolio, group_by: groupBy, period: { kind: "year", year } });
  const [curve] = call(policy, "delivery_series", { portfolio, group_by: "portfolio", year });
  return {
    columns: [GROUPS[groupBy] ?? groupBy, "Allocation US$", "Expenditure US$", "Delivery %", "Records"], numeric: [1, 2, 3, 4],
    rows: [...report.groups, { ...report.total, group: "Total" }].map((g) =>
      [g.group, usd(g.allocation_usd), usd(g.expenditure_usd), percent(g.rate_percent), String(g.records)]),
    chart: {
      band: report.band_percent.map(Number), year,
      points: (curve?.points ?? []).map((p) => ({ month: p.month, rate: p.rate_percent === null ? null : Number(p.rate_percent) })),
    },
  };
}

function findingsTable({ family, status, unit }) {
  const all = opened.view.findings;
  const shown = all.filter((f) => (!family || f.rule.split("-")[0] === family) && (!status || f.status === status) && (!unit || f.unit === unit));
  return {
    columns: ["Status", "Rule", "Severity", "Project", "Unit", "Subject", "Message", "How to fix", "Citation"], nowrap: [0, 1, 3, 4],
    rows: shown.map((f) => [STATUS[f.status] ?? f.status, f.rule, f.severity, f.project, f.unit, f.subject ?? "", f.message, f.help ?? "", f.citation]),
    note: `${shown.length} of ${all.length} shown.`,
  };
}

/** A table computed whole and kept for its export; the page gets its first rows. */
function table(policy, name, params) {
  const made = { due: dueTable, requirements: requirementsTable, findings: findingsTable }[name]?.(params)
    ?? (name === "delivery" ? deliveryTable(policy, params) : null);
  if (!made) throw new Error(`no table ${name}`);
  tables[name] = made;
  return { ...made, rows: made.rows.slice(0, SHOWN_ROWS), total: made.rows.length };
}

/**
 * One CSV cell: quoted where needed, and written as text where a spreadsheet would take it
 * for a formula (a cell beginning with =, +, -, @, a tab or a carriage return gets a
 * leading apostrophe; OWASP, "CSV Injection").
 */
function csvCell(text) {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",;\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A table as CSV text, with a byte-order mark for spreadsheets. */
function exportCsv(name) {
  const t = tables[name];
  if (!t) throw new Error(`no table ${name}`);
  return `\uFEFF${[t.columns, ...t.rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** A table as an Excel workbook's bytes (its cells text, never formulas). */
function exportXlsx(name, sheet) {
  const t = tables[name];
  if (!t) throw new Error(`no table ${name}`);
  return value(workbook([{ name: sheet, columns: t.columns, rows: t.rows }]));
}

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    const policy = await ready;
    let result;
    if (op === "open") result = open(policy, data.files);
    else if (op === "columns") result = columns();
    else if (op === "sheet-text") result = value(tableText(new Uint8Array(data.bytes)));
    else if (op === "table") result = table(policy, data.name, data.params ?? {});
    else if (op === "export") result = exportCsv(data.name);
    else if (op === "xlsx") result = exportXlsx(data.name, data.sheet);
    else throw new Error(`unknown request ${op}`);
    self.postMessage({ id, result }, result instanceof Uint8Array ? [result.buffer] : []);
  } catch (e) {
    self.postMessage({ id, errors: e.errors ?? [{ code: "io", path: "", message: e.message }] });
  }
};
