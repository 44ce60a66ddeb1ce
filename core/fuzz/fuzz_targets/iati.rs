//! An IATI activity file: the rules on every activity, and each activity converted to the
//! model and evaluated as a project.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcrules::iati;
use tcrules::{evaluation, money::Rates, Policy};

fuzz_target!(|data: &[u8]| {
    let policy = Policy::default();
    let rates = Rates::from_pairs([("EUR", "1.47"), ("CHF", "0.000001")]).unwrap_or_default();
    let _ = iati::read(data, &rates, &policy);
    for activity in iati::Activities::new(data).flatten() {
        if let Ok((project, records)) = activity.to_model(&rates) {
            let _ = evaluation::evaluate(&project, &policy, &rates);
            let _ = tcrules::delivery::delivery(
                std::slice::from_ref(&project),
                &records,
                tcrules::delivery::GroupBy::Donor,
                tcrules::period::ReportingPeriod::All,
                &policy,
                &rates,
            );
        }
    }
});
