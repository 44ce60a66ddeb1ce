//! The portfolio data model: projects, their funding and evaluation plans, monthly
//! allocation and expenditure records, approvals, RBTC seed money, and proposals for
//! appraisal.
//!
//! Field names are the canonical JSON names; unknown fields are rejected so a misspelt
//! field is an error rather than a silently missing value. The JSON Schema in
//! `core/schema/` is generated from these types.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::{Money, Rates};

/// The form in which a value's name, label or alias is compared with what a user wrote:
/// lower case, `&` read as "and", and every run of other characters that are not letters
/// or digits (spaces, `_`, `-`, `/`, parentheses) as one space. "Asia & the Pacific",
/// "asia_and_the_pacific" and "ASIA AND THE PACIFIC" are one key (issue 17, item 2).
///
/// ```
/// use tcrules::model::label_key;
/// assert_eq!(label_key(" Asia & the-Pacific "), "asia and the pacific");
/// assert_eq!(label_key("extra_budgetary"), label_key("Extra-budgetary"));
/// ```
pub fn label_key(text: &str) -> String {
    let text = text.replace('&', " and ");
    let mut key = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// An enum of the model with its canonical snake_case name (JSON, CSV), a label for people
/// and the other spellings a flat table may use (`=> "label" | "alias" | ...`).
macro_rules! snake_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $snake:literal => $label:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical snake_case name used in JSON and CSV.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $snake),+ }
            }

            /// A label for people.
            pub fn label(&self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The other ways people write the value (abbreviations, older names), matched
            /// as [`label_key`] matches them.
            pub fn aliases(&self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($alias),*]),+ }
            }
        }

        /// The value of its canonical name, its label or one of its aliases, whatever
        /// the case, spacing and punctuation ([`label_key`]): `"asia_pacific"`,
        /// `"Asia and the Pacific"` and `"ASIA-PACIFIC"` are one region. An unknown text
        /// is an `invalid_value` error listing every label with its canonical name.
        impl std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::error::Result<Self> {
                // The canonical name first: the common case, without building keys.
                if let Some(v) = $name::ALL.iter().find(|v| v.as_str() == s) {
                    return Ok(*v);
                }
                let key = label_key(s);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        label_key(v.as_str()) == key
                            || label_key(v.label()) == key
                            || v.aliases().iter().any(|a| label_key(a) == key)
                    })
                    .ok_or_else(|| {
                        let labels: Vec<&str> = $name::ALL.iter().map(|v| v.label()).collect();
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        $crate::Error::Invalid {
                            path: String::new(),
                            message: format!(
                                "{s:?} is not one of {} (or their codes: {})",
                                labels.join(", "),
                                names.join(", ")
                            ),
                        }
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

snake_enum! {
    /// Donor categories of R6 Table V.1 and Annexes 1–2.
    DonorCategory {
        MultiBilateral = "multi_bilateral" => "Multi-bilateral donors" | "multi-bilateral" | "multibilateral" | "bilateral",
        UnitedNations = "united_nations" => "United Nations" | "UN" | "UN system",
        DirectTrustFunds = "direct_trust_funds" => "Direct trust funds" | "direct trust fund" | "DTF",
        NonStateActors = "non_state_actors" => "Non-state actors" | "non-state actor",
        InternationalFinancialInstitutions = "international_financial_institutions" => "International financial institutions" | "international financial institution" | "IFI" | "IFIs",
        EuropeanUnion = "european_union" => "European Union" | "EU" | "European Commission" | "EC",
        OtherIntergovernmental = "other_intergovernmental" => "Other intergovernmental organizations" | "other intergovernmental organisations" | "other intergovernmental organization" | "other intergovernmental",
        /// R6 Table V.1's "Other sources" where the data has only that lump (its 1995–99
        /// column): direct trust funds, non-state actors, IFIs and the EU together, which
        /// must not be filed under any one of them.
        OtherSources = "other_sources" => "Other sources (not broken down)" | "other sources",
    }
}

snake_enum! {
    /// Sources of funds (R6 §61; RBSA from DC).
    SourceOfFunds {
        /// Regular budget.
        Rb = "rb" => "Regular budget (RB)" | "regular budget",
        /// Regular budget technical cooperation.
        Rbtc = "rbtc" => "Regular budget technical cooperation (RBTC)" | "RB TC" | "regular budget technical cooperation" | "regular budget technical co-operation",
        /// Extra-budgetary technical cooperation.
        Xbtc = "xbtc" => "Extra-budgetary technical cooperation (XBTC)" | "XB" | "XB TC" | "XBDC" | "extra-budgetary" | "extrabudgetary" | "extra-budgetary technical cooperation" | "extra-budgetary technical co-operation" | "extra-budgetary development cooperation",
        /// Regular Budget Supplementary Account.
        Rbsa = "rbsa" => "Regular Budget Supplementary Account (RBSA)" | "regular budget supplementary account",
        /// Programme support income.
        Psi = "psi" => "Programme support income (PSI)" | "programme support income" | "program support income",
        Other = "other" => "Other sources" | "other source",
    }
}

impl SourceOfFunds {
    /// Whether the source is extra-budgetary (XBTC or RBSA), as opposed to the regular
    /// budget (RB, RBTC) for the balance of R6 §64.
    pub fn is_extra_budgetary(&self) -> bool {
        matches!(self, SourceOfFunds::Xbtc | SourceOfFunds::Rbsa)
    }

    /// Whether the source is technical cooperation (XBTC, RBTC or RBSA): what R6 Table V.2
    /// and Figure V.3 share out by region and strategic objective, as opposed to
    /// regular-budget (RB) spending, programme support income and other sources.
    ///
    /// ```
    /// use tcrules::model::SourceOfFunds;
    /// let tc: Vec<_> = SourceOfFunds::ALL.iter().filter(|s| s.is_technical_cooperation()).collect();
    /// assert_eq!(tc, [&SourceOfFunds::Rbtc, &SourceOfFunds::Xbtc, &SourceOfFunds::Rbsa]);
    /// ```
    pub fn is_technical_cooperation(&self) -> bool {
        matches!(
            self,
            SourceOfFunds::Xbtc | SourceOfFunds::Rbtc | SourceOfFunds::Rbsa
        )
    }

    /// Whether the source is the regular budget (RB or RBTC).
    pub fn is_regular_budget(&self) -> bool {
        matches!(self, SourceOfFunds::Rb | SourceOfFunds::Rbtc)
    }
}

snake_enum! {
    /// ILO strategic objectives (R6 §58, §178–), plus cross-cutting and other work
    /// (R6 Figure V.3 note).
    StrategicObjective {
        /// 1: standards and fundamental principles and rights at work.
        Standards = "standards" => "Standards and fundamental principles and rights at work" | "SO1" | "SO 1" | "strategic objective 1" | "fundamental principles and rights at work",
        /// 2: employment.
        Employment = "employment" => "Employment" | "SO2" | "SO 2" | "strategic objective 2",
        /// 3: social protection.
        SocialProtection = "social_protection" => "Social protection" | "SO3" | "SO 3" | "strategic objective 3",
        /// 4: tripartism and social dialogue.
        SocialDialogue = "social_dialogue" => "Tripartism and social dialogue" | "SO4" | "SO 4" | "strategic objective 4" | "social dialogue" | "tripartism",
        /// Cross-cutting activities, management services and other.
        CrossCutting = "cross_cutting" => "Cross-cutting and other" | "cross-cutting" | "crosscutting",
    }
}

snake_enum! {
    /// Regions of R6 Table V.2.
    Region {
        Africa = "africa" => "Africa",
        Americas = "americas" => "Americas" | "the Americas",
        AsiaPacific = "asia_pacific" => "Asia and the Pacific" | "Asia-Pacific" | "Asia and Pacific" | "Asia",
        Europe = "europe" => "Europe and Central Asia" | "Europe and Central Asia region",
        ArabStates = "arab_states" => "Arab States",
        Interregional = "interregional" => "Interregional" | "inter-regional" | "global",
    }
}

snake_enum! {
    /// Kinds of evaluation and review named in R6 §143.
    EvaluationKind {
        /// Final evaluation on completion.
        Final = "final" => "final evaluation",
        /// Mid-term evaluation (projects of 18 to 30 months).
        MidTerm = "mid_term" => "mid-term evaluation",
        /// Annual review (projects over 30 months).
        AnnualReview = "annual_review" => "annual review",
        /// Mid-term review, if agreed in the evaluation plan (projects over 30 months).
        MidTermReview = "mid_term_review" => "mid-term review",
        /// Ex-post evaluation (selective, R6 §143).
        ExPost = "ex_post" => "ex-post evaluation",
    }
}

snake_enum! {
    /// Who carries out an evaluation (R6 §143).
    Independence {
        SelfEvaluation = "self_evaluation" => "self-evaluation",
        InternalIndependent = "internal_independent" => "independent internal evaluation",
        External = "external" => "external evaluation",
    }
}

impl Independence {
    /// Internal-independent and external evaluations count as independent (R6 §143).
    pub fn is_independent(&self) -> bool {
        !matches!(self, Independence::SelfEvaluation)
    }
}

snake_enum! {
    /// The tripartite constituents (R6 §65, §68).
    Constituent {
        Government = "government" => "government",
        Employers = "employers" => "employers' organizations",
        Workers = "workers" => "workers' organizations",
    }
}

snake_enum! {
    /// What oversees a project (R6 §67, §305).
    GovernanceKind {
        /// A tripartite steering or advisory committee.
        TripartiteCommittee = "tripartite_committee" => "tripartite steering or advisory committee",
        /// An existing social dialogue institution.
        SocialDialogueInstitution = "social_dialogue_institution" => "existing social dialogue institution",
        /// A body without the three constituents.
        NonTripartite = "non_tripartite" => "non-tripartite body",
    }
}

snake_enum! {
    /// What a proposal's budget line pays for.
    BudgetPurpose {
        General = "general" => "general",
        Evaluation = "evaluation" => "evaluation",
        Monitoring = "monitoring" => "monitoring",
        Gender = "gender" => "gender-specific outputs or activities",
        CapacityBuilding = "capacity_building" => "capacity building of constituents",
    }
}

/// A donor of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Donor {
    /// Donor name, e.g. "United States" or "UNDP".
    pub name: String,
    /// Category of R6 Table V.1; absent where the data names the donor alone. No rule
    /// reads a project donor's category; delivery by donor category puts an unknown one
    /// under `(unassigned)`, as it does any attribute a project lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<DonorCategory>,
    /// Whether the funds were mobilized locally, at the beneficiary country level (R6 §159).
    #[serde(default)]
    pub locally_mobilized: bool,
}

impl Donor {
    /// One entry of a flat table's `donors` cell, `name[|category][|local]`
    /// ([`crate::io::csv`]): the name, the category where given and whether the funds
    /// were mobilized locally.
    ///
    /// ```
    /// use tcrules::model::{Donor, DonorCategory};
    /// let (name, category, local) = Donor::parse_entry("UNDP|united_nations|local").unwrap();
    /// assert_eq!((name, category, local), ("UNDP", Some(DonorCategory::UnitedNations), true));
    /// assert_eq!(Donor::parse_entry("UNDP|mystery").unwrap_err().code(), "invalid_value");
    /// let (_, category, _) = Donor::parse_entry("UNDP|UN").unwrap();
    /// assert_eq!(category, Some(DonorCategory::UnitedNations));
    /// assert_eq!(Donor::parse_entry("Norway").unwrap(), ("Norway", None, false));
    /// assert_eq!(Donor::parse_entry("Norway||local").unwrap(), ("Norway", None, true));
    /// assert!(Donor::parse_entry("|UN").unwrap_err().to_string().contains("no name"));
    /// ```
    pub fn parse_entry(entry: &str) -> Result<(&str, Option<DonorCategory>, bool)> {
        let mut parts = entry.split('|').map(str::trim);
        let name = parts.next().unwrap_or_default();
        if name.is_empty() {
            return Err(Error::invalid(
                "",
                format!("donor {entry:?} has no name: write it as name or name|category"),
            ));
        }
        let category = match parts.next() {
            None | Some("") => None,
            Some(category) => Some(category.parse()?),
        };
        let locally_mobilized = match parts.next() {
            None | Some("") => false,
            Some("local") => true,
            Some(other) => {
                return Err(Error::invalid(
                    "",
                    format!("{other:?}: expected \"local\" or nothing"),
                ))
            }
        };
        Ok((name, category, locally_mobilized))
    }

    /// The donors' names and categories in a `donors` cell (entries joined by `;`), in
    /// the order listed.
    pub fn cell_entries(cell: &str) -> Result<Vec<(&str, Option<DonorCategory>)>> {
        cell.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|entry| Donor::parse_entry(entry).map(|(name, category, _)| (name, category)))
            .collect()
    }
}

