"""Writes the spreadsheet fixtures of issue 17: one portfolio as an analyst keeps it (own
headers, labels, day-first dates, grouped amounts), saved three ways.

- ``projects-semicolon.csv``, ``records-semicolon.csv``: as a spreadsheet in a
  decimal-comma locale saves CSV (a byte-order mark, ``;`` separators, ``31/12/2025``,
  ``1.250.000,00``);
- ``portfolio-excel.csv``: the same two tables as an Excel workbook (sheets "Projects" and
  "Records"), under a misleading extension; dates are date cells, amounts number cells,
  one budget a formula with its cached value;
- ``portfolio-calc.txt``: the same as an OpenDocument spreadsheet, again misnamed;
- ``projects-bad.csv``: the projects table with three bad rows (four bad cells);
- ``columns.json``: the mapping from the analyst's headers to the layout's columns.

Run from the repository root with openpyxl and odfpy installed:
``python tests/spreadsheets/make.py``. The files are committed; the tests read them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent

PROJECT_HEADERS = ["Project ID", "Title", "Region", "Responsible Unit", "Start Date", "End Date", "Budget", "Budget Currency"]
# (id, title, region, unit, start, end, budget, currency)
PROJECTS = [
    ("P-001", "Skills for jobs", "Asia and the Pacific", "EMP", date(2024, 4, 3), date(2025, 12, 31), "1250000.00", "eur"),
    ("P-002", "Social dialogue", "Arab States", "DIALOGUE", date(2023, 1, 15), date(2026, 6, 30), "350000.01", "USD"),
    ("P-003", "Pay equity", "Africa", "GENDER", date(2024, 2, 1), date(2025, 1, 31), "99999.50", "usd"),
]
RECORD_HEADERS = ["Project", "Month", "Fund", "Currency", "Allocated", "Spent"]
# (project, month as a date in it, source, currency, allocation, expenditure)
RECORDS = [
    ("P-001", date(2024, 5, 31), "XB", "EUR", "100000.00", "40000.00"),
    ("P-001", date(2024, 6, 30), "XB", "EUR", "100000.00", "85000.50"),
    ("P-002", date(2024, 5, 31), "RB", "USD", "20000.00", "19000.00"),
    ("P-003", date(2024, 6, 30), "extra-budgetary", "usd", "12500.00", "2500.25"),
]
COLUMNS = {
    "Project ID": "id",
    "Title": "title",
    "Region": "region",
    "Responsible Unit": "unit",
    "Start Date": "start",
    "End Date": "end",
    "Budget": "budget_amount",
    "Budget Currency": "budget_currency",
    "Project": "project",
    "Month": "month",
    "Fund": "source",
    "Allocated": "allocation",
    "Spent": "expenditure",
}


def comma(amount: str) -> str:
    """``1250000.00`` as a decimal-comma locale writes it: ``1.250.000,00``."""
    whole, part = amount.split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ".".join(groups) + "," + part


def day_first(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    lines = [";".join(headers)] + [";".join(r) for r in rows]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def csv_files() -> None:
    write_csv(
        HERE / "projects-semicolon.csv",
        PROJECT_HEADERS,
        [[i, t, r, u, day_first(s), day_first(e), comma(b), c] for i, t, r, u, s, e, b, c in PROJECTS],
    )
    write_csv(
        HERE / "records-semicolon.csv",
        RECORD_HEADERS,
        [[p, day_first(m), f, c, comma(a), comma(x)] for p, m, f, c, a, x in RECORDS],
    )
    bad = [
        ["P-001", "Skills for jobs", "Asia and the Pacific", "EMP", "03/04/2024", "31/12/2025", "1.250.000,00", "eur"],
        ["P-002", "Social dialogue", "Atlantis", "DIALOGUE", "15/01/2023", "30/06/2026", "350.000,01", "USD"],
        ["P-003", "Pay equity", "Africa", "GENDER", "31/02/2024", "31/01/2025", "lots", "usd"],
        ["P-004", "Wages", "Europe and Central Asia", "GENDER", "01/02/2024", "31/01/2025", "1.000,00", "XYZ"],
    ]
    write_csv(HERE / "projects-bad.csv", PROJECT_HEADERS, bad)
    (HERE / "columns.json").write_text(json.dumps(COLUMNS, indent=2) + "\n")


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Projects"
    sheet.append(PROJECT_HEADERS)
    for i, t, r, u, s, e, b, c in PROJECTS:
        sheet.append([i, t, r, u, s, e, float(b), c])
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    # One budget as a formula: read as its cached value, never evaluated.
    sheet["G4"] = "=99999+0.5"
    records = book.create_sheet("Records")
    records.append(RECORD_HEADERS)
    for p, m, f, c, a, x in RECORDS:
        records.append([p, m, f, c, float(a), float(x)])
    for row in records.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "MMM YYYY"
    out = io.BytesIO()
    book.save(out)
    return with_cached_value(out.getvalue(), "xl/worksheets/sheet1.xml", "G4", "99999.5")


def with_cached_value(xlsx: bytes, member: str, ref: str, value: str) -> bytes:
    """The workbook with a cached value in formula cell ``ref``, as Excel saves one
    (openpyxl writes formulas without)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                text = data.decode()
                text, n = re.subn(rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?', rf"\1<f>\2</f><v>{value}</v>", text)
                assert n == 1, text
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()

    def cell(value: object, formula: str | None = None) -> TableCell:
        if isinstance(value, date):
            c = TableCell(valuetype="date", datevalue=value.isoformat())
            c.addElement(P(text=day_first(value)))
        elif isinstance(value, float):
            c = TableCell(valuetype="float", value=repr(value))
            if formula:
                c.setAttribute("formula", formula)
            c.addElement(P(text=repr(value)))
        else:
            c = TableCell(valuetype="string")
            c.addElement(P(text=str(value)))
        return c

    def table(name: str, headers: list[str], rows: list[list[object]]) -> Table:
        t = Table(name=name)
        for values in [headers, *rows]:
            row = TableRow()
            for v in values:
                row.addElement(cell(v))
            t.addElement(row)
        return t

    projects = [[i, t, r, u, s, e, float(b), c] for i, t, r, u, s, e, b, c in PROJECTS]
    sheet = table("Projects", PROJECT_HEADERS, projects)
    # One budget as a formula with its cached value, as Calc saves one.
    last = sheet.getElementsByType(TableRow)[-1]
    budget = last.getElementsByType(TableCell)[6]
    budget.setAttribute("formula", "of:=99999+0.5")
    doc.spreadsheet.addElement(sheet)
    records = [[p, m, f, c, float(a), float(x)] for p, m, f, c, a, x in RECORDS]
    doc.spreadsheet.addElement(table("Records", RECORD_HEADERS, records))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def main() -> None:
    csv_files()
    (HERE / "portfolio-excel.csv").write_bytes(xlsx())
    (HERE / "portfolio-calc.txt").write_bytes(ods())


if __name__ == "__main__":
    main()
