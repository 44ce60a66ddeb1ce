//! Findings: what every rule returns. A finding says which rule decided, how, on which
//! facts, under which policy edition, and where the rule comes from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::policy::{Policy, PolicyStamp};

macro_rules! rule_ids {
    ($($variant:ident = $id:literal : $title:literal),+ $(,)?) => {
        /// The stable id of a rule (RULES.md).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum RuleId { $(#[doc = $title] #[serde(rename = $id)] $variant),+ }

        impl RuleId {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),+];

            /// The id as written in RULES.md, e.g. `EVAL-DURATION`.
            pub fn as_str(&self) -> &'static str {
                match self { $(RuleId::$variant => $id),+ }
            }

            /// One-line title.
            pub fn title(&self) -> &'static str {
                match self { $(RuleId::$variant => $title),+ }
            }
        }

        impl std::str::FromStr for RuleId {
            type Err = crate::Error;
            fn from_str(s: &str) -> crate::error::Result<Self> {
                match s {
                    $($id => Ok(RuleId::$variant),)+
                    _ => Err(crate::Error::invalid("", format!("unknown rule id {s:?}"))),
                }
            }
        }
    };
}

rule_ids! {
    EvalDuration = "EVAL-DURATION": "Evaluations required by duration",
    EvalIndependent = "EVAL-INDEPENDENT": "Independent evaluation above the budget threshold",
    EvalBudget = "EVAL-BUDGET": "Evaluation resources in the budget",
    EvalConstituents = "EVAL-CONSTITUENTS": "Constituents take part in evaluation",
    EvalPlan = "EVAL-PLAN": "The evaluation plan meets the requirements",
    DlvRate = "DLV-RATE": "Delivery rate against the policy band",
    DlvOverspend = "DLV-OVERSPEND": "Expenditure above allocation",
    DlvNoAllocation = "DLV-NO-ALLOCATION": "No resources allocated: delivery undefined",
    IntComposite = "INT-COMPOSITE": "Outcome budget as a composite of sources",
    IntLink = "INT-LINK": "Extra-budgetary work is linked to the programming framework",
    IntBalance = "INT-BALANCE": "Balance between regular budget and extra-budgetary resources",
    IntSeed = "INT-SEED": "RBTC as seed money",
    IntPhasing = "INT-PHASING": "RBTC phasing in the biennium",
    IntPsi = "INT-PSI": "Programme support income",
    PfApprovals = "PF-APPROVALS": "Approvals by donor category, with period averages, shares and change",
    PfConcentration = "PF-CONCENTRATION": "Donor concentration",
    PfRegion = "PF-REGION": "Expenditure by region",
    PfObjective = "PF-OBJECTIVE": "Expenditure by strategic objective",
    PfLocal = "PF-LOCAL": "Locally mobilized resources",
    AprNeeds = "APR-NEEDS": "Based on needs in the P&B and the DWCP",
    AprRbm = "APR-RBM": "Designed by results-based management",
    AprMe = "APR-ME": "Monitoring and evaluation plan meets the evaluation rules",
    AprTriConsult = "APR-TRI-CONSULT": "Constituents took part in needs assessment and design",
    AprTriBureaux = "APR-TRI-BUREAUX": "ACT/EMP and ACTRAV were consulted",
    AprTriGovernance = "APR-TRI-GOVERNANCE": "Tripartite oversight",
    AprTriRoles = "APR-TRI-ROLES": "Constituents have roles beyond design",
    AprTriCapacity = "APR-TRI-CAPACITY": "Constituents' capacity needs assessed and addressed",
    AprTriAutonomy = "APR-TRI-AUTONOMY": "Exemption from tripartite checks is justified",
    AprGenAnalysis = "APR-GEN-ANALYSIS": "Gender analysis",
    AprGenIndicators = "APR-GEN-INDICATORS": "Indicators that count people are disaggregated by sex",
    AprGenMarker = "APR-GEN-MARKER": "Gender marker backed by the design",
    AprGenBudget = "APR-GEN-BUDGET": "Resources for gender-specific outputs",
    AprSus = "APR-SUS": "Sustainability and ownership",
    AprPpp = "APR-PPP": "Public-private partnership screening",
    IatiGenMarker = "IATI-GEN-MARKER": "Gender equality policy marker published",
    IatiBudgetPeriod = "IATI-BUDGET-PERIOD": "Budget periods of at most one year",
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one rule on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warning,
    NotApplicable,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
            Status::NotApplicable => "not_applicable",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a failing check matters; set per rule by the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Stops approval.
    Blocking,
    /// Must be revised before approval.
    Major,
    /// Should be improved.
    Minor,
    /// Informative: reported, never decisive.
    Info,
}

