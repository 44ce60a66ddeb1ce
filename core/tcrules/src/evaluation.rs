//! Evaluation requirements (EVAL): which evaluations a project needs, when they fall due,
//! and whether its evaluation plan provides them (R6 §143, §150, §67, §141).
//!
//! R6 §143: "Projects of under 18 months' duration received a final evaluation on
//! completion; projects of between 18 and 30 months were subjected to a mid-term
//! evaluation and final evaluation on completion; projects of over 30 months' duration had
//! annual reviews, a mid-term review if agreed in the initial project evaluation plan and a
//! final evaluation on completion. All technical cooperation programmes or projects with a
//! budget of over US$350,000 have been subjected to an independent evaluation at least once
//! during the programme or project cycle."

use chrono::{Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::finding::{Finding, Sink};
use crate::model::{EvaluationKind, EvaluationPlan, PlannedEvaluation, Project};
use crate::money::{self, Rates};
use crate::period::{anniversaries, anniversary_count, midpoint, Duration};
use crate::policy::Policy;
use crate::rule::{RuleId, Status};

/// Which duration band of R6 §143 a project falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum DurationClass {
    /// Under the policy's first threshold (18 months): final evaluation only.
    Short,
    /// From 18 months up to and including 30 months 0 days: mid-term and final.
    Medium,
    /// Over 30 months: annual reviews, mid-term review if agreed, final.
    Long,
}

impl DurationClass {
    /// Every class, shortest first.
    ///
    /// ```
    /// use tcrules::evaluation::DurationClass;
    /// let names: Vec<&str> = DurationClass::ALL.iter().map(|c| c.as_str()).collect();
    /// assert_eq!(names, ["short", "medium", "long"]);
    /// ```
    pub const ALL: [DurationClass; 3] = [
        DurationClass::Short,
        DurationClass::Medium,
        DurationClass::Long,
    ];

    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        self.into()
    }
}

/// What R6 §143 requires of one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Requirements {
    /// Start date.
    pub start: NaiveDate,
    /// End date.
    pub end: NaiveDate,
    /// Duration, both days included.
    pub duration: Duration,
    /// Duration band.
    pub class: DurationClass,
    /// Total budget in US-dollar equivalent, exact.
    pub budget_usd: Decimal,
    /// A mid-term evaluation is required (medium projects).
    pub mid_term_evaluation: bool,
    /// Number of annual reviews required (long projects): anniversaries before the end.
    pub annual_reviews: u32,
    /// A mid-term review is required if the plan agrees one (long projects).
    pub mid_term_review_if_agreed: bool,
    /// At least one independent evaluation is required (budget over the threshold).
    pub independent_evaluation: bool,
}

/// One evaluation or review that falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Due {
    /// What is due.
    pub kind: EvaluationKind,
    /// When: anniversaries for annual reviews, the midpoint for mid-term, the end date
    /// for the final evaluation.
    pub date: NaiveDate,
}

/// Classifies a project from its dates and US-dollar budget: the fast path that batch
/// callers use on columns.
///
/// ```
/// use tcrules::{evaluation, Policy};
/// use tcrules::evaluation::DurationClass;
/// let d = |s: &str| s.parse().unwrap();
/// let r = evaluation::classify(d("2024-01-01"), d("2025-06-30"), "350000.01".parse().unwrap(), &Policy::default()).unwrap();
/// assert_eq!(r.class, DurationClass::Medium);
/// assert!(r.mid_term_evaluation && r.independent_evaluation);
/// ```
pub fn classify(
    start: NaiveDate,
    end: NaiveDate,
    budget_usd: Decimal,
    policy: &Policy,
) -> Result<Requirements> {
    let e = &policy.spec().evaluation;
    let duration = Duration::between(start, end)?;
    let class = if duration.months < e.final_only_below_months {
        DurationClass::Short
    } else if duration.exceeds_months(e.mid_term_up_to_months) {
        DurationClass::Long
    } else {
        DurationClass::Medium
    };
    let annual_reviews = if class == DurationClass::Long {
        anniversary_count(start, end)
    } else {
        0
    };
    Ok(Requirements {
        start,
        end,
        duration,
        class,
        budget_usd,
        mid_term_evaluation: class == DurationClass::Medium,
        annual_reviews,
        mid_term_review_if_agreed: class == DurationClass::Long,
        independent_evaluation: money::compare(budget_usd, e.independent_threshold_usd).is_gt(),
    })
}

/// What R6 §143 requires of a project, its budget converted with `rates`.
///
/// ```
/// use tcrules::{evaluation, Policy, Project, money::Rates};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T",
///     "start": "2024-01-01", "end": "2026-07-01",
///     "budget": {"amount": "291666.67", "currency": "EUR"}}"#).unwrap();
/// let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
/// let r = evaluation::requirements(&p, &Policy::default(), &rates).unwrap();
/// assert_eq!(r.duration.to_string(), "30 months 1 day");
/// assert_eq!(r.annual_reviews, 2);
/// assert!(r.independent_evaluation); // 350,000.004 USD after conversion
/// ```
pub fn requirements(project: &Project, policy: &Policy, rates: &Rates) -> Result<Requirements> {
    let budget = BudgetSources::of(project, policy, rates)?;
    classify(project.start, project.end, budget.total_usd(), policy)
}

/// The month a project's budget is converted to US dollars at: the one `policy` names.
pub fn budget_month(project: &Project, policy: &Policy) -> crate::period::YearMonth {
    let date = policy.spec().rates.budget_rate_date;
    date.month(project.start, project.end)
}

