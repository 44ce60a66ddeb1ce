// Drives the appraisal page (www/) in headless Chromium on a local static server: loads
// each example, edits fields by label and keyboard, and watches the verdict, findings and
// evaluation schedule change. Fails on any console error or any request that leaves
// 127.0.0.1. Saves tests/screenshot.png.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { CHROMIUM_OPTIONS, chromium, servePage } from "./harness.mjs";

let server, context, page, origin, profile;
const problems = [];

before(async () => {
  ({ server, origin } = await servePage());
  profile = await mkdtemp(join(tmpdir(), "tcrules-e2e-"));
  context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM_OPTIONS,
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
  });
  // The page must work offline: anything not served here is refused and reported.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    problems.push(`request outside the page's origin: ${url}`);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(`console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(`${origin}/`);
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const verdict = () => page.locator("#verdict-title");
const failing = () => page.locator(".finding.fail").evaluateAll((els) => els.map((e) => e.dataset.rule));
const finding = (rule) => page.locator(`.finding[data-rule="${rule}"]`);
const example = (name) => page.getByRole("button", { name }).click();

async function expectVerdict(text) {
  await page.waitForFunction((t) => document.querySelector("#verdict-title")?.textContent === t, text);
  assert.equal(await verdict().textContent(), text);
}

test("the page starts on the example that passes", async () => {
  await expectVerdict("Ready");
  assert.equal(await page.getByLabel("Title").inputValue(), "Promoting pay equity in Jordan, phase II");
  assert.deepEqual(await failing(), []);
  assert.equal(await page.locator(".finding").count(), 15);
});

