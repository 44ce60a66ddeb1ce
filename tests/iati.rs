//! The IATI importer: every mapping rule of DESIGN.md ("Importing IATI") on small files
//! written here, the example files (a 2.03 file and a version 1 file), streaming, and
//! the errors that stay in their activity's row. The bad-input corpus
//! (`tests/bad-inputs/`, run by `tests/bad_inputs.rs`) pins the code and path of every
//! error case in every language.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::io::{BufReader, Read};

use rust_decimal::Decimal;
use tcrules::evaluation::DurationClass;
use tcrules::iati::{self, Activities, IatiActivity, IatiReport, IatiRow, TransactionType};
use tcrules::model::{DonorCategory, EvaluationKind};
use tcrules::money::Rates;
use tcrules::{Policy, RuleId, Status};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A 2.03 file of one activity (identifier `A`, default currency USD) with `body`.
fn file(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity default-currency="USD">
<iati-identifier>A</iati-identifier>{body}
</iati-activity></iati-activities>"#
    )
}

fn activity(xml: &str) -> IatiActivity {
    Activities::new(xml.as_bytes()).next().unwrap().unwrap()
}

fn report(xml: &str, rates: &Rates) -> IatiReport {
    iati::read(xml.as_bytes(), rates, &Policy::default())
}

fn row(xml: &str) -> IatiRow {
    let mut r = report(xml, &Rates::usd_only());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.activities.remove(0)
}

fn budget(kind: u8, start: &str, end: &str, value: &str) -> String {
    format!(
        r#"<budget type="{kind}"><period-start iso-date="{start}"/><period-end iso-date="{end}"/><value value-date="{start}">{value}</value></budget>"#
    )
}

fn transaction(code: &str, date: &str, value: &str) -> String {
    format!(
        r#"<transaction><transaction-type code="{code}"/><transaction-date iso-date="{date}"/><value value-date="{date}">{value}</value></transaction>"#
    )
}

const DATES: &str = r#"<activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>"#;

#[test]
fn actual_dates_win_over_planned_ones() {
    let a = activity(&file(
        r#"<activity-date type="1" iso-date="2023-01-01"/><activity-date type="2" iso-date="2023-03-01"/>
           <activity-date type="3" iso-date="2024-12-31"/><activity-date type="4" iso-date="2025-02-28"/>"#,
    ));
    assert_eq!(
        (a.start(), a.end()),
        (Some(d("2023-03-01")), Some(d("2025-02-28")))
    );
    assert_eq!(a.dates.planned_start, Some(d("2023-01-01")));
    let planned_only = activity(&file(
        r#"<activity-date type="1" iso-date="2023-01-01"/><activity-date type="3" iso-date="2024-12-31"/>"#,
    ));
    assert_eq!(
        (planned_only.start(), planned_only.end()),
        (Some(d("2023-01-01")), Some(d("2024-12-31")))
    );
    // A time zone on an xs:date is read and ignored.
    let zoned = activity(&file(r#"<activity-date type="2" iso-date="2023-01-01Z"/>"#));
    assert_eq!(zoned.start(), Some(d("2023-01-01")));
}

#[test]
fn duration_class_and_evaluations_follow_the_dates_and_budget() {
    let r = row(&file(&format!(
        "{DATES}{}",
        budget(1, "2024-01-01", "2024-12-31", "350000.01")
    )));
    assert_eq!(r.duration_class, Some(DurationClass::Medium)); // 18 months exactly
    let kinds: Vec<EvaluationKind> = r.evaluations.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EvaluationKind::MidTerm, EvaluationKind::Final]);
    assert_eq!(r.budget_usd, Some(dec("350000.01")));
    assert_eq!(r.independent_evaluation, Some(true));
    let at_threshold = row(&file(&format!(
        "{DATES}{}",
        budget(1, "2024-01-01", "2024-12-31", "350000.00")
    )));
    assert_eq!(at_threshold.independent_evaluation, Some(false));
}

