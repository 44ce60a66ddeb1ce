"""The public functions: every capability of the core, single calls and batches."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Any, Iterator, Mapping, Sequence, TypeVar, Union

import pyarrow as pa

from . import _display, _tables
from . import _tcrules as _native
from ._types import (
    Appraisal,
    DeliveryReport,
    DeliverySeries,
    Due,
    Finding,
    GroupSeries,
    IatiReport,
    IntegrationReport,
    PolicyStamp,
    PortfolioReport,
    ProjectEvaluation,
    Report,
    Result,
)
from .errors import ReadError, ValidationError

TableT = TypeVar("TableT")
"""A pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a list of dicts."""

Rates = Any
"""Exchange rates, US dollars per unit: ``{"EUR": Decimal("1.2")}`` (one rate per
currency), ``{"EUR": {"2024-01": "1.08", "2024-07": "1.1"}}``, or a table of ``currency``,
``month`` (``YYYY-MM`` or a date: the rate applies from that month until the next listed
one) and ``rate`` — pandas, polars, pyarrow or a list of dicts."""
"""US dollars per unit of each currency, e.g. ``{"EUR": Decimal("1.2")}``."""

Columns = Mapping[str, str]
"""Which of your columns is which: your headers and the column names of the core's layout
they stand for, e.g. ``{"Project ID": "id", "Start Date": "start"}``. Columns not named
keep their own names; results keep your columns and names, and errors name your headers."""

DateLike = Any
"""A date as you hold it: ``date``, ``datetime`` at midnight, ISO text (``"2024-07-01"``),
a pandas ``Timestamp`` or a numpy ``datetime64``."""

Period = Union[int, str, Mapping[str, Any]]
"""A reporting period: a year (``2005``), ``"all"``, or the core's form, e.g.
``{"kind": "year_to_date", "year": 2005, "through_month": 6}``."""


# --- values to the core's canonical JSON -------------------------------------------------


def _path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def _invalid(path: str, message: str) -> ValidationError:
    return ValidationError(f"{path}: {message}", code="invalid_value", path=path)


def _plain(v: Any, path: str) -> Any:
    """A value as JSON: Decimal as exact text, dates as ISO text; NaN, infinity and
    timestamps with a time of day are errors naming ``path``."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise _invalid(path, f"{v} is not a finite amount")
        return v  # json writes the shortest repr, which the core reads exactly
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise _invalid(path, f"{v} is not a finite amount")
        return format(v, "f")
    if isinstance(v, datetime):
        if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
            raise _invalid(path, f"{v} has a time of day; a date is expected")
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (Result, Portfolio)):
        return v.raw
    if isinstance(v, Mapping):
        return {str(k): _plain(x, _path(path, str(k))) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x, _path(path, i)) for i, x in enumerate(v)]
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(v, "item") and type(v).__module__ == "numpy":
        return _plain(v.item(), path)
    if hasattr(v, "to_pydatetime"):
        return _plain(v.to_pydatetime(), path)
    raise TypeError(f"{path or 'value'}: cannot send a {type(v).__name__} to tcrules")


def _dumps(v: Any) -> str:
    # ASCII escapes carry every string, lone surrogates included, to the core's JSON reader,
    # which then answers with its own error rather than the boundary raising.
    return json.dumps(_plain(v, ""), allow_nan=False)


def _field(name: str, v: Any) -> Any:
    """One input field as JSON; errors name the path inside it (or the field itself), as
    the core's do."""
    try:
        return _plain(v, "")
    except ValidationError as e:
        if e.path:
            raise
        raise _invalid(name, e.message.removeprefix(": ")) from None


def _dumps_input(input: Mapping[str, Any]) -> str:
    return json.dumps({str(k): _field(str(k), v) for k, v in input.items()}, allow_nan=False)


def _with(input: Mapping[str, Any], **optional: Any) -> dict[str, Any]:
    return {**input, **{k: v for k, v in optional.items() if v is not None}}