test("each example: ready, revise on tripartism, revise on gender", async () => {
  await example(/Equal opportunities, Morocco/);
  await expectVerdict("Revise");
  const tri = await failing();
  assert.ok(tri.length >= 3 && tri.every((r) => r.startsWith("APR-TRI-")), String(tri));
  const consult = finding("APR-TRI-CONSULT");
  assert.match(await consult.locator(".message").textContent(), /workers' organizations did not take part/);
  assert.match(await consult.locator(".citation").textContent(), /R6 §68, §305/);
  assert.match(await consult.locator(".help").textContent(), /How to fix: involve the government/);

  await example(/Rights at work, Myanmar/);
  await expectVerdict("Revise");
  const gender = await failing();
  assert.ok(gender.length >= 2 && gender.every((r) => r.startsWith("APR-GEN-")), String(gender));
  // Disaggregating the head count by sex clears one gender finding, and only that one.
  await page.getByRole("checkbox", { name: "Indicator 2.2 Disaggregated by sex" }).check();
  await page.waitForSelector('.finding.pass[data-rule="APR-GEN-INDICATORS"]');
  assert.deepEqual(await failing(), gender.filter((r) => r !== "APR-GEN-INDICATORS"));

  await example(/Pay equity, Jordan/);
  await expectVerdict("Ready");
});

test("fixing the tripartism findings by keyboard makes the proposal ready", async () => {
  await example(/Equal opportunities, Morocco/);
  await expectVerdict("Revise");
  const tick = async (name) => {
    const box = page.getByRole("checkbox", { name, exact: true });
    await box.focus();
    await page.keyboard.press("Space");
    assert.equal(await box.isChecked(), true, name);
  };
  for (const stage of ["needs assessment", "design", "implementation", "monitoring", "evaluation"]) {
    await tick(`Workers' organizations: ${stage}`);
  }
  await tick("Employers' organizations: design");
  assert.equal(await finding("APR-TRI-CONSULT").getAttribute("class"), "card finding pass");
  await tick("Bureau for Workers' Activities (ACTRAV)");
  await page.getByLabel("Overseen by").selectOption("tripartite_committee");
  await page.getByLabel("Name of the body").fill("National tripartite committee on equality at work");
  await tick("Workers' organizations");
  await expectVerdict("Ready");
  assert.deepEqual(await failing(), []);
});

test("editing a field re-runs the appraisal as the officer types", async () => {
  await example(/Pay equity, Jordan/);
  await expectVerdict("Ready");
  await page.getByLabel("P&B outcome").fill("");
  await expectVerdict("Not appraisable");
  const needs = finding("APR-NEEDS");
  assert.match(await needs.locator(".message").textContent(), /field needs\.pb_outcome missing/);
  await needs.getByRole("button", { name: "Go to needs.pb_outcome" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-needs-pb_outcome");
  await page.keyboard.type("P&B 2012-13 Outcome 17");
  await expectVerdict("Ready");

  // An amount that is not a decimal is bad data: the field is marked and the error named.
  const amount = page.getByRole("textbox", { name: "Line 1 Amount" });
  await amount.fill("248,000");
  await page.waitForSelector("#problems .problem");
  assert.equal(await amount.getAttribute("aria-invalid"), "true");
  assert.match(await page.locator("#problems").textContent(), /budget\[0\]\.amount\.amount/);
  await amount.fill("248000.00");
  await page.waitForFunction(() => !document.querySelector("#problems .problem"));
  assert.equal(await amount.getAttribute("aria-invalid"), null);
  await expectVerdict("Ready");
});

test("the evaluation requirements and schedule follow the dates, budget and edition", async () => {
  await example(/Pay equity, Jordan/);
  const requirements = page.locator("#requirements");
  const schedule = () => requirements.locator(".schedule li").allTextContents();
  assert.deepEqual(await schedule(), ["2013-03-31Mid-term evaluation", "2014-06-30Final evaluation"]);
  assert.match(await requirements.textContent(), /BudgetUS\$580,000\.00/);
  assert.match(await requirements.textContent(), /Independent evaluationRequired \(threshold US\$350,000\)/);

  await page.getByLabel("End date").fill("2015-06-30");
  await page.waitForFunction(() => document.querySelectorAll("#requirements .schedule li").length === 4);
  assert.deepEqual(await schedule(), [
    "2013-01-01Annual review", "2014-01-01Annual review", "2015-01-01Annual review", "2015-06-30Final evaluation",
  ]);
  // The plan has no annual reviews: the M&E check now fails.
  await expectVerdict("Revise");
  assert.deepEqual(await failing(), ["APR-ME"]);

  await page.getByLabel("Policy edition").selectOption({ label: "what-if-1m v1" });
  await page.waitForFunction(() => /Not required/.test(document.querySelector("#requirements").textContent));
  assert.match(await requirements.textContent(), /threshold US\$1,000,000/);
  assert.match(await page.locator("#stamp").textContent(), /^what-if-1m v1 \([0-9a-f]{8}\) · appraised in/);
  await page.getByLabel("Policy edition").selectOption({ label: "ilo-2006 v1.2.0" });
});

test("the appraisal exports as JSON", async () => {
  await example(/Rights at work, Myanmar/);
  await expectVerdict("Revise");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export appraisal JSON" }).click()]);
  assert.equal(download.suggestedFilename(), "MMR-FOA-appraisal.json");
  const exported = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.equal(exported.proposal, "MMR-FOA");
  assert.equal(exported.verdict, "revise");
  assert.equal(exported.findings.length, 15);
  assert.equal(exported.requirements.budget_usd, "1060000.00");
  assert.equal(exported.policy.name, "ilo-2006");
});

test("the appraisal prints as a page: verdict, findings and citations, no form or controls", async () => {
  await example(/Rights at work, Myanmar/);
  await expectVerdict("Revise");
  await page.emulateMedia({ media: "print" });
  try {
    assert.equal(await page.locator("#proposal").isVisible(), false);
    assert.equal(await page.locator(".topbar").isVisible(), false);
    assert.equal(await page.locator(".toolbar").isVisible(), false);
    assert.equal(await page.locator("button:visible").count(), 0);
    assert.equal(await verdict().isVisible(), true);
    assert.equal(await page.locator("#stamp").isVisible(), true);
    const fail = page.locator(".finding.fail").first();
    assert.equal(await fail.isVisible(), true);
    assert.match(await fail.locator(".citation").textContent(), /R6|Appendix I|DC/);
    // The results take the page's width, not a sidebar's.
    const [results, body] = await Promise.all([
      page.locator("#results").boundingBox(),
      page.locator("body").boundingBox(),
    ]);
    assert.ok(results.width > 0.9 * body.width, `${results.width} of ${body.width}`);
  } finally {
    await page.emulateMedia({ media: "screen" });
  }
});

test("every control has a label, and the page makes no errors and no outside requests", async () => {
  const unlabelled = await page.locator("input:not([type=file]), select, textarea").evaluateAll((els) =>
    els.filter((el) => !el.labels?.length && !el.getAttribute("aria-label")).map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
  await example(/Equal opportunities, Morocco/);
  await expectVerdict("Revise");
  // The draft survives a reload.
  await page.reload();
  await expectVerdict("Revise");
  assert.equal(await page.getByLabel("Proposal id").inputValue(), "MAR-EQOPP-II");
  await page.screenshot({ path: new URL("screenshot.png", import.meta.url).pathname });
  assert.deepEqual(problems, []);
});
