// Drives the portfolio page (www/portfolio.html) in headless Chromium: opens the example
// portfolio as CSV tables (projects and records, written here from
// core/data/example/portfolio.json in the core's CSV layout), as JSON and an IATI file,
// and checks the schedule, delivery and findings against the figures the command line
// gives for the same data (core/cli/tests/snapshots); the column mapping, the CSV export
// (formula cells written as text), markup as text, the phone layout, the CSP, and that a
// file of 20,000 projects leaves the page responsive. Saves screenshots under
// target/screenshots/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";

import { workbook } from "tcrules-wasm";

import { assertCspBlocksInlineScript, openPage, screenshots } from "./harness.mjs";

const example = JSON.parse(await readFile(new URL("../../core/data/example/portfolio.json", import.meta.url), "utf8"));
const iati = await readFile(new URL("../../core/data/iati/ilo-activities-2.03.xml", import.meta.url));

let page, problems, close;

before(async () => {
  ({ page, problems, close } = await openPage("/portfolio.html", { width: 1280, height: 900 }));
  await page.waitForFunction(() => /^Ready/.test(document.getElementById("status").textContent));
});

after(async () => close?.());

// ---------------------------------------------------------------------------------------
// The example portfolio as the core's CSV tables (the layout of `io::csv::write_projects`).

const cell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v ?? ""));
const csv = (rows) => `${rows.map((r) => r.map(cell).join(",")).join("\n")}\n`;

/** The projects in the core's flat layout: the header, then one row of text per project. */
function projectRows(projects) {
  const columns = ["id", "title", "country", "region", "unit", "field_office", "strategic_objective", "start", "end",
    "budget_amount", "budget_currency", "donors", "funding", "pb_outcome", "dwcp_outcome", "country_has_dwcp",
    "national_framework", "evaluations", "mid_term_review_agreed", "constituent_participation"];
  return [columns, ...projects.map((p) => {
    const plan = p.evaluation_plan;
    return [p.id, p.title, p.country ?? "", p.region ?? "", p.unit ?? "", p.field_office ?? "", p.strategic_objective ?? "",
      p.start, p.end, p.budget.amount, p.budget.currency,
      (p.donors ?? []).map((d) => `${d.name}|${d.category}${d.locally_mobilized ? "|local" : ""}`).join(";"),
      (p.funding ?? []).map((f) => `${f.source}:${f.amount.amount}:${f.amount.currency}`).join(";"),
      p.links?.pb_outcome ?? "", p.links?.dwcp_outcome ?? "", p.links?.country_has_dwcp ?? "", p.links?.national_framework ?? "",
      (plan?.planned ?? []).map((e) => `${e.kind}|${e.independence}|${e.due ?? ""}|${e.budget ? `${e.budget.amount} ${e.budget.currency}` : ""}`).join(";"),
      plan ? String(plan.mid_term_review_agreed) : "", plan?.constituent_participation ?? ""].map(String);
  })];
}

const projectsCsv = (projects) => csv(projectRows(projects));

const recordsCsv = (records) => csv([["project", "month", "source", "currency", "allocation", "expenditure"],
  ...records.map((r) => [r.project, r.month, r.source, r.allocation.currency, r.allocation.amount, r.expenditure.amount])]);

/** One member of a zip file (an .xlsx), as text. */
const unzip = (path, member) => execFileSync("python3", ["-c",
  "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", path, member], { encoding: "utf8" });

const file = (name, text) => ({ name, mimeType: "text/plain", buffer: Buffer.from(text) });

async function open(...files) {
  const before = await page.locator("#status").textContent();
  await page.locator("#open-file").setInputFiles(files);
  await page.waitForFunction((b) => {
    const s = document.getElementById("status").textContent;
    return s !== b && !s.startsWith("Reading");
  }, before);
}

