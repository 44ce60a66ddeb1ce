//! `tcrules policy`: the policy edition in force — its stamp, thresholds, and every rule
//! with its severity and citation.

use tcrules::money::group_thousands;
use tcrules::Policy;

use crate::exit::Outcome;
use crate::failure::Failure;
use crate::options::Options;
use crate::render::{self, say};

pub fn run(options: &Options, policy: &Policy) -> Result<Outcome, Failure> {
    if options.json() {
        say!("{}", policy.to_json_pretty());
        return Ok(Outcome::default());
    }
    let s = policy.stamp();
    say!("{} {} ({})", s.name, s.version, s.hash);
    let e = &policy.spec().evaluation;
    say!(
        "evaluation: final only under {} months; mid-term up to {} months; independent over US${}",
        e.final_only_below_months,
        e.mid_term_up_to_months,
        group_thousands(&e.independent_threshold_usd)
    );
    let d = &policy.spec().delivery;
    say!(
        "delivery: warning below {} %; band {}–{} %",
        d.warning_below_percent,
        d.band_low_percent,
        d.band_high_percent
    );
    let rows: Vec<Vec<String>> = policy
        .spec()
        .rules
        .iter()
        .map(|(id, m)| {
            vec![
                id.to_string(),
                m.severity.to_string(),
                m.citation.clone(),
                id.title().to_owned(),
            ]
        })
        .collect();
    render::table(&["rule", "severity", "citation", "title"], &rows);
    Ok(Outcome::default())
}