#[test]
fn missing_dates_and_budget_are_named_not_guessed() {
    let r = row(&file(""));
    assert_eq!(r.duration_class, None);
    assert_eq!(r.independent_evaluation, None);
    assert_eq!(
        r.missing,
        [
            "iati-activity[1]/activity-date[@type='1' or @type='2']",
            "iati-activity[1]/activity-date[@type='3' or @type='4']",
            "iati-activity[1]/budget",
            "iati-activity[1]/transaction[transaction-type/@code='3' or transaction-type/@code='4']",
        ]
    );
    // Dates without a budget: the class is known, the independent evaluation is not.
    let r = row(&file(DATES));
    assert_eq!(r.duration_class, Some(DurationClass::Medium));
    assert_eq!(r.independent_evaluation, None);
}

#[test]
fn a_revised_budget_supersedes_the_original_of_its_period() {
    let xml = file(&format!(
        "{DATES}{}{}{}{}",
        budget(1, "2024-01-01", "2024-12-31", "100"),
        budget(2, "2024-01-01", "2024-12-31", "150"),
        budget(1, "2025-01-01", "2025-06-30", "70"),
        // a later revision of the same period supersedes the earlier one
        budget(2, "2024-01-01", "2024-12-31", "160"),
    ));
    let a = activity(&xml);
    let effective: Vec<(usize, String)> = a
        .effective_budgets()
        .iter()
        .map(|(i, b)| (*i, b.value.amount.to_string()))
        .collect();
    assert_eq!(effective, [(3, "70".to_owned()), (4, "160".to_owned())]);
    assert_eq!(row(&xml).budget_usd, Some(dec("230")));
    // An original published after a revision does not bring the original back.
    let late = activity(&file(&format!(
        "{}{}",
        budget(2, "2024-01-01", "2024-12-31", "150"),
        budget(1, "2024-01-01", "2024-12-31", "100"),
    )));
    assert_eq!(late.effective_budgets()[0].0, 1);
}

#[test]
fn budget_status_and_value_date_are_kept() {
    let a = activity(&file(
        r#"<budget type="1" status="2"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
           <value currency="EUR" value-date="2023-12-15">10</value></budget>"#,
    ));
    let b = &a.budgets[0];
    assert_eq!(b.status, Some(iati::BudgetStatus::Committed));
    assert_eq!(b.value.currency.as_str(), "EUR"); // @currency over @default-currency
    assert_eq!(b.value_date, Some(d("2023-12-15")));
}

#[test]
fn budget_periods_over_one_year_are_findings_and_still_count() {
    let r = row(&file(&format!(
        "{DATES}{}{}",
        budget(1, "2024-01-01", "2024-12-31", "100"),
        budget(1, "2025-01-01", "2026-01-01", "100"),
    )));
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::IatiBudgetPeriod)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Fail);
    assert_eq!(f[0].facts["budget"], "iati-activity[1]/budget[2]".into());
    assert_eq!(r.budget_usd, Some(dec("200")));
    let none = row(&file(DATES));
    let f = none
        .findings
        .iter()
        .find(|f| f.rule == RuleId::IatiBudgetPeriod)
        .unwrap();
    assert_eq!(f.status, Status::NotApplicable);
}

#[test]
fn expenditure_and_disbursement_are_delivered_against_the_budget_of_their_year() {
    let r = row(&file(&format!(
        "{DATES}{}{}{}{}{}{}{}{}",
        budget(1, "2024-01-01", "2024-12-31", "1000"),
        budget(1, "2025-01-01", "2025-06-30", "500"),
        budget(1, "2026-01-01", "2026-06-30", "900"), // after the last spending: not reported
        transaction("1", "2024-01-10", "5000"),       // incoming funds: kept, not delivery
        transaction("2", "2024-01-11", "1500"),       // outgoing commitment
        transaction("11", "2024-01-09", "5000"),      // incoming commitment
        transaction("4", "2024-06-30", "400"),
        transaction("3", "2024-09-30", "250"),
    )));
    let years: Vec<(String, String)> = r
        .delivery
        .iter()
        .map(|g| (g.group.clone(), g.rate_percent.unwrap().to_string()))
        .collect();
    assert_eq!(years, [("2024".to_owned(), "65".to_owned())]);
    assert_eq!(r.delivery[0].records, 3);
    let dlv = r
        .findings
        .iter()
        .find(|f| f.rule == RuleId::DlvRate)
        .unwrap();
    assert_eq!(dlv.subject.as_deref(), Some("activity A, 2024"));
    assert_eq!(dlv.status, Status::Pass);
}

