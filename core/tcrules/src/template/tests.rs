use proptest::prelude::*;

use super::*;
use crate::io::csv::Dialect;

const READY: &str = include_str!("../../../data/example/proposals/ready.json");

fn ready() -> Proposal {
    serde_json::from_str(READY).unwrap()
}

fn rows(name: &str, rows: &[&[&str]]) -> SheetRows {
    SheetRows {
        name: name.into(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
    }
}

#[test]
fn every_field_of_the_schema_has_a_place() {
    let layout = Layout::proposal();
    let names: Vec<&str> = layout.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Proposal",
            "Budget lines",
            "Outcomes",
            "Outputs",
            "Indicators",
            "Risks",
            "Assumptions",
            "Evaluations",
            "Capacity assessed"
        ]
    );
    let proposal = &layout.sheets[0];
    let keys: Vec<String> = proposal.fields.iter().map(Field::dotted).collect();
    // In the order the type declares them, as the form shows them.
    assert_eq!(&keys[..5], ["id", "title", "country", "start", "end"]);
    let stages: Vec<&str> = keys
        .iter()
        .filter_map(|k| k.strip_prefix("constituents.government."))
        .collect();
    assert_eq!(
        stages,
        [
            "needs_assessment",
            "design",
            "implementation",
            "monitoring",
            "evaluation"
        ]
    );
    for key in [
        "needs.pb_outcome",
        "constituents.workers.evaluation",
        "gender.marker",
        "governance.kind",
        "partnership.partner",
    ] {
        assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
    }
    let indicators = &layout.sheets[4];
    assert_eq!(
        indicators.parent_column(&layout).as_deref(),
        Some("Outcome no.")
    );
    let budget: Vec<&str> = layout.sheets[1]
        .fields
        .iter()
        .map(|f| f.label.as_str())
        .collect();
    assert_eq!(budget, ["Label", "Purpose", "Amount", "Amount › Currency"]);
    // Descriptions for people: the first paragraph of the doc comment, no code.
    assert_eq!(
        layout.sheets[0].about,
        "An extra-budgetary proposal submitted for appraisal (DC; R6 §63, §67–68, §138–139)."
    );
    let dwcp = proposal
        .fields
        .iter()
        .find(|f| f.dotted() == "needs.country_has_dwcp")
        .unwrap();
    assert_eq!(
        dwcp.about,
        "Whether the country has a DWCP; empty when not known."
    );
    let marker = proposal
        .fields
        .iter()
        .find(|f| f.dotted() == "gender.marker")
        .unwrap();
    assert_eq!(marker.kind, Kind::Whole { min: 0, max: 255 });
}

#[test]
fn a_filled_template_reads_back_as_the_proposal() {
    let p = ready();
    let sheets = sheets(Some(&p));
    assert_eq!(read(&sheets, Dialect::default()).unwrap(), p);
    assert_eq!(read_csv(&write_csv(Some(&p)).unwrap()).unwrap(), p);
    // Labels are people's words.
    let budget = sheets.iter().find(|s| s.name == "Budget lines").unwrap();
    assert_eq!(budget.rows[3][1], "Capacity building of constituents");
    let evaluations = sheets.iter().find(|s| s.name == "Evaluations").unwrap();
    assert!(
        evaluations.rows[1].contains(&"Self-evaluation".to_owned()),
        "{:?}",
        evaluations.rows[1]
    );
}

/// What a blank template is missing.
const BLANK: [&str; 2] = [
    "Proposal, row 2, ID: is required and empty",
    "Proposal, row 3, Title: is required and empty",
];

/// Each error's text.
fn messages(e: &crate::Error) -> Vec<String> {
    e.errors().iter().map(|e| e.to_string()).collect()
}

#[test]
fn a_blank_template_is_missing_its_id_and_title() {
    let e = read(&sheets(None), Dialect::default()).unwrap_err();
    assert_eq!(messages(&e), BLANK);
}

