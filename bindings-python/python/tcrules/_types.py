"""Typed results: the core's canonical JSON decoded into dataclasses, with money as
:class:`decimal.Decimal` and dates as :class:`datetime.date`.

Every result keeps the exact JSON the core produced in ``raw`` (``to_json()`` gives it
back as text), so nothing is recomputed or rounded on the Python side.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, ClassVar, Optional, Sequence, TypeVar, Union, get_type_hints

from . import _display
from ._findings import Findings
from ._generated import (
    AppraisalFields,
    ApprovalRowFields,
    ApprovalTableFields,
    ConcentrationFields,
    DeliveryReportFields,
    DonorShareFields,
    DueFields,
    DurationFields,
    ErrorInfoFields,
    FindingFields,
    GroupDeliveryFields,
    IatiReportFields,
    IatiRowFields,
    IntegrationReportFields,
    LocalMobilizationFields,
    OutcomeBudgetFields,
    PeriodFiguresFields,
    PhasingFields,
    PolicyStampFields,
    PortfolioReportFields,
    ProjectEvaluationFields,
    ReportFields,
    RequirementsFields,
    SeedLeverageFields,
    ShareFields,
    SourceShareFields,
    SummaryFields,
)

__all__ = [
    "Result",
    "PolicyStamp",
    "ErrorInfo",
    "Finding",
    "Findings",
    "Duration",
    "Requirements",
    "Due",
    "ProjectEvaluation",
    "Appraisal",
    "GroupDelivery",
    "DeliveryReport",
    "SeriesPoint",
    "GroupSeries",
    "DeliverySeries",
    "SourceShare",
    "OutcomeBudget",
    "SeedLeverage",
    "Phasing",
    "IntegrationReport",
    "PeriodFigures",
    "ApprovalRow",
    "ApprovalTable",
    "DonorShare",
    "Concentration",
    "Share",
    "LocalMobilization",
    "PortfolioReport",
    "Summary",
    "Report",
    "IatiRow",
    "IatiReport",
]

FactValue = Union[bool, int, Decimal, date, str]
"""A compared value: the core sends decimals and dates as text; they arrive typed."""

# The schema gives a fact only as a boolean, an integer or a string (decimals and dates travel
# as text), so a string fact is decoded by its look; every field is decoded by its type.
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

R = TypeVar("R", bound="Result")


def _fact(value: Any) -> FactValue:
    if isinstance(value, str):
        if _DECIMAL.fullmatch(value):
            return Decimal(value)
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
    return value  # type: ignore[no-any-return]


Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}


def _decoder(tp: Any) -> Decoder:
    """The function that decodes a JSON value of type ``tp`` (``None`` stays ``None``),
    worked out from the type once: a report decodes the same field types many times."""
    if tp in _DECODERS:
        return _DECODERS[tp]
    origin = getattr(tp, "__origin__", None)
    args: tuple[Any, ...] = getattr(tp, "__args__", ())
    f: Decoder
    if tp is Decimal:
        f = lambda v: Decimal(str(v))  # noqa: E731
    elif tp is date:
        f = date.fromisoformat
    elif tp == FactValue:
        f = _fact
    elif tp is Findings:
        f = lambda v: Findings([Finding.from_json(x) for x in v])  # noqa: E731
    elif isinstance(tp, type) and issubclass(tp, Result):
        f = tp.from_json
    elif origin is Union:
        f = _decoder(next(a for a in args if a is not type(None)))
    elif origin is list:
        item = _decoder(args[0])
        f = lambda v: [item(x) for x in v]  # noqa: E731
    elif origin is tuple:
        item = _decoder(args[0])
        f = lambda v: tuple(item(x) for x in v)  # noqa: E731
    elif origin is dict:
        item = _decoder(args[1])
        f = lambda v: {k: item(x) for k, x in v.items()}  # noqa: E731
    else:  # str, int, bool, a Literal, Any
        f = lambda v: v  # noqa: E731
    decode = _DECODERS[tp] = lambda v: None if v is None else f(v)
    return decode


class Result:
    """Base of every typed result: fields decoded from ``raw``, the core's canonical JSON."""

    raw: Any
    _keys: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_json(cls: type[R], raw: Any) -> R:
        """Decodes the core's canonical JSON (already parsed) into this type; a field the
        core leaves out takes its default (``None``, empty)."""
        values = {name: decode(raw[key]) for name, key, decode in _fields(cls) if key in raw}
        return cls(raw=raw, **values)  # type: ignore[call-arg]

    def to_json(self, **kwargs: Any) -> str:
        """The core's canonical JSON as text (``json.dumps`` keywords apply)."""
        return json.dumps(self.raw, **kwargs)


