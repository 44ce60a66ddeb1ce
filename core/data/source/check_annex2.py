#!/usr/bin/env python3
"""Checks annex2_approvals.csv against the figures printed in ILC 2006 Report VI,
Appendix II, Annex 2 "Approvals by donor category (US$'000)" (plus Table V.1 and Annex 1).

Usage: python3 check_annex2.py [path/to/annex2_approvals.csv]

Exit status is non-zero if
  * a donor's CSV rows do not sum exactly to the printed 2000-04 total transcribed below,
  * a donor in the CSV is missing from / unknown to the PRINTED dict, or its category differs,
  * a row is malformed (year outside 2000..2004, non-positive amount, bad category).
Everything else (printed subtotals vs. sums of rows, averages, shares, Table V.1, Annex 1)
is reported; disagreements there are discrepancies *in the source* and do not fail the run.
"""
import csv
import os
import sys
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_UP

YEARS = [2000, 2001, 2002, 2003, 2004]
CATEGORIES = [
    "multi_bilateral",
    "direct_trust_funds",
    "non_state_actors",
    "international_financial_institutions",
    "united_nations",
    "european_union",
]
UNCERTAIN = "yearly split uncertain; 2000-04 total is exact"

# Printed per-donor figures: category, 2000-04 total, average, % share  (US$'000)
PRINTED = {
    # --- Multi-bilateral donors
    "United States": ("multi_bilateral", 312307, 62461, "40.6"),
    "Netherlands": ("multi_bilateral", 76599, 15320, "10.0"),
    "United Kingdom": ("multi_bilateral", 55133, 11027, "7.2"),
    "Italy": ("multi_bilateral", 45001, 9000, "5.9"),
    "Norway": ("multi_bilateral", 30242, 6048, "3.9"),
    "France": ("multi_bilateral", 22743, 4549, "3.0"),
    "Denmark": ("multi_bilateral", 22424, 4485, "2.9"),
    "Sweden": ("multi_bilateral", 18574, 3715, "2.4"),
    "Germany": ("multi_bilateral", 14014, 2803, "1.8"),
    "Japan": ("multi_bilateral", 13872, 2774, "1.8"),
    "Spain": ("multi_bilateral", 13805, 2761, "1.8"),
    "Ireland": ("multi_bilateral", 12293, 2459, "1.6"),
    "Switzerland": ("multi_bilateral", 11776, 2355, "1.5"),
    "Canada": ("multi_bilateral", 11409, 2282, "1.5"),
    "Belgium": ("multi_bilateral", 6774, 1355, "0.9"),
    "Portugal": ("multi_bilateral", 6158, 1232, "0.8"),
    "Luxembourg": ("multi_bilateral", 4773, 955, "0.6"),
    "Finland": ("multi_bilateral", 3346, 669, "0.4"),
    "Flanders": ("multi_bilateral", 2363, 473, "0.3"),
    "Australia": ("multi_bilateral", 1127, 225, "0.1"),
    "Panama": ("multi_bilateral", 1000, 200, "0.1"),
    "Republic of Korea": ("multi_bilateral", 852, 170, "0.1"),
    "Austria": ("multi_bilateral", 773, 155, "0.1"),
    "Multi-donors": ("multi_bilateral", 235, 47, "0.0"),
    "Kuwait": ("multi_bilateral", 104, 21, "0.0"),
    "Nordic Development Fund": ("multi_bilateral", 50, 10, "0.0"),
    "New Zealand": ("multi_bilateral", 41, 8, "0.0"),
    "Poland": ("multi_bilateral", 39, 8, "0.0"),
    "Czech Republic": ("multi_bilateral", 36, 7, "0.0"),
    "Hungary": ("multi_bilateral", 16, 3, "0.0"),
    # --- Direct trust funds (single line, no sub-rows)
    "Direct trust funds": ("direct_trust_funds", 9000, 1800, "1.2"),
    # --- Non-state actors (sub-rows)
    "Foundations": ("non_state_actors", 2072, 414, "0.3"),
    "Public institutions": ("non_state_actors", 635, 127, "0.1"),
    "Social partners": ("non_state_actors", 5565, 1113, "0.7"),
    "Private sector initiatives": ("non_state_actors", 465, 93, "0.1"),
    "Others": ("non_state_actors", 2091, 418, "0.3"),
    # --- IFIs (banks) (single line)
    "IFIs (banks)": ("international_financial_institutions", 7190, 1438, "0.9"),
    # --- United Nations
    "UNDP": ("united_nations", 30718, 6144, "4.0"),
    "UNDG Iraq TF": ("united_nations", 321, 64, "0.0"),
    "UNAIDS": ("united_nations", 9631, 1926, "1.3"),
    "UNDCP": ("united_nations", 1905, 381, "0.2"),
    "UNFPA": ("united_nations", 1324, 265, "0.2"),
    "UNHSF": ("united_nations", 1179, 236, "0.2"),
    "UNFIP": ("united_nations", 276, 55, "0.0"),
    "UNHCR": ("united_nations", 195, 39, "0.0"),
    "UNMIK": ("united_nations", 46, 9, "0.0"),
    "UNESCO": ("united_nations", 20, 4, "0.0"),
    "UN Volunteers": ("united_nations", 18, 4, "0.0"),
    "UNIFEM": ("united_nations", 15, 3, "0.0"),
    # --- European Union (single line)
    "European Union": ("european_union", 8306, 1661, "1.1"),
}

