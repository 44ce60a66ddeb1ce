//! The vocabulary every rule speaks: rule ids, the status and severity of a check, and the
//! text of a finding. The bottom layer: `policy` (which sets severities and citations per
//! rule) and `finding` (which carries them) both build on it.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
    DlvOutsideDates = "DLV-OUTSIDE-DATES": "Records dated outside the project's dates",
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
    IatiData = "IATI-DATA": "Published values the rules can use",
    IatiEvalDoc = "IATI-EVAL-DOC": "A finished activity publishes its evaluation",
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
#[derive(strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warning,
    NotApplicable,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        self.into()
    }
}

/// How much a failing check matters; set per rule by the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
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
        self.into()
    }
}

/// The text of a finding (message, help, citation, subject, fact name). Reads like a
/// `String` (it derefs to `str`, has [`Text::as_str`], and serializes as a JSON string)
/// but does not copy what is fixed: a rule's wording stays a `&'static str` and a policy's
/// citation is shared with the policy, so building a finding allocates only for what it
/// formats.
///
/// ```
/// use tcrules::rule::Text;
/// let t = Text::from("R6 §143");
/// assert_eq!(t, "R6 §143");
/// assert_eq!(t.as_str(), "R6 §143");
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"R6 §143\"");
/// assert_eq!(String::from(Text::from(format!("{} project", 24))), "24 project");
/// ```
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Text {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
            Repr::Owned(s) => s,
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(Repr::Static(""))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Lets maps keyed by `Text` be read with a `&str`.
impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text(Repr::Static(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Repr::Owned(s))
    }
}

/// Copies: a borrowed string may not outlive the finding.
impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Repr::Owned(s.clone()))
    }
}

impl From<std::borrow::Cow<'static, str>> for Text {
    fn from(s: std::borrow::Cow<'static, str>) -> Self {
        match s {
            std::borrow::Cow::Borrowed(s) => Text(Repr::Static(s)),
            std::borrow::Cow::Owned(s) => Text(Repr::Owned(s)),
        }
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Self {
        Text(Repr::Shared(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        match t.0 {
            Repr::Owned(s) => s,
            Repr::Static(s) => s.to_owned(),
            Repr::Shared(s) => s.as_ref().to_owned(),
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

/// The schema of a string, so schemas read the same as with `String` fields.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        String::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
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
    fn text_reads_like_a_string() {
        let shared = Text::from(Arc::<str>::from("R6 §143"));
        let owned = Text::from("R6 §143".to_owned());
        assert_eq!(shared, owned);
        assert_eq!(shared, "R6 §143");
        assert_eq!("R6 §143", shared);
        assert_eq!("R6 §143".to_owned(), Text::from(&"R6 §143".to_owned()));
        assert_eq!(Text::from(std::borrow::Cow::Borrowed("x")), "x");
        assert_eq!(format!("{shared:?}"), format!("{:?}", "R6 §143"));
        assert_eq!(String::from(shared), "R6 §143");
        let back: Text = serde_json::from_str("\"x\"").unwrap();
        assert_eq!((back.as_str(), Text::default().as_str()), ("x", ""));
    }

    #[test]
    fn status_and_severity_names_are_their_json_names() {
        use Severity::*;
        use Status::*;
        for s in [Pass, Fail, Warning, NotApplicable] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                (json.as_str(), s.to_string()),
                (&*format!("\"{}\"", s.as_str()), s.as_str().to_owned())
            );
        }
        for s in [Blocking, Major, Minor, Info] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                (json.as_str(), s.to_string()),
                (&*format!("\"{}\"", s.as_str()), s.as_str().to_owned())
            );
        }
        assert_eq!(
            (NotApplicable.as_str(), Blocking.as_str()),
            ("not_applicable", "blocking")
        );
    }
}
