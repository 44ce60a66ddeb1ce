"""Times one tool on one rule, in a process of its own, after checking its answers.

    python benches/peers/bench.py RULE TOOL [--rows N] [--out FILE]

RULE is `requirements` (R6 §143 on N projects) or `delivery` (delivery by unit over
2025 on N monthly records of N/24 projects); TOOL is one of TOOLS below. The tables are
the first N rows of benches/data/ (benches/generate.py), loaded as the tool's user has
them before the clock starts; the clock then covers everything from the user's table to
the answer. The first run's answer is compared with tcrules' (the `tcrules-arrow` run
writes it as the reference): any difference fails the run. Then the tool runs until
about three seconds have passed (at most five times) and the median is kept, with the
process's peak resident memory during those runs. One JSON line goes to FILE.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
OUT = HERE.parent / "out"
YEAR = 2025
RECORDS_PER_PROJECT = 24
RATES: dict[str, str] = json.loads((DATA / "rates.json").read_text())
RATE4 = {"USD": 10_000, **{k: int(round(float(v) * 10_000)) for k, v in RATES.items()}}
BOOLS = ["mid_term_evaluation", "mid_term_review_if_agreed", "independent_evaluation"]
INTS = ["duration_months", "duration_days", "annual_reviews", "budget_usd_micro"]


def kib(field: str) -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field))
    return int(line.split()[1])


def timed(rule: str, tool: str, rows: int, run: Callable[[], Any], check: Callable[[Any], None], out: Path, budget: float) -> dict[str, Any]:
    """Runs `run` once and checks its answer, then times it (median of up to five runs
    within `budget` seconds) with the peak memory from the checked answer on; appends the
    JSON line to `out` and returns it."""
    start = time.perf_counter()
    first = run()
    first_s = time.perf_counter() - start
    check(first)
    del first
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # peak memory from here on
    before = kib("VmRSS")
    times: list[float] = []
    while not times or (sum(times) < budget and len(times) < 5 and first_s < budget):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    line = {
        "rule": rule, "tool": tool, "rows": rows, "runs": len(times), "seconds": seconds,
        "rows_per_s": rows / seconds, "rss_before_kib": before, "peak_rss_kib": kib("VmHWM"),
        "python": platform.python_version(),
    }
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
    return line


def projects(n: int, kind: str) -> Any:
    table = pq.read_table(DATA / "projects.parquet").slice(0, n)
    return {"arrow": lambda: table, "pandas": lambda: table.to_pandas(date_as_object=False), "polars": lambda: pl.from_arrow(table)}[kind]()


def records(n: int, kind: str) -> Any:
    table = pq.read_table(DATA / "records.parquet").slice(0, n)
    return {"arrow": lambda: table, "pandas": lambda: table.to_pandas(), "polars": lambda: pl.from_arrow(table)}[kind]()


def requirements_tool(tool: str, n: int) -> tuple[Callable[[], Any], int]:
    import pandas_peer
    import polars_peer

    if tool.startswith("tcrules-"):
        import tcrules_peer

        table = projects(n, tool.removeprefix("tcrules-"))
        return lambda: tcrules_peer.requirements(table, RATES), n
    if tool.startswith("zen-"):
        import zen_peer

        # zen evaluates row by row: it is timed on the first rows of the table.
        m = min(n, 20_000 if tool == "zen-one" else 200_000)
        table = projects(m, "pandas")
        return lambda: getattr(zen_peer, {"zen-one": "one_by_one", "zen-batch": "batch"}[tool])(table, RATE4), m
    table = projects(n, tool)
    peer = {"pandas": pandas_peer, "polars": polars_peer}[tool]
    return lambda: peer.requirements(table, RATE4), n


def delivery_tool(tool: str, n: int) -> tuple[Callable[[], Any], int]:
    import pandas_peer
    import polars_peer

    kind = tool.removeprefix("tcrules-")
    p, r = projects(-(-n // RECORDS_PER_PROJECT), kind), records(n, kind)
    if tool.startswith("tcrules-"):
        import tcrules_peer

        return lambda: tcrules_peer.delivery(p, r, YEAR, RATES), n
    peer = {"pandas": pandas_peer, "polars": polars_peer}[tool]
    return lambda: peer.delivery(p, r, YEAR, RATE4), n


def requirement_columns(result: Any) -> dict[str, np.ndarray]:
    """The answer's requirement columns as arrays; money in millionths of a dollar."""
    if isinstance(result, pd.DataFrame):
        result = pa.Table.from_pandas(result, preserve_index=False)
    elif isinstance(result, pl.DataFrame):
        result = result.to_arrow()
    out = {}
    if "budget_usd" in result.column_names:
        micro = pa.scalar(1_000_000, pa.decimal128(7, 0))
        usd = result["budget_usd"].cast(pa.decimal128(30, 6))
        out["budget_usd_micro"] = pc.multiply_checked(usd, micro).cast(pa.int64()).to_numpy()
    for name in INTS + BOOLS + ["duration_class"]:
        if name in result.column_names:
            column = result[name].to_numpy(zero_copy_only=False)
            out[name] = column.astype(np.int64 if name in INTS else bool if name in BOOLS else str)
    return out


def delivery_frame(result: Any) -> pd.DataFrame:
    frame = result.to_pandas() if isinstance(result, pl.DataFrame) else result
    return frame.sort_values("group").reset_index(drop=True)


def check(rule: str, tool: str, n: int, result: Any) -> None:
    """Fails the run when the answer differs from tcrules' on the same rows."""
    reference = OUT / f"reference-{rule}-{n}.parquet"
    if rule == "requirements":
        got = requirement_columns(result)
        if tool == "tcrules-arrow":
            pq.write_table(result, reference)
            return
        want = requirement_columns(pq.read_table(reference).slice(0, len(next(iter(got.values())))))
        problems = [k for k in want if not np.array_equal(want[k], got[k])]
    else:
        got = delivery_frame(result)
        if tool == "tcrules-arrow":
            got.to_parquet(reference)
            return
        want = delivery_frame(pd.read_parquet(reference))
        problems = [k for k in ("group", "allocation_micro", "expenditure_micro", "records") if not np.array_equal(want[k].to_numpy(), got[k].to_numpy())]
        close = np.isclose(want["rate_percent"].astype(float), got["rate_percent"].astype(float), rtol=0, atol=5e-5, equal_nan=True)
        problems += [] if close.all() else ["rate_percent"]
    if problems:
        sys.exit(f"{tool} {rule}: answers differ from tcrules' in {', '.join(problems)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rule", choices=["requirements", "delivery"])
    ap.add_argument("tool", choices=["tcrules-arrow", "tcrules-pandas", "tcrules-polars", "pandas", "polars", "zen-one", "zen-batch"])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=OUT / "peers.jsonl")
    ap.add_argument("--budget", type=float, default=3.0, help="seconds of timed runs, about")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    run, rows = (requirements_tool if args.rule == "requirements" else delivery_tool)(args.tool, args.rows)
    line = timed(args.rule, args.tool, rows, run, lambda first: check(args.rule, args.tool, args.rows, first), args.out, args.budget)
    seconds, before = line["seconds"], line["rss_before_kib"]
    print(f"{args.rule:12} {args.tool:15} {rows:>9} rows {seconds * 1e3:10.1f} ms {rows / seconds / 1e6:8.2f} M rows/s "
          f"peak {line['peak_rss_kib'] / 1024:7.0f} MiB (table {before / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
