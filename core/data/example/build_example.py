#!/usr/bin/env python3
"""Builds core/data/example/portfolio.json, the example portfolio shipped with tcrules.

Real facts come from the seed documents (see `provenance.source` of each item):
- projects on labour migration with their real start and end dates (seed 002), and
  projects on rights at work, equality and forced labour (seed 000);
- R6 Annex 2: approvals by donor and year, 2000-04 (core/data/source/annex2_approvals.csv, transcribed from
  the report and checked by check_annex2.py there), and R6 Table V.1's 1995-99 averages by source.
Every figure the seeds do not give — budgets, funding splits, evaluation plans, links,
monthly records, exchange rates, seed money — is illustrative and marked as such
(`provenance.illustrative` names the fields; records and seed money carry
`"illustrative": true`).

Run from the repository root: python3 core/data/example/build_example.py
"""

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
S000 = "seed 000 (ILO technical cooperation projects: rights at work, equality, forced labour)"
S002 = "seed 002 (ILO projects on labour migration)"


def usd(amount):
    return {"amount": str(amount), "currency": "USD"}


def money(amount, currency):
    return {"amount": str(amount), "currency": currency}


def plan(*evals, agreed=False, constituents=None):
    out = {"planned": [dict(zip(("kind", "independence", "due", "budget"), e)) for e in evals],
           "mid_term_review_agreed": agreed}
    for e in out["planned"]:
        if e.get("due") is None:
            e.pop("due", None)
        if e.get("budget") is None:
            e.pop("budget", None)
    if constituents:
        out["constituent_participation"] = constituents
    return out


ILLUSTRATIVE_BASE = ["budget", "funding", "links", "evaluation_plan", "unit", "field_office"]

