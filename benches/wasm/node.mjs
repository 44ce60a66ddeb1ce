// Appraisal latency of the WebAssembly module in Node, after load, and the sizes of the two
// web modules: the main one a page loads first, the full one (importers) loaded on import.
// Prints one JSON object. Run after bindings-wasm/build.sh.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const wasm = (dir) => readFileSync(new URL(`../../bindings-wasm/${dir}/tcrules_wasm_bg.wasm`, import.meta.url));
const proposals = new URL("../../core/data/example/proposals/", import.meta.url);
const EXAMPLES = ["ready", "fails-tripartism", "fails-gender"];

/** Median microseconds per call of each of `calls`, over samples of `batch` calls each,
 * after a second of calls (so V8 has moved the module from its baseline to its optimizing
 * tier). The samples take turns, so a moment when the machine is busy weighs on every call
 * alike. */
function latencies(calls, { samples = 40, batch = 50 } = {}) {
  for (const until = performance.now() + 1000; performance.now() < until; ) Object.values(calls).forEach((f) => f());
  const times = Object.fromEntries(Object.keys(calls).map((name) => [name, []]));
  for (let s = 0; s < samples; s++) {
    for (const [name, f] of Object.entries(calls)) {
      const start = performance.now();
      for (let i = 0; i < batch; i++) f();
      times[name].push(((performance.now() - start) * 1000) / batch);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, ts]) => [name, ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]]));
}

const loadStart = performance.now();
const { Policy } = createRequire(import.meta.url)("../../bindings-wasm/pkg-node/tcrules_wasm.js");
const policy = new Policy();
const loadMs = performance.now() - loadStart;

const calls = {};
for (const name of EXAMPLES) {
  const text = readFileSync(new URL(`${name}.json`, proposals), "utf8");
  const input = { proposal: JSON.parse(text) };
  if (policy.appraise(input).type !== "ok") throw new Error(`${name}: no appraisal`);
  calls[name] = () => policy.appraise(input);
}
const appraisal_us = latencies(calls);
const main = wasm("pkg");
const full = wasm("pkg-full");
console.log(JSON.stringify({
  node: process.version,
  load_ms: loadMs,
  appraisal_us,
  wasm_bytes: main.length,
  wasm_gzip_bytes: gzipSync(main, { level: 9 }).length,
  wasm_full_bytes: full.length,
  wasm_full_gzip_bytes: gzipSync(full, { level: 9 }).length,
}));