/// A project's budget for the independent-evaluation threshold, which R6 §143 sets on the
/// "total budget, all sources": the stated budget and, where the project lists funding
/// lines (XBTC, RBTC, RBSA, RB, ...), their sum. The threshold is compared with the larger,
/// never silently the smaller, and a stated budget that differs from the lines' sum is a
/// data-quality finding naming both figures ([`BudgetSources::discrepancy`]; RULES.md
/// EVAL-INDEPENDENT).
///
/// ```
/// use tcrules::{evaluation::BudgetSources, money::Rates, Project};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T",
///     "start": "2024-01-01", "end": "2025-06-30", "budget": {"amount": "300000", "currency": "USD"},
///     "funding": [{"source": "xbtc", "amount": {"amount": "300000", "currency": "USD"}},
///                 {"source": "rbtc", "amount": {"amount": "100000", "currency": "USD"}}]}"#).unwrap();
/// let b = BudgetSources::of(&p, &tcrules::Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(b.total_usd().to_string(), "400000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetSources {
    /// The stated budget in US dollars.
    pub stated_usd: Decimal,
    /// The funding lines' sum in US dollars; `None` when the project lists none.
    pub funding_usd: Option<Decimal>,
}

impl BudgetSources {
    /// The stated budget and the funding lines of `project`, converted with `rates` at
    /// the month `policy` names ([`crate::policy::RatesPolicy`]: by default the start's).
    pub fn of(project: &Project, policy: &Policy, rates: &Rates) -> Result<BudgetSources> {
        project.budget.non_negative("budget")?;
        let month = Some(budget_month(project, policy));
        let stated_usd = rates.to_usd_at(&project.budget, month, "budget.amount")?;
        let budget = &project.budget;
        let funding_usd = match project.funding.as_slice() {
            [] => None,
            // The usual project: lines in the budget's own currency, summed there and
            // converted once, or not at all when they add up to the budget.
            lines if lines.iter().all(|f| f.amount.currency == budget.currency) => {
                let mut sum = Decimal::ZERO;
                for (i, f) in lines.iter().enumerate() {
                    // The path is built only for an error.
                    (f.amount.non_negative("")).map_err(|e| e.at(&format!("funding[{i}]")))?;
                    sum = money::checked_add(sum, f.amount.amount, "funding")?;
                }
                Some(if sum == budget.amount {
                    stated_usd
                } else {
                    let lines = money::Money {
                        amount: sum,
                        currency: budget.currency,
                    };
                    rates.to_usd_at(&lines, month, "funding")?
                })
            }
            lines => {
                let lines = lines.iter().map(|f| &f.amount).enumerate();
                Some(crate::model::sum_usd(lines, rates, month, "funding")?)
            }
        };
        Ok(BudgetSources {
            stated_usd,
            funding_usd,
        })
    }

    /// What the threshold is compared with: the larger of the two.
    pub fn total_usd(&self) -> Decimal {
        self.funding_usd
            .map_or(self.stated_usd, |f| f.max(self.stated_usd))
    }

    /// The EVAL-INDEPENDENT warning when the stated budget and the funding lines' sum
    /// differ: both figures, and which one the rule used.
    pub fn discrepancy(&self, policy: &Policy) -> Option<Finding> {
        let mut out = Vec::new();
        self.emit_discrepancy(policy, &mut out);
        out.pop()
    }

    fn emit_discrepancy(&self, policy: &Policy, sink: &mut impl Sink) -> bool {
        let Some(funding) = self.funding_usd.filter(|f| *f != self.stated_usd) else {
            return false;
        };
        let (stated, lines, used) = (
            money::display_amount(self.stated_usd),
            money::display_amount(funding),
            money::display_amount(self.total_usd()),
        );
        sink.finding(
            policy,
            RuleId::EvalIndependent,
            Status::Warning,
            format_args!("the stated budget US${stated} differs from the funding lines' total US${lines} (all sources): the threshold is compared with the larger, US${used}"),
        );
        sink.fact("stated_budget_usd", self.stated_usd.into());
        sink.fact("funding_usd", funding.into());
        sink.help(format_args!(
            "make the stated budget and the funding lines agree"
        ));
        true
    }
}

impl Requirements {
    /// What falls due and when, in date order. The mid-term review of a long project is
    /// scheduled only when `mid_term_review_agreed`.
    pub fn schedule(&self, mid_term_review_agreed: bool) -> Vec<Due> {
        let mut due: Vec<Due> = Vec::new();
        if self.class == DurationClass::Long {
            due.extend(
                anniversaries(self.start, self.end)
                    .into_iter()
                    .map(|date| Due {
                        kind: EvaluationKind::AnnualReview,
                        date,
                    }),
            );
        }
        let mid = midpoint(self.start, self.end);
        if self.mid_term_evaluation {
            due.push(Due {
                kind: EvaluationKind::MidTerm,
                date: mid,
            });
        }
        if self.mid_term_review_if_agreed && mid_term_review_agreed {
            due.push(Due {
                kind: EvaluationKind::MidTermReview,
                date: mid,
            });
        }
        due.push(Due {
            kind: EvaluationKind::Final,
            date: self.end,
        });
        due.sort_by_key(|d| d.date);
        due
    }

    /// What is required, in words, written where it is used.
    fn summary(&self) -> Summary<'_> {
        Summary(self)
    }
}

/// [`Requirements`] in words ("mid-term evaluation and final evaluation").
struct Summary<'a>(&'a Requirements);

impl std::fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.class {
            DurationClass::Short => f.write_str("final evaluation on completion"),
            DurationClass::Medium => f.write_str("mid-term evaluation and final evaluation"),
            DurationClass::Long => {
                let n = self.0.annual_reviews;
                f.write_str(itoa::Buffer::new().format(n))?;
                f.write_str(if n == 1 {
                    " annual review"
                } else {
                    " annual reviews"
                })?;
                f.write_str(
                    ", a mid-term review if agreed in the evaluation plan, and a final evaluation",
                )
            }
        }
    }
}

