"""Outputs ready for the next step: a float rate to plot beside the exact decimals, and
notebook displays of large results kept small (the rows that need action first, the
rest counted)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pandas as pd
import pytest

import tcrules
from tcrules import _display


def test_delivery_tables_carry_a_float_rate_to_plot() -> None:
    portfolio = tcrules.example_portfolio()
    report = tcrules.delivery(portfolio, 2008, "project")
    df = report.to_pandas()
    assert df["rate"].dtype == "float64"
    for _, row in df.iterrows():
        if row["rate_percent"] is None:
            assert pd.isna(row["rate"])
        else:
            assert isinstance(row["rate_percent"], Decimal)
            assert row["rate"] == pytest.approx(float(row["rate_percent"]) / 100)
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = df.plot.bar(x="group", y="rate")
    assert len(ax.patches) == len(df)
    series = tcrules.delivery_series(portfolio, 2008, "portfolio").to_polars()
    assert series["rate"].dtype.is_float() and "rate_percent" in series.columns


def big_report(n: int = 200) -> tcrules.Report:
    raw = copy.deepcopy(tcrules.example_portfolio().raw)
    template = raw["projects"]
    raw["projects"] = [{**copy.deepcopy(template[i % len(template)]), "id": f"P{i:04d}"} for i in range(n)]
    raw["records"] = []
    return tcrules.report(raw)


def test_a_large_report_displays_the_rows_that_need_action_first_and_counts_the_rest() -> None:
    report = big_report()
    findings = report.findings
    assert len(findings) > _display.MAX_ROWS
    html = report._repr_html_()
    assert len(html) < 150_000, len(html)  # 75 kB, where every row made 1.3 MB
    assert "more findings" in html and "to_pandas()" in html
    shown = _display.needing_action_first(findings)[: _display.MAX_ROWS]
    order = {"fail": 0, "warning": 1, "pass": 2, "not_applicable": 3}
    assert [order[f.status] for f in shown] == sorted(order[f.status] for f in shown)
    needing = [f for f in findings if f.status in ("fail", "warning")]
    assert all(f.status in ("fail", "warning") for f in shown[: min(len(needing), _display.MAX_ROWS)])
    # Every finding is still in the table form.
    assert len(findings.to_pandas()) == len(findings)


def test_a_small_result_shows_every_row() -> None:
    html = tcrules.example_portfolio()
    report = tcrules.delivery(html, 2008, "unit")
    assert "more groups" not in report._repr_html_()


def test_findings_tables_name_their_project() -> None:
    report = big_report(5)
    df = report.findings.to_pandas()
    evaluated = sum(len(e.findings) for e in report.evaluations)
    assert list(df["project"][:evaluated]) == [e.project for e in report.evaluations for _ in e.findings]
    # Filtering keeps each finding's project.
    fails = report.findings.with_status("fail").to_arrow()
    assert None not in fails.column("project").to_pylist()[: len(report.evaluations[0].findings.with_status("fail"))]
    iati = tcrules.read_iati(b'<iati-activities><iati-activity><iati-identifier>A-1</iati-identifier>'
                             b'<activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2024-12-31"/>'
                             b'</iati-activity></iati-activities>')
    assert set(iati.findings.to_pandas()["project"]) == {"A-1"}


def test_every_result_converts_to_a_table() -> None:
    portfolio = tcrules.example_portfolio()
    proposal = tcrules.appraise_proposal(
        __import__("json").loads(open(tcrules_data("proposals/ready.json")).read())
    )
    results = [
        tcrules.report(portfolio),
        tcrules.integration(portfolio),
        tcrules.balance(portfolio),
        tcrules.evaluate_project(portfolio.raw["projects"][0]),
        proposal,
        tcrules.delivery(portfolio, 2008, "unit"),
        tcrules.delivery_series(portfolio, 2008, "unit"),
    ]
    for r in results:
        for kind, check in (("to_arrow", lambda t: t.num_rows), ("to_pandas", len), ("to_polars", lambda t: t.height)):
            assert check(getattr(r, kind)()) >= 1, (type(r).__name__, kind)


def tcrules_data(name: str) -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2] / "core" / "data" / "example" / name)
