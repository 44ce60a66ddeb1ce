//! Policy editions as data. Thresholds, severities and citations live here, never in a
//! rule body, so the same rule functions run under several editions.
//!
//! The default edition, `ilo-2006`, carries the figures R6 describes. Another edition is
//! a JSON file: either complete, or `"extends": "ilo-2006"` plus the fields it changes
//! (a JSON merge patch), so a what-if ("what if the independent-evaluation threshold
//! were US$1 million?") needs no rebuild. Every result carries the edition's name,
//! version and the SHA-256 of its canonical form.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{label_key, DonorCategory, Region, SourceOfFunds, StrategicObjective};
use crate::rule::{RuleId, Severity, Text};

/// Largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// Thresholds of the evaluation rules (R6 §143).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationPolicy {
    /// Projects under this many months need a final evaluation only.
    pub final_only_below_months: u32,
    /// Projects from `final_only_below_months` up to and including this many months
    /// (0 extra days) need a mid-term and a final evaluation; longer ones need annual
    /// reviews, a mid-term review if agreed, and a final evaluation.
    pub mid_term_up_to_months: u32,
    /// A total budget strictly over this many US dollars needs an independent evaluation.
    pub independent_threshold_usd: Decimal,
    /// Where a planned mid-term evaluation or review meets the requirement: from this
    /// percentage of the project's days after its start (not from R6: policy data) ...
    pub mid_term_from_percent: Decimal,
    /// ... up to this percentage, both ends included.
    pub mid_term_to_percent: Decimal,
    /// A planned final evaluation meets the requirement from this many months before the
    /// project's end (not from R6: policy data) ...
    pub final_months_before_end: u32,
    /// ... to this many months after it, both ends included.
    pub final_months_after_end: u32,
    /// A published activity that ended more than this many months ago is expected to
    /// publish its evaluation (IATI-EVAL-DOC; not from R6: policy data).
    #[serde(default = "published_within_months")]
    pub published_within_months: u32,
}

/// The default of [`EvaluationPolicy::published_within_months`], which editions written
/// before it existed take.
fn published_within_months() -> u32 {
    12
}

/// Thresholds of the delivery rules (R6 §140).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliveryPolicy {
    /// Delivery below this percentage is under-delivery (a warning).
    pub warning_below_percent: Decimal,
    /// The band delivery usually falls in: low end, in per cent.
    pub band_low_percent: Decimal,
    /// The band's high end, in per cent.
    pub band_high_percent: Decimal,
}

/// Figures of the integration rules (R6 §59–64, §74, §162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntegrationPolicy {
    /// An outcome whose extra-budgetary share is above this percentage is donor-dependent.
    pub donor_dependence_above_percent: Decimal,
    /// The share of a biennium's RBTC expenditure expected in its second year: strictly
    /// over this percentage (R6 §162, "normally greater ... in the second year").
    pub rbtc_second_year_over_percent: Decimal,
    /// Programme support income as a percentage of extra-budgetary expenditure.
    pub psi_rate_percent: Decimal,
}

/// Figures of the portfolio-balance rules (R6 §154–173).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortfolioPolicy {
    /// How many of the largest donors the concentration share counts (R6 §158: three).
    pub top_n: u32,
    /// A top-N share above this percentage is a concentration warning.
    pub concentration_warning_above_percent: Decimal,
    /// Decimal places of published shares (R6 tables: one).
    pub share_decimals: u32,
    /// Reporting groups of donor categories (R6 Table V.1 folds direct trust funds,
    /// non-state actors, IFIs and the EU into "Other sources").
    pub category_groups: BTreeMap<DonorCategory, String>,
}

/// The date a project's budget is converted to US dollars at (RULES.md §2: dated
/// exchange rates; not from R6: policy data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BudgetRateDate {
    /// The rate in force in the month the project starts.
    #[default]
    Start,
    /// The rate in force in the month the project ends.
    End,
}

/// How amounts are converted to US dollars (not from R6: policy data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RatesPolicy {
    /// Where exchange rates are dated, a budget is converted at the rate in force in this
    /// month of the project (a record always at its own month).
    pub budget_rate_date: BudgetRateDate,
}

impl BudgetRateDate {
    /// The month a project's budget is converted at.
    pub fn month(
        self,
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
    ) -> crate::period::YearMonth {
        crate::period::YearMonth::of(match self {
            BudgetRateDate::Start => start,
            BudgetRateDate::End => end,
        })
    }
}