_FIELDS: dict[type, list[tuple[str, str, Decoder]]] = {}


def _fields(cls: type) -> list[tuple[str, str, Decoder]]:
    """Each field's name, its key in the core's JSON, and its decoder."""
    if cls not in _FIELDS:
        # The generated fields name this module's classes, which `_generated` imports only
        # for type checkers.
        hints = get_type_hints(cls, localns=vars(sys.modules[__name__]))
        keys: dict[str, str] = getattr(cls, "_keys", {})
        _FIELDS[cls] = [
            (f.name, keys.get(f.name, f.name), _decoder(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.name != "raw"
        ]
    return _FIELDS[cls]


class FindingsTable:
    """``to_pandas``, ``to_polars`` and ``to_arrow`` of a result whose table is its
    findings, one row per finding (as :meth:`Findings.to_arrow`)."""

    def _findings(self) -> Findings:
        # A field of some results, a property of others (a report's are its sections').
        found: Findings = getattr(self, "findings")
        return found

    def to_arrow(self) -> Any:
        """The findings as a ``pyarrow.Table``, one row per finding."""
        return self._findings().to_arrow()

    def to_pandas(self) -> Any:
        """The findings as a ``pandas.DataFrame``, one row per finding."""
        return self._findings().to_pandas()

    def to_polars(self) -> Any:
        """The findings as a ``polars.DataFrame``, one row per finding."""
        return self._findings().to_polars()


@dataclass(frozen=True)
class PolicyStamp(PolicyStampFields, Result):
    """Which policy edition produced a result: name, version and content hash."""


@dataclass(frozen=True)
class ErrorInfo(ErrorInfoFields, Result):
    """An error as data, as batch rows and reports carry it."""


@dataclass(frozen=True)
class Finding(FindingFields, Result):
    """One rule's verdict on one subject: which rule, what it decided, on which facts, and
    where the rule comes from.

    >>> import tcrules
    >>> f = tcrules.evaluate_project({"id": "P1", "title": "T", "start": "2024-01-01",
    ...     "end": "2025-06-30", "budget": {"amount": "350000.01", "currency": "USD"}}).findings[1]
    >>> f.rule, f.status, f.facts["budget_usd"], f.citation
    ('EVAL-INDEPENDENT', 'fail', Decimal('350000.01'), 'R6 §143')
    """

    def _repr_html_(self) -> str:
        return _display.findings_table([self])


@dataclass(frozen=True)
class Duration(DurationFields, Result):
    """Whole months plus remaining days, both the start and the end day counted."""


@dataclass(frozen=True)
class Requirements(RequirementsFields, Result):
    """What R6 §143 requires of one project."""


@dataclass(frozen=True)
class Due(DueFields, Result):
    """One evaluation or review that falls due."""


@dataclass(frozen=True)
class ProjectEvaluation(ProjectEvaluationFields, Result, FindingsTable):
    """The EVAL results of one project: requirements, schedule and findings, or the error
    that kept it from being evaluated."""

    def __post_init__(self) -> None:
        # Its findings know their project (the table's `project` column).
        object.__setattr__(self, "findings", Findings(self.findings, self.project))

    def _repr_html_(self) -> str:
        return _display.evaluation(self)


@dataclass(frozen=True)
class Appraisal(AppraisalFields, Result, FindingsTable):
    """The appraisal of one proposal: verdict (``ready``, ``revise``,
    ``not_appraisable``), score, one finding per APR check, and the evaluation rules'
    requirements and schedule."""

    def _repr_html_(self) -> str:
        return _display.appraisal(self)


@dataclass(frozen=True)
class GroupDelivery(GroupDeliveryFields, Result):
    """Delivery of one group: Σallocation, Σexpenditure and their rate (``None`` when
    nothing was allocated)."""


def _frame(rows: list[dict[str, Any]], columns: Sequence[str], kind: str) -> Any:
    """Rows as a table of ``kind`` (``pandas``, ``polars`` or ``arrow``)."""
    import pyarrow as pa

    table = pa.Table.from_pylist(rows) if rows else pa.table({c: pa.array([], pa.null()) for c in columns})
    if kind == "arrow":
        return table
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table.to_pandas()


def _fraction(percent: Optional[Decimal]) -> Optional[float]:
    """A rate in per cent as the float fraction a plot takes (the only float tcrules
    gives: money and rates stay exact beside it)."""
    return None if percent is None else float(percent) / 100


@dataclass(frozen=True)
class DeliveryReport(DeliveryReportFields, Result):
    """Delivery by group over a reporting period (R6 §140), with DLV findings."""

    def to_pandas(self) -> Any:
        """The groups as a ``pandas.DataFrame``: group, allocation_usd, expenditure_usd,
        rate_percent (exact ``Decimal``), records, and ``rate``, the same rate as a float
        fraction to plot (``df.plot.bar(x="group", y="rate")``; ``None`` where nothing was
        allocated)."""
        return self._table("pandas")

    def to_polars(self) -> Any:
        """The groups as a ``polars.DataFrame``."""
        return self._table("polars")

    def to_arrow(self) -> Any:
        """The groups as a ``pyarrow.Table``."""
        return self._table("arrow")

    def _table(self, kind: str) -> Any:
        cols = ["group", "allocation_usd", "expenditure_usd", "rate_percent", "records"]
        rows = [{**{c: getattr(g, c) for c in cols}, "rate": _fraction(g.rate_percent)} for g in self.groups]
        return _frame(rows, [*cols, "rate"], kind)

    def _repr_html_(self) -> str:
        return _display.delivery(self)


# The delivery series is not among the committed schemas (`tcrules::schema::all`), so its
# shapes are written here.
def _raw() -> Any:
    return field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SeriesPoint(Result):
    """Year-to-date totals and rate at the end of one month (``"2005-03"``)."""

    month: str
    allocation_usd: Decimal
    expenditure_usd: Decimal
    rate_percent: Optional[Decimal]
    raw: Any = _raw()


@dataclass(frozen=True)
class GroupSeries(Result):
    """One group's year-to-date delivery curve."""

    group: str
    points: list[SeriesPoint]
    raw: Any = _raw()


@dataclass(frozen=True)
class DeliverySeries:
    """Year-to-date delivery curves by group (R6 §140), with the policy's band to read
    them against. ``raw`` is the core's canonical JSON (a list of group series)."""

    year: int
    group_by: str
    groups: list[GroupSeries]
    band_percent: tuple[Decimal, Decimal]
    warning_below_percent: Decimal
    raw: Any = field(default=None, repr=False, compare=False)

    def to_json(self, **kwargs: Any) -> str:
        """The core's canonical JSON as text."""
        return json.dumps(self.raw, **kwargs)

    def to_pandas(self) -> Any:
        """One row per group and month: group, month, allocation_usd, expenditure_usd,
        rate_percent (exact), and ``rate`` as a float fraction to plot."""
        return self._table("pandas")

    def to_polars(self) -> Any:
        """As :meth:`to_pandas`, a ``polars.DataFrame``."""
        return self._table("polars")

    def to_arrow(self) -> Any:
        """As :meth:`to_pandas`, a ``pyarrow.Table``."""
        return self._table("arrow")

    def _table(self, kind: str) -> Any:
        cols = ["group", "month", "allocation_usd", "expenditure_usd", "rate_percent"]
        rows = [
            {"group": g.group, **{c: getattr(p, c) for c in cols[1:]}, "rate": _fraction(p.rate_percent)}
            for g in self.groups
            for p in g.points
        ]
        return _frame(rows, [*cols, "rate"], kind)

    def plot(self, groups: Sequence[str] | None = None, ax: Any = None) -> Any:
        """The year-to-date delivery curve of each group against the policy band
        (needs the ``plot`` extra: matplotlib). Returns the matplotlib ``Axes``."""
        from .plot import delivery_curve

        return delivery_curve(self, groups=groups, ax=ax)

    def _repr_html_(self) -> str:
        return _display.series(self)


@dataclass(frozen=True)
class SourceShare(SourceShareFields, Result):
    """One source of funds' part of an outcome budget."""


@dataclass(frozen=True)
class OutcomeBudget(OutcomeBudgetFields, Result):
    """An outcome's budget as a composite of sources (R6 §59–62)."""


@dataclass(frozen=True)
class SeedLeverage(SeedLeverageFields, Result):
    """RBTC seed money and the extra-budgetary approvals it prepared (R6 §74, §162)."""


@dataclass(frozen=True)
class Phasing(PhasingFields, Result):
    """RBTC expenditure of one biennium by year (R6 §162)."""


@dataclass(frozen=True)
class IntegrationReport(IntegrationReportFields, Result, FindingsTable):
    """Every INT result for a portfolio (R6 §59–64, §72–75, §162)."""

    def _repr_html_(self) -> str:
        return _display.report_with_findings("Integration (INT)", self.policy, self.findings)


@dataclass(frozen=True)
class PeriodFigures(PeriodFiguresFields, Result):
    """One row's total, yearly average and share in one period."""


@dataclass(frozen=True)
class ApprovalRow(ApprovalRowFields, Result):
    """One row of an approvals table, with the change of its average between the first
    and last periods."""


@dataclass(frozen=True)
class ApprovalTable(ApprovalTableFields, Result):
    """Approvals by donor, category or group over periods (R6 Table V.1)."""


@dataclass(frozen=True)
class DonorShare(DonorShareFields, Result):
    """A donor's part of total approvals."""


@dataclass(frozen=True)
class Concentration(ConcentrationFields, Result):
    """Donor concentration over a period: top-N share and Herfindahl index (R6 §158)."""


@dataclass(frozen=True)
class Share(ShareFields, Result):
    """One key's share of a total."""


@dataclass(frozen=True)
class LocalMobilization(LocalMobilizationFields, Result):
    """Locally mobilized approvals of one category (R6 §159, Annex 1)."""


@dataclass(frozen=True)
class PortfolioReport(PortfolioReportFields, Result, FindingsTable):
    """Every PF result for a portfolio (R6 §154–173, Tables V.1–V.2)."""

    def _repr_html_(self) -> str:
        return _display.report_with_findings("Portfolio balance (PF)", self.policy, self.findings)


@dataclass(frozen=True)
class Summary(SummaryFields, Result):
    """Counts for dashboards: findings by status, findings needing action by rule."""


@dataclass(frozen=True)
class Report(ReportFields, Result, FindingsTable):
    """Every rule family's results for a portfolio; sections that could not be computed
    are ``None`` and their errors are in ``errors``."""

    @property
    def findings(self) -> Findings:
        """Every finding of every section, evaluations first."""
        out = Findings()
        for e in self.evaluations:
            out = out + e.findings
        for section in (self.delivery, self.integration, self.balance):
            if section is not None:
                out = out + section.findings
        return out

    def _repr_html_(self) -> str:
        return _display.report(self)


@dataclass(frozen=True)
class IatiRow(IatiRowFields, Result):
    """What the rules say of one activity of an IATI file: duration class, required
    evaluations, independent evaluation, delivery by year (``group`` is the year), the
    gender marker, findings, and what the file does not publish; or, for an activity
    that could not be read, its ``error`` (``code``, ``path`` such as
    ``iati-activity[3]/budget[1]/value``, ``message``)."""


@dataclass(frozen=True)
class IatiReport(IatiReportFields, Result):
    """Every activity of an IATI activity file with the rules applied, one row each in file
    order; ``errors`` holds a problem outside any activity, after which the file was not
    read further. ``to_pandas()`` and friends give one table row per activity."""

    @property
    def findings(self) -> Findings:
        """Every activity's findings, in file order."""
        out = Findings()
        for a in self.activities:
            out = out + Findings(a.findings, a.identifier)
        return out

    _COLUMNS: ClassVar[tuple[str, ...]] = (
        "activity", "identifier", "title", "start", "end", "duration_class", "evaluations", "budget_usd",
        "independent_evaluation", "delivery", "gender_marker", "error_code", "error_message", "error_field",
    )

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "activity": a.activity,
                "identifier": a.identifier,
                "title": a.title,
                "start": a.start,
                "end": a.end,
                "duration_class": a.duration_class,
                "evaluations": [d.kind for d in a.evaluations],
                "budget_usd": a.budget_usd,
                "independent_evaluation": a.independent_evaluation,
                "delivery": {g.group: g.rate_percent for g in a.delivery},
                "gender_marker": a.gender_marker,
                "error_code": a.error and a.error.code,
                "error_message": a.error and a.error.message,
                "error_field": a.error and a.error.path,
            }
            for a in self.activities
        ]

    def to_pandas(self) -> Any:
        """One row per activity as a ``pandas.DataFrame`` (``delivery`` maps each year to its
        rate in per cent; Decimal columns stay exact)."""
        return _frame(self._rows(), self._COLUMNS, "pandas")

    def to_polars(self) -> Any:
        """One row per activity as a ``polars.DataFrame``."""
        return _frame(self._rows(), self._COLUMNS, "polars")

    def to_arrow(self) -> Any:
        """One row per activity as a ``pyarrow.Table``."""
        return _frame(self._rows(), self._COLUMNS, "arrow")

    def _repr_html_(self) -> str:
        return _display.iati(self)
