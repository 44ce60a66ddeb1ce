"""Every finding of a project table as one long table: the project as a column, the facts
typed, every kind of table in and the same kind out, and no project lost."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa

import tcrules

ROWS = [
    {"id": "P1", "title": "Youth", "start": "2024-01-01", "end": "2025-06-30", "budget_amount": "350000.01", "budget_currency": "USD"},
    {"id": "P2", "title": "Bad", "start": "2024-01-01", "end": "2023-06-30", "budget_amount": "1", "budget_currency": "USD"},
    {"id": "P3", "title": "Long", "start": "2024-01-01", "end": "2027-12-31", "budget_amount": "200000", "budget_currency": "EUR"},
]
RATES = {"EUR": Decimal("1.2")}


def test_one_row_per_finding_matches_the_single_evaluation() -> None:
    table = tcrules.findings(pa.Table.from_pylist(ROWS), rates=RATES)
    for project in ("P1", "P3"):
        single = tcrules.evaluate_project(
            tcrules.read_csv("projects", "id,title,start,end,budget_amount,budget_currency\n"
                             + ",".join(next(r for r in ROWS if r["id"] == project).values()) + "\n")[0],
            rates=RATES,
        )
        mine = table.filter(pa.compute.equal(table.column("project"), project))
        assert mine.column("rule").to_pylist() == [f.rule for f in single.findings]
        assert mine.column("status").to_pylist() == [f.status for f in single.findings]
        assert mine.column("message").to_pylist() == [f.message for f in single.findings]
    bad = table.filter(pa.compute.equal(table.column("row"), 1)).to_pylist()
    assert len(bad) == 1 and bad[0]["rule"] is None and bad[0]["error_code"] == "end_before_start"
    assert table.schema.field("budget_usd").type == pa.decimal128(38, 2)
    assert table.schema.field("duration_months").type == pa.int64()
    assert table.schema.field("start").type == pa.date32()
    p3 = table.filter(pa.compute.equal(table.column("project"), "P3")).to_pylist()
    independent = next(r for r in p3 if r["rule"] == "EVAL-INDEPENDENT")
    assert independent["budget_usd"] == Decimal("240000.00")
    assert p3[0]["end"] == datetime.date(2027, 12, 31)


def test_every_kind_of_table_in_gives_its_kind_out() -> None:
    df = tcrules.findings(pd.DataFrame(ROWS), rates=RATES)
    # P2 could not be evaluated: its row keeps its id beside its error.
    assert isinstance(df, pd.DataFrame) and set(df["project"].dropna()) == {"P1", "P2", "P3"}
    assert df.loc[df["project"] == "P2", "error_code"].tolist() == ["end_before_start"]
    # An analyst's next step: the failures per rule.
    fails = df[df["status"] == "fail"].groupby("rule").size()
    assert fails.get("EVAL-PLAN") == 2
    assert isinstance(tcrules.findings(pl.DataFrame(ROWS), rates=RATES), pl.DataFrame)
    rows = tcrules.findings(ROWS, rates=RATES)
    assert isinstance(rows, list) and rows[0]["project"] == "P1"


def test_delivery_findings_join_the_evaluation_findings() -> None:
    records = [
        {"project": "P1", "month": "2024-03", "source": "xbtc", "currency": "USD", "allocation": 1000, "expenditure": 400},
        {"project": "P3", "month": "2024-03", "source": "xbtc", "currency": "EUR", "allocation": 1000, "expenditure": 1100},
        {"project": "P9", "month": "2024-05", "source": "xbtc", "currency": "USD", "allocation": 0, "expenditure": 10},
    ]
    table = tcrules.findings(pa.Table.from_pylist(ROWS), records=records, period=2024, rates=RATES)
    dlv = table.filter(pa.compute.starts_with(table.column("rule").cast(pa.string()), "DLV")).to_pylist()
    by = {(r["project"], r["rule"]): r for r in dlv}
    assert by[("P1", "DLV-RATE")]["status"] == "warning"  # 40 % is under the band
    assert by[("P3", "DLV-OVERSPEND")]["status"] == "warning"
    assert by[("P9", "DLV-NO-ALLOCATION")]["row"] is None  # the records name it, the table does not
    assert by[("P1", "DLV-RATE")]["row"] == 0 and by[("P3", "DLV-RATE")]["row"] == 2
    assert pa.types.is_decimal(table.schema.field("rate_percent").type)
    # Outside the period: nothing to assess.
    none = tcrules.findings(ROWS, records=records, period=2023, rates=RATES)
    assert not [r for r in none if (r["rule"] or "").startswith("DLV")]


def test_repeated_texts_are_categories_that_read_as_text() -> None:
    """Each distinct text stored once; an analyst's usual calls still read it as text."""
    rows = [dict(ROWS[0], id=f"P{i}") for i in range(50)]
    frame = tcrules.findings(pd.DataFrame(rows))
    assert isinstance(frame["message"].dtype, pd.CategoricalDtype)
    assert len(frame["message"].cat.categories) < 10, "fifty projects, a handful of messages"
    assert frame["message"].str.contains("threshold").sum() == 50
    fails = frame[frame.status == "fail"].groupby("rule").size()
    assert set(fails.index) == {"EVAL-INDEPENDENT", "EVAL-BUDGET", "EVAL-PLAN"}
    # A project's id is plain text, one per project, not a category each.
    assert not isinstance(frame["project"].dtype, pd.CategoricalDtype)
    assert frame["project"].tolist() == [f"P{i}" for i in range(50) for _ in range(5)]
    table = tcrules.findings(pa.Table.from_pylist(rows))
    assert pa.types.is_dictionary(table.schema.field("rule").type)
    assert table.filter(pa.compute.equal(table.column("rule"), "EVAL-PLAN")).num_rows == 50
    plain = table.column("message").cast(pa.string())
    assert pa.compute.sum(pa.compute.match_substring(plain, "threshold")).as_py() == 50
    polars = tcrules.findings(pl.DataFrame(rows))
    assert polars.filter(pl.col("status") == "fail").height == 150
    assert polars.filter(pl.col("message").cast(pl.String).str.contains("threshold")).height == 50


def test_parts_with_dictionaries_of_their_own_read_the_same_in_every_kind() -> None:
    """A table shared among the cores comes back in parts, each with its own dictionaries:
    pandas and polars read every row's text as Arrow does."""
    ends = ["2025-06-30", "2027-12-31", "2024-09-30"]
    rows = [dict(ROWS[0], id=f"P{i}", end=ends[i % 3], budget_amount=str(1000 * i)) for i in range(100_000)]
    table = tcrules.findings(pa.Table.from_pylist(rows), rates=RATES)
    assert table.column("message").num_chunks > 1, "the rows were shared among parts"
    want = table.column("message").cast(pa.string()).to_pylist()
    assert len(set(want)) > 3
    frame = tcrules.findings(pd.DataFrame(rows), rates=RATES)
    assert frame["message"].astype(str).tolist() == want
    polars = tcrules.findings(pl.DataFrame(rows), rates=RATES)
    assert polars["message"].cast(pl.String).to_list() == want
