"""Batches over pandas, polars, pyarrow and lists of dicts: the same kind back, one row
per input row in order, bad rows reported in place, exact decimals."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import tcrules
from tcrules import _tables

from conftest import row

KINDS: dict[str, tuple[Callable[[list[dict[str, Any]]], Any], Callable[[Any], list[dict[str, Any]]]]] = {
    "list": (lambda rows: rows, lambda out: out),
    "pyarrow": (lambda rows: pa.table({k: [r.get(k) for r in rows] for k in {k: 0 for r in rows for k in r}}), lambda out: out.to_pylist()),
    "pandas": (lambda rows: pd.DataFrame(rows), lambda out: out.to_dict("records")),
    "polars": (lambda rows: pl.DataFrame(rows), lambda out: out.to_dicts()),
}
TYPES = {"list": list, "pyarrow": pa.Table, "pandas": pd.DataFrame, "polars": pl.DataFrame}


def _na(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


@pytest.mark.parametrize("kind", KINDS)
def test_requirements_same_kind_order_count_and_errors_in_place(kind: str, rows: list[dict[str, Any]]) -> None:
    make, records = KINDS[kind]
    out = tcrules.requirements(make(rows))
    assert isinstance(out, TYPES[kind])
    got = records(out)
    assert [r["id"] for r in got] == ["A", "B", "C", "D", "E"]
    a, b, c, d, e = got
    assert a["independent_evaluation"] is False and b["independent_evaluation"] is True
    assert a["budget_usd"] == Decimal("350000.00") and b["budget_usd"] == Decimal("350000.01")
    assert isinstance(b["budget_usd"], Decimal)
    assert (a["duration_class"], a["duration_months"], a["duration_days"]) == ("medium", 18, 0)
    assert a["mid_term_evaluation"] is True and _na(a["error_code"])
    assert (c["duration_class"], c["annual_reviews"], c["mid_term_review_if_agreed"]) == ("long", 4, True)
    assert (d["error_code"], d["error_field"]) == ("end_before_start", "end")
    assert "before start date" in d["error_message"]
    assert _na(d["duration_class"]) and _na(d["budget_usd"])
    assert (e["error_code"], e["error_field"]) == ("negative_amount", "budget_amount")


def test_pandas_index_dtypes_and_input_columns_are_kept(rows: list[dict[str, Any]]) -> None:
    df = pd.DataFrame(rows, index=[10, 20, 30, 40, 50])
    df["category"] = pd.Categorical(["x", "y", "x", "y", "x"])
    out = tcrules.requirements(df)
    assert list(out.index) == [10, 20, 30, 40, 50]
    assert out["category"].dtype == "category"
    assert list(out.columns[: len(df.columns)]) == list(df.columns)
    # Result columns are Arrow-backed: exact decimals, nullable integers and flags.
    assert str(out["duration_months"].dtype) == "uint32[pyarrow]"
    assert str(out["independent_evaluation"].dtype) == "bool[pyarrow]"
    assert str(out["budget_usd"].dtype).startswith("decimal128(38, ")
    assert out.loc[10, "budget_usd"] == Decimal("350000") and out.loc[10, "annual_reviews"] == 0
    assert out.loc[40, "duration_months"] is pd.NA and out.loc[40, "independent_evaluation"] is pd.NA
    assert out.loc[40, "error_code"] == "end_before_start"
    assert df.shape == (5, 7)  # the input is not modified


def test_result_columns_replace_same_named_input_columns(rows: list[dict[str, Any]]) -> None:
    once = tcrules.requirements(pd.DataFrame(rows))
    twice = tcrules.requirements(once)
    assert list(twice.columns) == list(once.columns)
    assert twice["budget_usd"].tolist()[:3] == once["budget_usd"].tolist()[:3]


def test_floats_convert_exactly_from_their_shortest_repr() -> None:
    rows = [row(str(i), amount=v) for i, v in enumerate([350000.0, 350000.01, 0.1 + 0.2, 1e-7])]
    for data in (pd.DataFrame(rows), pl.DataFrame(rows), pa.Table.from_pylist(rows), rows):
        got = KINDS[{pd.DataFrame: "pandas", pl.DataFrame: "polars", pa.Table: "pyarrow", list: "list"}[type(data)]][1](
            tcrules.requirements(data)
        )
        assert [r["budget_usd"] for r in got] == [Decimal("350000"), Decimal("350000.01"), Decimal("0.30000000000000004"), Decimal("0.0000001")]
        assert [r["independent_evaluation"] for r in got] == [False, True, False, False]


def test_float32_uses_its_own_shortest_repr() -> None:
    t = pa.table({"start": ["2024-01-01"], "end": ["2024-12-31"], "budget_amount": pa.array([0.1], pa.float32())})
    assert tcrules.requirements(t).column("budget_usd").to_pylist() == [Decimal("0.1")]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("kind", KINDS)
def test_nan_and_infinity_are_rejected_per_row(kind: str, bad: float) -> None:
    rows = [row("A", amount=350000.01), row("B", amount=bad), row("C", amount=1.0)]
    got = KINDS[kind][1](tcrules.requirements(KINDS[kind][0](rows)))
    assert [r["id"] for r in got] == ["A", "B", "C"]
    assert _na(got[0]["error_code"]) and _na(got[2]["error_code"])
    assert (got[1]["error_code"], got[1]["error_field"]) == ("invalid_value", "budget_amount")


def test_dates_timestamps_and_text_are_read_as_dates() -> None:
    rows = [
        {"start": date(2024, 1, 1), "end": date(2025, 6, 30), "budget_amount": 1},
        {"start": datetime(2024, 1, 1), "end": datetime(2025, 6, 30), "budget_amount": 1},
    ]
    df = pd.DataFrame(rows)
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    assert tcrules.requirements(df)["duration_class"].tolist() == ["medium", "medium"]
    with_time = pd.DataFrame({"start": pd.to_datetime(["2024-01-01 12:00"]), "end": ["2025-06-30"], "budget_amount": [1]})
    out = tcrules.requirements(with_time)
    assert (out["error_code"][0], out["error_field"][0]) == ("invalid_value", "start")
    text = tcrules.requirements([{"start": "2024-02-30", "end": "2025-06-30", "budget_amount": "1"}])
    assert (text[0]["error_code"], text[0]["error_field"]) == ("invalid_value", "start")


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_datetime64_columns_of_every_unit_with_and_without_nat(unit: str) -> None:
    # pandas' datetime64 columns cross as timestamps over their own memory; a NaT still
    # leaves its row empty, and a date before 1970 or a time of day reads as before.
    starts = pd.to_datetime(["1969-12-31", "2024-01-01", "2024-01-01 06:00"], format="ISO8601").astype(f"datetime64[{unit}]")
    df = pd.DataFrame({"start": starts, "end": pd.to_datetime(["1971-06-30"] * 2 + ["2025-06-30"]), "budget_amount": [1, 1, 1]})
    assert _tables._datetimes(df["start"]) is not None
    out = tcrules.requirements(df)
    assert out["duration_months"].tolist()[0] == 18
    assert out["error_code"].tolist()[1:] == ["end_before_start", "invalid_value"]
    with_nat = df.assign(start=df["start"].where(df.index != 0))
    assert _tables._datetimes(with_nat["start"]) is None
    out = tcrules.requirements(with_nat)
    assert (out["error_code"][0], out["error_field"][0], out["error_message"][0]) == ("invalid_value", "start", "start: required value is empty")
    assert out["error_code"].tolist()[1:] == ["end_before_start", "invalid_value"]


def test_currencies_and_rates() -> None:
    rows = [
        {"start": "2024-01-01", "end": "2026-07-01", "budget_amount": Decimal("291666.67"), "budget_currency": "EUR"},
        {"start": "2024-01-01", "end": "2026-07-01", "budget_amount": Decimal("1"), "budget_currency": "CHF"},
        {"start": "2024-01-01", "end": "2026-07-01", "budget_amount": Decimal("1"), "budget_currency": "XYZ"},
        {"start": "2024-01-01", "end": "2026-07-01", "budget_amount": Decimal("1"), "budget_currency": None},
    ]
    out = tcrules.requirements(rows, rates={"EUR": Decimal("1.2")})
    assert out[0]["budget_usd"] == Decimal("350000.004") and out[0]["independent_evaluation"] is True
    assert (out[1]["error_code"], out[1]["error_field"]) == ("missing_rate", "budget_currency")
    assert out[2]["error_code"] == "unknown_currency"
    assert (out[3]["error_code"], out[3]["error_field"]) == ("invalid_value", "budget_currency")


def test_mixed_object_columns_report_bad_cells_per_row() -> None:
    df = pd.DataFrame({"start": ["2024-01-01"] * 3, "end": ["2024-12-31"] * 3, "budget_amount": [Decimal("1.5"), "lots", 3]})
    out = tcrules.requirements(df)
    assert out["budget_usd"].tolist()[0] == Decimal("1.5")
    assert out["error_code"].tolist()[1] == "invalid_value"
    assert out["budget_usd"].tolist()[2] == Decimal("3")


def test_a_table_without_a_required_column_is_an_error() -> None:
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.requirements([{"start": "2024-01-01", "end": "2024-12-31"}])
    assert (e.value.code, e.value.path) == ("invalid_value", "projects")
    assert 'the table has no column "budget_amount"' in str(e.value)
    with pytest.raises(TypeError):
        tcrules.requirements("not a table")  # type: ignore[arg-type]


def test_policy_what_if_changes_the_batch() -> None:
    rows = [row("A", amount=Decimal("412000"))]
    what_if = tcrules.Policy().what_if({"evaluation": {"independent_threshold_usd": Decimal("1000000")}})
    assert tcrules.requirements(rows)[0]["independent_evaluation"] is True
    assert tcrules.requirements(rows, policy=what_if)[0]["independent_evaluation"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_gives_findings_and_schedule_per_row(kind: str, rows: list[dict[str, Any]]) -> None:
    rows[0]["evaluations"] = "mid_term|external|2024-09-30|10000 USD;final|external|2025-06-30|"
    rows[0]["constituent_participation"] = "tripartite committee"
    got = KINDS[kind][1](tcrules.evaluate(KINDS[kind][0](rows)))
    assert [r["id"] for r in got] == ["A", "B", "C", "D", "E"]
    a, b = got[0], got[1]
    assert a["actions"] == 0 and b["actions"] > 0
    rules = [f["rule"] for f in b["findings"]]
    assert rules[:4] == ["EVAL-DURATION", "EVAL-INDEPENDENT", "EVAL-BUDGET", "EVAL-CONSTITUENTS"]
    independent = next(f for f in b["findings"] if f["rule"] == "EVAL-INDEPENDENT")
    assert (independent["status"], independent["citation"]) == ("fail", "R6 §143")
    assert [(s["kind"], s["date"]) for s in a["schedule"]] == [("mid_term", date(2024, 9, 30)), ("final", date(2025, 6, 30))]
    assert (got[3]["error_code"], got[3]["error_field"]) == ("end_before_start", "end")
    assert (got[4]["error_code"], got[4]["error_field"]) == ("negative_amount", "budget_amount")
    assert _na(got[3]["findings"]) and _na(got[3]["actions"])


def test_evaluate_agrees_with_the_single_project_call(rows: list[dict[str, Any]]) -> None:
    single = tcrules.evaluate_project({"id": "B", "title": "Project B", "start": "2024-01-01", "end": "2025-06-30",
                                       "budget": {"amount": Decimal("350000.01"), "currency": "USD"}})
    batch = tcrules.evaluate(rows)[1]
    assert [f["message"] for f in batch["findings"]] == [f.message for f in single.findings]
    assert batch["budget_usd"] == single.requirements.budget_usd if single.requirements else False


def test_schedule_and_due_between(rows: list[dict[str, Any]]) -> None:
    out = tcrules.schedule(pd.DataFrame(rows))
    assert list(out.columns[-4:]) == ["schedule", "error_code", "error_message", "error_field"]
    assert [s["kind"] for s in out["schedule"][2]] == ["annual_review"] * 4 + ["final"]
    due = tcrules.due_between(pd.DataFrame(rows), date(2024, 9, 1), date(2024, 12, 31))
    assert isinstance(due, pd.DataFrame)
    assert due.to_dict("records") == [
        {"project": "A", "kind": "mid_term", "date": date(2024, 9, 30)},
        {"project": "B", "kind": "mid_term", "date": date(2024, 9, 30)},
    ]
    assert tcrules.due_between(pl.DataFrame(rows), date(2030, 1, 1), date(2030, 12, 31)).height == 0


def _proposal(id: str) -> dict[str, Any]:
    return {"id": id, "title": f"Proposal {id}"}


@pytest.mark.parametrize("kind", KINDS)
def test_appraise_per_row_with_errors_in_place(kind: str) -> None:
    rows = [_proposal("P1"), {"id": "P2", "title": "Bad", "start": "2024-13-01"}, _proposal("P3"),
            {"id": "P4", "title": "NaN", "budget": [{"label": "x", "purpose": "general", "amount": {"amount": float("nan"), "currency": "USD"}}]}]
    got = KINDS[kind][1](tcrules.appraise(KINDS[kind][0](rows)))
    assert [r["id"] for r in got] == ["P1", "P2", "P3", "P4"]
    # NaN is rejected in its row (pandas reads NaN in an object column as missing: then the
    # core names the missing amount)
    assert got[3]["error_field"].startswith("budget[0].amount") and got[3]["error_code"] in ("invalid_value", "invalid_json")
    assert _na(got[3]["verdict"]) and got[0]["verdict"] == got[2]["verdict"] == "not_appraisable"
    assert got[0]["verdict"] == "not_appraisable" and _na(got[0]["error_code"])
    assert any(f["rule"] == "APR-NEEDS" for f in got[0]["findings"])
    assert (got[1]["error_code"], got[1]["error_field"]) == ("invalid_json", "start")
    assert _na(got[1]["verdict"])
    assert got[2]["score"] == got[0]["score"]


def test_a_million_rows_go_through_arrow() -> None:
    n = 1_000_000
    t = pa.table({
        "start": pa.array([date(2024, 1, 1)] * n, pa.date32()),
        "end": pa.array([date(2025, 6, 30)] * n, pa.date32()),
        "budget_amount": pa.array([350000.01] * n, pa.float64()),
    })
    out = tcrules.requirements(t)
    assert out.num_rows == n
    assert pc.all(out.column("independent_evaluation")).as_py() is True


RATES = {"EUR": "1.0842", "CHF": "1.000", "JPY": "0.006666666666666667"}


def _amounts(rng: Any) -> list[Any]:
    """Budgets of every shape the table readers meet: cents, whole numbers, many places,
    zero (signed too), huge, negative, and a currency with no rate."""
    return [
        rng.randrange(10**9) / 100, float(rng.randrange(10**7)), rng.random() * 10**rng.randrange(12),
        0.0, -0.0, 1e300, -12.5, 0.1 + 0.2, 350000.01, 350000.0, 2.0**52 + 1,
    ]


def test_floats_and_decimals_read_as_their_text_reads() -> None:
    # The usual cell is converted without building a Decimal; its text takes the Decimal
    # path. Both must give the same requirements, digits, scale and errors alike.
    import random

    rng = random.Random(143)
    floats = [x for _ in range(40) for x in _amounts(rng)]
    decimals = [Decimal(rng.randrange(10**12)).scaleb(-rng.randrange(8)) for _ in range(200)] + [Decimal(0), Decimal("-0.00"), Decimal(-1)]
    for amounts in (floats, decimals):
        currencies = [rng.choice(["USD", "EUR", "CHF", "JPY", "GBP"]) for _ in amounts]
        text = [repr(a) if isinstance(a, float) else format(a, "f") for a in amounts]
        table = lambda column: pa.table({"start": ["2024-01-01"] * len(amounts), "end": ["2026-03-31"] * len(amounts),
                                         "budget_amount": column, "budget_currency": currencies})
        typed = pa.array(amounts, pa.float64()) if amounts is floats else pa.array(amounts, pa.decimal128(30, 7))
        # (An error's message quotes the cell as it was written.)
        got = tcrules.requirements(table(typed), rates=RATES).drop(["budget_amount", "error_message"])
        want = tcrules.requirements(table(pa.array(text)), rates=RATES).drop(["budget_amount", "error_message"])
        assert got.schema == want.schema
        got, want = got.to_pylist(), want.to_pylist()
        assert got == want
        budgets = [r["budget_usd"] for r in got if r["budget_usd"] is not None]
        assert len(budgets) > len(amounts) // 2 and any(r["error_code"] for r in got)


def test_delivery_floats_read_as_their_text_reads() -> None:
    import random

    rng = random.Random(170)
    n = 2_000
    shapes = [x for _ in range(n // 11 + 1) for x in _amounts(rng)]
    # Half the projects in cents alone: their sums keep the scale of those terms.
    amounts = [rng.randrange(10**9) / 10 ** rng.randrange(3) if i % 97 < 48 else shapes[i] for i in range(n)]
    # A currency per project: each group's sum keeps the scale of its own terms.
    currency = ["USD", "EUR", "CHF", "JPY"]
    records = {"project": [f"P{i % 97}" for i in range(n)], "month": ["2025-03"] * n, "source": ["xbtc"] * n,
               "currency": [currency[i % 97 % 4] for i in range(n)]}
    spent = amounts[::-1]
    ok = lambda a: a >= 0 and a < 1e20
    good = [i for i in range(n) if ok(amounts[i]) and ok(spent[i])]
    pick = lambda xs: [xs[i] for i in good]
    typed = pa.table({**{k: pick(v) for k, v in records.items()}, "allocation": pick(amounts), "expenditure": pick(spent)})
    text = pa.table({**{k: pick(v) for k, v in records.items()}, "allocation": [repr(a) for a in pick(amounts)],
                     "expenditure": [repr(a) for a in pick(spent)]})
    got = tcrules.delivery_table(typed, 2025, "project", rates=RATES)
    assert got.raw == tcrules.delivery_table(text, 2025, "project", rates=RATES).raw
    assert got.total.records == len(good)
    bad = pa.table({**records, "allocation": amounts, "expenditure": amounts})
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.delivery_table(bad, 2025, "project", rates=RATES)
    first = next(i for i, a in enumerate(amounts) if not (a >= 0 and a < 1e300))
    assert e.value.path.startswith(f"records[{first}]"), e.value.path