# --- policy editions ---------------------------------------------------------------------


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge key by key, ``None`` removes a key."""
    if not isinstance(patch, Mapping):
        return patch
    out = dict(target) if isinstance(target, Mapping) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


@dataclass(frozen=True)
class RuleInfo:
    """A rule as an edition sets it: id, title, severity and citation."""

    id: str
    title: str
    severity: str
    citation: str


class Policy:
    """A validated policy edition: thresholds, severities and citations as data. Build
    once, evaluate many.

    >>> import tcrules
    >>> base = tcrules.Policy()
    >>> base.name, base.spec["evaluation"]["independent_threshold_usd"]
    ('ilo-2006', '350000')
    >>> what_if = base.what_if({"evaluation": {"independent_threshold_usd": Decimal("1000000")}})
    >>> what_if.name, what_if.hash != base.hash
    ('ilo-2006-what-if', True)
    """

    __slots__ = ("_native",)

    def __init__(self) -> None:
        """The default edition, ``ilo-2006`` (R6)."""
        self._native = _native.Policy()

    @classmethod
    def _of(cls, native: _native.Policy) -> Policy:
        p = cls.__new__(cls)
        p._native = native
        return p

    @classmethod
    def from_json(cls, source: str | Mapping[str, Any]) -> Policy:
        """Reads an edition: JSON text or a dict, complete or ``"extends": "ilo-2006"`` with
        the fields it changes. Raises :class:`~tcrules.PolicyError` naming the field."""
        text = source if isinstance(source, str) else _dumps(source)
        return cls._of(_native.Policy.from_json(_valid_text(text, "policy")))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Policy:
        """Reads an edition from a JSON file."""
        return cls.from_json(_native.text("policy", _read_file(path)))

    @property
    def name(self) -> str:
        """The edition's name, e.g. ``ilo-2006``."""
        return self._native.name

    @property
    def version(self) -> str:
        """The edition's version."""
        return self._native.version

    @property
    def hash(self) -> str:
        """``sha256:`` and the digest of the edition's canonical JSON."""
        return self._native.hash

    @property
    def stamp(self) -> PolicyStamp:
        """Name, version and hash, as every result carries them."""
        raw = {"name": self.name, "version": self.version, "hash": self.hash}
        return PolicyStamp.from_json(raw)

    @property
    def spec(self) -> dict[str, Any]:
        """The edition's figures as the core's canonical JSON (decimals as text)."""
        return json.loads(self._native.to_json())  # type: ignore[no-any-return]

    @property
    def rules(self) -> list[RuleInfo]:
        """Every rule with this edition's severity and citation, in catalogue order."""
        meta = self.spec["rules"]
        return [RuleInfo(i, t, meta[i]["severity"], meta[i]["citation"]) for i, t in _native.rules()]

    def what_if(self, changes: Mapping[str, Any], *, name: str | None = None, version: str | None = None) -> Policy:
        """A new edition: this one with ``changes`` merged in (a JSON merge patch; money
        may be Decimal). Named ``<name>-what-if`` unless ``name`` is given."""
        spec = _merge_patch(self.spec, _plain(changes, ""))
        spec["name"] = name or f"{self.name}-what-if"
        spec["version"] = version or self.version
        return Policy.from_json(spec)

    def to_json(self) -> str:
        """The canonical JSON of the edition, pretty-printed (what the hash is taken over)."""
        return self._native.to_json()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and other.hash == self.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"Policy(name={self.name!r}, version={self.version!r}, hash={self.hash[:19]!r}…)"

    def _repr_html_(self) -> str:
        rows = [[f"<code>{escape(r.id)}</code>", escape(r.title), escape(r.severity), escape(r.citation)] for r in self.rules]
        return (
            f"<div><strong>policy {escape(self.name)} {escape(self.version)}</strong> "
            f"<code>{escape(self.hash)}</code><br>{escape(self.spec.get('description', ''))}"
            + _display.table(["rule", "title", "severity", "citation"], rows)
            + "</div>"
        )


_DEFAULT: list[Policy] = []


def _edition(policy: Policy | None) -> Policy:
    """The given edition, or the default one (built once)."""
    if policy is not None:
        return policy
    if not _DEFAULT:
        _DEFAULT.append(Policy())
    return _DEFAULT[0]


def _policy(policy: Policy | None) -> _native.Policy:
    return _edition(policy)._native


# --- portfolios --------------------------------------------------------------------------


class Portfolio:
    """A validated portfolio: projects, monthly records, approvals, seed money and rates,
    in the core's canonical JSON (``raw``).

    >>> import tcrules
    >>> p = tcrules.Portfolio.from_dict({"projects": [{"id": "A", "title": "A",
    ...     "start": "2024-01-01", "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"}}]})
    >>> len(p.projects)
    1
    """

    __slots__ = ("raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        """Wraps canonical JSON the core has already validated; use the ``from_*``
        constructors."""
        self.raw: dict[str, Any] = dict(raw)

    @classmethod
    def from_json(cls, text: str) -> Portfolio:
        """Reads and validates portfolio JSON text."""
        return cls(json.loads(_native.read_portfolio(_valid_text(text, "json"))))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Portfolio:
        """Validates a portfolio given as a dict (Decimal money and dates allowed)."""
        return cls.from_json(_dumps(data))

    @classmethod
    def from_csv(
        cls,
        projects: str | os.PathLike[str] | None = None,
        records: str | os.PathLike[str] | None = None,
        approvals: str | os.PathLike[str] | None = None,
        *,
        rates: Rates | None = None,
        name: str | None = None,
        day_first: bool | None = None,
        columns: Columns | None = None,
        sheet: str | None = None,
        policy: Policy | None = None,
    ) -> Portfolio:
        """Reads tables in the core's layout, each a path, the CSV text itself or a file's
        bytes: CSV as spreadsheets save it too (``;`` or tab separators, grouped amounts,
        labels such as ``"Asia and the Pacific"``), or an Excel (``.xlsx``) or OpenDocument
        (``.ods``) workbook's ``sheet`` (default: the first), told from the content, not
        the file's name. ``day_first`` says how dates written with numbers read (``True``:
        03/04/2024 is 3 April; ``False``: 4 March; ``None``: only those that read one
        way); ``columns`` says which of your columns is which (:data:`Columns`); ``policy``'s
        own spellings of regions, objectives, sources of funds and donor categories (its
        ``labels``) are read too."""
        texts = {
            k: _read_table(v, sheet) for k, v in (("projects", projects), ("records", records), ("approvals", approvals))
        }
        return cls._from_csv_texts(texts, rates, name, [], day_first, columns, policy)

    @classmethod
    def from_tables(
        cls,
        projects: Any = None,
        records: Any = None,
        approvals: Any = None,
        *,
        seed_funding: Sequence[Mapping[str, Any]] = (),
        rates: Rates | None = None,
        name: str | None = None,
        day_first: bool | None = None,
        columns: Columns | None = None,
        policy: Policy | None = None,
    ) -> Portfolio:
        """Builds a portfolio from tables (pandas, polars, pyarrow or lists of dicts) in the
        core's CSV layout: projects (``id, title, start, end, budget_amount,
        budget_currency, ...``), records (``project, month, source, currency,
        allocation, expenditure``) and approvals (``donor, category, year, currency,
        amount, ...``). Dates and months may be dates, timestamps or text (a month as
        ``YYYY-MM`` or any date in it). ``day_first``, ``columns`` and ``policy`` as for
        :meth:`from_csv`."""
        texts = {
            k: None if t is None else _csv_text(t)
            for k, t in (("projects", projects), ("records", records), ("approvals", approvals))
        }
        return cls._from_csv_texts(texts, rates, name, list(seed_funding), day_first, columns, policy)

    @classmethod
    def _from_csv_texts(
        cls,
        texts: Mapping[str, str | None],
        rates: Rates | None,
        name: str | None,
        seed: list[Any],
        day_first: bool | None,
        columns: Columns | None = None,
        policy: Policy | None = None,
    ) -> Portfolio:
        mapping = _columns_json(columns)
        native = _policy(policy)
        data: dict[str, Any] = {
            k: json.loads(_native.read_csv(k, t, day_first, mapping, native)) for k, t in texts.items() if t is not None
        }
        data["rates"] = json.loads(_rates_json(rates))
        data["seed_funding"] = seed
        if name is not None:
            data["name"] = name
        return cls.from_dict(data)

    @property
    def name(self) -> str | None:
        """The portfolio's name for reports."""
        return self.raw.get("name")

    @property
    def projects(self) -> list[dict[str, Any]]:
        """The projects, as canonical JSON objects."""
        return list(self.raw.get("projects", []))

    @property
    def records(self) -> list[dict[str, Any]]:
        """The monthly allocation and expenditure records."""
        return list(self.raw.get("records", []))

    @property
    def approvals(self) -> list[dict[str, Any]]:
        """The approvals by donor and year."""
        return list(self.raw.get("approvals", []))

    @property
    def rates(self) -> dict[str, Any]:
        """US dollars per unit of each currency: a ``Decimal``, or for dated rates a dict
        of ``Decimal`` by the month from which each applies (``YYYY-MM``)."""
        return {
            k: {m: Decimal(r) for m, r in v.items()} if isinstance(v, dict) else Decimal(v)
            for k, v in self.raw.get("rates", {}).items()
        }

    def to_json(self, **kwargs: Any) -> str:
        """The canonical JSON as text."""
        return json.dumps(self.raw, **kwargs)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self.raw.get(k, []))} {k}" for k in ("projects", "records", "approvals"))
        return f"Portfolio({self.name!r}: {counts})"

    def _repr_html_(self) -> str:
        return f"<code>{escape(repr(self))}</code>"


