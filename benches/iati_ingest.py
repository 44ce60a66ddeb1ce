"""IATI ingest of whole files: MB/s and peak memory, for the two shapes published files
take (many small activities, as a donor's whole portfolio; few large ones, each with
thousands of transactions), through the release command line (streamed as JSON Lines and
CSV, and held as one JSON document) and the Python streaming reader.

    python benches/iati_ingest.py [--small N] [--large N] [--out FILE]

Writes the files into benches/data/ (not committed) and one JSON line per run to FILE
(default benches/out/iati-ingest.jsonl). Each run is a process of its own, whose peak
resident memory is read from the kernel when it ends (os.wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benches" / "data"
TCRULES = ROOT / "target" / "release" / "tcrules"

SMALL = (
    '<iati-activity default-currency="{cur}"><iati-identifier>XM-DAC-41302-{i:08d}</iati-identifier>'
    '<title><narrative>Activity {i}</narrative></title>'
    '<participating-org role="1" type="10"><narrative>Donor {d}</narrative></participating-org>'
    '<activity-date type="2" iso-date="2019-{m:02d}-01"/><activity-date type="3" iso-date="2021-{m:02d}-28"/>'
    '<policy-marker vocabulary="1" code="1" significance="{g}"/>'
    '<budget><period-start iso-date="2019-{m:02d}-01"/><period-end iso-date="2020-{m:02d}-28"/><value>{b}</value></budget>'
    '<transaction><transaction-type code="3"/><transaction-date iso-date="2019-{m:02d}-15"/><value>{t}</value></transaction>'
    '<transaction><transaction-type code="4"/><transaction-date iso-date="2020-{m:02d}-15"/><value>-{r}</value></transaction>'
    "</iati-activity>\n"
)


def small_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        for i in range(n):
            f.write(SMALL.format(i=i, cur=("USD", "EUR", "GBP")[i % 3], d=i % 60, m=i % 12 + 1, g=i % 3,
                                 b=100_000 + i % 900_000, t=50_000 + i % 7_000, r=i % 100))
        f.write("</iati-activities>\n")


def large_file(path: Path, n: int, transactions: int = 20_000) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        for i in range(n):
            f.write(f'<iati-activity default-currency="USD"><iati-identifier>XM-DAC-41302-L{i:04d}</iati-identifier>'
                    '<activity-date type="2" iso-date="2010-01-01"/><activity-date type="3" iso-date="2024-12-31"/>')
            for y in range(2010, 2025):
                f.write(f'<budget><period-start iso-date="{y}-01-01"/><period-end iso-date="{y}-12-31"/><value>1000000</value></budget>')
            for t in range(transactions):
                y, m, d = 2010 + t % 15, t % 12 + 1, t % 28 + 1
                f.write(f'<transaction><transaction-type code="{3 + t % 2}"/><transaction-date iso-date="{y}-{m:02d}-{d:02d}"/>'
                        f'<value currency="USD" value-date="{y}-{m:02d}-{d:02d}">{(t * 37) % 5000}.{t % 100:02d}</value></transaction>')
            f.write("</iati-activity>\n")
        f.write("</iati-activities>\n")


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident KiB of one process."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv} failed: {status}")
    return seconds, usage.ru_maxrss


PYTHON = "import sys, tcrules; print(sum(b.num_rows for b in tcrules.iter_iati(sys.argv[1], rates={'EUR': '1.08', 'GBP': '1.27'})))"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=200_000, help="activities of the many-small file")
    ap.add_argument("--large", type=int, default=20, help="activities of the few-large file (20,000 transactions each)")
    ap.add_argument("--out", type=Path, default=ROOT / "benches" / "out" / "iati-ingest.jsonl")
    args = ap.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rates = DATA / "iati-rates.json"
    rates.write_text(json.dumps({"EUR": "1.08", "GBP": "1.27"}))
    files = {"many small": (DATA / "iati-small.xml", args.small, small_file),
             "few large": (DATA / "iati-large.xml", args.large, large_file)}
    with args.out.open("w", encoding="utf-8") as out:
        for shape, (path, n, make) in files.items():
            make(path, n)
            size = path.stat().st_size
            runs = {f"tcrules iati --format {fmt}": [str(TCRULES), "--rates", str(rates), "iati", str(path),
                                                    "--as-of", "2026-12-01", "--format", fmt]
                    for fmt in ("jsonl", "csv", "json")}
            runs["Python tcrules.iter_iati"] = [sys.executable, "-c", PYTHON, str(path)]
            for tool, argv in runs.items():
                seconds, peak = min((measure(argv) for _ in range(3)), key=lambda r: r[0])
                row = {"shape": shape, "activities": n, "bytes": size, "tool": tool,
                       "seconds": seconds, "mb_per_s": size / seconds / 1e6, "peak_rss_kib": peak}
                out.write(json.dumps(row) + "\n")
                print(f"{shape:10} {tool:32} {size / 1e6:7.1f} MB {seconds:7.2f} s {size / seconds / 1e6:7.1f} MB/s {peak / 1024:7.1f} MiB")


if __name__ == "__main__":
    main()