/// Several donors (or their categories) as one group key: a sole one as it is, several
/// joined by ` + ` in the order listed, each once; `None` for none. A project's delivery
/// by donor belongs to its donors jointly, never to the first one alone, where its funding
/// lines do not say which donor gave what (RULES.md §2).
///
/// ```
/// use tcrules::model::joint;
/// assert_eq!(joint(["Italy", "United Kingdom", "Italy"]).as_deref(), Some("Italy + United Kingdom"));
/// assert_eq!(joint(["Norway"]).as_deref(), Some("Norway"));
/// assert_eq!(joint([]).as_deref(), None);
/// ```
pub fn joint<'d>(keys: impl IntoIterator<Item = &'d str>) -> Option<std::borrow::Cow<'d, str>> {
    let mut seen: Vec<&'d str> = Vec::new();
    for k in keys {
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    match seen.as_slice() {
        [] => None,
        [one] => Some(std::borrow::Cow::Borrowed(*one)),
        many => Some(std::borrow::Cow::Owned(many.join(" + "))),
    }
}

/// Part of a project's budget from one source of funds (R6 §61–62).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FundingLine {
    /// Source of funds.
    pub source: SourceOfFunds,
    /// Amount from that source.
    pub amount: Money,
}

/// Links of a project or proposal to the programming framework (R6 §63, §72–75; DC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Programme and Budget outcome code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pb_outcome: Option<String>,
    /// Decent Work Country Programme outcome or priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dwcp_outcome: Option<String>,
    /// Whether the country has a DWCP; `None` when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_has_dwcp: Option<bool>,
    /// The national development framework the work supports where there is no DWCP
    /// (UNDAF, poverty reduction strategy; R6 §160).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_framework: Option<String>,
}

