// Data as users have it in JavaScript (issue 17): `readTable` reads the analyst's portfolio
// (tests/spreadsheets/, written by its make.py) as a `;` CSV file, an Excel workbook and an
// OpenDocument workbook under misleading names, told apart by their content, with the
// same rows and the same error codes as the command line and Python give.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy, readTable, tableText } from "tcrules-wasm";

const fixture = (name) => new Uint8Array(readFileSync(new URL(`../../tests/spreadsheets/${name}`, import.meta.url)));
const columns = JSON.parse(new TextDecoder().decode(fixture("columns.json")));

/** Rows with every decimal in its shortest form: a number cell holds 1250000 where the CSV says 1.250.000,00. */
function normalized(value) {
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v)]));
  if (typeof value === "string" && /^-?\d+\.\d+$/.test(value)) return value.replace(/\.?0+$/, "");
  return value;
}

const ok = (answer) => {
  assert.equal(answer.type, "ok", JSON.stringify(answer.errors));
  return answer.value;
};

test("CSV, Excel and OpenDocument give the same rows, whatever the files are named", () => {
  const projects = ok(readTable(fixture("projects-semicolon.csv"), { day_first: true, columns }));
  const records = ok(readTable(fixture("records-semicolon.csv"), { day_first: true, columns }));
  assert.deepEqual(projects.projects.map((p) => [p.id, p.start, p.region, p.budget.amount, p.budget.currency]), [
    ["P-001", "2024-04-03", "asia_pacific", "1250000.00", "EUR"],
    ["P-002", "2023-01-15", "arab_states", "350000.01", "USD"],
    ["P-003", "2024-02-01", "africa", "99999.50", "USD"],
  ]);
  for (const name of ["portfolio-excel.csv", "portfolio-calc.txt"]) {
    const bytes = fixture(name);
    assert.deepEqual(normalized(ok(readTable(bytes, { columns }))), normalized(projects), name);
    const sheet = ok(readTable(bytes, { columns, sheet: "Records" }));
    assert.deepEqual(normalized(sheet), normalized(records), name);
    assert.deepEqual(sheet.records.map((r) => r.month), ["2024-05", "2024-06", "2024-05", "2024-06"]);
  }
  // The file entry point reads a workbook as a table too.
  const read = new Policy().read("csv", fixture("portfolio-excel.csv"));
  assert.equal(read.type, "error"); // the analyst's headers, unmapped
  assert.deepEqual([read.errors[0].code, read.errors[0].path], ["invalid_csv", "projects"]);
});

test("a workbook's sheet as CSV text, cells as typed", () => {
  const text = ok(tableText(fixture("portfolio-excel.csv")));
  assert.ok(text.startsWith("Project ID,Title,Region,Responsible Unit,Start Date,End Date,Budget,Budget Currency\n"), text);
  assert.ok(text.includes("P-001,Skills for jobs,Asia and the Pacific,EMP,2024-04-03,2025-12-31,1250000,eur\n"), text);
  assert.ok(text.includes(",99999.5,"), text); // the formula's saved value
  assert.equal(ok(tableText(fixture("portfolio-calc.txt"))), text);
});

test("errors: every missing column at once, a missing sheet, the users' headers in paths", () => {
  const unmapped = readTable(fixture("portfolio-calc.txt"));
  assert.equal(unmapped.type, "error");
  const [missing] = unmapped.errors;
  assert.deepEqual([missing.code, missing.path], ["invalid_csv", "projects"]);
  assert.match(missing.message, /"start" \(did you mean "Start Date"\?\)/);
  const sheet = readTable(fixture("portfolio-excel.csv"), { sheet: "Budget" });
  assert.deepEqual([sheet.errors[0].code, sheet.errors[0].path], ["invalid_value", "sheet"]);
  const bad = readTable(fixture("projects-bad.csv"), { day_first: true, columns });
  assert.deepEqual(bad.errors[0].errors.map(({ code, path }) => [code, path]), [
    ["invalid_value", "projects[1].Region"],
    ["invalid_value", "projects[2].Start Date"],
    ["invalid_value", "projects[2].Budget"],
    ["unknown_currency", "projects[3].Budget Currency"],
  ]);
  const options = readTable(fixture("projects-bad.csv"), { columns: { A: 1 } });
  assert.deepEqual([options.errors[0].code, options.errors[0].path], ["invalid_json", "columns.A"]);
});
