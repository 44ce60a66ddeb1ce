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
from typing import Any, Callable, ClassVar, Iterator, Optional, Sequence, TypeVar, Union, get_type_hints, overload

from . import _display

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
    elif isinstance(tp, type) and issubclass(tp, Result):
        f = tp.from_json
    elif origin is Union:
        f = _decoder(next(a for a in args if a is not type(None)))
    elif origin in (list, Sequence) or getattr(origin, "__name__", "") == "Sequence":
        item = _decoder(args[0])
        f = lambda v: [item(x) for x in v]  # noqa: E731
    elif origin is tuple:
        item = _decoder(args[0])
        f = lambda v: tuple(item(x) for x in v)  # noqa: E731
    elif origin is dict:
        item = _decoder(args[1])
        f = lambda v: {k: item(x) for k, x in v.items()}  # noqa: E731
    else:
        f = lambda v: v  # noqa: E731
    decode = _DECODERS[tp] = lambda v: None if v is None else f(v)
    return decode


class Result:
    """Base of every typed result: fields decoded from ``raw``, the core's canonical JSON."""

    raw: Any
    _keys: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_json(cls: type[R], raw: Any) -> R:
        """Decodes the core's canonical JSON (already parsed) into this type."""
        values = {name: decode(raw.get(key)) for name, key, decode in _fields(cls)}
        return cls(raw=raw, **values)  # type: ignore[call-arg]

    def to_json(self, **kwargs: Any) -> str:
        """The core's canonical JSON as text (``json.dumps`` keywords apply)."""
        return json.dumps(self.raw, **kwargs)


_FIELDS: dict[type, list[tuple[str, str, Decoder]]] = {}


