"""The same rules through the tcrules Python package, on the user's own tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import tcrules

MICRO = Decimal(1_000_000)


def requirements(table: Any, rates: dict[str, str]) -> Any:
    """The batch call: a pandas or polars DataFrame or a pyarrow Table in, the same out."""
    return tcrules.requirements(table, rates=rates)


def delivery(projects: Any, records: Any, year: int, rates: dict[str, str]) -> pd.DataFrame:
    """Delivery by unit: the records and projects tables as the user has them."""
    report = tcrules.delivery_table(records, year, "unit", projects=projects, rates=rates)
    return pd.DataFrame({
        "group": [g.group for g in report.groups],
        "allocation_micro": [int(g.allocation_usd * MICRO) for g in report.groups],
        "expenditure_micro": [int(g.expenditure_usd * MICRO) for g in report.groups],
        "records": [g.records for g in report.groups],
        "rate_percent": [None if g.rate_percent is None else float(g.rate_percent) for g in report.groups],
    })
