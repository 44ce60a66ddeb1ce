"""Data as an analyst has it (issue 17, items 1, 4 and 6): a DataFrame with its own headers
mapped by ``columns=``, the same portfolio as a ``;`` CSV file, an Excel workbook and an
OpenDocument workbook under misleading names (``tests/spreadsheets/``, written by its
``make.py``) with the same answers as the command line gives, every missing column in one
error with the closest header, a grouping column that is missing an error, and dates and
months in every form."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import tcrules

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "spreadsheets"
COLUMNS: dict[str, str] = json.loads((FIXTURES / "columns.json").read_text())
RATES = {"EUR": Decimal("1.08")}
PROJECTS_CSV = FIXTURES / "projects-semicolon.csv"
RECORDS_CSV = FIXTURES / "records-semicolon.csv"
EXCEL = FIXTURES / "portfolio-excel.csv"  # misnamed on purpose
CALC = FIXTURES / "portfolio-calc.txt"


def analyst_frame() -> pd.DataFrame:
    """The projects as an analyst's DataFrame: own headers, dates as Timestamps, floats."""
    return pd.DataFrame(
        {
            "Project ID": ["P-001", "P-002", "P-003"],
            "Title": ["Skills for jobs", "Social dialogue", "Pay equity"],
            "Region": ["Asia and the Pacific", "Arab States", "Africa"],
            "Responsible Unit": ["EMP", "DIALOGUE", "GENDER"],
            "Start Date": pd.to_datetime(["2024-04-03", "2023-01-15", "2024-02-01"]),
            "End Date": pd.to_datetime(["2025-12-31", "2026-06-30", "2025-01-31"]),
            "Budget": [1250000.00, 350000.01, 99999.50],
            "Budget Currency": ["eur", "USD", "usd"],
        }
    )


def normalized(rows: Any) -> Any:
    """Rows with every decimal in its shortest form (1250000.00 and 1250000 alike)."""
    if isinstance(rows, dict):
        return {k: normalized(v) for k, v in rows.items()}
    if isinstance(rows, list):
        return [normalized(v) for v in rows]
    if isinstance(rows, str) and "." in rows:
        try:
            return format(Decimal(rows).normalize(), "f")
        except ArithmeticError:
            return rows
    return rows


def test_a_dataframe_with_its_own_headers_goes_in_and_keeps_them() -> None:
    frame = analyst_frame()
    out = tcrules.requirements(frame, rates=RATES, columns=COLUMNS)
    assert list(out.columns[: len(frame.columns)]) == list(frame.columns)
    assert out["duration_class"].tolist() == ["medium", "long", "short"]
    assert out["budget_usd"].tolist()[0] == Decimal("1350000")
    assert out["independent_evaluation"].tolist() == [True, True, False]
    evaluated = tcrules.evaluate(frame, rates=RATES, columns=COLUMNS)
    assert evaluated["error_code"].isna().all()
    due = tcrules.due_between(frame, "2024-07-01", "2025-12-31", rates=RATES, columns=COLUMNS)
    assert sorted(set(due["project"])) == ["P-001", "P-002", "P-003"]


def test_every_missing_column_is_named_once_with_the_closest_header() -> None:
    with pytest.raises(tcrules.ValidationError) as caught:
        tcrules.requirements(analyst_frame())
    e = caught.value
    assert (e.code, e.path) == ("invalid_value", "projects")
    assert '"start" (did you mean "Start Date"?), "end" (did you mean "End Date"?), "budget_amount" (did you mean "Budget"?)' in str(e)
    with pytest.raises(tcrules.ValidationError) as caught:
        tcrules.evaluate(analyst_frame())
    assert '"id" (did you mean "Project ID"?)' in str(caught.value)


def test_a_bad_cell_names_the_users_header() -> None:
    frame = analyst_frame()
    frame.loc[1, "Budget Currency"] = "XYZ"
    out = tcrules.evaluate(frame, rates=RATES, columns=COLUMNS)
    assert out["error_code"].tolist()[1] == "unknown_currency"
    assert out["error_field"].tolist()[1] == "Budget Currency"
    with pytest.raises(tcrules.ValidationError) as caught:
        tcrules.read_csv("projects", FIXTURES / "projects-bad.csv", day_first=True, columns=COLUMNS)
    assert [(x.code, x.path) for x in caught.value.errors] == [
        ("invalid_value", "projects[1].Region"),
        ("invalid_value", "projects[2].Start Date"),
        ("invalid_value", "projects[2].Budget"),
        ("unknown_currency", "projects[3].Budget Currency"),
    ]


