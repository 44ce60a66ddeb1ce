//! The JSON boundary every binding uses, on inputs shaped like the conformance vectors
//! (`{"kind", "input", "policy"}`): appraisal, evaluation, schedule, delivery, report and
//! every other kind, under the default edition or the input's own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tcrules::{api, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = tcrules::io::json::parse_value(text) else {
        return;
    };
    let policy = match v.get("policy") {
        None | Some(Value::Null) => Policy::default(),
        Some(p) => match Policy::from_json(&p.to_string()) {
            Ok(p) => p,
            Err(_) => return,
        },
    };
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("appraisal");
    let input = v.get("input").cloned().unwrap_or(Value::Null);
    let _ = api::call(kind, &input, &policy);
});
