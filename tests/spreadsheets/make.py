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

Run with openpyxl and odfpy installed: ``python tests/spreadsheets/make.py``, then
``python tests/spreadsheets/make.py --corpus`` for the bad-input corpus's workbooks
(``tests/bad-inputs/csv-sheet-*``, made from these fixtures). The files are committed; the
tests read them.
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
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2024, 1, 1)
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
            item.date_time = (2024, 1, 1, 0, 0, 0)
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




# --- the bad-input corpus's workbooks (tests/bad-inputs/csv-*.xlsx, .ods) -----------------

CORPUS = HERE.parent / "bad-inputs"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def minimal_xlsx(sheet_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A workbook of one sheet with inline strings, as small as Excel reads."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def bad_inputs() -> None:
    # A zip bomb: 300 MB of zeros in a few hundred kilobytes, beside a valid sheet.
    header = "".join(inline(f"{c}1", h) for c, h in zip("ABCDEF", ["id", "title", "start", "end", "budget_amount", "budget_currency"]))
    (CORPUS / "csv-sheet-zip-bomb.xlsx").write_bytes(
        minimal_xlsx(sheet_xml(f'<row r="1">{header}</row>'), {"xl/media/padding.bin": bytes(300 << 20)})
    )
    # A sheet two cells wide in the file that spans 16,384 columns by 1,000 rows.
    (CORPUS / "csv-sheet-too-wide.xlsx").write_bytes(
        minimal_xlsx(sheet_xml(f'<row r="1">{inline("A1", "id")}</row><row r="1000">{inline("XFD1000", "x")}</row>'))
    )
    # An OpenDocument sheet whose one cell is repeated over 16,384 columns and a million rows.
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet><table:table table:name=\"Sheet1\">"
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    (CORPUS / "csv-sheet-repeated-cells.ods").write_bytes(out.getvalue())
    # A zip that is no workbook.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "not a spreadsheet")
    (CORPUS / "csv-sheet-not-a-workbook.xlsx").write_bytes(out.getvalue())
    # A workbook cut off in the middle.
    whole = (HERE / "portfolio-excel.csv").read_bytes()
    (CORPUS / "csv-sheet-truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    # The analyst's workbook read without a column mapping: every missing column at once.
    (CORPUS / "csv-sheet-unmapped-headers.xlsx").write_bytes(whole)
    # A sheet with a bad date cell, a text in an amount cell and a cell error (#DIV/0!).
    rows = (
        f'<row r="1">{header}</row>'
        f'<row r="2">{inline("A2", "P1")}{inline("B2", "T")}<c r="C2"><v>45292</v></c>{inline("D2", "someday")}'
        f'<c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c>{inline("F2", "USD")}</row>'
    )
    (CORPUS / "csv-sheet-bad-cells.xlsx").write_bytes(minimal_xlsx(sheet_xml(rows)))
    # A CSV table with an analyst's headers: the columns it lacks, each with a suggestion.
    (CORPUS / "csv-unmapped-headers.csv").write_bytes(
        b"Project ID,Title,Start Date,End Date,Budget (EUR),Currency\nP1,T,2024-01-01,2025-06-30,1000,EUR\n"
    )
    # A month that is neither YYYY-MM nor a date.
    (CORPUS / "csv-bad-month.csv").write_bytes(
        b"project;month;source;currency;allocation;expenditure\nP1;May 2024;XB;USD;100;50\n"
    )


if __name__ == "__main__":
    import sys

    # --corpus: the bad-input workbooks (from the fixtures, so write those first).
    bad_inputs() if "--corpus" in sys.argv else main()
