//! Property tests for the invariants RULES.md states: weighted aggregation, shares summing
//! to 100, monotone thresholds, the duration definition, and serialization round-trips.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tcrules::delivery::{self, GroupBy};
use tcrules::evaluation;
use tcrules::model::{
    EvaluationKind, EvaluationPlan, FinancialRecord, Independence, PlannedEvaluation, SourceOfFunds,
};
use tcrules::money::{compare, decimal_text, normalized_text, round_shares, Money, Rates};
use tcrules::period::{
    add_months, anniversaries, anniversary_count, Duration, ReportingPeriod, YearMonth,
};
use tcrules::{Policy, Project};

fn date() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    (0u64..20_000).prop_map(move |d| base + Days::new(d))
}

fn cents() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000_000).prop_map(|c| Decimal::new(c, 2))
}

/// Non-negative amounts at any scale: zeros (negative zero too), cents, and mantissas
/// near `Decimal`'s 96 bits.
fn amount() -> impl Strategy<Value = Decimal> {
    let mantissa = prop_oneof![Just(0u128), 0u128..10_000_000, (1u128 << 90)..(1u128 << 96)];
    (mantissa, 0u32..12, any::<bool>()).prop_map(|(m, scale, negative)| {
        let mut d = Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), scale);
        if m == 0 {
            d.set_sign_negative(negative);
        }
        d
    })
}

fn project(
    id: String,
    start: NaiveDate,
    len: u64,
    budget: Decimal,
    unit: u8,
    plan: bool,
) -> Project {
    Project {
        id,
        title: "generated".into(),
        country: None,
        region: None,
        unit: Some(format!("UNIT-{unit}")),
        field_office: None,
        strategic_objective: None,
        donors: vec![],
        start,
        end: start + Days::new(len),
        budget: Money::usd(budget),
        funding: vec![],
        links: Default::default(),
        evaluation_plan: plan.then(|| EvaluationPlan {
            planned: vec![PlannedEvaluation {
                kind: EvaluationKind::Final,
                independence: Independence::External,
                due: Some(start + Days::new(len)),
                budget: Some(Money::usd(Decimal::new(1500000, 2))),
            }],
            mid_term_review_agreed: false,
            constituent_participation: Some("tripartite reference group".into()),
        }),
        provenance: Default::default(),
    }
}

/// Three projects, and a record in January 2005 per row (project, currency: USD, EUR, CHF
/// or JPY, allocation, expenditure), with the rates.
#[allow(clippy::type_complexity)]
fn mixed_currency_records(
    rows: &[(u8, u8, Decimal, Decimal)],
) -> (Vec<Project>, Rates, Vec<FinancialRecord>) {
    let start = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    let projects: Vec<Project> = (0u8..3)
        .map(|i| project(format!("P{i}"), start, 365, Decimal::ONE, i, false))
        .collect();
    // A short rate, a rate of exactly one at scale 3, and a long rate whose products
    // pass Decimal's 28 places (and are rounded) for amounts with over ten places.
    let rates = Rates::from_pairs([
        ("EUR", "1.0842"),
        ("CHF", "1.000"),
        ("JPY", "0.006666666666666667"),
    ])
    .unwrap();
    let money = |amount: Decimal, currency: u8| Money {
        amount,
        currency: ["USD", "EUR", "CHF", "JPY"][usize::from(currency % 4)]
            .parse()
            .unwrap(),
    };
    let records = rows
        .iter()
        .map(|(p, currency, a, e)| FinancialRecord {
            project: format!("P{p}"),
            month: YearMonth::new(2005, 1).unwrap(),
            source: SourceOfFunds::Xbtc,
            allocation: money(*a, *currency),
            expenditure: money(*e, *currency),
            illustrative: false,
        })
        .collect();
    (projects, rates, records)
}

/// An amount in US dollars by `Decimal` multiplication alone (the oracle for
/// [`Rates::to_usd`] and for the integer products delivery sums).
fn usd(rates: &Rates, m: &Money) -> Option<Decimal> {
    let rate = rates.rate(m.currency)?;
    if rate == Decimal::ONE {
        return Some(m.amount);
    }
    m.amount.checked_mul(rate)
}