# id, title, country, region, objective, start, end, donors, source text, extra illustrative fields,
# budget, funding, links, plan, unit, field office
PROJECTS = [
    dict(id="MIG-TJK", title="Community development through employment creation and improved migration management in Tajikistan",
         country="Tajikistan", region="europe", strategic_objective="employment",
         start="2007-06-01", end="2009-06-30",
         donors=[{"name": "Russian Federation", "category": "multi_bilateral"}],
         source=f"{S002}: 1 June 2007 - 30 June 2009", extra=["donors"],
         budget=usd("1250000.00"),
         funding=[("xbtc", usd("1150000.00")), ("rbtc", usd("100000.00"))],
         links={"pb_outcome": "2008-09/3b labour migration", "dwcp_outcome": "TJK 2: employment of migrants' families", "country_has_dwcp": True},
         plan=plan(("mid_term", "internal_independent", "2008-06-15", usd("25000")), ("final", "external", "2009-06-30", usd("45000")),
                   constituents="tripartite reference group of the Ministry of Labour, employers' and workers' organizations"),
         unit="MIGRANT", field_office="ILO Moscow"),
    dict(id="MIG-ASIA", title="Asian Programme on the Governance of Labour Migration",
         country=None, region="asia_pacific", strategic_objective="social_protection",
         start="2006-01-01", end="2009-04-30",
         donors=[{"name": "European Union", "category": "european_union"}],
         source=f"{S002}: 1 January 2006 - 30 April 2009; supported by the European Union", extra=[],
         budget=money("3000000.00", "EUR"),
         funding=[("xbtc", money("3000000.00", "EUR"))],
         links={"pb_outcome": "2008-09/3b labour migration"},
         plan=plan(("annual_review", "self_evaluation", "2007-01-01"), ("annual_review", "self_evaluation", "2008-01-01"),
                   ("annual_review", "self_evaluation", "2009-01-01"), ("mid_term_review", "internal_independent", "2007-08-31", usd("30000")),
                   ("final", "external", "2009-04-30", usd("60000")), agreed=True,
                   constituents="regional tripartite advisory committee"),
         unit="MIGRANT", field_office="ILO Bangkok"),
    dict(id="MIG-CHN", title="Capacity building for migration management in China",
         country="China", region="asia_pacific", strategic_objective="social_protection",
         start="2007-10-01", end="2009-03-01",
         donors=[{"name": "European Commission", "category": "european_union"},
                 {"name": "Italy (Ministry of Interior)", "category": "multi_bilateral"},
                 {"name": "United Kingdom (Border Agency)", "category": "multi_bilateral"}],
         source=f"{S002}: 1 October 2007 - 1 March 2009; co-implemented with IOM, financed by the European Commission with co-funding from the Italian Ministry of Interior and the UK Border Agency",
         extra=[], budget=money("2500000.00", "EUR"),
         funding=[("xbtc", money("2500000.00", "EUR"))],
         links={"pb_outcome": "2008-09/3b labour migration", "country_has_dwcp": True},
         plan=plan(("final", "self_evaluation", "2009-03-01")),
         unit="MIGRANT", field_office="ILO Beijing"),
    dict(id="MIG-IDN", title="Combating Forced Labour and Trafficking of Indonesian Migrant Workers",
         country="Indonesia", region="asia_pacific", strategic_objective="standards",
         start="2006-09-01", end="2008-08-31",
         donors=[{"name": "Norway", "category": "multi_bilateral"}],
         source=f"{S002}: 1 September 2006 - 31 August 2008", extra=["donors"],
         budget=usd("350000.00"),
         funding=[("xbtc", usd("350000.00"))],
         links={"pb_outcome": "2008-09/1a fundamental principles and rights at work", "dwcp_outcome": "IDN 1.3 forced labour of migrant workers", "country_has_dwcp": True},
         plan=plan(("final", "internal_independent", "2008-08-31", usd("12000")),
                   constituents="national tripartite steering committee"),
         unit="SAP-FL", field_office="ILO Jakarta"),
    dict(id="MIG-TRAFW", title="Employment, vocational training opportunities and migration policy measures to prevent and reduce trafficking in women",
         country=None, region="europe", strategic_objective="standards",
         start="2003-10-01", end="2008-06-30",
         donors=[{"name": "Germany", "category": "multi_bilateral"}],
         source=f"{S002}: 1 October 2003 - 30 June 2008", extra=["donors", "region"],
         budget=usd("1800000.00"),
         funding=[("xbtc", usd("1800000.00"))],
         links={"pb_outcome": "2008-09/1a fundamental principles and rights at work"},
         plan=plan(("annual_review", "self_evaluation", "2004-10-01"), ("annual_review", "self_evaluation", "2005-10-01"),
                   ("final", "external", "2008-06-30", usd("40000"))),
         unit="SAP-FL", field_office="ILO Budapest"),
    dict(id="MIG-AFG", title="Capacity building for return, reintegration and temporary migration of Afghan workers and their protection",
         country="Afghanistan", region="asia_pacific", strategic_objective="employment",
         start="2006-05-01", end="2008-06-30",
         donors=[{"name": "UNHCR", "category": "united_nations", "locally_mobilized": True}],
         source=f"{S002}: 1 May 2006 - 30 June 2008; follow-up of work with UNHCR since 2004", extra=["donors"],
         budget=usd("420000.00"),
         funding=[("xbtc", usd("420000.00"))],
         links={},
         plan=plan(("mid_term", "self_evaluation", "2007-05-31"), ("final", "self_evaluation", "2008-06-30")),
         unit="MIGRANT", field_office="ILO Kabul"),
    dict(id="MIG-JPN", title="ILO/Japan Cross-border Movement of Labour Project",
         country=None, region="asia_pacific", strategic_objective="employment",
         start="2007-01-01", end="2008-01-31",
         donors=[{"name": "Japan", "category": "multi_bilateral"}],
         source=f"{S002}: 1 January 2007 - 31 January 2008; ILO/Japan multi-bilateral programme",
         extra=["donors"],  # Japan is read from the title; the seed names no donor
         budget=usd("300000.00"),
         funding=[("xbtc", usd("270000.00")), ("rb", usd("30000.00"))],
         links={"pb_outcome": "2008-09/3b labour migration"},
         plan=plan(("final", "self_evaluation", "2008-01-31"), constituents="regional tripartite meeting"),
         unit="MIGRANT", field_office="ILO Bangkok"),
    dict(id="MIG-SAHEL", title="Technical assistance to better regulate migratory flows from Senegal, Mauritania and Mali to Spain",
         country=None, region="africa", strategic_objective="employment",
         start="2006-11-01", end="2007-06-30",
         donors=[{"name": "Spain", "category": "multi_bilateral"}],
         source=f"{S002}: 1 November 2006 - 30 June 2007", extra=["donors"],
         budget=money("200000.00", "EUR"),
         funding=[("xbtc", money("200000.00", "EUR"))],
         links={"pb_outcome": "2006-07/2a employment and migration"},
         plan=plan(("final", "self_evaluation", "2007-06-30")),
         unit="MIGRANT", field_office="ILO Dakar"),
    dict(id="MIG-EUINT", title="Promoting equality in diversity: Integration in Europe",
         country=None, region="europe", strategic_objective="standards",
         start="2004-02-01", end="2006-06-30",
         donors=[{"name": "European Union", "category": "european_union"}],
         source=f"{S002}: 1 February 2004 - 30 June 2006; financial support of the EU", extra=[],
         budget=money("600000.00", "EUR"),
         funding=[("xbtc", money("600000.00", "EUR"))],
         links={"pb_outcome": "2004-05/1a equality and non-discrimination"},
         plan=plan(("mid_term", "internal_independent", "2005-04-15", usd("15000")), ("final", "external", "2006-06-30", usd("30000")),
                   constituents="social partner networks in the member countries"),
         unit="MIGRANT", field_office="ILO Brussels"),
    dict(id="MIG-AFRICA", title="Project on labour migration as an instrument of development and integration in East Africa, West Africa and North Africa",
         country=None, region="africa", strategic_objective="employment",
         start="2004-08-01", end="2006-06-30",
         donors=[{"name": "Italy", "category": "multi_bilateral"}],
         source=f"{S002}: 1 August 2004 - 30 June 2006", extra=["donors"],
         budget=usd("500000.00"),
         funding=[("xbtc", usd("500000.00"))],
         links={"pb_outcome": "2004-05/2a employment and migration"},
         plan=plan(("mid_term", "self_evaluation", "2005-07-15"), ("final", "self_evaluation", "2006-06-30")),
         unit="MIGRANT", field_office="ILO Dakar"),
    dict(id="FPRW-MMR", title="Promoting Rights at Work in Myanmar",
         country="Myanmar", region="asia_pacific", strategic_objective="standards",
         start="2012-10-01", end="2015-09-30",
         donors=[{"name": "United States (Department of State)", "category": "multi_bilateral"}],
         source=f"{S000}: published 21 September 2012; donor US Department of State", extra=["start", "end"],
         budget=usd("1500000.00"),
         funding=[("xbtc", usd("1500000.00"))],
         links={"pb_outcome": "2012-13/14 freedom of association", "country_has_dwcp": False, "national_framework": "political reform and transition process"},
         plan=plan(("annual_review", "self_evaluation", "2013-10-01"), ("annual_review", "self_evaluation", "2014-10-01"),
                   ("final", "external", "2015-09-30", usd("50000"))),
         unit="DECLARATION", field_office="ILO Yangon"),
    dict(id="GEN-JOR", title="Promoting pay equity in Jordan",
         country="Jordan", region="arab_states", strategic_objective="standards",
         start="2010-03-01", end="2012-02-29",
         donors=[{"name": "Norway", "category": "multi_bilateral"}],
         source=f"{S000}: working in Jordan since March 2010 with the Ministry of Labour and JNCW; tripartite-plus National Steering Committee for Pay Equity launched July 2011",
         extra=["start", "end", "donors"],  # the seed gives the month, not the day
         budget=usd("350000.01"),
         funding=[("xbtc", usd("320000.01")), ("rbtc", usd("30000.00"))],
         links={"pb_outcome": "2010-11/18 equality at work", "country_has_dwcp": True},
         plan=plan(("final", "self_evaluation", "2012-02-29"), constituents="National Steering Committee for Pay Equity (tripartite plus)"),
         unit="GENDER", field_office="ILO Beirut"),
    dict(id="FPRW-IND-DALIT", title="Promoting equality in employment for the Dalit Community in India",
         country="India", region="asia_pacific", strategic_objective="standards",
         start="2011-01-01", end="2011-12-31",
         donors=[],
         source=f"{S000}: US$200,000 allocated from the Special Programme Account for NORMES and DECLARATION in 2011, of which $100,000 for work in India",
         extra=["start", "end"],
         budget=usd("100000.00"),
         funding=[("other", usd("100000.00"))],
         links={"pb_outcome": "2010-11/18 equality at work"},
         plan=plan(("final", "self_evaluation", "2011-12-31")),
         unit="NORMES", field_office="ILO New Delhi"),
    dict(id="GEN-IND-DEW", title="Decent Employment for Women - India (DEW)",
         country="India", region="asia_pacific", strategic_objective="employment",
         start="2001-01-01", end="2005-12-31",
         donors=[{"name": "United States (Department of Labor)", "category": "multi_bilateral"}],
         source=f"{S000}: implemented from 2001 to 2005, funded by USDOL", extra=["start", "end"],
         budget=usd("2400000.00"),
         funding=[("xbtc", usd("2400000.00"))],
         links={"pb_outcome": "2004-05/2a employment of women"},
         plan=plan(("annual_review", "self_evaluation", "2002-01-01"), ("annual_review", "self_evaluation", "2003-01-01"),
                   ("annual_review", "self_evaluation", "2004-01-01"), ("annual_review", "self_evaluation", "2005-01-01"),
                   ("final", "external", "2005-12-31", usd("45000"))),
         unit="GENDER", field_office="ILO New Delhi"),
    dict(id="GEN-BGD-WEEH", title="Women's Empowerment through Employment and Health (WEEH) - Bangladesh",
         country="Bangladesh", region="asia_pacific", strategic_objective="social_protection",
         start="2001-01-01", end="2005-12-31",
         donors=[{"name": "United States (Department of Labor)", "category": "multi_bilateral"}],
         source=f"{S000}: implemented from 2001 to 2005 with financial support of USDOL", extra=["start", "end"],
         budget=usd("3100000.00"),
         funding=[("xbtc", usd("3100000.00"))],
         links={"pb_outcome": "2004-05/3b micro-health insurance"},
         plan=plan(("annual_review", "self_evaluation", "2002-01-01"), ("annual_review", "self_evaluation", "2003-01-01"),
                   ("final", "external", "2005-12-31", usd("50000")), constituents="tripartite project advisory committee"),
         unit="GENDER", field_office="ILO Dhaka"),
    dict(id="GEN-COL", title="Improvement of Labour Relations and the Promotion of Women's Economic Equality in Colombia",
         country="Colombia", region="americas", strategic_objective="social_dialogue",
         start="2001-11-01", end="2005-09-30",
         donors=[{"name": "United States (Department of Labor)", "category": "multi_bilateral"}],
         source=f"{S000}: implemented from November 2001 to September 2005, funded by USDOL", extra=["start", "end"],
         budget=usd("2900000.00"),
         funding=[("xbtc", usd("2900000.00"))],
         links={"pb_outcome": "2004-05/4a social dialogue"},
         plan=plan(("annual_review", "self_evaluation", "2002-11-01"), ("annual_review", "self_evaluation", "2003-11-01"),
                   ("annual_review", "self_evaluation", "2004-11-01"), ("mid_term_review", "internal_independent", "2003-10-15", usd("20000")),
                   ("final", "external", "2005-09-30", usd("40000")), agreed=True,
                   constituents="national and regional tripartite fora"),
         unit="DECLARATION", field_office="ILO Lima"),
    dict(id="FPRW-PAMODEC3", title="Programme d'appui à la mise en oeuvre de la Déclaration de 1998 (PAMODEC), phase III",
         country=None, region="africa", strategic_objective="standards",
         start="2012-01-01", end="2015-12-31",
         donors=[{"name": "France", "category": "multi_bilateral"}],
         source=f"{S000}: financed by the French Government, launched in 2000, third phase began early 2012, covering 17 African and 6 Union for the Mediterranean countries",
         extra=["start", "end"],  # "early 2012": the day is illustrative
         budget=money("4000000.00", "EUR"),
         funding=[("xbtc", money("4000000.00", "EUR")), ("rbtc", usd("150000.00"))],
         links={"pb_outcome": "2012-13/18 fundamental principles and rights at work"},
         plan=plan(("annual_review", "self_evaluation", "2013-01-01"), ("final", "external", "2015-12-31", usd("80000"))),
         unit="DECLARATION", field_office="ILO Dakar"),
    dict(id="FL-LKA", title="Prevention of trafficking in persons through improved management of labour migration in Sri Lanka",
         country="Sri Lanka", region="asia_pacific", strategic_objective="standards",
         start="2010-10-01", end="2012-09-30",
         donors=[{"name": "United States (Department of State)", "category": "multi_bilateral"}],
         source=f"{S000}: published 24 September 2010", extra=["start", "end", "donors"],
         budget=usd("500000.00"),
         funding=[("xbtc", usd("500000.00"))],
         links={"pb_outcome": "2010-11/15 forced labour", "country_has_dwcp": True, "dwcp_outcome": "LKA 2.1 safe labour migration"},
         plan=plan(("mid_term", "internal_independent", "2011-09-30", usd("18000")), ("final", "external", "2012-09-30", usd("30000")),
                   constituents="Ministry of Foreign Employment, employers' federation and trade unions in the evaluation reference group"),
         unit="SAP-FL", field_office="ILO Colombo"),
    dict(id="FL-ZMB", title="Support to the Government of Zambia for the Implementation of Policy and the National Plan of Action against Human Trafficking",
         country="Zambia", region="africa", strategic_objective="standards",
         start="2009-11-01", end="2011-10-31",
         donors=[{"name": "UN joint programme (ILO, IOM, UNICEF)", "category": "united_nations", "locally_mobilized": True}],
         source=f"{S000}: published 4 November 2009; UN Country Team joint programme with IOM and UNICEF",
         extra=["start", "end", "donors"],  # the seed names no donor, nor local mobilization
         budget=usd("280000.00"),
         funding=[("xbtc", usd("280000.00"))],
         links={"pb_outcome": "2010-11/15 forced labour"},
         plan=None,
         unit="SAP-FL", field_office="ILO Lusaka"),
]


