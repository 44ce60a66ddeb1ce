//! JSON Schemas generated from the Rust types, so web forms and other tools validate
//! input against the same shape the library reads. The committed copies in
//! `core/schema/` are checked by a test to be up to date.

use serde_json::Value;

fn generate<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

/// The schemas by file stem: `portfolio`, `project`, `proposal`, `policy`, `finding`,
/// `appraisal`, `report`, `iati`.
///
/// ```
/// let schemas = tcrules::schema::all();
/// assert!(schemas.iter().any(|(name, s)| *name == "proposal" && s["title"] == "Proposal"));
/// ```
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        ("portfolio", generate::<crate::Portfolio>()),
        ("project", generate::<crate::Project>()),
        ("proposal", generate::<crate::Proposal>()),
        ("policy", generate::<crate::policy::PolicySpec>()),
        ("finding", generate::<crate::Finding>()),
        ("appraisal", generate::<crate::appraisal::Appraisal>()),
        ("report", generate::<crate::report::Report>()),
        #[cfg(feature = "iati")]
        ("iati", generate::<crate::iati::IatiReport>()),
    ]
}
