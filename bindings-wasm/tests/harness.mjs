// What the page's browser test and the browser benchmark share: a static server for www/
// on 127.0.0.1 and headless Debian Chromium with the flags this machine needs.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import { extname } from "node:path";

import { chromium } from "playwright-core";

export { chromium };

const www = new URL("../www/", import.meta.url);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };

/** Where the browser tests save their screenshots: the workspace's target/ (not committed). */
export const screenshots = new URL("../../target/screenshots/", import.meta.url).pathname.replace(/\/$/, "");
mkdirSync(screenshots, { recursive: true });

/**
 * Records every Content-Security-Policy violation of the context's pages in
 * `window.cspViolations` (directive and blocked URI), for a test to assert there are none.
 */
export async function watchCsp(context) {
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  });
}

/** Chromium from Debian (or CHROMIUM), headless, without background networking. */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
};

/** Serves www/ on a free loopback port; resolves to the server and its origin. */
export async function servePage() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname.replace(/\/$/, "/index.html");
    try {
      const body = await readFile(new URL(`.${decodeURIComponent(path)}`, www));
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/**
 * Opens `path` of www/ in headless Chromium with a fresh profile, offline: a request
 * that leaves the page's origin is refused, and it, any console error or warning, page
 * error or failed request is pushed on `problems` for the test to assert none. CSP
 * violations are recorded (`watchCsp`). `close()` ends it all.
 */
export async function openPage(path, viewport) {
  const { server, origin } = await servePage();
  const profile = await mkdtemp(join(tmpdir(), "tcrules-page-"));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM_OPTIONS, viewport, acceptDownloads: true });
  await watchCsp(context);
  const problems = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    problems.push(`request outside the page's origin: ${url}`);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(`console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(`${origin}${path}`);
  const close = async () => {
    await context.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { page, origin, problems, close };
}

/**
 * Checks the page's Content-Security-Policy: no inline script, nothing from elsewhere,
 * WebAssembly allowed; an inline script added to the page does not run, and is the one
 * violation reported (then cleared).
 */
export async function assertCspBlocksInlineScript(page) {
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:|\*/);
  const ran = await page.evaluate(async () => {
    const script = document.createElement("script");
    script.textContent = "window.inlineRan = true";
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return window.inlineRan === true;
  });
  assert.equal(ran, false);
  const violations = await page.evaluate(() => window.cspViolations.splice(0));
  assert.deepEqual(violations.map((v) => v.directive), ["script-src-elem"]);
}