def project(d):
    p = {"id": d["id"], "title": d["title"]}
    for k in ("country", "region", "unit", "field_office", "strategic_objective"):
        if d.get(k):
            p[k] = d[k]
    if d["donors"]:
        p["donors"] = d["donors"]
    p.update(start=d["start"], end=d["end"], budget=d["budget"])
    p["funding"] = [{"source": s, "amount": m} for s, m in d["funding"]]
    p["links"] = d["links"]
    if d["plan"] is not None:
        p["evaluation_plan"] = d["plan"]
    illustrative = ILLUSTRATIVE_BASE + ["strategic_objective"] + d["extra"]
    if d["plan"] is None:
        illustrative.remove("evaluation_plan")
    p["provenance"] = {"source": d["source"], "illustrative": sorted(set(illustrative))}
    return p


def records():
    """Illustrative monthly allocation and expenditure, 2008 and January-June 2009."""
    rng = random.Random(2006)
    plans = {  # project: (monthly XB allocation, delivery tendency, RBTC per month or 0)
        "MIG-TJK": (45000, 0.72, 4000),
        "MIG-ASIA": (90000, 0.66, 0),
        "MIG-CHN": (110000, 0.48, 0),
        "MIG-IDN": (14000, 0.81, 0),
        "MIG-TRAFW": (30000, 0.58, 0),
        "MIG-AFG": (16000, 1.12, 0),
        "MIG-JPN": (20000, 0.7, 2500),
    }
    ends = {p["id"]: p["end"] for p in PROJECTS}
    out = []
    for pid, (alloc, tendency, rbtc) in plans.items():
        for year, months in ((2008, range(1, 13)), (2009, range(1, 7))):
            for m in months:
                month = f"{year}-{m:02d}"
                if month > ends[pid][:7]:
                    continue
                a = round(alloc * rng.uniform(0.8, 1.2), -2)
                e = round(a * tendency * rng.uniform(0.75, 1.25), -2)
                cur = "EUR" if pid in ("MIG-ASIA", "MIG-CHN") else "USD"
                out.append({"project": pid, "month": month, "source": "xbtc",
                            "allocation": money(f"{a:.2f}", cur), "expenditure": money(f"{e:.2f}", cur),
                            "illustrative": True})
                if rbtc:
                    # RBTC is spent more in the biennium's second year (R6 §162).
                    share = 0.7 if year % 2 == 1 else 0.45
                    r = round(rbtc * share * rng.uniform(0.8, 1.2) * 2, -2)
                    out.append({"project": pid, "month": month, "source": "rbtc",
                                "allocation": usd(f"{rbtc:.2f}"), "expenditure": usd(f"{r:.2f}"),
                                "illustrative": True})
    # One project with expenditure but no allocation recorded for the month (DLV-NO-ALLOCATION).
    out.append({"project": "MIG-AFG", "month": "2008-07", "source": "rbtc",
                "allocation": usd("0.00"), "expenditure": usd("2300.00"), "illustrative": True})
    return out


