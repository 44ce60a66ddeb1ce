// The JavaScript API: tagged-union answers, money as decimal strings, the size limit,
// policy editions compiled once, and the example proposals the page ships.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy, maxInputLength } from "tcrules-wasm";

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const example = (name) => JSON.parse(read(`core/data/example/proposals/${name}.json`));
const ilo = new Policy();
const usd = (amount) => ({ amount, currency: "USD" });
const project = (fields) => ({
  id: "P1", title: "T", start: "2024-01-01", end: "2025-06-30", budget: usd("100000"), ...fields,
});

/** The value of an ok answer, failing the test on an error answer. */
function ok(answer) {
  assert.equal(answer.type, "ok", JSON.stringify(answer));
  return answer.value;
}

/** The one error of an error answer, checked for shape. */
function error(answer) {
  assert.equal(answer.type, "error", JSON.stringify(answer).slice(0, 300));
  assert.equal(answer.errors.length, 1);
  const [e] = answer.errors;
  assert.deepEqual(Object.keys(e).sort(), ["code", "message", "path"]);
  return e;
}

test("the built-in edition is ilo-2006, stamped with its content hash", () => {
  assert.equal(ilo.stamp.name, "ilo-2006");
  assert.match(ilo.stamp.hash, /^sha256:[0-9a-f]{64}$/);
});

test("the example proposals: ready, revise on tripartism, revise on gender", () => {
  const cases = { ready: [], "fails-tripartism": ["APR-TRI-"], "fails-gender": ["APR-GEN-"] };
  for (const [name, prefixes] of Object.entries(cases)) {
    const a = ok(ilo.appraise({ proposal: example(name) }));
    assert.equal(a.verdict, prefixes.length ? "revise" : "ready", name);
    const failed = a.findings.filter((f) => f.status === "fail").map((f) => f.rule);
    assert.equal(failed.length > 0, prefixes.length > 0, `${name}: ${failed}`);
    for (const rule of failed) assert.ok(prefixes.some((p) => rule.startsWith(p)), `${name}: ${rule}`);
    for (const f of a.findings) {
      assert.ok(f.rule && f.message && f.citation, `${name}: ${JSON.stringify(f)}`);
      if (f.status === "fail") assert.ok(f.help, `${name}: ${f.rule} says how to fix it`);
    }
  }
});

test("money crosses as decimal strings, exactly", () => {
  const a = ok(ilo.appraise({ proposal: example("ready") }));
  assert.equal(a.requirements.budget_usd, "580000.00");
  const me = a.findings.find((f) => f.rule === "APR-ME");
  assert.equal(me.facts.budget_usd, "580000");
  assert.equal(me.facts.threshold_usd, "350000");
  // One cent either side of the threshold, which a double could not tell apart after sums.
  const independent = (amount) =>
    ok(ilo.evaluate({ project: project({ budget: usd(amount) }) })).requirements.independent_evaluation;
  assert.equal(independent("350000.00"), false);
  assert.equal(independent("350000.01"), true);
});

test("JSON text is read like an object", () => {
  const proposal = example("fails-gender");
  assert.deepEqual(ilo.appraise(JSON.stringify({ proposal })), ilo.appraise({ proposal }));
});

test("text arrives as UTF-8, however much of it is not ASCII", () => {
  const ascii = "x".repeat(3000);
  // Mostly non-ASCII text takes up to 3 bytes a code unit (€), or 4 a surrogate pair.
  const ids = ["Égalité §72–74", `${ascii}Égalité`, `${ascii}€𝄞 à la fin`, `Z${ascii}😀`, "", "\u0000",
    "é".repeat(3000), "€".repeat(3000), `${"😀".repeat(1000)}€`];
  for (const id of ids) {
    for (const input of [{ proposal: { id, title: "T" } }, JSON.stringify({ proposal: { id, title: "T" } })]) {
      assert.equal(ok(ilo.appraise(input)).proposal, id);
    }
  }
  // A lone surrogate is not text: in JSON text it arrives as U+FFFD, as TextEncoder writes
  // it; in an object, JSON.stringify writes it as an escape that JSON text may not hold.
  const text = (id) => `{"proposal": {"id": "${id}", "title": "T"}}`;
  assert.equal(ok(ilo.appraise(text(`${ascii}\ud800x`))).proposal, `${ascii}\ufffdx`);
  assert.equal(ok(ilo.appraise(text("\udc00"))).proposal, "\ufffd");
  assert.equal(error(ilo.appraise({ proposal: { id: "\ud800", title: "T" } })).code, "invalid_json");
});

