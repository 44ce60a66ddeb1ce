// The proposal template on the appraisal page in headless Chromium (issue 19, item 2):
// "Download template" gives the workbook; the template filled by script
// (tests/template-fill.mjs) opens to the same appraisal as the example's JSON; a filled
// template with bad cells lists each one; "Save as Excel" and Open… of that .xlsx give
// the same appraisal. Screenshots in target/screenshots/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";

import { readProposal } from "tcrules-wasm";

import { openPage, screenshots } from "./harness.mjs";
import { fillTemplate, templateCsv } from "./template-fill.mjs";

const ready = JSON.parse(await readFile(new URL("../../core/data/example/proposals/ready.json", import.meta.url), "utf8"));

let page, problems, close;

before(async () => {
  ({ page, problems, close } = await openPage("/", { width: 1280, height: 900 }));
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent === "Ready");
});

after(async () => close?.());

/** The verdict, the score and every finding's rule and status, as the page shows them. */
const appraisal = () => page.evaluate(() => ({
  verdict: document.querySelector("#verdict-title")?.textContent,
  score: document.querySelector(".score")?.getAttribute("aria-label"),
  findings: [...document.querySelectorAll(".finding")].map((f) => `${f.dataset.rule} ${f.className}`).sort(),
}));

/** Opens a file through the page's Open… input. */
const open = (name, mimeType, buffer) => page.locator("#open-file").setInputFiles({ name, mimeType, buffer });

/** The module files the page has fetched so far. */
const fetched = () => page.evaluate(() => performance.getEntriesByType("resource").map((r) => new URL(r.name).pathname).filter((p) => p.endsWith(".wasm")));

test("the page offers the template to download", async () => {
  // The full module is loaded on demand, not with the page.
  assert.deepEqual(await fetched(), ["/pkg/tcrules_wasm_bg.wasm"]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download template" }).click()]);
  assert.equal(download.suggestedFilename(), "proposal-template.xlsx");
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  assert.ok(bytes.includes("xl/workbook.xml"));
  assert.deepEqual(await fetched(), ["/pkg/tcrules_wasm_bg.wasm", "/pkg-full/tcrules_wasm_bg.wasm"]);
  // Blank: read back, it lacks what every proposal has.
  const blank = readProposal(new Uint8Array(bytes));
  assert.equal(blank.type, "error");
  assert.deepEqual(blank.errors[0].errors.map((e) => e.message), [
    "Proposal, row 2, ID: is required and empty",
    "Proposal, row 3, Title: is required and empty",
  ]);
});

test("the template filled by script opens to the same appraisal as the JSON", async () => {
  const fromJson = await appraisal();
  assert.equal(fromJson.verdict, "Ready");
  await page.getByRole("button", { name: "New proposal" }).click();
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent !== "Ready");
  await open("ready.csv", "text/csv", Buffer.from(templateCsv(fillTemplate(ready))));
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent === "Ready");
  assert.deepEqual(await appraisal(), fromJson);
  assert.equal(await page.getByLabel("Title").inputValue(), ready.title);
  await page.screenshot({ path: `${screenshots}/appraisal-from-template.png`, fullPage: false });
  assert.deepEqual(problems, []);
});

test("a filled template with bad cells lists each one", async () => {
  const sheets = fillTemplate(ready);
  sheets.find((s) => s.name === "Budget lines").rows[1][2] = "about 250k";
  sheets.find((s) => s.name === "Proposal").rows.push(["", "soon", "", "start"]);
  await open("draft.csv", "text/csv", Buffer.from(templateCsv(sheets)));
  const card = page.locator("#problems .problem");
  await card.waitFor();
  assert.match(await card.textContent(), /Cannot open draft\.csv/);
  const cells = await card.locator("li").allTextContents();
  assert.equal(cells.length, 2, cells.join("\n"));
  assert.ok(cells.some((c) => c.startsWith('Budget lines, row 2, Amount: "about 250k" is not a decimal number')), cells.join("\n"));
  assert.ok(cells.some((c) => /^Proposal, row \d+, Start: "soon" is not a date/.test(c)), cells.join("\n"));
  await page.screenshot({ path: `${screenshots}/appraisal-template-errors.png` });
  assert.deepEqual(problems, []);
});

test("Save as Excel, then Open… of that workbook, gives the same appraisal", async () => {
  await page.getByRole("button", { name: /Pay equity, Jordan/ }).click();
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent === "Ready");
  const fromJson = await appraisal();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save as Excel" }).click()]);
  assert.equal(download.suggestedFilename(), "JOR-PAYEQ-II.xlsx");
  const bytes = await readFile(await download.path());
  await page.getByRole("button", { name: "New proposal" }).click();
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent !== "Ready");
  await open("JOR-PAYEQ-II.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes);
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent === "Ready");
  assert.deepEqual(await appraisal(), fromJson);
  await page.screenshot({ path: `${screenshots}/appraisal-from-xlsx.png` });
  assert.deepEqual(problems, []);
});

test("Export findings (Excel): every finding, those that need action first, in text cells, with the verdict", async () => {
  await page.getByRole("button", { name: /Pay equity, Jordan/ }).click();
  await page.waitForFunction(() => document.querySelector("#verdict-title")?.textContent === "Ready");
  const shown = await page.evaluate(() => document.querySelectorAll(".finding").length);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export findings (Excel)" }).click()]);
  assert.equal(download.suggestedFilename(), "JOR-PAYEQ-II-findings.xlsx");
  const path = await download.path();
  const member = (name) => execFileSync("python3", ["-c",
    "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", path, name], { encoding: "utf8" });
  const strings = member("xl/sharedStrings.xml");
  for (const text of ["Status", "Rule", "How to fix", "Citation", "APR-NEEDS", "APR-GEN-MARKER", "ready", "ilo-2006"]) {
    assert.ok(strings.includes(text), text);
  }
  const sheet = member("xl/worksheets/sheet1.xml");
  assert.ok(!sheet.includes("<f>"), "no formula in the export");
  // A row per finding the page shows, under the heading row.
  assert.equal((sheet.match(/<row /g) ?? []).length, shown + 1);
  assert.deepEqual(problems, []);
});