/// Scoring of appraisals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AppraisalPolicy {
    /// Weight of a check by severity in the score (0–100 share of weight passed).
    pub weights: BTreeMap<Severity, u32>,
}

/// A rule's severity and citation in an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub severity: Severity,
    pub citation: String,
}

/// The whole content of an edition, as read from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Edition name, e.g. `ilo-2006`.
    pub name: String,
    /// Edition version.
    pub version: String,
    /// What the edition is and where its figures come from.
    #[serde(default)]
    pub description: String,
    /// Sources of figures the seeds do not give (RULES.md §6), by figure.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub evaluation: EvaluationPolicy,
    pub delivery: DeliveryPolicy,
    pub integration: IntegrationPolicy,
    pub portfolio: PortfolioPolicy,
    pub appraisal: AppraisalPolicy,
    /// How amounts are converted to US dollars (an edition without it converts a budget
    /// at its project's start).
    #[serde(default)]
    pub rates: RatesPolicy,
    /// Severity and citation of every rule.
    pub rules: BTreeMap<RuleId, RuleMeta>,
    /// The organisation's own spellings of regions, strategic objectives, sources of funds
    /// and donor categories, for the tables it reads ([`Labels`]).
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
}

/// An organisation's own spellings of the vocabulary's values, as its edition file gives
/// them (issue 17, item 2): `{"region": {"AP": "asia_pacific"}, "source_of_funds":
/// {"Donor funds": "xbtc"}}`. The tables' readers take them after the built-in labels and
/// aliases ([`crate::model::label_key`]: any case, spacing and punctuation). Empty in the
/// built-in edition, and then left out of its canonical JSON (so its hash is unchanged).
///
/// ```
/// use tcrules::Policy;
/// let p = Policy::from_json(r#"{"name": "ours", "version": "1", "extends": "ilo-2006",
///     "labels": {"region": {"AP": "asia_pacific"}, "source_of_funds": {"Donor funds": "xbtc"}}}"#).unwrap();
/// let labels = &p.spec().labels;
/// assert_eq!(labels.region("ap").unwrap().as_str(), "asia_pacific");
/// assert_eq!(labels.region("Asia and the Pacific").unwrap().as_str(), "asia_pacific");
/// assert_eq!(labels.source_of_funds("DONOR FUNDS").unwrap().as_str(), "xbtc");
/// assert!(labels.region("Atlantis").unwrap_err().to_string().contains("AP"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Spellings of regions, to their codes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub region: BTreeMap<String, Region>,
    /// Spellings of strategic objectives.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub strategic_objective: BTreeMap<String, StrategicObjective>,
    /// Spellings of sources of funds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub source_of_funds: BTreeMap<String, SourceOfFunds>,
    /// Spellings of donor categories.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub donor_category: BTreeMap<String, DonorCategory>,
}

impl Labels {
    /// Whether the edition adds no spelling.
    pub fn is_empty(&self) -> bool {
        self.region.is_empty()
            && self.strategic_objective.is_empty()
            && self.source_of_funds.is_empty()
            && self.donor_category.is_empty()
    }

    /// A region as written: a built-in name, label or alias, or one of the edition's.
    pub fn region(&self, text: &str) -> Result<Region> {
        resolve(&self.region, text)
    }

    /// A strategic objective as written.
    pub fn strategic_objective(&self, text: &str) -> Result<StrategicObjective> {
        resolve(&self.strategic_objective, text)
    }

    /// A source of funds as written.
    pub fn source_of_funds(&self, text: &str) -> Result<SourceOfFunds> {
        resolve(&self.source_of_funds, text)
    }

    /// A donor category as written.
    pub fn donor_category(&self, text: &str) -> Result<DonorCategory> {
        resolve(&self.donor_category, text)
    }
}

/// `text` as a value: the built-in spellings first, then the edition's (compared as
/// [`label_key`] compares them); the error lists the edition's spellings after the
/// built-in ones.
fn resolve<T: Copy + std::str::FromStr<Err = Error>>(
    own: &BTreeMap<String, T>,
    text: &str,
) -> Result<T> {
    match text.parse::<T>() {
        Ok(v) => Ok(v),
        Err(e) if own.is_empty() => Err(e),
        Err(e) => {
            let key = label_key(text);
            own.iter()
                .find(|(spelling, _)| label_key(spelling) == key)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let spellings: Vec<&str> = own.keys().map(String::as_str).collect();
                    let message = format!("{e} (or this edition's: {})", spellings.join(", "));
                    Error::Invalid {
                        path: e.path().to_owned(),
                        message: message
                            .strip_prefix(&format!("{}: ", e.path()))
                            .unwrap_or(&message)
                            .to_owned(),
                    }
                })
        }
    }
}