/// One evaluation or review in a project's evaluation plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PlannedEvaluation {
    /// What kind of evaluation.
    pub kind: EvaluationKind,
    /// Who carries it out.
    pub independence: Independence,
    /// When it is planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The budget line that pays for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Money>,
}

/// A project's evaluation plan (R6 §143, §150, §67).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationPlan {
    /// The evaluations and reviews planned.
    #[serde(default)]
    pub planned: Vec<PlannedEvaluation>,
    /// Whether a mid-term review was agreed in the plan (projects over 30 months).
    #[serde(default)]
    pub mid_term_review_agreed: bool,
    /// How national constituents take part in evaluation (R6 §67, §141); `None` when the
    /// plan does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constituent_participation: Option<String>,
}

/// Where a figure came from: the seeds give some, others are illustrative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The source of the real facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Fields whose values are illustrative, not from the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub illustrative: Vec<String>,
}

impl Provenance {
    fn is_empty(&self) -> bool {
        self.source.is_none() && self.illustrative.is_empty()
    }
}

/// A technical cooperation project.
///
/// ```
/// let json = r#"{"id": "P1", "title": "Example", "start": "2024-01-01", "end": "2025-06-30",
///               "budget": {"amount": "350000.00", "currency": "USD"}}"#;
/// let p: tcrules::Project = serde_json::from_str(json).unwrap();
/// assert_eq!(p.budget.amount.to_string(), "350000.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Unique id within the portfolio.
    pub id: String,
    /// Title.
    pub title: String,
    /// Country, or a multi-country description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Region (R6 Table V.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Responsible unit (technical department or programme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Field office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_office: Option<String>,
    /// Strategic objective (R6 §58).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategic_objective: Option<StrategicObjective>,
    /// Donors; delivery by donor counts a project under its donors jointly (several joined
    /// by ` + `), never under the first one alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub donors: Vec<Donor>,
    /// Start date.
    pub start: NaiveDate,
    /// End date (inclusive).
    pub end: NaiveDate,
    /// Total budget, all sources.
    pub budget: Money,
    /// The budget by source of funds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<FundingLine>,
    /// Links to the P&B and the DWCP.
    #[serde(default)]
    pub links: Links,
    /// Evaluation plan; `None` when the project has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_plan: Option<EvaluationPlan>,
    /// Where the figures come from.
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
}

