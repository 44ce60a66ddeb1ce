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
    const out = {};
    for (const name of names) {
      const input = { proposal: await (await fetch(`examples/${name}.json`)).json() };
      if (policy.appraise(input).type !== "ok") throw new Error(`${name}: no appraisal`);
      // A second of calls first, so V8 has moved the module to its optimizing tier.
      for (const until = performance.now() + 1000; performance.now() < until; ) policy.appraise(input);
      const times = [];
      for (let s = 0; s < 40; s++) {
        const start = performance.now();
        for (let i = 0; i < 50; i++) policy.appraise(input);
        times.push(((performance.now() - start) * 1000) / 50);
      }
      out[name] = times.sort((a, b) => a - b)[20];
    }
    return out;
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
