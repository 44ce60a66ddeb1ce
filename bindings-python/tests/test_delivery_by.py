"""delivery_by (issue 16, item 2) and dated exchange rates (item 1) from every kind of
table: pandas in, pandas out; polars, Arrow and lists of dicts likewise. Each group's rate
is Σexpenditure / Σallocation of its records (R6 §140), amounts at their month's rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

import tcrules
from tcrules.errors import TcrulesError

RECORDS = [
    {"project": "A", "month": "2005-01", "allocation": 100, "expenditure": 50},
    {"project": "B", "month": "2005-03", "allocation": 300, "expenditure": 250},
    {"project": "A", "month": "2006-02", "allocation": 200, "expenditure": 100},
    {"project": "C", "month": "2005-06", "allocation": 0, "expenditure": 0},
    {"project": "C", "month": "2006-01", "allocation": 80, "expenditure": 100, "currency": "EUR"},
]
PROJECTS = [{"id": "A", "unit": "GENDER"}, {"id": "B", "unit": "GENDER"}, {"id": "C", "unit": "MIGRANT"}]
RATES = [{"currency": "EUR", "month": "2005-01", "rate": "1.5"}, {"currency": "EUR", "month": date(2006, 1, 1), "rate": "1.25"}]
# By hand: GENDER 2005 300/400; GENDER 2006 100/200; MIGRANT 2005 nothing allocated;
# MIGRANT 2006 EUR 100/80 at 1.25, an overspend.
WANT = [
    ("GENDER", 2005, Decimal("400"), Decimal("300"), 0.75, "pass", 2),
    ("GENDER", 2006, Decimal("200"), Decimal("100"), 0.5, "warning", 1),
    ("MIGRANT", 2005, Decimal("0"), Decimal("0"), None, "undefined", 1),
    ("MIGRANT", 2006, Decimal("100"), Decimal("125"), 1.25, "overspend", 1),
]


def records_of(kind: str):
    rows = [{"currency": "USD", **r} for r in RECORDS]
    if kind == "list":
        return rows
    table = pa.Table.from_pylist(rows)
    if kind == "arrow":
        return table
    if kind == "pandas":
        return table.to_pandas()
    import polars as pl

    return pl.from_arrow(table)


def rows_of(out, kind: str):
    if kind == "list":
        return out
    if kind == "arrow":
        assert isinstance(out, pa.Table)
        return out.to_pylist()
    if kind == "pandas":
        import pandas as pd

        assert isinstance(out, pd.DataFrame)
        return [{k: (None if v is pd.NA else v) for k, v in r.items()} for r in out.to_dict("records")]
    import polars as pl

    assert isinstance(out, pl.DataFrame)
    return out.to_dicts()


@pytest.mark.parametrize("kind", ["list", "arrow", "pandas", "polars"])
@pytest.mark.parametrize("rates_kind", ["list", "arrow", "pandas", "polars", "dict"])
def test_delivery_by_unit_and_year_returns_the_records_kind(kind: str, rates_kind: str) -> None:
    if kind == "polars" or rates_kind == "polars":
        pytest.importorskip("polars")
    rates = {
        "list": RATES,
        "arrow": pa.Table.from_pylist([{**r, "month": str(r["month"])} for r in RATES]),
        "pandas": pa.Table.from_pylist([{**r, "month": str(r["month"])} for r in RATES]).to_pandas(),
        "dict": {"EUR": {"2005-01": "1.5", "2006-01-01": Decimal("1.25")}},
    }.get(rates_kind)
    if rates_kind == "polars":
        import polars as pl

        rates = pl.DataFrame({"currency": ["EUR", "EUR"], "month": [date(2005, 1, 1), date(2006, 1, 1)], "rate": [1.5, 1.25]})
    out = tcrules.delivery_by(records_of(kind), ["unit", "year"], projects=PROJECTS, rates=rates)
    got = [
        (r["unit"], r["year"], r["allocation_usd"], r["expenditure_usd"], r["rate"], r["status"], r["records"])
        for r in rows_of(out, kind)
    ]
    assert got == WANT
    # Exact decimals, never floats, for the sums.
    assert all(isinstance(r[2], Decimal) for r in got)


def test_one_name_a_records_column_and_year_to_date() -> None:
    out = tcrules.delivery_by(records_of("list"), "project", rates=RATES)
    assert [(r["project"], r["records"]) for r in out] == [("A", 2), ("B", 1), ("C", 2)]
    ytd = tcrules.delivery_by(RECORDS[:3], ["month"], ytd=True)
    assert [(r["month"], r["allocation_usd"]) for r in ytd] == [
        ("2005-01", Decimal("100")),
        ("2005-03", Decimal("400")),
        ("2006-02", Decimal("200")),
    ]


def test_integer_year_and_month_columns() -> None:
    rows = [{"year": 2005, "month": m, "allocation": 10, "expenditure": 6} for m in (1, 2, 12)]
    out = tcrules.delivery_by(rows, ["quarter"])
    assert [(r["quarter"], r["records"], r["rate"]) for r in out] == [("2005-Q1", 2, 0.6), ("2005-Q4", 1, 0.6)]


def test_a_missing_key_or_month_is_an_error_naming_it() -> None:
    with pytest.raises(TcrulesError) as e:
        tcrules.delivery_by(RECORDS, ["unit", "colour"], projects=PROJECTS, rates=RATES)
    assert e.value.path == "by" and "colour" in str(e.value)
    with pytest.raises(TcrulesError) as e:
        tcrules.delivery_by(RECORDS, ["unit"], rates=RATES)
    assert "no projects table" in str(e.value)
    early = [{"project": "A", "month": "2004-12", "allocation": 1, "expenditure": 1, "currency": "EUR"}]
    with pytest.raises(TcrulesError) as e:
        tcrules.delivery_by(early, "year", rates=RATES)
    assert e.value.code == "missing_rate"
    assert "EUR" in str(e.value) and "2004-12" in str(e.value)


def test_budgets_convert_at_the_start_month_and_budget_rate_wins() -> None:
    rates = [{"currency": "EUR", "month": "2024-01", "rate": "1.1"}, {"currency": "EUR", "month": "2024-07", "rate": "1.2"}]
    projects = [
        {"id": "JUNE", "start": "2024-06-15", "end": "2025-12-31", "budget_amount": 300000, "budget_currency": "EUR"},
        {"id": "JULY", "start": "2024-07-01", "end": "2025-12-31", "budget_amount": 300000, "budget_currency": "EUR"},
    ]
    out = tcrules.requirements(projects, rates=rates)
    assert [(r["budget_usd"], r["independent_evaluation"]) for r in out] == [
        (Decimal("330000.0"), False),
        (Decimal("360000.0"), True),
    ]
    # A per-row rate wins for its row, in the fast path and in the full evaluation.
    with_rate = [{**projects[0], "budget_rate": 1.2}, {**projects[1], "budget_rate": None}]
    out = tcrules.requirements(with_rate, rates=rates)
    assert [r["independent_evaluation"] for r in out] == [True, True]
    full = tcrules.evaluate([{**p, "title": p["id"]} for p in with_rate], rates=rates)
    assert [r["independent_evaluation"] for r in full] == [True, True]
    # The old shape keeps working.
    assert tcrules.requirements(projects, rates={"EUR": Decimal("1.1")})[1]["independent_evaluation"] is False
    early = [{**projects[0], "start": "2023-12-01"}]
    assert tcrules.requirements(early, rates=rates)[0]["error_message"] == "budget_currency: no exchange rate from EUR to USD for 2023-12"
