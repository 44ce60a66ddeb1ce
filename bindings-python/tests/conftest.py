"""Shared test data: small projects and the test portfolio in tests/data."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


def project(id: str = "P1", start: str = "2024-01-01", end: str = "2025-06-30", amount: Any = "100000", currency: str = "USD", **extra: Any) -> dict[str, Any]:
    """A project in the core's JSON form."""
    return {"id": id, "title": f"Project {id}", "start": start, "end": end, "budget": {"amount": amount, "currency": currency}, **extra}


def row(id: str, start: Any = "2024-01-01", end: Any = "2025-06-30", amount: Any = Decimal("100000"), **extra: Any) -> dict[str, Any]:
    """A row of a project table in the core's CSV layout."""
    return {"id": id, "title": f"Project {id}", "start": start, "end": end, "budget_amount": amount, "budget_currency": "USD", **extra}


@pytest.fixture
def portfolio_dict() -> dict[str, Any]:
    return json.loads((DATA / "portfolio.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture
def rows() -> list[dict[str, Any]]:
    """Five rows: the 350,000.00 / 350,000.01 edge, a long project, and two bad rows."""
    return [
        row("A", amount=Decimal("350000.00")),
        row("B", amount=Decimal("350000.01")),
        row("C", start="2020-03-01", end="2025-03-01"),
        row("D", start="2024-02-01", end="2024-01-31"),
        row("E", amount=Decimal("-5")),
    ]