def test_csv_excel_and_opendocument_read_alike_whatever_their_names() -> None:
    from_csv = tcrules.read_csv("projects", PROJECTS_CSV, day_first=True, columns=COLUMNS)
    for workbook in (EXCEL, CALC):
        assert normalized(tcrules.read_csv("projects", workbook, columns=COLUMNS)) == normalized(from_csv)
        assert normalized(tcrules.read_csv("projects", workbook.read_bytes(), columns=COLUMNS)) == normalized(from_csv)
        records = tcrules.read_csv("records", workbook, columns=COLUMNS, sheet="Records")
        assert normalized(records) == normalized(tcrules.read_csv("records", RECORDS_CSV, day_first=True, columns=COLUMNS))
        assert [r["month"] for r in records] == ["2024-05", "2024-06", "2024-05", "2024-06"]
    # The formula cell's cached value, never evaluated.
    assert from_csv[2]["budget"]["amount"] == "99999.50"
    assert tcrules.read_csv("projects", EXCEL, columns=COLUMNS)[2]["budget"]["amount"] == "99999.5"
    # Through the file entry point, unmapped: the code and path the CLI and WASM give.
    with pytest.raises(tcrules.TcrulesError) as caught:
        tcrules.read("csv", EXCEL)
    assert (caught.value.code, caught.value.path) == ("invalid_csv", "projects")
    # Through the file entry point too: the same code and path as the CLI and WASM give.


def test_the_portfolio_from_files_and_from_frames_gives_the_cli_s_answers() -> None:
    from_files = tcrules.Portfolio.from_csv(
        projects=PROJECTS_CSV, records=RECORDS_CSV, rates=RATES, day_first=True, columns=COLUMNS
    )
    from_excel = tcrules.Portfolio.from_csv(projects=EXCEL, rates=RATES, columns=COLUMNS)
    assert normalized(from_excel.raw["projects"]) == normalized(from_files.raw["projects"])
    by_unit = tcrules.delivery(from_files, 2024, "unit")
    assert [(g.group, g.rate_percent) for g in by_unit.groups][0][0] == "DIALOGUE"
    frame_records = tcrules.read_table(EXCEL, sheet="Records").to_pandas()
    table = tcrules.delivery_table(frame_records, 2024, "unit", projects=analyst_frame(), rates=RATES, columns=COLUMNS)
    assert [(g.group, g.rate_percent) for g in table.groups] == [(g.group, g.rate_percent) for g in by_unit.groups]
    # A month given as a date, and as any date in it, as delivery_table takes it.
    frame = frame_records.assign(Month=[date(2024, 5, 31), "2024-06-30", datetime(2024, 5, 1), pd.Timestamp("2024-06-15")])
    portfolio = tcrules.Portfolio.from_tables(analyst_frame(), frame, rates=RATES, columns=COLUMNS)
    assert [r["month"] for r in portfolio.records] == ["2024-05", "2024-06", "2024-05", "2024-06"]


def test_a_grouping_column_that_is_missing_is_an_error_never_unassigned() -> None:
    records = tcrules.read_table(RECORDS_CSV).to_pandas()
    projects = analyst_frame()
    with pytest.raises(tcrules.ValidationError) as caught:
        tcrules.delivery_table(records, 2024, "unit", projects=projects, rates=RATES, columns={**COLUMNS, "Responsible Unit": "unit_name"})
    e = caught.value
    assert (e.code, e.path) == ("invalid_value", "projects")
    assert 'no column "unit"' in str(e)
    with pytest.raises(tcrules.ValidationError):
        tcrules.delivery_table(records, 2024, "field_office", projects=projects, columns=COLUMNS)