/** The rows of a table, once the page is no longer computing it. */
async function rows(table) {
  await page.waitForSelector(`#${table}:not([aria-busy])`, { state: "attached" });
  return page.locator(`table[data-table="${table}"] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
}

async function window(from, to) {
  await page.getByLabel("From", { exact: true }).fill(from);
  await page.getByLabel("To", { exact: true }).fill(to);
  await page.waitForFunction(([f, t]) => document.getElementById("due-note").textContent.includes(`from ${f} to ${t}`), [from, to]);
}

// ---------------------------------------------------------------------------------------

test("the example portfolio as CSV tables: the schedule, delivery and findings the command line gives", async () => {
  // The tables carry no exchange rates: the portfolio's EUR rate comes in a JSON file of its own.
  await open(file("projects.csv", projectsCsv(example.projects)), file("records.csv", recordsCsv(example.records)),
    file("rates.json", JSON.stringify({ rates: example.rates })));
  assert.match(await page.locator("#status").textContent(), /^projects\.csv, records\.csv, rates\.json: read and checked/);
  assert.equal(await page.locator("#problems").textContent(), "");
  // tcrules schedule --from 2008-01-01 --to 2008-03-31
  await window("2008-01-01", "2008-03-31");
  assert.deepEqual((await rows("due")).map(([due, project, , kind]) => [due, project, kind]), [
    ["2008-01-01", "MIG-ASIA", "Annual review"],
    ["2008-01-31", "MIG-JPN", "Final evaluation"],
  ]);
  // Requirements, as tcrules report lists them.
  const requirements = new Map((await rows("requirements")).map((r) => [r[0], r]));
  assert.equal(requirements.size, 19);
  assert.deepEqual(requirements.get("MIG-CHN").slice(3, 7), ["17 months 1 days", "short", "3,675,000.00", "Required"]);
  assert.deepEqual(requirements.get("FL-ZMB").slice(4, 8), ["medium", "280,000.00", "Not required", "Required"]);
  // tcrules delivery --by unit --year 2008 --through-month 6: 62.5 % through June, by units
  // MIGRANT and SAP-FL; the year-to-date curve is drawn against the 60–70 % band.
  await page.getByLabel("By", { exact: true }).selectOption("unit");
  await page.getByLabel("Year", { exact: true }).selectOption("2008");
  await page.waitForFunction(() => document.querySelector('#chart circle[data-month="2008-06"]'));
  assert.equal(await page.locator('#chart circle[data-month="2008-06"]').getAttribute("data-rate"), "62.5");
  assert.match(await page.locator("#chart svg").getAttribute("aria-label"), /policy band 60–70 %/);
  const band = page.locator("#chart rect.band");
  assert.equal(await band.count(), 1);
  assert.deepEqual((await rows("delivery")).map((r) => r[0]), ["MIGRANT", "SAP-FL", "Total"]);
  // tcrules delivery (2009 by project): MIG-CHN 48.3 %, the total 62.8 %.
  await page.getByLabel("By", { exact: true }).selectOption("project");
  await page.getByLabel("Year", { exact: true }).selectOption("2009");
  await page.waitForFunction(() => document.querySelector("#delivery-table td")?.textContent === "MIG-ASIA");
  const delivery = await rows("delivery");
  assert.deepEqual(delivery.map((r) => r.slice(0, 4)), [
    ["MIG-ASIA", "523,026.00", "357,651.00", "68.4"],
    ["MIG-CHN", "456,729.00", "220,500.00", "48.3"],
    ["MIG-TJK", "282,800.00", "214,500.00", "75.8"],
    ["Total", "1,262,555.00", "792,651.00", "62.8"],
  ]);
  // The evaluation findings of tcrules report (the CSV tables carry no approvals or seed
  // money, so the integration and balance findings of the JSON portfolio are not there).
  const findings = await rows("findings");
  const has = (status, rule, project, message) => findings.some((f) => f[0] === status && f[1] === rule && f[3] === project && f[6].includes(message));
  assert.ok(has("Fail", "EVAL-INDEPENDENT", "MIG-CHN", "budget is over the threshold but no planned evaluation is independent"));
  assert.ok(has("Fail", "EVAL-PLAN", "MIG-IDN", "the plan lacks the mid-term evaluation due 2007-09-01"));
  assert.ok(has("Warning", "DLV-RATE", "", "delivery 48.3 % is below 60 %"));
  assert.equal(findings.filter((f) => f[1].startsWith("EVAL-")).length, 4 + 10 + 5 + 9);
});

test("the findings filter by rule family, status and unit", async () => {
  await page.getByLabel("Rule family", { exact: true }).selectOption("EVAL");
  await page.getByLabel("Status", { exact: true }).selectOption("fail");
  await page.getByLabel("Unit", { exact: true }).selectOption("MIGRANT");
  const shown = await rows("findings");
  assert.ok(shown.length > 0);
  for (const f of shown) assert.deepEqual([f[0], f[1].split("-")[0], f[4]], ["Fail", "EVAL", "MIGRANT"]);
  assert.match(await page.locator("#findings-note").textContent(), new RegExp(`^${shown.length} of \\d+ shown\\.$`));
  for (const label of ["Rule family", "Status", "Unit"]) await page.getByLabel(label, { exact: true }).selectOption("");
});

test("the example portfolio as JSON: every family's findings, as tcrules report counts them", async () => {
  await page.getByRole("button", { name: "Example portfolio" }).click();
  await page.waitForFunction(() => /^portfolio\.json: read/.test(document.getElementById("status").textContent));
  const findings = await rows("findings");
  // tcrules report --format json: summary.findings fail 31, warning 20.
  assert.equal(findings.filter((f) => f[0] === "Fail").length, 31);
  assert.equal(findings.filter((f) => f[0] === "Warning").length, 20);
  assert.equal(findings.filter((f) => f[1] === "INT-BALANCE").length, 14);
  assert.match(await page.locator("#overview").textContent(), /19 projects.*31 failing.*20 warnings/);
  await page.screenshot({ path: `${screenshots}/portfolio-1280.png` });
});

test("an IATI file: each activity's requirements, schedule, delivery and findings, as tcrules iati gives them", async () => {
  await open({ name: "ilo-activities-2.03.xml", mimeType: "application/xml", buffer: iati });
  const requirements = await rows("requirements");
  assert.deepEqual(requirements.map((r) => r.slice(0, 1).concat(r.slice(2, 5))), [
    ["XM-DAC-41302-JOR-10-01-NOR", "medium", "350,000.01", "Required"],
    ["XM-DAC-41302-MMR-12-01-USA", "long", "1,500,000", "Required"],
    ["XM-DAC-41302-RAS-06-01-EEC", "long", "", ""],
    ["XM-DAC-41302-IDN-06-01-NOR", "", "", ""],
  ]);
  assert.match(requirements[2][6], /no exchange rate from EUR to USD/);
  assert.match(requirements[3][6], /"350,000\.00" is not a decimal number/);
  await window("2011-01-01", "2014-12-31");
  assert.deepEqual((await rows("due")).map(([due, project, , kind]) => [due, project, kind]), [
    ["2011-03-01", "XM-DAC-41302-JOR-10-01-NOR", "Mid-term evaluation"],
    ["2012-02-29", "XM-DAC-41302-JOR-10-01-NOR", "Final evaluation"],
    ["2013-10-01", "XM-DAC-41302-MMR-12-01-USA", "Annual review"],
    ["2014-10-01", "XM-DAC-41302-MMR-12-01-USA", "Annual review"],
  ]);
  assert.deepEqual((await rows("findings")).map((f) => [f[0], f[1], f[3]]), [
    ["Warning", "DLV-OVERSPEND", "XM-DAC-41302-JOR-10-01-NOR"],
    ["Fail", "IATI-BUDGET-PERIOD", "XM-DAC-41302-MMR-12-01-USA"],
    ["Warning", "DLV-RATE", "XM-DAC-41302-MMR-12-01-USA"],
    ["Warning", "IATI-GEN-MARKER", "XM-DAC-41302-RAS-06-01-EEC"],
  ]);
  assert.deepEqual((await rows("delivery")).map((r) => [r[0], r[1], r[4]]), [
    ["XM-DAC-41302-JOR-10-01-NOR", "2010", "68.6"],
    ["XM-DAC-41302-JOR-10-01-NOR", "2011", "102.8"],
    ["XM-DAC-41302-MMR-12-01-USA", "2012", "40.0"],
  ]);
});

test("markup and formulas in a file show as text, and the CSV export writes formulas as text", async () => {
  const projects = [
    { ...example.projects[0], id: "=HYPERLINK(\"http://x.invalid\")", title: "<script>window.pwned = 1</script>" },
    { ...example.projects[1], id: "@SUM(A1)", title: '<img src=x onerror="window.pwned = 2">' },
    { ...example.projects[2], id: "+1", title: '<a href="javascript:window.pwned = 3">click</a>' },
    { ...example.projects[3], id: "-1", title: "javascript:window.pwned = 4" },
  ];
  await open(file("projects.csv", projectsCsv(projects)), file("rates.json", JSON.stringify({ rates: example.rates })));
  await window("2000-01-01", "2030-12-31");
  const due = await rows("due");
  assert.ok(due.some((r) => r[1] === "=HYPERLINK(\"http://x.invalid\")" && r[2] === "<script>window.pwned = 1</script>"));
  assert.ok(due.some((r) => r[2] === '<img src=x onerror="window.pwned = 2">'));
  assert.equal(await page.locator("main img, main a, main script").count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator('button[data-export="due"]:not([data-format])').click()]);
  assert.match(download.suggestedFilename(), /-due\.csv$/);
  const text = (await readFile(await download.path(), "utf8")).replace(/^\uFEFF/, "");
  const lines = text.trim().split("\r\n");
  assert.equal(lines[0], "Due,Project,Title,Evaluation");
  const projectCells = lines.slice(1).map((l) => l.split(",")[1]);
  for (const formula of ['"\'=HYPERLINK(""http://x.invalid"")"', "'@SUM(A1)", "'+1", "'-1"]) {
    assert.ok(projectCells.includes(formula), `${formula} in ${projectCells}`);
  }
  assert.ok(!lines.slice(1).some((l) => /^[=+\-@]|,[=+\-@]/.test(l)), "no cell starts a formula");
  assert.ok(text.includes("<script>window.pwned = 1</script>"));

  // The Excel export: every cell a string (no formula), the formulas' text as written.
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.locator('button[data-export="due"][data-format="xlsx"]').click()]);
  assert.match(xlsx.suggestedFilename(), /-due\.xlsx$/);
  const sheet = unzip(await xlsx.path(), "xl/worksheets/sheet1.xml");
  const strings = unzip(await xlsx.path(), "xl/sharedStrings.xml");
  assert.doesNotMatch(sheet, /<f>/);
  assert.equal((sheet.match(/<c [^>]*>/g) ?? []).filter((c) => !/t="s"/.test(c)).length, 0);
  for (const text of ["=HYPERLINK(\"http://x.invalid\")", "@SUM(A1)", "+1", "-1", "&lt;script&gt;window.pwned = 1&lt;/script&gt;"]) {
    assert.ok(strings.includes(`>${text}<`), `${text} in the shared strings`);
  }
  assert.match(unzip(await xlsx.path(), "xl/workbook.xml"), /<sheet name="Evaluations due"/);
});

test("every bad cell of a table at once, by row and column", async () => {
  const bad = projectsCsv(example.projects.slice(0, 3)).split("\n");
  bad[1] = bad[1].replace(/,2007-06-01,/, ",2007-13-01,");
  bad[3] = bad[3].replace(/,2500000\.00,EUR,/, ",12x,EUR,");
  await open(file("bad.csv", bad.join("\n")));
  const listed = await page.locator("#problems li").allTextContents();
  assert.deepEqual(listed.map((l) => l.replace(/: ".*/, "")), [
    "bad.csv: row 2 of the projects table, column “start”",
    "bad.csv: row 4 of the projects table, column “budget_amount”",
  ]);
  assert.equal(await page.locator("#due").isHidden(), true);
});

test("the projects as an Excel workbook, under a name that says .xlsx: the same schedule as the CSV", async () => {
  const [columns, ...cells] = projectRows(example.projects);
  const book = workbook([{ name: "Projects", columns, rows: cells }]);
  assert.equal(book.type, "ok");
  await open({ name: "projects.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from(book.value) },
    file("records.csv", recordsCsv(example.records)), file("rates.json", JSON.stringify({ rates: example.rates })));
  assert.match(await page.locator("#status").textContent(), /^projects\.xlsx, records\.csv, rates\.json: read and checked/);
  await window("2008-01-01", "2008-03-31");
  assert.deepEqual((await rows("due")).map(([due, project, , kind]) => [due, project, kind]), [
    ["2008-01-01", "MIG-ASIA", "Annual review"],
    ["2008-01-31", "MIG-JPN", "Final evaluation"],
  ]);
  assert.equal((await rows("requirements")).length, 19);
  // A workbook with its own headings: mapped in the page as a CSV table is.
  const [, ...own] = projectRows(example.projects.slice(0, 3));
  const ownBook = workbook([{ name: "Projects", columns: ["Code", ...columns.slice(1)], rows: own }]);
  await open({ name: "own.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from(ownBook.value) });
  assert.match(await page.locator("#problems").textContent(), /own\.xlsx: the projects table has no column “id”/);
  await page.locator("#mapping details[open]").getByLabel("Code", { exact: true }).selectOption("id");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("own.xlsx: read and checked"));
  assert.deepEqual((await rows("requirements")).map((r) => r[0]), example.projects.slice(0, 3).map((p) => p.id));
  await page.evaluate(() => localStorage.removeItem("tcrules.columns"));
});

test("a table with its own column names: mapped in the page, and the mapping remembered", async () => {
  const own = projectsCsv(example.projects.slice(0, 3)).replace(/^id,title,/, "Code,Project title,");
  await open(file("own.csv", own));
  assert.match(await page.locator("#problems").textContent(),
    /own\.csv: the projects table has no columns “id”.*, “title” \(did you mean “Project title”\?\): choose the columns that hold them/);
  const mapping = page.locator("#mapping details[open]");
  assert.equal(await mapping.count(), 1);
  await mapping.getByLabel("Code", { exact: true }).selectOption("id");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("own.csv: could not"));
  await page.locator("#mapping details[open]").getByLabel("Project title", { exact: true }).selectOption("title");
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("own.csv: read and checked"));
  assert.deepEqual((await rows("requirements")).map((r) => r[0]), example.projects.slice(0, 3).map((p) => p.id));
  // Remembered: a new visit opens the same table at once.
  await page.reload();
  await page.waitForFunction(() => /^Ready/.test(document.getElementById("status").textContent));
  await open(file("own.csv", own));
  assert.match(await page.locator("#status").textContent(), /^own\.csv: read and checked/);
  await page.evaluate(() => localStorage.removeItem("tcrules.columns"));
});

test("20,000 projects, dropped on the page: read in the worker, the page stays responsive", async () => {
  // Short texts, so that the portfolio's JSON stays within the module's limit of 16 Mi characters.
  const many = Array.from({ length: 20000 }, (_, i) => {
    const p = example.projects[i % example.projects.length];
    return { ...p, id: `P${i}`, title: `Project ${i}`, links: {}, evaluation_plan: p.evaluation_plan && { ...p.evaluation_plan, constituent_participation: "tripartite" } };
  });
  // The file is made in the page first, so that handing its text over is not counted.
  await page.evaluate((text) => { window.bigFile = new File([text], "many.csv", { type: "text/csv" }); }, projectsCsv(many));
  const before = await page.locator("#status").textContent();
  await page.evaluate(() => {
    window.longestFrame = 0;
    let last = performance.now();
    const tick = (now) => {
      window.longestFrame = Math.max(window.longestFrame, now - last);
      last = now;
      if (!window.stopFrames) requestAnimationFrame(tick);
    };
    window.stopFrames = false;
    requestAnimationFrame(tick);
    // Dropped on the page, as from a file manager.
    const files = new DataTransfer();
    files.items.add(window.bigFile);
    document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction((b) => {
    const s = document.getElementById("status").textContent;
    return s !== b && !s.startsWith("Reading");
  }, before, { timeout: 120000 });
  const longest = await page.evaluate(() => { window.stopFrames = true; return window.longestFrame; });
  assert.match(await page.locator("#status").textContent(), /^many\.csv: read and checked/);
  assert.equal(await page.locator('table[data-table="requirements"] tbody tr').count(), 500);
  assert.match(await page.locator("#requirements").textContent(), /The first 500 of 20,000 rows/);
  // Frames keep coming while the worker reads (about 5 s for this file here, all of which the
  // main thread would freeze for without the worker): no frame near a second, a generous
  // bound as the machine running the test is shared (about 50-150 ms alone, 600 ms beside
  // the other suites).
  assert.ok(longest < 1000, `the longest frame took ${Math.round(longest)} ms`);
});

test("a phone: no sideways scrolling, tables as cards; the page makes no errors, requests or CSP violations", async () => {
  await page.getByRole("button", { name: "Example portfolio" }).click();
  await page.waitForFunction(() => /^portfolio\.json: read/.test(document.getElementById("status").textContent));
  for (const width of [360, 390, 414]) {
    await page.setViewportSize({ width, height: 844 });
    const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scrollWidth <= innerWidth, `${width} px: the page is ${scrollWidth} px wide`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("table.data td"), "::before").content), '"Due"');
  await page.screenshot({ path: `${screenshots}/portfolio-390.png` });
  await page.evaluate(() => document.getElementById("delivery").scrollIntoView());
  await page.screenshot({ path: `${screenshots}/portfolio-390-delivery.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => document.getElementById("delivery").scrollIntoView());
  await page.screenshot({ path: `${screenshots}/portfolio-1280-delivery.png` });

  assert.deepEqual(problems, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  await assertCspBlocksInlineScript(page);
});