/// The schedule of a project: what is due and when.
///
/// ```
/// use tcrules::{evaluation, Policy, Project, money::Rates};
/// use tcrules::model::EvaluationKind;
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T",
///     "start": "2024-01-01", "end": "2025-06-30",
///     "budget": {"amount": "100000", "currency": "USD"}}"#).unwrap();
/// let s = evaluation::schedule(&p, &Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(s.iter().map(|d| d.kind).collect::<Vec<_>>(), [EvaluationKind::MidTerm, EvaluationKind::Final]);
/// assert_eq!(s[1].date.to_string(), "2025-06-30");
/// ```
pub fn schedule(project: &Project, policy: &Policy, rates: &Rates) -> Result<Vec<Due>> {
    let req = requirements(project, policy, rates)?;
    let agreed = project
        .evaluation_plan
        .as_ref()
        .is_some_and(|p| p.mid_term_review_agreed);
    Ok(req.schedule(agreed))
}

/// All EVAL findings for a project: duration band, independent evaluation, evaluation
/// budget, constituents' participation, and plan conformance.
///
/// ```
/// use tcrules::{evaluation, Policy, Project, RuleId, Status, money::Rates};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T",
///     "start": "2024-01-01", "end": "2024-12-31",
///     "budget": {"amount": "400000", "currency": "USD"}}"#).unwrap();
/// let findings = evaluation::check(&p, &Policy::default(), &Rates::usd_only()).unwrap();
/// let independent = findings.iter().find(|f| f.rule == RuleId::EvalIndependent).unwrap();
/// assert_eq!(independent.status, Status::Fail); // required, and there is no plan
/// assert_eq!(independent.missing, ["evaluation_plan"]);
/// ```
pub fn check(project: &Project, policy: &Policy, rates: &Rates) -> Result<Vec<Finding>> {
    let budget = BudgetSources::of(project, policy, rates)?;
    let req = classify(project.start, project.end, budget.total_usd(), policy)?;
    let mut out = Vec::with_capacity(6);
    Checks::of_project(project, &budget, &req, policy, rates)?.emit(policy, &mut out);
    Ok(out)
}

/// Every EVAL finding of `project` into `sink`, each about `project {id}`, and its
/// requirements: what [`evaluate`] collects, handed over a part at a time so that a
/// columnar sink (tcrules-arrow's findings table) builds no [`Finding`]. On an error
/// nothing has been emitted.
///
/// ```
/// use tcrules::{evaluation, Finding, Policy, Project, money::Rates};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2025-06-30", "budget": {"amount": "1", "currency": "USD"}}"#).unwrap();
/// let mut out: Vec<Finding> = Vec::new();
/// evaluation::evaluate_into(&p, &Policy::default(), &Rates::usd_only(), &mut out).unwrap();
/// assert_eq!(out, evaluation::evaluate(&p, &Policy::default(), &Rates::usd_only()).findings);
/// ```
pub fn evaluate_into(
    project: &Project,
    policy: &Policy,
    rates: &Rates,
    sink: &mut impl Sink,
) -> Result<Requirements> {
    project.validate()?;
    let budget = BudgetSources::of(project, policy, rates)?;
    let req = classify(project.start, project.end, budget.total_usd(), policy)?;
    Checks::of_project(project, &budget, &req, policy, rates)?
        .about(&project.id)
        .emit(policy, sink);
    Ok(req)
}

/// The EVAL findings of project `id`, which has no evaluation plan and no funding lines,
/// from its requirements: what [`evaluate_into`] emits for such a project, for readers
/// that classify a table's rows from its columns.
///
/// ```
/// use tcrules::{evaluation, Finding, Policy, Project, money::Rates};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2027-06-30", "budget": {"amount": "400000", "currency": "USD"}}"#).unwrap();
/// let (policy, rates) = (Policy::default(), Rates::usd_only());
/// let req = evaluation::requirements(&p, &policy, &rates).unwrap();
/// let mut out: Vec<Finding> = Vec::new();
/// evaluation::unplanned_into(&req, "P1", &policy, &mut out);
/// assert_eq!(out, evaluation::evaluate(&p, &policy, &rates).findings);
/// ```
pub fn unplanned_into(req: &Requirements, id: &str, policy: &Policy, sink: &mut impl Sink) {
    Checks {
        req,
        plan: None,
        plan_path: "evaluation_plan",
        budgeted: None,
        budget: None,
        requirement_facts: true,
        subject: Some(id),
    }
    .emit(policy, sink);
}

