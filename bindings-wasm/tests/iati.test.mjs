// IATI activity files in JavaScript: `Policy.iati` on text or bytes, the same report as
// the core's JSON boundary, and `Policy.read` for every file format.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy } from "tcrules-wasm";

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url));
const ilo = new Policy();
const rates = { EUR: "1.47" };

test("the 2.03 example file: one row per activity, the malformed one with its error", () => {
  const answer = ilo.iati(new Uint8Array(read("core/data/iati/ilo-activities-2.03.xml")), rates);
  assert.equal(answer.type, "ok");
  const { version, activities, errors } = answer.value;
  assert.equal(version, "2.03");
  assert.deepEqual(errors, []);
  const [jor, , asia, idn] = activities;
  assert.equal(jor.duration_class, "medium");
  assert.equal(jor.budget_usd, "350000.01");
  assert.equal(jor.independent_evaluation, true);
  assert.deepEqual(jor.delivery.map((g) => [g.group, g.rate_percent]), [["2010", "68.5714"], ["2011", "102.8004"]]);
  assert.equal(jor.findings.find((f) => f.rule === "IATI-GEN-MARKER").status, "pass");
  assert.equal(asia.budget_usd, "4410000.00"); // EUR 3,000,000 × 1.47, exact
  assert.deepEqual([idn.identifier, idn.error.code, idn.error.path],
    ["XM-DAC-41302-IDN-06-01-NOR", "invalid_value", "iati-activity[4]/budget[1]/value"]);
});

test("text, bytes and the JSON boundary give the same report", () => {
  const text = read("core/data/iati/ilo-activities-1.05.xml").toString("utf8");
  const fromText = ilo.iati(text);
  assert.deepEqual(ilo.iati(new TextEncoder().encode(text)), fromText);
  assert.deepEqual(JSON.parse(ilo.call("iati", { text })), fromText);
  assert.equal(fromText.value.activities[0].gender_marker, 2);
});

test("read: every format, and bad arguments answer with errors", () => {
  const csv = "id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,USD\n";
  assert.equal(ilo.read("csv", csv).value.projects[0].id, "P1");
  assert.equal(ilo.read("policy", read("core/policies/what-if-1m.json")).value.name, "what-if-1m");
  const cases = [
    [ilo.read("xml", "<a/>"), "invalid_value", "format"],
    [ilo.read("json", 42), "invalid_json", "data"],
    [ilo.iati("<iati-activities/>", { EUR: "-1" }), "invalid_value", "rates.EUR"],
    [ilo.iati(new Uint8Array(16 * 1024 * 1024 + 1)), "too_large", "data"],
  ];
  for (const [answer, code, path] of cases) {
    assert.equal(answer.type, "error");
    assert.deepEqual([answer.errors[0].code, answer.errors[0].path], [code, path]);
  }
});

test("the TypeScript Format lists every format the core reads", () => {
  const dts = readFileSync(new URL("../pkg-node/tcrules_wasm.d.ts", import.meta.url), "utf8");
  const declared = [...dts.match(/export type Format = ([^;]+);/)[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
  const { message } = ilo.read("nope", "").errors[0];
  assert.deepEqual(declared, message.split(" is not one of ")[1].split(", "));
});

test("options: evaluation documents asked for at an as-of date, and the kind of year", () => {
  const bytes = new Uint8Array(read("core/data/iati/text-dates-1.01.xml"));
  const evalDoc = (answer) =>
    answer.value.activities.map((a) => a.findings.filter((f) => f.rule === "IATI-EVAL-DOC").map((f) => f.status));
  assert.deepEqual(evalDoc(ilo.iati(bytes)), [[], []]); // not asked without a date
  assert.deepEqual(evalDoc(ilo.iati(bytes, undefined, { as_of: "2026-12-01" })), [["warning"], ["warning"]]);
  assert.deepEqual(evalDoc(ilo.iati(bytes, undefined, { as_of: "2010-06-30" })), [["not_applicable"], ["not_applicable"]]);
  const years = (periods) => ilo.iati(bytes, undefined, { periods }).value.activities[0].delivery.map((g) => g.group);
  assert.deepEqual(years("published"), ["2008-07/2009-06", "2009-07/2010-06"]); // July–June budgets
  assert.deepEqual(years("calendar"), ["2008", "2009", "2010"]);
  assert.deepEqual(years({ fiscal: 4 }), ["2008-04/2009-03", "2009-04/2010-03", "2010-04/2011-03"]);
  // The same answer as the JSON boundary.
  const text = new TextDecoder().decode(bytes);
  assert.deepEqual(JSON.parse(ilo.call("iati", { text, periods: "calendar" })), ilo.iati(bytes, undefined, { periods: "calendar" }));
  const bad = ilo.iati(bytes, undefined, { periods: { fiscal: 13 } });
  assert.deepEqual([bad.type, bad.errors[0].code, bad.errors[0].path], ["error", "invalid_value", "periods"]);
  const unknown = ilo.iati(bytes, undefined, { asOf: "2026-12-01" });
  assert.deepEqual([unknown.type, unknown.errors[0].code], ["error", "invalid_json"]);
  const notADate = ilo.iati(bytes, undefined, { as_of: "2026-13-01" });
  assert.deepEqual([notADate.errors[0].code, notADate.errors[0].path], ["invalid_value", "as_of"]);
});