/// What every result carries to say which edition produced it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyStamp {
    pub name: String,
    pub version: String,
    /// `sha256:` and the hex digest of the edition's canonical JSON.
    pub hash: String,
}

/// A validated policy edition: build once, evaluate many.
///
/// ```
/// use tcrules::Policy;
/// let base = Policy::default();
/// assert_eq!(base.stamp().name, "ilo-2006");
/// let what_if = Policy::from_json(r#"{
///     "name": "what-if-1m", "version": "1", "extends": "ilo-2006",
///     "evaluation": {"independent_threshold_usd": "1000000"}
/// }"#).unwrap();
/// assert_eq!(what_if.spec().evaluation.independent_threshold_usd.to_string(), "1000000");
/// assert_eq!(what_if.spec().evaluation.mid_term_up_to_months, 30);
/// assert_ne!(what_if.stamp().hash, base.stamp().hash);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    spec: PolicySpec,
    stamp: Arc<PolicyStamp>,
    /// Severity and citation of each rule in [`RuleId::ALL`] order, the citation shared
    /// so that each finding carries it without a copy.
    rules: Vec<(Severity, Text)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::ilo_2006()
    }
}

static NO_RULE: RuleMeta = RuleMeta {
    severity: Severity::Info,
    citation: String::new(),
};

impl Policy {
    /// The edition R6 describes: 18 and 30 months, US$350,000, delivery band 60–70 %.
    pub fn ilo_2006() -> Policy {
        Policy::compile(ilo_2006_spec())
    }

    /// Validates a spec and stamps it.
    pub fn from_spec(mut spec: PolicySpec) -> Result<Policy> {
        validate(&mut spec)?;
        Ok(Policy::compile(spec))
    }

    /// Stamps a valid spec and lays out what every finding reads from it.
    fn compile(spec: PolicySpec) -> Policy {
        let stamp = Arc::new(stamp_of(&spec));
        let rules = RuleId::ALL
            .iter()
            .map(|id| {
                let meta = spec.rules.get(id).unwrap_or(&NO_RULE);
                (
                    meta.severity,
                    Text::from(Arc::<str>::from(meta.citation.as_str())),
                )
            })
            .collect();
        Policy { spec, stamp, rules }
    }

    /// Reads an edition from JSON: a complete spec, or `"extends": "ilo-2006"` with the
    /// fields to change. Errors name the offending field's path.
    pub fn from_json(text: &str) -> Result<Policy> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(Error::TooLarge {
                path: String::new(),
                message: format!("policy file over {MAX_POLICY_BYTES} bytes"),
            });
        }
        let mut value: serde_json::Value = crate::io::json::parse_value(text)?;
        let base = match &mut value {
            serde_json::Value::Object(map) => map.remove("extends"),
            _ => None,
        };
        if let Some(base) = base {
            for key in ["name", "version"] {
                if value.get(key).is_none() {
                    return Err(policy_err(
                        key,
                        "an edition that extends another must give its own name and version",
                    ));
                }
            }
            let base_name = base.as_str().unwrap_or_default();
            let mut merged = match base_name {
                "ilo-2006" => serde_json::to_value(ilo_2006_spec()).map_err(|e| Error::Policy {
                    path: "extends".into(),
                    message: e.to_string(),
                })?,
                _ => {
                    return Err(Error::Policy {
                        path: "extends".into(),
                        message: format!(
                            "unknown base edition {base}; the built-in edition is \"ilo-2006\""
                        ),
                    })
                }
            };
            merge_patch(&mut merged, value);
            value = merged;
        }
        // Read from the value, for its messages; the path of an error from its text.
        let spec = PolicySpec::deserialize(&value).map_err(|e| Error::Policy {
            path: crate::io::json::error_path::<PolicySpec>(&value, ENUM_KEYED),
            message: e.to_string(),
        })?;
        Policy::from_spec(spec)
    }

    /// The edition's figures.
    pub fn spec(&self) -> &PolicySpec {
        &self.spec
    }

    /// Name, version and content hash.
    pub fn stamp(&self) -> &PolicyStamp {
        &self.stamp
    }

    pub(crate) fn stamp_arc(&self) -> Arc<PolicyStamp> {
        Arc::clone(&self.stamp)
    }

    /// Severity and citation of a rule.
    pub fn rule(&self, id: RuleId) -> &RuleMeta {
        self.spec.rules.get(&id).unwrap_or(&NO_RULE)
    }

    /// Severity and citation of a rule, the citation shared with the policy.
    pub(crate) fn severity_and_citation(&self, id: RuleId) -> (Severity, Text) {
        // `ALL` lists the variants in declaration order, so a rule's discriminant is its
        // position there.
        self.rules.get(id as usize).map_or(
            (NO_RULE.severity, Text::default()),
            |(severity, citation)| (*severity, citation.clone()),
        )
    }

    /// The canonical JSON of the edition (what the hash is taken over), pretty-printed.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }
}