def _fields(cls: type) -> list[tuple[str, str, Decoder]]:
    """Each field's name, its key in the core's JSON, and its decoder."""
    if cls not in _FIELDS:
        hints = get_type_hints(cls, vars(sys.modules[__name__]))
        keys: dict[str, str] = getattr(cls, "_keys", {})
        _FIELDS[cls] = [
            (f.name, keys.get(f.name, f.name), _decoder(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.name != "raw"
        ]
    return _FIELDS[cls]


def _raw() -> Any:
    return field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class PolicyStamp(Result):
    """Which policy edition produced a result: name, version and content hash."""

    name: str
    version: str
    hash: str
    raw: Any = _raw()


@dataclass(frozen=True)
class ErrorInfo(Result):
    """An error as data, as batch rows and reports carry it."""

    code: str
    path: str
    message: str
    raw: Any = _raw()


@dataclass(frozen=True)
class Finding(Result):
    """One rule's verdict on one subject: which rule, what it decided, on which facts, and
    where the rule comes from.

    >>> import tcrules
    >>> f = tcrules.evaluate_project({"id": "P1", "title": "T", "start": "2024-01-01",
    ...     "end": "2025-06-30", "budget": {"amount": "350000.01", "currency": "USD"}}).findings[1]
    >>> f.rule, f.status, f.facts["budget_usd"], f.citation
    ('EVAL-INDEPENDENT', 'fail', Decimal('350000.01'), 'R6 §143')
    """

    rule: str
    status: str
    severity: str
    message: str
    citation: str
    policy: PolicyStamp
    subject: Optional[str] = None
    facts: dict[str, FactValue] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    help: Optional[str] = None
    raw: Any = _raw()

    @classmethod
    def from_json(cls, raw: Any) -> Finding:
        f = super().from_json(raw)
        object.__setattr__(f, "facts", {k: _fact(v) for k, v in raw.get("facts", {}).items()})
        object.__setattr__(f, "missing", list(raw.get("missing", [])))
        return f

    def _repr_html_(self) -> str:
        return _display.findings_table([self])


class Findings(Sequence[Finding]):
    """Findings in the core's order; converts to a table (one row per finding)."""

    def __init__(self, items: Sequence[Finding] = ()) -> None:
        self._items = list(items)

    @overload
    def __getitem__(self, i: int) -> Finding: ...
    @overload
    def __getitem__(self, i: slice) -> Findings: ...
    def __getitem__(self, i: int | slice) -> Finding | Findings:
        if isinstance(i, slice):
            return Findings(self._items[i])
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Findings) and self._items == other._items

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Findings({self._items!r})"

    def __add__(self, other: Findings) -> Findings:
        return Findings(self._items + list(other))

    def of(self, rule: str) -> Findings:
        """The findings of one rule id, e.g. ``"EVAL-PLAN"``."""
        return Findings([f for f in self._items if f.rule == rule])

    def with_status(self, *statuses: str) -> Findings:
        """The findings with one of the given statuses, e.g. ``"fail", "warning"``."""
        return Findings([f for f in self._items if f.status in statuses])

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table``: rule, status, severity, subject, message, facts (the
        canonical JSON object), missing, help, citation, policy (name and version)."""
        import pyarrow as pa

        return pa.table(
            {
                "rule": pa.array([f.rule for f in self], pa.string()),
                "status": pa.array([f.status for f in self], pa.string()),
                "severity": pa.array([f.severity for f in self], pa.string()),
                "subject": pa.array([f.subject for f in self], pa.string()),
                "message": pa.array([f.message for f in self], pa.string()),
                "facts": pa.array(
                    [json.dumps(f.raw.get("facts", {}), ensure_ascii=False) for f in self], pa.string()
                ),
                "missing": pa.array([f.missing for f in self], pa.list_(pa.string())),
                "help": pa.array([f.help for f in self], pa.string()),
                "citation": pa.array([f.citation for f in self], pa.string()),
                "policy": pa.array([f"{f.policy.name} {f.policy.version}" for f in self], pa.string()),
            }
        )

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame``, one row per finding (columns as :meth:`to_arrow`)."""
        import pandas as pd

        return self.to_arrow().to_pandas(types_mapper={_pa_string(): pd.StringDtype()}.get)

    def to_polars(self) -> Any:
        """A ``polars.DataFrame``, one row per finding (columns as :meth:`to_arrow`)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow())

    def _repr_html_(self) -> str:
        return _display.findings_table(self._items)


def _pa_string() -> Any:
    import pyarrow as pa

    return pa.string()


def _findings(raw: Any) -> Findings:
    return Findings([Finding.from_json(f) for f in raw or []])


class _WithFindings(Result):
    """A result with ``findings`` (decoded as :class:`Findings`)."""

    @classmethod
    def from_json(cls: type[R], raw: Any) -> R:
        r = super().from_json(raw)
        object.__setattr__(r, "findings", _findings(raw.get("findings")))
        return r


@dataclass(frozen=True)
class Duration(Result):
    """Whole months plus remaining days, both the start and the end day counted."""

    months: int
    days: int
    raw: Any = _raw()


@dataclass(frozen=True)
class Requirements(Result):
    """What R6 §143 requires of one project."""

    _keys: ClassVar[dict[str, str]] = {"duration_class": "class"}
    start: date
    end: date
    duration: Duration
    duration_class: str
    budget_usd: Decimal
    mid_term_evaluation: bool
    annual_reviews: int
    mid_term_review_if_agreed: bool
    independent_evaluation: bool
    raw: Any = _raw()


@dataclass(frozen=True)
class Due(Result):
    """One evaluation or review that falls due."""

    kind: str
    date: date
    raw: Any = _raw()


@dataclass(frozen=True)
class ProjectEvaluation(_WithFindings):
    """The EVAL results of one project: requirements, schedule and findings, or the error
    that kept it from being evaluated."""

    project: str
    requirements: Optional[Requirements] = None
    schedule: list[Due] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    error: Optional[ErrorInfo] = None
    raw: Any = _raw()

    def _repr_html_(self) -> str:
        return _display.evaluation(self)


@dataclass(frozen=True)
class Appraisal(_WithFindings):
    """The appraisal of one proposal: verdict (``ready``, ``revise``,
    ``not_appraisable``), score, one finding per APR check, and the evaluation rules'
    requirements and schedule."""

    proposal: str
    verdict: str
    score: int
    policy: PolicyStamp
    findings: Findings = field(default_factory=Findings)
    requirements: Optional[Requirements] = None
    schedule: list[Due] = field(default_factory=list)
    raw: Any = _raw()

    def _repr_html_(self) -> str:
        return _display.appraisal(self)


@dataclass(frozen=True)
class GroupDelivery(Result):
    """Delivery of one group: Σallocation, Σexpenditure and their rate (``None`` when
    nothing was allocated)."""

    group: str
    allocation_usd: Decimal
    expenditure_usd: Decimal
    rate_percent: Optional[Decimal]
    records: int
    raw: Any = _raw()


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


@dataclass(frozen=True)
class DeliveryReport(_WithFindings):
    """Delivery by group over a reporting period (R6 §140), with DLV findings."""

    period: dict[str, Any]
    group_by: str
    groups: list[GroupDelivery]
    total: GroupDelivery
    band_percent: tuple[Decimal, ...]
    policy: PolicyStamp
    findings: Findings = field(default_factory=Findings)
    raw: Any = _raw()

    def to_pandas(self) -> Any:
        """The groups as a ``pandas.DataFrame`` (Decimal columns stay exact)."""
        return self._table("pandas")

    def to_polars(self) -> Any:
        """The groups as a ``polars.DataFrame``."""
        return self._table("polars")

    def to_arrow(self) -> Any:
        """The groups as a ``pyarrow.Table``."""
        return self._table("arrow")

    def _table(self, kind: str) -> Any:
        cols = ["group", "allocation_usd", "expenditure_usd", "rate_percent", "records"]
        rows = [{c: getattr(g, c) for c in cols} for g in self.groups]
        return _frame(rows, cols, kind)

    def _repr_html_(self) -> str:
        return _display.delivery(self)


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
        rate_percent."""
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
            {"group": g.group, **{c: getattr(p, c) for c in cols[1:]}} for g in self.groups for p in g.points
        ]
        return _frame(rows, cols, kind)

    def plot(self, groups: Sequence[str] | None = None, ax: Any = None) -> Any:
        """The year-to-date delivery curve of each group against the policy band
        (needs the ``plot`` extra: matplotlib). Returns the matplotlib ``Axes``."""
        from .plot import delivery_curve

        return delivery_curve(self, groups=groups, ax=ax)

    def _repr_html_(self) -> str:
        return _display.series(self)


