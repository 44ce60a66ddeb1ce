// Compiled by `tsc` (never run): the generated declarations describe the API, and money
// is a branded decimal string that a number or a plain string cannot pass for.
import { Policy, maxInputLength, type Answer, type Appraisal, type BudgetLine, type Decimal, type IatiReport, type Proposal } from "tcrules-wasm";
import init, { Policy as WebPolicy } from "../pkg/tcrules_wasm.js";
import initFull, { Policy as FullPolicy, columns, dueBetween, mergePortfolios, workbook, type DueItem, type Format, type Portfolio } from "../pkg-full/tcrules_wasm.js";

const amount = (s: string) => s as Decimal;
const proposal: Proposal = {
  id: "PR-1",
  title: "Pay equity",
  start: "2024-01-01",
  end: "2025-06-30",
  budget: [{ label: "Evaluation", purpose: "evaluation", amount: { amount: amount("30000"), currency: "USD" } }],
  gender: { marker: 1, analysis: "Women earn 33 per cent less" },
};

const policy = new Policy();
const answer: Answer<Appraisal> = policy.appraise({ proposal, rates: { EUR: amount("1.08") } });
if (answer.type === "ok") {
  const verdict: "ready" | "revise" | "not_appraisable" = answer.value.verdict;
  const budget: Decimal | undefined = answer.value.requirements?.budget_usd;
  const rules: string[] = answer.value.findings.map((f) => `${f.rule} ${f.status} ${f.citation} ${f.help ?? ""}`);
  console.log(verdict, budget, rules, answer.value.schedule?.[0]?.date);
} else {
  const where: string[] = answer.errors.map((e) => `${e.code} at ${e.path}: ${e.message}`);
  console.log(where);
}

const edition = Policy.load({ name: "what-if", version: "1", extends: "ilo-2006", evaluation: { independent_threshold_usd: amount("1000000") } });
if (edition.type === "ok") {
  const evaluation = edition.value.evaluate({ project: { id: "P", title: "T", start: "2024-01-01", end: "2024-12-31", budget: { amount: amount("1"), currency: "USD" } } });
  if (evaluation.type === "ok") console.log(evaluation.value.requirements?.class, edition.value.stamp.hash);
}
const delivery = policy.delivery({ portfolio: { projects: [], records: [] }, group_by: "unit", period: { kind: "year", year: 2024 } });
const text: string = policy.call("report", { portfolio: {} });
const iati: Answer<IatiReport> = policy.iati("<iati-activities/>", { EUR: amount("1.2") });
if (iati.type === "ok") console.log(iati.value.activities.map((a) => `${a.identifier} ${a.duration_class} ${a.error?.path}`));
const file = policy.read("csv", new Uint8Array(), undefined);
// @ts-expect-error not a file format of the core
policy.read("xml", "<a/>");
const limit: number = maxInputLength();
console.log(delivery.type, text, limit, file.type);

// @ts-expect-error money is a decimal string, never a JavaScript number
const asNumber: BudgetLine = { label: "x", purpose: "general", amount: { amount: 30000, currency: "USD" } };
// @ts-expect-error a plain string is not a Decimal until the caller says so
const asString: Decimal = "30000";
// @ts-expect-error currencies are ISO 4217 codes
const badCurrency: BudgetLine = { label: "x", purpose: "general", amount: { amount: amount("1"), currency: "usd" } };
// @ts-expect-error not a kind of the core's JSON boundary
policy.call("apraisal", {});
// @ts-expect-error an error answer has no value
answer.value;
console.log(asNumber, asString, badCurrency);

// The ES modules for browsers and bundlers are initialized before use; the main one has
// the proposal kinds only, the full one (loaded when a file is imported or a portfolio is
// read) has the portfolio kinds and the importers too.
await init();
const web = new WebPolicy();
console.log(web.stamp.name, web.call("schedule", { project: {} }));
// @ts-expect-error the main web module reads no IATI file
web.iati("<iati-activities/>");
// @ts-expect-error nor does it answer the portfolio kinds
web.delivery({ portfolio: { projects: [], records: [] }, group_by: "unit", period: { kind: "year", year: 2024 } });
// @ts-expect-error not a kind of the main web module
web.call("report", { portfolio: {} });
await initFull();
const format: Format = "iati";
const full = new FullPolicy();
const report: Answer<IatiReport> = full.iati("<iati-activities/>");
console.log(full.read(format, "<iati-activities/>").type, report.type, full.call("report", { portfolio: {} }));
// The portfolio page's helpers (full module only): portfolios merged, what falls due, the CSV columns.
const merged: Answer<Portfolio> = mergePortfolios([{ projects: [], records: [] }]);
const due: Answer<DueItem[]> = dueBetween({ evaluations: [{ project: "P1", schedule: [{ kind: "final", date: "2025-06-30" }] }], from: "2025-01-01", to: "2025-12-31" });
const tables: string[] = columns().projects;
const book: Answer<Uint8Array> = workbook([{ name: "Findings", columns: ["Rule"], rows: [["EVAL-PLAN"]] }]);
console.log(merged.type, due.type, tables, book.type);