def test_read_table_tells_the_format_from_the_content() -> None:
    excel = tcrules.read_table(EXCEL)
    assert excel.column_names[:3] == ["Project ID", "Title", "Region"]
    assert excel.column("Start Date").to_pylist() == ["2024-04-03", "2023-01-15", "2024-02-01"]
    assert excel.column("Budget").to_pylist() == ["1250000", "350000.01", "99999.5"]
    calc = tcrules.read_table(CALC.read_bytes())
    assert calc.to_pylist() == excel.to_pylist()
    with pytest.raises(tcrules.ValidationError) as caught:
        tcrules.read_table(EXCEL, sheet="Budget")
    assert (caught.value.code, caught.value.path) == ("invalid_value", "sheet")
    assert isinstance(excel, pa.Table)


@pytest.mark.parametrize(
    "day",
    [
        "2024-07-01",
        date(2024, 7, 1),
        datetime(2024, 7, 1),
        pd.Timestamp("2024-07-01"),
        pd.Timestamp("2024-07-01", tz="Europe/Zurich"),
        pd.Timestamp("2024-07-01").to_datetime64(),
        __import__("numpy").datetime64("2024-07-01T00:00:00.000000000", "ns"),
    ],
)
def test_dates_in_every_form(day: Any) -> None:
    frame = analyst_frame()
    due = tcrules.due_between(frame, day, date(2025, 12, 31), rates=RATES, columns=COLUMNS)
    assert len(due) > 0
    assert due["date"].min() >= pd.Timestamp("2024-07-01").date()


def test_timestamps_with_a_time_zone_read_as_their_local_date() -> None:
    frame = analyst_frame()
    frame["Start Date"] = frame["Start Date"].dt.tz_localize("Europe/Zurich")
    frame["End Date"] = frame["End Date"].dt.tz_localize("UTC")
    out = tcrules.requirements(frame, rates=RATES, columns=COLUMNS)
    assert out["error_code"].isna().all(), out["error_message"].tolist()
    assert out["duration_class"].tolist() == ["medium", "long", "short"]


def test_an_editions_own_spellings_are_read_by_every_table_function() -> None:
    ours = tcrules.Policy.from_json(
        {"name": "ours", "version": "1", "extends": "ilo-2006", "labels": {"region": {"AP": "asia_pacific"}, "source_of_funds": {"Donor funds": "xbtc"}}}
    )
    assert "labels" not in tcrules.Policy().spec  # the built-in edition keeps its hash
    frame = analyst_frame().assign(Region=["AP", "AP", "Africa"])
    text = PROJECTS_CSV.read_text(encoding="utf-8-sig").replace("Asia and the Pacific", "AP")
    assert tcrules.read_csv("projects", text, columns=COLUMNS, day_first=True, policy=ours)[0]["region"] == "asia_pacific"
    evaluated = tcrules.evaluate(frame, rates=RATES, columns=COLUMNS, policy=ours)
    assert evaluated["error_code"].isna().all()
    built_in = tcrules.evaluate(frame, rates=RATES, columns=COLUMNS)
    assert built_in["error_field"].tolist()[:2] == ["Region", "Region"]
    records = tcrules.read_table(EXCEL, sheet="Records").to_pandas().assign(Fund="Donor funds")
    portfolio = tcrules.Portfolio.from_tables(analyst_frame(), records, rates=RATES, columns=COLUMNS, policy=ours)
    assert {r["source"] for r in portfolio.records} == {"xbtc"}
    report = tcrules.delivery_table(records, 2024, "project", rates=RATES, columns=COLUMNS, policy=ours)
    assert len(report.groups) == 3


def test_appraise_maps_columns_and_a_month_as_a_date_reads_in_json_too() -> None:
    out = tcrules.appraise([{"Proposal ID": "PR-1", "title": "Draft"}], columns={"Proposal ID": "id"})
    assert out[0]["Proposal ID"] == "PR-1" and out[0]["verdict"] == "not_appraisable"
    portfolio = tcrules.Portfolio.from_dict(
        {
            "projects": [{"id": "P1", "title": "T", "start": date(2024, 1, 1), "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"}}],
            "records": [{"project": "P1", "month": date(2024, 3, 31), "source": "xbtc", "allocation": {"amount": "2", "currency": "USD"}, "expenditure": {"amount": "1", "currency": "USD"}}],
        }
    )
    assert portfolio.records[0]["month"] == "2024-03"
