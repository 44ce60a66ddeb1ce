"""Issue 16's shapes, one tool on one rule, in a process of its own, answers checked first.

    python benches/peers/analytics.py RULE TOOL [--projects N] [--out FILE]

RULE is one of:

- `requirements-dated`: R6 §143 on N projects in four currencies, each budget at its own
  start month's rate (dated rates, 6 decimals; RULES.md §2);
- `findings`: every EVAL finding of the N projects as one long table (issue 16's target:
  5 M projects/s); tcrules only, no peer builds the findings;
- `delivery-unit-year`, `delivery-region-year`: delivery (Σexpenditure / Σallocation,
  R6 §140) by unit × year and by region × year, in one call, on 12 monthly records for
  each of N/10 projects spread over 15 years (1.2M records of 100k projects at the default
  N = 1M), each record at its month's rate.

TOOL is `tcrules-arrow`, `tcrules-pandas`, `tcrules-polars`, `pandas` or `polars` (the
peers idiomatic pandas and polars written for the same rules, money exact in integers:
cents times rates in millionths). The tables are generated once, seeded, into
benches/data/analytics-*.parquet and loaded as the tool's user has them before the clock
starts; the clock covers everything from the user's tables to the answer. The first
answer is compared with tcrules' (the `tcrules-arrow` run writes the reference): any
difference fails the run. One JSON line per run goes to FILE, as bench.py writes them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from bench import timed  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
OUT = HERE.parent / "out"
CURRENCIES = ["USD", "EUR", "CHF", "GBP"]
BASE = {"EUR": 1.0842, "CHF": 1.1285, "GBP": 1.2712}
FIRST_YEAR, YEARS = 2010, 15
MONTHS = YEARS * 12
UNITS = [f"UNIT-{i:02d}" for i in range(40)]
REGIONS = ["africa", "asia_pacific", "americas", "arab_states", "europe", "interregional"]
THRESHOLD_E8 = 350_000 * 10**8  # US$350,000 in hundred-millionths (cents × rate in millionths)
RECORDS_PER_PROJECT = 12


def month_text(k: np.ndarray) -> pa.Array:
    """Month number k (0 = 2010-01) as `YYYY-MM`."""
    years = pc.cast(pa.array(FIRST_YEAR + k // 12), pa.string())
    months = pc.utf8_lpad(pc.cast(pa.array(k % 12 + 1), pa.string()), 2, "0")
    return pc.binary_join_element_wise(years, months, "-")


def generate(n: int, path: Path) -> None:
    """Rates, projects and records for `n` projects (records for the first n/10)."""
    rng = np.random.default_rng(2006)
    k = np.arange(MONTHS)
    rates = []
    for c, base in BASE.items():
        wave = base * (1 + 0.04 * np.sin(k / 7.0 + len(c)) + 0.01 * rng.standard_normal(MONTHS))
        rates.append(pa.table({
            "currency": pa.array([c] * MONTHS),
            "month": month_text(k),
            "rate_micro": pa.array(np.round(wave * 1_000_000).astype(np.int64)),
        }))
    rates = pa.concat_tables(rates)
    text = [f"{m // 1_000_000}.{m % 1_000_000:06d}" for m in rates["rate_micro"].to_pylist()]
    rates = rates.append_column("rate", pa.array(text).cast(pa.decimal128(12, 6)))
    pq.write_table(rates, path / "analytics-rates.parquet")
    start_day = rng.integers(0, (date(FIRST_YEAR + YEARS, 1, 1) - date(FIRST_YEAR, 1, 1)).days, n)
    starts = np.datetime64(f"{FIRST_YEAR}-01-01") + start_day.astype("timedelta64[D]")
    length = rng.integers(90, 3000, n).astype("timedelta64[D]")
    cents = np.round(np.exp(rng.normal(np.log(30_000_000), 0.8, n))).astype(np.int64)
    projects = pa.table({
        "id": pc.binary_join_element_wise(pa.array(["P"] * n), pc.cast(pa.array(np.arange(n)), pa.string()), ""),
        "title": pa.array(["project"] * n),
        "start": pa.array(starts.astype("datetime64[D]")),
        "end": pa.array((starts + length).astype("datetime64[D]")),
        "budget_amount": pa.array(cents / 100.0),
        "budget_currency": pa.array(np.array(CURRENCIES)[rng.choice(4, n, p=[0.55, 0.25, 0.1, 0.1])]),
        "unit": pa.array(np.array(UNITS)[rng.integers(0, len(UNITS), n)]),
        "region": pa.array(np.array(REGIONS)[rng.integers(0, len(REGIONS), n)]),
    })
    pq.write_table(projects, path / "analytics-projects.parquet")
    p = max(n // 10, 1)
    first = rng.integers(0, MONTHS - RECORDS_PER_PROJECT, p)
    which = np.repeat(np.arange(p), RECORDS_PER_PROJECT)
    month = first[which] + np.tile(np.arange(RECORDS_PER_PROJECT), p)
    alloc = rng.integers(0, 5_000_000, len(which))
    alloc[rng.random(len(which)) < 0.03] = 0
    spent = np.round(alloc * rng.uniform(0.2, 1.3, len(which))).astype(np.int64)
    records = pa.table({
        "project": pc.take(projects["id"], pa.array(which)),
        "month": month_text(month),
        "currency": pc.take(projects["budget_currency"], pa.array(which)),
        "allocation": pa.array(alloc / 100.0),
        "expenditure": pa.array(spent / 100.0),
    })
    pq.write_table(records, path / "analytics-records.parquet")


def load(name: str, kind: str) -> Any:
    table = pq.read_table(DATA / f"analytics-{name}.parquet")
    pandas = lambda: table.to_pandas(date_as_object=False)  # noqa: E731
    return {"arrow": lambda: table, "pandas": pandas, "polars": lambda: pl.from_arrow(table)}[kind]()


# --- pandas ------------------------------------------------------------------------------


def pandas_rates(rates: pd.DataFrame) -> pd.DataFrame:
    usd = pd.DataFrame({"currency": "USD", "month": rates["month"].unique(), "rate_micro": 1_000_000})
    return pd.concat([rates[["currency", "month", "rate_micro"]], usd], ignore_index=True)


def pandas_requirements(projects: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    import pandas_peer

    out = pandas_peer.requirements(projects, {c: 10_000 for c in CURRENCIES})
    month = projects["start"].dt.strftime("%Y-%m")
    rate = pd.DataFrame({"currency": projects["budget_currency"], "month": month}).merge(
        pandas_rates(rates), on=["currency", "month"], how="left"
    )["rate_micro"]
    usd = (projects["budget_amount"] * 100).round().astype("int64").to_numpy() * rate.astype("int64").to_numpy()
    out["budget_usd_e8"] = usd
    out["independent_evaluation"] = usd > THRESHOLD_E8
    return out.drop(columns=["budget_usd_micro"])


def pandas_delivery(records: pd.DataFrame, projects: pd.DataFrame, rates: pd.DataFrame, key: str) -> pd.DataFrame:
    r = records.merge(projects[["id", key]], left_on="project", right_on="id", how="left")
    r = r.merge(pandas_rates(rates), on=["currency", "month"], how="left")
    cents = lambda s: (r[s] * 100).round().astype("int64")  # noqa: E731
    sums = pd.DataFrame({
        key: r[key],
        "year": r["month"].str.slice(0, 4).astype("int32"),
        "allocation_e8": cents("allocation") * r["rate_micro"],
        "expenditure_e8": cents("expenditure") * r["rate_micro"],
    }).groupby([key, "year"], sort=True).agg(
        allocation_e8=("allocation_e8", "sum"), expenditure_e8=("expenditure_e8", "sum"), records=("allocation_e8", "size")
    ).reset_index()
    sums["rate"] = (sums["expenditure_e8"] / sums["allocation_e8"]).where(sums["allocation_e8"] > 0)
    return sums


# --- polars ------------------------------------------------------------------------------


def polars_rates(rates: pl.DataFrame) -> pl.LazyFrame:
    usd = rates.lazy().select("month").unique().with_columns(currency=pl.lit("USD"), rate_micro=pl.lit(1_000_000, pl.Int64))
    return pl.concat([rates.lazy().select("currency", "month", "rate_micro"), usd.select("currency", "month", "rate_micro")])


def polars_requirements(projects: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    import polars_peer

    out = polars_peer.requirements(projects, {c: 10_000 for c in CURRENCIES})
    rate = (
        projects.lazy()
        .select(currency="budget_currency", month=pl.col("start").dt.strftime("%Y-%m"), cents=(pl.col("budget_amount") * 100).round().cast(pl.Int64))
        .join(polars_rates(rates), on=["currency", "month"], how="left", maintain_order="left")
        .select(budget_usd_e8=pl.col("cents") * pl.col("rate_micro"))
        .collect()
    )
    return out.drop("budget_usd_micro").with_columns(
        budget_usd_e8=rate["budget_usd_e8"], independent_evaluation=rate["budget_usd_e8"] > THRESHOLD_E8
    )


def polars_delivery(records: pl.DataFrame, projects: pl.DataFrame, rates: pl.DataFrame, key: str) -> pl.DataFrame:
    cents = lambda s: (pl.col(s) * 100).round().cast(pl.Int64) * pl.col("rate_micro")  # noqa: E731
    return (
        records.lazy()
        .join(projects.lazy().select("id", key), left_on="project", right_on="id", how="left")
        .join(polars_rates(rates), on=["currency", "month"], how="left")
        .group_by(key, year=pl.col("month").str.slice(0, 4).cast(pl.Int32))
        .agg(allocation_e8=cents("allocation").sum(), expenditure_e8=cents("expenditure").sum(), records=pl.len())
        .with_columns(rate=pl.when(pl.col("allocation_e8") > 0).then(pl.col("expenditure_e8") / pl.col("allocation_e8")))
        .sort(key, "year")
        .collect()
    )


# --- tcrules -----------------------------------------------------------------------------


def tcrules_rates(rates: Any) -> Any:
    """The rates table as the user has it: currency, month, rate (6 decimals)."""
    return rates[["currency", "month", "rate"]] if not isinstance(rates, pa.Table) else rates.select(["currency", "month", "rate"])


def tool(rule: str, name: str) -> Callable[[], Any]:
    kind = name.removeprefix("tcrules-")
    projects, rates = load("projects", kind), load("rates", kind)
    if rule == "findings":
        import tcrules

        return lambda: tcrules.findings(projects, rates=tcrules_rates(rates))
    if rule == "requirements-dated":
        if name.startswith("tcrules-"):
            import tcrules

            return lambda: tcrules.requirements(projects, rates=tcrules_rates(rates))
        return {"pandas": lambda: pandas_requirements(projects, rates), "polars": lambda: polars_requirements(projects, rates)}[name]
    key = rule.split("-")[1]
    records = load("records", kind)
    if name.startswith("tcrules-"):
        import tcrules

        # Only the columns the keys read: a projects table is looked up by id.
        p = projects[["id", key]] if kind == "pandas" else projects.select(["id", key])
        return lambda: tcrules.delivery_by(records, [key, "year"], projects=p, rates=tcrules_rates(rates))
    return {"pandas": lambda: pandas_delivery(records, projects, rates, key), "polars": lambda: polars_delivery(records, projects, rates, key)}[name]


def as_arrow(result: Any) -> pa.Table:
    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, pl.DataFrame):
        return result.to_arrow()
    return result


def e8(column: pa.ChunkedArray) -> np.ndarray:
    """An exact decimal column in hundred-millionths of a dollar."""
    return pc.multiply_checked(column.cast(pa.decimal128(28, 8)), pa.scalar(10**8, pa.decimal128(9, 0))).cast(pa.int64()).to_numpy()


def answer(rule: str, result: Any) -> dict[str, np.ndarray]:
    """The answer's columns to compare, money in hundred-millionths of a dollar."""
    t = as_arrow(result)
    out: dict[str, np.ndarray] = {}
    if rule == "findings":
        for c in ("row", "rule", "status"):
            out[c] = t[c].to_numpy(zero_copy_only=False).astype(str)
        return out
    if rule == "requirements-dated":
        out["budget_usd_e8"] = t["budget_usd_e8"].to_numpy() if "budget_usd_e8" in t.column_names else e8(t["budget_usd"])
        for c in ("duration_months", "duration_days", "annual_reviews"):
            out[c] = t[c].to_numpy(zero_copy_only=False).astype(np.int64)
        for c in ("independent_evaluation", "mid_term_evaluation"):
            out[c] = t[c].to_numpy(zero_copy_only=False).astype(bool)
        return out
    key = rule.split("-")[1]
    out["key"] = t[key].to_numpy(zero_copy_only=False).astype(str)
    out["year"] = t["year"].to_numpy(zero_copy_only=False).astype(np.int64)
    for c in ("allocation", "expenditure"):
        out[c] = t[f"{c}_e8"].to_numpy() if f"{c}_e8" in t.column_names else e8(t[f"{c}_usd"])
    out["records"] = t["records"].to_numpy(zero_copy_only=False).astype(np.int64)
    out["rate"] = np.nan_to_num(t["rate"].to_numpy(zero_copy_only=False).astype(float), nan=-1.0)
    return out


