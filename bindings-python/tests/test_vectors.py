"""The shared conformance vectors (tests/vectors/*.json at the repository root): Python
must give exactly the Rust answers, compared as canonical JSON, both through the raw
JSON boundary (`tcrules.call`) and through the typed API (`.raw` of the typed result)."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

import tcrules

VECTORS = Path(os.environ.get("TCRULES_VECTORS", Path(__file__).resolve().parents[2] / "tests" / "vectors"))
FILES = sorted(VECTORS.glob("*.json"))


def _error(e: tcrules.TcrulesError) -> dict[str, Any]:
    return {"error": {"code": e.code, "path": e.path, "message": e.message}}


def _policy(spec: Any) -> tcrules.Policy | None:
    return None if spec is None else tcrules.Policy.from_json(spec)


def _portfolio_kinds(i: dict[str, Any], p: tcrules.Policy | None) -> dict[str, Callable[[], Any]]:
    options = i.get("options") or {}
    return {
        "delivery": lambda: tcrules.delivery(i["portfolio"], i["period"], i["group_by"], policy=p).raw,
        "delivery_series": lambda: tcrules.delivery_series(i["portfolio"], i["year"], i["group_by"], policy=p).raw,
        "integration": lambda: tcrules.integration(i["portfolio"], policy=p).raw,
        "portfolio": lambda: tcrules.balance(i["portfolio"], i.get("periods"), policy=p).raw,
        "report": lambda: tcrules.report(
            i["portfolio"],
            delivery_period=options.get("delivery_period"),
            delivery_group_by=options.get("delivery_group_by", "project"),
            approval_periods=options.get("approval_periods"),
            policy=p,
        ).raw,
    }


def _periods(periods: Any) -> str:
    """The kind of year of a vector's JSON (`"calendar"`, `{"fiscal": 7}`) as Python's
    argument (`"calendar"`, `"fiscal:7"`)."""
    if isinstance(periods, dict):
        return f"fiscal:{periods['fiscal']}"
    return periods or "published"


def _fact(v: Any) -> Any:
    """A fact of the findings table as a finding's fact reads (decimals and dates as text)."""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _findings_rows(i: dict[str, Any], p: tcrules.Policy | None) -> list[dict[str, Any]]:
    """`tcrules.findings` on the vector's rows, its rows as the core's JSON rows."""
    records = [
        {"project": r["project"], "month": r["month"], "source": r["source"], "currency": r["allocation"]["currency"],
         "allocation": r["allocation"]["amount"], "expenditure": r["expenditure"]["amount"]}
        for r in i.get("records") or []
    ]
    fixed = ["row", "project", "rule", "status", "severity", "subject", "message", "help", "citation", "missing",
             "error_code", "error_message"]
    out = []
    for row in tcrules.findings(i["projects"], records=records or None, period=i.get("period") or "all",
                                rates=i.get("rates"), policy=p):
        facts = {k.removeprefix("fact_"): _fact(v) for k, v in row.items() if k not in fixed and v is not None}
        out.append({**{k: row[k] for k in fixed}, "missing": row["missing"] or [], "facts": facts})
    return out


def typed(kind: str, i: dict[str, Any], p: tcrules.Policy | None) -> Any:
    """The typed API's answer for a vector, as canonical JSON."""
    rates = i.get("rates")
    single: dict[str, Callable[[], Any]] = {
        "evaluation": lambda: tcrules.evaluate_project(i["project"], rates=rates, policy=p).raw,
        "schedule": lambda: [d.raw for d in tcrules.project_schedule(i["project"], rates=rates, policy=p)],
        "appraisal": lambda: tcrules.appraise_proposal(i["proposal"], rates=rates, policy=p).raw,
        "policy": lambda: tcrules.Policy.from_json(i["text"]).stamp.raw,
        "read_portfolio": lambda: tcrules.read_portfolio(i["text"]) and {"ok": True},
        "iati": lambda: tcrules.read_iati(
            i["text"], rates=rates, policy=p, as_of=i.get("as_of"), periods=_periods(i.get("periods"))
        ).raw,
        "findings": lambda: _findings_rows(i, p),
        **_portfolio_kinds(i, p),
    }
    try:
        return single[kind]()
    except tcrules.TcrulesError as e:
        return _error(e)


def run(kind: str, i: dict[str, Any], spec: Any, api: Callable[[str, dict[str, Any], tcrules.Policy | None], Any]) -> Any:
    try:
        p = _policy(spec)
    except tcrules.TcrulesError as e:
        return _error(e)
    return api(kind, i, p)


def raw(kind: str, i: dict[str, Any], p: tcrules.Policy | None) -> Any:
    try:
        return tcrules.call(kind, i, policy=p)
    except tcrules.TcrulesError as e:
        return _error(e)


def _shape_ok(kind: str, i: Any) -> bool:
    """Whether the input has what the typed function's signature needs (the raw boundary
    covers the rest, such as inputs that lack a field on purpose)."""
    need = {"evaluation": ["project"], "schedule": ["project"], "appraisal": ["proposal"], "policy": ["text"],
            "read_portfolio": ["text"], "delivery": ["portfolio", "group_by", "period"],
            "delivery_series": ["portfolio", "group_by", "year"], "integration": ["portfolio"],
            "portfolio": ["portfolio"], "report": ["portfolio"], "iati": ["text"], "findings": ["projects"]}
    return isinstance(i, dict) and kind in need and all(k in i for k in need[kind])


@pytest.mark.skipif(not FILES, reason=f"no conformance vectors in {VECTORS} yet")
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector_matches_rust(path: Path) -> None:
    v = json.loads(path.read_text(encoding="utf-8"))
    assert run(v["kind"], v["input"], v["policy"], raw) == v["expected"]
    if _shape_ok(v["kind"], v["input"]):
        assert run(v["kind"], v["input"], v["policy"], typed) == _as_table(v["kind"], v["expected"])


def _as_table(kind: str, expected: Any) -> Any:
    """The expected answer as the findings table holds it: an undefined ratio is a null
    in its decimal column, so the row has no such fact."""
    if kind != "findings":
        return expected
    return [{**r, "facts": {k: v for k, v in r["facts"].items() if v != "undefined"}} for r in expected]


def test_the_runner_agrees_with_a_vector_written_here(tmp_path: Path) -> None:
    """The runner itself, on a vector whose expected output is the core's documented
    answer (RULES.md: exactly 350,000.00 does not trigger an independent evaluation)."""
    i = {"project": {"id": "P1", "title": "T", "start": "2024-01-01", "end": "2025-06-30",
                     "budget": {"amount": "350000.00", "currency": "USD"}}}
    out = run("evaluation", i, None, typed)
    assert out == run("evaluation", i, None, raw)
    assert out["requirements"]["class"] == "medium"
    assert out["requirements"]["independent_evaluation"] is False
    assert run("evaluation", {}, None, raw)["error"]["path"] == "project"
    bad = run("policy", {"text": "{}"}, {"extends": "ilo-2099", "name": "x", "version": "1"}, typed)
    assert bad["error"]["code"] == "invalid_policy" and bad["error"]["path"] == "extends"
