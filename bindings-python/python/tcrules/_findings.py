"""A sequence of findings that converts to a table. Its own module because the generated
fields (``_generated``) default to an empty one, and ``_types`` builds on those fields."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, overload

from . import _display

if TYPE_CHECKING:
    from ._types import Finding


class Findings(Sequence["Finding"]):
    """Findings in the core's order; converts to a table (one row per finding). Findings of
    a project's evaluation, or of an IATI activity, know their project: the table's
    ``project`` column, with no subject to parse."""

    def __init__(self, items: Sequence[Finding] = (), projects: Sequence[str | None] | str | None = None) -> None:
        self._items = list(items)
        if projects is None or isinstance(projects, str):
            self._projects: list[str | None] = [projects] * len(self._items)
        else:
            self._projects = list(projects)

    @overload
    def __getitem__(self, i: int) -> Finding: ...
    @overload
    def __getitem__(self, i: slice) -> Findings: ...
    def __getitem__(self, i: int | slice) -> Finding | Findings:
        if isinstance(i, slice):
            return Findings(self._items[i], self._projects[i])
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
        return Findings(self._items + other._items, self._projects + other._projects)

    def _where(self, keep: Callable[[Finding], bool]) -> Findings:
        pairs = [(f, p) for f, p in zip(self._items, self._projects) if keep(f)]
        return Findings([f for f, _ in pairs], [p for _, p in pairs])

    def of(self, rule: str) -> Findings:
        """The findings of one rule id, e.g. ``"EVAL-PLAN"``."""
        return self._where(lambda f: f.rule == rule)

    def with_status(self, *statuses: str) -> Findings:
        """The findings with one of the given statuses, e.g. ``"fail", "warning"``."""
        return self._where(lambda f: f.status in statuses)

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table``: project (of a project's or an activity's findings; else
        null), rule, status, severity, subject, message, facts (the canonical JSON object),
        missing, help, citation, policy (name and version). For a whole project table,
        :func:`tcrules.findings` builds the same in the core, with the facts typed."""
        import pyarrow as pa

        return pa.table(
            {
                "project": pa.array(self._projects, pa.string()),
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