# Printed yearly cells, as read from the text dump (None = not a single printed line of its
# own, i.e. the category is made of the donor rows above).  For single-line categories the
# category line *is* the donor line, so its yearly cells double as the category subtotal.
PRINTED_SUBTOTALS = {
    # category: (2000, 2001, 2002, 2003, 2004), 2000-04 total, average, % share
    "multi_bilateral": ((118034, 144885, 163078, 132044, 129838), 687880, 137576, "89.5"),
    "direct_trust_funds": ((676, 625, 484, 1163, 6053), 9000, 1800, "1.2"),
    "non_state_actors": ((1601, 2722, 2499, 1886, 2120), 10827, 2165, "1.4"),
    "international_financial_institutions": ((2939, 573, 1580, 1725, 372), 7190, 1438, "0.9"),
    "united_nations": ((10866, 5768, 8772, 9826, 10416), 45648, 9130, "5.9"),
    "european_union": ((552, 0, 0, 4183, 3571), 8306, 1661, "1.1"),
}
PRINTED_TOTAL_DONORS = ((134667, 154572, 176414, 150826, 152371), 768850, 153770, "100.0")

# Table V.1 "Approvals of extra-budgetary funding", Average 2000-04 (US$'000, % share)
TABLE_V1 = {
    "United Nations": (9130, "5.9", ["united_nations"]),
    "Multi-bilateral donors": (137576, "89.5", ["multi_bilateral"]),
    "Other sources": (7065, "4.6", ["direct_trust_funds", "non_state_actors",
                                      "international_financial_institutions", "european_union"]),
    "Total": (153770, "100.0", CATEGORIES),
}

# Annex 1.A "Local resource mobilization", total XB-TC 2002-04 by donor category (US$ million)
ANNEX1_2002_04 = {
    "Multi-bilateral donors": ("425.0", ["multi_bilateral"]),
    "Direct trust funds": ("7.7", ["direct_trust_funds"]),
    "Non-state actors": ("6.5", ["non_state_actors"]),
    "IFIs (banks)": ("3.7", ["international_financial_institutions"]),
    "United Nations": ("29.0", ["united_nations"]),
    "Other intergovernmental organizations (= European Union)": ("7.8", ["european_union"]),
    "Total": ("479.6", CATEGORIES),
}