#[test]
fn rows_typed_by_hand_read_with_labels_and_names() {
    let sheets = [
        rows(
            "proposal",
            &[
                &["Field", "Value", "About", "Key"],
                &["", "PR-9", "", "id"],
                &["Title", "Decent work for domestic workers", "", ""],
                &["", "1/31/2025", "", "start"],
                &["", "yes", "", "needs.country_has_dwcp"],
                &["", "Tripartite committee", "", "governance.kind"],
            ],
        ),
        rows(
            "Budget lines",
            &[
                &["Label", "Purpose", "Amount", "Amount › Currency"],
                &["Evaluation", "evaluation", "12,000.50", "eur"],
                &[],
                &["Training", "Capacity building", "800", "USD"],
            ],
        ),
        rows(
            "Outcomes",
            &[
                &["Statement", "Gender equality"],
                &["Outcome A", "No"],
                &["Outcome B", "Yes"],
            ],
        ),
        rows(
            "Indicators",
            &[
                &["Outcome no.", "Name", "Counts people"],
                &["2", "Workers covered", "Yes"],
                &["1", "Laws", ""],
            ],
        ),
        rows(
            "Outputs",
            &[
                &["Outcome no.", "Output"],
                &["1", "A1"],
                &["1", "A2"],
                &["2", "B1"],
            ],
        ),
    ];
    let p = read(&sheets, Dialect::default()).unwrap();
    assert_eq!(p.id, "PR-9");
    assert_eq!(p.title, "Decent work for domestic workers");
    assert_eq!(p.start.unwrap().to_string(), "2025-01-31");
    assert_eq!(p.needs.unwrap().country_has_dwcp, Some(true));
    let budget = p.budget.unwrap();
    assert_eq!(budget.len(), 2);
    assert_eq!(budget[0].amount.amount.to_string(), "12000.50");
    assert_eq!(budget[0].amount.currency.as_str(), "EUR");
    assert_eq!(
        budget[1].purpose,
        crate::model::BudgetPurpose::CapacityBuilding
    );
    let outcomes = p.results.unwrap().outcomes;
    assert_eq!(outcomes[0].outputs, ["A1", "A2"]);
    assert_eq!(outcomes[1].outputs, ["B1"]);
    assert_eq!(outcomes[0].indicators[0].name, "Laws");
    assert!(outcomes[1].indicators[0].counts_people && outcomes[1].gender_equality);
    assert!(
        p.constituents.is_none() && p.gender.is_none(),
        "untouched sections stay missing"
    );
}

#[test]
fn every_bad_cell_is_reported_at_once_by_sheet_row_and_column() {
    let sheets = [
        rows(
            "Proposal",
            &[
                &["Field", "Value", "About", "Key"],
                &["ID", "PR-9", "", "id"],
                &["Title", "T", "", "title"],
                &["Start", "2025-02-30", "", "start"],
                &["Gender › Marker", "3.5", "", "gender.marker"],
                &[
                    "Governance › Name",
                    "Steering committee",
                    "",
                    "governance.name",
                ],
                &["Colour", "blue", "", "colour"],
            ],
        ),
        rows(
            "Budget lines",
            &[
                &["Label", "Purpose", "Amount", "Amount › Currency", "Notes"],
                &["Travel", "holidays", "12,50", "XYZ"],
                &["Staff", "General", "", ""],
            ],
        ),
        rows(
            "Indicators",
            &[&["Outcome no.", "Name"], &["", "Orphan"], &["4", "Far"]],
        ),
    ];
    let e = read(&sheets, Dialect::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
    let all: Vec<String> = e.errors().iter().map(|e| e.to_string()).collect();
    let expected = [
        r#"Proposal, row 4, Start: "2025-02-30" is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)"#,
        r#"Proposal, row 5, Gender › Marker: "3.5" is not a whole number from 0 to 255"#,
        r#"Proposal, row 7: "colour" is not a field of the template"#,
        "Proposal, Governance › Kind: is required and empty",
        r#"Budget lines, row 1, column 5: "Notes" is not a column of this sheet (its columns: Label, Purpose, Amount, Amount › Currency)"#,
        r#"Budget lines, row 2, Purpose: "holidays" is not one of: General, Evaluation, Monitoring, Gender-specific outputs or activities, Capacity building of constituents"#,
        r#"Budget lines, row 2, Amount: "12,50" is not a decimal number"#,
    ];
    for (got, want) in all.iter().zip(expected) {
        assert_eq!(got, want);
    }
    assert!(
        all[7].starts_with(r#"Budget lines, row 2, Amount › Currency: "XYZ" is not one of: AED, "#),
        "{}",
        all[7]
    );
    assert_eq!(
        &all[8..],
        [
            "Budget lines, row 3, Amount: is required and empty",
            "Indicators, row 2, Outcome no.: is empty: give the number of the row's item in the sheet it belongs to",
            "Indicators, row 3, Outcome no.: there is no outcome 4: the sheet Outcomes has 0",
        ]
    );
}

#[test]
fn a_semicolon_csv_reads_decimal_commas() {
    let text = "Field;Value;About;Key\nID;P;;id\nTitle;T;;title\nBudget lines\nLabel;Purpose;Amount;Amount › Currency\nX;General;1.250,75;CHF\n";
    let p = read_csv(text).unwrap();
    assert_eq!(p.budget.unwrap()[0].amount.amount.to_string(), "1250.75");
}

#[cfg(feature = "template")]
#[test]
fn the_workbook_has_every_sheet() {
    let bytes = workbook(Some(&ready())).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let blank = workbook(None).unwrap();
    assert!(blank.len() < bytes.len());
}

/// A text as a cell keeps it: no white space at either end (a cell is read trimmed).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\s]([^\r\n]{0,20}[^\\s])?",
        // The names of sheets, and what a spreadsheet would take for a formula.
        Just("Outcomes".to_owned()),
        Just("Budget lines".to_owned()),
        Just("=SUM(A1:A2)".to_owned()),
        Just("a, \"quoted\"\nline".to_owned()),
    ]
}

