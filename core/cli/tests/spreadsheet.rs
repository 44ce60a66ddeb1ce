//! Tables as spreadsheets save them, through the program (issue 17, items 2, 3 and 5): a
//! `;`-separated file with a byte-order mark, day-first dates, grouped amounts with the
//! decimal comma and labels as people write them; the `--day-first` / `--month-first`
//! choice; and a table with several bad cells answered with all of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

#[allow(dead_code)] // the helpers other test files use
mod support;

use support::{dir_with, tcrules_in};

/// Saved by a spreadsheet in a decimal-comma locale: BOM, `;`, `31/12/2025`,
/// `1.250.000,00`, "Asia and the Pacific", "XB", lower-case currency codes.
const PROJECTS: &[u8] = "\u{feff}id;title;region;strategic_objective;start;end;budget_amount;budget_currency;donors;funding\n\
P1;Skills for jobs;Asia and the Pacific;Employment;03/04/2024;31/12/2025;1.250.000,00;usd;USDOL|Multi-bilateral donors;\"XB:1.000.000,00:USD;RB:250.000,00:usd\"\n\
P2;Social dialogue in the Gulf;Arab States;SO 4;01.02.2024;30.06.2026;350.000,01;USD;UNDP|UN|local;\n\
P3;Pensions;africa;Social protection;15/01/2024;14/07/2025;180000;USD;;\n"
    .as_bytes();

#[test]
fn a_spreadsheet_table_runs_with_a_date_order() {
    let dir = dir_with(&[("portfolio export.csv", PROJECTS)]);
    let run = |args: &[&str]| tcrules_in(dir.path(), args);
    let day_first = run(&["--day-first", "evaluation", "portfolio export.csv"]);
    assert_eq!(day_first.code, Some(0), "{}", day_first.stderr);
    let json = run(&[
        "--day-first",
        "--format",
        "json",
        "evaluation",
        "portfolio export.csv",
    ]);
    assert!(
        json.stdout.contains("\"budget_usd\": \"1250000.00\""),
        "{}",
        json.stdout
    );
    // The dates that read both ways need the choice: the message names it.
    let unsaid = run(&["evaluation", "portfolio export.csv"]);
    assert_eq!(unsaid.code, Some(1));
    assert!(unsaid.stderr.contains("--day-first"), "{}", unsaid.stderr);
    // Month first, 31/12/2025 is no date.
    let month_first = run(&["--month-first", "evaluation", "portfolio export.csv"]);
    assert_eq!(month_first.code, Some(1));
    assert!(
        month_first.stderr.contains("projects[0].end"),
        "{}",
        month_first.stderr
    );
    let both = run(&[
        "--day-first",
        "--month-first",
        "evaluation",
        "portfolio export.csv",
    ]);
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    insta::assert_snapshot!(
        "spreadsheet",
        [day_first, unsaid, month_first]
            .iter()
            .map(support::Run::transcript)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_bad_cell_is_reported() {
    let table = b"id,title,region,start,end,budget_amount,budget_currency,funding\n\
        P1,Pay equity,Africa,2024-01-01,2025-06-30,350000.00,usd,XB:350000:USD\n\
        P2,Forced labour,Oceania,2024-01-01,2025-06-30,\"1,000,000.00\",USD,\n\
        P3,Migration,Americas,2024-13-01,2025-06-30,12.5.0,CHF,\n\
        P4,Child labour,Arab States,2024-01-01,2025-06-30,100,EUR,grants:100:EUR\n";
    let dir = dir_with(&[("projects.csv", table)]);
    let run = tcrules_in(dir.path(), &["evaluation", "projects.csv"]);
    assert_eq!(run.code, Some(1));
    for cell in [
        "projects[1].region",
        "projects[2].start",
        "projects[2].budget_amount",
        "projects[3].funding",
    ] {
        assert!(run.stderr.contains(cell), "{cell}: {}", run.stderr);
    }
    insta::assert_snapshot!("several_bad_cells", run.transcript());
}

/// The analyst's fixtures (`tests/spreadsheets/`, written by its `make.py`): one portfolio
/// with its own headers as a `;` CSV with a byte-order mark, day-first dates and grouped
/// amounts, and the same as an Excel and an OpenDocument workbook under misleading names.
const FIXTURES: &str = "tests/spreadsheets";

/// `tcrules ARGS` at the repository root, the fixtures named by their paths there.
fn at_root(args: &[&str]) -> support::Run {
    support::tcrules(args)
}

/// An answer's JSON with every decimal written in its shortest form: a number cell holds
/// 1250000 where the CSV text says 1.250.000,00, the same amount.
fn normalized(text: &str) -> serde_json::Value {
    fn walk(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => match s.parse::<rust_decimal::Decimal>() {
                Ok(d) if s.contains('.') => Value::String(d.normalize().to_string()),
                _ => Value::String(s),
            },
            Value::Array(a) => Value::Array(a.into_iter().map(walk).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, walk(v))).collect()),
            other => other,
        }
    }
    walk(serde_json::from_str(text).unwrap())
}