#[test]
fn every_transaction_is_kept_with_its_type() {
    let a = activity(&file(&format!(
        "{}{}{}{}{}",
        transaction("1", "2024-01-10", "1"),
        transaction("2", "2024-01-11", "2"),
        transaction("11", "2024-01-12", "3"),
        transaction("7", "2024-01-13", "4"),
        transaction("13", "2024-01-14", "5"),
    )));
    let kinds: Vec<TransactionType> = a.transactions.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TransactionType::IncomingFunds,
            TransactionType::OutgoingCommitment,
            TransactionType::IncomingCommitment,
            TransactionType::Reimbursement,
            TransactionType::IncomingPledge,
        ]
    );
}

#[test]
fn funding_participating_orgs_are_the_donors() {
    let a = activity(&file(
        r#"<participating-org ref="XM-DAC-8" role="1" type="10"><narrative>Norway</narrative><narrative xml:lang="fr">Norvège</narrative></participating-org>
           <participating-org ref="XM-DAC-41302" role="4" type="40"><narrative>ILO</narrative></participating-org>
           <participating-org ref="XI-IATI-EC_DEVCO" role="1" type="40"/>"#,
    ));
    let names: Vec<&str> = a.donors.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Norway", "XI-IATI-EC_DEVCO"]); // a donor without a name is its @ref
    assert_eq!(a.donors[0].reference.as_deref(), Some("XM-DAC-8"));
    assert_eq!(a.donors[1].org_type.as_deref(), Some("40"));
}