#[test]
fn the_workbook_reads_back_as_the_proposal() {
    let p = ready();
    let filled = read_file(&workbook(Some(&p)).unwrap()).unwrap();
    assert_eq!(filled, p);
    let (policy, rates) = (crate::Policy::default(), crate::money::Rates::usd_only());
    assert_eq!(
        crate::appraisal::appraise(&filled, &policy, &rates).unwrap(),
        crate::appraisal::appraise(&p, &policy, &rates).unwrap()
    );
    let e = read_file(&workbook(None).unwrap()).unwrap_err();
    assert_eq!(messages(&e), BLANK);
}

/// A workbook filled as a spreadsheet program saves typed cells: numbers, dates (a
/// number formatted as a date) and booleans, not text; written here cell by cell with rust_xlsxwriter, not by the
/// template's writer.
#[test]
fn typed_cells_of_a_workbook_read_as_their_fields() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Proposal").unwrap();
    for (c, h) in PROPOSAL_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 3, "id").unwrap();
    ws.write_number(1, 1, 42.0).unwrap();
    ws.write_string(2, 3, "title").unwrap();
    ws.write_string(2, 1, "Typed").unwrap();
    ws.write_string(3, 3, "start").unwrap();
    let date = ExcelDateTime::from_ymd(2025, 1, 31).unwrap();
    ws.write_datetime_with_format(3, 1, &date, &Format::new().set_num_format("dd/mm/yyyy"))
        .unwrap();
    ws.write_string(4, 3, "needs.country_has_dwcp").unwrap();
    ws.write_boolean(4, 1, true).unwrap();
    ws.write_string(5, 3, "gender.marker").unwrap();
    ws.write_number(5, 1, 2.0).unwrap();
    let ws = book.add_worksheet();
    ws.set_name("Budget lines").unwrap();
    for (c, h) in ["Label", "Purpose", "Amount", "Amount › Currency"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Travel").unwrap();
    ws.write_string(1, 1, "Capacity building of constituents")
        .unwrap();
    ws.write_number(1, 2, 350000.01).unwrap();
    ws.write_string(1, 3, "usd").unwrap();
    let p = read_file(&book.save_to_buffer().unwrap()).unwrap();
    assert_eq!((p.id.as_str(), p.title.as_str()), ("42", "Typed"));
    assert_eq!(p.start.unwrap().to_string(), "2025-01-31");
    assert_eq!(p.needs.unwrap().country_has_dwcp, Some(true));
    assert_eq!(p.gender.unwrap().marker, Some(2));
    let line = &p.budget.unwrap()[0];
    assert_eq!(line.amount.amount.to_string(), "350000.01");
    assert_eq!(line.purpose, crate::model::BudgetPurpose::CapacityBuilding);
}

proptest! {
    /// Any texts and amounts written into the template, as cells or as CSV, read back as
    /// written, and the proposal appraises as before.
    #[test]
    fn texts_and_amounts_round_trip(title in text(), label in text(), assumption in text(), cents in 0i64..10_000_000_000) {
        let mut p = ready();
        p.title = title;
        let budget = p.budget.as_mut().unwrap();
        budget[0].label = label;
        budget[0].amount.amount = rust_decimal::Decimal::new(cents, 2);
        p.results.as_mut().unwrap().assumptions.push(assumption);
        let from_cells = read(&sheets(Some(&p)), Dialect::default()).unwrap();
        let from_csv = read_csv(&write_csv(Some(&p)).unwrap()).unwrap();
        prop_assert_eq!(&from_cells, &p);
        prop_assert_eq!(&from_csv, &p);
        let (policy, rates) = (crate::Policy::default(), crate::money::Rates::usd_only());
        prop_assert_eq!(
            crate::appraisal::appraise(&from_csv, &policy, &rates).unwrap(),
            crate::appraisal::appraise(&p, &policy, &rates).unwrap()
        );
    }


    /// Whatever a cell says, reading answers (a proposal or errors), never panics, and
    /// what it reads writes back to the same proposal.
    #[test]
    fn any_cells_read_or_say_why(cells in proptest::collection::vec(proptest::collection::vec("[ -~›]{0,12}", 0..6), 0..8), sheet in 0usize..9) {
        let layout = Layout::proposal();
        let mut sheets = super::sheets(Some(&ready()));
        let name = layout.sheets[sheet].name.clone();
        if let Some(target) = sheets.iter_mut().find(|s| s.name == name) {
            target.rows.extend(cells);
        }
        if let Ok(p) = read(&sheets, Dialect::default()) {
            prop_assert_eq!(read(&super::sheets(Some(&p)), Dialect::default()).unwrap(), p);
        }
    }
}