/// The EVAL findings for given requirements and plan; `plan_path` names the plan's field
/// (`evaluation_plan`) in findings that report it missing. Appraisal reuses this for a
/// proposal's M&E plan.
///
/// ```
/// use tcrules::{evaluation, Policy, RuleId, Status, money::Rates};
/// let d = |s: &str| s.parse().unwrap();
/// let req = evaluation::classify(d("2024-01-01"), d("2026-07-01"), 0.into(), &Policy::default()).unwrap();
/// let f = evaluation::check_plan(&req, None, "me_plan", &Policy::default(), &Rates::usd_only()).unwrap();
/// let plan = f.iter().find(|f| f.rule == RuleId::EvalPlan).unwrap();
/// assert_eq!((plan.status, plan.missing.as_slice()), (Status::Fail, ["me_plan".to_owned()].as_slice()));
/// ```
pub fn check_plan(
    req: &Requirements,
    plan: Option<&EvaluationPlan>,
    plan_path: &str,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<Finding>> {
    let mut out = Vec::with_capacity(6);
    Checks::new(req, plan, plan_path, policy, rates)?.emit(policy, &mut out);
    Ok(out)
}

/// The findings of [`check_plan`] without the facts of EVAL-DURATION and
/// EVAL-INDEPENDENT, which an appraisal does not read.
pub(crate) fn plan_checks(
    req: &Requirements,
    plan: Option<&EvaluationPlan>,
    plan_path: &str,
    policy: &Policy,
    rates: &Rates,
) -> Result<Vec<Finding>> {
    let mut out = Vec::with_capacity(6);
    let mut checks = Checks::new(req, plan, plan_path, policy, rates)?;
    checks.requirement_facts = false;
    checks.emit(policy, &mut out);
    Ok(out)
}

/// The EVAL checks of one project or proposal, everything that can fail already done, so
/// that emitting them cannot fail half-way.
struct Checks<'a> {
    req: &'a Requirements,
    plan: Option<&'a EvaluationPlan>,
    plan_path: &'a str,
    /// The independent evaluations' budget in US dollars, when one is required and
    /// there is a plan.
    budgeted: Option<Decimal>,
    /// Where the stated budget and the funding lines differ, the EVAL-INDEPENDENT warning.
    budget: Option<&'a BudgetSources>,
    /// The facts of EVAL-DURATION and EVAL-INDEPENDENT.
    requirement_facts: bool,
    /// The project each finding is about.
    subject: Option<&'a str>,
}

impl<'a> Checks<'a> {
    fn new(
        req: &'a Requirements,
        plan: Option<&'a EvaluationPlan>,
        plan_path: &'a str,
        policy: &Policy,
        rates: &Rates,
    ) -> Result<Self> {
        let budgeted = match plan {
            Some(plan) if req.independent_evaluation => {
                Some(independent_budget(req, plan, plan_path, policy, rates)?)
            }
            _ => None,
        };
        Ok(Checks {
            req,
            plan,
            plan_path,
            budgeted,
            budget: None,
            requirement_facts: true,
            subject: None,
        })
    }

    /// The checks of a project: its plan, and its budget's sources.
    fn of_project(
        project: &'a Project,
        budget: &'a BudgetSources,
        req: &'a Requirements,
        policy: &Policy,
        rates: &Rates,
    ) -> Result<Self> {
        let plan = project.evaluation_plan.as_ref();
        let mut checks = Checks::new(req, plan, "evaluation_plan", policy, rates)?;
        checks.budget = Some(budget);
        Ok(checks)
    }

    fn about(mut self, project: &'a str) -> Self {
        self.subject = Some(project);
        self
    }

    /// Starts a finding, about the subject if there is one.
    fn start(
        &self,
        sink: &mut impl Sink,
        policy: &Policy,
        rule: RuleId,
        status: Status,
        message: std::fmt::Arguments<'_>,
    ) {
        sink.finding(policy, rule, status, message);
        if let Some(id) = self.subject {
            sink.subject("project", id);
        }
    }

    fn emit(&self, policy: &Policy, sink: &mut impl Sink) {
        let (req, plan, plan_path) = (self.req, self.plan, self.plan_path);
        let e = &policy.spec().evaluation;
        self.start(
            sink,
            policy,
            RuleId::EvalDuration,
            Status::Pass,
            format_args!("{} project: {} required", req.duration, req.summary()),
        );
        if self.requirement_facts {
            sink.fact("start", req.start.into());
            sink.fact("end", req.end.into());
            sink.fact("duration_months", req.duration.months.into());
            sink.fact("duration_days", req.duration.days.into());
            sink.fact("class", req.class.as_str().into());
            sink.fact("final_only_below_months", e.final_only_below_months.into());
            sink.fact("mid_term_up_to_months", e.mid_term_up_to_months.into());
        }

        let independent_planned =
            plan.is_some_and(|p| p.planned.iter().any(|pe| pe.independence.is_independent()));
        let independent = RuleId::EvalIndependent;
        match (req.independent_evaluation, plan) {
            (false, _) => self.start(
                sink,
                policy,
                independent,
                Status::NotApplicable,
                format_args!(
                    "budget is not over the threshold: no independent evaluation required"
                ),
            ),
            (true, None) => {
                self.start(
                    sink,
                    policy,
                    independent,
                    Status::Fail,
                    format_args!("budget is over the threshold: an independent evaluation is required, and there is no evaluation plan"),
                );
                sink.missing(format_args!("{plan_path}"));
                sink.help(format_args!(
                    "add an evaluation plan with an internal-independent or external evaluation"
                ));
            }
            (true, Some(_)) if independent_planned => self.start(
                sink,
                policy,
                independent,
                Status::Pass,
                format_args!(
                    "budget is over the threshold and the plan includes an independent evaluation"
                ),
            ),
            (true, Some(_)) => {
                self.start(
                    sink,
                    policy,
                    independent,
                    Status::Fail,
                    format_args!(
                        "budget is over the threshold but no planned evaluation is independent"
                    ),
                );
                sink.help(format_args!(
                    "make at least one planned evaluation internal-independent or external"
                ));
            }
        }
        if self.requirement_facts {
            sink.fact("budget_usd", req.budget_usd.into());
            sink.fact("threshold_usd", e.independent_threshold_usd.into());
        }
        if let Some(budget) = self.budget {
            if budget.emit_discrepancy(policy, sink) {
                if let Some(id) = self.subject {
                    sink.subject("project", id);
                }
            }
        }

        self.evaluation_budget(policy, sink);
        self.constituents(policy, sink);
        self.plan_conformance(policy, sink);
    }