#[test]
fn the_gender_marker_is_policy_marker_code_1_of_the_dac_vocabulary() {
    let marker = |m: &str| activity(&file(m)).gender_marker;
    assert_eq!(
        marker(r#"<policy-marker vocabulary="1" code="1" significance="2"/>"#),
        Some(2)
    );
    assert_eq!(
        marker(r#"<policy-marker code="1" significance="1"/>"#),
        Some(1)
    ); // no vocabulary
    assert_eq!(
        marker(r#"<policy-marker vocabulary="1" code="2" significance="2"/>"#),
        None
    ); // aid to environment
    assert_eq!(
        marker(r#"<policy-marker vocabulary="99" code="1" significance="2"/>"#),
        None
    ); // the publisher's own
    let finding = |xml: &str| {
        let r = row(&file(xml));
        let f = r
            .findings
            .into_iter()
            .find(|f| f.rule == RuleId::IatiGenMarker)
            .unwrap();
        f.status
    };
    assert_eq!(
        finding(r#"<policy-marker vocabulary="1" code="1" significance="0"/>"#),
        Status::Warning
    );
    assert_eq!(
        finding(r#"<policy-marker vocabulary="1" code="1" significance="1"/>"#),
        Status::Pass
    );
    assert_eq!(finding(""), Status::Warning);
}

#[test]
fn money_is_converted_with_the_callers_rates() {
    let xml = file(&format!(
        r#"{DATES}<budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value currency="EUR" value-date="2024-01-01">291666.67</value></budget>"#
    ));
    let r = report(&xml, &Rates::from_pairs([("EUR", "1.2")]).unwrap());
    assert_eq!(r.activities[0].budget_usd, Some(dec("350000.004")));
    assert_eq!(r.activities[0].independent_evaluation, Some(true));
    // Without the rate the row says which value needs it, and keeps what it can.
    let r = report(&xml, &Rates::usd_only());
    let e = r.activities[0].error.as_ref().unwrap();
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("missing_rate", "iati-activity[1]/budget[1]/value")
    );
    assert_eq!(r.activities[0].duration_class, Some(DurationClass::Medium));
    assert_eq!(r.activities[0].independent_evaluation, None);
}

#[test]
fn an_activity_converts_to_the_model() {
    let xml = file(&format!(
        r#"{DATES}<participating-org role="1" type="40"><narrative>UNDP</narrative></participating-org>{}{}"#,
        budget(1, "2024-01-01", "2024-12-31", "1000"),
        transaction("3", "2024-05-20", "300"),
    ));
    let (project, records) = activity(&xml).to_model(&Rates::usd_only()).unwrap();
    project.validate().unwrap();
    assert_eq!(
        (project.start, project.end),
        (d("2024-01-01"), d("2025-06-30"))
    );
    assert_eq!(
        project.donors[0].category,
        Some(DonorCategory::OtherIntergovernmental)
    );
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].expenditure.amount, dec("300"));
    let no_budget = activity(&file(DATES))
        .to_model(&Rates::usd_only())
        .unwrap_err();
    assert_eq!(no_budget.path(), "iati-activity[1]/budget");
}

#[test]
fn the_2_03_example_file() {
    let xml = std::fs::read("core/data/iati/ilo-activities-2.03.xml").unwrap();
    let rates = Rates::from_pairs([("EUR", "1.47")]).unwrap();
    let r = iati::read(xml.as_slice(), &rates, &Policy::default());
    assert_eq!(r.version.as_deref(), Some("2.03"));
    assert!(r.errors.is_empty());
    let [jor, mmr, asia, idn] = &r.activities[..] else {
        panic!("{} activities", r.activities.len())
    };
    assert_eq!(jor.title.as_deref(), Some("Promoting pay equity in Jordan"));
    assert_eq!(jor.start, Some(d("2010-03-01"))); // actual over planned
    assert_eq!(jor.budget_usd, Some(dec("350000.01"))); // the 2010 revision counts
    assert_eq!(jor.independent_evaluation, Some(true));
    assert_eq!(jor.donors, ["Norway"]);
    assert_eq!(jor.gender_marker, Some(2));
    let rates: Vec<String> = jor
        .delivery
        .iter()
        .map(|g| format!("{} {}", g.group, g.rate_percent.unwrap()))
        .collect();
    assert_eq!(rates, ["2010 68.5714", "2011 102.8004"]);
    assert!(jor.findings.iter().any(|f| f.rule == RuleId::DlvOverspend));
    assert!(mmr
        .findings
        .iter()
        .any(|f| f.rule == RuleId::IatiBudgetPeriod && f.status == Status::Fail));
    assert_eq!(mmr.duration_class, Some(DurationClass::Long));
    assert_eq!(asia.budget_usd, Some(dec("4410000"))); // EUR 3,000,000 at 1.47
    assert_eq!(asia.gender_marker, None);
    assert_eq!(asia.error, None);
    let e = idn.error.as_ref().unwrap();
    assert_eq!(
        idn.identifier.as_deref(),
        Some("XM-DAC-41302-IDN-06-01-NOR")
    );
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("invalid_value", "iati-activity[4]/budget[1]/value")
    );
}

#[test]
fn the_version_1_example_file() {
    let xml = std::fs::read("core/data/iati/ilo-activities-1.05.xml").unwrap();
    let mut activities = Activities::new(xml.as_slice());
    let dew = activities.next().unwrap().unwrap();
    assert_eq!(activities.version(), Some("1.05"));
    assert_eq!(
        dew.title.as_deref(),
        Some("Decent Employment for Women - India (DEW)")
    );
    assert_eq!(dew.start(), Some(d("2001-01-01"))); // start-actual
    assert_eq!(dew.end(), Some(d("2005-12-31"))); // end-planned
    assert_eq!(dew.donors[0].name, "United States (Department of Labor)"); // role Funding, text name
    assert_eq!(dew.donors.len(), 1);
    assert_eq!(dew.gender_marker, Some(2)); // vocabulary DAC
    let kinds: Vec<TransactionType> = dew.transactions.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TransactionType::IncomingFunds,
            TransactionType::OutgoingCommitment,
            TransactionType::Expenditure,
            TransactionType::Disbursement,
            TransactionType::Expenditure,
        ]
    );
    let r = IatiRow::of(
        &dew,
        &Rates::usd_only(),
        &Policy::default(),
        &Default::default(),
    );
    let years: Vec<String> = r
        .delivery
        .iter()
        .map(|g| format!("{} {}", g.group, g.rate_percent.unwrap()))
        .collect();
    assert_eq!(years, ["2004 64", "2005 70"]); // 2005: (100,000 + 215,000) / revised 450,000
    assert_eq!(r.budget_usd, Some(dec("950000")));
    assert!(activities.next().unwrap().is_ok());
    assert!(activities.next().is_none());
}

