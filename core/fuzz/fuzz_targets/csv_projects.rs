//! A CSV table (projects, records or approvals, told apart by its header), then the
//! evaluation rules on every project row that reads, and writing the projects back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcrules::io::{csv, Format};
use tcrules::{api, evaluation, money::Rates, Policy};

fuzz_target!(|data: &[u8]| {
    let policy = Policy::default();
    let _ = api::read("csv", data, &Rates::usd_only(), &policy);
    let Ok(text) = Format::Csv.text(data) else {
        return;
    };
    let Ok(rows) = csv::read_project_rows(text) else {
        return;
    };
    let projects: Vec<_> = rows.into_iter().flatten().collect();
    let _ = evaluation::evaluate_all(&projects, &policy, &Rates::usd_only());
    let _ = csv::write_projects(&projects);
});