def _valid_text(text: str, format: str) -> str:
    """``text``, unless it holds lone surrogates (which no UTF-8 can carry): then the
    format's error, as the core gives it for bytes that are not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _native.text(format, text.encode("utf-8", "surrogatepass"))
    return text


def _is_content(source: str) -> bool:
    """Whether a string is a file's content (JSON, CSV or XML) rather than its path: told
    apart by its first character, commas or line breaks."""
    return source.lstrip().startswith(("{", "[", "<")) or any(c in source for c in ",\n")


def _read_file(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ReadError(f"{path}: {e.strerror}", code="io", path=str(path)) from e


def _read_bytes(source: str | bytes | os.PathLike[str]) -> bytes:
    """The bytes of a file path, or the content itself (bytes, or text)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, str) and _is_content(source):
        return source.encode("utf-8", "surrogatepass")
    return _read_file(source)


def _read_text(source: str | os.PathLike[str] | None, format: str) -> str | None:
    """The text of a file path, or the text itself; a file that is not UTF-8 raises the
    ``format``'s error (``invalid_json``, ``invalid_csv``)."""
    if source is None:
        return None
    if isinstance(source, str) and _is_content(source):
        return _valid_text(source, format)
    return _native.text(format, _read_file(source))


def _columns_json(columns: Columns | None) -> str | None:
    """The column mapping as the core reads it (JSON), or ``None``."""
    if columns is None:
        return None
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns: expected a dict of your headers and column names, got {type(columns).__name__}")
    return json.dumps({str(k): v for k, v in columns.items()})


def _read_table(source: str | bytes | os.PathLike[str] | None, sheet: str | None = None) -> str | None:
    """The text of a table: CSV text as given, or a file path's or bytes' content told from
    the content itself: a workbook's sheet as CSV text, or the file's text."""
    if source is None:
        return None
    if isinstance(source, str) and _is_content(source):
        if sheet is not None:
            _native.table_text(b"", sheet)  # raises: a sheet of text that is not a workbook
        return _valid_text(source, "csv")
    return _native.table_text(_read_bytes(source), sheet)


def _day(value: DateLike, name: str) -> str:
    """A date as you hold it (see :data:`DateLike`) as ISO text; the core reads it and
    names ``name`` in its error."""
    if isinstance(value, str):
        return value
    text = _tables._text(value)
    if text is None:
        raise _invalid(name, "a date is required")
    return text


def _csv_text(table: Any) -> str:
    t = _tables.to_arrow(table, _tables.kind_of(table))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(t.column_names)
    for row in t.to_pylist():
        w.writerow(["" if (c := _tables._text(v)) is None else c for v in row.values()])
    return out.getvalue()


PortfolioLike = Union[Portfolio, Mapping[str, Any]]
"""A :class:`Portfolio`, or a dict in the core's JSON form (validated by the call)."""


def read_portfolio(source: str | os.PathLike[str]) -> Portfolio:
    """Reads and validates a portfolio from a JSON file path or JSON text."""
    text = _read_text(source, "json")
    return Portfolio.from_json(text or "")


def read_csv(
    table: str,
    source: str | bytes | os.PathLike[str],
    *,
    day_first: bool | None = None,
    columns: Columns | None = None,
    sheet: str | None = None,
    policy: Policy | None = None,
) -> list[dict[str, Any]]:
    """Reads one table (``"projects"``, ``"records"`` or ``"approvals"``) in the core's
    layout, from a path, CSV text or a file's bytes (CSV, or an ``.xlsx``/``.ods``
    workbook's ``sheet``, told from the content); returns its rows as canonical JSON
    objects. ``day_first``, ``columns``, ``sheet`` and ``policy`` as for
    :meth:`Portfolio.from_csv`.
    A table with several bad cells raises the first one's exception, whose ``errors``
    lists them all."""
    text = _read_table(source, sheet) or ""
    return json.loads(_native.read_csv(table, text, day_first, _columns_json(columns), _policy(policy)))  # type: ignore[no-any-return]