impl Project {
    /// Whether the project is funded (wholly or partly) from extra-budgetary sources: its
    /// funding lines say so, or, without funding lines, it has a donor.
    pub fn is_extra_budgetary(&self) -> bool {
        if self.funding.is_empty() {
            !self.donors.is_empty()
        } else {
            self.funding.iter().any(|f| f.source.is_extra_budgetary())
        }
    }
}

/// Allocation and expenditure of one project, from one source of funds, in one month
/// (R6 §140: delivery monitored monthly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FinancialRecord {
    /// The project's id.
    pub project: String,
    /// The month.
    pub month: crate::period::YearMonth,
    /// Source of funds.
    pub source: SourceOfFunds,
    /// Resources made available to the project for the month.
    pub allocation: Money,
    /// Expenditure in the month.
    pub expenditure: Money,
    /// The figures are illustrative, not from a source.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub illustrative: bool,
}

/// Extra-budgetary funds approved from one donor in one year (R6 Table V.1, Annex 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Donor name.
    pub donor: String,
    /// Donor category.
    pub category: DonorCategory,
    /// Year of approval.
    pub year: i32,
    /// Amount approved.
    pub amount: Money,
    /// Mobilized locally at the beneficiary country level (R6 §159, Annex 1); absent when
    /// the data does not say, which is never read as "not local".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locally_mobilized: Option<bool>,
    /// The project funded, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// RBTC spent preparing extra-budgetary proposals, tied to the projects it prepared
/// (R6 §74, §162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SeedFunding {
    /// Id of the seed allocation.
    pub id: String,
    /// RBTC spent.
    pub rbtc: Money,
    /// Ids of the XB projects it prepared.
    #[serde(default)]
    pub prepared: Vec<String>,
    /// The figures are illustrative, not from a source.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub illustrative: bool,
}

