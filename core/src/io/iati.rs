//! IATI activity files: the open standard in which donors and agencies publish their
//! activities (XML, version 2.03 and the older 1.0x).
//!
//! [`Activities`] streams a file over any [`BufRead`], one `iati-activity` at a time, in
//! bounded memory; [`read`] applies the rules to every activity and gives one
//! [`IatiRow`] per activity: duration class, required evaluations, independent
//! evaluation, delivery by year and the gender marker finding, or the error that kept the
//! activity from being read. A malformed activity is an error in its own row; the rest of
//! the file still imports.
//!
//! | IATI | read as |
//! |---|---|
//! | `activity-date` type 1 / 2 (v1 `start-planned` / `start-actual`) | planned / actual start; actual wins |
//! | `activity-date` type 3 / 4 (v1 `end-planned` / `end-actual`) | planned / actual end; actual wins |
//! | `budget` type 1 original, 2 revised; status 1 indicative, 2 committed | per period, the latest revised budget supersedes the original; a period over one year is an `IATI-BUDGET-PERIOD` finding |
//! | `transaction` type 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure, 11 incoming commitment, ... (v1 `IF`, `C`, `D`, `E`, ...) | all kept; disbursements and expenditure are delivered against the budgets |
//! | `participating-org` role 1 (v1 `Funding`) | the donors |
//! | `policy-marker` code 1, vocabulary 1 (v1 `DAC`) or none | the gender equality marker, significance 0, 1 or 2 |
//! | `value/@currency`, else the activity's `@default-currency`; `value/@value-date` | the money, and the date of its exchange rate (kept; conversion uses the caller's one rate per currency) |
//!
//! Delivery of a year is the disbursements and expenditure dated in it over the budgets
//! whose period starts in it, for every year up to the latest disbursement or expenditure.
//!
//! Hostile input is refused, never expanded: a `DOCTYPE` is an error (so no entity can be
//! declared, which defeats "billion laughs"), only the five predefined entities and
//! character references are read, the file must be UTF-8, and nesting, token and text
//! sizes are capped ([`MAX_DEPTH`], [`MAX_TOKEN_BYTES`], [`MAX_TEXT_BYTES`],
//! [`MAX_ITEMS`]). Errors carry XPath-style paths counted from 1, as XPath counts:
//! `iati-activity[3]/budget[1]/value/@currency`. A file that is not well-formed XML stops
//! being read where it breaks: inside an activity, that activity's row has the
//! `invalid_xml` error; outside one, the report's `errors` has it.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Read};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::delivery::{self, GroupBy, GroupDelivery, Totals};
use crate::error::{Error, ErrorInfo, Result};
use crate::evaluation::{self, Due, DurationClass};
use crate::finding::{Finding, RuleId, Status};
use crate::model::{Donor, DonorCategory, FinancialRecord, Project, Provenance, SourceOfFunds};
use crate::money::{checked_add, Currency, Money, Rates};
use crate::period::{Duration, YearMonth};
use crate::policy::{Policy, PolicyStamp};

/// Deepest element nesting read (IATI itself nests five deep).
pub const MAX_DEPTH: usize = 32;
/// Longest single token (a tag with its attributes, a run of text, a comment), in bytes.
pub const MAX_TOKEN_BYTES: usize = 1 << 20;
/// Longest text of one element read (identifier, title, name, value), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 << 10;
/// Most dates, organisations, markers, budgets and transactions of one activity.
pub const MAX_ITEMS: usize = 100_000;

/// What a budget states (IATI BudgetType 1 and 2 and BudgetStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetStatus {
    /// Status 1: indicative.
    Indicative,
    /// Status 2: committed.
    Committed,
}

/// One `budget` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiBudget {
    /// Type 2: a revision that supersedes the original budget of its period.
    pub revised: bool,
    /// Indicative or committed, when stated.
    pub status: Option<BudgetStatus>,
    /// `period-start/@iso-date`.
    pub period_start: NaiveDate,
    /// `period-end/@iso-date`.
    pub period_end: NaiveDate,
    /// `value`, in its currency.
    pub value: Money,
    /// `value/@value-date`: the date of the exchange rate.
    pub value_date: Option<NaiveDate>,
}

