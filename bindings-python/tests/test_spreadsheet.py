"""Tables as spreadsheets save them (issue 17, items 2, 3 and 5): a ``;`` file with a
byte-order mark, day-first dates, grouped amounts and labels as people write them; the
``day_first`` choice; and a table with several bad cells raising one exception that
lists them all."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import tcrules
from tcrules import errors

SPREADSHEET = (
    "\ufeffid;title;region;strategic_objective;start;end;budget_amount;budget_currency;donors;funding\n"
    'P1;Skills for jobs;Asia and the Pacific;Employment;03/04/2024;31/12/2025;1.250.000,00;eur;USDOL|Multi-bilateral donors;"XB:1.000.000,00:EUR"\n'
    "P2;Dialogue;Arab States;SO 4;01.02.2024;30.06.2026;350.000,01;USD;UNDP|UN|local;\n"
)


def test_a_spreadsheet_table_reads_with_its_date_order() -> None:
    rows = tcrules.read_csv("projects", SPREADSHEET, day_first=True)
    assert [(r["start"], r["region"], r["budget"]["amount"], r["budget"]["currency"]) for r in rows] == [
        ("2024-04-03", "asia_pacific", "1250000.00", "EUR"),
        ("2024-02-01", "arab_states", "350000.01", "USD"),
    ]
    assert rows[0]["funding"][0]["source"] == "xbtc"
    assert rows[1]["donors"][0]["category"] == "united_nations"
    portfolio = tcrules.Portfolio.from_csv(projects=SPREADSHEET, day_first=True, rates={"EUR": Decimal("1.1")})
    assert [p["id"] for p in portfolio.raw["projects"]] == ["P1", "P2"]


def test_an_ambiguous_date_names_the_option() -> None:
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.read_csv("projects", SPREADSHEET)
    e = caught.value
    assert (e.code, e.path) == ("invalid_value", "projects[0].start")
    assert "day_first" in str(e)
    assert [c.path for c in e.errors] == ["projects[0].start", "projects[1].start"]
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.read_csv("projects", SPREADSHEET, day_first=False)
    assert caught.value.path == "projects[0].end"


def test_every_bad_cell_is_listed() -> None:
    table = (
        "id,title,region,start,end,budget_amount,budget_currency\n"
        "P1,A,Africa,2024-01-01,2025-06-30,100,usd\n"
        "P2,B,Oceania,2024-01-01,2025-06-30,100,USD\n"
        "P3,C,Americas,2024-13-01,2025-06-30,abc,XYZ\n"
    )
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.read_csv("projects", table)
    e = caught.value
    assert (e.code, e.path, e.omitted) == ("invalid_value", "projects[1].region", 0)
    assert [(type(c).__name__, c.code, c.path) for c in e.errors] == [
        ("ValidationError", "invalid_value", "projects[1].region"),
        ("ValidationError", "invalid_value", "projects[2].start"),
        ("ValidationError", "invalid_value", "projects[2].budget_amount"),
    ]
    assert "Asia and the Pacific, " in e.errors[0].message and "asia_pacific" in e.errors[0].message
    many = "id,title,start,end,budget_amount,budget_currency\n" + "".join(
        f"P{i},T,2024-01-01,2025-06-30,-1,USD\n" for i in range(120)
    )
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.read_csv("projects", many)
    assert (caught.value.code, len(caught.value.errors), caught.value.omitted) == ("negative_amount", 100, 20)


def test_a_single_error_lists_itself() -> None:
    with pytest.raises(errors.CurrencyError) as caught:
        tcrules.read_csv("projects", "id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,XYZ\n")
    assert caught.value.errors == [caught.value]


def test_the_corpus_file_of_several_bad_cells_lists_them() -> None:
    """The same answer as the Rust and WASM suites give for the corpus file."""
    path = Path(__file__).resolve().parents[2] / "tests" / "bad-inputs" / "csv-several-bad-cells.csv"
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.read("csv", path.read_bytes())
    assert [(c.code, c.path) for c in caught.value.errors] == [
        ("invalid_value", "projects[1].region"),
        ("invalid_value", "projects[2].start"),
        ("invalid_value", "projects[2].budget_amount"),
        ("invalid_value", "projects[3].funding"),
    ]


def test_a_donor_named_alone_reads_and_groups_as_unassigned() -> None:
    """A bare donor name is data as users hold it (issue 17, item 2): it reads without a
    category, and delivery by donor category counts it as ``(unassigned)`` beside its
    co-donor's category; an entry with a category but no name is still an error."""
    projects = pd.DataFrame({"Project ID": ["P1", "P2"], "Donors": ["Norway; UNDP|UN", "Sweden"]})
    rows = tcrules.read_csv("projects", SPREADSHEET.replace("USDOL|Multi-bilateral donors", "USDOL"), day_first=True)
    assert rows[0]["donors"] == [{"name": "USDOL", "locally_mobilized": False}]
    records = pd.DataFrame({"project": ["P1", "P2", "P2"], "month": ["2024-03", "2024-04", "2024-05"],
                            "source": "xbtc", "currency": "USD", "allocation": [100, 200, 100],
                            "expenditure": [65, 150, 0]})
    report = tcrules.delivery_table(records, 2024, "donor_category", projects=projects,
                                    columns={"Project ID": "id", "Donors": "donors"})
    assert [(g.group, g.allocation_usd, g.expenditure_usd) for g in report.groups] == [
        ("(unassigned)", Decimal("300"), Decimal("150")),
        ("(unassigned) + united_nations", Decimal("100"), Decimal("65")),
    ]
    with pytest.raises(errors.ValidationError) as caught:
        tcrules.delivery_table(records, 2024, "donor_category", projects=pd.DataFrame({"id": ["P1", "P2"], "donors": ["|UN", None]}))
    assert caught.value.path == "projects[0].donors" and "no name" in str(caught.value)