test("bad data answers with errors and never throws", () => {
  const cyclic = {};
  cyclic.self = cyclic;
  let deep = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const inputs = [undefined, null, 42, "", "{", "[1,]", [], {}, cyclic, { n: 1n }, () => 1, Symbol("s"),
    deep, { proposal: null }, { proposal: [] }, { project: { id: 1 } }, { portfolio: { projects: 3 } }];
  const calls = {
    appraise: (x) => ilo.appraise(x),
    evaluate: (x) => ilo.evaluate(x),
    delivery: (x) => ilo.delivery(x),
    call: (x) => JSON.parse(ilo.call("schedule", x)),
    load: (x) => Policy.load(x),
  };
  for (const [name, call] of Object.entries(calls)) {
    for (const input of inputs) {
      const e = error(call(input));
      assert.equal(typeof e.message, "string", name);
      assert.ok(e.message.length > 0, name);
    }
  }
});

test("errors name the code and the path of the offending field", () => {
  const proposal = (fields) => ({ proposal: { id: "PR", title: "T", ...fields } });
  const line = (amount) => ({ label: "x", purpose: "general", amount });
  const cases = [
    [proposal({ budget: [line(usd("12,000"))] }), "invalid_json", "budget[0].amount.amount"],
    [proposal({ budget: [line({ amount: "1", currency: "EUR" })] }), "missing_rate", "budget[0].amount"],
    [proposal({ budget: [line({ amount: "1", currency: "XYZ" })] }), "invalid_json", "budget[0].amount.currency"],
    [proposal({ budget: [line(usd("-1"))] }), "negative_amount", "budget[0].amount"],
    [proposal({ start: "2024-02-01", end: "2024-01-31" }), "end_before_start", "end"],
    [proposal({ gender: { marker: 3 } }), "invalid_value", "gender.marker"],
    [proposal({ titel: "typo" }), "invalid_json", "titel"],
  ];
  for (const [input, code, path] of cases) {
    const e = error(ilo.appraise(input));
    assert.deepEqual([e.code, e.path], [code, path], e.message);
  }
  for (const kind of ["nope", 42, undefined, null]) {
    const e = error(JSON.parse(ilo.call(kind, {})));
    assert.deepEqual([e.code, e.path], ["invalid_value", "kind"]);
  }
});

test("a project that cannot be evaluated is an error answer, not an ok one", () => {
  const e = error(ilo.evaluate({ project: project({ start: "2025-01-01", end: "2024-12-31" }) }));
  assert.equal(e.code, "end_before_start");
  const v = ok(ilo.evaluate({ project: project({}) }));
  assert.equal(v.requirements.class, "medium");
  assert.deepEqual(v.schedule.map((d) => d.kind), ["mid_term", "final"]);
});

test("inputs over the size limit get a too_large error before they are read", () => {
  const limit = maxInputLength();
  assert.equal(limit, 16 * 1024 * 1024);
  const text = '{"proposal": {"id": "PR", "title": "T"}}';
  const padded = (n) => text + " ".repeat(n - text.length);
  assert.equal(ok(ilo.appraise(padded(limit))).verdict, "not_appraisable");
  assert.equal(error(ilo.appraise(padded(limit + 1))).code, "too_large");
  const big = { proposal: { id: "PR", title: "x".repeat(limit) } };
  for (const answer of [ilo.appraise(big), Policy.load(big), JSON.parse(ilo.call("appraisal", big))]) {
    const e = error(answer);
    assert.equal(e.code, "too_large");
    assert.match(e.message, /over the limit of 16777216 characters/);
  }
});

