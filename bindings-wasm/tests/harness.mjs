// What the page's browser test and the browser benchmark share: a static server for www/
// on 127.0.0.1 and headless Debian Chromium with the flags this machine needs.
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname } from "node:path";

export { chromium } from "playwright-core";

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
