"""`tcrules.delivery_table`: delivery straight from record and project tables, the same
report as `tcrules.delivery` on the same rows, from every kind of table."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import tcrules
from tcrules import errors

GROUPINGS = ["project", "unit", "field_office", "country", "region", "donor", "donor_category",
             "strategic_objective", "source_of_funds", "portfolio"]
KINDS: dict[str, Callable[[list[dict[str, Any]]], Any]] = {
    "list": lambda rows: rows,
    "pyarrow": lambda rows: pa.Table.from_pylist(rows),
    "pandas": lambda rows: pd.DataFrame(rows),
    "polars": lambda rows: pl.DataFrame(rows),
}


def tables(raw: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A portfolio's records and projects as rows of the core's CSV layout."""
    records = [
        {"project": r["project"], "month": r["month"], "source": r["source"], "currency": r["allocation"]["currency"],
         "allocation": Decimal(r["allocation"]["amount"]), "expenditure": Decimal(r["expenditure"]["amount"])}
        for r in raw["records"]
    ]
    donors = lambda p: ";".join(f"{d['name']}|{d['category']}" + ("|local" if d.get("locally_mobilized") else "") for d in p.get("donors", []))
    projects = [
        {"id": p["id"], **{c: p.get(c) for c in ("unit", "field_office", "country", "region", "strategic_objective")}, "donors": donors(p) or None}
        for p in raw["projects"]
    ]
    return records, projects


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("group_by", GROUPINGS)
def test_the_same_report_as_delivery_on_the_portfolio(kind: str, group_by: str) -> None:
    portfolio = tcrules.example_portfolio()
    records, projects = tables(portfolio.raw)
    for period in (2008, 2009, "all", {"kind": "biennium", "first_year": 2008}):
        want = tcrules.delivery(portfolio, period, group_by)
        got = tcrules.delivery_table(KINDS[kind](records), period, group_by, projects=KINDS[kind](projects), rates=portfolio.raw["rates"])
        assert got.raw == want.raw, (group_by, period)
        assert got.groups, (group_by, period)


def test_floats_text_dates_and_rates() -> None:
    records = pd.DataFrame({
        "project": ["A", "A", "B"],
        "month": pd.to_datetime(["2025-01-01", "2025-02-15", "2024-12-31"]),
        "source": ["xbtc", "rbtc", "xbtc"],
        "currency": ["USD", "EUR", "USD"],
        "allocation": [0.1, 100.0, 5.0],
        "expenditure": ["0.2", "50", "5"],
    })
    r = tcrules.delivery_table(records, 2025, "portfolio", rates={"EUR": Decimal("1.0842")})
    # 0.1 is read as its shortest repr, not as the binary fraction the float holds
    assert r.total.allocation_usd == Decimal("0.1") + Decimal("108.42")
    assert r.total.expenditure_usd == Decimal("0.2") + Decimal("54.21")
    assert r.total.records == 2


def test_errors_name_the_table_row_and_column() -> None:
    rec = {"project": "A", "month": "2025-01", "source": "xbtc", "currency": "USD", "allocation": 1, "expenditure": 1}
    with pytest.raises(errors.TcrulesError) as e:
        tcrules.delivery_table([rec], 2025, "unit")
    assert (e.value.code, e.value.path) == ("invalid_value", "projects")
    with pytest.raises(errors.TcrulesError) as e:
        tcrules.delivery_table([rec], 2025, "unit", projects=[{"id": "B", "unit": "X"}])
    assert (e.value.code, e.value.path) == ("unknown_project", "records[0].project")
    cases = [
        ({"month": "2025-13"}, "invalid_value", "records[1].month"),
        ({"allocation": -1}, "negative_amount", "records[1].allocation.amount"),
        ({"currency": "EUR"}, "missing_rate", "records[1].allocation.amount"),
        ({"currency": "XYZ"}, "unknown_currency", "records[1].currency"),
        ({"source": "gift"}, "invalid_value", "records[1].source"),
        ({"expenditure": None}, "invalid_value", "records[1].expenditure"),
    ]
    for change, code, path in cases:
        with pytest.raises(errors.TcrulesError) as e:
            tcrules.delivery_table([rec, {**rec, **change}], 2025, "project")
        assert (e.value.code, e.value.path) == (code, path), change
    with pytest.raises(errors.TcrulesError) as e:
        tcrules.delivery_table([rec], 2025, "region", projects=[{"id": "A", "region": "atlantis"}])
    assert (e.value.code, e.value.path) == ("invalid_value", "projects[0].region")
    # Only rows in the period are read past their month.
    assert tcrules.delivery_table([rec, {**rec, "month": "2024-01", "allocation": -1}], 2025, "project").total.records == 1


def test_a_table_summed_on_every_core_equals_one_pass() -> None:
    # Past 32,768 rows the records are summed in runs, one per core, and joined; sums
    # past Decimal's 96 bits cannot be joined exactly, and are summed again in one pass.
    rng = random.Random(2006)
    n = 80_000
    for big in (False, True):
        rows = [
            {"project": f"P{i // 24:05d}", "month": f"{2024 + (i % 24) // 12}-{i % 12 + 1:02d}", "source": "xbtc", "currency": "USD",
             "allocation": Decimal(rng.randrange(2 * 10**25 if big else 10**9)) / 100, "expenditure": Decimal(rng.randrange(10**8)) / 100}
            for i in range(n)
        ]
        got = tcrules.delivery_table(pa.Table.from_pylist(rows), "all", "portfolio")
        if not big:
            assert got.total.allocation_usd == sum(r["allocation"] for r in rows)
            assert got.total.expenditure_usd == sum(r["expenditure"] for r in rows)
        portfolio = {"projects": [], "records": [
            {"project": r["project"], "month": r["month"], "source": "xbtc",
             "allocation": {"amount": r["allocation"], "currency": "USD"}, "expenditure": {"amount": r["expenditure"], "currency": "USD"}}
            for r in rows]}
        assert got.raw == tcrules.delivery(portfolio, "all", "portfolio").raw
