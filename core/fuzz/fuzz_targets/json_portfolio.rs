//! A portfolio JSON file, then every rule family on it when it reads: the full report
//! (evaluation, delivery, integration, portfolio balance) and year-to-date delivery.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcrules::delivery::{self, GroupBy};
use tcrules::report::{self, ReportOptions};
use tcrules::{api, money::Rates, Policy, Portfolio};

fuzz_target!(|data: &[u8]| {
    let policy = Policy::default();
    let Ok(value) = api::read("json", data, &Rates::usd_only(), &policy) else {
        return;
    };
    let Ok(p) = serde_json::from_value::<Portfolio>(value) else {
        return;
    };
    let _ = report::report(&p, &policy, &ReportOptions::default());
    for year in p.records.iter().map(|r| r.month.year()).take(3) {
        for by in [GroupBy::Donor, GroupBy::Region] {
            let _ = delivery::ytd_series(&p.projects, &p.records, by, year, &p.rates);
        }
    }
});
