// Fills the proposal template by script, as an officer would in a spreadsheet, from a
// proposal's JSON, without the module's own writer: the sheet "Proposal" by the Key of
// each field, a sheet per list under the headings the template shows. The Node and
// browser tests open what it fills and compare the appraisal with the JSON's.

/** The template's lists: sheet, headings, where the list is, and each heading's cell. */
const LISTS = [
  ["Budget lines", ["Label", "Purpose", "Amount", "Amount › Currency"], (p) => p.budget,
    (b) => [b.label, b.purpose, b.amount.amount, b.amount.currency]],
  ["Capacity assessed", ["Constituent"], (p) => p.capacity?.assessed, (c) => [c]],
  ["Evaluations", ["Kind", "Independence", "Due", "Budget › Amount", "Budget › Currency"], (p) => p.evaluation_plan?.planned,
    (e) => [e.kind, e.independence, e.due, e.budget?.amount, e.budget?.currency]],
  ["Assumptions", ["Assumption"], (p) => p.results?.assumptions, (a) => [a]],
  ["Outcomes", ["Statement", "Gender equality"], (p) => p.results?.outcomes, (o) => [o.statement, o.gender_equality]],
  ["Indicators", ["Outcome no.", "Name", "Baseline", "Target", "Means of verification", "Counts people", "Sex disaggregated", "Gender specific"],
    (p) => p.results?.outcomes?.flatMap((o, i) => (o.indicators ?? []).map((x) => [i + 1, x])),
    ([n, x]) => [n, x.name, x.baseline, x.target, x.means_of_verification, x.counts_people, x.sex_disaggregated, x.gender_specific]],
  ["Outputs", ["Outcome no.", "Output"], (p) => p.results?.outcomes?.flatMap((o, i) => (o.outputs ?? []).map((x) => [i + 1, x])),
    ([n, x]) => [n, x]],
  ["Risks", ["Description", "Mitigation"], (p) => p.results?.risks, (r) => [r.description, r.mitigation]],
];

/** A cell as a spreadsheet shows it: Yes/No for a boolean, empty for nothing. */
const cell = (v) => (v === true ? "Yes" : v === false ? "No" : v === undefined || v === null ? "" : String(v));

/** The template's sheets, filled with `proposal`: `[{name, rows}]`, the header row first. */
export function fillTemplate(proposal) {
  const fields = [["Field", "Value", "About", "Key"]];
  const walk = (object, prefix) => {
    for (const [key, value] of Object.entries(object)) {
      if (Array.isArray(value)) continue;
      if (value && typeof value === "object") walk(value, `${prefix}${key}.`);
      else fields.push(["", cell(value), "", `${prefix}${key}`]);
    }
  };
  walk(proposal, "");
  return [{ name: "Proposal", rows: fields },
    ...LISTS.map(([name, header, list, row]) => ({ name, rows: [header, ...(list(proposal) ?? []).map((x) => row(x).map(cell))] }))];
}

/** The sheets as one CSV text, each sheet after a line with its name (the first needs none). */
export function templateCsv(sheets) {
  const quote = (c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return sheets.flatMap((s, i) => [...(i > 0 ? [s.name] : []), ...s.rows.map((r) => r.map(quote).join(","))]).join("\n") + "\n";
}