#[test]
fn a_malformed_activity_is_an_error_in_its_row_and_the_rest_still_imports() {
    let xml = r#"<iati-activities version="2.03">
      <iati-activity default-currency="USD"><iati-identifier>A-1</iati-identifier></iati-activity>
      <iati-activity default-currency="USD"><iati-identifier>A-2</iati-identifier>
        <transaction><transaction-type code="4"/><transaction-date iso-date="2024-02-30"/><value>1</value></transaction>
        <title><narrative>Text &nope; with an undefined entity</narrative></title>
      </iati-activity>
      <iati-activity default-currency="USD"><iati-identifier>A-1</iati-identifier></iati-activity>
      <iati-activity default-currency="USD"><iati-identifier>A-3</iati-identifier></iati-activity>
    </iati-activities>"#;
    let r = report(xml, &Rates::usd_only());
    let got: Vec<_> = r
        .activities
        .iter()
        .map(|a| {
            (
                a.identifier.as_deref(),
                a.error.as_ref().map(|e| (e.code.as_str(), e.path.as_str())),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("A-1"), None),
            (
                Some("A-2"),
                // the first problem of the activity is its error
                Some((
                    "invalid_value",
                    "iati-activity[2]/transaction[1]/transaction-date/@iso-date"
                ))
            ),
            (
                Some("A-1"),
                Some(("duplicate_id", "iati-activity[3]/iati-identifier"))
            ),
            (Some("A-3"), None),
        ]
    );
}

#[test]
fn broken_xml_inside_an_activity_ends_the_file_in_that_row() {
    let xml = r#"<iati-activities><iati-activity><iati-identifier>A-1</iati-identifier></iati-activity>
      <iati-activity><iati-identifier>A-2</iati-identifier><budget><value>1</valu></budget>"#;
    let r = report(xml, &Rates::usd_only());
    assert_eq!(r.activities.len(), 2);
    assert_eq!(r.activities[0].error, None);
    let e = r.activities[1].error.as_ref().unwrap();
    assert_eq!(r.activities[1].identifier.as_deref(), Some("A-2"));
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("invalid_xml", "iati-activity[2]/budget[1]/value")
    );
    assert!(r.errors.is_empty());
}

#[test]
fn tokens_and_texts_over_the_limits_are_too_large() {
    let long = "x".repeat(iati::MAX_TEXT_BYTES + 1);
    let xml = format!(
        "<iati-activities><iati-activity><iati-identifier>A</iati-identifier><title>{long}</title></iati-activity>\
         <iati-activity><iati-identifier>B</iati-identifier></iati-activity></iati-activities>"
    );
    let r = report(&xml, &Rates::usd_only());
    let e = r.activities[0].error.as_ref().unwrap();
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("too_large", "iati-activity[1]/title")
    );
    assert_eq!(r.activities[1].error, None); // text over the limit spoils only its activity
    let huge = "y".repeat(iati::MAX_TOKEN_BYTES + 1);
    let xml = format!(
        "<iati-activities><iati-activity><title>{huge}</title></iati-activity></iati-activities>"
    );
    let e = report(&xml, &Rates::usd_only()).activities[0]
        .error
        .clone()
        .unwrap();
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("too_large", "iati-activity[1]/title")
    );
}

/// An endless file of activities: reading is lazy, one activity at a time.
struct Endless {
    chunk: Vec<u8>,
    at: usize,
    started: bool,
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            let head = b"<iati-activities version=\"2.03\">";
            out[..head.len()].copy_from_slice(head);
            return Ok(head.len());
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at = (self.at + n) % self.chunk.len();
        Ok(n)
    }
}

#[test]
fn activities_stream_from_an_endless_file() {
    let chunk = format!(
        r#"<iati-activity default-currency="USD"><iati-identifier>X</iati-identifier>{DATES}{}{}</iati-activity>"#,
        budget(1, "2024-01-01", "2024-12-31", "1000"),
        transaction("4", "2024-06-30", "650"),
    );
    let input = BufReader::new(Endless {
        chunk: chunk.into_bytes(),
        at: 0,
        started: false,
    });
    let policy = Policy::default();
    let mut n = 0;
    for item in Activities::new(input).take(20_000) {
        // The same identifier over and over: every activity after the first is a duplicate,
        // and the set of identifiers seen stays one long.
        match item {
            Ok(a) => assert_eq!(
                IatiRow::of(&a, &Rates::usd_only(), &policy, &Default::default())
                    .delivery
                    .len(),
                1
            ),
            Err(e) => assert_eq!(e.error.code(), "duplicate_id"),
        }
        n += 1;
    }
    assert_eq!(n, 20_000);
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("core/data/iati/{name}")).unwrap()
}