macro_rules! transaction_types {
    ($($variant:ident = $code:literal $(| $letter:literal)?, $label:literal;)+) => {
        /// IATI TransactionType codes 1–13 (version 1 letter codes are read too).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum TransactionType { $(#[doc = $label] $variant),+ }

        impl TransactionType {
            /// The type of a 2.0x code (`"4"`) or a version 1 letter code (`"E"`).
            ///
            /// ```
            /// use tcrules::io::iati::TransactionType;
            /// assert_eq!(TransactionType::from_code("4"), Some(TransactionType::Expenditure));
            /// assert_eq!(TransactionType::from_code("IF"), Some(TransactionType::IncomingFunds));
            /// assert_eq!(TransactionType::from_code("X"), None);
            /// ```
            pub fn from_code(code: &str) -> Option<TransactionType> {
                match code {
                    $($code $(| $letter)? => Some(TransactionType::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

transaction_types! {
    IncomingFunds = "1" | "IF", "1: incoming funds";
    OutgoingCommitment = "2" | "C", "2: outgoing commitment";
    Disbursement = "3" | "D", "3: disbursement";
    Expenditure = "4" | "E", "4: expenditure";
    InterestPayment = "5" | "IR", "5: interest payment";
    LoanRepayment = "6" | "LR", "6: loan repayment";
    Reimbursement = "7" | "R", "7: reimbursement";
    PurchaseOfEquity = "8" | "QP", "8: purchase of equity";
    SaleOfEquity = "9" | "QS", "9: sale of equity";
    CreditGuarantee = "10" | "CG", "10: credit guarantee";
    IncomingCommitment = "11", "11: incoming commitment";
    OutgoingPledge = "12", "12: outgoing pledge";
    IncomingPledge = "13", "13: incoming pledge";
}

impl TransactionType {
    /// Disbursements and expenditure: what delivery counts against the budgets.
    ///
    /// ```
    /// use tcrules::io::iati::TransactionType;
    /// assert!(TransactionType::Disbursement.is_delivery());
    /// assert!(!TransactionType::IncomingFunds.is_delivery());
    /// ```
    pub fn is_delivery(&self) -> bool {
        matches!(
            self,
            TransactionType::Disbursement | TransactionType::Expenditure
        )
    }
}

/// One `transaction` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiTransaction {
    /// `transaction-type/@code`.
    pub kind: TransactionType,
    /// `transaction-date/@iso-date`.
    pub date: NaiveDate,
    /// `value`, in its currency.
    pub value: Money,
    /// `value/@value-date`: the date of the exchange rate.
    pub value_date: Option<NaiveDate>,
}

/// A funding `participating-org`: a donor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiOrg {
    /// Its name (`narrative`, or the element's text in version 1), else its `@ref`.
    pub name: String,
    /// `@ref`, the organisation identifier.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// `@type`, the IATI OrganisationType code (10 government, 40 multilateral, ...).
    #[serde(rename = "type")]
    pub org_type: Option<String>,
}

/// The four `activity-date`s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDates {
    /// Type 1 (v1 `start-planned`).
    pub planned_start: Option<NaiveDate>,
    /// Type 2 (v1 `start-actual`).
    pub actual_start: Option<NaiveDate>,
    /// Type 3 (v1 `end-planned`).
    pub planned_end: Option<NaiveDate>,
    /// Type 4 (v1 `end-actual`).
    pub actual_end: Option<NaiveDate>,
}

/// One `iati-activity`, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiActivity {
    /// Its position in the file, from 1: the `3` of `iati-activity[3]`.
    pub position: usize,
    /// `iati-identifier`.
    pub identifier: String,
    /// The first `title` narrative (or the title's text in version 1).
    pub title: Option<String>,
    /// `@default-currency`.
    pub default_currency: Option<Currency>,
    pub dates: ActivityDates,
    pub budgets: Vec<IatiBudget>,
    pub transactions: Vec<IatiTransaction>,
    /// The funding participating-orgs.
    pub donors: Vec<IatiOrg>,
    /// Significance of the gender equality policy marker: 0 not targeted, 1
    /// significant, 2 principal.
    pub gender_marker: Option<u8>,
}

/// An activity that could not be read, or (with no `activity`) a problem outside any
/// activity, after which the file is not read further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiError {
    /// The activity's position in the file, from 1; `None` outside any activity.
    pub activity: Option<usize>,
    /// The activity's `iati-identifier`, when it was read.
    pub identifier: Option<String>,
    pub error: Error,
}

/// One amount converted to US dollars, with the position of its element.
struct Usd {
    index: usize,
    date: NaiveDate,
    usd: Decimal,
}

impl IatiActivity {
    /// `iati-activity[n]`, the start of every path in this activity.
    ///
    /// ```
    /// use tcrules::io::iati::Activities;
    /// let xml = r#"<iati-activities><iati-activity><iati-identifier>A</iati-identifier>
    ///   <activity-date type="1" iso-date="2024-01-01"/><activity-date type="2" iso-date="2024-02-01"/>
    ///   <activity-date type="3" iso-date="2025-06-30"/></iati-activity></iati-activities>"#;
    /// let a = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// assert_eq!(a.path(), "iati-activity[1]");
    /// assert_eq!(a.start().unwrap().to_string(), "2024-02-01"); // actual over planned
    /// assert_eq!(a.end().unwrap().to_string(), "2025-06-30");
    /// ```
    pub fn path(&self) -> String {
        format!("iati-activity[{}]", self.position)
    }

    /// The actual start date, else the planned one.
    pub fn start(&self) -> Option<NaiveDate> {
        self.dates.actual_start.or(self.dates.planned_start)
    }

    /// The actual end date, else the planned one.
    pub fn end(&self) -> Option<NaiveDate> {
        self.dates.actual_end.or(self.dates.planned_end)
    }

    /// The budgets that count, with their positions from 1 (`budget[n]`): for each
    /// period, the latest revised budget, or the latest original one when none is
    /// revised.
    ///
    /// ```
    /// use tcrules::io::iati::Activities;
    /// let budget = |kind, value| format!(r#"<budget type="{kind}"><period-start iso-date="2024-01-01"/>
    ///     <period-end iso-date="2024-12-31"/><value>{value}</value></budget>"#);
    /// let xml = format!(r#"<iati-activities><iati-activity default-currency="USD">
    ///   <iati-identifier>A</iati-identifier>{}{}</iati-activity></iati-activities>"#,
    ///   budget(1, "100"), budget(2, "150"));
    /// let a = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// let effective = a.effective_budgets();
    /// assert_eq!((effective[0].0, effective[0].1.value.amount.to_string()), (2, "150".to_owned()));
    /// ```
    pub fn effective_budgets(&self) -> Vec<(usize, &IatiBudget)> {
        let mut by_period: BTreeMap<(NaiveDate, NaiveDate), (usize, &IatiBudget)> = BTreeMap::new();
        for (i, b) in self.budgets.iter().enumerate() {
            let entry = by_period
                .entry((b.period_start, b.period_end))
                .or_insert((i + 1, b));
            if b.revised >= entry.1.revised {
                *entry = (i + 1, b);
            }
        }
        let mut out: Vec<(usize, &IatiBudget)> = by_period.into_values().collect();
        out.sort_by_key(|(i, _)| *i);
        out
    }

    fn allocations_usd(&self, rates: &Rates) -> Result<Vec<Usd>> {
        self.effective_budgets()
            .into_iter()
            .map(|(index, b)| {
                let path = format!("{}/budget[{index}]/value", self.path());
                Ok(Usd {
                    index,
                    date: b.period_start,
                    usd: rates.to_usd(&b.value, &path)?,
                })
            })
            .collect()
    }

    fn spending_usd(&self, rates: &Rates) -> Result<Vec<Usd>> {
        self.transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind.is_delivery())
            .map(|(i, t)| {
                let path = format!("{}/transaction[{}]/value", self.path(), i + 1);
                Ok(Usd {
                    index: i + 1,
                    date: t.date,
                    usd: rates.to_usd(&t.value, &path)?,
                })
            })
            .collect()
    }

    /// The total of the effective budgets in US dollars; `None` when none is published.
    fn budget_usd(&self, allocations: &[Usd]) -> Result<Option<Decimal>> {
        if allocations.is_empty() {
            return Ok(None);
        }
        allocations
            .iter()
            .try_fold(Decimal::ZERO, |sum, a| {
                checked_add(
                    sum,
                    a.usd,
                    &format!("{}/budget[{}]/value", self.path(), a.index),
                )
            })
            .map(Some)
    }

    /// The activity as a project of the model, with one monthly record per effective
    /// budget (its allocation, in the month its period starts) and per disbursement or
    /// expenditure, all in US dollars: what the portfolio rules read. It needs a start
    /// date, an end date and a budget. Funding organisations become donors, categorized
    /// by their `@type`: 40 (multilateral) other intergovernmental, 21–90 non-state
    /// actors, government or none multi-bilateral.
    ///
    /// ```
    /// use tcrules::io::iati::Activities;
    /// let xml = r#"<iati-activities version="2.03"><iati-activity default-currency="USD">
    ///   <iati-identifier>XM-DAC-41302-1</iati-identifier>
    ///   <activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
    ///   <budget type="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>1000</value></budget>
    ///   <transaction><transaction-type code="4"/><transaction-date iso-date="2024-03-15"/><value>600</value></transaction>
    /// </iati-activity></iati-activities>"#;
    /// let activity = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// let (project, records) = activity.to_model(&tcrules::money::Rates::usd_only()).unwrap();
    /// assert_eq!((project.id.as_str(), project.budget.amount.to_string().as_str()), ("XM-DAC-41302-1", "1000"));
    /// assert_eq!(records[1].month.to_string(), "2024-03");
    /// ```
    pub fn to_model(&self, rates: &Rates) -> Result<(Project, Vec<FinancialRecord>)> {
        let at = self.path();
        let start = self
            .start()
            .ok_or_else(|| missing_error(&at, MISSING_START))?;
        let end = self.end().ok_or_else(|| missing_error(&at, MISSING_END))?;
        let allocations = self.allocations_usd(rates)?;
        let budget = self
            .budget_usd(&allocations)?
            .ok_or_else(|| missing_error(&at, MISSING_BUDGET))?;
        let source = if self.donors.is_empty() {
            SourceOfFunds::Other
        } else {
            SourceOfFunds::Xbtc
        };
        let record = |date: NaiveDate, allocation, expenditure| -> Result<FinancialRecord> {
            Ok(FinancialRecord {
                project: self.identifier.clone(),
                month: YearMonth::new(date.year(), date.month()).map_err(|e| e.in_element(&at))?,
                source,
                allocation: Money::usd(allocation),
                expenditure: Money::usd(expenditure),
                illustrative: false,
            })
        };
        let mut records = Vec::new();
        for a in &allocations {
            records.push(record(a.date, a.usd, Decimal::ZERO)?);
        }
        for s in self.spending_usd(rates)? {
            records.push(record(s.date, Decimal::ZERO, s.usd)?);
        }
        let project = Project {
            id: self.identifier.clone(),
            title: self
                .title
                .clone()
                .unwrap_or_else(|| self.identifier.clone()),
            country: None,
            region: None,
            unit: None,
            field_office: None,
            strategic_objective: None,
            donors: self.donors.iter().map(donor).collect(),
            start,
            end,
            budget: Money::usd(budget),
            funding: Vec::new(),
            links: Default::default(),
            evaluation_plan: None,
            provenance: Provenance {
                source: Some(format!("IATI activity {}", self.identifier)),
                illustrative: Vec::new(),
            },
        };
        Ok((project, records))
    }
}

fn donor(org: &IatiOrg) -> Donor {
    let category = match org.org_type.as_deref() {
        None | Some("10" | "11" | "15") => DonorCategory::MultiBilateral,
        Some("40") => DonorCategory::OtherIntergovernmental,
        Some(_) => DonorCategory::NonStateActors,
    };
    Donor {
        name: org.name.clone(),
        category,
        locally_mobilized: false,
    }
}

const MISSING_START: &str = "activity-date[@type='1' or @type='2']";
const MISSING_END: &str = "activity-date[@type='3' or @type='4']";
const MISSING_BUDGET: &str = "budget";
const MISSING_SPENDING: &str =
    "transaction[transaction-type/@code='3' or transaction-type/@code='4']";

fn missing_error(at: &str, what: &str) -> Error {
    Error::invalid(format!("{at}/{what}"), "not published")
}

// --- reading ------------------------------------------------------------------------------

/// A [`BufRead`] that refuses to give more than [`MAX_TOKEN_BYTES`] before `used` is
/// reset, which the reader does after every token: no token can grow the buffer further.
struct Capped<R> {
    inner: R,
    used: usize,
}

impl<R: BufRead> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            out.iter_mut().zip(available).map(|(o, a)| *o = *a).count()
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Capped<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let room = MAX_TOKEN_BYTES.saturating_sub(self.used);
        if room == 0 {
            return Err(std::io::Error::other("token too large"));
        }
        let available = self.inner.fill_buf()?;
        Ok(available.get(..room).unwrap_or(available))
    }

    fn consume(&mut self, n: usize) {
        self.used = self.used.saturating_add(n);
        self.inner.consume(n);
    }
}