def read_table(source: str | bytes | os.PathLike[str], sheet: str | None = None) -> pa.Table:
    r"""A table file as a ``pyarrow.Table`` of text columns, as the core reads it: CSV (any
    separator, a byte-order mark), or an Excel (``.xlsx``) or OpenDocument (``.ods``)
    workbook's ``sheet`` (default: the first), its dates as ``YYYY-MM-DD`` and its numbers
    as the exact decimals their shortest digits spell. The format is told from the content,
    never the file's name. Pass the table to any function that takes one (with
    ``columns=`` for your own headers), or ``.to_pandas()`` it.

    >>> import tcrules
    >>> t = tcrules.read_table(b"Project ID;Budget\nP1;\"1.250,00\"\n")
    >>> t.column_names, t.column("Budget").to_pylist()
    (['Project ID', 'Budget'], ['1.250,00'])
    """
    text = _read_table(source, sheet) or ""
    return _text_table(text)


def _text_table(text: str) -> pa.Table:
    """CSV text (its separator sniffed as the core does) as a table of text columns."""
    body = text.removeprefix("\ufeff")
    header = body.split("\n", 1)[0]
    counts = {sep: _unquoted(header).count(sep) for sep in (",", ";", "\t")}
    sep = ";" if counts[";"] > counts[","] and counts[";"] >= counts["\t"] else "\t" if counts["\t"] > max(counts[","], counts[";"]) else ","
    rows = list(csv.reader(io.StringIO(body), delimiter=sep))
    if not rows:
        return pa.table({})
    names = [h.strip() for h in rows[0]]
    data = [r for r in rows[1:] if any(c.strip() for c in r)]
    return pa.table({n: pa.array([(r[i] if i < len(r) and r[i] != "" else None) for r in data], pa.string()) for i, n in enumerate(names)})


def _unquoted(line: str) -> str:
    """A line without its quoted parts."""
    return "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)


def read(
    format: str, source: str | bytes | os.PathLike[str], *, rates: Rates | None = None, policy: Policy | None = None
) -> Any:
    r"""The core's entry point for files: reads a file path, or its content (bytes or text),
    in ``format`` and returns the canonical JSON answer, as every binding does. Formats:
    ``"json"`` (a portfolio, validated), ``"csv"`` (a table of projects, records or
    approvals, recognized by its header), ``"policy"`` (an edition: its stamp) and
    ``"iati"`` (an IATI activity file: :func:`read_iati`'s report). Bytes that are not
    UTF-8 raise the format's error, except that an IATI file may be UTF-16, in the
    encoding its XML declaration names, or gzip-compressed.

    >>> import tcrules
    >>> tcrules.read("csv", b"id,title,start,end,budget_amount,budget_currency\nP1,T,2024-01-01,2025-06-30,1,USD\n")["projects"][0]["id"]
    'P1'
    """
    return json.loads(_native.read(format, _read_bytes(source), _rates_json(rates), _policy(policy)))


def read_iati(
    source: str | bytes | os.PathLike[str],
    *,
    rates: Rates | None = None,
    policy: Policy | None = None,
    as_of: date | str | None = None,
    periods: str = "published",
) -> IatiReport:
    """Reads an IATI activity file (XML, version 2.03 or 1.0x: a path, or its content as
    bytes or text) and applies the rules to every activity: one row each, in file order,
    with duration class, required evaluations, independent evaluation, delivery by year
    and the gender marker finding, or the error (with its XPath-style path) that kept the
    activity from being read. The rest of the file still imports. Negative values are
    summed as published, and what an activity publishes that a rule cannot use (a
    negative total, an empty marker significance) is an ``IATI-DATA`` finding. The file
    may be UTF-8, UTF-16, in the encoding its declaration names, or gzip. ``rates``
    convert other currencies to US dollars.

    ``as_of`` (a date, or ISO text) asks of each activity that ended more than the
    policy's months before it (12 in ilo-2006) whether it publishes its evaluation (a
    ``document-link`` of category A07): the ``IATI-EVAL-DOC`` finding; ``None`` (the
    default) does not ask, so that the same file gives the same answer on any day — pass
    ``date.today()`` to ask today. ``periods`` is the years delivery is grouped
    by: ``"published"`` (the publisher's own budget year, e.g. April–March), ``"calendar"``
    or ``"fiscal:M"`` (years from month M). For a file too large to hold, see
    :func:`iter_iati`.

    >>> import tcrules
    >>> xml = '''<iati-activities version="2.03"><iati-activity default-currency="EUR">
    ...   <iati-identifier>XM-DAC-41302-1</iati-identifier>
    ...   <activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
    ...   <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>291666.67</value></budget>
    ... </iati-activity></iati-activities>'''
    >>> a = tcrules.read_iati(xml, rates={"EUR": Decimal("1.2")}).activities[0]
    >>> a.duration_class, a.budget_usd, a.independent_evaluation
    ('medium', Decimal('350000.004'), True)
    >>> [f.status for f in tcrules.read_iati(xml, as_of="2027-01-01").activities[0].findings if f.rule == "IATI-EVAL-DOC"]
    ['warning']
    """
    text = _native.read_iati(
        _read_bytes(source), _rates_json(rates), _policy(policy), _as_of(as_of), periods
    )
    return IatiReport.from_json(json.loads(text))