    fn evaluation_budget(&self, policy: &Policy, sink: &mut impl Sink) {
        let rule = RuleId::EvalBudget;
        if !self.req.independent_evaluation {
            self.start(
                sink,
                policy,
                rule,
                Status::NotApplicable,
                format_args!("no independent evaluation required"),
            );
            return;
        }
        let Some(budgeted) = self.budgeted else {
            self.start(
                sink,
                policy,
                rule,
                Status::Fail,
                format_args!("an independent evaluation is required but there is no evaluation plan with a budget line for it"),
            );
            sink.missing(format_args!("{}", self.plan_path));
            return;
        };
        if budgeted > Decimal::ZERO {
            self.start(
                sink,
                policy,
                rule,
                Status::Pass,
                format_args!("the budget carries resources for the independent evaluation"),
            );
        } else {
            self.start(
                sink,
                policy,
                rule,
                Status::Fail,
                format_args!(
                    "an independent evaluation is required but no budget is set aside for it"
                ),
            );
            sink.help(format_args!(
                "give the planned independent evaluation a non-zero budget line"
            ));
        }
        sink.fact("evaluation_budget_usd", budgeted.into());
    }

    fn constituents(&self, policy: &Policy, sink: &mut impl Sink) {
        let (rule, plan_path) = (RuleId::EvalConstituents, self.plan_path);
        match self.plan {
            None => {
                self.start(
                    sink,
                    policy,
                    rule,
                    Status::Warning,
                    format_args!("no evaluation plan: constituents' participation in evaluation is not stated"),
                );
                sink.missing(format_args!("{plan_path}"));
            }
            Some(p) => match p.constituent_participation.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => self.start(
                    sink,
                    policy,
                    rule,
                    Status::Pass,
                    format_args!(
                        "the evaluation plan names the participation of national constituents"
                    ),
                ),
                _ => {
                    self.start(
                        sink,
                        policy,
                        rule,
                        Status::Warning,
                        format_args!("the evaluation plan does not name the participation of national constituents"),
                    );
                    sink.missing(format_args!("{plan_path}.constituent_participation"));
                    sink.help(format_args!(
                        "say how government, employers and workers take part in evaluation"
                    ));
                }
            },
        }
    }

    /// EVAL-PLAN: each requirement is met by a planned evaluation of its kind dated inside
    /// its window ([`window`]); each planned evaluation meets one requirement at most. A
    /// missing evaluation, or one dated outside its window, fails; an undated one is a
    /// warning, never a silent pass.
    fn plan_conformance(&self, policy: &Policy, sink: &mut impl Sink) {
        let (req, rule) = (self.req, RuleId::EvalPlan);
        let Some(plan) = self.plan else {
            self.start(
                sink,
                policy,
                rule,
                Status::Fail,
                format_args!("no evaluation plan: {} required", req.summary()),
            );
            sink.missing(format_args!("{}", self.plan_path));
            sink.help(format_args!("add an evaluation plan"));
            return;
        };
        let e = &policy.spec().evaluation;
        let mut used = vec![false; plan.planned.len()];
        let mut year_start = req.start;
        let mut any = false;
        for due in req.schedule(plan.mid_term_review_agreed) {
            let (from, to) = window(req, &due, year_start, e);
            if due.kind == EvaluationKind::AnnualReview {
                year_start = due.date.succ_opt().unwrap_or(due.date);
            }
            let found = claim(&plan.planned, &mut used, due.kind, from, to);
            let label = due.kind.label();
            let (status, kind) = match found {
                Planned::InWindow => continue,
                Planned::Undated => (Status::Warning, "undated"),
                Planned::Outside(_) => (Status::Fail, "outside"),
                Planned::Missing => (Status::Fail, "missing"),
            };
            any = true;
            let date = due.date;
            match found {
                Planned::Undated => {
                    let message = format_args!(
                        "the plan's {label} has no date: it should fall from {from} to {to}"
                    );
                    self.start(sink, policy, rule, status, message);
                    sink.help(format_args!("date the {label}: from {from} to {to}"));
                }
                Planned::Outside(planned) => {
                    self.start(sink, policy, rule, status, format_args!(
                        "the plan's {label} ({planned}) falls outside {from} to {to}, where the {label} due {date} belongs"
                    ));
                    sink.fact("planned", planned.into());
                    sink.help(format_args!("plan the {label} from {from} to {to}"));
                }
                _ => {
                    let message = format_args!("the plan lacks the {label} due {date}");
                    self.start(sink, policy, rule, status, message);
                    sink.help(format_args!("add the {label} due {date} to the plan"));
                }
            }
            sink.fact("due", date.into());
            sink.fact("window_from", from.into());
            sink.fact("window_to", to.into());
            sink.fact(kind, due.kind.as_str().into());
        }
        if !any {
            self.start(
                sink,
                policy,
                rule,
                Status::Pass,
                format_args!(
                    "the plan provides every required evaluation, each in its window: {}",
                    req.summary()
                ),
            );
            sink.fact("planned", plan.planned.len().into());
        }
    }
}

/// The budget lines of the plan's independent evaluations, in US dollars at the month
/// the policy converts budgets at.
fn independent_budget(
    req: &Requirements,
    plan: &EvaluationPlan,
    plan_path: &str,
    policy: &Policy,
    rates: &Rates,
) -> Result<Decimal> {
    crate::model::sum_usd(
        plan.planned
            .iter()
            .enumerate()
            .filter(|(_, pe)| pe.independence.is_independent())
            .filter_map(|(i, pe)| pe.budget.as_ref().map(|b| (i, b))),
        rates,
        Some(
            policy
                .spec()
                .rates
                .budget_rate_date
                .month(req.start, req.end),
        ),
        "",
    )
    // The path is built only for an error.
    .map_err(|e| e.at(&format!("{plan_path}.planned")))
}