/// A portfolio: projects, monthly records, approvals, seed money and the exchange rates
/// to read them with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// US dollars per unit of each currency used.
    #[serde(default)]
    pub rates: Rates,
    /// Projects.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Monthly allocation and expenditure records.
    #[serde(default)]
    pub records: Vec<FinancialRecord>,
    /// Approvals by donor and year.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// RBTC seed money.
    #[serde(default)]
    pub seed_funding: Vec<SeedFunding>,
    /// A note on where the data come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Portfolio {
    /// Adds `other` to this portfolio, as the `tcrules` program reads several input files
    /// into one: projects, records, approvals and seed funding are appended in order; a
    /// name or notes already set stay, others are taken from `other`; `other`'s exchange
    /// rates are added and win over this portfolio's for the same currency
    /// ([`Rates::merge`]).
    ///
    /// Ids are not compared here: a project in both portfolios is kept twice, for
    /// [`Portfolio::validate`] and the rules to report as they would in one file.
    ///
    /// # Errors
    /// A rate of `other` that is not positive (`invalid_value`, at the currency code, as
    /// [`Rates::merge`] gives it); this portfolio is then left as it was.
    ///
    /// ```
    /// use tcrules::Portfolio;
    /// let mut p: Portfolio = serde_json::from_str(r#"{"name": "A", "rates": {"EUR": "1.2"},
    ///   "projects": [{"id": "P1", "title": "T", "start": "2024-01-01", "end": "2024-12-31",
    ///     "budget": {"amount": "1", "currency": "EUR"}}]}"#).unwrap();
    /// let q: Portfolio = serde_json::from_str(r#"{"name": "B", "notes": "from B",
    ///   "rates": {"EUR": "1.5"}}"#).unwrap();
    /// p.merge(q).unwrap();
    /// assert_eq!((p.name.as_deref(), p.notes.as_deref()), (Some("A"), Some("from B")));
    /// assert_eq!(p.rates.rate("EUR".parse().unwrap()).unwrap().to_string(), "1.5");
    /// assert_eq!(p.projects.len(), 1);
    /// ```
    pub fn merge(&mut self, other: Portfolio) -> Result<()> {
        self.rates.merge(&other.rates)?;
        // Every field named, so that a new one cannot be dropped here unnoticed.
        let Portfolio {
            name,
            rates: _,
            projects,
            records,
            approvals,
            seed_funding,
            notes,
        } = other;
        self.name = self.name.take().or(name);
        self.notes = self.notes.take().or(notes);
        self.projects.extend(projects);
        self.records.extend(records);
        self.approvals.extend(approvals);
        self.seed_funding.extend(seed_funding);
        Ok(())
    }

    /// Checks what the types cannot: unique project ids, end dates not before start
    /// dates, no negative amounts, records and approvals that refer to known projects,
    /// positive exchange rates. Returns the first problem, located by path.
    pub fn validate(&self) -> crate::error::Result<()> {
        self.problems().into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem [`Portfolio::validate`] would report, in input order.
    pub fn problems(&self) -> Vec<crate::Error> {
        let mut out = Vec::new();
        if let Err(e) = self.rates.validate("rates") {
            out.push(e);
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, p) in self.projects.iter().enumerate() {
            let at = format!("projects[{i}]");
            if !seen.insert(p.id.as_str()) {
                out.push(crate::Error::DuplicateId {
                    path: format!("{at}.id"),
                    id: p.id.clone(),
                });
            }
            if let Err(e) = p.validate() {
                out.push(e.at(&at));
            }
        }
        for (i, r) in self.records.iter().enumerate() {
            let at = format!("records[{i}]");
            if !seen.contains(r.project.as_str()) {
                out.push(crate::Error::UnknownProject {
                    path: format!("{at}.project"),
                    id: r.project.clone(),
                });
            }
            for (name, m) in [
                ("allocation", &r.allocation),
                ("expenditure", &r.expenditure),
            ] {
                if let Err(e) = m.non_negative(&format!("{at}.{name}")) {
                    out.push(e);
                }
            }
        }
        for (i, a) in self.approvals.iter().enumerate() {
            let at = format!("approvals[{i}]");
            if let Some(id) = &a.project {
                if !seen.contains(id.as_str()) {
                    out.push(crate::Error::UnknownProject {
                        path: format!("{at}.project"),
                        id: id.clone(),
                    });
                }
            }
            if let Err(e) = a.amount.non_negative(&format!("{at}.amount")) {
                out.push(e);
            }
        }
        for (i, s) in self.seed_funding.iter().enumerate() {
            let at = format!("seed_funding[{i}]");
            if let Err(e) = s.rbtc.non_negative(&format!("{at}.rbtc")) {
                out.push(e);
            }
            for (j, id) in s.prepared.iter().enumerate() {
                if !seen.contains(id.as_str()) {
                    out.push(crate::Error::UnknownProject {
                        path: format!("{at}.prepared[{j}]"),
                        id: id.clone(),
                    });
                }
            }
        }
        out
    }
}