def iter_iati(
    source: str | bytes | os.PathLike[str],
    *,
    batch_size: int = 10_000,
    rates: Rates | None = None,
    policy: Policy | None = None,
    as_of: date | str | None = None,
    periods: str = "published",
) -> Iterator[pa.RecordBatch]:
    """The rows of an IATI file as they are read, in pyarrow record batches of at most
    ``batch_size`` activities: a file path is read as it goes and never held in memory, so
    a file of any size fits. One row per activity, with the columns of ``tcrules iati
    --format csv`` typed (``start``/``end`` dates, ``budget_usd`` decimal128(38, 10),
    ``independent_evaluation`` boolean, ``fails``/``warnings`` counts); an activity that
    could not be read has its ``identifier`` and ``error``. Options as for
    :func:`read_iati`. A problem that ends the reading (not XML, not an IATI file) is
    raised after the rows read before it.

    >>> import tcrules
    >>> xml = b'<iati-activities><iati-activity><iati-identifier>A-1</iati-identifier></iati-activity></iati-activities>'
    >>> [b.num_rows for b in tcrules.iter_iati(xml)]
    [1]
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        path, data = None, bytes(source)
    elif isinstance(source, str) and _is_content(source):
        path, data = None, source.encode("utf-8", "surrogatepass")
    else:
        path, data = os.fspath(source), None
    return _native.iati_stream(
        path, data, _rates_json(rates), _policy(policy), batch_size, _as_of(as_of), periods
    )


def read_iati_table(
    source: str | bytes | os.PathLike[str],
    *,
    kind: str = "pandas",
    batch_size: int = 10_000,
    rates: Rates | None = None,
    policy: Policy | None = None,
    as_of: date | str | None = None,
    periods: str = "published",
) -> Any:
    """Every activity of an IATI file as one table of ``kind`` (``"pandas"``, ``"polars"``
    or ``"arrow"``), read batch by batch as :func:`iter_iati` reads it: the file's text is
    never held, only the rows' table.

    >>> import tcrules
    >>> xml = b'<iati-activities><iati-activity><iati-identifier>A-1</iati-identifier></iati-activity></iati-activities>'
    >>> tcrules.read_iati_table(xml, kind="arrow").column("identifier").to_pylist()
    ['A-1']
    """
    if kind not in ("pandas", "polars", "arrow"):
        raise ValueError(f"kind {kind!r} is not one of pandas, polars, arrow")
    stream = iter_iati(
        source, batch_size=batch_size, rates=rates, policy=policy, as_of=as_of, periods=periods
    )
    table = pa.Table.from_batches(list(stream) or [_native.iati_empty()])
    if kind == "arrow":
        return table
    return _tables.as_kind(table, kind)


def _as_of(as_of: date | str | None) -> str | None:
    """An as-of date as ISO text, which the core reads (and names when it is not a date)."""
    if isinstance(as_of, datetime):
        return as_of.date().isoformat()
    if isinstance(as_of, date):
        return as_of.isoformat()
    return as_of


def example_portfolio() -> Portfolio:
    """The example portfolio shipped with tcrules."""
    return Portfolio.from_json(_native.example_portfolio())


# --- single calls ------------------------------------------------------------------------


def call(kind: str, input: Mapping[str, Any], *, policy: Policy | None = None) -> Any:
    """The core's JSON boundary: runs ``kind`` (``evaluation``, ``schedule``,
    ``appraisal``, ``delivery``, ``delivery_series``, ``integration``, ``portfolio``,
    ``report``, ``policy``, ``read_portfolio``) and returns its canonical JSON, parsed.
    The same answer, byte for byte, as Rust and JavaScript give."""
    return json.loads(_native.call(kind, _dumps_input(input), _policy(policy)))


def evaluate_project(project: Mapping[str, Any], *, rates: Rates | None = None, policy: Policy | None = None) -> ProjectEvaluation:
    """The EVAL requirements, schedule and findings of one project (R6 §143, §150, §67).
    A project that cannot be evaluated gets its ``error``, not an exception.

    >>> import tcrules
    >>> e = tcrules.evaluate_project({"id": "P1", "title": "Pay equity", "start": "2024-01-01",
    ...     "end": "2025-06-30", "budget": {"amount": Decimal("350000.00"), "currency": "USD"}})
    >>> e.requirements.duration_class, e.requirements.independent_evaluation
    ('medium', False)
    >>> [f.rule for f in e.findings.with_status("fail")]
    ['EVAL-PLAN']
    """
    return ProjectEvaluation.from_json(call("evaluation", _with({"project": project}, rates=rates), policy=policy))


def project_schedule(project: Mapping[str, Any], *, rates: Rates | None = None, policy: Policy | None = None) -> list[Due]:
    """What evaluations a project needs and when, in date order.

    >>> import tcrules
    >>> [(d.kind, d.date.isoformat()) for d in tcrules.project_schedule({"id": "P1", "title": "T",
    ...     "start": "2024-01-01", "end": "2025-06-30", "budget": {"amount": 1, "currency": "USD"}})]
    [('mid_term', '2024-09-30'), ('final', '2025-06-30')]
    """
    out = call("schedule", _with({"project": project}, rates=rates), policy=policy)
    return [Due.from_json(d) for d in out]


def appraise_proposal(proposal: Mapping[str, Any], *, rates: Rates | None = None, policy: Policy | None = None) -> Appraisal:
    """Appraises an extra-budgetary proposal against the APR checks (DC; R6 §68, §305).

    >>> import tcrules
    >>> a = tcrules.appraise_proposal({"id": "PR-1", "title": "Draft"})
    >>> a.verdict
    'not_appraisable'
    """
    return Appraisal.from_json(call("appraisal", _with({"proposal": proposal}, rates=rates), policy=policy))


def _period(period: Period) -> Any:
    if isinstance(period, int):
        return {"kind": "year", "year": period}
    if period == "all":
        return {"kind": "all"}
    return period


def delivery(portfolio: PortfolioLike, period: Period, group_by: str = "project", *, policy: Policy | None = None) -> DeliveryReport:
    """Delivery (Σexpenditure / Σallocation) by ``group_by`` (``project``, ``unit``,
    ``field_office``, ``country``, ``region``, ``donor``, ``donor_category``,
    ``strategic_objective``, ``source_of_funds``, ``portfolio``) over ``period``, with
    DLV findings (R6 §140)."""
    out = call("delivery", {"portfolio": portfolio, "group_by": group_by, "period": _period(period)}, policy=policy)
    return DeliveryReport.from_json(out)


def delivery_table(
    records: Any,
    period: Period,
    group_by: str = "project",
    *,
    projects: Any = None,
    rates: Rates | None = None,
    policy: Policy | None = None,
    columns: Columns | None = None,
) -> DeliveryReport:
    """:func:`delivery` straight from tables (pandas, polars, pyarrow or a list of dicts),
    without building a portfolio: ``records`` with ``project``, ``month`` (``YYYY-MM``
    text or a date), ``source``, ``currency``, ``allocation`` and ``expenditure`` (decimal,
    integer, float or text; floats are read from their shortest repr); for the groupings
    that read a project's attributes, ``projects`` with ``id`` and the grouping's column
    (``unit``, ``field_office``, ``country``, ``region``, ``strategic_objective``, or
    ``donors`` for ``donor`` and ``donor_category``). Amounts in other currencies need
    ``rates`` (US dollars per unit).

    The columns cross into the core as Arrow, with the GIL released, and the records are
    summed on every core; the report is the same as :func:`delivery` gives for the same
    rows. Only rows in ``period`` are read past their month; a bad cell in one of them
    raises the error naming ``records[i].<column>``. ``columns`` says which of your
    columns is which (:data:`Columns`, one mapping for both tables); a projects table
    without the grouping's column raises an error naming it (never every record
    unassigned).

    >>> import tcrules
    >>> records = [
    ...     {"project": "P1", "month": "2005-01", "source": "xbtc", "currency": "USD", "allocation": 100, "expenditure": 50},
    ...     {"project": "P1", "month": "2005-02", "source": "xbtc", "currency": "USD", "allocation": 300, "expenditure": 250}]
    >>> r = tcrules.delivery_table(records, 2005, "unit", projects=[{"id": "P1", "unit": "GENDER"}])
    >>> [(g.group, g.rate_percent) for g in r.groups]
    [('GENDER', Decimal('75'))]
    """
    tables = [None if t is None else _tables.to_arrow(t, _tables.kind_of(t)) for t in (records, projects)]
    out = _native.delivery_table(
        tables[0],
        tables[1],
        group_by,
        _dumps(_period(period)),
        _policy(policy),
        _rates_json(rates),
        _columns_json(columns),
    )
    return DeliveryReport.from_json(json.loads(out))


def delivery_by(
    records: Any,
    by: str | Sequence[str],
    *,
    projects: Any = None,
    rates: Rates | None = None,
    policy: Policy | None = None,
    columns: Columns | None = None,
    ytd: bool = False,
) -> Any:
    """Delivery (Σexpenditure / Σallocation, R6 §140) by any keys in one call, as a table
    of the records' kind (pandas, polars, pyarrow or a list of dicts), one row per group:
    the keys, ``allocation_usd`` and ``expenditure_usd`` (exact decimals), ``rate`` (the
    fraction as a float, null when nothing was allocated), ``status`` (``pass``,
    ``warning`` below the policy's threshold, ``overspend``, ``undefined``) and
    ``records``.

    ``by`` is one name or a list: a records column, a project attribute looked up through
    ``projects`` by the record's ``project`` (``unit``, ``region``, ``donor``,
    ``donor_category``, ``strategic_objective``, or any projects column), or a time key
    ``year``, ``quarter``, ``month``, ``biennium`` of the record's month. Records give the
    month as ``YYYY-MM``, a date, or integer ``year`` and ``month`` columns; ``currency``
    is US dollars when absent; amounts are converted at their month's rate. With
    ``ytd=True`` the sums are year-to-date along the time key. ``columns`` says which of
    your columns is which (:data:`Columns`, one mapping for both tables).

    >>> import tcrules
    >>> records = [
    ...     {"project": "P1", "month": "2005-01", "allocation": 100, "expenditure": 50},
    ...     {"project": "P2", "month": "2005-03", "allocation": 100, "expenditure": 70}]
    >>> out = tcrules.delivery_by(records, ["unit", "year"], projects=[{"id": "P1", "unit": "GENDER"}, {"id": "P2", "unit": "GENDER"}])
    >>> [(r["unit"], r["year"], r["rate"], r["status"]) for r in out]
    [('GENDER', 2005, 0.6, 'pass')]
    """
    keys = [by] if isinstance(by, str) else list(by)
    kind = _tables.kind_of(records)
    tables = [None if t is None else _tables.to_arrow(t, _tables.kind_of(t)) for t in (records, projects)]
    native = _native.delivery_by(
        tables[0], tables[1], keys, ytd, _policy(policy), _rates_json(rates), _columns_json(columns)
    )
    return _tables.as_kind(pa.Table.from_batches([native]), kind)


def delivery_series(portfolio: PortfolioLike, year: int, group_by: str = "portfolio", *, policy: Policy | None = None) -> DeliverySeries:
    """Year-to-date delivery by month for each group: the curve R6 §140's delivery
    control watches, with the policy's band to plot it against (``.plot()``)."""
    p = _edition(policy)
    out = call("delivery_series", {"portfolio": portfolio, "group_by": group_by, "year": year}, policy=p)
    d = p.spec["delivery"]
    return DeliverySeries(
        year=year,
        group_by=group_by,
        groups=[GroupSeries.from_json(g) for g in out],
        band_percent=(Decimal(d["band_low_percent"]), Decimal(d["band_high_percent"])),
        warning_below_percent=Decimal(d["warning_below_percent"]),
        raw=out,
    )