#[test]
fn the_same_portfolio_as_csv_excel_and_opendocument_gives_the_same_answers() {
    let columns = format!("{FIXTURES}/columns.json");
    let rates = format!("{FIXTURES}/rates.json");
    let answer = |args: &[&str]| {
        let mut all = vec!["--format", "json", "--columns", &columns, "--rates", &rates];
        all.extend_from_slice(args);
        let run = at_root(&all);
        assert_eq!(run.code, Some(0), "{all:?}: {}", run.stderr);
        normalized(&run.stdout)
    };
    let projects = format!("{FIXTURES}/projects-semicolon.csv");
    let records = format!("{FIXTURES}/records-semicolon.csv");
    // Misnamed: the format is told from the content.
    let excel = format!("{FIXTURES}/portfolio-excel.csv");
    let calc = format!("{FIXTURES}/portfolio-calc.txt");
    let evaluation = answer(&["--day-first", "evaluation", &projects]);
    assert_eq!(evaluation[0]["requirements"]["budget_usd"], "1350000");
    assert_eq!(evaluation[0]["requirements"]["class"], "medium");
    let delivery = answer(&["--day-first", "delivery", "--year", "2024", &records]);
    for workbook in [&excel, &calc] {
        // The first sheet: the projects; dates typed as dates need no --day-first.
        assert_eq!(answer(&["evaluation", workbook]), evaluation, "{workbook}");
        let sheet = ["--sheet", "Records", "delivery", "--year", "2024", workbook];
        assert_eq!(answer(&sheet), delivery, "{workbook}");
    }
    // Both tables, one from each file kind, grouped by the projects' unit.
    let by_unit = |p: &str, r: &str, sheet: &[&str]| {
        let mut args = vec!["--day-first"];
        args.extend_from_slice(sheet);
        args.extend(["delivery", "--year", "2024", "--by", "unit", p, r]);
        answer(&args)
    };
    let from_csv = by_unit(&projects, &records, &[]);
    let groups: Vec<&str> = from_csv["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["DIALOGUE", "EMP", "GENDER"]);
    // The projects from the workbook, the records from the CSV file: the same report.
    assert_eq!(by_unit(&excel, &records, &[]), from_csv);
}

#[test]
fn a_missing_sheet_or_column_mapping_is_named() {
    let excel = format!("{FIXTURES}/portfolio-excel.csv");
    let run = at_root(&["--sheet", "Budget", "evaluation", &excel]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains(r#"the workbook has no sheet "Budget"; its sheets: "Projects", "Records""#),
        "{}",
        run.stderr
    );
    // Without the mapping, every missing column in one error, with the closest header.
    let run = at_root(&["--format", "json", "evaluation", &excel]);
    assert_eq!(run.code, Some(1));
    let error: serde_json::Value = serde_json::from_str(&run.stderr).unwrap();
    assert_eq!(error["error"]["code"], "invalid_csv");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(r#"projects: the table has no columns "id" (did you mean "Project ID"?), "start" (did you mean "Start Date"?), "end" (did you mean "End Date"?), "budget_amount" (did you mean "Budget"?): say which of your columns is which with a column mapping, e.g. {"Project ID": "id"}"#),
        "{message}"
    );
}

#[test]
fn a_grouping_column_the_table_lacks_is_an_error() {
    let columns = format!("{FIXTURES}/columns.json");
    let csv = [
        format!("{FIXTURES}/projects-semicolon.csv"),
        format!("{FIXTURES}/records-semicolon.csv"),
    ];
    let run = |by: &str| {
        at_root(&[
            "--day-first",
            "--columns",
            &columns,
            "--rates",
            "tests/spreadsheets/rates.json",
            "delivery",
            "--year",
            "2024",
            "--by",
            by,
            &csv[0],
            &csv[1],
        ])
    };
    let unit = run("unit");
    assert_eq!(unit.code, Some(0), "{}", unit.stderr);
    assert!(
        unit.stdout.contains("EMP") && !unit.stdout.contains("(unassigned)"),
        "{}",
        unit.stdout
    );
    let office = run("field_office");
    assert_eq!(office.code, Some(1), "{}", office.stdout);
    assert!(
        office
            .stderr
            .contains(r#"the table has no column "field_office""#),
        "{}",
        office.stderr
    );
}

#[test]
fn every_bad_cell_names_the_users_header() {
    let columns = format!("{FIXTURES}/columns.json");
    let bad = format!("{FIXTURES}/projects-bad.csv");
    let run = at_root(&[
        "--format",
        "json",
        "--day-first",
        "--columns",
        &columns,
        "evaluation",
        &bad,
    ]);
    assert_eq!(run.code, Some(1));
    let error: serde_json::Value = serde_json::from_str(&run.stderr).unwrap();
    let cells: Vec<(&str, &str)> = error["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cells,
        [
            ("projects[1].Region", "invalid_value"),
            ("projects[2].Start Date", "invalid_value"),
            ("projects[2].Budget", "invalid_value"),
            ("projects[3].Budget Currency", "unknown_currency"),
        ]
    );
}

#[test]
fn an_editions_own_spellings_are_read_from_its_file() {
    let edition = br#"{"name": "ours", "version": "1", "extends": "ilo-2006",
        "labels": {"region": {"AP": "asia_pacific"}, "source_of_funds": {"Donor funds": "xbtc"}}}"#;
    let table = b"id,title,region,start,end,budget_amount,budget_currency,funding\n\
        P1,Skills,AP,2024-01-01,2025-06-30,100,USD,Donor funds:100:USD\n";
    let dir = dir_with(&[("ours.json", edition), ("projects.csv", table)]);
    let ours = tcrules_in(
        dir.path(),
        &[
            "--policy",
            "ours.json",
            "--format",
            "json",
            "evaluation",
            "projects.csv",
        ],
    );
    assert_eq!(ours.code, Some(0), "{}", ours.stderr);
    let built_in = tcrules_in(dir.path(), &["evaluation", "projects.csv"]);
    assert_eq!(built_in.code, Some(1));
    assert!(
        built_in.stderr.contains("projects[0].region"),
        "{}",
        built_in.stderr
    );
}

/// Dated exchange rates as an analyst keeps them (issue 16, item 1): a workbook's first
/// sheet of currency, month (date cells) and rate, or CSV text under any name; a budget
/// converts at its start month's rate.
#[test]
fn rates_come_from_a_workbook_or_csv_under_any_name() {
    let projects =
        "id,title,start,end,budget_amount,budget_currency\nP1,T,2024-03-15,2025-09-14,300000,EUR\n";
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (col, heading) in ["currency", "month", "rate"].iter().enumerate() {
        sheet
            .write_string(0, u16::try_from(col).unwrap(), *heading)
            .unwrap();
    }
    for (row, (month, rate)) in [((2024, 1), 1.0), ((2024, 3), 1.2)].iter().enumerate() {
        let row = u32::try_from(row + 1).unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(month.0, month.1, 1).unwrap();
        sheet.write_string(row, 0, "EUR").unwrap();
        sheet
            .write_datetime_with_format(row, 1, &day, &date)
            .unwrap();
        sheet.write_number(row, 2, *rate).unwrap();
    }
    let workbook = book.save_to_buffer().unwrap();
    let dir = dir_with(&[
        ("projects.csv", projects.as_bytes()),
        ("rates.xlsx", &workbook),
        (
            "rates.txt",
            b"currency,month,rate\nEUR,2024-01,1.0\nEUR,2024-03,1.2\n",
        ),
        (
            "rates.data",
            br#"{"EUR": {"2024-01": "1.0", "2024-03": "1.2"}}"#,
        ),
    ]);
    for rates in ["rates.xlsx", "rates.txt", "rates.data"] {
        let args = [
            "--format",
            "json",
            "--rates",
            rates,
            "evaluation",
            "projects.csv",
        ];
        let run = tcrules_in(dir.path(), &args);
        assert_eq!(run.code, Some(0), "{rates}: {}", run.stderr);
        let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let req = &out[0]["requirements"];
        assert_eq!(req["budget_usd"], "360000.0", "{rates}");
        assert_eq!(req["independent_evaluation"], true, "{rates}");
    }
    // A row's own rate wins over the rates file, as in the Arrow engine.
    let own = "id,title,start,end,budget_amount,budget_currency,budget_rate\nP1,T,2024-03-15,2025-09-14,300000,EUR,1.1\n";
    std::fs::write(dir.path().join("own.csv"), own).unwrap();
    let run = tcrules_in(
        dir.path(),
        &[
            "--format",
            "json",
            "--rates",
            "rates.txt",
            "evaluation",
            "own.csv",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out[0]["requirements"]["budget_usd"], "330000.0");
}