@dataclass(frozen=True)
class SourceShare(Result):
    """One source of funds' part of an outcome budget."""

    source: str
    amount_usd: Decimal
    share_percent: Decimal
    raw: Any = _raw()


@dataclass(frozen=True)
class OutcomeBudget(Result):
    """An outcome's budget as a composite of sources (R6 §59–62)."""

    outcome: str
    kind: str
    total_usd: Decimal
    by_source: list[SourceShare]
    projects: list[str]
    raw: Any = _raw()


@dataclass(frozen=True)
class SeedLeverage(Result):
    """RBTC seed money and the extra-budgetary approvals it prepared (R6 §74, §162)."""

    seed: str
    rbtc_usd: Decimal
    xb_approved_usd: Decimal
    leverage: Optional[Decimal]
    raw: Any = _raw()


@dataclass(frozen=True)
class Phasing(Result):
    """RBTC expenditure of one biennium by year (R6 §162)."""

    biennium: str
    first_year_usd: Decimal
    second_year_usd: Decimal
    second_year_percent: Optional[Decimal]
    raw: Any = _raw()


@dataclass(frozen=True)
class IntegrationReport(_WithFindings):
    """Every INT result for a portfolio (R6 §59–64, §72–75, §162)."""

    pb_outcomes: list[OutcomeBudget]
    dwcp_outcomes: list[OutcomeBudget]
    seed: list[SeedLeverage]
    phasing: list[Phasing]
    policy: PolicyStamp
    findings: Findings = field(default_factory=Findings)
    raw: Any = _raw()

    def _repr_html_(self) -> str:
        return _display.report_with_findings("Integration (INT)", self.policy, self.findings)


@dataclass(frozen=True)
class PeriodFigures(Result):
    """One row's total, yearly average and share in one period."""

    total_usd: Decimal
    average_usd: Decimal
    share_percent: Decimal
    raw: Any = _raw()


@dataclass(frozen=True)
class ApprovalRow(Result):
    """One row of an approvals table, with the change of its average between the first
    and last periods."""

    key: str
    periods: list[PeriodFigures]
    change_percent: Optional[Decimal]
    raw: Any = _raw()


@dataclass(frozen=True)
class ApprovalTable(Result):
    """Approvals by donor, category or group over periods (R6 Table V.1)."""

    key: str
    periods: list[str]
    rows: list[ApprovalRow]
    total: ApprovalRow
    raw: Any = _raw()