def integration(portfolio: PortfolioLike, *, policy: Policy | None = None) -> IntegrationReport:
    """Every INT result: outcome composites, links, RB/XB balance, seed money, RBTC
    phasing and programme support income (R6 §59–64, §72–75, §162)."""
    return IntegrationReport.from_json(call("integration", {"portfolio": portfolio}, policy=policy))


def _year_range(r: str | tuple[int, int]) -> str:
    return r if isinstance(r, str) else f"{r[0]}-{r[1]}"


def balance(
    portfolio: PortfolioLike, periods: Sequence[str | tuple[int, int]] | None = None, *, policy: Policy | None = None
) -> PortfolioReport:
    """Portfolio balance: approvals by donor, category and group with period averages,
    shares and change, donor concentration, expenditure by region and objective, local
    mobilization (R6 Tables V.1–V.2). ``periods`` like ``["1995-1999", (2000, 2004)]``;
    default: the five-year blocks the approvals fall in."""
    input: dict[str, Any] = {"portfolio": portfolio}
    if periods is not None:
        input["periods"] = [_year_range(r) for r in periods]
    return PortfolioReport.from_json(call("portfolio", input, policy=policy))


def report(
    portfolio: PortfolioLike,
    *,
    delivery_period: Period | None = None,
    delivery_group_by: str = "project",
    approval_periods: Sequence[str | tuple[int, int]] | None = None,
    policy: Policy | None = None,
) -> Report:
    """Every rule family on a portfolio at once, nothing dropped: a project that cannot be
    evaluated keeps its row with its error; a section that cannot be computed records it."""
    options: dict[str, Any] = {"delivery_group_by": delivery_group_by}
    if delivery_period is not None:
        options["delivery_period"] = _period(delivery_period)
    if approval_periods is not None:
        options["approval_periods"] = [_year_range(r) for r in approval_periods]
    return Report.from_json(call("report", {"portfolio": portfolio, "options": options}, policy=policy))


