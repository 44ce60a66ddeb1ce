//! What an IATI activity file says, as read: activities, their dates, budgets,
//! transactions, organisations and markers, and how an activity becomes a project.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Donor, DonorCategory, FinancialRecord, Project, Provenance, SourceOfFunds};
use crate::money::{checked_add, Currency, Money, Rates};
use crate::period::YearMonth;
use crate::rule::RuleId;

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
            /// use tcrules::iati::TransactionType;
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
    /// use tcrules::iati::TransactionType;
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
    /// The `@url` of each `document-link` of category A07, "Review of project performance
    /// and evaluation" (empty when the link gives none): the evaluations published.
    pub evaluation_documents: Vec<String>,
    /// What was published but could not be used, in file order.
    pub notes: Vec<IatiNote>,
}

/// Something an activity publishes that the reader could not use, while the rest of the
/// activity reads: an empty or unknown optional attribute, a funding organisation with no
/// name. The rules make it an `IATI-DATA` finding on the activity (DESIGN.md, Importing
/// IATI: a doubtful optional value is a finding, never a rejection of the activity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiNote {
    /// Where: `iati-activity[2]/policy-marker[1]/@significance`.
    pub path: String,
    /// What is wrong with it and how it was read.
    pub message: String,
    /// The rule that cannot judge the activity because of it; `None` when no rule reads it.
    pub affects: Option<RuleId>,
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
pub(super) struct Usd {
    pub(super) index: usize,
    pub(super) date: NaiveDate,
    pub(super) usd: Decimal,
}

impl IatiActivity {
    /// `iati-activity[n]`, the start of every path in this activity.
    ///
    /// ```
    /// use tcrules::iati::Activities;
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
    /// use tcrules::iati::Activities;
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

    pub(super) fn allocations_usd(&self, rates: &Rates) -> Result<Vec<Usd>> {
        self.effective_budgets()
            .into_iter()
            .map(|(index, b)| {
                let path = format!("{}/budget[{index}]/value", self.path());
                Ok(Usd {
                    index,
                    date: b.period_start,
                    // At the value's date (IATI's @value-date), else its period's start.
                    usd: rates.to_usd_at(
                        &b.value,
                        Some(crate::period::YearMonth::of(
                            b.value_date.unwrap_or(b.period_start),
                        )),
                        &path,
                    )?,
                })
            })
            .collect()
    }

    pub(super) fn spending_usd(&self, rates: &Rates) -> Result<Vec<Usd>> {
        self.transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind.is_delivery())
            .map(|(i, t)| {
                let path = format!("{}/transaction[{}]/value", self.path(), i + 1);
                Ok(Usd {
                    index: i + 1,
                    date: t.date,
                    // At the value's date (IATI's @value-date), else the transaction's.
                    usd: rates.to_usd_at(
                        &t.value,
                        Some(crate::period::YearMonth::of(t.value_date.unwrap_or(t.date))),
                        &path,
                    )?,
                })
            })
            .collect()
    }

    /// The total of the effective budgets in US dollars; `None` when none is published.
    pub(super) fn budget_usd(&self, allocations: &[Usd]) -> Result<Option<Decimal>> {
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
    /// date, an end date and a budget whose total is not negative. Funding organisations become donors, categorized
    /// by their `@type`: 40 (multilateral) other intergovernmental, 21–90 non-state
    /// actors, government multi-bilateral, none unknown.
    ///
    /// ```
    /// use tcrules::iati::Activities;
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
        if budget.is_sign_negative() && !budget.is_zero() {
            // IATI allows it (reversals exceeding the budgets); a project's budget does not.
            return Err(Error::Negative {
                path: format!("{at}/{MISSING_BUDGET}"),
                value: budget.to_string(),
            });
        }
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

pub(super) fn donor(org: &IatiOrg) -> Donor {
    // No @type says nothing of the category: left unknown rather than guessed.
    let category = org.org_type.as_deref().map(|t| match t {
        "10" | "11" | "15" => DonorCategory::MultiBilateral,
        "40" => DonorCategory::OtherIntergovernmental,
        _ => DonorCategory::NonStateActors,
    });
    Donor {
        name: org.name.clone(),
        category,
        locally_mobilized: false,
    }
}

pub(super) const MISSING_START: &str = "activity-date[@type='1' or @type='2']";
pub(super) const MISSING_END: &str = "activity-date[@type='3' or @type='4']";
pub(super) const MISSING_BUDGET: &str = "budget";
pub(super) const MISSING_SPENDING: &str =
    "transaction[transaction-type/@code='3' or transaction-type/@code='4']";

pub(super) fn missing_error(at: &str, what: &str) -> Error {
    Error::invalid(format!("{at}/{what}"), "not published")
}