@dataclass(frozen=True)
class DonorShare(Result):
    """A donor's part of total approvals."""

    donor: str
    amount_usd: Decimal
    share_percent: Decimal
    raw: Any = _raw()


@dataclass(frozen=True)
class Concentration(Result):
    """Donor concentration over a period: top-N share and Herfindahl index (R6 §158)."""

    period: str
    top: list[DonorShare]
    top_share_percent: Decimal
    herfindahl: Decimal
    donors: int
    top_amount_usd: Decimal
    total_usd: Decimal
    raw: Any = _raw()


@dataclass(frozen=True)
class Share(Result):
    """One key's share of a total."""

    key: str
    amount_usd: Decimal
    share_percent: Decimal
    raw: Any = _raw()


@dataclass(frozen=True)
class LocalMobilization(Result):
    """Locally mobilized approvals of one category (R6 §159, Annex 1)."""

    key: str
    total_usd: Decimal
    local_usd: Decimal
    local_percent: Optional[Decimal]
    raw: Any = _raw()


@dataclass(frozen=True)
class PortfolioReport(_WithFindings):
    """Every PF result for a portfolio (R6 §154–173, Tables V.1–V.2)."""

    approvals_by_group: ApprovalTable
    approvals_by_category: ApprovalTable
    approvals_by_donor: ApprovalTable
    concentration: Optional[Concentration]
    expenditure_by_region: list[Share]
    expenditure_by_objective: list[Share]
    local_mobilization: list[LocalMobilization]
    policy: PolicyStamp
    findings: Findings = field(default_factory=Findings)
    raw: Any = _raw()

    def _repr_html_(self) -> str:
        return _display.report_with_findings("Portfolio balance (PF)", self.policy, self.findings)


@dataclass(frozen=True)
class Summary(Result):
    """Counts for dashboards: findings by status, findings needing action by rule."""

    projects: int
    findings: dict[str, int]
    action_by_rule: dict[str, int]
    errors: int
    raw: Any = _raw()


@dataclass(frozen=True)
class Report(Result):
    """Every rule family's results for a portfolio; sections that could not be computed
    are ``None`` and their errors are in ``errors``."""

    policy: PolicyStamp
    summary: Summary
    evaluations: list[ProjectEvaluation]
    delivery: Optional[DeliveryReport]
    integration: Optional[IntegrationReport]
    balance: Optional[PortfolioReport]
    errors: list[ErrorInfo]
    portfolio: Optional[str] = None
    raw: Any = _raw()

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
class IatiRow(_WithFindings):
    """What the rules say of one activity of an IATI file: duration class, required
    evaluations, independent evaluation, delivery by year (``group`` is the year), the
    gender marker, findings, and what the file does not publish; or, for an activity
    that could not be read, its ``error`` (``code``, ``path`` such as
    ``iati-activity[3]/budget[1]/value``, ``message``)."""

    activity: str
    identifier: Optional[str] = None
    title: Optional[str] = None
    start: Optional[date] = None
    end: Optional[date] = None
    duration: Optional[Duration] = None
    duration_class: Optional[str] = None
    evaluations: list[Due] = field(default_factory=list)
    budget_usd: Optional[Decimal] = None
    independent_evaluation: Optional[bool] = None
    delivery: list[GroupDelivery] = field(default_factory=list)
    donors: list[str] = field(default_factory=list)
    gender_marker: Optional[int] = None
    findings: Findings = field(default_factory=Findings)
    missing: list[str] = field(default_factory=list)
    error: Optional[ErrorInfo] = None
    raw: Any = _raw()


@dataclass(frozen=True)
class IatiReport(Result):
    """Every activity of an IATI activity file with the rules applied, one row each in file
    order; ``errors`` holds a problem outside any activity, after which the file was not
    read further. ``to_pandas()`` and friends give one table row per activity."""

    activities: list[IatiRow]
    errors: list[ErrorInfo]
    policy: PolicyStamp
    version: Optional[str] = None
    raw: Any = _raw()

    @property
    def findings(self) -> Findings:
        """Every activity's findings, in file order."""
        return Findings([f for a in self.activities for f in a.findings])

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
