"""IATI activity files from Python: ``read_iati`` on a path, bytes or text, typed rows,
tables, and the same answer as the core's JSON boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import tcrules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "core" / "data" / "iati" / "ilo-activities-2.03.xml"
RATES = {"EUR": Decimal("1.47")}


def test_the_2_03_example_file_from_a_path() -> None:
    r = tcrules.read_iati(EXAMPLE, rates=RATES)
    assert r.version == "2.03" and r.errors == []
    jor, mmr, asia, idn = r.activities
    assert jor.identifier == "XM-DAC-41302-JOR-10-01-NOR"
    assert (jor.start, jor.end) == (date(2010, 3, 1), date(2012, 2, 29))
    assert jor.duration_class == "medium"
    assert [d.kind for d in jor.evaluations] == ["mid_term", "final"]
    assert jor.budget_usd == Decimal("350000.01") and jor.independent_evaluation is True
    assert [(g.group, g.rate_percent) for g in jor.delivery] == [("2010", Decimal("68.5714")), ("2011", Decimal("102.8004"))]
    assert jor.donors == ["Norway"] and jor.gender_marker == 2
    assert jor.findings.of("IATI-GEN-MARKER")[0].status == "pass"
    assert mmr.findings.of("IATI-BUDGET-PERIOD").with_status("fail")
    assert asia.budget_usd == Decimal("4410000")
    assert idn.error is not None
    assert (idn.identifier, idn.error.code, idn.error.path) == (
        "XM-DAC-41302-IDN-06-01-NOR", "invalid_value", "iati-activity[4]/budget[1]/value")


def test_bytes_text_and_path_give_the_same_report() -> None:
    data = EXAMPLE.read_bytes()
    by_path = tcrules.read_iati(EXAMPLE, rates=RATES).raw
    assert tcrules.read_iati(data, rates=RATES).raw == by_path
    assert tcrules.read_iati(data.decode(), rates=RATES).raw == by_path
    assert tcrules.call("iati", {"text": data.decode(), "rates": RATES}) == by_path


def test_the_version_1_file() -> None:
    r = tcrules.read_iati(ROOT / "core" / "data" / "iati" / "ilo-activities-1.05.xml")
    dew = r.activities[0]
    assert r.version == "1.05"
    assert dew.title == "Decent Employment for Women - India (DEW)"
    assert dew.donors == ["United States (Department of Labor)"]
    assert [(g.group, g.rate_percent) for g in dew.delivery] == [("2004", Decimal("64")), ("2005", Decimal("70"))]


def test_one_table_row_per_activity() -> None:
    pytest.importorskip("pandas")
    df = tcrules.read_iati(EXAMPLE, rates=RATES).to_pandas()
    assert list(df["identifier"])[-1] == "XM-DAC-41302-IDN-06-01-NOR"
    assert list(df["error_code"].isna()) == [True, True, True, False]
    assert df["error_code"][3] == "invalid_value"
    assert list(df["independent_evaluation"])[:3] == [True, True, True]
    assert df["budget_usd"][0] == Decimal("350000.01")


def test_problems_outside_an_activity_are_the_reports_errors() -> None:
    r = tcrules.read_iati(b'<!DOCTYPE x [<!ENTITY a "b">]><iati-activities/>')
    assert r.activities == []
    assert [(e.code, e.path) for e in r.errors] == [("invalid_xml", "")]
    assert "<strong>IATI" in r._repr_html_()


def test_files_that_are_not_utf8_raise_the_formats_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"projects": ["\xff"]}')
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.read_portfolio(bad)
    assert (e.value.code, e.value.path) == ("invalid_json", "")
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.Policy.load(bad)
    assert e.value.code == "invalid_json"
    csv = tmp_path / "bad.csv"
    csv.write_bytes(b"id,title,start,end,budget_amount,budget_currency\nP1,\xff,2024-01-01,2025-06-30,1,USD\n")
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.read_csv("projects", csv)
    assert e.value.code == "invalid_csv"


def test_lone_surrogates_are_the_cores_errors_not_unicode_errors() -> None:
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.appraise_proposal({"id": "PR-1", "title": "\udcff"})
    assert e.value.code == "invalid_json"
    with pytest.raises(tcrules.ValidationError) as e:
        tcrules.Portfolio.from_json('{"name": "\udcff"}')
    assert e.value.code == "invalid_json"
    r = tcrules.read_iati("<iati-activities>\udcff</iati-activities>")
    assert [(e.code, e.path) for e in r.errors] == [("invalid_xml", "iati-activities")]
