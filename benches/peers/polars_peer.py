"""RULES.md §1–§2 as a data scientist writes them in idiomatic polars expressions.

Money is exact in integers, as in the pandas peer.
"""

from __future__ import annotations

import polars as pl

THRESHOLD_MICRO = 350_000 * 1_000_000
UNASSIGNED = "(unassigned)"


def usd_micro(amount: str, currency: str, rate4: dict[str, int]) -> pl.Expr:
    rate = pl.col(currency).replace_strict(rate4, return_dtype=pl.Int64)
    return (pl.col(amount) * 100).round().cast(pl.Int64) * rate


def requirements(df: pl.DataFrame, rate4: dict[str, int]) -> pl.DataFrame:
    c = pl.col
    return (
        df.lazy()
        .with_columns(limit=c("end") + pl.duration(days=1))
        .with_columns(
            sy=c("start").dt.year(), sm=c("start").dt.month().cast(pl.Int32), sd=c("start").dt.day(),
            ly=c("limit").dt.year(), lm=c("limit").dt.month().cast(pl.Int32), ld=c("limit").dt.day(),
            ey=c("end").dt.year(), em=c("end").dt.month().cast(pl.Int32), ed=c("end").dt.day(),
            l_len=c("limit").dt.days_in_month(), e_len=c("end").dt.days_in_month(),
            before=(c("limit").dt.month_start() - pl.duration(days=1)).dt.day(),
        )
        # start + m months for the m that reaches limit's month has the start's day,
        # clamped; past limit's day, it is one month fewer, in the month before.
        .with_columns(clamped=pl.min_horizontal("sd", "l_len"))
        .with_columns(over=c("clamped") > c("ld"))
        .with_columns(
            duration_months=(c("ly") - c("sy")) * 12 + c("lm") - c("sm") - c("over").cast(pl.Int32),
            duration_days=pl.when("over").then(c("before") - pl.min_horizontal("sd", "before") + c("ld")).otherwise(c("ld") - c("clamped")),
            # The anniversary in the end's year falls on or after the end: one review fewer.
            late=(c("sm") > c("em")) | ((c("sm") == c("em")) & (pl.min_horizontal("sd", "e_len") >= c("ed"))),
            budget_usd_micro=usd_micro("budget_amount", "budget_currency", rate4),
        )
        .with_columns(
            long=(c("duration_months") > 30) | ((c("duration_months") == 30) & (c("duration_days") > 0)),
            short=c("duration_months") < 18,
            reviews=pl.max_horizontal(c("ey") - c("sy") - c("late").cast(pl.Int32), 0),
        )
        .select(
            "duration_months",
            "duration_days",
            duration_class=pl.when("short").then(pl.lit("short")).when("long").then(pl.lit("long")).otherwise(pl.lit("medium")),
            budget_usd_micro="budget_usd_micro",
            mid_term_evaluation=~c("short") & ~c("long"),
            annual_reviews=pl.when("long").then("reviews").otherwise(0),
            mid_term_review_if_agreed="long",
            independent_evaluation=c("budget_usd_micro") > THRESHOLD_MICRO,
        )
        .collect()
    )


def delivery(projects: pl.DataFrame, records: pl.DataFrame, year: int, rate4: dict[str, int]) -> pl.DataFrame:
    """Delivery by unit over `year`: Σexpenditure / Σallocation per unit."""
    return (
        records.lazy()
        .filter(pl.col("month").str.starts_with(f"{year}-"))
        .join(projects.lazy().select("id", "unit"), left_on="project", right_on="id", how="left")
        .group_by(group=pl.col("unit").fill_null(UNASSIGNED))
        .agg(
            allocation_micro=usd_micro("allocation", "currency", rate4).sum(),
            expenditure_micro=usd_micro("expenditure", "currency", rate4).sum(),
            records=pl.len(),
        )
        .with_columns(
            rate_percent=pl.when(pl.col("allocation_micro") > 0).then(100 * pl.col("expenditure_micro") / pl.col("allocation_micro"))
        )
        .collect()
    )
