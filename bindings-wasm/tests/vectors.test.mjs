// The shared conformance vectors (tests/vectors/*.json at the repository root): every
// answer of the WebAssembly module must be exactly the one the Rust suite expects.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy } from "tcrules-wasm";
import { canonical, parseExact } from "./exact-json.mjs";

const dir = new URL("../../tests/vectors/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const builtIn = new Policy();

/** Runs a vector as `tests/support/lib.rs` does; any error becomes `{error: {code, path, message}}`. */
function run(kind, input, policy) {
  let edition = builtIn;
  if (policy !== null) {
    const loaded = Policy.load(canonical(policy));
    if (loaded.type === "error") return { error: loaded.errors[0] };
    edition = loaded.value;
  }
  const answer = parseExact(edition.call(kind, canonical(input)));
  return answer.type === "ok" ? answer.value : { error: answer.errors[0] };
}

test("the conformance vectors are there", () => {
  assert.ok(files.length > 0, `no vectors in ${dir.pathname}`);
});

for (const file of files) {
  test(`vector ${file}`, () => {
    const v = parseExact(readFileSync(new URL(file, dir), "utf8"));
    const actual = canonical(run(v.kind, v.input, v.policy));
    assert.equal(actual, canonical(v.expected));
  });
}