# --- batches -----------------------------------------------------------------------------


def _rates_json(rates: Rates | None) -> str:
    """Rates as the core reads them: a mapping by currency, or a rates table's rows (its
    columns cast to text in Arrow: dates as ISO dates, decimals and floats as their digits)."""
    if rates is None:
        return "{}"
    if isinstance(rates, Mapping):
        return _dumps({k: dict(v) if isinstance(v, Mapping) else v for k, v in rates.items()})
    table = _tables.to_arrow(rates, _tables.kind_of(rates))
    columns: dict[str, list[Any]] = {}
    for name in ("currency", "month", "rate"):
        if name not in table.column_names:
            continue
        column = table[name]
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.date32())
        columns[name] = column.cast(pa.string()).to_pylist()
    names = list(columns)
    rows = [{n: v for n, v in zip(names, values) if v is not None} for values in zip(*columns.values())]
    return json.dumps(rows)


def _project_batch(batch: str, data: Any, rates: Rates | None, policy: Policy | None, columns: Columns | None) -> Any:
    kind = _tables.kind_of(data)
    table = _tables.to_arrow(data, kind)
    # polars holds text as string views: those cross back without a copy.
    native = _native.project_table(
        table, batch, _policy(policy), _rates_json(rates), views=kind == "polars", columns=_columns_json(columns)
    )
    result = pa.Table.from_batches([native])
    return _tables.merge(data, kind, result)


def requirements(
    data: TableT, *, rates: Rates | None = None, policy: Policy | None = None, columns: Columns | None = None
) -> TableT:
    """Evaluation requirements (R6 §143) of every row of a table of projects, returned as
    the same kind of table with these columns added: ``duration_months``,
    ``duration_days``, ``duration_class``, ``budget_usd`` (exact decimal),
    ``mid_term_evaluation``, ``annual_reviews``, ``mid_term_review_if_agreed``,
    ``independent_evaluation``, and ``error_code``, ``error_message``, ``error_field``
    for a row that could not be read. One row out per row in, in order.

    Reads ``start``, ``end`` (dates, timestamps at midnight or ISO text),
    ``budget_amount`` (decimal, integer, float or text) and ``budget_currency``
    (USD when the column is absent). ``columns`` says which of your columns is which
    (:data:`Columns`): ``columns={"Start Date": "start"}``; your columns keep their names
    in the result, and a table lacking required columns raises one error naming them all.
    The whole table crosses into the core as Arrow columns, with the GIL released.

    >>> import tcrules
    >>> rows = tcrules.requirements([
    ...     {"id": "A", "start": "2024-01-01", "end": "2025-06-30", "budget_amount": Decimal("350000.00")},
    ...     {"id": "B", "start": "2024-01-01", "end": "2025-06-30", "budget_amount": 350000.01},
    ...     {"id": "C", "start": "2024-01-01", "end": "2023-06-30", "budget_amount": 1}])
    >>> [(r["id"], r["independent_evaluation"], r["error_code"]) for r in rows]
    [('A', False, None), ('B', True, None), ('C', None, 'end_before_start')]
    """
    return _project_batch("requirements", data, rates, policy, columns)  # type: ignore[no-any-return]


def evaluate(
    data: TableT, *, rates: Rates | None = None, policy: Policy | None = None, columns: Columns | None = None
) -> TableT:
    """Every EVAL rule on every row of a project table in the core's CSV layout (``id``,
    ``title``, ``start``, ``end``, ``budget_amount``, ``budget_currency``, and optional
    ``evaluations``, ``mid_term_review_agreed``, ``constituent_participation``, ...):
    the columns of :func:`requirements`, ``actions`` (findings that need action),
    ``findings`` (a list of rule, status, severity, subject, message, help, citation)
    and ``schedule`` (a list of kind and date). One row out per row in, in order; a bad
    row carries its error."""
    return _project_batch("evaluation", data, rates, policy, columns)  # type: ignore[no-any-return]


def schedule(
    data: TableT, *, rates: Rates | None = None, policy: Policy | None = None, columns: Columns | None = None
) -> TableT:
    """The evaluation schedule of every row of a project table (as :func:`evaluate`
    reads it): a ``schedule`` column (list of kind and date), and the error columns."""
    return _project_batch("schedule", data, rates, policy, columns)  # type: ignore[no-any-return]


