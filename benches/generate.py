"""Seeded generator of benchmark portfolios: projects, monthly records and approvals.

    python benches/generate.py [--rows N] [--seed S] [--out DIR]

Writes into DIR (default benches/data/, not committed), N rows of each table (default
1,000,000); every smaller benchmark size is a prefix of these, so Rust and Python read
the same rows:

- projects.csv, records.csv, approvals.csv: the core's CSV layout (Rust reads these);
- projects.parquet, records.parquet: the same rows typed as a data scientist has them
  (dates, float amounts as read_csv gives them, text), for the Python peers;
- rates.json: US dollars per unit (at most four decimals, so integer peers stay exact);
- portfolio.json: the first 10,000 rows of each table as one portfolio (JSON ingest);
- activities.xml: the first 10,000 projects as an IATI 2.03 activity file (IATI ingest).

Spreads: durations from 3 to 96 months with a share on the 18- and 30-month edges and
month-end starts (29–31); budgets log-normal around US$300,000 with a share exactly at
US$350,000.00 and 350,000.01; ten currencies; forty units, six regions, five strategic
objectives; two years of monthly records per project with zero allocations and
overspends; approvals from sixty donors in seven categories over thirty years.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

RATES = {
    "USD": "1",
    "EUR": "1.0842",
    "CHF": "1.1285",
    "GBP": "1.2712",
    "JPY": "0.0067",
    "SEK": "0.0951",
    "NOK": "0.0934",
    "DKK": "0.1453",
    "CAD": "0.7391",
    "AUD": "0.6612",
}
BUDGET_CURRENCY_WEIGHTS = [0.62, 0.14, 0.05, 0.04, 0.03, 0.03, 0.03, 0.02, 0.02, 0.02]
REGIONS = ["africa", "asia_pacific", "americas", "arab_states", "europe", "interregional"]
REGION_WEIGHTS = [0.34, 0.25, 0.15, 0.09, 0.10, 0.07]
OBJECTIVES = ["standards", "employment", "social_protection", "social_dialogue", "cross_cutting"]
UNITS = [
    "IPEC", "SKILLS", "EMP/POLICY", "SOCPRO", "MIGRANT", "GENDER", "DIALOGUE", "NORMES",
    "ILOAIDS", "SAFEWORK", "SEED", "COOP", "EMP/INVEST", "INTEGRATION", "STATISTICS",
    "ACTRAV", "ACT/EMP", "GOVERNANCE", "SECTOR", "LAB/ADMIN", "CRISIS", "EMP/ENT",
    "FPRW", "WORKQUALITY", "SOC/SEC", "TRAVAIL", "MULTI", "GREEN", "YOUTH", "INWORK",
    "DEVINVEST", "RO-Africa", "RO-Asia", "RO-Americas", "RO-Arab", "RO-Europe",
    "CO-Dakar", "CO-Manila", "CO-Lima", "CO-Beirut",
]
OUTCOMES = [f"P&B outcome {i}" for i in range(1, 20)]
DONOR_CATEGORIES = [
    "multi_bilateral", "united_nations", "direct_trust_funds", "non_state_actors",
    "international_financial_institutions", "european_union", "other_intergovernmental",
]
DONORS = [(f"Donor {i:02d}", DONOR_CATEGORIES[i % 7 if i % 3 else 0]) for i in range(60)]
SOURCES = ["xbtc", "rbtc", "rbsa"]
RECORD_CURRENCIES = ["USD", "EUR", "CHF"]
MONTHS_PER_PROJECT = 24  # records: 2024-01 to 2025-12 for each project in turn
JSON_ROWS = 10_000


def s(a: pa.Array | np.ndarray) -> pa.Array:
    """Any column as text."""
    return pc.cast(pa.array(a), pa.string())


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def amount_text(cents: np.ndarray) -> pa.Array:
    """Cents as a decimal string with two places."""
    return join(s(cents // 100), ".", pc.utf8_lpad(s(cents % 100), 2, "0"))


def add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """datetime64[D] plus whole months, the day clamped to the end of the target month."""
    month = days.astype("datetime64[M]")
    day = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months.astype(np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day, length - 1)


def cents_lognormal(rng: np.random.Generator, n: int, median: float, sigma: float, low: float, high: float) -> np.ndarray:
    usd = np.clip(rng.lognormal(np.log(median), sigma, n), low, high)
    return np.round(usd * 100).astype(np.int64)


def projects(rng: np.random.Generator, n: int) -> tuple[pa.Table, pa.Table]:
    """The typed table (parquet) and the CSV-layout table."""
    i = np.arange(n)
    ids = join("P", pc.utf8_lpad(s(i), 7, "0"))
    # Starts 2014-2025, mostly on the 1st; some on the 29th-31st (clamped month addition).
    month0 = np.datetime64("2014-01", "M") + rng.integers(0, 12 * 12, n)
    day = np.where(rng.random(n) < 0.55, 0, rng.integers(0, 28, n))
    month_end = rng.random(n) < 0.04
    length = ((month0 + 1).astype("datetime64[D]") - month0.astype("datetime64[D]")).astype(np.int64)
    day = np.where(month_end, length - rng.integers(1, 4, n), day)
    start = month0.astype("datetime64[D]") + day
    # Durations: short, medium, long and very long; whole months or a few days off;
    # a share exactly on (or one day off) the 18- and 30-month edges.
    band = rng.choice(4, n, p=[0.33, 0.37, 0.25, 0.05])
    months = np.choose(band, [rng.integers(3, 18, n), rng.integers(18, 31, n), rng.integers(31, 61, n), rng.integers(61, 97, n)])
    offset = np.where(rng.random(n) < 0.6, 0, rng.integers(-15, 16, n))
    edge = rng.random(n) < 0.05
    months = np.where(edge, rng.choice([18, 30], n), months)
    offset = np.where(edge, rng.integers(-1, 2, n), offset)
    end = np.maximum(add_months(start, months) - 1 + offset, start)
    # Budgets in US dollars, then in the project's currency at the fixed rates.
    usd_cents = cents_lognormal(rng, n, 300_000, 1.1, 15_000, 40_000_000)
    threshold = rng.random(n)
    usd_cents = np.where(threshold < 0.02, 35_000_000, np.where(threshold < 0.04, 35_000_001, usd_cents))
    currency_index = rng.choice(len(RATES), n, p=BUDGET_CURRENCY_WEIGHTS)
    currency_index = np.where(threshold < 0.04, 0, currency_index)
    rate = np.array([float(r) for r in RATES.values()])[currency_index]
    cents = np.where(currency_index == 0, usd_cents, np.round(usd_cents / rate)).astype(np.int64)
    currency = np.array(list(RATES))[currency_index]
    region = np.array(REGIONS)[rng.choice(len(REGIONS), n, p=REGION_WEIGHTS)]
    unit_weights = 1 / np.arange(1, len(UNITS) + 1) ** 0.8
    unit = pa.array(np.array(UNITS)[rng.choice(len(UNITS), n, p=unit_weights / unit_weights.sum())])
    unit = pc.if_else(pa.array(rng.random(n) < 0.02), pa.nulls(n, pa.string()), unit)
    objective = np.array(OBJECTIVES)[rng.integers(0, len(OBJECTIVES), n)]
    typed = pa.table({
        "id": ids,
        "title": join("Project ", s(i)),
        "region": region,
        "unit": unit,
        "strategic_objective": objective,
        "start": pa.array(start, pa.date32()),
        "end": pa.array(end, pa.date32()),
        "budget_amount": cents / 100,
        "budget_currency": currency,
    })
    # What only the full rules read: donors, funding by source, links, evaluation plans.
    donor = rng.integers(0, len(DONORS), n)
    donors = join(np.array([d for d, _ in DONORS])[donor], "|", np.array([c for _, c in DONORS])[donor])
    rbtc = np.where(rng.random(n) < 0.3, np.round(usd_cents * rng.uniform(0.05, 0.3, n)), 0).astype(np.int64)
    xbtc = join("xbtc:", amount_text(usd_cents - rbtc), ":USD")
    funding = pc.if_else(pa.array(rbtc > 0), join(xbtc, ";rbtc:", amount_text(rbtc), ":USD"), xbtc)
    plan = rng.random(n)
    evaluations = pc.if_else(
        pa.array(plan < 0.4),
        join("mid_term|internal_independent||;final|external||", amount_text(usd_cents // 25), " USD"),
        pc.if_else(pa.array(plan < 0.75), pa.array(["final|self_evaluation||"] * n), pa.nulls(n, pa.string())),
    )
    csv = pa.table({
        **{name: typed[name] for name in ("id", "title", "region", "unit", "strategic_objective")},
        "start": s(typed["start"].combine_chunks()),
        "end": s(typed["end"].combine_chunks()),
        "budget_amount": amount_text(cents),
        "budget_currency": currency,
        "donors": donors,
        "funding": funding,
        "pb_outcome": pc.if_else(pa.array(rng.random(n) < 0.9), np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), n)], pa.nulls(n, pa.string())),
        "evaluations": evaluations,
        "constituent_participation": pc.if_else(pa.array(plan < 0.5), pa.array(["tripartite reference group"] * n), pa.nulls(n, pa.string())),
    })
    return typed, csv


def records(rng: np.random.Generator, n: int) -> tuple[pa.Table, pa.Table]:
    i = np.arange(n)
    project = join("P", pc.utf8_lpad(s(i // MONTHS_PER_PROJECT), 7, "0"))
    m = i % MONTHS_PER_PROJECT
    month = join(s(2024 + m // 12), "-", pc.utf8_lpad(s(m % 12 + 1), 2, "0"))
    source = np.array(SOURCES)[rng.choice(3, n, p=[0.75, 0.15, 0.10])]
    currency = np.array(RECORD_CURRENCIES)[rng.choice(3, n, p=[0.80, 0.12, 0.08])]
    allocation = np.where(rng.random(n) < 0.04, 0, cents_lognormal(rng, n, 15_000, 1.0, 100, 2_000_000))
    spent = np.clip(rng.normal(0.65, 0.25, n), 0, 1.6)
    expenditure = np.round(allocation * spent).astype(np.int64)
    expenditure = np.where((allocation == 0) & (rng.random(n) < 0.5), cents_lognormal(rng, n, 2_000, 1.0, 1, 100_000), expenditure)
    base = {"project": project, "month": month, "source": source, "currency": currency}
    typed = pa.table({**base, "allocation": allocation / 100, "expenditure": expenditure / 100})
    csv = pa.table({**base, "allocation": amount_text(allocation), "expenditure": amount_text(expenditure)})
    return typed, csv


def approvals(rng: np.random.Generator, n: int) -> pa.Table:
    donor = rng.integers(0, len(DONORS), n)
    return pa.table({
        "donor": np.array([d for d, _ in DONORS])[donor],
        "category": np.array([c for _, c in DONORS])[donor],
        "year": 1995 + rng.integers(0, 30, n),
        "currency": ["USD"] * n,
        "amount": amount_text(cents_lognormal(rng, n, 1_000_000, 1.3, 10_000, 200_000_000)),
        "locally_mobilized": np.where(rng.random(n) < 0.05, "true", "false"),
    })


def portfolio_json(projects_csv: pa.Table, records_csv: pa.Table, approvals_csv: pa.Table) -> dict:
    """The first rows of each table as a portfolio in the core's JSON form."""
    money = lambda amount, currency: {"amount": amount, "currency": currency}  # noqa: E731
    out = []
    for p in projects_csv.slice(0, JSON_ROWS).to_pylist():
        project = {
            "id": p["id"], "title": p["title"], "region": p["region"], "strategic_objective": p["strategic_objective"],
            "donors": [dict(zip(("name", "category"), p["donors"].split("|")))],
            "start": p["start"], "end": p["end"], "budget": money(p["budget_amount"], p["budget_currency"]),
            "funding": [{"source": f.split(":")[0], "amount": money(*f.split(":")[1:])} for f in p["funding"].split(";")],
            "links": {"pb_outcome": p["pb_outcome"]} if p["pb_outcome"] else {},
        }
        if p["unit"]:
            project["unit"] = p["unit"]
        out.append(project)
    return {
        "name": "generated",
        "rates": {k: v for k, v in RATES.items() if k != "USD"},
        "projects": out,
        "records": [
            {"project": r["project"], "month": r["month"], "source": r["source"],
             "allocation": money(r["allocation"], r["currency"]), "expenditure": money(r["expenditure"], r["currency"])}
            for r in records_csv.slice(0, JSON_ROWS).to_pylist()
        ],
        "approvals": [
            {"donor": a["donor"], "category": a["category"], "year": a["year"], "amount": money(a["amount"], a["currency"]),
             "locally_mobilized": a["locally_mobilized"] == "true"}
            for a in approvals_csv.slice(0, JSON_ROWS).to_pylist()
        ],
    }


