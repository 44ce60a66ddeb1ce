//! Reproduces R6 Table V.1 ("Approvals of extra-budgetary funding") from the project-level
//! approval records in the shipped example portfolio: the R6 Annex 2 approvals by donor and
//! year for 2000-04, and for 1995-99 the Table V.1 averages (the report gives no yearly
//! detail for that period).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use rust_decimal::Decimal;
use tcrules::money::fixed;
use tcrules::portfolio::{approvals_table, ApprovalKey, ApprovalRow, YearRange};
use tcrules::Policy;

fn thousands(d: Decimal) -> String {
    fixed(d / Decimal::ONE_THOUSAND, 0).to_string()
}

/// (average 1995-99 US$'000, share, average 2000-04 US$'000, share, % change) as printed.
type Printed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn figures(row: &ApprovalRow) -> (String, String, String, String, String) {
    let [a, b] = row.periods.as_slice() else {
        panic!("two periods")
    };
    (
        thousands(a.average_usd),
        a.share_percent.to_string(),
        thousands(b.average_usd),
        b.share_percent.to_string(),
        row.change_percent.unwrap().to_string(),
    )
}

#[test]
fn table_v1_is_reproduced_from_annex_2_records() {
    let p = tcrules_suite::example_portfolio().unwrap();
    let periods = [
        YearRange::new(1995, 1999).unwrap(),
        YearRange::new(2000, 2004).unwrap(),
    ];
    let t = approvals_table(
        &p.approvals,
        ApprovalKey::CategoryGroup,
        &periods,
        &Policy::default(),
        &p.rates,
    )
    .unwrap();
    let row = |key: &str| {
        t.rows
            .iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("no row {key}"))
    };

    let printed: [(&str, Printed); 3] = [
        ("United Nations", ("29895", "28.3", "9130", "5.9", "-69.5")),
        (
            "Multi-bilateral donors",
            ("72415", "68.5", "137576", "89.5", "90.0"),
        ),
        // R6 prints 3.3 for 1995-99: it rounds each share half-up on its own, so its
        // column sums to 100.1 (28.3 + 68.5 + 3.3). tcrules rounds by the largest-remainder
        // rule so shares sum to exactly 100; the exact share is 3.258 %, which gives 3.2.
        ("Other sources", ("3446", "3.2", "7065", "4.6", "105.0")),
    ];
    for (key, (a1, s1, a2, s2, change)) in printed {
        let expected = (
            a1.to_owned(),
            s1.to_owned(),
            a2.to_owned(),
            s2.to_owned(),
            change.to_owned(),
        );
        assert_eq!(figures(row(key)), expected, "{key}");
    }
    assert_eq!(
        figures(&t.total),
        (
            "105756".into(),
            "100.0".into(),
            "153770".into(),
            "100.0".into(),
            "45.4".into()
        )
    );
    // The one share where the report's own rounding differs from the documented rule.
    let other = &row("Other sources").periods[0];
    assert_eq!(
        fixed(
            other.total_usd * Decimal::ONE_HUNDRED / t.total.periods[0].total_usd,
            1
        )
        .to_string(),
        "3.3"
    );
}