/// The dates in which a planned evaluation meets a requirement due on `due` (EVAL-PLAN).
/// R6 §143 names the evaluations, not their dates: the windows are policy data. An annual
/// review falls inside the project year that ends on its anniversary (`year_start` is the
/// day after the previous anniversary, or the start); a mid-term one inside the middle
/// part of the project; a final one near the end.
fn window(
    req: &Requirements,
    due: &Due,
    year_start: NaiveDate,
    e: &crate::policy::EvaluationPolicy,
) -> (NaiveDate, NaiveDate) {
    match due.kind {
        EvaluationKind::AnnualReview => (year_start, due.date),
        EvaluationKind::MidTerm | EvaluationKind::MidTermReview => {
            let days = Decimal::from((req.end - req.start).num_days());
            let at = |percent: Decimal, round: fn(Decimal) -> Decimal| {
                round(days * percent / Decimal::ONE_HUNDRED)
                    .to_i64()
                    .and_then(|n| req.start.checked_add_signed(chrono::TimeDelta::days(n)))
                    .unwrap_or(req.end)
            };
            (
                at(e.mid_term_from_percent, |d| d.floor()),
                at(e.mid_term_to_percent, |d| d.ceil()),
            )
        }
        // An ex-post evaluation is never required, so never scheduled.
        EvaluationKind::Final | EvaluationKind::ExPost => (
            req.end
                .checked_sub_months(Months::new(e.final_months_before_end))
                .unwrap_or(NaiveDate::MIN),
            req.end
                .checked_add_months(Months::new(e.final_months_after_end))
                .unwrap_or(NaiveDate::MAX),
        ),
    }
}

/// What the plan holds for one requirement.
enum Planned {
    /// A planned evaluation of its kind dated inside its window.
    InWindow,
    /// One of its kind with no date: whether it fits cannot be told.
    Undated,
    /// Only ones of its kind dated outside the window (the first of them).
    Outside(NaiveDate),
    /// None of its kind.
    Missing,
}

/// Takes the first unused planned evaluation of `kind` dated from `from` to `to`, else the
/// first undated one, and marks it used; else says whether any is dated outside.
fn claim(
    planned: &[PlannedEvaluation],
    used: &mut [bool],
    kind: EvaluationKind,
    from: NaiveDate,
    to: NaiveDate,
) -> Planned {
    let free = || {
        planned
            .iter()
            .zip(used.iter())
            .enumerate()
            .filter(move |(_, (p, taken))| p.kind == kind && !**taken)
            .map(|(i, (p, _))| (i, p.due))
    };
    let inside = free().find(|(_, d)| d.is_some_and(|d| from <= d && d <= to));
    let undated = free().find(|(_, d)| d.is_none());
    let outside = free().find_map(|(_, d)| d);
    let (slot, found) = match (inside, undated) {
        (Some((i, _)), _) => (Some(i), Planned::InWindow),
        (None, Some((i, _))) => (Some(i), Planned::Undated),
        (None, None) => (None, outside.map_or(Planned::Missing, Planned::Outside)),
    };
    if let Some(taken) = slot.and_then(|i| used.get_mut(i)) {
        *taken = true;
    }
    found
}

/// The EVAL results of one project in a batch: requirements, schedule and findings, or
/// the error that kept the project from being evaluated. Never dropped, never aborting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectEvaluation {
    /// The project's id.
    pub project: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Requirements>,
    #[serde(default)]
    pub schedule: Vec<Due>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Why the project could not be evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ErrorInfo>,
}

/// Evaluates one project, capturing any error in the result.
///
/// ```
/// use tcrules::{evaluation, Policy, Project, money::Rates};
/// let p: Project = serde_json::from_str(r#"{"id": "P1", "title": "T", "start": "2024-01-01",
///     "end": "2023-12-31", "budget": {"amount": "1", "currency": "USD"}}"#).unwrap();
/// let row = evaluation::evaluate(&p, &Policy::default(), &Rates::usd_only());
/// assert_eq!(row.error.unwrap().code, "end_before_start");
/// ```
pub fn evaluate(project: &Project, policy: &Policy, rates: &Rates) -> ProjectEvaluation {
    evaluate_at(project, policy, rates, None)
}

/// Evaluates the project at `index` in a list (errors then say `projects[index]`), or a
/// project on its own.
fn evaluate_at(
    project: &Project,
    policy: &Policy,
    rates: &Rates,
    index: Option<usize>,
) -> ProjectEvaluation {
    let mut findings = Vec::with_capacity(6);
    let result = evaluate_into(project, policy, rates, &mut findings);
    let mut row = ProjectEvaluation {
        project: project.id.clone(),
        requirements: None,
        schedule: Vec::new(),
        findings: Vec::new(),
        error: None,
    };
    match result {
        Ok(req) => {
            let agreed = project
                .evaluation_plan
                .as_ref()
                .is_some_and(|p| p.mid_term_review_agreed);
            row.schedule = req.schedule(agreed);
            row.requirements = Some(req);
            row.findings = findings;
        }
        Err(e) => {
            let e = match index {
                Some(i) => e.at(&format!("projects[{i}]")),
                None => e,
            };
            row.error = Some(e.info());
        }
    }
    row
}

/// Evaluates every project: one result per project, in input order; errors carry the
/// path `projects[i]...`.
///
/// ```
/// use tcrules::{evaluation, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2024-01-01", "end": "2024-06-30", "budget": {"amount": "1", "currency": "USD"}},
///   {"id": "B", "title": "B", "start": "2024-01-01", "end": "2024-06-30", "budget": {"amount": "1", "currency": "EUR"}}]}"#).unwrap();
/// let rows = evaluation::evaluate_all(&p.projects, &Policy::default(), &p.rates);
/// assert!(rows[0].error.is_none());
/// assert_eq!(rows[1].error.as_ref().unwrap().path, "projects[1].budget.amount");
/// ```
pub fn evaluate_all(
    projects: &[Project],
    policy: &Policy,
    rates: &Rates,
) -> Vec<ProjectEvaluation> {
    projects
        .iter()
        .enumerate()
        .map(|(i, p)| evaluate_at(p, policy, rates, Some(i)))
        .collect()
}