impl Severity {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Blocking => "blocking",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compared value. Decimals and dates are carried as strings so they survive JSON,
/// Python and JavaScript exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Fact {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl From<bool> for Fact {
    fn from(v: bool) -> Self {
        Fact::Bool(v)
    }
}
impl From<i64> for Fact {
    fn from(v: i64) -> Self {
        Fact::Int(v)
    }
}
impl From<u32> for Fact {
    fn from(v: u32) -> Self {
        Fact::Int(i64::from(v))
    }
}
impl From<usize> for Fact {
    fn from(v: usize) -> Self {
        Fact::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<String> for Fact {
    fn from(v: String) -> Self {
        Fact::Text(v)
    }
}
impl From<&str> for Fact {
    fn from(v: &str) -> Self {
        Fact::Text(v.to_owned())
    }
}
impl From<rust_decimal::Decimal> for Fact {
    fn from(v: rust_decimal::Decimal) -> Self {
        Fact::Text(v.normalize().to_string())
    }
}
/// A ratio that may be undefined (nothing to divide by) reads `"undefined"`.
impl From<Option<rust_decimal::Decimal>> for Fact {
    fn from(v: Option<rust_decimal::Decimal>) -> Self {
        v.map_or_else(|| Fact::Text("undefined".to_owned()), Fact::from)
    }
}
impl From<chrono::NaiveDate> for Fact {
    fn from(v: chrono::NaiveDate) -> Self {
        Fact::Text(v.to_string())
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Bool(b) => write!(f, "{b}"),
            Fact::Int(i) => write!(f, "{i}"),
            Fact::Text(s) => f.write_str(s),
        }
    }
}

/// One rule's verdict on one subject, with its reasons.
///
/// ```
/// use tcrules::{Finding, Policy, RuleId, Status};
/// let policy = Policy::default();
/// let f = Finding::new(&policy, RuleId::EvalIndependent, Status::Pass, "ok")
///     .fact("threshold_usd", "350000".parse::<rust_decimal::Decimal>().unwrap());
/// assert_eq!(f.citation, "R6 §143");
/// assert_eq!(f.policy.name, "ilo-2006");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Which rule.
    pub rule: RuleId,
    /// What it decided.
    pub status: Status,
    /// How much it matters (from the policy).
    pub severity: Severity,
    /// What the finding is about (`project P-12`, `outcome 1a`, ...), when not obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// For a programme officer.
    pub message: String,
    /// The values compared: value, threshold, dates.
    #[serde(default)]
    pub facts: BTreeMap<String, Fact>,
    /// Paths of input fields the rule needed and did not get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// How to fix a failing check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where the rule comes from, e.g. `R6 §143`.
    pub citation: String,
    /// The policy edition that produced it.
    pub policy: Arc<PolicyStamp>,
}

impl Finding {
    /// A finding for `rule` with the policy's severity and citation.
    pub fn new(policy: &Policy, rule: RuleId, status: Status, message: impl Into<String>) -> Self {
        let meta = policy.rule(rule);
        Finding {
            rule,
            status,
            severity: meta.severity,
            subject: None,
            message: message.into(),
            facts: BTreeMap::new(),
            missing: Vec::new(),
            help: None,
            citation: meta.citation.clone(),
            policy: policy.stamp_arc(),
        }
    }

    /// Adds a compared value.
    #[must_use]
    pub fn fact(mut self, name: &str, value: impl Into<Fact>) -> Self {
        self.facts.insert(name.to_owned(), value.into());
        self
    }

    /// Names the subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Records a missing input field.
    #[must_use]
    pub fn missing(mut self, path: impl Into<String>) -> Self {
        self.missing.push(path.into());
        self
    }

    /// Says how to fix it.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A fail or warning: something for a person to act on.
    pub fn needs_action(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_round_trip_through_their_names() {
        for id in RuleId::ALL {
            let json = serde_json::to_string(id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(id.as_str().parse::<RuleId>().unwrap(), *id);
        }
        assert!("EVAL-NOPE".parse::<RuleId>().is_err());
    }

    #[test]
    fn decimal_facts_keep_exact_digits() {
        let f: Fact = "350000.004"
            .parse::<rust_decimal::Decimal>()
            .unwrap()
            .into();
        assert_eq!(f, Fact::Text("350000.004".into()));
        let f: Fact = "350000.00".parse::<rust_decimal::Decimal>().unwrap().into();
        assert_eq!(f, Fact::Text("350000".into()));
    }
}
