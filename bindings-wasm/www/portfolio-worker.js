// The portfolio page's work, off the main thread: the full module (pkg-full, with the CSV
// and IATI readers and the portfolio kinds) reads the files and runs the rules, so that a
// file of tens of thousands of projects leaves the page responsive. Every figure comes
// from the module; this worker only routes requests to it and shapes its answers for the
// page's tables (no rule is decided here).
import init, { Policy, columns, dueBetween, mergePortfolios } from "./pkg-full/tcrules_wasm.js";

const ready = init().then(() => new Policy());
/** What was opened: a portfolio and its report, or an IATI file's report. */
let opened = null;

/** A call's answer value, or the error answer thrown to the request's handler. */
function value(answer) {
  if (answer.type === "ok") return answer.value;
  throw Object.assign(new Error("module error"), { errors: answer.errors });
}

const call = (policy, kind, input) => value(JSON.parse(policy.call(kind, input)));

/** The format the module reads a file in, by its name. */
function format(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) return "csv";
  if (lower.endsWith(".xml") || lower.endsWith(".xml.gz") || lower.endsWith(".gz")) return "iati";
  if (lower.endsWith(".json")) return "json";
  return null;
}

/** Reads the files: CSV tables and JSON portfolios into one portfolio, or one IATI file. */
function open(policy, files) {
  const errors = [];
  const portfolios = [];
  let iati = null;
  for (const file of files) {
    const kind = format(file.name);
    if (!kind) {
      errors.push({ file: file.name, code: "invalid_value", path: "", message: "not a file this page reads: open a .csv table, a .json portfolio or an IATI .xml file" });
      continue;
    }
    const answer = policy.read(kind, new Uint8Array(file.bytes));
    if (answer.type === "error") {
      errors.push(...answer.errors.map((e) => ({ file: file.name, ...e })));
    } else if (kind === "iati") {
      iati = { file: file.name, report: answer.value };
    } else {
      portfolios.push(answer.value);
    }
  }
  if (errors.length > 0) return { errors };
  if (iati && portfolios.length > 0) {
    return { errors: [{ file: iati.file, code: "invalid_value", path: "", message: "open an IATI file on its own, not with tables or portfolios" }] };
  }
  if (iati) {
    opened = { kind: "iati", report: iati.report };
    return iatiView(iati.report);
  }
  const portfolio = value(mergePortfolios(portfolios));
  const report = call(policy, "report", { portfolio });
  opened = { kind: "portfolio", portfolio, report };
  return portfolioView(portfolio, report);
}

/** Findings that need action, each with the project (and its unit) it is about, if any. */
function actionable(findings, project, units) {
  return findings
    .filter((f) => f.status === "fail" || f.status === "warning")
    .map((f) => ({
      status: f.status, rule: f.rule, severity: f.severity, project: project ?? "", unit: units.get(project) ?? "",
      subject: f.subject ?? "", message: f.message, help: f.help ?? "", citation: f.citation,
    }));
}

function portfolioView(portfolio, report) {
  const units = new Map(portfolio.projects.map((p) => [p.id, p.unit ?? ""]));
  const projects = portfolio.projects.map((p) => ({ id: p.id, title: p.title, unit: p.unit ?? "", region: p.region ?? "" }));
  const years = [...new Set(portfolio.records.map((r) => Number(r.month.slice(0, 4))))].sort((a, b) => a - b);
  const findings = [
    ...report.evaluations.flatMap((e) => actionable(e.findings, e.project, units)),
    ...["delivery", "integration", "balance"].flatMap((section) => actionable(report[section]?.findings ?? [], null, units)),
  ];
  return {
    kind: "portfolio", name: portfolio.name ?? "", policy: report.policy, summary: report.summary,
    projects, evaluations: report.evaluations.map(({ findings: _, ...row }) => row), years, findings,
    errors: report.errors, ...dates(report.evaluations),
  };
}

function iatiView(report) {
  const rows = report.activities.map((a) => ({
    project: a.identifier ?? a.activity, title: a.title ?? "", activity: a.activity,
    duration_class: a.duration_class ?? null, budget_usd: a.budget_usd ?? null,
    independent_evaluation: a.independent_evaluation ?? null, schedule: a.evaluations ?? [],
    delivery: a.delivery ?? [], donors: a.donors ?? [], error: a.error ?? null,
  }));
  const findings = report.activities.flatMap((a) => actionable(a.findings ?? [], a.identifier ?? a.activity, new Map()));
  const evaluations = rows.map((r) => ({ project: r.project, schedule: r.schedule, findings: [], error: r.error ?? undefined }));
  opened.evaluations = evaluations.map(({ error, ...row }) => row);
  return {
    kind: "iati", version: report.version ?? "", policy: report.policy, activities: rows, findings,
    errors: report.errors, ...dates(evaluations),
  };
}

/** The first and last due dates, for the page's default window. */
function dates(evaluations) {
  const all = evaluations.flatMap((e) => (e.schedule ?? []).map((d) => d.date)).sort();
  return { first: all[0] ?? "", last: all.at(-1) ?? "" };
}

/** The evaluations falling due between two dates (both included). */
function due(from, to) {
  const evaluations = opened.kind === "iati" ? opened.evaluations : opened.report.evaluations;
  return value(dueBetween({ evaluations, from, to }));
}

/** Delivery by a grouping over a year, and the year-to-date curve of the portfolio. */
function delivery(policy, groupBy, year) {
  const { portfolio } = opened;
  const table = call(policy, "delivery", { portfolio, group_by: groupBy, period: { kind: "year", year } });
  const [curve] = call(policy, "delivery_series", { portfolio, group_by: "portfolio", year });
  return { table, curve: curve?.points ?? [] };
}

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    const policy = await ready;
    let result;
    if (op === "open") result = open(policy, data.files);
    else if (op === "columns") result = columns();
    else if (op === "due") result = due(data.from, data.to);
    else if (op === "delivery") result = delivery(policy, data.groupBy, data.year);
    else throw new Error(`unknown request ${op}`);
    self.postMessage({ id, result });
  } catch (e) {
    self.postMessage({ id, errors: e.errors ?? [{ code: "io", path: "", message: e.message }] });
  }
};