/// The IATI-DATA findings of a row: the element each names and the rule it affects.
fn data(r: &IatiRow) -> Vec<(String, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule == RuleId::IatiData)
        .map(|f| {
            assert_eq!(f.status, Status::Warning);
            let text = |k: &str| f.facts.get(k).map(|v| v.to_string()).unwrap_or_default();
            (text("element"), text("affects"))
        })
        .collect()
}

#[test]
fn negative_values_are_summed_as_published_and_a_negative_total_is_a_finding() {
    let r = iati::read(
        fixture("negative-values-2.03.xml").as_slice(),
        &Rates::usd_only(),
        &Policy::default(),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.activities.iter().all(|a| a.error.is_none()));
    let [reversal, budget, year] = &r.activities[..] else {
        panic!("{} activities", r.activities.len())
    };
    // A reversal among the disbursements: summed as published, nothing to say.
    let g = &reversal.delivery[0];
    assert_eq!(g.totals.expenditure_usd, dec("76299.35")); // 60,000 - 3,700.65 + 20,000
    assert_eq!(g.rate_percent, Some(dec("76.2994")));
    assert!(data(reversal).is_empty());
    assert!(reversal.findings.iter().any(|f| f.rule == RuleId::DlvRate));
    // A budget correction larger than the budget: the total is shown, the independent
    // evaluation cannot be judged, and the dates and evaluations survive.
    assert_eq!(budget.budget_usd, Some(dec("-30000")));
    assert_eq!(budget.independent_evaluation, None);
    assert_eq!(budget.duration_class, Some(DurationClass::Medium));
    assert_eq!(budget.evaluations.len(), 2);
    assert_eq!(budget.gender_marker, Some(2));
    assert_eq!(
        data(budget),
        [(
            "iati-activity[2]/budget".to_owned(),
            "EVAL-INDEPENDENT".to_owned()
        )]
    );
    // A year whose reversals exceed its payments: no rate, no DLV finding, a finding.
    let g = &year.delivery[0];
    assert_eq!(
        (g.group.as_str(), g.totals.expenditure_usd, g.rate_percent),
        ("2016", dec("-4000"), None)
    );
    assert_eq!(
        data(year),
        [(
            "iati-activity[3]/transaction".to_owned(),
            "DLV-RATE".to_owned()
        )]
    );
    assert!(!year.findings.iter().any(|f| f.rule == RuleId::DlvRate));
    assert_eq!(year.duration_class, Some(DurationClass::Short));
    // The model has no negative budgets: the conversion says so.
    let a = Activities::new(fixture("negative-values-2.03.xml").as_slice())
        .nth(1)
        .unwrap()
        .unwrap();
    let e = a.to_model(&Rates::usd_only()).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("negative_amount", "iati-activity[2]/budget")
    );
}

#[test]
fn a_negative_value_is_read_in_any_element() {
    let a = activity(&file(&format!(
        "{}{}",
        budget(1, "2024-01-01", "2024-12-31", "-175000"),
        transaction("11", "2024-01-10", "-0.5"),
    )));
    assert_eq!(a.budgets[0].value.amount, dec("-175000"));
    assert_eq!(a.transactions[0].value.amount, dec("-0.5"));
    // "-0" is zero, not negative: nothing to say.
    let r = row(&file(&format!(
        "{DATES}{}",
        budget(1, "2024-01-01", "2024-12-31", "-0")
    )));
    assert_eq!(r.independent_evaluation, Some(false));
    assert!(data(&r).is_empty());
}