test("a policy edition compiles once and evaluates many", () => {
  const whatIf = ok(Policy.load(read("core/policies/what-if-1m.json")));
  assert.ok(whatIf instanceof Policy);
  assert.equal(whatIf.stamp.name, "what-if-1m");
  assert.notEqual(whatIf.stamp.hash, ilo.stamp.hash);
  for (const name of ["ready", "fails-tripartism", "fails-gender"]) {
    const a = ok(whatIf.appraise({ proposal: example(name) }));
    assert.deepEqual(a.policy, whatIf.stamp);
    assert.ok(a.findings.every((f) => f.policy.hash === whatIf.stamp.hash));
  }
  // US$580,000 needs an independent evaluation under ilo-2006, not under a US$1 million threshold.
  const independent = (p) => ok(p.appraise({ proposal: example("ready") })).requirements.independent_evaluation;
  assert.equal(independent(ilo), true);
  assert.equal(independent(whatIf), false);
  const patched = ok(Policy.load({
    name: "cents", version: "1", extends: "ilo-2006", evaluation: { independent_threshold_usd: "579999.99" },
  }));
  assert.equal(independent(patched), true);

  const bad = error(Policy.load({ name: "x", version: "1", extends: "ilo-2006", evaluation: { independent_threshold_usd: "lots" } }));
  assert.equal(bad.code, "invalid_policy");
  assert.equal(error(Policy.load({ name: "x", version: "1", extends: "ilo-1999" })).path, "extends");
});

test("delivery for a set of monthly records", () => {
  const record = (month, allocation, expenditure) => ({
    project: "A", month, source: "xbtc", allocation: usd(allocation), expenditure: usd(expenditure),
  });
  const portfolio = {
    projects: [project({ id: "A", unit: "GENDER" })],
    records: [record("2024-01", "100", "50"), record("2024-02", "300", "250")],
  };
  const report = ok(ilo.delivery({ portfolio, group_by: "unit", period: { kind: "year", year: 2024 } }));
  assert.deepEqual(report.groups.map((g) => [g.group, g.rate_percent]), [["GENDER", "75"]]);
  assert.deepEqual(report.band_percent, ["60", "70"]);
  const e = error(ilo.delivery({ portfolio, group_by: "planet", period: { kind: "year", year: 2024 } }));
  assert.equal(e.path, "group_by");
});

test("delivery by unit and year in one call, and dated rates", () => {
  const record = (project, month, allocation, expenditure, currency = "USD") => ({
    project, month, source: "xbtc",
    allocation: { amount: allocation, currency }, expenditure: { amount: expenditure, currency },
  });
  const portfolio = {
    projects: [project({ id: "A", unit: "GENDER" }), project({ id: "B", unit: "GENDER" })],
    records: [record("A", "2024-01", "100", "50"), record("B", "2024-03", "300", "250"), record("A", "2025-02", "80", "100", "EUR")],
    rates: [{ currency: "EUR", month: "2024-01", rate: "1.5" }, { currency: "EUR", month: "2025-01", rate: "1.25" }],
  };
  const groups = ok(ilo.deliveryBy({ portfolio, by: ["unit", "year"] }));
  assert.deepEqual(groups.map((g) => [g.keys, g.allocation_usd, g.rate, g.status, g.records]), [
    [["GENDER", 2024], "400", 0.75, "pass", 2],
    [["GENDER", 2025], "100.00", 1.25, "overspend", 1],
  ]);
  assert.equal(error(ilo.deliveryBy({ portfolio, by: ["colour"] })).path, "by");
  const early = { ...portfolio, records: [record("A", "2023-12", "1", "1", "EUR")] };
  assert.equal(error(ilo.deliveryBy({ portfolio: early, by: ["year"] })).message, "records[0].allocation.amount: no exchange rate from EUR to USD for 2023-12");
});

test("the TypeScript Kind lists every kind the core knows", () => {
  const dts = readFileSync(new URL("../pkg-node/tcrules_wasm.d.ts", import.meta.url), "utf8");
  const declared = [...dts.match(/export type Kind = ([^;]+);/)[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
  const { message } = error(JSON.parse(ilo.call("nope", {})));
  assert.deepEqual(declared, message.split("; one of ")[1].split(", "));
});
