"""Exceptions, one class per family of core error code.

Every exception carries the core's stable ``code`` (the same in Rust, Python and
JavaScript), the ``path`` of the offending field and the ``message``; where a table has
several bad cells, the exception is the first one's, and ``errors`` lists every one (as
exceptions, up to 100) with ``omitted`` counting the rest::

    >>> import tcrules
    >>> try:
    ...     tcrules.project_schedule({"id": "P1", "title": "T", "start": "2024-01-01",
    ...         "end": "2025-06-30", "budget": {"amount": "1", "currency": "EUR"}})
    ... except tcrules.CurrencyError as e:
    ...     print(e.code, e.path)
    missing_rate budget.amount

| class | codes |
|---|---|
| :class:`ValidationError` | ``invalid_json``, ``invalid_csv``, ``invalid_xml``, ``invalid_value``, ``end_before_start``, ``negative_amount``, ``duplicate_id``, ``unknown_project``, ``too_large`` |
| :class:`CurrencyError` (a ValidationError) | ``missing_rate``, ``unknown_currency`` |
| :class:`PolicyError` | ``invalid_policy`` |
| :class:`AmountOverflowError` | ``overflow`` |
| :class:`ReadError` | ``io`` |

A code this version does not know yet raises the base class :class:`TcrulesError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "TcrulesError",
    "ValidationError",
    "CurrencyError",
    "PolicyError",
    "AmountOverflowError",
    "ReadError",
    "CODES",
    "from_info",
]


class TcrulesError(Exception):
    """Base of every tcrules exception: ``code``, ``path`` and ``message`` from the core."""

    code: str
    path: str
    message: str
    errors: list[TcrulesError]
    """Every error this one stands for (each bad cell of a table), itself alone when one."""
    omitted: int
    """How many errors were found beyond those ``errors`` lists."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        path: str = "",
        errors: Sequence[TcrulesError] = (),
        omitted: int = 0,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.path = path
        self.message = message
        self.errors = list(errors) or [self]
        self.omitted = omitted


class ValidationError(TcrulesError, ValueError):
    """Input data is malformed: bad JSON or CSV, a bad value, dates or amounts out of order."""


class CurrencyError(ValidationError):
    """A currency code is unknown, or the rate table has no rate for it."""


class PolicyError(TcrulesError, ValueError):
    """A policy edition is malformed or inconsistent."""


class AmountOverflowError(TcrulesError, ArithmeticError):
    """An amount is too large to compute with exactly (96-bit decimal)."""


class ReadError(TcrulesError, OSError):
    """A file could not be read or written."""


CODES: dict[str, type[TcrulesError]] = {
    "invalid_json": ValidationError,
    "invalid_csv": ValidationError,
    "invalid_xml": ValidationError,
    "invalid_value": ValidationError,
    "end_before_start": ValidationError,
    "negative_amount": ValidationError,
    "duplicate_id": ValidationError,
    "unknown_project": ValidationError,
    "too_large": ValidationError,
    "missing_rate": CurrencyError,
    "unknown_currency": CurrencyError,
    "invalid_policy": PolicyError,
    "overflow": AmountOverflowError,
    "io": ReadError,
}
"""The exception class of each core error code."""


def from_info(
    code: str,
    path: str,
    message: str,
    errors: Iterable[tuple[str, str, str]] = (),
    omitted: int = 0,
) -> TcrulesError:
    """The exception for a core error ``{code, path, message}``, with the ``(code, path,
    message)`` of each error it stands for where there are several.

    >>> e = from_info("invalid_policy", "evaluation.independent_threshold_usd", "bad")
    >>> type(e).__name__, e.code, e.path, len(e.errors)
    ('PolicyError', 'invalid_policy', 'evaluation.independent_threshold_usd', 1)
    >>> cells = [("invalid_value", "projects[0].start", "a"), ("unknown_currency", "projects[2].budget_currency", "b")]
    >>> e = from_info("invalid_value", "projects[0].start", "a (and 1 more bad cell: b)", cells)
    >>> [(type(c).__name__, c.path) for c in e.errors]
    [('ValidationError', 'projects[0].start'), ('CurrencyError', 'projects[2].budget_currency')]
    """
    listed = [from_info(*cell) for cell in errors]
    return CODES.get(code, TcrulesError)(message, code=code, path=path, errors=listed, omitted=omitted)