#[test]
fn version_1_text_dates_and_budget_type_words() {
    let xml = fixture("text-dates-1.01.xml");
    let mut activities = Activities::new(xml.as_slice());
    let ken = activities.next().unwrap().unwrap();
    assert_eq!(activities.version(), Some("1.01"));
    assert_eq!(ken.dates.actual_start, Some(d("2008-07-01")));
    assert_eq!(ken.dates.planned_end, Some(d("2010-06-30")));
    assert_eq!(ken.end(), Some(d("2010-12-31"))); // end-actual, as text
    let revised: Vec<bool> = ken.budgets.iter().map(|b| b.revised).collect();
    assert_eq!(revised, [false, false, true]); // "Original", "Original", "Revised"
                                               // @iso-date wins over the text ("30 June 2009"); a text date alone is read.
    let dates: Vec<_> = ken.transactions.iter().map(|t| t.date).collect();
    assert_eq!(dates, [d("2009-06-30"), d("2010-06-30")]);
    assert!(ken.notes.is_empty());
    let skills = activities.next().unwrap().unwrap();
    assert_eq!(
        (skills.budgets[0].period_start, skills.budgets[0].period_end),
        (d("2009-01-01"), d("2009-12-31"))
    ); // period dates as text, budget type "original"
    let r = iati::read(xml.as_slice(), &Rates::usd_only(), &Policy::default());
    let [ken, skills] = &r.activities[..] else {
        panic!()
    };
    assert_eq!(ken.error, None);
    assert_eq!(ken.duration_class, Some(DurationClass::Medium)); // 30 months
    assert_eq!(ken.budget_usd, Some(dec("575000"))); // 300,000 + revised 275,000
    assert_eq!(ken.independent_evaluation, Some(true));
    assert_eq!(ken.donors, ["Netherlands"]);
    // "E" and "e" are expenditure, one in each of the publisher's July–June budget years.
    let years: Vec<&str> = ken.delivery.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(years, ["2008-07/2009-06", "2009-07/2010-06"]);
    assert_eq!(ken.gender_marker, Some(1));
    assert_eq!(skills.duration_class, Some(DurationClass::Short));
    assert_eq!(skills.budget_usd, Some(dec("120000")));
}

