// The two web modules: the main one (pkg/, what a page loads first) answers proposals and
// projects, and leaves the portfolio kinds and the CSV and IATI importers out; the full one
// (pkg-full/, loaded with `import()` when a file is imported or a portfolio read) and the
// Node package have them. Prints both sizes; the size target is for the main one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

import { Policy as NodePolicy } from "tcrules-wasm";

const file = (path) => new URL(`../${path}`, import.meta.url);
const IATI = '<iati-activities version="2.03"/>';

/** A web module, initialized from its own .wasm, and the declarations that go with it. */
async function web(dir) {
  const module = await import(file(`${dir}/tcrules_wasm.js`));
  await module.default({ module_or_path: readFileSync(file(`${dir}/tcrules_wasm_bg.wasm`)) });
  return { Policy: module.Policy, dts: readFileSync(file(`${dir}/tcrules_wasm.d.ts`), "utf8") };
}

const PORTFOLIO = { projects: [], records: [] };
/** A call of every portfolio kind, with an input that reads. */
const PORTFOLIO_CALLS = {
  delivery: { portfolio: PORTFOLIO, group_by: "unit", period: { kind: "year", year: 2024 } },
  delivery_series: { portfolio: PORTFOLIO, group_by: "unit", year: 2024 },
  delivery_by: { portfolio: PORTFOLIO, by: ["unit", "year"] },
  findings: { projects: [] },
  integration: { portfolio: PORTFOLIO },
  portfolio: { portfolio: PORTFOLIO },
  report: { portfolio: PORTFOLIO },
  read_portfolio: { text: JSON.stringify(PORTFOLIO) },
};

test("the main web module has no importers, and says so for the `iati` kind", async () => {
  const { Policy, dts } = await web("pkg");
  const policy = new Policy();
  assert.equal(policy.iati, undefined);
  assert.equal(policy.read, undefined);
  assert.doesNotMatch(dts, /\biati\(|\bread\(|type Format\b/);
  const answer = JSON.parse(policy.call("iati", { text: IATI }));
  assert.equal(answer.type, "error");
  assert.deepEqual([answer.errors[0].code, answer.errors[0].path], ["invalid_value", "kind"]);
  // Everything else the page needs is there.
  assert.equal(policy.appraise({ proposal: { id: "P", title: "T" } }).type, "ok");
});

test("the main web module leaves the portfolio kinds out, and says which feature has them", async () => {
  const { Policy, dts } = await web("pkg");
  const policy = new Policy();
  assert.equal(policy.delivery, undefined);
  assert.doesNotMatch(dts, /\bdelivery\(|DeliveryInput|"report"/);
  for (const [kind, input] of Object.entries(PORTFOLIO_CALLS)) {
    const answer = JSON.parse(policy.call(kind, input));
    assert.equal(answer.type, "error", kind);
    assert.deepEqual([answer.errors[0].code, answer.errors[0].path], ["invalid_value", "kind"], kind);
    assert.match(answer.errors[0].message, /`portfolio-kinds` feature is off/, kind);
  }
  for (const kind of ["evaluation", "schedule"]) {
    const project = { id: "P", title: "T", start: "2024-01-01", end: "2025-06-30", budget: { amount: "1", currency: "USD" } };
    assert.equal(JSON.parse(policy.call(kind, { project })).type, "ok", kind);
  }
  assert.equal(JSON.parse(policy.call("policy", { text: '{"name": "x", "version": "1", "extends": "ilo-2006"}' })).type, "ok");
});

test("the full web module and the Node package answer every portfolio kind", async () => {
  const { Policy } = await web("pkg-full");
  for (const policy of [new Policy(), new NodePolicy()]) {
    assert.equal(policy.delivery(PORTFOLIO_CALLS.delivery).type, "ok");
    for (const [kind, input] of Object.entries(PORTFOLIO_CALLS)) {
      assert.equal(JSON.parse(policy.call(kind, input)).type, "ok", kind);
    }
  }
});

test("the full web module and the Node package read IATI and CSV files", async () => {
  const { Policy, dts } = await web("pkg-full");
  assert.match(dts, /\biati\(data: string \| Uint8Array/);
  assert.match(dts, /\bread\(format: Format/);
  for (const policy of [new Policy(), new NodePolicy()]) {
    assert.equal(policy.iati(IATI).type, "ok");
    assert.equal(policy.read("csv", "id,title,start,end,budget_amount,budget_currency\n").type, "ok");
    assert.equal(JSON.parse(policy.call("iati", { text: IATI })).type, "ok");
  }
});

test("size of each web module (reported, not asserted)", (t) => {
  for (const [dir, when] of [["pkg", "loaded first"], ["pkg-full", "loaded on import"]]) {
    const bytes = readFileSync(file(`${dir}/tcrules_wasm_bg.wasm`));
    const gz = gzipSync(bytes, { level: 9 }).length;
    t.diagnostic(`${dir}/tcrules_wasm_bg.wasm (${when}): ${bytes.length} bytes raw, ${gz} bytes gzipped (-9)`);
  }
});

// Issue 19: the .wasm the appraisal page loads first stays under 250 KB gzipped; the
// portfolio page may load the full module (in its worker), the appraisal page only on
// demand, with `import()`, when a spreadsheet is opened or saved.
test("the appraisal page loads the main module first, under 250 KB gzipped", () => {
  const app = readFileSync(file("www/app.js"), "utf8");
  assert.match(app, /from "\.\/pkg\/tcrules_wasm\.js"/);
  assert.doesNotMatch(app, /from "\.\/pkg-full/);
  assert.deepEqual(app.match(/pkg-full[^"]*/g), ["pkg-full/tcrules_wasm.js"]);
  assert.match(app, /import\("\.\/pkg-full\/tcrules_wasm\.js"\)/);
  const gz = gzipSync(readFileSync(file("pkg/tcrules_wasm_bg.wasm")), { level: 9 }).length;
  assert.ok(gz < 250_000, `pkg/tcrules_wasm_bg.wasm is ${gz} bytes gzipped`);
});