CATEGORY_OF_GROUP = {"United Nations": "united_nations", "Multi-bilateral donors": "multi_bilateral"}


def approvals():
    out = []
    # R6 Table V.1, averages 1995-99 in US$'000. The report gives no yearly or donor detail
    # for that period: each source's five-year total (5 x the average) is recorded as five
    # equal yearly approvals, so averages and totals are exact while the yearly split is not.
    # Table V.1's "Other sources" lumps direct trust funds, non-state actors, IFIs and the
    # EU: it is filed as that lump (other_sources), never under one of them.
    table_v1_1995_99 = [("United Nations", "united_nations", 29895),
                        ("Multi-bilateral donors", "multi_bilateral", 72415),
                        ("Other sources", "other_sources", 3446)]
    for donor, category, avg in table_v1_1995_99:
        for year in range(1995, 2000):
            out.append({"donor": f"{donor} (1995-99 total)", "category": category, "year": year,
                        "amount": usd(f"{avg * 1000}.00"),
                        "source": "R6 Table V.1: 1995-99 average by source; yearly split illustrative (equal years)"})
    path = HERE.parent / "source" / "annex2_approvals.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    local = local_split(rows)
    for i, row in enumerate(rows):
        note = "R6 Annex 2 (US$'000)" + (f"; {row['note']}" if row.get("note") else "")
        approval = {"donor": row["donor"], "category": row["category"], "year": int(row["year"])}
        kusd = int(row["amount_kusd"])
        if i not in local:
            # R6 says nothing of local mobilization before 2002: the status stays unknown.
            out.append({**approval, "amount": usd(f"{kusd * 1000}.00"), "source": note})
            continue
        note += "; locally mobilized per R6 Annex 1 (the category's figure; its split among donors is illustrative)"
        for part, is_local in ((local[i], True), (kusd - local[i], False)):
            if part:
                out.append({**approval, "amount": usd(f"{part * 1000}.00"), "locally_mobilized": is_local,
                            "source": note})
    return out


