// Drives the appraisal page (www/) in headless Chromium on a local static server: loads
// each example, edits fields by label and keyboard, and watches the verdict, findings and
// evaluation schedule change; checks the page's words (labels, not paths), amounts in the
// page's locale, the phone layout, its Content-Security-Policy and that markup in an opened
// file shows as text. Fails on any console error, any request that leaves 127.0.0.1 and any
// CSP violation. Saves screenshots at desktop and phone widths under target/screenshots/.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";

import { assertCspBlocksInlineScript, openPage, screenshots } from "./harness.mjs";

let page, problems, close;

before(async () => {
  ({ page, problems, close } = await openPage("/", { width: 1440, height: 1000 }));
});

after(async () => close?.());

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
  await page.getByRole("checkbox", { name: "Indicator 2.2, Disaggregated by sex" }).check();
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
  // The page's words: the field's label, not its path, in the message, the help and the link.
  assert.match(await needs.locator(".message").textContent(), /field “P&B outcome” missing/);
  const help = await needs.locator(".help").textContent();
  assert.match(help, /set “Country has a DWCP” to “No”/);
  assert.doesNotMatch(help, /country_has_dwcp|false/);
  await needs.getByRole("button", { name: "Go to P&B outcome" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-needs-pb_outcome");
  await page.keyboard.type("P&B 2012-13 Outcome 17");
  await expectVerdict("Ready");

  // An amount that is not a number is bad data: the field is marked, and the message names
  // it by its label and says how to write it, in the page's words.
  const amount = page.getByRole("textbox", { name: "Budget line 1, Amount" });
  await amount.fill("24x8");
  await page.waitForSelector("#problems .problem");
  assert.equal(await amount.getAttribute("aria-invalid"), "true");
  const problem = await page.locator("#problems").textContent();
  assert.match(problem, /Budget line 1, amount: “24x8” is not an amount/);
  assert.doesNotMatch(problem, /budget\[0\]|Decimal|invalid_json/);
  assert.match(await page.locator(".budget-row .error").textContent(), /^Budget line 1, amount: /);
  // Its link focuses the field.
  await page.locator("#problems").getByRole("button", { name: "Go to Budget line 1, amount" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-budget-0-amount-amount");
  // Thousands separators, as officers write amounts: appraised, with no error text.
  await amount.fill("248,000.00");
  await page.waitForFunction(() => !document.querySelector("#problems .problem"));
  assert.equal(await amount.getAttribute("aria-invalid"), null);
  assert.equal(await page.locator(".error").count(), 0);
  await expectVerdict("Ready");
  const budget = await page.evaluate(() => JSON.parse(localStorage.getItem("tcrules.draft")).proposal.budget[0].amount.amount);
  assert.equal(budget, "248000.00");
});

test("messages name fields by their labels, never by their paths, and dates have one form", async () => {
  const path = /\b[a-z]+_[a-z_]+\b|\w\[\d+\]|\b(?:needs|results|budget|gender|evaluation_plan|constituents|governance|capacity|partnership|sustainability)\.[a-z]/;
  for (const name of [/Pay equity, Jordan/, /Equal opportunities, Morocco/, /Rights at work, Myanmar/, "New proposal"]) {
    if (name === "New proposal") await page.getByRole("button", { name }).click();
    else await example(name);
    await page.waitForSelector(".finding");
    const words = await page.locator(".finding .message, .finding .help, .finding .missing, #problems").allTextContents();
    for (const text of words) assert.doesNotMatch(text, path, text);
  }
  // A new proposal: "not evaluated: field “Needs” missing", and its link goes to the card.
  const needs = finding("APR-NEEDS");
  assert.match(await needs.locator(".message").textContent(), /not evaluated: field “Needs” missing/);
  // Dates: typed, stored and shown as year-month-day, whatever the browser's locale.
  await example(/Pay equity, Jordan/);
  assert.equal(await page.locator('input[type="date"]').count(), 0);
  assert.equal(await page.getByLabel("Start date").inputValue(), "2012-01-01");
  assert.equal(await page.getByLabel("Start date").getAttribute("placeholder"), "YYYY-MM-DD");
  await page.getByLabel("End date").fill("30/06/2014");
  await page.waitForSelector("#problems .problem");
  assert.match(await page.locator("#problems").textContent(), /End date: “30\/06\/2014” is not a date\. Write it as year-month-day, e\.g\. 2024-12-31\./);
  await page.getByLabel("End date").fill("2014-06-30");
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
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${screenshots}/appraisal-1280.png` });
  await page.setViewportSize({ width: 1440, height: 1000 });
  assert.deepEqual(problems, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
});

test("a phone: no sideways scrolling from 360 to 414 px, and the verdict stays in view while editing", async () => {
  for (const width of [360, 390, 414]) {
    await page.setViewportSize({ width, height: 844 });
    for (const name of [/Pay equity, Jordan/, /Equal opportunities, Morocco/, /Rights at work, Myanmar/]) {
      await example(name);
      await page.waitForSelector(".finding");
      const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scrollWidth <= innerWidth, `${width} px, ${name}: the page is ${scrollWidth} px wide`);
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await example(/Equal opportunities, Morocco/);
  await expectVerdict("Revise");
  await page.screenshot({ path: `${screenshots}/appraisal-390.png` });
  // The constituents' table is a card per constituent, each stage named beside its box.
  const government = page.locator(".stages tbody tr").first();
  const box = await government.boundingBox();
  assert.ok(box.width <= 390, `constituent card ${box.width} px`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".stages td"), "::after").content), '"Needs assessment"');
  // Editing the last control of the form: the verdict bar is on screen, saying the verdict.
  const last = page.locator("#proposal").locator("input, select, textarea").last();
  await last.scrollIntoViewIfNeeded();
  await last.focus();
  await page.keyboard.press("Space");
  await page.waitForTimeout(50);
  const bar = page.locator("#verdict-bar");
  assert.equal(await bar.isVisible(), true);
  const where = await bar.boundingBox();
  assert.ok(where.y >= 0 && where.y + where.height <= 844, `verdict bar at ${where.y}`);
  assert.ok(await page.evaluate(() => window.scrollY) > 2000, "scrolled to the end of the form");
  assert.match(await bar.textContent(), /^(Ready|Revise|Not appraisable)Score \d+/);
  await page.screenshot({ path: `${screenshots}/appraisal-390-editing.png` });
  await page.keyboard.press("Space");
  await page.setViewportSize({ width: 1440, height: 1000 });
  // On a desktop the results sit beside the form: no bar.
  assert.equal(await bar.isVisible(), false);
});

test("the Content-Security-Policy allows no inline script and nothing from elsewhere", async () => {
  await assertCspBlocksInlineScript(page);
});

test("markup in an opened proposal shows as text and runs nothing", async () => {
  const proposal = JSON.parse(await readFile(new URL("../../core/data/example/proposals/ready.json", import.meta.url), "utf8"));
  proposal.id = "<script>window.pwned = 1</script>";
  proposal.title = '<img src=x onerror="window.pwned = 2">';
  proposal.results.risks[0].description = '<a href="javascript:window.pwned = 3">click</a>';
  proposal.budget[0].label = "javascript:window.pwned = 4";
  await page.locator("#open-file").setInputFiles({ name: "markup.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(proposal)) });
  await page.waitForFunction(() => document.querySelector("#verdict .eyebrow")?.textContent.includes("<script>"));
  assert.equal(await page.locator("#verdict .eyebrow").textContent(), "Appraisal of <script>window.pwned = 1</script>");
  assert.equal(await page.getByLabel("Title").inputValue(), '<img src=x onerror="window.pwned = 2">');
  assert.equal(await page.locator("img, a[href^='javascript:'], #verdict script").count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  await example(/Pay equity, Jordan/);
});