impl Project {
    /// Checks one project: end not before start, no negative amounts.
    pub fn validate(&self) -> crate::error::Result<()> {
        if self.end < self.start {
            return Err(crate::Error::EndBeforeStart {
                path: "end".into(),
                start: self.start.to_string(),
                end: self.end.to_string(),
            });
        }
        self.budget.non_negative("budget")?;
        for (i, f) in self.funding.iter().enumerate() {
            f.amount.non_negative(&format!("funding[{i}].amount"))?;
        }
        if let Some(plan) = &self.evaluation_plan {
            for (i, pe) in plan.planned.iter().enumerate() {
                if let Some(b) = &pe.budget {
                    b.non_negative(&format!("evaluation_plan.planned[{i}].budget"))?;
                }
            }
        }
        Ok(())
    }
}

/// Who took part in which stage of the project cycle, for one constituent (R6 §68, §305,
/// Appendix I (d)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Stages {
    #[serde(default)]
    pub needs_assessment: bool,
    #[serde(default)]
    pub design: bool,
    #[serde(default)]
    pub implementation: bool,
    #[serde(default)]
    pub monitoring: bool,
    #[serde(default)]
    pub evaluation: bool,
}

/// Constituents' involvement by stage and by constituent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConstituentInvolvement {
    #[serde(default)]
    pub government: Stages,
    #[serde(default)]
    pub employers: Stages,
    #[serde(default)]
    pub workers: Stages,
}

impl ConstituentInvolvement {
    /// The stages of one constituent.
    pub fn of(&self, c: Constituent) -> &Stages {
        match c {
            Constituent::Government => &self.government,
            Constituent::Employers => &self.employers,
            Constituent::Workers => &self.workers,
        }
    }
}

/// Consultation of the Bureaux for Employers' and Workers' Activities (R6 §68, §305).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BureauxConsultation {
    /// ACT/EMP was consulted.
    #[serde(default)]
    pub act_emp: bool,
    /// ACTRAV was consulted.
    #[serde(default)]
    pub actrav: bool,
}

/// The body that oversees the project (R6 §67, §305).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// What kind of body.
    pub kind: GovernanceKind,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Assessment of the constituents' capacity needs (R6 §139, §305).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CapacityNeeds {
    /// The constituents whose capacity needs were assessed.
    #[serde(default)]
    pub assessed: Vec<Constituent>,
    /// How the project addresses them; `None` when it does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressed_by: Option<String>,
}

/// An indicator in the results framework.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// What is measured.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means_of_verification: Option<String>,
    /// Whether the indicator counts people (and so must be disaggregated by sex).
    #[serde(default)]
    pub counts_people: bool,
    /// Whether it is disaggregated by sex.
    #[serde(default)]
    pub sex_disaggregated: bool,
    /// Whether it measures gender equality specifically.
    #[serde(default)]
    pub gender_specific: bool,
}

/// An outcome of the results framework with its outputs and indicators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The outcome statement.
    pub statement: String,
    #[serde(default)]
    pub outputs: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Whether this outcome is an explicit gender equality objective.
    #[serde(default)]
    pub gender_equality: bool,
}

/// A risk and how it is mitigated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
}

/// The results framework of a proposal (results-based management: DC, R6 §57–58, §137).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResultsFramework {
    /// The development objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    #[serde(default)]
    pub risks: Vec<Risk>,
    #[serde(default)]
    pub assumptions: Vec<String>,
}

/// Gender mainstreaming in a proposal (Appendix I (e); OECD DAC gender marker).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GenderMainstreaming {
    /// Gender analysis of the problem and the target group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// OECD DAC gender equality marker: 0 not targeted, 1 significant, 2 principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<u8>,
    /// Why the marker was chosen (required for 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker_justification: Option<String>,
    /// Gender equality is the main objective: the project would not exist without it
    /// (required for marker 2).
    #[serde(default)]
    pub principal_objective: bool,
}

/// Sustainability strategy (R6 §138–139).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sustainability {
    /// Exit or hand-over strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_strategy: Option<String>,
    /// How constituents assume gradual ownership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
}