# R6 Annex 1.A, "Local resource mobilization", 2002-04: each category's locally mobilized
# approvals in US$'000. Annex 1 prints US$ million to one decimal and the share to one
# decimal; each figure here is one that rounds to both against Annex 2's category total
# (multi-bilateral 52.0 of 425.0, 12.2 %; ...; total 85.4, 17.8 %). Annex 1's "Other
# intergovernmental organizations" (US$7.8 million) is Annex 2's European Union (7,754).
ANNEX1_LOCAL_KUSD = {
    "multi_bilateral": 52000,
    "direct_trust_funds": 6605,
    "non_state_actors": 1639,
    "international_financial_institutions": 3575,
    "united_nations": 19640,
    "european_union": 1954,
}


def local_split(rows):
    """Each 2002-04 row's locally mobilized part, in proportion to its amount within its
    category, the remainders given by the largest-remainder rule so each category sums to
    its Annex 1 figure exactly."""
    by_category = {}
    for i, row in enumerate(rows):
        if 2002 <= int(row["year"]) <= 2004:
            by_category.setdefault(row["category"], []).append(i)
    local = {}
    for category, members in by_category.items():
        target = ANNEX1_LOCAL_KUSD[category]
        total = sum(int(rows[i]["amount_kusd"]) for i in members)
        exact = {i: int(rows[i]["amount_kusd"]) * target / total for i in members}
        local.update({i: int(x) for i, x in exact.items()})
        short = target - sum(local[i] for i in members)
        for i in sorted(members, key=lambda i: (int(exact[i]) - exact[i], i))[:short]:
            local[i] += 1
    return local


def main():
    portfolio = {
        "name": "tcrules example portfolio: ILO projects from the seeds, with R6 Annex 2 approvals",
        "notes": "Real: project titles, countries, dates and donors as cited in each project's provenance; "
                 "R6 Annex 2 approvals 2000-04 and R6 Table V.1 averages 1995-99. Illustrative: every field listed "
                 "in provenance.illustrative, every record and seed allocation marked illustrative, and the exchange rates. "
                 "Local mobilization 2002-04 is R6 Annex 1's by category (17.8 % overall), shared among donors in "
                 "proportion; R6 also says 26 % for 2002-05 (§159) and more than 25 % (§102).",
        "rates": {"EUR": "1.47"},
        "projects": [project(d) for d in PROJECTS],
        "records": records(),
        "approvals": approvals(),
        "seed_funding": [{"id": "RBTC-2006-MIG", "rbtc": usd("20000.00"), "prepared": ["MIG-TJK", "MIG-CHN"],
                          "illustrative": True}],
    }
    (HERE / "portfolio.json").write_text(json.dumps(portfolio, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
