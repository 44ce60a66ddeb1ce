// The bad-input corpus (tests/bad-inputs/ at the repository root): every file, read as
// bytes through `Policy.read` in its manifest's format, answers with exactly the error
// code and path (and, for IATI, the activity identifier) that the Rust suite and the
// Python package give. Nothing throws.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { Policy } from "tcrules-wasm";

const dir = new URL("../../tests/bad-inputs/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("expected.json", dir), "utf8"));
const policy = new Policy();

/** The errors reading `bytes` as `kind` gives, as tests/bad_inputs.rs collects them. */
function errors(kind, bytes) {
  const answer = policy.read(kind, bytes);
  if (answer.type === "error") return answer.errors.map(({ code, path }) => ({ code, path }));
  if (kind !== "iati") return [];
  const { activities, errors: inFile } = answer.value;
  return [
    ...activities.filter((a) => a.error).map((a) => ({ code: a.error.code, path: a.error.path, identifier: a.identifier })),
    ...inFile.map(({ code, path }) => ({ code, path, identifier: null })),
  ];
}

test("the manifest names every file", () => {
  const files = readdirSync(dir).filter((f) => f !== "expected.json").sort();
  assert.deepEqual(files, Object.keys(manifest).sort());
});

for (const [name, { kind, ...expected }] of Object.entries(manifest)) {
  test(`bad input ${name}`, () => {
    const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
    assert.deepEqual(errors(kind, bytes), [expected]);
  });
}

test("a table with several bad cells answers with every one", () => {
  const bytes = new Uint8Array(readFileSync(new URL("csv-several-bad-cells.csv", dir)));
  const [error] = policy.read("csv", bytes).errors;
  assert.deepEqual(
    error.errors.map(({ code, path }) => [code, path]),
    [
      ["invalid_value", "projects[1].region"],
      ["invalid_value", "projects[2].start"],
      ["invalid_value", "projects[2].budget_amount"],
      ["invalid_value", "projects[3].funding"],
    ],
  );
  assert.equal(error.omitted, undefined);
});