/// The spec's maps keyed by an enum (rule ids, severities, donor categories), by path.
pub(crate) const ENUM_KEYED: &[&str] = &["rules", "appraisal.weights", "portfolio.category_groups"];

/// RFC 7396 JSON merge patch: objects merge key by key, `null` removes, anything else
/// replaces.
fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    match patch {
        serde_json::Value::Object(patch) => {
            if !target.is_object() {
                *target = serde_json::Value::Object(serde_json::Map::new());
            }
            if let serde_json::Value::Object(map) = target {
                for (k, v) in patch {
                    if v.is_null() {
                        map.remove(&k);
                    } else {
                        merge_patch(map.entry(k).or_insert(serde_json::Value::Null), v);
                    }
                }
            }
        }
        other => *target = other,
    }
}

fn stamp_of(spec: &PolicySpec) -> PolicyStamp {
    let canonical = serde_json::to_vec(spec).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    PolicyStamp {
        name: spec.name.clone(),
        version: spec.version.clone(),
        hash: format!("sha256:{hex}"),
    }
}

fn policy_err(path: &str, message: impl Into<String>) -> Error {
    Error::Policy {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn percent_in_range(path: &str, v: &mut Decimal, max: u32) -> Result<()> {
    if *v < Decimal::ZERO || *v > Decimal::from(max) {
        return Err(policy_err(
            path,
            format!("{v} is not a percentage from 0 to {max}"),
        ));
    }
    *v = v.normalize();
    Ok(())
}

fn validate(spec: &mut PolicySpec) -> Result<()> {
    if spec.name.trim().is_empty() {
        return Err(policy_err("name", "an edition needs a name"));
    }
    if spec.version.trim().is_empty() {
        return Err(policy_err("version", "an edition needs a version"));
    }
    let e = &mut spec.evaluation;
    if e.final_only_below_months > e.mid_term_up_to_months {
        return Err(policy_err(
            "evaluation.final_only_below_months",
            format!(
                "{} is above mid_term_up_to_months ({})",
                e.final_only_below_months, e.mid_term_up_to_months
            ),
        ));
    }
    if e.independent_threshold_usd < Decimal::ZERO {
        return Err(policy_err(
            "evaluation.independent_threshold_usd",
            "threshold must not be negative",
        ));
    }
    e.independent_threshold_usd = e.independent_threshold_usd.normalize();
    percent_in_range(
        "evaluation.mid_term_from_percent",
        &mut e.mid_term_from_percent,
        100,
    )?;
    percent_in_range(
        "evaluation.mid_term_to_percent",
        &mut e.mid_term_to_percent,
        100,
    )?;
    if e.mid_term_from_percent > e.mid_term_to_percent {
        return Err(policy_err(
            "evaluation.mid_term_from_percent",
            format!(
                "{} is above mid_term_to_percent ({})",
                e.mid_term_from_percent, e.mid_term_to_percent
            ),
        ));
    }
    let d = &mut spec.delivery;
    percent_in_range(
        "delivery.warning_below_percent",
        &mut d.warning_below_percent,
        1000,
    )?;
    percent_in_range("delivery.band_low_percent", &mut d.band_low_percent, 1000)?;
    percent_in_range("delivery.band_high_percent", &mut d.band_high_percent, 1000)?;
    if d.band_low_percent > d.band_high_percent {
        return Err(policy_err(
            "delivery.band_low_percent",
            "band low end is above its high end",
        ));
    }
    let i = &mut spec.integration;
    percent_in_range(
        "integration.donor_dependence_above_percent",
        &mut i.donor_dependence_above_percent,
        100,
    )?;
    percent_in_range(
        "integration.rbtc_second_year_over_percent",
        &mut i.rbtc_second_year_over_percent,
        100,
    )?;
    percent_in_range("integration.psi_rate_percent", &mut i.psi_rate_percent, 100)?;
    let p = &mut spec.portfolio;
    if p.top_n == 0 {
        return Err(policy_err("portfolio.top_n", "must be at least 1"));
    }
    if p.share_decimals > 6 {
        return Err(policy_err(
            "portfolio.share_decimals",
            "at most 6 decimal places",
        ));
    }
    percent_in_range(
        "portfolio.concentration_warning_above_percent",
        &mut p.concentration_warning_above_percent,
        100,
    )?;
    for id in RuleId::ALL {
        if !spec.rules.contains_key(id) {
            return Err(policy_err(
                &format!("rules.{id}"),
                "every rule needs a severity and a citation",
            ));
        }
    }
    Ok(())
}

fn pct(n: i64) -> Decimal {
    Decimal::from(n)
}

fn ilo_2006_spec() -> PolicySpec {
    use RuleId::*;
    use Severity::*;
    let rules: &[(RuleId, Severity, &str)] = &[
        (EvalDuration, Major, "R6 §143"),
        (EvalIndependent, Major, "R6 §143"),
        (EvalBudget, Major, "R6 §150"),
        (EvalConstituents, Minor, "R6 §67, §141"),
        (EvalPlan, Major, "R6 §143"),
        (DlvRate, Minor, "R6 §140"),
        (DlvOverspend, Minor, "R6 §140"),
        (DlvNoAllocation, Info, "R6 §140"),
        (DlvOutsideDates, Minor, "R6 §140"),
        (IntComposite, Info, "R6 §59–62"),
        (IntLink, Major, "R6 §63, §72–75; DC"),
        (IntBalance, Minor, "R6 §64"),
        (IntSeed, Info, "R6 §74, §162"),
        (IntPhasing, Info, "R6 §162"),
        (IntPsi, Info, "R6 §61"),
        (PfApprovals, Info, "R6 §154–157, Table V.1, Annex 2"),
        (PfConcentration, Minor, "R6 §158, Figure V.1"),
        (PfRegion, Info, "R6 §169, Table V.2"),
        (PfObjective, Info, "R6 §163–168, Figure V.3"),
        (PfLocal, Info, "R6 §159, Annex 1"),
        (AprNeeds, Blocking, "DC; R6 §72–74"),
        (AprRbm, Major, "DC; R6 §57–58, §137"),
        (AprMe, Major, "R6 §143, §150"),
        (AprTriConsult, Blocking, "R6 §68, §305; Appendix I (d)"),
        (AprTriBureaux, Major, "R6 §68, §305"),
        (AprTriGovernance, Major, "R6 §67, §305"),
        (AprTriRoles, Major, "R6 §305, §67"),
        (AprTriCapacity, Minor, "R6 §139, §305"),
        (AprTriAutonomy, Major, "Appendix I (d)"),
        (AprGenAnalysis, Major, "Appendix I (e)"),
        (AprGenIndicators, Major, "Appendix I (e)"),
        (
            AprGenMarker,
            Major,
            "Appendix I (e); OECD DAC gender equality policy marker (2016)",
        ),
        (AprGenBudget, Minor, "Appendix I (e)"),
        (AprSus, Major, "R6 §138–139"),
        (AprPpp, Major, "R6 §106, §113, §116"),
        (
            IatiGenMarker,
            Minor,
            "Appendix I (e); OECD DAC gender equality policy marker (2016); IATI policy-marker code 1",
        ),
        (
            IatiBudgetPeriod,
            Minor,
            "IATI Standard 2.03, iati-activity/budget: each period at most one year",
        ),
        (
            IatiData,
            Minor,
            "IATI Standard 2.03: value (xsd:decimal, negative for reversals); codelists of optional attributes",
        ),
        (
            IatiEvalDoc,
            Minor,
            "R6 §143 (every project ends with a final evaluation); IATI DocumentCategory A07 (Review of project performance and evaluation)",
        ),
    ];
    let groups = [
        (DonorCategory::MultiBilateral, "Multi-bilateral donors"),
        (DonorCategory::UnitedNations, "United Nations"),
        (DonorCategory::DirectTrustFunds, "Other sources"),
        (DonorCategory::NonStateActors, "Other sources"),
        (
            DonorCategory::InternationalFinancialInstitutions,
            "Other sources",
        ),
        (DonorCategory::EuropeanUnion, "Other sources"),
        (DonorCategory::OtherIntergovernmental, "Other sources"),
        (DonorCategory::OtherSources, "Other sources"),
    ];
    let sources = [
        ("evaluation", "R6 §143: under 18 months final only; 18–30 months mid-term and final; over 30 months annual reviews, mid-term review if agreed, final; budget over US$350,000 independent evaluation"),
        ("delivery", "R6 §140: delivery averages between 60 and 70 per cent each year; under 60 % is flagged. Delivery = expenditure / allocations (GB.267/TC/1, Appendix I, table C)"),
        ("evaluation.windows", "Not in R6 (§143 names the evaluations, not their dates): a planned mid-term evaluation or review counts from 25 to 75 per cent of the project's days, an annual review inside the project year that ends on its anniversary, a final evaluation from 6 months before the end to 6 months after it; set per organisation"),
        ("integration.psi_rate_percent", "Not in R6: the UN system's standard programme support cost rate of 13 per cent of extra-budgetary expenditure, as applied by the ILO; configurable"),
        ("integration.donor_dependence_above_percent", "Not in R6 (§64 names the balance, not a figure): tcrules default of 80 per cent; set per organisation"),
        ("integration.rbtc_second_year_over_percent", "R6 §162: RBTC expenditure is normally greater in the second year of each biennium, that is, more than half of it falls there; judged only on a biennium whose records cover all 24 months"),
        ("portfolio", "R6 §158: the top three donors (53 per cent) show the need to diversify; tcrules warns above 50 per cent. Shares to one decimal as in R6 tables, by the largest-remainder rule so they sum to 100"),
        ("appraisal.gender_marker", "OECD DAC gender equality policy marker, 2016 definition and minimum criteria: 0 not targeted, 1 significant, 2 principal"),
        ("evaluation.published_within_months", "Not in R6: an activity that ended more than 12 months ago is expected to publish its evaluation (IATI-EVAL-DOC); set per organisation"),
        ("rates.budget_rate_date", "Not in R6 (RULES.md §2: exchange rates are dated, as the UN operational rates of exchange change monthly): where rates are dated, a budget is converted at the rate in force in its project's start month, a record at its own month; set per organisation"),
        ("iati", "IATI Standard 2.03 (and 1.0x): the gender equality marker is policy-marker code 1 of vocabulary 1 (OECD DAC CRS); each budget period is at most one year; values are summed as published, negative ones included, and what an activity publishes that a rule cannot use (a negative total, an empty or unknown code) is a finding on the activity"),
    ];
    PolicySpec {
        name: "ilo-2006".into(),
        version: "1.2.0".into(),
        description: "The technical cooperation rules described in International Labour Conference, 95th Session (2006), Report VI, The role of the ILO in technical cooperation (R6), with the ILO Development Cooperation page (DC) for appraisal.".into(),
        sources: sources.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        evaluation: EvaluationPolicy {
            final_only_below_months: 18,
            mid_term_up_to_months: 30,
            independent_threshold_usd: Decimal::from(350_000),
            mid_term_from_percent: pct(25),
            mid_term_to_percent: pct(75),
            final_months_before_end: 6,
            final_months_after_end: 6,
            published_within_months: published_within_months(),
        },
        delivery: DeliveryPolicy {
            warning_below_percent: pct(60),
            band_low_percent: pct(60),
            band_high_percent: pct(70),
        },
        integration: IntegrationPolicy {
            donor_dependence_above_percent: pct(80),
            rbtc_second_year_over_percent: pct(50),
            psi_rate_percent: pct(13),
        },
        portfolio: PortfolioPolicy {
            top_n: 3,
            concentration_warning_above_percent: pct(50),
            share_decimals: 1,
            category_groups: groups.iter().map(|(c, g)| (*c, (*g).to_owned())).collect(),
        },
        appraisal: AppraisalPolicy {
            weights: [(Blocking, 5), (Major, 3), (Minor, 1), (Info, 0)]
                .into_iter()
                .collect(),
        },
        rates: RatesPolicy::default(),
        rules: rules
            .iter()
            .map(|(id, severity, citation)| {
                (
                    *id,
                    RuleMeta {
                        severity: *severity,
                        citation: (*citation).to_owned(),
                    },
                )
            })
            .collect(),
        // The built-in spellings are the vocabulary's own (`model`); an edition adds its.
        labels: Labels::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_edition_validates_and_covers_every_rule() {
        let p = Policy::from_spec(ilo_2006_spec()).unwrap();
        assert_eq!(p, Policy::ilo_2006());
        for id in RuleId::ALL {
            assert!(!p.rule(*id).citation.is_empty(), "{id}");
        }
    }

    #[test]
    fn findings_read_each_rule_from_the_spec() {
        let what_if = Policy::from_json(
            r#"{"name":"w","version":"1","extends":"ilo-2006","rules":{"EVAL-PLAN":{"severity":"minor","citation":"R6 §999"}}}"#,
        )
        .unwrap();
        for p in [Policy::ilo_2006(), what_if] {
            for id in RuleId::ALL {
                let (severity, citation) = p.severity_and_citation(*id);
                let meta = p.rule(*id);
                assert_eq!(
                    (severity, citation.as_str()),
                    (meta.severity, meta.citation.as_str())
                );
            }
        }
    }

    #[test]
    fn hash_is_stable_and_content_sensitive() {
        assert_eq!(Policy::ilo_2006().stamp(), Policy::ilo_2006().stamp());
        assert!(Policy::ilo_2006().stamp().hash.starts_with("sha256:"));
        let mut spec = ilo_2006_spec();
        spec.delivery.warning_below_percent = pct(55);
        assert_ne!(
            Policy::from_spec(spec).unwrap().stamp().hash,
            Policy::ilo_2006().stamp().hash
        );
    }

    #[test]
    fn equal_values_written_differently_hash_the_same() {
        let a = Policy::from_json(r#"{"name":"ilo-2006","version":"1.2.0","extends":"ilo-2006","evaluation":{"independent_threshold_usd":"350000.00"}}"#).unwrap();
        assert_eq!(a.stamp().hash, Policy::ilo_2006().stamp().hash);
    }

    #[test]
    fn errors_name_the_field() {
        let e = Policy::from_json(r#"{"name":"w","version":"1","extends":"ilo-2006","evaluation":{"independent_threshold_usd":"lots"}}"#).unwrap_err();
        assert_eq!(e.code(), "invalid_policy");
        assert_eq!(e.path(), "evaluation.independent_threshold_usd");
        let e = Policy::from_json(r#"{"name":"w","version":"1","extends":"ilo-2006","evaluation":{"final_only_below_months":31}}"#).unwrap_err();
        assert_eq!(e.path(), "evaluation.final_only_below_months");
        let e =
            Policy::from_json(r#"{"name":"w","version":"1","extends":"ilo-2099"}"#).unwrap_err();
        assert_eq!(e.path(), "extends");
        let e = Policy::from_json(
            r#"{"name":"w","version":"1","extends":"ilo-2006","rules":{"EVAL-PLAN":null}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path(), "rules.EVAL-PLAN");
        // A rule's own field, and a rule id that is none, are named by the id.
        let e = Policy::from_json(
            r#"{"name":"w","version":"1","extends":"ilo-2006","rules":{"EVAL-PLAN":{"severity":"huge"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path(), "rules.EVAL-PLAN.severity");
        let e = Policy::from_json(
            r#"{"name":"w","version":"1","extends":"ilo-2006","rules":{"EVAL-NOPE":{"severity":"minor"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path(), "rules.EVAL-NOPE");
        let e = Policy::from_json(r#"{"extends":"ilo-2006"}"#).unwrap_err();
        assert_eq!(e.path(), "name");
        let e = Policy::from_json("[1,2").unwrap_err();
        assert_eq!(e.code(), "invalid_json");
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut t = serde_json::json!({"a": {"b": 1, "c": 2}, "d": 3});
        merge_patch(
            &mut t,
            serde_json::json!({"a": {"b": null, "e": 4}, "d": [1]}),
        );
        assert_eq!(t, serde_json::json!({"a": {"c": 2, "e": 4}, "d": [1]}));
    }

    /// Each bound of an edition's values is inclusive: a value exactly at its limit is
    /// accepted, and one past it refused, naming its field (issue 15, the policy's
    /// mutants).
    #[test]
    fn every_bound_is_inclusive() {
        let edition = |patch: &str| {
            Policy::from_json(&format!(
                r#"{{"name": "w", "version": "1", "extends": "ilo-2006", {patch}}}"#
            ))
        };
        for at_limit in [
            r#""evaluation": {"final_only_below_months": 30, "mid_term_up_to_months": 30}"#,
            r#""evaluation": {"independent_threshold_usd": "0"}"#,
            r#""evaluation": {"mid_term_from_percent": "0", "mid_term_to_percent": "100"}"#,
            r#""evaluation": {"mid_term_from_percent": "50", "mid_term_to_percent": "50"}"#,
            r#""delivery": {"warning_below_percent": "1000", "band_low_percent": "0", "band_high_percent": "1000"}"#,
            r#""delivery": {"band_low_percent": "65", "band_high_percent": "65"}"#,
            r#""integration": {"donor_dependence_above_percent": "100", "rbtc_second_year_over_percent": "0", "psi_rate_percent": "100"}"#,
            r#""portfolio": {"top_n": 1, "share_decimals": 6, "concentration_warning_above_percent": "100"}"#,
        ] {
            assert!(
                edition(at_limit).is_ok(),
                "{at_limit}: {:?}",
                edition(at_limit).err()
            );
        }
        for (past_limit, field) in [
            (
                r#""evaluation": {"final_only_below_months": 31, "mid_term_up_to_months": 30}"#,
                "evaluation.final_only_below_months",
            ),
            (
                r#""evaluation": {"independent_threshold_usd": "-0.01"}"#,
                "evaluation.independent_threshold_usd",
            ),
            (
                r#""evaluation": {"mid_term_to_percent": "100.01"}"#,
                "evaluation.mid_term_to_percent",
            ),
            (
                r#""evaluation": {"mid_term_from_percent": "50.01", "mid_term_to_percent": "50"}"#,
                "evaluation.mid_term_from_percent",
            ),
            (
                r#""delivery": {"band_high_percent": "1000.1"}"#,
                "delivery.band_high_percent",
            ),
            (
                r#""delivery": {"band_low_percent": "65.1", "band_high_percent": "65"}"#,
                "delivery.band_low_percent",
            ),
            (
                r#""integration": {"psi_rate_percent": "-1"}"#,
                "integration.psi_rate_percent",
            ),
            (r#""portfolio": {"top_n": 0}"#, "portfolio.top_n"),
            (
                r#""portfolio": {"share_decimals": 7}"#,
                "portfolio.share_decimals",
            ),
            (
                r#""portfolio": {"concentration_warning_above_percent": "100.5"}"#,
                "portfolio.concentration_warning_above_percent",
            ),
        ] {
            let e = edition(past_limit).unwrap_err();
            assert_eq!(e.path(), field, "{past_limit}: {e}");
        }
    }

    /// An edition's own spellings are kept in its canonical JSON (and so its hash),
    /// whichever one kind of label it has.
    #[test]
    fn an_edition_keeps_each_kind_of_label() {
        for labels in [
            r#"{"region": {"AP": "asia_pacific"}}"#,
            r#"{"strategic_objective": {"Jobs": "employment"}}"#,
            r#"{"source_of_funds": {"Donor funds": "xbtc"}}"#,
            r#"{"donor_category": {"Bilat": "multi_bilateral"}}"#,
        ] {
            let p = Policy::from_json(&format!(
                r#"{{"name": "w", "version": "1", "extends": "ilo-2006", "labels": {labels}}}"#
            ))
            .unwrap();
            assert!(!p.spec().labels.is_empty(), "{labels}");
            assert!(p.to_json_pretty().contains("\"labels\""), "{labels}");
        }
        assert!(!Policy::ilo_2006().to_json_pretty().contains("\"labels\""));
    }

    /// An unknown spelling, in an edition with no spellings of its own, lists the
    /// built-in ones only.
    #[test]
    fn without_own_spellings_an_unknown_label_lists_the_built_in_ones() {
        let e = Policy::ilo_2006()
            .spec()
            .labels
            .region("Atlantis")
            .unwrap_err();
        assert!(!e.to_string().contains("this edition's"), "{e}");
        assert!(e.to_string().contains("Asia and the Pacific"), "{e}");
    }

    /// A policy file of exactly the size limit is read; one byte more is `too_large`.
    #[test]
    fn a_policy_file_at_the_size_limit_is_read() {
        let edition = r#"{"name": "w", "version": "1", "extends": "ilo-2006"}"#;
        let at_limit = edition.to_owned() + &" ".repeat(MAX_POLICY_BYTES - edition.len());
        assert_eq!(at_limit.len(), MAX_POLICY_BYTES);
        assert!(Policy::from_json(&at_limit).is_ok());
        let e = Policy::from_json(&format!("{at_limit} ")).unwrap_err();
        assert_eq!(e.code(), "too_large");
    }
}
