"""Single calls: typed results (Decimal money, dates), policy editions, loading,
exceptions with the core's codes, and notebook display."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

import tcrules

from conftest import DATA, project

CORE_POLICIES = Path(__file__).resolve().parents[2] / "core" / "policies"


def test_evaluation_is_typed() -> None:
    e = tcrules.evaluate_project(project(amount=Decimal("350000.01")))
    r = e.requirements
    assert r is not None
    assert (r.start, r.end, r.duration.months, r.duration_class) == (date(2024, 1, 1), date(2025, 6, 30), 18, "medium")
    assert r.budget_usd == Decimal("350000.01") and isinstance(r.budget_usd, Decimal)
    assert [(d.kind, d.date) for d in e.schedule] == [("mid_term", date(2024, 9, 30)), ("final", date(2025, 6, 30))]
    f = e.findings.of("EVAL-INDEPENDENT")[0]
    assert (f.status, f.severity, f.citation, f.missing) == ("fail", "major", "R6 §143", ["evaluation_plan"])
    assert f.facts["budget_usd"] == Decimal("350000.01") and f.facts["threshold_usd"] == Decimal("350000")
    assert f.policy == tcrules.Policy().stamp


def test_decimal_exactness_at_the_threshold() -> None:
    at = lambda amount: tcrules.evaluate_project(project(amount=amount)).requirements.independent_evaluation  # type: ignore[union-attr]
    assert at(Decimal("350000.00")) is False and at("350000.00") is False and at(350000.0) is False
    assert at(Decimal("350000.01")) is True and at("350000.01") is True and at(350000.01) is True
    eur = tcrules.evaluate_project(project(amount=Decimal("291666.67"), currency="EUR"), rates={"EUR": Decimal("1.2")})
    assert eur.requirements is not None and eur.requirements.budget_usd == Decimal("350000.004")


def test_a_project_that_cannot_be_evaluated_carries_its_error() -> None:
    e = tcrules.evaluate_project(project(currency="EUR"))
    assert e.error is not None and (e.error.code, e.error.path) == ("missing_rate", "budget.amount")
    assert e.requirements is None and len(e.findings) == 0


@pytest.mark.parametrize(
    "call, cls, code, path",
    [
        (lambda: tcrules.project_schedule(project(currency="EUR")), tcrules.CurrencyError, "missing_rate", "budget.amount"),
        (lambda: tcrules.project_schedule(project(currency="XYZ")), tcrules.ValidationError, "invalid_json", "budget.currency"),
        (lambda: tcrules.project_schedule(project(end="2023-01-01")), tcrules.ValidationError, "end_before_start", "end"),
        (lambda: tcrules.project_schedule({"id": "P"}), tcrules.ValidationError, "invalid_json", "project"),
        (lambda: tcrules.Policy.from_json('{"name": "w", "version": "1", "extends": "ilo-2006", "evaluation": {"independent_threshold_usd": "lots"}}'),
         tcrules.PolicyError, "invalid_policy", "evaluation.independent_threshold_usd"),
        (lambda: tcrules.Policy.from_json("[1,"), tcrules.ValidationError, "invalid_json", ""),
        (lambda: tcrules.read_portfolio('{"projects": [{"id": "A"}]}'), tcrules.ValidationError, "invalid_json", "projects[0]"),
        (lambda: tcrules.read_csv("projects", "id,title\n"), tcrules.ValidationError, "invalid_csv", "projects"),
        (lambda: tcrules.evaluate_project(project(amount=float("nan"))), tcrules.ValidationError, "invalid_value", "budget.amount"),
        (lambda: tcrules.call("nope", {}), tcrules.ValidationError, "invalid_value", "kind"),
    ],
)
def test_exceptions_carry_the_core_codes(call: Any, cls: type, code: str, path: str) -> None:
    with pytest.raises(cls) as e:
        call()
    assert isinstance(e.value, tcrules.TcrulesError)
    assert (e.value.code, e.value.path) == (code, path), e.value.message
    assert e.value.message == str(e.value)


def test_exception_hierarchy() -> None:
    assert issubclass(tcrules.ValidationError, ValueError) and issubclass(tcrules.PolicyError, ValueError)
    assert issubclass(tcrules.CurrencyError, tcrules.ValidationError)
    assert issubclass(tcrules.AmountOverflowError, ArithmeticError) and issubclass(tcrules.ReadError, OSError)
    from tcrules.errors import CODES, from_info

    assert {c.__name__ for c in CODES.values()} == {"ValidationError", "CurrencyError", "PolicyError", "AmountOverflowError", "ReadError"}
    assert type(from_info("something_new", "x", "m")) is tcrules.TcrulesError


def test_policy_editions_load_inspect_and_what_if() -> None:
    base = tcrules.Policy()
    assert (base.name, base.version) == ("ilo-2006", "1.2.0") and base.hash.startswith("sha256:")
    assert base.spec["evaluation"]["mid_term_up_to_months"] == 30
    rules = {r.id: r for r in base.rules}
    assert rules["EVAL-INDEPENDENT"].citation == "R6 §143" and rules["APR-NEEDS"].severity == "blocking"
    assert len(rules) == len(tcrules._tcrules.rules())
    assert tcrules.Policy.load(CORE_POLICIES / "ilo-2006.json") == base
    loaded = tcrules.Policy.load(CORE_POLICIES / "what-if-1m.json")
    what_if = base.what_if({"evaluation": {"independent_threshold_usd": Decimal("1000000")}}, name="w", version="2")
    assert (what_if.name, what_if.version) == ("w", "2")
    assert what_if.spec["evaluation"]["independent_threshold_usd"] == loaded.spec["evaluation"]["independent_threshold_usd"]
    p = project(amount=Decimal("412000"))
    assert tcrules.evaluate_project(p).requirements.independent_evaluation is True  # type: ignore[union-attr]
    e = tcrules.evaluate_project(p, policy=what_if)
    assert e.requirements.independent_evaluation is False  # type: ignore[union-attr]
    assert e.findings[0].policy.name == "w"
    assert json.loads(what_if.to_json())["name"] == "w"
    assert "EVAL-PLAN" in base._repr_html_()


def test_portfolio_reports(portfolio_dict: dict[str, Any]) -> None:
    p = tcrules.read_portfolio(DATA / "portfolio.json")
    assert (len(p.projects), p.name, p.rates) == (3, "test portfolio", {"EUR": Decimal("1.2")})
    d = tcrules.delivery(p, 2005, "unit")
    assert [(g.group, g.rate_percent) for g in d.groups] == [("DIALOGUE", Decimal("125")), ("GENDER", Decimal("70")), ("SKILLS", Decimal("20"))]
    assert d.band_percent == (Decimal("60"), Decimal("70")) and d.total.records == 5
    assert d.raw == tcrules.delivery(portfolio_dict, {"kind": "year", "year": 2005}, "unit").raw
    frame = d.to_pandas()
    assert frame["rate_percent"].tolist() == [Decimal("125"), Decimal("70"), Decimal("20")]
    s = tcrules.delivery_series(p, 2005, "project")
    assert [pt.rate_percent for pt in s.groups[0].points] == [Decimal("40"), Decimal("70"), Decimal("70")]
    assert s.to_polars().height == 9
    i = tcrules.integration(p)
    assert i.seed[0].leverage == Decimal("20.00") and i.findings.of("INT-LINK")
    b = tcrules.balance(p, [(2000, 2004), "2005-2009"])
    assert b.approvals_by_category.periods == ["2000-2004", "2005-2009"]
    assert b.concentration is not None and b.concentration.herfindahl == Decimal("10000.00")
    r = tcrules.report(p, delivery_period=2005)
    assert r.summary.projects == 3 and not r.errors and len(r.evaluations) == 3
    assert len(r.findings) == sum(r.summary.findings.values())
    assert r.raw == tcrules.call("report", {"portfolio": portfolio_dict, "options": {"delivery_period": {"kind": "year", "year": 2005}}})


def test_portfolio_from_tables_and_csv(portfolio_dict: dict[str, Any]) -> None:
    projects = pd.DataFrame([
        {"id": "A", "title": "A", "start": date(2005, 1, 1), "end": date(2006, 6, 30), "budget_amount": 412000.0, "budget_currency": "USD", "unit": "GENDER"},
        {"id": "B", "title": "B", "start": date(2005, 3, 1), "end": date(2008, 2, 29), "budget_amount": Decimal("291666.67"), "budget_currency": "EUR", "unit": "SKILLS"},
    ])
    records = pl.DataFrame({"project": ["A", "B"], "month": ["2005-01", "2005-03"], "source": ["xbtc", "xbtc"], "currency": ["USD", "EUR"],
                            "allocation": [100000.0, 50000.0], "expenditure": [40000.0, 10000.0]})
    p = tcrules.Portfolio.from_tables(projects, records, rates={"EUR": "1.2"}, name="tables")
    assert p.projects[1]["budget"] == {"amount": "291666.67", "currency": "EUR"}
    assert [g.rate_percent for g in tcrules.delivery(p, 2005, "unit").groups] == [Decimal("40"), Decimal("20")]
    csv_text = "id,title,start,end,budget_amount,budget_currency\nA,A,2005-01-01,2006-06-30,412000,USD\n"
    assert tcrules.Portfolio.from_csv(projects=csv_text).projects[0]["budget"]["amount"] == "412000"
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.Portfolio.from_tables(records=[{"project": "Z", "month": "2005-01", "source": "xbtc", "currency": "USD", "allocation": 1, "expenditure": 1}])
    assert (e.value.code, e.value.path) == ("unknown_project", "records[0].project")
    assert tcrules.example_portfolio().raw["projects"] is not None


def test_appraisal_is_typed_and_displays() -> None:
    a = tcrules.appraise_proposal({"id": "PR-1", "title": "Draft"})
    assert a.verdict == "not_appraisable" and isinstance(a.score, int)
    assert [f.rule for f in a.findings][:2] == ["APR-NEEDS", "APR-RBM"]
    html = a._repr_html_()
    assert "APR-NEEDS" in html and "not appraisable" in html and "#cf222e" in html and "DC; R6 §72–74" in html


def test_findings_convert_to_tables_and_display() -> None:
    findings = tcrules.evaluate_project(project(amount=Decimal("350000.01"))).findings
    df = findings.to_pandas()
    assert list(df.columns) == ["project", "rule", "status", "severity", "subject", "message", "facts", "missing", "help", "citation", "policy"]
    assert set(df["project"]) == {"P1"}
    assert len(df) == len(findings) and df["rule"][1] == "EVAL-INDEPENDENT"
    assert json.loads(df["facts"][1])["budget_usd"] == "350000.01"
    assert findings.to_polars().height == len(findings) and findings.to_arrow().num_rows == len(findings)
    html = findings._repr_html_()
    for needle in ("EVAL-INDEPENDENT", "R6 §143", "#cf222e", "#1a7f37", "budget_usd"):
        assert needle in html
    assert "EVAL-DURATION" in findings[0]._repr_html_()
    report = tcrules.report(tcrules.read_portfolio(DATA / "portfolio.json"))
    assert "Delivery by project" in report._repr_html_() and "R6 §140" in report._repr_html_()


def test_plot_delivery_curve() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    s = tcrules.delivery_series(tcrules.read_portfolio(DATA / "portfolio.json"), 2005, "project")
    ax = s.plot()
    assert len(ax.lines) == 1 + 3  # the warning line and one curve per project
    assert ax.get_ylabel() == "year-to-date delivery (%)"
    assert "A" in s._repr_html_()


def test_raw_call_speaks_canonical_json() -> None:
    out = tcrules.call("evaluation", {"project": project(amount=Decimal("350000.00"))})
    assert out["requirements"]["budget_usd"] == "350000.00" and out["requirements"]["class"] == "medium"
    assert set(tcrules._tcrules.kinds()) >= {"evaluation", "report", "policy"}


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(tcrules.ReadError) as e:
        tcrules.read_portfolio(tmp_path / "nope.json")
    assert e.value.code == "io" and isinstance(e.value, OSError)
