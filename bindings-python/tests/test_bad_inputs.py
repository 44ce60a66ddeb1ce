"""The bad-input corpus (tests/bad-inputs/ at the repository root): every file, read
through ``tcrules.read`` in its manifest's format, fails with exactly the code and path
(and, for IATI, the activity identifier) that the Rust suite and the WASM package give.
Nothing panics, nothing raises anything but a tcrules error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tcrules

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "bad-inputs"
MANIFEST: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def errors(kind: str, data: bytes) -> list[dict[str, Any]]:
    """The errors reading ``data`` as ``kind`` gives, as tests/bad_inputs.rs collects them."""
    try:
        out = tcrules.read(kind, data)
    except tcrules.TcrulesError as e:
        return [{"code": e.code, "path": e.path}]
    if kind != "iati":
        return []
    rows = [{"code": a["error"]["code"], "path": a["error"]["path"], "identifier": a["identifier"]}
            for a in out["activities"] if a["error"] is not None]
    return rows + [{"code": e["code"], "path": e["path"], "identifier": None} for e in out["errors"]]


def test_the_manifest_names_every_file() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_bad_input(name: str) -> None:
    expected = dict(MANIFEST[name])
    kind = expected.pop("kind")
    assert errors(kind, (CORPUS / name).read_bytes()) == [expected]


def test_typed_iati_rows_carry_the_same_errors() -> None:
    r = tcrules.read_iati(CORPUS / "iati-duplicate-id.xml")
    expected = MANIFEST["iati-duplicate-id.xml"]
    bad = [a for a in r.activities if a.error is not None]
    assert [(a.identifier, a.error.code, a.error.path) for a in bad if a.error] == [
        (expected["identifier"], expected["code"], expected["path"])]