/// Evaluations falling due from `from` to `to` inclusive, across evaluated projects, in
/// date order: "what evaluations fall due next quarter?"
///
/// ```
/// use tcrules::{evaluation, Policy, Portfolio};
/// let p: Portfolio = serde_json::from_str(r#"{"projects": [
///   {"id": "A", "title": "A", "start": "2024-01-01", "end": "2025-06-30", "budget": {"amount": "1", "currency": "USD"}}]}"#).unwrap();
/// let rows = evaluation::evaluate_all(&p.projects, &Policy::default(), &p.rates);
/// let d = |s: &str| s.parse().unwrap();
/// let due = evaluation::due_between(&rows, d("2024-07-01"), d("2024-09-30"));
/// // The mid-term evaluation, at the midpoint 2024-09-30: the window's last day counts.
/// assert_eq!((due.len(), due[0].1.date), (1, d("2024-09-30")));
/// assert!(evaluation::due_between(&rows, d("2024-07-01"), d("2024-09-29")).is_empty());
/// ```
pub fn due_between(
    rows: &[ProjectEvaluation],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, Due)> {
    let mut out: Vec<(String, Due)> = rows
        .iter()
        .flat_map(|r| {
            r.schedule
                .iter()
                .filter(|d| d.date >= from && d.date <= to)
                .map(|d| (r.project.clone(), d.clone()))
        })
        .collect();
    out.sort_by(|a, b| a.1.date.cmp(&b.1.date).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn class(start: &str, end: &str) -> DurationClass {
        classify(d(start), d(end), Decimal::ZERO, &Policy::default())
            .unwrap()
            .class
    }

    #[test]
    fn check_gives_the_findings_of_an_evaluation() {
        let p: Project = serde_json::from_str(
            r#"{"id": "P1", "title": "T", "start": "2024-01-01", "end": "2026-12-31",
                "budget": {"amount": "400000", "currency": "USD"}}"#,
        )
        .unwrap();
        let (policy, rates) = (Policy::default(), Rates::usd_only());
        let checked = check(&p, &policy, &rates).unwrap();
        let evaluated = evaluate(&p, &policy, &rates).findings;
        let rules = |f: &[Finding]| f.iter().map(|f| (f.rule, f.status)).collect::<Vec<_>>();
        assert_eq!(rules(&checked), rules(&evaluated));
        assert_eq!(checked.len(), 5);
    }

    #[test]
    fn duration_band_edges() {
        assert_eq!(class("2024-03-01", "2025-08-30"), DurationClass::Short); // 17m 30d
        assert_eq!(class("2024-01-01", "2025-06-30"), DurationClass::Medium); // 18m 0d
        assert_eq!(class("2024-01-01", "2026-06-30"), DurationClass::Medium); // 30m 0d
        assert_eq!(class("2024-01-01", "2026-07-01"), DurationClass::Long); // 30m 1d
        assert_eq!(class("2020-02-29", "2022-08-28"), DurationClass::Medium); // 30m 0d
    }

    #[test]
    fn due_between_counts_both_ends_of_the_window() {
        let p: crate::Project = serde_json::from_value(serde_json::json!({"id": "A", "title": "A",
            "start": "2024-01-01", "end": "2025-06-30", "budget": {"amount": "1", "currency": "USD"}}))
        .unwrap();
        let rows = evaluate_all(&[p], &Policy::default(), &Rates::usd_only());
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let dates = |from, to| -> Vec<NaiveDate> {
            due_between(&rows, d(from), d(to))
                .into_iter()
                .map(|(_, due)| due.date)
                .collect()
        };
        // Mid-term at 2024-09-30, final at 2025-06-30.
        assert_eq!(dates("2024-09-30", "2024-09-30"), [d("2024-09-30")]);
        assert_eq!(dates("2024-10-01", "2025-06-29"), []);
        assert_eq!(dates("2025-06-30", "2025-06-30"), [d("2025-06-30")]);
        assert_eq!(dates("2024-01-01", "2025-12-31").len(), 2);
    }

    #[test]
    fn a_planned_evaluation_in_its_window_wins_over_an_undated_one_and_meets_one_requirement() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let pe = |due: Option<&str>| PlannedEvaluation {
            kind: EvaluationKind::AnnualReview,
            independence: crate::model::Independence::SelfEvaluation,
            due: due.map(d),
            budget: None,
        };
        let planned = [pe(None), pe(Some("2020-06-01")), pe(Some("2019-01-01"))];
        let mut used = [false; 3];
        let year = (d("2020-03-01"), d("2021-03-01"));
        let found =
            |used: &mut [bool]| claim(&planned, used, EvaluationKind::AnnualReview, year.0, year.1);
        assert!(matches!(found(&mut used), Planned::InWindow));
        assert_eq!(used, [false, true, false]);
        assert!(matches!(found(&mut used), Planned::Undated));
        assert!(matches!(found(&mut used), Planned::Outside(o) if o == d("2019-01-01")));
        assert_eq!(used, [true, true, false]);
        assert!(matches!(
            claim(&planned, &mut used, EvaluationKind::Final, year.0, year.1),
            Planned::Missing
        ));
    }

    #[test]
    fn every_class_is_listed_once_shortest_first() {
        let bands = [
            class("2024-03-01", "2025-08-30"),
            class("2024-01-01", "2025-06-30"),
            class("2024-01-01", "2026-07-01"),
        ];
        assert_eq!(DurationClass::ALL, bands);
        for c in DurationClass::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn budget_sources_sum_every_line_in_whatever_currency() {
        let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let sources = |budget: &str, lines: &[(&str, &str)]| {
            let money = |s: &str| {
                let (currency, amount) = s.split_once(' ').unwrap();
                serde_json::json!({"amount": amount, "currency": currency})
            };
            let funding: Vec<_> = lines
                .iter()
                .map(|(source, m)| serde_json::json!({"source": source, "amount": money(m)}))
                .collect();
            let p: Project = serde_json::from_value(serde_json::json!({"id": "P", "title": "P",
                "start": "2024-01-01", "end": "2024-12-31", "budget": money(budget), "funding": funding}))
            .unwrap();
            let b = BudgetSources::of(&p, &Policy::default(), &rates).unwrap();
            (
                b.stated_usd.to_string(),
                b.funding_usd.map(|f| f.to_string()),
                b.total_usd().to_string(),
            )
        };
        let s = |x: &str| x.to_owned();
        // Lines in the budget's currency that add up to it: the stated figure.
        assert_eq!(
            sources("EUR 100", &[("xbtc", "EUR 60"), ("rbtc", "EUR 40.00")]),
            (s("120.0"), Some(s("120.0")), s("120.0"))
        );
        // ... or not: the lines' sum converted, and the larger used.
        assert_eq!(
            sources("EUR 100", &[("xbtc", "EUR 60"), ("rbtc", "EUR 50")]),
            (s("120.0"), Some(s("132.0")), s("132.0"))
        );
        // One line: the stated budget itself at any scale, or a figure of its own, or the
        // same number in another currency (which is not the budget).
        assert_eq!(
            sources("EUR 100", &[("xbtc", "EUR 100.00")]),
            (s("120.0"), Some(s("120.0")), s("120.0"))
        );
        assert_eq!(
            sources("EUR 100", &[("xbtc", "EUR 150")]),
            (s("120.0"), Some(s("180.0")), s("180.0"))
        );
        assert_eq!(
            sources("EUR 100", &[("xbtc", "USD 100")]),
            (s("120.0"), Some(s("100")), s("120.0"))
        );
        // Lines in several currencies: each converted.
        assert_eq!(
            sources("EUR 100", &[("xbtc", "EUR 50"), ("rbtc", "USD 80")]),
            (s("120.0"), Some(s("140.0")), s("140.0"))
        );
        assert_eq!(sources("USD 10", &[]), (s("10"), None, s("10")));
        let p: Project = serde_json::from_value(serde_json::json!({"id": "P", "title": "P",
            "start": "2024-01-01", "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"},
            "funding": [{"source": "xbtc", "amount": {"amount": "-1", "currency": "USD"}}]}))
        .unwrap();
        let e = BudgetSources::of(&p, &Policy::default(), &rates).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("negative_amount", "funding[0].amount")
        );
    }

    #[test]
    fn independent_threshold_is_strict() {
        let p = Policy::default();
        let at = |b: &str| {
            classify(d("2024-01-01"), d("2024-12-31"), b.parse().unwrap(), &p)
                .unwrap()
                .independent_evaluation
        };
        assert!(!at("350000.00"));
        assert!(at("350000.01"));
        assert!(at("350000.004"));
    }

    /// The EVAL-DURATION message of a project from `start` to `end` under `policy`.
    fn duration_message(start: &str, end: &str, policy: &Policy) -> String {
        let r = classify(d(start), d(end), Decimal::ZERO, policy).unwrap();
        format!("{} project: {} required", r.duration, r.summary())
    }

    #[test]
    fn duration_messages_in_words() {
        let policy = Policy::default();
        assert_eq!(
            duration_message("2024-01-01", "2024-12-31", &policy),
            "12 months project: final evaluation on completion required"
        );
        assert_eq!(
            duration_message("2024-01-01", "2025-07-01", &policy),
            "18 months 1 day project: mid-term evaluation and final evaluation required"
        );
        assert_eq!(
            duration_message("2020-03-01", "2025-03-16", &policy),
            "60 months 16 days project: 5 annual reviews, a mid-term review if agreed in the \
             evaluation plan, and a final evaluation required"
        );
        // One annual review, where a policy makes a two-year project long.
        let mut spec = policy.spec().clone();
        spec.evaluation.final_only_below_months = 6;
        spec.evaluation.mid_term_up_to_months = 12;
        let short_long = Policy::from_spec(spec).unwrap();
        assert_eq!(
            duration_message("2024-01-01", "2025-06-30", &short_long),
            "18 months project: 1 annual review, a mid-term review if agreed in the evaluation \
             plan, and a final evaluation required"
        );
    }

    #[test]
    fn long_project_schedule() {
        let r = classify(
            d("2020-03-01"),
            d("2025-03-01"),
            Decimal::ZERO,
            &Policy::default(),
        )
        .unwrap();
        assert_eq!(r.annual_reviews, 4);
        let s = r.schedule(true);
        let kinds: Vec<_> = s.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                EvaluationKind::AnnualReview,
                EvaluationKind::AnnualReview,
                EvaluationKind::MidTermReview,
                EvaluationKind::AnnualReview,
                EvaluationKind::AnnualReview,
                EvaluationKind::Final
            ]
        );
        assert_eq!(r.schedule(false).len(), 5);
    }

    #[test]
    fn end_before_start_is_an_error() {
        let e = classify(
            d("2024-02-01"),
            d("2024-01-31"),
            Decimal::ZERO,
            &Policy::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "end_before_start");
    }
}
