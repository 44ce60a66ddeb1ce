// The appraisal page (bindings-wasm/www/) in headless Chromium on a local static server:
// page load to first verdict (fresh browser context each time, nothing cached), and the
// latency of one appraisal in the page after load. Prints one JSON object. Run after
// bindings-wasm/build.sh; Chromium from Debian (/usr/bin/chromium, or CHROMIUM).
import { CHROMIUM_OPTIONS, chromium, servePage } from "../../bindings-wasm/tests/harness.mjs";

const LOADS = 7;

const { server, origin } = await servePage();
const browser = await chromium.launch(CHROMIUM_OPTIONS);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // Page load to first verdict: from navigation start until the verdict is on the page.
  const loads = [];
  let page;
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.getElementById("verdict-title")?.textContent) {
          window.firstVerdictMs = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.firstVerdictMs !== undefined);
    loads.push(await page.evaluate(() => window.firstVerdictMs));
    if (i < LOADS - 1) await context.close();
  }
  // One appraisal after load, in the loaded page, with the page's own module instance.
  const appraisal_us = await page.evaluate(async (names) => {
    const { Policy } = await import("./pkg/tcrules_wasm.js");
    const policy = new Policy();
    const inputs = {};
    for (const name of names) {
      inputs[name] = { proposal: await (await fetch(`examples/${name}.json`)).json() };
      if (policy.appraise(inputs[name]).type !== "ok") throw new Error(`${name}: no appraisal`);
    }
    // Two seconds of calls on every example before any is timed, so V8 has moved the
    // module's hot functions to its optimizing tier (on a busy machine one second was not
    // always enough for the first example timed).
    for (const until = performance.now() + 2000; performance.now() < until; ) {
      for (const name of names) policy.appraise(inputs[name]);
    }
    // 200 calls a sample (the page's clock ticks in 100 µs steps); the examples take turns,
    // so a moment when the machine is busy weighs on each alike.
    const times = Object.fromEntries(names.map((name) => [name, []]));
    for (let s = 0; s < 40; s++) {
      for (const name of names) {
        const start = performance.now();
        for (let i = 0; i < 200; i++) policy.appraise(inputs[name]);
        times[name].push(((performance.now() - start) * 1000) / 200);
      }
    }
    return Object.fromEntries(names.map((name) => [name, times[name].sort((a, b) => a - b)[20]]));
  }, ["ready", "fails-tripartism", "fails-gender"]);
  console.log(JSON.stringify({
    chromium: browser.version(),
    first_verdict_ms: median(loads),
    first_verdict_ms_all: loads,
    appraisal_us,
  }));
} finally {
  await browser.close();
  server.close();
}
