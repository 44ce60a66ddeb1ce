// The proposal template through the module (issue 19, item 2): the blank workbook, and
// the template filled by script (tests/template-fill.mjs) read back to the same appraisal
// as the example's JSON; bad cells answered all at once by sheet, row and column.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy, proposalTemplate, readProposal } from "tcrules-wasm";

import { fillTemplate, templateCsv } from "./template-fill.mjs";

const ready = JSON.parse(readFileSync(new URL("../../core/data/example/proposals/ready.json", import.meta.url), "utf8"));
const ilo = new Policy();

function ok(answer) {
  assert.equal(answer.type, "ok", JSON.stringify(answer).slice(0, 500));
  return answer.value;
}

test("the template is an Excel workbook, blank or filled", () => {
  const blank = ok(proposalTemplate());
  assert.ok(blank instanceof Uint8Array);
  assert.deepEqual([...blank.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  // A zip names its files in the clear.
  assert.ok(Buffer.from(blank).includes("xl/workbook.xml"));
  const filled = ok(proposalTemplate(ready));
  assert.ok(filled.length > blank.length);
  const bad = proposalTemplate({ id: "P" });
  assert.equal(bad.type, "error");
  assert.equal(bad.errors[0].code, "invalid_json");
});

test("the template filled by script appraises as the JSON example", () => {
  const csv = templateCsv(fillTemplate(ready));
  const proposal = ok(readProposal(csv));
  const bytes = ok(readProposal(new TextEncoder().encode(`\ufeff${csv}`)));
  assert.deepEqual(bytes, proposal);
  const fromSheet = ok(ilo.appraise({ proposal }));
  const fromJson = ok(ilo.appraise({ proposal: ready }));
  assert.equal(fromJson.verdict, "ready");
  assert.deepEqual(fromSheet, fromJson);
  assert.equal(ilo.call("appraisal", { proposal }), ilo.call("appraisal", { proposal: ready }));
});

test("every bad cell is named by sheet, row and column", () => {
  const sheets = fillTemplate(ready);
  const budget = sheets.find((s) => s.name === "Budget lines");
  budget.rows[1][2] = "about 250k";
  budget.rows[2][1] = "holidays";
  sheets.find((s) => s.name === "Outputs").rows[1][0] = "9";
  const answer = readProposal(templateCsv(sheets));
  assert.equal(answer.type, "error");
  const [e] = answer.errors;
  assert.equal(e.code, "invalid_value");
  assert.deepEqual(e.errors.map((x) => x.message), [
    'Budget lines, row 2, Amount: "about 250k" is not a decimal number',
    'Budget lines, row 3, Purpose: "holidays" is not one of: General, Evaluation, Monitoring, Gender-specific outputs or activities, Capacity building of constituents',
    "Outputs, row 2, Outcome no.: there is no outcome 9: the sheet Outcomes has 2",
  ]);
  assert.equal(e.path, "Budget lines, row 2, Amount");
});

test("the workbook filled with a proposal reads back to the same appraisal; a blank one lacks its ID and title", () => {
  const proposal = ok(readProposal(ok(proposalTemplate(ready))));
  assert.deepEqual(ok(ilo.appraise({ proposal })), ok(ilo.appraise({ proposal: ready })));
  const blank = readProposal(ok(proposalTemplate()));
  assert.equal(blank.type, "error");
  assert.deepEqual(blank.errors[0].errors.map((e) => e.message), [
    "Proposal, row 2, ID: is required and empty",
    "Proposal, row 3, Title: is required and empty",
  ]);
});