proptest! {
    #[test]
    fn duration_matches_its_definition(start in date(), len in 0u64..4000) {
        let end = start + Days::new(len);
        let d = Duration::between(start, end).unwrap();
        let limit = end + Days::new(1);
        // months is the largest m with start + m months <= end + 1 day ...
        prop_assert!(add_months(start, d.months).unwrap() <= limit);
        prop_assert!(add_months(start, d.months + 1).unwrap() > limit);
        // ... and days is what remains.
        prop_assert_eq!(add_months(start, d.months).unwrap() + Days::new(u64::from(d.days)), limit);
        // Annual reviews are counted without listing them.
        prop_assert_eq!(anniversary_count(start, end) as usize, anniversaries(start, end).len());
    }

    #[test]
    fn group_rate_is_weighted_for_any_grouping(
        rows in prop::collection::vec((0u8..6, 1u32..13, cents(), cents()), 1..60),
        by in prop::sample::select(vec![GroupBy::Project, GroupBy::Unit, GroupBy::SourceOfFunds, GroupBy::Portfolio]),
    ) {
        let start = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
        let projects: Vec<Project> = (0u8..6)
            .map(|i| project(format!("P{i}"), start, 365, Decimal::ONE, i % 3, false))
            .collect();
        let records: Vec<FinancialRecord> = rows
            .iter()
            .map(|(p, m, a, e)| FinancialRecord {
                project: format!("P{p}"),
                month: YearMonth::new(2005, *m).unwrap(),
                source: if p % 2 == 0 { SourceOfFunds::Xbtc } else { SourceOfFunds::Rbtc },
                allocation: Money::usd(*a),
                expenditure: Money::usd(*e),
                illustrative: true,
            })
            .collect();
        let r = delivery::delivery(&projects, &records, by, ReportingPeriod::Year { year: 2005 }, &Policy::default(), &Rates::usd_only()).unwrap();
        let (mut alloc, mut exp) = (Decimal::ZERO, Decimal::ZERO);
        for g in &r.groups {
            let key = |rec: &FinancialRecord| {
                let p = projects.iter().find(|p| p.id == rec.project).unwrap();
                match by {
                    GroupBy::Project => rec.project.clone(),
                    GroupBy::Unit => p.unit.clone().unwrap(),
                    GroupBy::SourceOfFunds => rec.source.as_str().to_owned(),
                    _ => "portfolio".to_owned(),
                }
            };
            let mine: Vec<&FinancialRecord> = records.iter().filter(|rec| key(rec) == g.group).collect();
            let a: Decimal = mine.iter().map(|r| r.allocation.amount).sum();
            let e: Decimal = mine.iter().map(|r| r.expenditure.amount).sum();
            prop_assert_eq!(g.totals.allocation_usd, a);
            prop_assert_eq!(g.totals.expenditure_usd, e);
            let expected = if a.is_zero() { None } else { Some((e * Decimal::ONE_HUNDRED / a).round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)) };
            prop_assert_eq!(g.rate_percent, expected);
            alloc += a;
            exp += e;
        }
        prop_assert_eq!(r.total.totals.allocation_usd, alloc);
        prop_assert_eq!(r.total.totals.expenditure_usd, exp);
    }

    #[test]
    fn delivery_sums_are_decimal_sums_digit_for_digit(
        rows in prop::collection::vec((0u8..3, 0u8..4, amount(), amount()), 1..40),
    ) {
        // Delivery sums as `Decimal` adds record by record: same digits, same scale, the
        // same rounding past 96 bits, and the same error where even that fails.
        let (projects, rates, records) = mixed_currency_records(&rows);
        let report = delivery::delivery(&projects, &records, GroupBy::Project, ReportingPeriod::All, &Policy::default(), &rates);
        let mut expected: std::collections::BTreeMap<String, (Decimal, Decimal)> = Default::default();
        let mut total = (Decimal::ZERO, Decimal::ZERO);
        for (i, r) in records.iter().enumerate() {
            let group = expected.entry(r.project.clone()).or_default();
            let sums = usd(&rates, &r.allocation).zip(usd(&rates, &r.expenditure)).map(|(a, e)| {
                [group.0.checked_add(a), group.1.checked_add(e), total.0.checked_add(a), total.1.checked_add(e)]
            });
            let Some([Some(ga), Some(ge), Some(ta), Some(te)]) = sums else {
                let error = report.unwrap_err();
                prop_assert!(error.path().starts_with(&format!("records[{i}]")), "{}", error.path());
                return Ok(());
            };
            *group = (ga, ge);
            total = (ta, te);
        }
        let report = report.unwrap();
        let shown = |(a, e): (Decimal, Decimal)| (a.to_string(), e.to_string());
        let groups: Vec<(String, (String, String))> = expected.into_iter().map(|(k, v)| (k, shown(v))).collect();
        let got: Vec<(String, (String, String))> = report.groups.iter().map(|g| (g.group.clone(), shown((g.totals.allocation_usd, g.totals.expenditure_usd)))).collect();
        prop_assert_eq!(got, groups);
        prop_assert_eq!(shown((report.total.totals.allocation_usd, report.total.totals.expenditure_usd)), shown(total));
    }

    #[test]
    fn sums_of_runs_joined_are_the_sums_of_the_whole(
        rows in prop::collection::vec((0u8..3, 0u8..4, amount(), amount()), 1..40),
        cut in any::<prop::sample::Index>(),
        by in prop::sample::select(vec![GroupBy::Project, GroupBy::Unit, GroupBy::Portfolio]),
        converted in any::<bool>(),
    ) {
        // What a reader summing a table's rows on several threads relies on: joined runs
        // give the report of one run, or say they cannot; and records it converts itself
        // (`add_converted`, where the conversion is exact) add as the records do.
        let (projects, rates, records) = mixed_currency_records(&rows);
        let policy = Policy::default();
        let Ok(whole) = delivery::delivery(&projects, &records, by, ReportingPeriod::All, &policy, &rates) else {
            return Ok(());
        };
        let groups = delivery::Groups::of_projects(&projects, by);
        let run = |range: std::ops::Range<usize>| {
            let mut sums = delivery::DeliverySums::new(&groups, ReportingPeriod::All);
            for i in range {
                let r = &records[i];
                let exact = |m: &Money| {
                    let mantissa = u128::try_from(m.amount.mantissa()).ok()?;
                    rates.usd_rate(m.currency)?.exact(mantissa, m.amount.scale())
                };
                match (exact(&r.allocation), exact(&r.expenditure)) {
                    (Some(allocation), Some(expenditure)) if converted => {
                        prop_assert_eq!(allocation.decimal(), usd(&rates, &r.allocation).unwrap());
                        let c = delivery::ConvertedRecord { project: &r.project, month: r.month, source: r.source, allocation, expenditure };
                        sums.add_converted(i, &c).unwrap();
                    }
                    _ => sums.add(i, &r.into(), &rates).unwrap(),
                }
            }
            Ok(sums)
        };
        let k = cut.index(records.len() + 1);
        let mut first = run(0..k)?;
        if first.join(run(k..records.len())?) {
            prop_assert_eq!(first.report(&policy), whole);
        } else {
            // Only where Decimal rounds, and the result depends on the order of adds: yen
            // products past 28 places, or a sum past 96 bits at the largest scale of its
            // terms (all terms together bound every group's and the total's sum).
            let products_round = rows.iter().any(|(_, c, a, e)| c % 4 == 3 && (a.scale() > 10 || e.scale() > 10));
            let terms: Vec<Decimal> = records
                .iter()
                .flat_map(|r| [usd(&rates, &r.allocation), usd(&rates, &r.expenditure)])
                .flatten()
                .filter(|t| !t.is_zero())
                .collect();
            let scale = terms.iter().map(|t| t.scale()).max().unwrap_or(0);
            let sum = terms.iter().try_fold(0u128, |sum, t| {
                let m = t.mantissa().unsigned_abs().checked_mul(10u128.checked_pow(scale - t.scale())?)?;
                sum.checked_add(m)
            });
            prop_assert!(products_round || sum.is_none_or(|s| s >= 1 << 96));
        }
    }

    #[test]
    fn conversion_is_decimal_multiplication(a in amount(), currency in 0u8..4) {
        // Digit for digit and scale for scale, rounding (past 28 places) included.
        let (_, rates, records) = mixed_currency_records(&[(0, currency, a, a)]);
        let m = &records[0].allocation;
        prop_assert_eq!(rates.to_usd(m, "x").ok().map(|d| d.to_string()), usd(&rates, m).map(|d| d.to_string()));
    }

    #[test]
    fn decimal_text_is_what_display_writes(
        m in prop_oneof![Just(0u128), 0u128..10_000_000, (1u128 << 90)..(1u128 << 96)],
        zeros in 0u32..6,
        scale in 0u32..=28,
        negative: bool,
    ) {
        // Fractions that end in zeros, every scale, either sign (negative zero too).
        let m = m.checked_mul(10u128.pow(zeros)).filter(|m| *m < 1 << 96).unwrap_or(m);
        let mut d = Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), scale);
        d.set_sign_negative(negative);
        prop_assert_eq!(decimal_text(d), d.to_string());
        prop_assert_eq!(normalized_text(d), d.normalize().to_string());
    }

    #[test]
    fn compare_is_decimal_order(a in amount(), b in amount(), flip_a: bool, flip_b: bool) {
        // Every scale pair, mantissas near 96 bits (past i128 once scaled), either sign.
        let (a, b) = (if flip_a { -a } else { a }, if flip_b { -b } else { b });
        prop_assert_eq!(compare(a, b), a.cmp(&b));
        prop_assert_eq!(compare(a, a), std::cmp::Ordering::Equal);
    }

    #[test]
    fn shares_sum_to_exactly_100(parts in prop::collection::vec(cents(), 1..30), decimals in 0u32..4) {
        prop_assume!(parts.iter().any(|p| !p.is_zero()));
        let shares = round_shares(&parts, decimals);
        prop_assert_eq!(shares.iter().copied().sum::<Decimal>(), Decimal::ONE_HUNDRED);
        let whole: Decimal = parts.iter().copied().sum();
        let unit = Decimal::new(1, decimals);
        for (p, s) in parts.iter().zip(&shares) {
            let exact = *p * Decimal::ONE_HUNDRED / whole;
            prop_assert!((exact - *s).abs() < unit, "share {} of exact {}", s, exact);
            prop_assert_eq!(s.scale(), decimals);
        }
    }

    #[test]
    fn raising_a_threshold_never_adds_a_requirement(
        start in date(), len in 0u64..4000, budget in cents(),
        t1 in cents(), t2 in cents(), m1 in 1u32..30, m2 in 1u32..30,
    ) {
        let (lo, hi) = if t1 <= t2 { (t1, t2) } else { (t2, t1) };
        let (mlo, mhi) = if m1 <= m2 { (m1, m2) } else { (m2, m1) };
        let edition = |threshold: Decimal, below: u32| {
            let mut spec = Policy::default().spec().clone();
            spec.evaluation.independent_threshold_usd = threshold;
            spec.evaluation.final_only_below_months = below;
            Policy::from_spec(spec).unwrap()
        };
        let end = start + Days::new(len);
        let low = evaluation::classify(start, end, budget, &edition(lo, mlo)).unwrap();
        let high = evaluation::classify(start, end, budget, &edition(hi, mhi)).unwrap();
        prop_assert!(!high.independent_evaluation || low.independent_evaluation);
        prop_assert!(high.schedule(true).len() <= low.schedule(true).len());
        prop_assert!(!high.mid_term_evaluation || low.mid_term_evaluation);
    }

    #[test]
    fn projects_round_trip_through_json_and_csv(
        start in date(), len in 0u64..4000, budget in cents(), unit in 0u8..5, plan: bool,
    ) {
        let p = project("P-1".into(), start, len, budget, unit, plan);
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(&tcrules::io::json::from_str::<Project>(&json).unwrap(), &p);
        let csv = tcrules::io::csv::write_projects(std::slice::from_ref(&p)).unwrap();
        prop_assert_eq!(&tcrules::io::csv::read_projects(&csv).unwrap()[0], &p);
    }

    #[test]
    fn findings_round_trip_through_json(start in date(), len in 0u64..4000, budget in cents(), plan: bool) {
        let p = project("P-2".into(), start, len, budget, 1, plan);
        let row = evaluation::evaluate(&p, &Policy::default(), &Rates::usd_only());
        let json = serde_json::to_string(&row).unwrap();
        let back: evaluation::ProjectEvaluation = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, row);
    }
}