/// A claimed exemption from the tripartite checks for a programme that requires
/// autonomy (Appendix I (d)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AutonomyExemption {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// A public-private partnership (R6 §106, §113, §116).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Partnership {
    /// The private partner.
    pub partner: String,
    /// Whether the partner's acceptability was screened.
    #[serde(default)]
    pub acceptability_screened: bool,
}

/// A line of a proposal's budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    pub label: String,
    pub purpose: BudgetPurpose,
    pub amount: Money,
}

/// An extra-budgetary proposal submitted for appraisal (DC; R6 §63, §67–68, §138–139).
///
/// Sections left out (`null` or absent), required texts left blank and required lists
/// left empty are *missing*: the checks that need them report the missing field's path
/// and the verdict is `not_appraisable`. A section that is present but answers a check
/// the wrong way (a non-tripartite governance body, say) fails that check instead.
///
/// ```
/// let p: tcrules::Proposal = serde_json::from_str(r#"{"id": "PR-1", "title": "Draft"}"#).unwrap();
/// assert!(p.results.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Budget lines; their US-dollar sum is the proposal's budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Vec<BudgetLine>>,
    /// Needs: links to the P&B and the DWCP or national framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Links>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultsFramework>,
    /// Monitoring and evaluation plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_plan: Option<EvaluationPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constituents: Option<ConstituentInvolvement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bureaux: Option<BureauxConsultation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<Governance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityNeeds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<GenderMainstreaming>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sustainability: Option<Sustainability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autonomy_exemption: Option<AutonomyExemption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<Partnership>,
}

