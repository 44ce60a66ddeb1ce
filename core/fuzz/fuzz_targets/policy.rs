//! A policy edition, then the full report on the example portfolio under it: every
//! threshold, band and weight the edition sets reaches a rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcrules::report::{self, ReportOptions};
use tcrules::{api, io::json, money::Rates, Policy};

const EXAMPLE: &str = include_str!("../../data/example/portfolio.json");

fuzz_target!(|data: &[u8]| {
    let _ = api::read("policy", data, &Rates::usd_only(), &Policy::default());
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (Ok(policy), Ok(portfolio)) = (Policy::from_json(text), json::read_portfolio(EXAMPLE))
    else {
        return;
    };
    let _ = report::report(&portfolio, &policy, &ReportOptions::default());
});