def iati_xml(projects_typed: pa.Table, rng: np.random.Generator) -> str:
    """The first rows of the projects as an IATI 2.03 activity file: dates, the lead donor,
    a budget per project year and monthly expenditure transactions."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">']
    for p in projects_typed.slice(0, JSON_ROWS).to_pylist():
        start, end, amount = p["start"], p["end"], p["budget_amount"]
        years = [y for y in range(start.year, end.year + 1)][:3]
        out.append(f'<iati-activity default-currency="{p["budget_currency"]}"><iati-identifier>XM-DAC-41302-{p["id"]}</iati-identifier>')
        out.append(f'<title><narrative>{p["title"]}</narrative></title>')
        out.append(f'<participating-org role="1" type="10"><narrative>{DONORS[int(p["id"][1:]) % 60][0]}</narrative></participating-org>')
        out.append(f'<activity-date type="2" iso-date="{start}"/><activity-date type="3" iso-date="{end}"/>')
        for y in years:
            out.append(f'<budget type="1" status="2"><period-start iso-date="{y}-01-01"/><period-end iso-date="{y}-12-31"/>'
                       f'<value value-date="{y}-01-01">{amount / len(years):.2f}</value></budget>')
        for m, share in enumerate(rng.uniform(0, 2 / 24, 12), start=1):
            out.append(f'<transaction><transaction-type code="4"/><transaction-date iso-date="{years[0]}-{m:02d}-28"/>'
                       f'<value value-date="{years[0]}-{m:02d}-28">{amount * share:.2f}</value></transaction>')
        out.append("</iati-activity>")
    out.append("</iati-activities>\n")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2006)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    typed_projects, csv_projects = projects(rng, args.rows)
    typed_records, csv_records = records(rng, args.rows)
    csv_approvals = approvals(rng, args.rows)
    options = pacsv.WriteOptions(quoting_style="none")  # no value holds a comma or quote
    for name, table in (("projects", csv_projects), ("records", csv_records), ("approvals", csv_approvals)):
        pacsv.write_csv(table, args.out / f"{name}.csv", options)
    pq.write_table(typed_projects, args.out / "projects.parquet")
    pq.write_table(typed_records, args.out / "records.parquet")
    (args.out / "rates.json").write_text(json.dumps({k: v for k, v in RATES.items() if k != "USD"}))
    (args.out / "portfolio.json").write_text(json.dumps(portfolio_json(csv_projects, csv_records, csv_approvals)))
    (args.out / "activities.xml").write_text(iati_xml(typed_projects, rng))
    print(f"{args.rows} projects, records and approvals (seed {args.seed}) in {args.out}")


if __name__ == "__main__":
    main()