#[test]
fn a_text_date_that_is_not_a_date_is_the_activitys_error() {
    let xml = file(r#"<activity-date type="start-actual">1 January 2001</activity-date>"#);
    let e = report(&xml, &Rates::usd_only()).activities[0]
        .error
        .clone()
        .unwrap();
    assert_eq!(
        (e.code.as_str(), e.path.as_str()),
        ("invalid_value", "iati-activity[1]/activity-date[1]")
    );
    let none = file(r#"<activity-date type="2"/>"#);
    let e = report(&none, &Rates::usd_only()).activities[0]
        .error
        .clone()
        .unwrap();
    assert_eq!(e.path, "iati-activity[1]/activity-date[1]/@iso-date");
}

#[test]
fn empty_and_unknown_optional_attributes_are_findings_and_the_rest_reads() {
    let rates = Rates::from_pairs([("EUR", "1.1")]).unwrap();
    let r = iati::read(
        fixture("empty-attributes-2.01.xml").as_slice(),
        &rates,
        &Policy::default(),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.activities.iter().all(|a| a.error.is_none()));
    let [tun, sen, glo] = &r.activities[..] else {
        panic!()
    };
    let marker = |r: &IatiRow| {
        r.findings
            .iter()
            .find(|f| f.rule == RuleId::IatiGenMarker)
            .unwrap()
            .clone()
    };
    // significance="": the marker cannot be judged; dates and budget read.
    assert_eq!(tun.gender_marker, None);
    let m = marker(tun);
    assert_eq!(m.status, Status::Warning);
    assert_eq!(
        m.missing,
        ["iati-activity[1]/policy-marker[1]/@significance"]
    );
    assert!(
        m.message.contains("without a known significance"),
        "{}",
        m.message
    );
    assert_eq!(
        data(tun),
        [(
            "iati-activity[1]/policy-marker[1]/@significance".to_owned(),
            "IATI-GEN-MARKER".to_owned()
        )]
    ); // the environment marker's empty significance is no one's concern
    assert_eq!(tun.budget_usd, Some(dec("220000.0")));
    assert_eq!(tun.donors, ["European Commission"]);
    // A marker with no significance at all.
    assert_eq!(
        data(sen),
        [(
            "iati-activity[2]/policy-marker[1]/@significance".to_owned(),
            "IATI-GEN-MARKER".to_owned()
        )]
    );
    assert!(sen
        .findings
        .iter()
        .any(|f| f.message.contains("is not given")));
    // status="" and an empty funder among the funders.
    assert_eq!(glo.donors, ["Denmark", "Netherlands"]);
    assert_eq!(glo.budget_usd, Some(dec("400000")));
    assert_eq!(glo.independent_evaluation, Some(true));
    assert_eq!(glo.gender_marker, Some(2));
    assert_eq!(
        data(glo),
        [
            (
                "iati-activity[3]/participating-org[2]".to_owned(),
                String::new()
            ),
            (
                "iati-activity[3]/budget[1]/@status".to_owned(),
                String::new()
            ),
        ]
    );
    let a = Activities::new(fixture("empty-attributes-2.01.xml").as_slice())
        .nth(2)
        .unwrap()
        .unwrap();
    assert_eq!(a.budgets[0].status, None);
    assert_eq!(a.notes[1].affects, None);
}

#[test]
fn unknown_marker_significance_and_budget_type_are_findings() {
    let r = row(&file(&format!(
        r#"{DATES}<policy-marker vocabulary="1" code="1" significance="3"/>
           <budget type="9"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>10</value></budget>
           <budget type="Revised"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-06-30"/><value>5</value></budget>"#
    )));
    assert_eq!(r.error, None);
    assert_eq!(r.gender_marker, None);
    assert_eq!(
        data(&r),
        [
            (
                "iati-activity[1]/policy-marker[1]/@significance".to_owned(),
                "IATI-GEN-MARKER".to_owned()
            ),
            (
                "iati-activity[1]/budget[1]/@type".to_owned(),
                "EVAL-INDEPENDENT".to_owned()
            ),
        ]
    );
    assert_eq!(r.budget_usd, Some(dec("15"))); // type 9 counted as an original budget
}

#[test]
fn gzip_utf16_and_declared_encodings_are_read_as_published() {
    let read = |name: &str| {
        iati::read(
            fixture(name).as_slice(),
            &Rates::usd_only(),
            &Policy::default(),
        )
    };
    let utf8 = read("encoding-utf-8.xml");
    assert!(utf8.errors.is_empty(), "{:?}", utf8.errors);
    let row = &utf8.activities[0];
    assert_eq!(
        row.title.as_deref(),
        Some("Emploi des jeunes en Côte d'Ivoire : l'égalité à Genève")
    );
    assert_eq!(row.donors, ["France – Ministère des Affaires étrangères"]);
    assert_eq!(row.delivery[0].rate_percent, Some(dec("65")));
    for same in [
        "encoding-utf-8.xml.gz",
        "encoding-utf-16le-bom.xml",
        "encoding-utf-16be.xml",
    ] {
        assert_eq!(read(same), utf8, "{same}");
    }
    let latin1 = read("encoding-iso-8859-1.xml");
    assert!(latin1.errors.is_empty(), "{:?}", latin1.errors);
    assert_eq!(latin1.activities[0].title, row.title);
    assert_eq!(
        latin1.activities[0].donors,
        ["France - Ministère des Affaires étrangères"]
    );
    assert_eq!(latin1.activities[0].findings, row.findings);
}

#[test]
fn a_file_that_cannot_be_decoded_says_what_it_is() {
    let r = report(
        r#"<?xml version="1.0" encoding="EBCDIC-XYZ"?><iati-activities/>"#,
        &Rates::usd_only(),
    );
    let e = &r.errors[0];
    assert_eq!(e.code, "invalid_xml");
    assert!(e.message.contains("\"EBCDIC-XYZ\""), "{}", e.message);
    // UTF-16 read without its byte order mark: never a NUL byte in a message.
    let utf16: Vec<u8> = "<html/>"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let r = iati::read(utf16.as_slice(), &Rates::usd_only(), &Policy::default());
    assert!(
        r.errors[0].message.contains("<html>"),
        "{}",
        r.errors[0].message
    );
    let gz = fixture("encoding-utf-8.xml.gz");
    let r = iati::read(&gz[..gz.len() / 2], &Rates::usd_only(), &Policy::default());
    let e = r
        .errors
        .first()
        .or(r.activities.first().and_then(|a| a.error.as_ref()))
        .unwrap();
    assert_eq!(e.code, "invalid_xml");
    assert!(e.message.contains("gzip"), "{}", e.message);
    assert!(!e.message.contains('\0'));
}