def r0(x):
    return int(Decimal(x).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def r1(x):
    return str(Decimal(x).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def fmt(n):
    return f"{n:,}".replace(",", " ")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "annex2_approvals.csv")
    errors = []
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        if rd.fieldnames != ["donor", "category", "year", "amount_kusd", "note"]:
            errors.append(f"bad header {rd.fieldnames}")
        for i, r in enumerate(rd, start=2):
            try:
                year, amt = int(r["year"]), int(r["amount_kusd"])
            except ValueError:
                errors.append(f"line {i}: non-integer year/amount {r}")
                continue
            if year not in YEARS:
                errors.append(f"line {i}: year {year} outside 2000..2004")
            if amt <= 0:
                errors.append(f"line {i}: non-positive amount {amt}")
            if r["category"] not in CATEGORIES:
                errors.append(f"line {i}: unknown category {r['category']}")
            rows.append((r["donor"], r["category"], year, amt, r["note"]))

    by_donor = defaultdict(lambda: [0] * 5)
    cat_of = {}
    uncertain = set()
    seen = set()
    for d, c, y, a, note in rows:
        if (d, y) in seen:
            errors.append(f"duplicate row {d} {y}")
        seen.add((d, y))
        by_donor[d][YEARS.index(y)] += a
        if cat_of.setdefault(d, c) != c:
            errors.append(f"{d}: rows in two categories")
        if note.startswith(UNCERTAIN):
            uncertain.add(d)

    print("== 1. Donor rows vs printed 2000-04 totals, averages and shares")
    grand = PRINTED_TOTAL_DONORS[1]
    for d, (c, tot, avg, share) in PRINTED.items():
        if d not in by_donor:
            errors.append(f"{d}: no rows in CSV")
            continue
        s = sum(by_donor[d])
        if cat_of[d] != c:
            errors.append(f"{d}: category {cat_of[d]} != {c}")
        status = "ok" if s == tot else "FAIL"
        if s != tot:
            errors.append(f"{d}: rows sum {s} != printed total {tot}")
        extra = []
        if r0(Decimal(tot) / 5) != avg:
            extra.append(f"avg: printed {avg} vs total/5 = {Decimal(tot) / 5}")
        if r1(Decimal(tot) * 100 / grand) != share:
            extra.append(f"share: printed {share} vs {r1(Decimal(tot) * 100 / grand)}")
        flag = " [yearly split uncertain]" if d in uncertain else ""
        print(f"  {status:4} {d:28} {fmt(s):>9} (printed {fmt(tot):>9}){flag}"
              + ("  NOTE " + "; ".join(extra) if extra else ""))
    for d in by_donor:
        if d not in PRINTED:
            errors.append(f"{d}: not in PRINTED dict")

    print("\n== 2. Category sums of rows vs printed subtotal lines (per year and 2000-04)")
    cat_year = {c: [0] * 5 for c in CATEGORIES}
    for d, v in by_donor.items():
        for i in range(5):
            cat_year[cat_of[d]][i] += v[i]
    for c in CATEGORIES:
        py, ptot, pavg, pshare = PRINTED_SUBTOTALS[c]
        rows_sum = sum(cat_year[c])
        print(f"  {c}")
        for i, y in enumerate(YEARS):
            diff = cat_year[c][i] - py[i]
            print(f"    {y}: rows {fmt(cat_year[c][i]):>9}  printed {fmt(py[i]):>9}"
                  + ("" if diff == 0 else f"   DIFF {diff:+d}"))
        print(f"    2000-04: rows {fmt(rows_sum)}; printed subtotal {fmt(ptot)}; printed years sum to "
              f"{fmt(sum(py))}" + ("" if rows_sum == ptot else f"   DIFF rows-printed {rows_sum - ptot:+d}")
              + ("" if sum(py) == ptot else f"   (SOURCE: printed years sum {sum(py) - ptot:+d} vs its own total)"))
        print(f"    average: printed {fmt(pavg)}, rows/5 = {Decimal(rows_sum) / 5}, printed total/5 = {Decimal(ptot) / 5}"
              f"; share: printed {pshare}, rows {r1(Decimal(rows_sum) * 100 / grand)}")

    print("\n== 3. All categories vs printed 'Total donors'")
    ty, ttot, tavg, _ = PRINTED_TOTAL_DONORS
    all_year = [sum(cat_year[c][i] for c in CATEGORIES) for i in range(5)]
    sub_year = [sum(PRINTED_SUBTOTALS[c][0][i] for c in CATEGORIES) for i in range(5)]
    for i, y in enumerate(YEARS):
        print(f"    {y}: rows {fmt(all_year[i]):>9}  printed subtotals {fmt(sub_year[i]):>9}  "
              f"printed Total donors {fmt(ty[i]):>9}   rows-Total {all_year[i] - ty[i]:+d}; "
              f"subtotals-Total {sub_year[i] - ty[i]:+d}")
    sum_sub_tot = sum(PRINTED_SUBTOTALS[c][1] for c in CATEGORIES)
    print(f"    2000-04: rows {fmt(sum(all_year))}; sum of printed category 2000-04 subtotals "
          f"{fmt(sum_sub_tot)}; printed Total donors {fmt(ttot)}; printed Total-donors years sum to {fmt(sum(ty))}")

    print("\n== 4. Table V.1 (average 2000-04) recomputed from rows")
    for name, (pavg, pshare, cats) in TABLE_V1.items():
        tot = sum(sum(cat_year[c]) for c in cats)
        avg = r0(Decimal(tot) / 5)
        share = r1(Decimal(tot) * 100 / sum(all_year))
        print(f"    {name:24} rows total {fmt(tot):>9} avg {fmt(avg):>7} share {share:>5} | printed avg "
              f"{fmt(pavg):>7} share {pshare:>5}" + ("" if (avg, share) == (pavg, pshare) else "   DIFF"))

    print("\n== 5. Annex 1.A total XB-TC 2002-04 (US$ million) recomputed from rows")
    for name, (pm, cats) in ANNEX1_2002_04.items():
        tot = sum(cat_year[c][i] for c in cats for i in (2, 3, 4))
        m = r1(Decimal(tot) / 1000)
        print(f"    {name:58} rows {fmt(tot):>9} -> {m:>6} | printed {pm:>6}" + ("" if m == pm else "   DIFF"))

    print(f"\n== 6. Donors flagged '{UNCERTAIN}': {len(uncertain)}")
    print("    " + ", ".join(sorted(uncertain)))

    if errors:
        print("\nERRORS:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print(f"\nOK: {len(rows)} rows, {len(by_donor)} donors; every donor's rows sum to its printed 2000-04 total.")


if __name__ == "__main__":
    main()