/// Sums money amounts in US dollars at the rates of `month` (the single rates where it is
/// `None`), with errors located at `path[i].amount`.
pub(crate) fn sum_usd<'a>(
    amounts: impl IntoIterator<Item = (usize, &'a Money)>,
    rates: &Rates,
    month: Option<crate::period::YearMonth>,
    path: &str,
) -> crate::error::Result<Decimal> {
    let mut total = Decimal::ZERO;
    for (i, m) in amounts {
        // Paths are built only for an error.
        m.non_negative("")
            .map_err(|e| e.at(&format!("{path}[{i}]")))?;
        total = rates
            .to_usd_at(m, month, "")
            .and_then(|usd| crate::money::checked_add(total, usd, ""))
            .map_err(|e| e.at(&format!("{path}[{i}].amount")))?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_value_has_a_snake_name() {
        fn check<T: std::fmt::Debug + Serialize>(all: &[T], name: impl Fn(&T) -> &'static str) {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{}\"", name(v)), "{v:?}");
            }
        }
        check(DonorCategory::ALL, DonorCategory::as_str);
        check(SourceOfFunds::ALL, SourceOfFunds::as_str);
        check(StrategicObjective::ALL, StrategicObjective::as_str);
        check(Region::ALL, Region::as_str);
        check(EvaluationKind::ALL, EvaluationKind::as_str);
        check(Independence::ALL, Independence::as_str);
        check(Constituent::ALL, Constituent::as_str);
        check(GovernanceKind::ALL, GovernanceKind::as_str);
        check(BudgetPurpose::ALL, BudgetPurpose::as_str);
    }

    #[test]
    fn enums_parse_their_names_and_reject_others() {
        assert_eq!(
            "xbtc".parse::<SourceOfFunds>().unwrap(),
            SourceOfFunds::Xbtc
        );
        let e = "XBT".parse::<SourceOfFunds>().unwrap_err();
        assert_eq!(e.code(), "invalid_value");
        let text = e.to_string();
        assert!(text.contains("Regular budget (RB), "), "{e}");
        assert!(text.contains("(or their codes: rb, rbtc, xbtc"), "{e}");
    }

    #[test]
    fn labels_parse_as_people_write_them() {
        let region = |s: &str| s.parse::<Region>().unwrap();
        for s in [
            "Asia and the Pacific",
            "asia_pacific",
            "ASIA-PACIFIC",
            "Asia & the Pacific",
        ] {
            assert_eq!(region(s), Region::AsiaPacific, "{s}");
        }
        assert_eq!(region("Arab States"), Region::ArabStates);
        assert_eq!(region("africa "), Region::Africa);
        let source = |s: &str| s.parse::<SourceOfFunds>().unwrap();
        for s in [
            "XB",
            "xbtc",
            "XBTC",
            "XBDC",
            "extra-budgetary",
            "Extrabudgetary",
        ] {
            assert_eq!(source(s), SourceOfFunds::Xbtc, "{s}");
        }
        assert_eq!(source("RB"), SourceOfFunds::Rb);
        assert_eq!(source("Regular budget"), SourceOfFunds::Rb);
        assert_eq!(source("RBTC"), SourceOfFunds::Rbtc);
        let so = |s: &str| s.parse::<StrategicObjective>().unwrap();
        assert_eq!(so("SO 3"), StrategicObjective::SocialProtection);
        assert_eq!(so("Social dialogue"), StrategicObjective::SocialDialogue);
        let category = |s: &str| s.parse::<DonorCategory>().unwrap();
        assert_eq!(category("UN"), DonorCategory::UnitedNations);
        assert_eq!(
            category("Multi-bilateral donors"),
            DonorCategory::MultiBilateral
        );
        assert_eq!(category("EU"), DonorCategory::EuropeanUnion);
        // Every value keeps its own name: no key is shared by two values of one enum.
        fn distinct<T: Copy + std::fmt::Debug>(all: &[T], keys: impl Fn(T) -> Vec<&'static str>) {
            let mut seen = std::collections::HashMap::new();
            for v in all {
                for k in keys(*v) {
                    if let Some(other) = seen.insert(label_key(k), *v) {
                        assert_eq!(format!("{other:?}"), format!("{v:?}"), "{k}");
                    }
                }
            }
        }
        macro_rules! check {
            ($($t:ty),+) => {$(
                distinct(<$t>::ALL, |v: $t| {
                    let mut k = vec![v.as_str(), v.label()];
                    k.extend(v.aliases());
                    k
                });
            )+};
        }
        check!(
            DonorCategory,
            SourceOfFunds,
            StrategicObjective,
            Region,
            EvaluationKind,
            Independence,
            Constituent,
            GovernanceKind,
            BudgetPurpose
        );
    }

    fn portfolio(json: &str) -> Portfolio {
        serde_json::from_str(json).unwrap()
    }

    const P1: &str = r#"{"id": "P1", "title": "T", "start": "2024-01-01", "end": "2024-12-31",
        "budget": {"amount": "100", "currency": "EUR"}}"#;

    #[test]
    fn merge_appends_in_order_and_keeps_the_first_name() {
        let mut p = portfolio(&format!(
            r#"{{"name": "A", "projects": [{P1}], "records": [{{"project": "P1",
            "month": "2024-01", "source": "xbtc", "allocation": {{"amount": "2", "currency": "USD"}},
            "expenditure": {{"amount": "1", "currency": "USD"}}}}]}}"#
        ));
        let other = portfolio(&format!(
            r#"{{"name": "B", "notes": "n", "projects": [{}], "approvals": [{{"donor": "Norway",
            "category": "multi_bilateral", "year": 2001, "amount": {{"amount": "1", "currency": "USD"}}}}],
            "seed_funding": [{{"id": "S", "rbtc": {{"amount": "1", "currency": "USD"}}}}]}}"#,
            P1.replace("P1", "P2")
        ));
        p.merge(other.clone()).unwrap();
        assert_eq!(p.name.as_deref(), Some("A"));
        assert_eq!(p.notes.as_deref(), Some("n"));
        let ids: Vec<&str> = p.projects.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P2"]);
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.approvals, other.approvals);
        assert_eq!(p.seed_funding, other.seed_funding);

        // Into an empty portfolio, a merge is the portfolio itself.
        let mut empty = Portfolio::default();
        empty.merge(other.clone()).unwrap();
        assert_eq!(empty, other);
    }

    #[test]
    fn merge_keeps_duplicate_ids_for_validate_to_report() {
        let mut p = portfolio(&format!(r#"{{"projects": [{P1}]}}"#));
        p.merge(portfolio(&format!(r#"{{"projects": [{P1}]}}"#)))
            .unwrap();
        assert_eq!(p.projects.len(), 2);
        assert_eq!(p.validate().unwrap_err().code(), "duplicate_id");
    }

    #[test]
    fn merge_rates_later_wins_and_a_bad_rate_changes_nothing() {
        let mut p = portfolio(r#"{"name": "A", "rates": {"EUR": "1.2", "CHF": "1.1"}}"#);
        p.merge(portfolio(r#"{"rates": {"EUR": "1.5"}}"#)).unwrap();
        assert_eq!(
            p.rates,
            Rates::from_pairs([("CHF", "1.1"), ("EUR", "1.5")]).unwrap()
        );

        let before = p.clone();
        let bad = portfolio(&format!(
            r#"{{"notes": "n", "projects": [{P1}], "rates": {{"EUR": "-1.2"}}}}"#
        ));
        let e = p.merge(bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "EUR: exchange rate must be positive, got -1.2"
        );
        assert_eq!(p, before);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let json = r#"{"id":"P","title":"T","start":"2024-01-01","end":"2024-02-01",
            "budget":{"amount":"1","currency":"USD"},"evaluaton_plan":{}}"#;
        let err = serde_json::from_str::<Project>(json).unwrap_err();
        assert!(err.to_string().contains("evaluaton_plan"));
    }
}