def due_between(
    data: TableT,
    start: DateLike,
    end: DateLike,
    *,
    rates: Rates | None = None,
    policy: Policy | None = None,
    columns: Columns | None = None,
) -> TableT:
    """Evaluations falling due from ``start`` to ``end`` inclusive across a project table,
    in date order: "what evaluations fall due next quarter?". A long table of the same
    kind with ``project``, ``kind`` and ``date``, one row per evaluation due. ``start``
    and ``end`` as you hold dates (:data:`DateLike`: ``"2024-07-01"``, ``date``, a pandas
    ``Timestamp``, ...); ``columns`` as for :func:`requirements`."""
    kind = _tables.kind_of(data)
    table = _tables.to_arrow(data, kind)
    native = _native.due_table(
        table, _policy(policy), _rates_json(rates), _day(start, "start"), _day(end, "end"), _columns_json(columns)
    )
    return _tables.as_kind(pa.Table.from_batches([native]), kind)  # type: ignore[no-any-return]


def findings(
    data: TableT,
    *,
    records: Any = None,
    period: Period = "all",
    rates: Rates | None = None,
    policy: Policy | None = None,
    columns: Columns | None = None,
) -> TableT:
    """Every EVAL finding of every row of a project table (read as :func:`evaluate` reads
    it) and, given ``records`` (a monthly records table, as :func:`delivery_table` reads
    it), every DLV finding of each project's delivery over ``period`` (a year, or
    ``"all"``, the default), as one long table of the input's kind, one row per finding:
    ``row`` (the input row, from 0; null for a project the records name and the table
    does not), ``project``, ``rule``, ``status``, ``severity``, ``subject``,
    ``message``, ``help``, ``citation``, ``missing`` (a list), ``error_code`` and
    ``error_message`` (a row that could not be evaluated is one row with its id and error: no
    project is lost), then one column per fact, typed (integers, dates, exact decimals,
    booleans, text). Built column by column in the core, with the GIL released.
    ``columns`` says which of your columns is which (:data:`Columns`).

    The repeated texts (``rule``, ``status``, ``severity``, ``message``, ``help``,
    ``citation``, ``error_code``) are dictionary-encoded, each
    distinct text stored once: ``Categorical`` in pandas (``==``, ``groupby`` and ``.str``
    work as on text), ``Categorical`` in polars and dictionary arrays in Arrow (``==``
    works; cast to text for string functions: ``pl.col("message").cast(pl.String)``,
    ``table["message"].cast(pa.string())``).

    >>> import tcrules
    >>> rows = tcrules.findings([{"id": "P1", "title": "T", "start": "2024-01-01", "end": "2025-06-30",
    ...                           "budget_amount": "350000.01", "budget_currency": "USD"}])
    >>> [(r["project"], r["rule"], r["status"]) for r in rows][:2]
    [('P1', 'EVAL-DURATION', 'pass'), ('P1', 'EVAL-INDEPENDENT', 'fail')]
    >>> rows[1]["budget_usd"], rows[0]["duration_months"]
    (Decimal('350000.01'), 18)
    """
    kind = _tables.kind_of(data)
    table = _tables.to_arrow(data, kind)
    records_table = None if records is None else _tables.to_arrow(records, _tables.kind_of(records))
    native = _native.findings_table(
        table, records_table, _dumps(_period(period)), _policy(policy), _rates_json(rates), _columns_json(columns)
    )
    return _tables.as_kind(native, kind)  # type: ignore[no-any-return]


_FINDING_TYPE = pa.list_(
    pa.struct([(n, pa.string()) for n in ("rule", "status", "severity", "subject", "message", "help", "citation")])
)


def _finding_row(f: Finding) -> dict[str, Any]:
    return {n: getattr(f, n) for n in ("rule", "status", "severity", "subject", "message", "help", "citation")}


def appraise(
    data: TableT, *, rates: Rates | None = None, policy: Policy | None = None, columns: Columns | None = None
) -> TableT:
    """Appraises every proposal of a table (one proposal per row, in the core's JSON form:
    nested columns or dicts), returning the same kind with ``verdict``, ``score``,
    ``findings`` and the error columns. The core runs every row with the GIL released;
    a row that is not a proposal gets its error, and the others are appraised. ``columns``
    names the proposal's fields your columns hold (``{"Proposal ID": "id"}``); your
    columns keep their names in the result."""
    kind = _tables.kind_of(data)
    inputs: list[str | dict[str, Any]] = []
    mapping = {} if columns is None else dict(columns)
    for row in _tables.rows(data, kind):
        row = {mapping.get(k, k): v for k, v in row.items()}
        try:
            inputs.append(_dumps_input(_with({"proposal": row}, rates=rates)))
        except ValidationError as e:  # NaN, infinity: this row's error, not the batch's
            inputs.append({"error": {"code": e.code, "path": e.path, "message": e.message}})
    sent = [i for i in inputs if isinstance(i, str)]
    answers = iter(json.loads(_native.call_many("appraisal", f"[{','.join(sent)}]", _policy(policy))))
    outputs = [next(answers) if isinstance(i, str) else i for i in inputs]
    done = [None if "error" in o else Appraisal.from_json(o) for o in outputs]
    errors = [o.get("error") or {} for o in outputs]
    result = _tables.result_table(
        {
            "verdict": [a and a.verdict for a in done],
            "score": [a and a.score for a in done],
            "findings": [a and [_finding_row(f) for f in a.findings] for a in done],
            "error_code": [e.get("code") for e in errors],
            "error_message": [e.get("message") for e in errors],
            "error_field": [e.get("path") for e in errors],
        },
        {
            "verdict": pa.string(),
            "score": pa.uint32(),
            "findings": _FINDING_TYPE,
            "error_code": pa.string(),
            "error_message": pa.string(),
            "error_field": pa.string(),
        },
    )
    return _tables.merge(data, kind, result)  # type: ignore[no-any-return]