/// The elements the importer reads; everything else is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Activity,
    Identifier,
    Title,
    Narrative,
    ActivityDate,
    Org,
    Marker,
    Budget,
    PeriodStart,
    PeriodEnd,
    Value,
    Transaction,
    TransactionType,
    TransactionDate,
    Other,
}

impl Tag {
    fn child(self, name: &str) -> Tag {
        match (self, name) {
            (Tag::Root, "iati-activity") => Tag::Activity,
            (Tag::Activity, "iati-identifier") => Tag::Identifier,
            (Tag::Activity, "title") => Tag::Title,
            (Tag::Activity, "activity-date") => Tag::ActivityDate,
            (Tag::Activity, "participating-org") => Tag::Org,
            (Tag::Activity, "policy-marker") => Tag::Marker,
            (Tag::Activity, "budget") => Tag::Budget,
            (Tag::Activity, "transaction") => Tag::Transaction,
            (Tag::Title | Tag::Org, "narrative") => Tag::Narrative,
            (Tag::Budget, "period-start") => Tag::PeriodStart,
            (Tag::Budget, "period-end") => Tag::PeriodEnd,
            (Tag::Budget | Tag::Transaction, "value") => Tag::Value,
            (Tag::Transaction, "transaction-type") => Tag::TransactionType,
            (Tag::Transaction, "transaction-date") => Tag::TransactionDate,
            _ => Tag::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tag::Root => "iati-activities",
            Tag::Activity => "iati-activity",
            Tag::Identifier => "iati-identifier",
            Tag::Title => "title",
            Tag::Narrative => "narrative",
            Tag::ActivityDate => "activity-date",
            Tag::Org => "participating-org",
            Tag::Marker => "policy-marker",
            Tag::Budget => "budget",
            Tag::PeriodStart => "period-start",
            Tag::PeriodEnd => "period-end",
            Tag::Value => "value",
            Tag::Transaction => "transaction",
            Tag::TransactionType => "transaction-type",
            Tag::TransactionDate => "transaction-date",
            Tag::Other => "",
        }
    }
}

/// An open element: what it is, its position among its kind (0 when not counted), its
/// name when it is not one the importer reads, and its text when it is read.
struct Frame {
    tag: Tag,
    index: usize,
    other: Option<String>,
    text: Option<String>,
}

impl Frame {
    fn segment(&self) -> String {
        let name = self.other.as_deref().unwrap_or(self.tag.name());
        match self.index {
            0 => name.to_owned(),
            i => format!("{name}[{i}]"),
        }
    }
}

#[derive(Default)]
struct BudgetDraft {
    revised: bool,
    status: Option<BudgetStatus>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    value: Option<(Money, Option<NaiveDate>)>,
}

#[derive(Default)]
struct TransactionDraft {
    kind: Option<TransactionType>,
    date: Option<NaiveDate>,
    value: Option<(Money, Option<NaiveDate>)>,
}

struct OrgDraft {
    name: Option<String>,
    reference: Option<String>,
    org_type: Option<String>,
}

/// The activity being read.
#[derive(Default)]
struct Builder {
    position: usize,
    identifier: Option<String>,
    title: Option<String>,
    default_currency: Option<Currency>,
    dates: ActivityDates,
    /// `activity-date[n]` of each date, for paths: planned start, actual start, planned
    /// end, actual end.
    date_at: [usize; 4],
    budgets: Vec<IatiBudget>,
    transactions: Vec<IatiTransaction>,
    donors: Vec<IatiOrg>,
    gender_marker: Option<u8>,
    /// Elements begun: activity-date, participating-org, policy-marker, budget,
    /// transaction.
    counts: [usize; 5],
    budget: Option<BudgetDraft>,
    transaction: Option<TransactionDraft>,
    org: Option<OrgDraft>,
    value: Option<(Currency, Option<NaiveDate>)>,
    error: Option<Error>,
}