def fresh_write_gb_per_s(size: int = 1 << 30) -> float:
    """How fast this process fills memory it has not touched yet (page faults and writes):
    what bounds building a large result."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        a = np.empty(size, dtype=np.uint8)
        a.fill(1)
        best = min(best, time.perf_counter() - start)
        del a
    return size / best / 1e9


def check(rule: str, name: str, n: int, result: Any) -> None:
    if rule == "findings" and name == "tcrules-arrow":
        # The size of the answer, and the machine's rate of writing fresh memory: the
        # findings table's bound (benches/report.py).
        t = as_arrow(result)
        size = {"projects": n, "rows": t.num_rows, "bytes": t.nbytes, "fresh_write_gb_per_s": fresh_write_gb_per_s()}
        (OUT / "findings-size.json").write_text(json.dumps(size))
    got = answer(rule, result)
    reference = OUT / f"reference-{rule}-{n}.npz"
    if name == "tcrules-arrow":
        np.savez(reference, **got)
        return
    want = dict(np.load(reference))
    problems = [k for k in want if k != "rate" and not np.array_equal(want[k], got[k])]
    if "rate" in want and not np.allclose(want["rate"], got["rate"], rtol=1e-12, atol=0):
        problems.append("rate")
    if problems:
        sys.exit(f"{name} {rule}: answers differ from tcrules' in {', '.join(problems)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rule", choices=["requirements-dated", "findings", "delivery-unit-year", "delivery-region-year"])
    ap.add_argument("tool", choices=["tcrules-arrow", "tcrules-pandas", "tcrules-polars", "pandas", "polars"])
    ap.add_argument("--projects", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=OUT / "peers.jsonl")
    ap.add_argument("--budget", type=float, default=3.0, help="seconds of timed runs, about")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    stamp = DATA / "analytics-rows.txt"
    if not stamp.exists() or stamp.read_text() != str(args.projects):
        generate(args.projects, DATA)
        stamp.write_text(str(args.projects))
    run = tool(args.rule, args.tool)
    per_project = args.rule in ("requirements-dated", "findings")
    rows = pq.read_metadata(DATA / ("analytics-projects.parquet" if per_project else "analytics-records.parquet")).num_rows
    line = timed(args.rule, args.tool, rows, run, lambda first: check(args.rule, args.tool, args.projects, first), args.out, args.budget)
    seconds = line["seconds"]
    print(f"{args.rule:20} {args.tool:15} {rows:>9} rows {seconds * 1e3:10.1f} ms {rows / seconds / 1e6:8.2f} M rows/s")


if __name__ == "__main__":
    main()
