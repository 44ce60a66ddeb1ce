"""The IATI reader streamed: batches as read, a table of any kind, the reader's options
(as-of date, kinds of year), and the same answers as the whole-file reader."""

from __future__ import annotations

import datetime
import gzip
from decimal import Decimal
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import tcrules
from tcrules.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "core" / "data" / "iati" / "ilo-activities-2.03.xml"


def activity(i: int, end: str = "2021-03-31", evaluation: bool = False) -> str:
    link = '<document-link url="https://example.org/e.pdf"><category code="A07"/></document-link>' if evaluation else ""
    return (
        f'<iati-activity default-currency="GBP"><iati-identifier>GB-1-{i}</iati-identifier>'
        f'<activity-date type="2" iso-date="2019-04-01"/><activity-date type="4" iso-date="{end}"/>'
        '<budget><period-start iso-date="2019-04-01"/><period-end iso-date="2020-03-31"/><value>100</value></budget>'
        '<budget><period-start iso-date="2020-04-01"/><period-end iso-date="2021-03-31"/><value>100</value></budget>'
        '<transaction><transaction-type code="4"/><transaction-date iso-date="2020-02-29"/><value>100</value></transaction>'
        '<transaction><transaction-type code="4"/><transaction-date iso-date="2021-02-28"/><value>100</value></transaction>'
        f"{link}</iati-activity>"
    )


def file(n: int, **kw: object) -> bytes:
    body = "".join(activity(i, **kw) for i in range(n))  # type: ignore[arg-type]
    return f'<iati-activities version="2.03">{body}</iati-activities>'.encode()


RATES = {"GBP": Decimal("1.25")}


def test_batches_come_as_read_and_cover_every_activity(tmp_path: Path) -> None:
    path = tmp_path / "many.xml.gz"
    path.write_bytes(gzip.compress(file(2_500)))
    batches = list(tcrules.iter_iati(path, batch_size=1_000, rates=RATES))
    assert [b.num_rows for b in batches] == [1_000, 1_000, 500]
    table = pa.Table.from_batches(batches)
    assert table.column("identifier").to_pylist()[-1] == "GB-1-2499"
    assert table.schema.field("budget_usd").type == pa.decimal128(38, 10)
    assert table.schema.field("start").type == pa.date32()
    assert table.column("budget_usd").to_pylist()[0] == Decimal("250.0000000000")
    # The publisher's April–March years: each delivers its budget in full.
    assert table.column("delivery").to_pylist()[0] == "2019-04/2020-03 100; 2020-04/2021-03 100"


def test_a_table_of_each_kind_matches_the_whole_file_reader() -> None:
    whole = tcrules.read_iati(EXAMPLE, as_of="2026-12-01")
    df = tcrules.read_iati_table(EXAMPLE, as_of="2026-12-01")
    assert isinstance(df, pd.DataFrame)
    assert list(df["identifier"]) == [a.identifier for a in whole.activities]
    assert list(df["warnings"]) == [sum(f.status == "warning" for f in a.findings) for a in whole.activities]
    errors = [a.error.code if a.error else None for a in whole.activities]
    assert [e.split("]")[0][1:] if isinstance(e, str) else None for e in df["error"]] == errors
    pl_table = tcrules.read_iati_table(EXAMPLE, kind="polars")
    assert isinstance(pl_table, pl.DataFrame) and pl_table.height == len(whole.activities)
    arrow = tcrules.read_iati_table(EXAMPLE.read_bytes(), kind="arrow")
    assert arrow.num_rows == len(whole.activities)
    with pytest.raises(ValueError, match="kind"):
        tcrules.read_iati_table(EXAMPLE, kind="excel")


def test_an_empty_file_is_an_empty_table_with_the_columns() -> None:
    t = tcrules.read_iati_table(b'<iati-activities version="2.03"></iati-activities>', kind="arrow")
    assert t.num_rows == 0 and "budget_usd" in t.column_names


def test_a_file_that_is_not_iati_raises_after_the_rows_before_it() -> None:
    with pytest.raises(ValidationError) as e:
        list(tcrules.iter_iati(b"<html><body/></html>"))
    assert e.value.code == "invalid_xml" and "not an IATI activity file" in str(e.value)
    stream = tcrules.iter_iati(file(3) + b"<second-root/>", batch_size=10, rates=RATES)
    assert next(stream).num_rows == 3
    with pytest.raises(ValidationError) as e:
        next(stream)
    assert e.value.code == "invalid_xml"


def test_evaluation_documents_are_asked_for_at_the_as_of_date() -> None:
    data = file(1).replace(b"</iati-activities>", activity(9, evaluation=True).encode() + b"</iati-activities>")
    def statuses(as_of: object) -> list[list[str]]:
        report = tcrules.read_iati(data, rates=RATES, as_of=as_of)  # type: ignore[arg-type]
        return [[f.status for f in a.findings if f.rule == "IATI-EVAL-DOC"] for a in report.activities]
    assert statuses(None) == [[], []]  # not asked
    assert statuses("2022-03-31") == [["not_applicable"], ["not_applicable"]]  # 12 months: too soon
    assert statuses(datetime.date(2022, 4, 1)) == [["warning"], ["pass"]]
    assert statuses(datetime.datetime(2022, 4, 1, 9, 30)) == [["warning"], ["pass"]]
    table = tcrules.read_iati_table(data, kind="arrow", rates=RATES, as_of="2022-04-01")
    # Each also warns that it publishes no gender marker.
    assert table.column("warnings").to_pylist() == [2, 1]


def test_kinds_of_year() -> None:
    def years(periods: str) -> list[str]:
        report = tcrules.read_iati(file(1), rates=RATES, periods=periods)
        return [g.group for g in report.activities[0].delivery]
    assert years("published") == ["2019-04/2020-03", "2020-04/2021-03"]
    assert years("calendar") == ["2019", "2020", "2021"]
    assert years("fiscal:7") == ["2018-07/2019-06", "2019-07/2020-06", "2020-07/2021-06"]
    with pytest.raises(ValidationError) as e:
        tcrules.read_iati(file(1), periods="fiscal:13")
    assert e.value.code == "invalid_value" and "month from 1 to 12" in str(e.value)