/// Sets a value given at most once.
fn once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<()> {
    if slot.is_some() {
        return Err(Error::invalid("", format!("{what} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

/// The values of the named attributes, entity references resolved (the predefined ones
/// only) and surrounding whitespace trimmed.
fn attributes<const N: usize>(e: &BytesStart<'_>, names: [&str; N]) -> Result<[Option<String>; N]> {
    let mut out = [const { None }; N];
    for a in e.attributes() {
        let a = a.map_err(|err| Error::Xml {
            path: String::new(),
            message: err.to_string(),
        })?;
        let key: &str = a.key.as_ref();
        if let Some(slot) = names
            .iter()
            .position(|n| *n == key)
            .and_then(|i| out.get_mut(i))
        {
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| Error::Xml {
                    path: format!("@{key}"),
                    message: err.to_string(),
                })?;
            *slot = Some(value.trim().to_owned());
        }
    }
    Ok(out)
}

/// An `xs:date`: `YYYY-MM-DD`, optionally with a time zone (ignored).
fn date(value: Option<String>, attribute: &str) -> Result<NaiveDate> {
    let s = value.ok_or_else(|| Error::invalid(attribute, "a date is required"))?;
    let parsed = (|| {
        let (day, zone) = (s.get(..10)?, s.get(10..)?);
        let zone_ok = match zone.as_bytes() {
            [] | [b'Z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] => {
                [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        let year_ok = day.bytes().take(4).all(|b| b.is_ascii_digit());
        (zone_ok && year_ok).then(|| day.parse().ok()).flatten()
    })();
    parsed.ok_or_else(|| Error::invalid(attribute, format!("{s:?} is not a date (YYYY-MM-DD)")))
}

fn optional_date(value: Option<String>, attribute: &str) -> Result<Option<NaiveDate>> {
    value.map(|v| date(Some(v), attribute)).transpose()
}

/// An `xs:decimal` amount that fits an exact decimal and is not negative.
fn amount(text: &str) -> Result<Decimal> {
    let s = text.trim();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let lexical = !(int.is_empty() && frac.is_empty())
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    if !lexical {
        let shown: String = s.chars().take(40).collect();
        return Err(Error::invalid(
            "",
            format!("{shown:?} is not a decimal number"),
        ));
    }
    let canonical = format!(
        "{sign}{}{}{frac}",
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "" } else { "." }
    );
    let value = Decimal::from_str_exact(&canonical).map_err(|_| {
        let shown: String = canonical.chars().take(40).collect();
        Error::invalid(
            "",
            format!("{shown} does not fit an exact decimal (at most 28 digits, ±7.9 × 10^28)"),
        )
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::Negative {
            path: String::new(),
            value: canonical,
        });
    }
    Ok(value)
}

fn currency(code: &str, attribute: &str) -> Result<Currency> {
    code.parse().map_err(|e: Error| e.in_element(attribute))
}

/// The reader's state between tokens.
#[derive(Default)]
struct State {
    stack: Vec<Frame>,
    version: Option<String>,
    activities: usize,
    seen: HashSet<String>,
    activity: Option<Builder>,
    rooted: bool,
    done: bool,
}

type Item = std::result::Result<IatiActivity, IatiError>;

impl State {
    /// The path of the innermost open element, from the activity if one is open.
    fn path(&self) -> String {
        let from = self
            .stack
            .iter()
            .position(|f| f.tag == Tag::Activity)
            .unwrap_or(0);
        let segments: Vec<String> = self.stack.iter().skip(from).map(Frame::segment).collect();
        segments.join("/")
    }

    fn xml_error(&self, message: impl Into<String>) -> Error {
        Error::Xml {
            path: self.path(),
            message: message.into(),
        }
    }

    /// Records a problem of the open activity (the first one counts), located at the
    /// innermost element; outside an activity it stops the reading.
    fn fail(&mut self, e: Error) -> Result<()> {
        let e = e.in_element(&self.path());
        match &mut self.activity {
            Some(b) => {
                b.error.get_or_insert(e);
                Ok(())
            }
            None => Err(e),
        }
    }

    /// The open activity, unless it has already failed.
    fn builder(&mut self) -> Option<&mut Builder> {
        self.activity.as_mut().filter(|b| b.error.is_none())
    }

    /// Handles one token; `Ok(Some)` is an activity read, `Err` stops the reading.
    fn event(&mut self, event: Event<'_>) -> Result<Option<Item>> {
        match event {
            Event::Start(e) => self.start(&e).map(|()| None),
            Event::Empty(e) => {
                self.start(&e)?;
                self.end()
            }
            Event::End(_) => self.end(),
            Event::Text(t) => self.text(&t).map(|()| None),
            Event::CData(t) => self.text(&t).map(|()| None),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned)
                };
                match resolved {
                    Some(s) => self.text(&s),
                    None => self.fail(Error::Xml {
                        path: String::new(),
                        message: format!(
                            "&{}; is not a predefined entity or a character: entities are never expanded",
                            r.chars().take(40).collect::<String>()
                        ),
                    }),
                }
                .map(|()| None)
            }
            Event::Decl(d) => match d.encoding() {
                Some(Ok(enc))
                    if !enc.eq_ignore_ascii_case("utf-8") && !enc.eq_ignore_ascii_case("utf8") =>
                {
                    Err(self.xml_error(format!(
                        "encoding {:?} is not read: IATI files are UTF-8",
                        enc.chars().take(40).collect::<String>()
                    )))
                }
                Some(Err(err)) => Err(self.xml_error(err.to_string())),
                _ => Ok(None),
            },
            Event::DocType(_) => Err(self.xml_error(
                "a DOCTYPE is not accepted: IATI files declare none, and entities are never expanded",
            )),
            Event::Comment(_) | Event::PI(_) => Ok(None),
            Event::Eof => {
                if let Some(open) = self.stack.last() {
                    let name = open.other.as_deref().unwrap_or(open.tag.name()).to_owned();
                    return Err(self.xml_error(format!(
                        "the file ends inside <{name}>: it is truncated"
                    )));
                }
                if !self.rooted {
                    return Err(self.xml_error("no root element: the input is empty or not XML"));
                }
                self.done = true;
                Ok(None)
            }
        }
    }

    fn text(&mut self, s: &str) -> Result<()> {
        let Some(frame) = self.stack.last_mut() else {
            if s.trim().is_empty() {
                return Ok(());
            }
            return Err(self.xml_error("text outside the root element"));
        };
        let Some(text) = &mut frame.text else {
            return Ok(());
        };
        if text.len().saturating_add(s.len()) > MAX_TEXT_BYTES {
            frame.text = None;
            return self.fail(Error::TooLarge {
                path: String::new(),
                message: format!("text longer than {MAX_TEXT_BYTES} bytes"),
            });
        }
        text.push_str(s);
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<()> {
        let name = e.name();
        let name: &str = name.as_ref();
        if self.stack.len() >= MAX_DEPTH {
            return Err(Error::TooLarge {
                path: self.path(),
                message: format!("elements nested deeper than {MAX_DEPTH}"),
            });
        }
        let tag = match self.stack.last() {
            Some(parent) => parent.tag.child(name),
            None if self.rooted => {
                return Err(self.xml_error(format!(
                    "a second root element <{}>",
                    name.chars().take(40).collect::<String>()
                )))
            }
            None => {
                self.rooted = true;
                match name {
                    "iati-activities" => Tag::Root,
                    "iati-activity" => Tag::Activity,
                    _ => {
                        return Err(self.xml_error(format!(
                            "not an IATI activity file: the root element is <{}>, not <iati-activities>",
                            name.chars().take(40).collect::<String>()
                        )))
                    }
                }
            }
        };
        let index = match tag {
            Tag::Activity => {
                self.activities += 1;
                self.activity = Some(Builder {
                    position: self.activities,
                    ..Builder::default()
                });
                self.activities
            }
            _ => self.count(tag),
        };
        let reads_text = match tag {
            Tag::Identifier => true,
            Tag::Title | Tag::Narrative | Tag::Org | Tag::Value => self.builder().is_some(),
            _ => false,
        };
        self.stack.push(Frame {
            tag,
            index,
            other: (tag == Tag::Other).then(|| name.chars().take(64).collect()),
            text: reads_text.then(String::new),
        });
        if let Err(err) = self.open(tag, e) {
            self.fail(err)?;
        }
        Ok(())
    }

    /// Counts an activity's child element of `tag`, giving its position from 1.
    fn count(&mut self, tag: Tag) -> usize {
        let slot = match tag {
            Tag::ActivityDate => 0,
            Tag::Org => 1,
            Tag::Marker => 2,
            Tag::Budget => 3,
            Tag::Transaction => 4,
            _ => return 0,
        };
        let Some(b) = self.activity.as_mut() else {
            return 0;
        };
        b.counts.get_mut(slot).map_or(0, |n| {
            *n += 1;
            *n
        })
    }

    /// Reads the attributes of an element just opened.
    fn open(&mut self, tag: Tag, e: &BytesStart<'_>) -> Result<()> {
        if tag == Tag::Root {
            let [version] = attributes(e, ["version"])?;
            self.version = version;
            return Ok(());
        }
        let Some(b) = self.builder() else {
            return Ok(());
        };
        if b.counts.iter().sum::<usize>() > MAX_ITEMS {
            return Err(Error::TooLarge {
                path: String::new(),
                message: format!("more than {MAX_ITEMS} dates, organisations, markers, budgets and transactions in one activity"),
            });
        }
        match tag {
            Tag::Activity => {
                let [code] = attributes(e, ["default-currency"])?;
                b.default_currency = code
                    .map(|c| currency(&c, "@default-currency"))
                    .transpose()?;
            }
            Tag::ActivityDate => {
                let [kind, iso] = attributes(e, ["type", "iso-date"])?;
                let (slot, what) = match kind.as_deref() {
                    Some("1" | "start-planned") => (0, "planned start"),
                    Some("2" | "start-actual") => (1, "actual start"),
                    Some("3" | "end-planned") => (2, "planned end"),
                    Some("4" | "end-actual") => (3, "actual end"),
                    other => {
                        return Err(Error::invalid(
                            "@type",
                            format!("{other:?} is not an activity-date type (1–4, or start-planned, start-actual, end-planned, end-actual)"),
                        ))
                    }
                };
                let d = date(iso, "@iso-date")?;
                let dates = &mut b.dates;
                let field = match slot {
                    0 => &mut dates.planned_start,
                    1 => &mut dates.actual_start,
                    2 => &mut dates.planned_end,
                    _ => &mut dates.actual_end,
                };
                once(field, d, &format!("the {what} date"))?;
                if let (Some(at), Some(n)) = (b.date_at.get_mut(slot), b.counts.first()) {
                    *at = *n;
                }
            }
            Tag::Org => {
                let [role, reference, org_type] = attributes(e, ["role", "ref", "type"])?;
                let funding = role
                    .as_deref()
                    .is_some_and(|r| r == "1" || r.eq_ignore_ascii_case("funding"));
                b.org = funding.then_some(OrgDraft {
                    name: None,
                    reference: reference.filter(|r| !r.is_empty()),
                    org_type,
                });
            }
            Tag::Marker => {
                let [vocabulary, code, significance] =
                    attributes(e, ["vocabulary", "code", "significance"])?;
                let dac = matches!(vocabulary.as_deref(), None | Some("1" | "DAC"));
                if dac && code.as_deref() == Some("1") {
                    let s = match significance.as_deref() {
                        Some("0") => 0,
                        Some("1") => 1,
                        Some("2") => 2,
                        other => {
                            return Err(Error::invalid(
                                "@significance",
                                format!("{other:?} is not a gender equality marker significance (0 not targeted, 1 significant, 2 principal)"),
                            ))
                        }
                    };
                    once(&mut b.gender_marker, s, "the gender equality marker")?;
                }
            }
            Tag::Budget => {
                let [kind, status] = attributes(e, ["type", "status"])?;
                let revised = match kind.as_deref() {
                    None | Some("1") => false,
                    Some("2") => true,
                    Some(other) => {
                        return Err(Error::invalid(
                            "@type",
                            format!("{other:?} is not a budget type (1 original, 2 revised)"),
                        ))
                    }
                };
                let status = match status.as_deref() {
                    None => None,
                    Some("1") => Some(BudgetStatus::Indicative),
                    Some("2") => Some(BudgetStatus::Committed),
                    Some(other) => {
                        return Err(Error::invalid(
                            "@status",
                            format!("{other:?} is not a budget status (1 indicative, 2 committed)"),
                        ))
                    }
                };
                b.budget = Some(BudgetDraft {
                    revised,
                    status,
                    ..BudgetDraft::default()
                });
            }
            Tag::PeriodStart | Tag::PeriodEnd => {
                let [iso] = attributes(e, ["iso-date"])?;
                let d = date(iso, "@iso-date")?;
                if let Some(draft) = &mut b.budget {
                    match tag {
                        Tag::PeriodStart => once(&mut draft.start, d, "period-start")?,
                        _ => once(&mut draft.end, d, "period-end")?,
                    }
                }
            }
            Tag::Value => {
                let [code, value_date] = attributes(e, ["currency", "value-date"])?;
                let currency = match code {
                    Some(c) => currency(&c, "@currency")?,
                    None => b.default_currency.ok_or_else(|| {
                        Error::invalid(
                            "@currency",
                            "no currency: neither value/@currency nor the activity's @default-currency",
                        )
                    })?,
                };
                b.value = Some((currency, optional_date(value_date, "@value-date")?));
            }
            Tag::Transaction => b.transaction = Some(TransactionDraft::default()),
            Tag::TransactionType => {
                let [code] = attributes(e, ["code"])?;
                let kind = code
                    .as_deref()
                    .and_then(TransactionType::from_code)
                    .ok_or_else(|| {
                        Error::invalid(
                            "@code",
                            format!("{code:?} is not a transaction type (1–13, or IF, C, D, E, IR, LR, R, QP, QS, CG)"),
                        )
                    })?;
                if let Some(draft) = &mut b.transaction {
                    once(&mut draft.kind, kind, "transaction-type")?;
                }
            }
            Tag::TransactionDate => {
                let [iso] = attributes(e, ["iso-date"])?;
                let d = date(iso, "@iso-date")?;
                if let Some(draft) = &mut b.transaction {
                    once(&mut draft.date, d, "transaction-date")?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self) -> Result<Option<Item>> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(None);
        };
        let (tag, text) = (frame.tag, frame.text.take());
        let parent = self
            .stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .map(|f| f.tag);
        let item = if tag == Tag::Activity {
            Some(self.finish())
        } else {
            if let Err(err) = self.close(tag, parent, text) {
                self.fail(err)?;
            }
            None
        };
        self.stack.pop();
        Ok(item)
    }

    /// Reads the text of an element just closed and completes what it closes.
    fn close(&mut self, tag: Tag, parent: Option<Tag>, text: Option<String>) -> Result<()> {
        let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if tag == Tag::Identifier {
            if let Some(b) = self.activity.as_mut() {
                let id = text.ok_or_else(|| Error::invalid("", "the iati-identifier is empty"))?;
                once(&mut b.identifier, id.to_owned(), "iati-identifier")?;
            }
            return Ok(());
        }
        let Some(b) = self.builder() else {
            return Ok(());
        };
        match (tag, parent) {
            (Tag::Title, _) | (Tag::Narrative, Some(Tag::Title)) if b.title.is_none() => {
                b.title = text.map(str::to_owned);
            }
            (Tag::Narrative, Some(Tag::Org)) => {
                if let Some(org) = b.org.as_mut().filter(|o| o.name.is_none()) {
                    org.name = text.map(str::to_owned);
                }
            }
            (Tag::Org, _) => {
                if let Some(org) = b.org.take() {
                    let name = org
                        .name
                        .or_else(|| text.map(str::to_owned))
                        .or_else(|| org.reference.clone())
                        .ok_or_else(|| {
                            Error::invalid(
                                "",
                                "a funding participating-org has no name and no @ref",
                            )
                        })?;
                    b.donors.push(IatiOrg {
                        name,
                        reference: org.reference,
                        org_type: org.org_type,
                    });
                }
            }
            (Tag::Value, _) => {
                let amount = amount(text.unwrap_or_default())?;
                if let Some((currency, value_date)) = b.value.take() {
                    let value = (Money { amount, currency }, value_date);
                    let slot = match parent {
                        Some(Tag::Budget) => b.budget.as_mut().map(|d| &mut d.value),
                        _ => b.transaction.as_mut().map(|d| &mut d.value),
                    };
                    if let Some(slot) = slot {
                        once(slot, value, "the value")?;
                    }
                }
            }
            (Tag::Budget, _) => {
                if let Some(d) = b.budget.take() {
                    let need =
                        |what: &str| Error::invalid(what, format!("a budget needs a {what}"));
                    let period_start = d.start.ok_or_else(|| need("period-start"))?;
                    let period_end = d.end.ok_or_else(|| need("period-end"))?;
                    if period_end < period_start {
                        return Err(Error::EndBeforeStart {
                            path: "period-end/@iso-date".into(),
                            start: period_start.to_string(),
                            end: period_end.to_string(),
                        });
                    }
                    let (value, value_date) = d.value.ok_or_else(|| need("value"))?;
                    b.budgets.push(IatiBudget {
                        revised: d.revised,
                        status: d.status,
                        period_start,
                        period_end,
                        value,
                        value_date,
                    });
                }
            }
            (Tag::Transaction, _) => {
                if let Some(d) = b.transaction.take() {
                    let need =
                        |what: &str| Error::invalid(what, format!("a transaction needs a {what}"));
                    let kind = d.kind.ok_or_else(|| need("transaction-type"))?;
                    let date = d.date.ok_or_else(|| need("transaction-date"))?;
                    let (value, value_date) = d.value.ok_or_else(|| need("value"))?;
                    b.transactions.push(IatiTransaction {
                        kind,
                        date,
                        value,
                        value_date,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Completes the activity whose end tag was just read.
    fn finish(&mut self) -> Item {
        let b = self.activity.take().unwrap_or_default();
        let at = format!("iati-activity[{}]", b.position);
        let mut error = b.error;
        match &b.identifier {
            Some(id) => {
                if !self.seen.insert(id.clone()) {
                    error.get_or_insert(Error::DuplicateId {
                        path: format!("{at}/iati-identifier"),
                        id: id.clone(),
                    });
                }
            }
            None => {
                error.get_or_insert(missing_error(&at, "iati-identifier"));
            }
        }
        let d = &b.dates;
        // Actual wins over planned; the slot locates the date's element for the path.
        let pick = |actual: Option<NaiveDate>, planned: Option<NaiveDate>, slot: usize| match actual
        {
            Some(date) => Some((date, slot + 1)),
            None => planned.map(|date| (date, slot)),
        };
        let start = pick(d.actual_start, d.planned_start, 0);
        let end = pick(d.actual_end, d.planned_end, 2);
        if let (Some((start, _)), Some((end, slot))) = (start, end) {
            if end < start {
                let n = b.date_at.get(slot).copied().unwrap_or_default();
                error.get_or_insert(Error::EndBeforeStart {
                    path: format!("{at}/activity-date[{n}]/@iso-date"),
                    start: start.to_string(),
                    end: end.to_string(),
                });
            }
        }
        match (error, b.identifier) {
            (None, Some(identifier)) => Ok(IatiActivity {
                position: b.position,
                identifier,
                title: b.title,
                default_currency: b.default_currency,
                dates: b.dates,
                budgets: b.budgets,
                transactions: b.transactions,
                donors: b.donors,
                gender_marker: b.gender_marker,
            }),
            (error, identifier) => Err(IatiError {
                activity: Some(b.position),
                identifier,
                error: error.unwrap_or_else(|| missing_error(&at, "iati-identifier")),
            }),
        }
    }

    /// What a problem that stops the reading becomes: the open activity's error, or the
    /// file's.
    fn stop(&mut self, error: Error) -> IatiError {
        self.done = true;
        match self.activity.take() {
            Some(b) => IatiError {
                activity: Some(b.position),
                identifier: b.identifier,
                error,
            },
            None => IatiError {
                activity: None,
                identifier: None,
                error,
            },
        }
    }
}

/// The activities of an IATI file, read one at a time in bounded memory (one activity,
/// one token of at most [`MAX_TOKEN_BYTES`], and the identifiers seen, which duplicates
/// are checked against): each item is an activity, or the error that kept it from being
/// read (with its identifier when known). An error outside any activity
/// (`activity: None`) is the last item.
///
/// ```
/// use tcrules::io::iati::Activities;
/// let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
/// <iati-activities version="2.03">
///   <iati-activity><iati-identifier>A-1</iati-identifier></iati-activity>
///   <iati-activity default-currency="XYZ"><iati-identifier>A-2</iati-identifier></iati-activity>
/// </iati-activities>"#;
/// let mut activities = Activities::new(xml.as_bytes());
/// assert_eq!(activities.next().unwrap().unwrap().identifier, "A-1");
/// let e = activities.next().unwrap().unwrap_err();
/// assert_eq!(e.identifier.as_deref(), Some("A-2"));
/// assert_eq!((e.error.code(), e.error.path()), ("unknown_currency", "iati-activity[2]/@default-currency"));
/// assert!(activities.next().is_none());
/// assert_eq!(activities.version(), Some("2.03"));
/// ```
pub struct Activities<R> {
    reader: Reader<Capped<R>>,
    buf: Vec<u8>,
    state: State,
}

impl<R: BufRead> Activities<R> {
    /// Starts reading an IATI activity file.
    pub fn new(input: R) -> Self {
        let mut reader = Reader::from_reader(Capped {
            inner: input,
            used: 0,
        });
        reader.config_mut().expand_empty_elements = true;
        Activities {
            reader,
            buf: Vec::new(),
            state: State::default(),
        }
    }

    /// The file's IATI version (`@version` of `iati-activities`), once read (see the
    /// example of [`Activities`]).
    pub fn version(&self) -> Option<&str> {
        self.state.version.as_deref()
    }
}

impl<R: BufRead> Iterator for Activities<R> {
    type Item = std::result::Result<IatiActivity, IatiError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.state.done {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            let capped = std::mem::take(&mut self.reader.get_mut().used) >= MAX_TOKEN_BYTES;
            let step = match event {
                Ok(event) => self.state.event(event),
                Err(_) if capped => Err(Error::TooLarge {
                    path: self.state.path(),
                    message: format!("a tag, text or comment longer than {MAX_TOKEN_BYTES} bytes"),
                }),
                Err(quick_xml::Error::Io(e)) => Err(Error::Io {
                    path: self.state.path(),
                    message: e.to_string(),
                }),
                Err(e) => Err(self
                    .state
                    .xml_error(format!("{e} (at byte {})", self.reader.error_position()))),
            };
            match step {
                Ok(Some(item)) => return Some(item),
                Ok(None) => {}
                Err(error) => return Some(Err(self.state.stop(error))),
            }
        }
        None
    }
}

// --- the rules on published activities ----------------------------------------------------

/// What the rules say of one published activity; or, for an activity that could not be
/// read, its identifier (when known) and the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IatiRow {
    /// Where the activity is in the file: `iati-activity[3]`.
    pub activity: String,
    /// `iati-identifier`.
    pub identifier: Option<String>,
    /// The first title narrative.
    pub title: Option<String>,
    /// Start (actual, else planned).
    pub start: Option<NaiveDate>,
    /// End (actual, else planned).
    pub end: Option<NaiveDate>,
    /// Duration, both days included.
    pub duration: Option<Duration>,
    /// Duration band of R6 §143.
    pub duration_class: Option<DurationClass>,
    /// The evaluations and reviews R6 §143 requires, with their due dates (IATI files
    /// carry no evaluation plan, so no mid-term review of a long activity is scheduled).
    pub evaluations: Vec<Due>,
    /// Total of the effective budgets in US dollars, exact.
    pub budget_usd: Option<Decimal>,
    /// The budget is over the policy's threshold: an independent evaluation is required.
    pub independent_evaluation: Option<bool>,
    /// Delivery by calendar year (`group` is the year).
    pub delivery: Vec<GroupDelivery>,
    /// Names of the funding organisations.
    pub donors: Vec<String>,
    /// Gender equality marker: 0 not targeted, 1 significant, 2 principal.
    pub gender_marker: Option<u8>,
    /// IATI-GEN-MARKER, IATI-BUDGET-PERIOD and the DLV findings of each year.
    pub findings: Vec<Finding>,
    /// XPath-style paths of what the rules needed and the file does not publish.
    pub missing: Vec<String>,
    /// Why the activity, or part of it, could not be read or evaluated.
    pub error: Option<ErrorInfo>,
}

/// Every activity of an IATI file with the rules applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IatiReport {
    /// The file's IATI version (`@version` of `iati-activities`).
    pub version: Option<String>,
    /// One row per `iati-activity`, in file order.
    pub activities: Vec<IatiRow>,
    /// A problem outside any activity, after which the file was not read further.
    pub errors: Vec<ErrorInfo>,
    pub policy: Arc<PolicyStamp>,
}

impl IatiRow {
    /// Applies the rules to one activity: EVAL requirements from its dates and budget,
    /// delivery by year, the gender marker and the budget periods. A missing rate or an
    /// amount too large leaves the columns it touches empty and is the row's `error`.
    ///
    /// ```
    /// use tcrules::{io::iati::{Activities, IatiRow}, money::Rates, Policy};
    /// let xml = r#"<iati-activities><iati-activity default-currency="EUR">
    ///   <iati-identifier>XM-DAC-41302-2</iati-identifier>
    ///   <activity-date type="1" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
    ///   <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>291666.67</value></budget>
    ///   <policy-marker vocabulary="1" code="1" significance="1"/>
    /// </iati-activity></iati-activities>"#;
    /// let activity = Activities::new(xml.as_bytes()).next().unwrap().unwrap();
    /// let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
    /// let row = IatiRow::of(&activity, &rates, &Policy::default());
    /// assert_eq!(row.duration_class.unwrap().as_str(), "medium");
    /// assert_eq!(row.independent_evaluation, Some(true)); // EUR 291,666.67 × 1.2 = US$350,000.004
    /// assert_eq!(row.gender_marker, Some(1));
    /// ```
    pub fn of(activity: &IatiActivity, rates: &Rates, policy: &Policy) -> IatiRow {
        let at = activity.path();
        let mut row = IatiRow {
            activity: at.clone(),
            identifier: Some(activity.identifier.clone()),
            title: activity.title.clone(),
            start: activity.start(),
            end: activity.end(),
            duration: None,
            duration_class: None,
            evaluations: Vec::new(),
            budget_usd: None,
            independent_evaluation: None,
            delivery: Vec::new(),
            donors: activity.donors.iter().map(|d| d.name.clone()).collect(),
            gender_marker: activity.gender_marker,
            findings: Vec::new(),
            missing: Vec::new(),
            error: None,
        };
        let subject = format!("activity {}", activity.identifier);
        let mut problems = Vec::new();

        let budget = activity
            .allocations_usd(rates)
            .and_then(|a| activity.budget_usd(&a));
        let budget = budget.unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        row.budget_usd = budget;
        match (row.start, row.end) {
            (Some(start), Some(end)) => {
                match evaluation::classify(start, end, budget.unwrap_or_default(), policy) {
                    Ok(req) => {
                        row.duration = Some(req.duration);
                        row.duration_class = Some(req.class);
                        row.evaluations = req.schedule(false);
                        row.independent_evaluation = budget.map(|_| req.independent_evaluation);
                    }
                    Err(e) => problems.push(e.in_element(&at)),
                }
            }
            (start, end) => {
                for (value, what) in [(start, MISSING_START), (end, MISSING_END)] {
                    if value.is_none() {
                        row.missing.push(format!("{at}/{what}"));
                    }
                }
            }
        }
        if activity.budgets.is_empty() {
            row.missing.push(format!("{at}/{MISSING_BUDGET}"));
        }

        row.findings
            .push(gender_marker(activity, policy).subject(subject.clone()));
        row.findings.extend(
            budget_periods(activity, policy)
                .into_iter()
                .map(|f| f.subject(subject.clone())),
        );
        match delivery_by_year(activity, rates, policy) {
            Ok((years, findings)) => {
                if years.is_empty() {
                    row.missing.push(format!("{at}/{MISSING_SPENDING}"));
                }
                row.delivery = years;
                row.findings.extend(findings);
            }
            Err(e) => problems.push(e),
        }
        row.error = problems.first().map(Error::info);
        row
    }

    fn failed(error: &IatiError) -> IatiRow {
        IatiRow {
            activity: format!("iati-activity[{}]", error.activity.unwrap_or_default()),
            identifier: error.identifier.clone(),
            title: None,
            start: None,
            end: None,
            duration: None,
            duration_class: None,
            evaluations: Vec::new(),
            budget_usd: None,
            independent_evaluation: None,
            delivery: Vec::new(),
            donors: Vec::new(),
            gender_marker: None,
            findings: Vec::new(),
            missing: Vec::new(),
            error: Some(error.error.info()),
        }
    }
}

/// IATI-GEN-MARKER: the OECD DAC gender equality marker, as published.
fn gender_marker(a: &IatiActivity, policy: &Policy) -> Finding {
    let rule = RuleId::IatiGenMarker;
    match a.gender_marker {
        None => Finding::new(
            policy,
            rule,
            Status::Warning,
            "no gender equality policy marker is published: gender mainstreaming cannot be checked",
        )
        .missing(format!("{}/policy-marker[@code='1']", a.path()))
        .help("publish the OECD DAC gender equality marker (policy-marker code 1) with its significance 0, 1 or 2"),
        Some(0) => Finding::new(
            policy,
            rule,
            Status::Warning,
            "gender equality marker 0: gender equality is not targeted",
        )
        .fact("marker", 0u32)
        .help("make gender equality an explicit objective with a gender-specific indicator, or record why it is not targeted"),
        Some(m) => Finding::new(
            policy,
            rule,
            Status::Pass,
            format!(
                "gender equality marker {m}: gender equality is {} objective",
                if m == 1 { "a significant" } else { "the principal" }
            ),
        )
        .fact("marker", u32::from(m)),
    }
}

/// IATI-BUDGET-PERIOD: each budget covers at most one year.
fn budget_periods(a: &IatiActivity, policy: &Policy) -> Vec<Finding> {
    let rule = RuleId::IatiBudgetPeriod;
    if a.budgets.is_empty() {
        return vec![Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "no budget is published",
        )
        .missing(format!("{}/budget", a.path()))];
    }
    let long: Vec<Finding> = a
        .budgets
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let d = Duration::between(b.period_start, b.period_end).ok()?;
            d.exceeds_months(12).then(|| {
                Finding::new(
                    policy,
                    rule,
                    Status::Fail,
                    format!(
                        "budget[{}] covers {d} ({} to {}): a budget period is at most one year",
                        i + 1,
                        b.period_start,
                        b.period_end
                    ),
                )
                .fact("budget", format!("{}/budget[{}]", a.path(), i + 1))
                .fact("period_start", b.period_start)
                .fact("period_end", b.period_end)
                .fact("duration_months", d.months)
                .fact("duration_days", d.days)
                .help("publish one budget per year, or per quarter, of the activity")
            })
        })
        .collect();
    if long.is_empty() {
        vec![Finding::new(
            policy,
            rule,
            Status::Pass,
            format!(
                "every budget period is at most one year ({} budgets)",
                a.budgets.len()
            ),
        )
        .fact("budgets", a.budgets.len())]
    } else {
        long
    }
}

/// Delivery of each calendar year up to the latest disbursement or expenditure, with the
/// DLV findings of each.
fn delivery_by_year(
    a: &IatiActivity,
    rates: &Rates,
    policy: &Policy,
) -> Result<(Vec<GroupDelivery>, Vec<Finding>)> {
    let spending = a.spending_usd(rates)?;
    let Some(last) = spending.iter().map(|s| s.date.year()).max() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut years: BTreeMap<i32, (Totals, usize)> = BTreeMap::new();
    let allocations = a.allocations_usd(rates)?;
    let amounts = allocations
        .iter()
        .map(|x| (x, "budget", true))
        .chain(spending.iter().map(|x| (x, "transaction", false)));
    for (x, element, allocated) in amounts {
        if x.date.year() > last {
            continue;
        }
        let (totals, n) = years.entry(x.date.year()).or_default();
        let (allocation, expenditure) = if allocated {
            (x.usd, Decimal::ZERO)
        } else {
            (Decimal::ZERO, x.usd)
        };
        totals.add(
            allocation,
            expenditure,
            &format!("{}/{element}[{}]/value", a.path(), x.index),
        )?;
        *n += 1;
    }
    let mut findings = Vec::new();
    let groups: Vec<GroupDelivery> = years
        .into_iter()
        .map(|(year, (totals, records))| {
            let g = GroupDelivery {
                group: year.to_string(),
                rate_percent: totals.rate_percent(),
                totals,
                records,
            };
            let subject = format!("activity {}, {year}", a.identifier);
            findings.extend(
                delivery::assess(&g, GroupBy::Project, policy)
                    .into_iter()
                    .map(|f| f.subject(subject.clone())),
            );
            g
        })
        .collect();
    Ok((groups, findings))
}

/// Reads an IATI activity file and applies the rules to every activity: one row per
/// `iati-activity`, in file order, each with its findings or its error. A problem outside
/// any activity ends the reading and is in the report's `errors`.
///
/// ```
/// use tcrules::{io::iati, money::Rates, Policy};
/// let xml = r#"<iati-activities version="1.05">
///   <iati-activity default-currency="USD">
///     <iati-identifier>XM-DAC-41302-3</iati-identifier>
///     <activity-date type="start-actual" iso-date="2006-01-01"/>
///     <activity-date type="end-planned" iso-date="2009-04-30"/>
///     <budget><period-start iso-date="2006-01-01"/><period-end iso-date="2006-12-31"/><value>800000</value></budget>
///     <transaction><transaction-type code="E"/><transaction-date iso-date="2006-06-30"/><value>440000</value></transaction>
///   </iati-activity>
///   <iati-activity default-currency="USD"><iati-identifier>XM-DAC-41302-4</iati-identifier>
///     <budget><period-start iso-date="2006-01-01"/><period-end iso-date="2006-12-31"/><value>1.2.3</value></budget>
///   </iati-activity>
/// </iati-activities>"#;
/// let report = iati::read(xml.as_bytes(), &Rates::usd_only(), &Policy::default());
/// let [ok, bad] = &report.activities[..] else { panic!() };
/// assert_eq!(ok.duration_class.unwrap().as_str(), "long");
/// assert_eq!(ok.delivery[0].rate_percent.unwrap().to_string(), "55");
/// let e = bad.error.as_ref().unwrap();
/// assert_eq!((e.code.as_str(), e.path.as_str()), ("invalid_value", "iati-activity[2]/budget[1]/value"));
/// ```
pub fn read<R: BufRead>(input: R, rates: &Rates, policy: &Policy) -> IatiReport {
    let mut activities = Activities::new(input);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for item in activities.by_ref() {
        match item {
            Ok(activity) => rows.push(IatiRow::of(&activity, rates, policy)),
            Err(e) if e.activity.is_some() => rows.push(IatiRow::failed(&e)),
            Err(e) => errors.push(e.error.info()),
        }
    }
    IatiReport {
        version: activities.version().map(str::to_owned),
        activities: rows,
        errors,
        policy: policy.stamp_arc(),
    }
}
