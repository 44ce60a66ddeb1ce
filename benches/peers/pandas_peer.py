"""RULES.md §1–§2 as a data scientist writes them in idiomatic, vectorized pandas.

Money is exact in integers: amounts in cents, rates (at most four decimals) in 1/10,000,
so US-dollar values are in millionths of a dollar and the threshold compares exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLD_MICRO = 350_000 * 1_000_000  # US$350,000 in millionths
UNASSIGNED = "(unassigned)"


def usd_micro(amount: pd.Series, currency: pd.Series, rate4: dict[str, int]) -> pd.Series:
    return (amount * 100).round().astype("int64") * currency.map(rate4).astype("int64")


def requirements(df: pd.DataFrame, rate4: dict[str, int]) -> pd.DataFrame:
    start, end = df["start"], df["end"]
    limit = end + pd.Timedelta(days=1)
    # start + m months for the m that reaches limit's month has the start's day, clamped;
    # past limit's day, it is one month fewer, in the month before.
    clamped = np.minimum(start.dt.day, limit.dt.days_in_month)
    over = clamped > limit.dt.day
    before = (limit - pd.to_timedelta(limit.dt.day, unit="D")).dt.day
    months = (limit.dt.year - start.dt.year) * 12 + limit.dt.month - start.dt.month - over
    days = (before - np.minimum(start.dt.day, before) + limit.dt.day).where(over, limit.dt.day - clamped)
    # The anniversary in the end's year falls on or after the end: one review fewer.
    late = (start.dt.month > end.dt.month) | (
        (start.dt.month == end.dt.month) & (np.minimum(start.dt.day, end.dt.days_in_month) >= end.dt.day)
    )
    reviews = (end.dt.year - start.dt.year - late).clip(lower=0)
    long = (months > 30) | ((months == 30) & (days > 0))
    short = months < 18
    usd = usd_micro(df["budget_amount"], df["budget_currency"], rate4)
    return pd.DataFrame({
        "duration_months": months,
        "duration_days": days,
        "duration_class": np.select([short, long], ["short", "long"], "medium"),
        "budget_usd_micro": usd,
        "mid_term_evaluation": ~short & ~long,
        "annual_reviews": reviews.where(long, 0),
        "mid_term_review_if_agreed": long,
        "independent_evaluation": usd > THRESHOLD_MICRO,
    })


def delivery(projects: pd.DataFrame, records: pd.DataFrame, year: int, rate4: dict[str, int]) -> pd.DataFrame:
    """Delivery by unit over `year`: Σexpenditure / Σallocation per unit."""
    r = records[records["month"].str.startswith(f"{year}-")]
    r = r.merge(projects[["id", "unit"]], left_on="project", right_on="id", how="left")
    sums = pd.DataFrame({
        "group": r["unit"].fillna(UNASSIGNED),
        "allocation_micro": usd_micro(r["allocation"], r["currency"], rate4),
        "expenditure_micro": usd_micro(r["expenditure"], r["currency"], rate4),
    }).groupby("group").agg(
        allocation_micro=("allocation_micro", "sum"),
        expenditure_micro=("expenditure_micro", "sum"),
        records=("allocation_micro", "size"),
    )
    sums["rate_percent"] = (100 * sums["expenditure_micro"] / sums["allocation_micro"]).where(sums["allocation_micro"] > 0)
    return sums.reset_index()
