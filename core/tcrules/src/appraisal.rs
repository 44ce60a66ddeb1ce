//! Proposal appraisal (APR): whether an extra-budgetary proposal is ready for approval and
//! submission to donors (DC; R6 §63, §67–68, §116, §138–139, §143, §150, §305; Appendix I
//! (d), (e)).
//!
//! DC: "all extra-budgetary proposals are screened for quality control before their approval
//! and submission to donors ... meet minimum ILO quality standards; are designed according to
//! results-based management methodologies; and are based on clear needs as expressed in the
//! Programme and Budget and Decent Work Country Programmes."
//!
//! Each check yields one finding. A check whose input is missing (a section left out, a
//! required text blank, a required list empty) fails and names each missing field in
//! `missing`: missing input is never a pass (RULES.md §5).

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evaluation::{self, Due, Requirements};
use crate::finding::Finding;
use crate::model::{
    sum_usd, BudgetLine, BudgetPurpose, Constituent, ConstituentInvolvement, GovernanceKind,
    Proposal, Stages,
};
use crate::money::{group_thousands, Rates};
use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Severity, Status, Text};

/// The conclusion of an appraisal (RULES.md §5).
///
/// `ready` when no blocking or major check fails; `revise` when one fails on the facts
/// given; `not_appraisable` when one fails because required fields are missing.
///
/// ```
/// use tcrules::appraisal::Verdict;
/// assert_eq!(Verdict::NotAppraisable.as_str(), "not_appraisable");
/// assert_eq!(serde_json::to_string(&Verdict::Ready).unwrap(), "\"ready\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No blocking or major check fails: ready for approval and submission.
    Ready,
    /// A blocking or major check fails: revise the proposal.
    Revise,
    /// A blocking or major check could not be evaluated: required fields are missing.
    NotAppraisable,
}

impl Verdict {
    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Revise => "revise",
            Verdict::NotAppraisable => "not_appraisable",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The appraisal of one proposal: verdict, score, one finding per APR check in catalogue
/// order, and what the evaluation rules of R6 §143 require of it.
///
/// ```
/// use tcrules::appraisal::{appraise, Appraisal};
/// use tcrules::{money::Rates, Policy, Proposal};
/// let draft: Proposal = serde_json::from_str(r#"{"id": "PR-1", "title": "Draft"}"#).unwrap();
/// let a = appraise(&draft, &Policy::default(), &Rates::usd_only()).unwrap();
/// let json = serde_json::to_string(&a).unwrap();
/// assert!(json.contains(r#""verdict":"not_appraisable""#));
/// assert_eq!(serde_json::from_str::<Appraisal>(&json).unwrap(), a);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Appraisal {
    /// The proposal's id.
    pub proposal: String,
    /// Ready, revise, or not appraisable.
    pub verdict: Verdict,
    /// Share of the applicable checks' weight passed, 0 to 100, for dashboards.
    pub score: u32,
    /// One finding per APR check, in catalogue order.
    pub findings: Vec<Finding>,
    /// What R6 §143 requires, when start, end and budget are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Requirements>,
    /// The evaluations and reviews due, and when.
    #[serde(default)]
    pub schedule: Vec<Due>,
    /// The policy edition that produced it.
    pub policy: Arc<PolicyStamp>,
}

/// Appraises a proposal against the APR checks of RULES.md §5 (DC; R6 §68, §138–139, §143,
/// §150, §305; Appendix I (d), (e)).
///
/// Errors only for invalid data: a budget line in a currency `rates` does not know
/// (`budget[i].amount`), a negative amount, an end date before the start date (`end`), a
/// gender marker outside 0–2 (`gender.marker`). Missing data is not an error: it is a
/// finding that names the missing field.
///
/// ```
/// use tcrules::appraisal::{appraise, Verdict};
/// use tcrules::{money::Rates, Policy, Proposal, RuleId, Status};
/// let draft: Proposal = serde_json::from_str(r#"{"id": "PR-1", "title": "Draft"}"#).unwrap();
/// let a = appraise(&draft, &Policy::default(), &Rates::usd_only()).unwrap();
/// assert_eq!(a.verdict, Verdict::NotAppraisable);
/// let needs = a.findings.iter().find(|f| f.rule == RuleId::AprNeeds).unwrap();
/// assert_eq!(needs.status, Status::Fail);
/// assert_eq!(needs.missing, ["needs"]);
/// assert_eq!(needs.message, "not evaluated: field needs missing");
/// ```
pub fn appraise(proposal: &Proposal, policy: &Policy, rates: &Rates) -> Result<Appraisal> {
    let p = proposal;
    validate(p)?;
    // No budget lines at all is as missing as no budget (RULES.md §5).
    let budget = p.budget.as_deref().filter(|lines| !lines.is_empty());
    let total_usd = budget
        .map(|lines| budget_usd(lines, None, rates))
        .transpose()?;
    let requirements = match (p.start, p.end, total_usd) {
        (Some(start), Some(end), Some(usd)) => Some(evaluation::classify(start, end, usd, policy)?),
        _ => None,
    };
    let agreed = p
        .evaluation_plan
        .as_ref()
        .is_some_and(|plan| plan.mid_term_review_agreed);
    let schedule = requirements
        .as_ref()
        .map(|r| r.schedule(agreed))
        .unwrap_or_default();

    // Appendix I (d): "Specific programmes requiring autonomy excepted" — but only a
    // justified exemption lifts the tripartite checks.
    let exempt = p
        .autonomy_exemption
        .as_ref()
        .is_some_and(|e| filled(&e.justification));
    let tri = |rule, check: fn(&Proposal, &Policy) -> Finding| {
        if exempt {
            Finding::new(
                policy,
                rule,
                Status::NotApplicable,
                "not applicable: the programme is exempt from the tripartite checks because it requires autonomy (see APR-TRI-AUTONOMY)",
            )
        } else {
            check(p, policy)
        }
    };
    let consult = tri(RuleId::AprTriConsult, tri_consult);
    let tripartism_met = exempt || consult.status == Status::Pass;
    let findings = vec![
        needs(p, policy),
        results(p, policy),
        monitoring_evaluation(p, requirements.as_ref(), budget, policy, rates)?,
        consult,
        tri(RuleId::AprTriBureaux, tri_bureaux),
        tri(RuleId::AprTriGovernance, tri_governance),
        tri(RuleId::AprTriRoles, tri_roles),
        tri(RuleId::AprTriCapacity, tri_capacity),
        autonomy(p, policy),
        gender_analysis(p, policy),
        gender_indicators(p, policy),
        gender_marker(p, policy),
        gender_budget(p, budget, policy, rates)?,
        sustainability(p, policy),
        partnership(p, policy, tripartism_met),
    ];
    Ok(Appraisal {
        proposal: p.id.clone(),
        verdict: verdict(&findings),
        score: score(&findings, policy),
        findings,
        requirements,
        schedule,
        policy: policy.stamp_arc(),
    })
}

/// Rejects invalid data. Budget lines are checked as they are summed; planned-evaluation
/// budgets are checked here because the evaluation rules convert only those of independent
/// evaluations, and only when one is required.
fn validate(p: &Proposal) -> Result<()> {
    if let (Some(start), Some(end)) = (p.start, p.end) {
        if end < start {
            return Err(Error::EndBeforeStart {
                path: "end".into(),
                start: start.to_string(),
                end: end.to_string(),
            });
        }
    }
    if let Some(marker) = p.gender.as_ref().and_then(|g| g.marker) {
        if marker > 2 {
            return Err(Error::invalid(
                "gender.marker",
                format!("{marker} is not an OECD DAC gender marker score (0, 1 or 2)"),
            ));
        }
    }
    for (i, pe) in p
        .evaluation_plan
        .iter()
        .flat_map(|plan| plan.planned.iter())
        .enumerate()
    {
        if let Some(b) = &pe.budget {
            // The path is built only for an error.
            b.non_negative("")
                .map_err(|e| e.at(&format!("evaluation_plan.planned[{i}].budget")))?;
        }
    }
    Ok(())
}

/// `not_appraisable` when any check failed for want of input; otherwise `revise` when a
/// blocking or major check fails; otherwise `ready` (RULES.md §5).
fn verdict(findings: &[Finding]) -> Verdict {
    let failed = |f: &&Finding| f.status == Status::Fail;
    if findings
        .iter()
        .filter(failed)
        .any(|f| !f.missing.is_empty())
    {
        // A check that could not be evaluated, whatever its weight (RULES.md §5).
        Verdict::NotAppraisable
    } else if findings
        .iter()
        .filter(failed)
        .any(|f| matches!(f.severity, Severity::Blocking | Severity::Major))
    {
        Verdict::Revise
    } else {
        Verdict::Ready
    }
}

/// `100 × Σ(weight × credit) / Σ weight` over the applicable findings, weights by severity
/// from the policy, credit 1 for a pass, ½ for a warning, 0 for a fail; rounded half up.
fn score(findings: &[Finding], policy: &Policy) -> u32 {
    let weights = &policy.spec().appraisal.weights;
    // Exact integers in half credits (u32 weights over any slice fit u128 many times over;
    // saturating only so that no input can panic).
    let (mut earned, mut total) = (0u128, 0u128);
    for f in findings {
        let half_credits = match f.status {
            Status::Pass => 2,
            Status::Warning => 1,
            Status::Fail => 0,
            Status::NotApplicable => continue,
        };
        let weight = u128::from(weights.get(&f.severity).copied().unwrap_or(0));
        total = total.saturating_add(2 * weight);
        earned = earned.saturating_add(half_credits * weight);
    }
    if total == 0 {
        return 100;
    }
    // round(100 × earned / total), halves up: floor((200 × earned + total) / (2 × total)).
    let rounded = earned
        .saturating_mul(200)
        .saturating_add(total)
        .checked_div(total.saturating_mul(2))
        .unwrap_or(100);
    u32::try_from(rounded).unwrap_or(100)
}

/// The exact US-dollar sum of the budget lines, or of those with `purpose`.
fn budget_usd(
    lines: &[BudgetLine],
    purpose: Option<BudgetPurpose>,
    rates: &Rates,
) -> Result<Decimal> {
    sum_usd(
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| purpose.is_none_or(|p| l.purpose == p))
            .map(|(i, l)| (i, &l.amount)),
        rates,
        "budget",
    )
}

fn usd(amount: Decimal) -> String {
    format!("US${}", group_thousands(&amount.round_dp(2)))
}

/// A text that is present and not blank.
fn filled(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

/// Collects what one check found missing or wanting, then builds its finding.
struct Check<'a> {
    policy: &'a Policy,
    rule: RuleId,
    missing: Vec<String>,
    problems: Vec<Text>,
}

impl<'a> Check<'a> {
    fn new(policy: &'a Policy, rule: RuleId) -> Self {
        Check {
            policy,
            rule,
            missing: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn missing(&mut self, path: impl Into<String>) {
        let path = path.into();
        if !self.missing.contains(&path) {
            self.missing.push(path);
        }
    }

    fn require(&mut self, path: &str, present: bool) {
        if !present {
            self.missing(path);
        }
    }

    fn problem(&mut self, problem: impl Into<Text>) {
        self.problems.push(problem.into());
    }

    /// The finding of a check whose whole section is missing.
    fn absent(mut self, path: &str, help: &'static str) -> Finding {
        self.missing(path);
        self.finish("", help)
    }

    /// A pass saying `pass` when nothing is missing or wanting; otherwise a fail naming
    /// the missing fields first, then the problems, with `help` on how to fix them.
    fn finish(self, pass: impl Into<Text>, help: impl Into<Text>) -> Finding {
        self.finish_with(|| pass, help)
    }

    /// [`Check::finish`] with a pass message that is written only for a pass.
    fn finish_with<T: Into<Text>>(
        self,
        pass: impl FnOnce() -> T,
        help: impl Into<Text>,
    ) -> Finding {
        let Check {
            policy,
            rule,
            missing,
            mut problems,
        } = self;
        if missing.is_empty() && problems.is_empty() {
            return Finding::new(policy, rule, Status::Pass, pass());
        }
        let not_evaluated = match missing.as_slice() {
            [] => None,
            [one] => Some(format!("not evaluated: field {one} missing")),
            many => Some(format!("not evaluated: fields {} missing", many.join(", "))),
        };
        if let Some(m) = not_evaluated {
            problems.insert(0, m.into());
        }
        // A single part is the message as it is.
        let message = match problems.as_mut_slice() {
            [one] => std::mem::take(one),
            parts => Text::from(parts.join("; ")),
        };
        let mut f = Finding::new(policy, rule, Status::Fail, message).help(help);
        f.missing = missing;
        f
    }
}

fn needs(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "name the P&B outcome and the DWCP outcome the proposal serves; where the country has no DWCP, set country_has_dwcp to false and name the national development framework";
    let mut c = Check::new(policy, RuleId::AprNeeds);
    let Some(n) = &p.needs else {
        return c.absent("needs", HELP);
    };
    c.require("needs.pb_outcome", filled(&n.pb_outcome));
    // The national framework stands in for a DWCP only where the country is known to have
    // none (R6 §72–74, §160).
    let link = if filled(&n.dwcp_outcome) {
        Some(("dwcp_outcome", "DWCP outcome", &n.dwcp_outcome))
    } else if n.country_has_dwcp == Some(false) && filled(&n.national_framework) {
        Some((
            "national_framework",
            "national development framework",
            &n.national_framework,
        ))
    } else {
        None
    };
    let pass = match link {
        Some((_, label, value)) => format!(
            "linked to P&B outcome {} and to {label} {}",
            n.pb_outcome.as_deref().unwrap_or_default(),
            value.as_deref().unwrap_or_default()
        ),
        None if n.country_has_dwcp == Some(false) => {
            c.missing("needs.national_framework");
            String::new()
        }
        None => {
            c.missing("needs.dwcp_outcome");
            String::new()
        }
    };
    c.finish(pass, HELP)
        .fact("link", link.map_or("none", |(name, _, _)| name))
}

fn results(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "complete the results framework: a development objective; outcomes, each with outputs and indicators; a baseline, target and means of verification for every indicator; the risks and the assumptions";
    let mut c = Check::new(policy, RuleId::AprRbm);
    let Some(r) = &p.results else {
        return c.absent("results", HELP);
    };
    c.require("results.objective", filled(&r.objective));
    c.require("results.outcomes", !r.outcomes.is_empty());
    let mut indicators = 0usize;
    // Paths are built only for what is missing.
    for (i, o) in r.outcomes.iter().enumerate() {
        for (field, empty) in [
            ("statement", o.statement.trim().is_empty()),
            ("outputs", o.outputs.is_empty()),
            ("indicators", o.indicators.is_empty()),
        ] {
            if empty {
                c.missing(format!("results.outcomes[{i}].{field}"));
            }
        }
        for (j, ind) in o.indicators.iter().enumerate() {
            indicators += 1;
            for (field, value) in [
                ("baseline", &ind.baseline),
                ("target", &ind.target),
                ("means_of_verification", &ind.means_of_verification),
            ] {
                if !filled(value) {
                    c.missing(format!("results.outcomes[{i}].indicators[{j}].{field}"));
                }
            }
        }
    }
    c.require("results.risks", !r.risks.is_empty());
    c.require("results.assumptions", !r.assumptions.is_empty());
    c.finish_with(
        || format!(
            "results framework complete: {} outcome(s) with outputs, {indicators} indicator(s) with baseline, target and means of verification, risks and assumptions stated",
            r.outcomes.len()
        ),
        HELP,
    )
    .fact("outcomes", r.outcomes.len())
    .fact("indicators", indicators)
}

fn monitoring_evaluation(
    p: &Proposal,
    req: Option<&Requirements>,
    budget: Option<&[BudgetLine]>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Finding> {
    const HELP: &str = "give the start and end dates, the budget lines and an M&E plan with the evaluations R6 §143 requires";
    const BUDGET_HELP: &str = "add a budget line with purpose \"evaluation\", or give the planned independent evaluation a budget";
    let mut c = Check::new(policy, RuleId::AprMe);
    let plan = p.evaluation_plan.as_ref();
    let (Some(req), Some(lines)) = (req, budget) else {
        c.require("start", p.start.is_some());
        c.require("end", p.end.is_some());
        c.require("budget", budget.is_some());
        c.require("evaluation_plan", plan.is_some());
        return Ok(c.finish(String::new(), HELP));
    };
    let evaluation_lines = budget_usd(lines, Some(BudgetPurpose::Evaluation), rates)?;
    let mut summary = Text::default();
    let mut helps: Vec<Text> = Vec::new();
    for f in evaluation::plan_checks(req, plan, "evaluation_plan", policy, rates)? {
        if f.rule == RuleId::EvalDuration {
            summary = f.message;
            continue;
        }
        // R6 §150 asks for evaluation resources in the project budget: a proposal may
        // carry them as a budget line of its own instead of on the planned evaluation.
        let budgeted_by_line = f.rule == RuleId::EvalBudget && evaluation_lines > Decimal::ZERO;
        let folded = matches!(
            f.rule,
            RuleId::EvalIndependent | RuleId::EvalBudget | RuleId::EvalPlan
        );
        if f.status != Status::Fail || !folded || budgeted_by_line {
            continue;
        }
        f.missing.into_iter().for_each(|m| c.missing(m));
        c.problem(f.message);
        let help = if f.rule == RuleId::EvalBudget {
            Some(Text::from(BUDGET_HELP))
        } else {
            f.help
        };
        if let Some(h) = help.filter(|h| !helps.contains(h)) {
            helps.push(h);
        }
    }
    let help = if helps.is_empty() {
        Text::from(HELP)
    } else {
        Text::from(helps.join("; "))
    };
    let mut f = c.finish_with(
        || format!("the M&E plan meets the evaluation rules: {summary}"),
        help,
    );
    // In place, room made once: a chain of `fact` calls moves the finding for each fact.
    let facts = &mut f.facts;
    facts.reserve(6);
    facts.insert("duration", req.duration.to_string());
    facts.insert("class", req.class.as_str());
    facts.insert("budget_usd", req.budget_usd);
    let threshold = policy.spec().evaluation.independent_threshold_usd;
    facts.insert("threshold_usd", threshold);
    facts.insert("independent_evaluation", req.independent_evaluation);
    facts.insert("evaluation_budget_lines_usd", evaluation_lines);
    Ok(f)
}

/// A stage of the project cycle: its field name, the names of its facts for each
/// constituent (`employers.design`, in the order of those names), and how to read it.
type Stage = (
    &'static str,
    [(Constituent, &'static str); 3],
    fn(&Stages) -> bool,
);

macro_rules! stage {
    ($field:ident) => {
        (
            stringify!($field),
            [
                (
                    Constituent::Employers,
                    concat!("employers.", stringify!($field)),
                ),
                (
                    Constituent::Government,
                    concat!("government.", stringify!($field)),
                ),
                (
                    Constituent::Workers,
                    concat!("workers.", stringify!($field)),
                ),
            ],
            |s| s.$field,
        )
    };
}

/// R6 §305, Appendix I (d): constituents in the needs assessment and the design ...
const CONSULT_STAGES: [Stage; 2] = [stage!(needs_assessment), stage!(design)];
/// ... and not only there: in implementation, monitoring and evaluation too.
const ROLE_STAGES: [Stage; 3] = [
    stage!(implementation),
    stage!(monitoring),
    stage!(evaluation),
];

/// Records whether each constituent took part in each of `stages`, as facts.
fn stage_facts(mut f: Finding, ci: &ConstituentInvolvement, stages: &[Stage]) -> Finding {
    // Constituent by constituent, in the order of the fact names, so that most facts go
    // at the end of the list; in place, as a chain of `fact` calls moves the finding.
    f.facts.reserve(stages.len() * Constituent::ALL.len());
    for i in 0..Constituent::ALL.len() {
        for (_, facts, took_part) in stages {
            if let Some((who, name)) = facts.get(i) {
                f.facts.insert(*name, took_part(ci.of(*who)));
            }
        }
    }
    f
}

fn tri_consult(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "involve the government, employers' organizations and workers' organizations in both the needs assessment and the design, and record each one's part";
    let mut c = Check::new(policy, RuleId::AprTriConsult);
    let Some(ci) = &p.constituents else {
        return c.absent("constituents", HELP);
    };
    for who in Constituent::ALL {
        // "needs assessment or design", written in one go.
        let mut lacking = String::new();
        for (name, _, took_part) in &CONSULT_STAGES {
            if !took_part(ci.of(*who)) {
                if !lacking.is_empty() {
                    lacking.push_str(" or ");
                }
                lacking.extend(name.chars().map(|ch| if ch == '_' { ' ' } else { ch }));
            }
        }
        if !lacking.is_empty() {
            c.problem(format!("{} did not take part in {lacking}", who.label()));
        }
    }
    let f = c.finish(
        "government, employers' and workers' organizations all took part in the needs assessment and the design",
        HELP,
    );
    stage_facts(f, ci, &CONSULT_STAGES)
}

fn tri_bureaux(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "consult the Bureau for Employers' Activities (ACT/EMP) and the Bureau for Workers' Activities (ACTRAV) and record it";
    let mut c = Check::new(policy, RuleId::AprTriBureaux);
    let Some(b) = &p.bureaux else {
        return c.absent("bureaux", HELP);
    };
    for (bureau, consulted) in [("ACT/EMP", b.act_emp), ("ACTRAV", b.actrav)] {
        if !consulted {
            c.problem(format!("{bureau} was not consulted"));
        }
    }
    c.finish("ACT/EMP and ACTRAV were both consulted", HELP)
        .fact("act_emp", b.act_emp)
        .fact("actrav", b.actrav)
}

fn tri_governance(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "place the project under a tripartite steering or advisory committee, or an existing social dialogue institution";
    let mut c = Check::new(policy, RuleId::AprTriGovernance);
    let Some(g) = &p.governance else {
        return c.absent("governance", HELP);
    };
    // " (name)" when the body has one, written straight into each message.
    let (open, name, close) = g.name.as_deref().map_or(("", "", ""), |n| (" (", n, ")"));
    if g.kind == GovernanceKind::NonTripartite {
        c.problem(format!(
            "the project is overseen by a non-tripartite body{open}{name}{close}"
        ));
    }
    c.finish_with(
        || format!("overseen by a {}{open}{name}{close}", g.kind.label()),
        HELP,
    )
    .fact("kind", g.kind.as_str())
}

fn tri_roles(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "give each constituent a role in implementation, monitoring or evaluation, and involve at least one constituent in each of the three";
    let mut c = Check::new(policy, RuleId::AprTriRoles);
    let Some(ci) = &p.constituents else {
        return c.absent("constituents", HELP);
    };
    for who in Constituent::ALL {
        if ROLE_STAGES
            .iter()
            .all(|(_, _, took_part)| !took_part(ci.of(*who)))
        {
            c.problem(format!(
                "{}: no role in implementation, monitoring or evaluation",
                who.label()
            ));
        }
    }
    for (stage, _, took_part) in ROLE_STAGES {
        if Constituent::ALL.iter().all(|who| !took_part(ci.of(*who))) {
            c.problem(format!("no constituent takes part in {stage}"));
        }
    }
    let f = c.finish(
        "every constituent has a role beyond design, and implementation, monitoring and evaluation each involve constituents",
        HELP,
    );
    stage_facts(f, ci, &ROLE_STAGES)
}

fn tri_capacity(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "assess the capacity needs of the government and of the employers' and workers' organizations at the design stage, and say which outputs address them (R6 §139)";
    let mut c = Check::new(policy, RuleId::AprTriCapacity);
    let Some(cap) = &p.capacity else {
        return c.absent("capacity", HELP);
    };
    c.require("capacity.assessed", !cap.assessed.is_empty());
    if !cap.assessed.is_empty() {
        for who in Constituent::ALL
            .iter()
            .filter(|w| !cap.assessed.contains(*w))
        {
            c.problem(format!(
                "the capacity needs of {} were not assessed",
                who.label()
            ));
        }
    }
    c.require("capacity.addressed_by", filled(&cap.addressed_by));
    let assessed: Vec<&str> = cap.assessed.iter().map(Constituent::as_str).collect();
    c.finish(
        "the capacity needs of all three constituents are assessed and addressed",
        HELP,
    )
    .fact("assessed", assessed.join(", "))
}

fn autonomy(p: &Proposal, policy: &Policy) -> Finding {
    let rule = RuleId::AprTriAutonomy;
    let Some(e) = &p.autonomy_exemption else {
        return Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "no exemption from the tripartite checks is claimed",
        );
    };
    match e.justification.as_deref().map(str::trim) {
        Some(why) if !why.is_empty() => Finding::new(
            policy,
            rule,
            Status::Warning,
            format!("the programme is exempted from the tripartite checks because it requires autonomy: {why}"),
        )
        .fact("justification", why)
        .help("confirm that the programme is one of the specific programmes requiring autonomy that Appendix I (d) excepts"),
        _ => {
            let mut c = Check::new(policy, rule);
            c.missing("autonomy_exemption.justification");
            c.problem("an exemption from the tripartite checks needs a stated justification, so the tripartite checks were applied");
            c.finish(
                String::new(),
                "state why the programme requires autonomy, or withdraw the exemption",
            )
        }
    }
}

fn gender_analysis(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str =
        "add a gender analysis of the problem and of the target group (women and men)";
    let mut c = Check::new(policy, RuleId::AprGenAnalysis);
    let Some(g) = &p.gender else {
        return c.absent("gender", HELP);
    };
    c.require("gender.analysis", filled(&g.analysis));
    c.finish(
        "a gender analysis of the problem and the target group is present",
        HELP,
    )
}

fn gender_indicators(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "disaggregate by sex every indicator that counts people";
    let rule = RuleId::AprGenIndicators;
    let mut c = Check::new(policy, rule);
    let Some(r) = &p.results else {
        return c.absent("results", HELP);
    };
    let mut counting = 0usize;
    let mut offenders = Vec::new();
    for (i, o) in r.outcomes.iter().enumerate() {
        for (j, ind) in o.indicators.iter().enumerate() {
            if ind.counts_people {
                counting += 1;
                if !ind.sex_disaggregated {
                    offenders.push(format!("results.outcomes[{i}].indicators[{j}]"));
                }
            }
        }
    }
    if counting == 0 {
        return Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "no indicator counts people",
        );
    }
    let not_disaggregated = offenders.len();
    if !offenders.is_empty() {
        c.problem(format!(
            "indicators that count people but are not disaggregated by sex: {}",
            offenders.join(", ")
        ));
    }
    c.finish_with(
        || format!("all {counting} indicator(s) that count people are disaggregated by sex"),
        HELP,
    )
    .fact("counts_people", counting)
    .fact("not_disaggregated", not_disaggregated)
}

fn gender_marker(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "give the OECD DAC gender marker score (0, 1 or 2)";
    let mut c = Check::new(policy, RuleId::AprGenMarker);
    let Some(g) = &p.gender else {
        return c.absent("gender", HELP);
    };
    let Some(marker) = g.marker else {
        return c.absent("gender.marker", HELP);
    };
    // OECD DAC (2016) minimum criteria: a score of 1 or 2 rests on an explicit gender
    // equality objective backed by at least one gender-specific indicator of its own.
    let backing = p.results.as_ref().map(|r| {
        let objectives = || r.outcomes.iter().filter(|o| o.gender_equality);
        let indicators = objectives()
            .flat_map(|o| &o.indicators)
            .filter(|i| i.gender_specific)
            .count();
        (objectives().count(), indicators)
    });
    let help = if marker == 0 {
        if !filled(&g.marker_justification) {
            c.problem("marker 0: gender equality is not targeted and no justification is given");
        }
        "make gender equality an explicit objective with a gender-specific indicator and raise the marker, or justify marker 0 in gender.marker_justification"
    } else {
        match backing {
            None => c.missing("results"),
            Some((objectives, indicators)) => {
                if objectives == 0 {
                    c.problem(format!("marker {marker} claimed but no outcome is an explicit gender equality objective"));
                }
                if objectives > 0 && indicators == 0 {
                    c.problem(format!(
                        "marker {marker} claimed but no gender equality objective has a gender-specific indicator"
                    ));
                }
            }
        }
        if marker == 2 && !g.principal_objective {
            c.problem("marker 2 claimed but gender equality is not stated as the principal objective, without which the project would not exist");
        }
        "mark at least one outcome as a gender equality objective and give it a gender-specific indicator (for marker 2, also make gender equality the principal objective), or lower the marker"
    };
    let pass = || -> Text {
        let (objectives, indicators) = backing.unwrap_or_default();
        match marker {
            0 => "marker 0 (not targeted), with a justification".into(),
            _ => format!("marker {marker} backed by {objectives} gender equality objective(s) and {indicators} gender-specific indicator(s)").into(),
        }
    };
    let f = c.finish_with(pass, help).fact("marker", u32::from(marker));
    match backing {
        Some((objectives, indicators)) => f
            .fact("gender_objectives", objectives)
            .fact("gender_indicators", indicators),
        None => f,
    }
}

fn gender_budget(
    p: &Proposal,
    budget: Option<&[BudgetLine]>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Finding> {
    const HELP: &str = "allocate resources to gender-specific outputs or activities: a budget line with purpose \"gender\"";
    let rule = RuleId::AprGenBudget;
    let justified_zero = p
        .gender
        .as_ref()
        .is_some_and(|g| g.marker == Some(0) && filled(&g.marker_justification));
    if justified_zero {
        return Ok(Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "gender marker 0 is justified: no gender-specific resources are expected",
        ));
    }
    let mut c = Check::new(policy, rule);
    let Some(lines) = budget else {
        return Ok(c.absent("budget", HELP));
    };
    let gender_usd = budget_usd(lines, Some(BudgetPurpose::Gender), rates)?;
    if gender_usd.is_zero() {
        c.problem("no resources are allocated to gender-specific outputs or activities");
    }
    Ok(c.finish_with(
        || {
            format!(
                "{} allocated to gender-specific outputs or activities",
                usd(gender_usd)
            )
        },
        HELP,
    )
    .fact("gender_budget_usd", gender_usd))
}

fn sustainability(p: &Proposal, policy: &Policy) -> Finding {
    const HELP: &str = "describe the exit or hand-over strategy and how constituents will assume gradual ownership during implementation (R6 §138–139)";
    let mut c = Check::new(policy, RuleId::AprSus);
    let Some(s) = &p.sustainability else {
        return c.absent("sustainability", HELP);
    };
    c.require("sustainability.exit_strategy", filled(&s.exit_strategy));
    c.require("sustainability.ownership", filled(&s.ownership));
    c.finish(
        "an exit strategy and the constituents' gradual ownership are described",
        HELP,
    )
}

fn partnership(p: &Proposal, policy: &Policy, tripartism_met: bool) -> Finding {
    const HELP: &str = "screen the private partner's acceptability and meet the tripartite consultation requirement (APR-TRI-CONSULT) before proposing the partnership";
    let rule = RuleId::AprPpp;
    let Some(pp) = &p.partnership else {
        return Finding::new(
            policy,
            rule,
            Status::NotApplicable,
            "not a public-private partnership",
        );
    };
    let mut c = Check::new(policy, rule);
    c.require("partnership.partner", !pp.partner.trim().is_empty());
    if !pp.acceptability_screened {
        c.problem("the private partner's acceptability was not screened");
    }
    if !tripartism_met {
        c.problem("the tripartite consultation requirement (APR-TRI-CONSULT) is not met");
    }
    c.finish_with(
        || {
            format!(
                "partner {} screened for acceptability, and the tripartite requirements are met",
                pp.partner
            )
        },
        HELP,
    )
    .fact("acceptability_screened", pp.acceptability_screened)
    .fact("tripartism_met", tripartism_met)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AutonomyExemption, EvaluationKind, Partnership};
    use serde_json::json;

    #[test]
    fn stage_fact_names_are_constituent_dot_stage() {
        for (stage, facts, _) in CONSULT_STAGES.iter().chain(&ROLE_STAGES) {
            for (who, name) in facts {
                assert_eq!(*name, format!("{who}.{stage}"));
            }
            assert!(facts.is_sorted_by_key(|(_, name)| *name));
            assert_eq!(facts.len(), Constituent::ALL.len());
        }
    }

    fn complete() -> Proposal {
        let stages = json!({"needs_assessment": true, "design": true, "implementation": true,
                            "monitoring": true, "evaluation": true});
        let usd = |a: &str| json!({"amount": a, "currency": "USD"});
        serde_json::from_value(json!({
            "id": "PR-1", "title": "Pay equity in the garment sector", "country": "Bangladesh",
            "start": "2025-01-01", "end": "2026-12-31",
            "budget": [
                {"label": "Technical assistance", "purpose": "general", "amount": usd("370000")},
                {"label": "Final evaluation", "purpose": "evaluation", "amount": usd("30000")},
                {"label": "Women workers' leadership", "purpose": "gender", "amount": usd("12000")}
            ],
            "needs": {"pb_outcome": "Outcome 2", "dwcp_outcome": "BGD 101", "country_has_dwcp": true},
            "results": {
                "objective": "Narrow the gender pay gap in the garment sector",
                "outcomes": [{
                    "statement": "Employers and unions negotiate pay equity",
                    "outputs": ["Job evaluation method adopted"],
                    "gender_equality": true,
                    "indicators": [
                        {"name": "Workers trained", "baseline": "0", "target": "2000",
                         "means_of_verification": "Training records",
                         "counts_people": true, "sex_disaggregated": true},
                        {"name": "Gender pay gap", "baseline": "14%", "target": "10%",
                         "means_of_verification": "Labour force survey", "gender_specific": true}
                    ]
                }],
                "risks": [{"description": "Factory closures", "mitigation": "Sector-wide approach"}],
                "assumptions": ["Minimum wage board meets"]
            },
            "evaluation_plan": {
                "planned": [
                    {"kind": "mid_term", "independence": "self_evaluation", "due": "2025-12-31"},
                    {"kind": "final", "independence": "external", "due": "2026-12-31",
                     "budget": usd("30000")}
                ],
                "constituent_participation": "Tripartite evaluation reference group"
            },
            "constituents": {"government": stages, "employers": stages, "workers": stages},
            "bureaux": {"act_emp": true, "actrav": true},
            "governance": {"kind": "tripartite_committee", "name": "Project Advisory Committee"},
            "capacity": {"assessed": ["government", "employers", "workers"],
                         "addressed_by": "Output 1.2: training of the social partners"},
            "gender": {"analysis": "Women are 80% of the workforce and 5% of supervisors",
                       "marker": 1},
            "sustainability": {"exit_strategy": "Hand-over to the Minimum Wage Board",
                               "ownership": "Social partners run the job evaluation from year 2"}
        }))
        .unwrap()
    }

    fn run(p: &Proposal) -> Appraisal {
        appraise(p, &Policy::default(), &Rates::usd_only()).unwrap()
    }

    fn finding(a: &Appraisal, rule: RuleId) -> &Finding {
        a.findings.iter().find(|f| f.rule == rule).unwrap()
    }

    const TRI: [RuleId; 5] = [
        RuleId::AprTriConsult,
        RuleId::AprTriBureaux,
        RuleId::AprTriGovernance,
        RuleId::AprTriRoles,
        RuleId::AprTriCapacity,
    ];

    #[test]
    fn complete_proposal_is_ready() {
        let a = run(&complete());
        assert_eq!(a.verdict, Verdict::Ready, "{:#?}", a.findings);
        assert_eq!(a.score, 100);
        let apr: Vec<RuleId> = RuleId::ALL
            .iter()
            .copied()
            .filter(|r| r.as_str().starts_with("APR-"))
            .collect();
        assert_eq!(a.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), apr);
        assert!(a.findings.iter().all(|f| !f.needs_action()));
        let req = a.requirements.as_ref().unwrap();
        assert!(req.mid_term_evaluation && req.independent_evaluation);
        let kinds: Vec<_> = a.schedule.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [EvaluationKind::MidTerm, EvaluationKind::Final]);
        let me = finding(&a, RuleId::AprMe);
        assert_eq!(me.facts["budget_usd"].to_string(), "412000");
        assert_eq!(me.facts["duration"].to_string(), "24 months");
        assert_eq!(
            finding(&a, RuleId::AprNeeds).facts["link"].to_string(),
            "dwcp_outcome"
        );
        assert_eq!(a.policy.name, "ilo-2006");
    }

    #[test]
    fn each_missing_field_makes_it_not_appraisable() {
        type Case = (&'static str, RuleId, fn(&mut Proposal));
        let cases: &[Case] = &[
            ("needs", RuleId::AprNeeds, |p| p.needs = None),
            ("needs.pb_outcome", RuleId::AprNeeds, |p| {
                p.needs.as_mut().unwrap().pb_outcome = Some(" ".into())
            }),
            ("needs.dwcp_outcome", RuleId::AprNeeds, |p| {
                p.needs.as_mut().unwrap().dwcp_outcome = None
            }),
            ("results", RuleId::AprRbm, |p| p.results = None),
            ("results.objective", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().objective = None
            }),
            ("results.outcomes", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().outcomes.clear()
            }),
            ("results.outcomes[0].outputs", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().outcomes[0].outputs.clear()
            }),
            ("results.outcomes[0].indicators", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().outcomes[0].indicators.clear()
            }),
            (
                "results.outcomes[0].indicators[1].baseline",
                RuleId::AprRbm,
                |p| p.results.as_mut().unwrap().outcomes[0].indicators[1].baseline = None,
            ),
            (
                "results.outcomes[0].indicators[0].target",
                RuleId::AprRbm,
                |p| p.results.as_mut().unwrap().outcomes[0].indicators[0].target = None,
            ),
            (
                "results.outcomes[0].indicators[0].means_of_verification",
                RuleId::AprRbm,
                |p| {
                    p.results.as_mut().unwrap().outcomes[0].indicators[0].means_of_verification =
                        None
                },
            ),
            ("results.risks", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().risks.clear()
            }),
            ("results.assumptions", RuleId::AprRbm, |p| {
                p.results.as_mut().unwrap().assumptions.clear()
            }),
            ("start", RuleId::AprMe, |p| p.start = None),
            ("end", RuleId::AprMe, |p| p.end = None),
            ("budget", RuleId::AprMe, |p| p.budget = None),
            ("budget", RuleId::AprMe, |p| p.budget = Some(Vec::new())),
            ("evaluation_plan", RuleId::AprMe, |p| {
                p.evaluation_plan = None
            }),
            ("constituents", RuleId::AprTriConsult, |p| {
                p.constituents = None
            }),
            ("bureaux", RuleId::AprTriBureaux, |p| p.bureaux = None),
            ("governance", RuleId::AprTriGovernance, |p| {
                p.governance = None
            }),
            (
                "autonomy_exemption.justification",
                RuleId::AprTriAutonomy,
                |p| {
                    p.autonomy_exemption = Some(AutonomyExemption {
                        justification: None,
                    })
                },
            ),
            ("gender", RuleId::AprGenAnalysis, |p| p.gender = None),
            ("gender.analysis", RuleId::AprGenAnalysis, |p| {
                p.gender.as_mut().unwrap().analysis = None
            }),
            ("gender.marker", RuleId::AprGenMarker, |p| {
                p.gender.as_mut().unwrap().marker = None
            }),
            ("sustainability", RuleId::AprSus, |p| {
                p.sustainability = None
            }),
            ("sustainability.exit_strategy", RuleId::AprSus, |p| {
                p.sustainability.as_mut().unwrap().exit_strategy = None
            }),
            ("sustainability.ownership", RuleId::AprSus, |p| {
                p.sustainability.as_mut().unwrap().ownership = Some(String::new())
            }),
        ];
        for (path, rule, strip) in cases {
            let mut p = complete();
            strip(&mut p);
            let a = run(&p);
            assert_eq!(a.verdict, Verdict::NotAppraisable, "{path}");
            let f = finding(&a, *rule);
            assert_eq!(f.status, Status::Fail, "{path}");
            assert!(
                f.missing.iter().any(|m| m == path),
                "{path}: {:?}",
                f.missing
            );
            assert!(
                f.message.contains("not evaluated") && f.message.contains(path),
                "{}",
                f.message
            );
            assert!(f.help.is_some(), "{path}");
        }
    }

    #[test]
    fn missing_input_in_a_minor_check_still_makes_it_not_appraisable() {
        let mut p = complete();
        p.capacity = None;
        let a = run(&p);
        let f = finding(&a, RuleId::AprTriCapacity);
        assert_eq!(
            (f.status, f.missing.as_slice()),
            (Status::Fail, ["capacity".to_owned()].as_slice())
        );
        assert_eq!(a.verdict, Verdict::NotAppraisable);
        assert!(a.score < 100);
    }

    #[test]
    fn needs_link_through_the_national_framework_only_without_a_dwcp() {
        let mut p = complete();
        let needs = p.needs.as_mut().unwrap();
        needs.dwcp_outcome = None;
        needs.national_framework = Some("UNDAF 2022-2026".into());
        let a = run(&p);
        assert_eq!(
            finding(&a, RuleId::AprNeeds).missing,
            ["needs.dwcp_outcome"]
        );
        p.needs.as_mut().unwrap().country_has_dwcp = Some(false);
        let a = run(&p);
        let f = finding(&a, RuleId::AprNeeds);
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.facts["link"].to_string(), "national_framework");
        p.needs.as_mut().unwrap().national_framework = None;
        assert_eq!(
            finding(&run(&p), RuleId::AprNeeds).missing,
            ["needs.national_framework"]
        );
    }

    #[test]
    fn tripartism_failures_need_revision() {
        type Case = (RuleId, &'static str, fn(&mut Proposal));
        let cases: &[Case] = &[
            (
                RuleId::AprTriConsult,
                "workers' organizations did not take part in design",
                |p| p.constituents.as_mut().unwrap().workers.design = false,
            ),
            (
                RuleId::AprTriConsult,
                "government did not take part in needs assessment or design",
                |p| {
                    let g = &mut p.constituents.as_mut().unwrap().government;
                    g.needs_assessment = false;
                    g.design = false;
                },
            ),
            (RuleId::AprTriBureaux, "ACTRAV was not consulted", |p| {
                p.bureaux.as_mut().unwrap().actrav = false
            }),
            (
                RuleId::AprTriGovernance,
                "non-tripartite body (Project Advisory Committee)",
                |p| p.governance.as_mut().unwrap().kind = GovernanceKind::NonTripartite,
            ),
            (
                RuleId::AprTriRoles,
                "no constituent takes part in monitoring",
                |p| {
                    let c = p.constituents.as_mut().unwrap();
                    for s in [&mut c.government, &mut c.employers, &mut c.workers] {
                        s.monitoring = false;
                    }
                },
            ),
            (
                RuleId::AprTriRoles,
                "employers' organizations: no role in implementation",
                |p| {
                    let e = &mut p.constituents.as_mut().unwrap().employers;
                    (e.implementation, e.monitoring, e.evaluation) = (false, false, false);
                },
            ),
        ];
        for (rule, text, spoil) in cases {
            let mut p = complete();
            spoil(&mut p);
            let a = run(&p);
            assert_eq!(a.verdict, Verdict::Revise, "{text}");
            let f = finding(&a, *rule);
            assert_eq!(f.status, Status::Fail);
            assert!(f.missing.is_empty());
            assert!(f.message.contains(text), "{}", f.message);
            assert!(f.help.is_some());
        }
    }

    #[test]
    fn capacity_must_cover_the_social_partners() {
        let mut p = complete();
        p.capacity.as_mut().unwrap().assessed = vec![Constituent::Government];
        let a = run(&p);
        let f = finding(&a, RuleId::AprTriCapacity);
        assert_eq!(f.status, Status::Fail);
        assert!(f
            .message
            .contains("employers' organizations were not assessed"));
        assert!(f
            .message
            .contains("workers' organizations were not assessed"));
        assert_eq!(f.facts["assessed"].to_string(), "government");
    }

    #[test]
    fn gender_marker_cases() {
        let marker = |m: u8, justification: Option<&str>, spoil: fn(&mut Proposal)| {
            let mut p = complete();
            let g = p.gender.as_mut().unwrap();
            g.marker = Some(m);
            g.marker_justification = justification.map(str::to_owned);
            spoil(&mut p);
            run(&p)
        };
        let a = marker(0, None, |_| {});
        let f = finding(&a, RuleId::AprGenMarker);
        assert_eq!((f.status, a.verdict), (Status::Fail, Verdict::Revise));
        assert!(f.message.contains("no justification"));
        assert_eq!(finding(&a, RuleId::AprGenBudget).status, Status::Pass);

        let a = marker(
            0,
            Some("Infrastructure maintenance with no gender dimension"),
            |_| {},
        );
        assert_eq!(finding(&a, RuleId::AprGenMarker).status, Status::Pass);
        assert_eq!(
            finding(&a, RuleId::AprGenBudget).status,
            Status::NotApplicable
        );

        let a = marker(1, None, |p| {
            let o = &mut p.results.as_mut().unwrap().outcomes[0];
            o.gender_equality = false;
            o.indicators
                .iter_mut()
                .for_each(|i| i.gender_specific = false);
        });
        let f = finding(&a, RuleId::AprGenMarker);
        assert_eq!(f.status, Status::Fail);
        assert!(f
            .message
            .contains("no outcome is an explicit gender equality objective"));
        assert_eq!(f.facts["gender_objectives"], crate::Fact::Int(0));
        assert_eq!(a.verdict, Verdict::Revise);

        // The gender-specific indicator must back the gender objective, not another outcome.
        let a = marker(1, None, |p| {
            let r = p.results.as_mut().unwrap();
            r.outcomes[0]
                .indicators
                .iter_mut()
                .for_each(|i| i.gender_specific = false);
            let mut other = r.outcomes[0].clone();
            other.gender_equality = false;
            other.indicators[0].gender_specific = true;
            r.outcomes.push(other);
        });
        let f = finding(&a, RuleId::AprGenMarker);
        assert_eq!(f.status, Status::Fail);
        assert!(f
            .message
            .contains("no gender equality objective has a gender-specific indicator"));

        let a = marker(2, None, |_| {});
        let f = finding(&a, RuleId::AprGenMarker);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("principal objective"));
        assert_eq!(f.facts["marker"], crate::Fact::Int(2));

        let a = marker(2, None, |p| {
            p.gender.as_mut().unwrap().principal_objective = true
        });
        assert_eq!(finding(&a, RuleId::AprGenMarker).status, Status::Pass);

        let a = marker(1, None, |p| p.results = None);
        assert_eq!(finding(&a, RuleId::AprGenMarker).missing, ["results"]);
    }

    #[test]
    fn gender_indicators_and_budget() {
        let mut p = complete();
        p.results.as_mut().unwrap().outcomes[0].indicators[0].sex_disaggregated = false;
        let a = run(&p);
        let f = finding(&a, RuleId::AprGenIndicators);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("results.outcomes[0].indicators[0]"));
        assert_eq!(a.verdict, Verdict::Revise);

        p.results.as_mut().unwrap().outcomes[0].indicators[0].counts_people = false;
        assert_eq!(
            finding(&run(&p), RuleId::AprGenIndicators).status,
            Status::NotApplicable
        );

        let mut p = complete();
        p.budget
            .as_mut()
            .unwrap()
            .retain(|l| l.purpose != BudgetPurpose::Gender);
        let f = finding(&run(&p), RuleId::AprGenBudget).clone();
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.facts["gender_budget_usd"].to_string(), "0");
    }

    #[test]
    fn justified_autonomy_exemption_lifts_the_tripartite_checks() {
        let mut p = complete();
        p.constituents = None;
        p.bureaux = None;
        p.autonomy_exemption = Some(AutonomyExemption {
            justification: Some("Independent statistical survey of trade union density".into()),
        });
        let a = run(&p);
        let f = finding(&a, RuleId::AprTriAutonomy);
        assert_eq!(f.status, Status::Warning);
        assert!(f.message.contains("trade union density"));
        for rule in TRI {
            let f = finding(&a, rule);
            assert_eq!(f.status, Status::NotApplicable, "{rule}");
            assert!(f.message.contains("exempt"));
        }
        assert_eq!(a.verdict, Verdict::Ready);
        // Applicable weights: NEEDS 5, RBM/ME/GEN-ANALYSIS/GEN-INDICATORS/GEN-MARKER/SUS 3
        // each, GEN-BUDGET 1, AUTONOMY 3 at half credit: 25.5 / 27 = 94.4 %.
        assert_eq!(a.score, 94);
    }

    #[test]
    fn unjustified_autonomy_exemption_fails_and_tripartite_checks_run() {
        let mut p = complete();
        p.autonomy_exemption = Some(AutonomyExemption {
            justification: Some("  ".into()),
        });
        p.bureaux.as_mut().unwrap().act_emp = false;
        let a = run(&p);
        let f = finding(&a, RuleId::AprTriAutonomy);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.missing, ["autonomy_exemption.justification"]);
        assert_eq!(finding(&a, RuleId::AprTriBureaux).status, Status::Fail);
        assert_eq!(finding(&a, RuleId::AprTriConsult).status, Status::Pass);
        assert_eq!(a.verdict, Verdict::NotAppraisable);
    }

    #[test]
    fn public_private_partnership() {
        let with = |screened: bool, spoil: fn(&mut Proposal)| {
            let mut p = complete();
            p.partnership = Some(Partnership {
                partner: "Garment Brand Co.".into(),
                acceptability_screened: screened,
            });
            spoil(&mut p);
            run(&p)
        };
        assert_eq!(
            finding(&run(&complete()), RuleId::AprPpp).status,
            Status::NotApplicable
        );
        let a = with(true, |_| {});
        assert_eq!(
            (finding(&a, RuleId::AprPpp).status, a.verdict),
            (Status::Pass, Verdict::Ready)
        );

        let a = with(false, |_| {});
        let f = finding(&a, RuleId::AprPpp);
        assert_eq!((f.status, a.verdict), (Status::Fail, Verdict::Revise));
        assert!(f.message.contains("acceptability was not screened"));

        let a = with(true, |p| {
            p.constituents.as_mut().unwrap().employers.design = false
        });
        let f = finding(&a, RuleId::AprPpp);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("APR-TRI-CONSULT"));

        let a = with(true, |p| {
            p.constituents = None;
            p.autonomy_exemption = Some(AutonomyExemption {
                justification: Some("Confidential audit of partner supply chains".into()),
            });
        });
        assert_eq!(finding(&a, RuleId::AprPpp).status, Status::Pass);
    }

    #[test]
    fn score_weighs_by_severity_and_rounds_half_up() {
        let policy = Policy::default();
        let f = |rule, status| Finding::new(&policy, rule, status, "");
        // Weights major 3, minor 1, info 0; one minor pass out of 3 + 3 + 1 + 1 = 12.5 %.
        let findings = [
            f(RuleId::AprRbm, Status::Fail),
            f(RuleId::AprMe, Status::Fail),
            f(RuleId::AprTriCapacity, Status::Pass),
            f(RuleId::AprGenBudget, Status::Fail),
            f(RuleId::AprPpp, Status::NotApplicable),
            f(RuleId::IntComposite, Status::Fail),
        ];
        assert_eq!(score(&findings, &policy), 13);
        // Blocking 5 at half credit, major 3 passed: 5.5 / 8 = 68.75 %.
        let findings = [
            f(RuleId::AprNeeds, Status::Warning),
            f(RuleId::AprRbm, Status::Pass),
        ];
        assert_eq!(score(&findings, &policy), 69);
        assert_eq!(
            score(&[f(RuleId::AprPpp, Status::NotApplicable)], &policy),
            100
        );
        assert_eq!(score(&[], &policy), 100);
    }

    #[test]
    fn independent_evaluation_threshold_is_strict() {
        let with_budget = |amount: &str| {
            let mut p = complete();
            p.budget = Some(vec![BudgetLine {
                label: "All activities".into(),
                purpose: BudgetPurpose::General,
                amount: crate::money::Money::usd(amount.parse().unwrap()),
            }]);
            for pe in &mut p.evaluation_plan.as_mut().unwrap().planned {
                pe.independence = crate::model::Independence::SelfEvaluation;
                pe.budget = None;
            }
            run(&p)
        };
        let a = with_budget("350000.00");
        let f = finding(&a, RuleId::AprMe);
        assert_eq!(f.status, Status::Pass, "{}", f.message);
        assert_eq!(f.facts["independent_evaluation"], crate::Fact::Bool(false));
        assert!(!a.requirements.unwrap().independent_evaluation);

        let a = with_budget("350000.01");
        let f = finding(&a, RuleId::AprMe);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.contains("no planned evaluation is independent"),
            "{}",
            f.message
        );
        assert_eq!(f.facts["budget_usd"].to_string(), "350000.01");
        assert_eq!(f.facts["threshold_usd"].to_string(), "350000");
        assert_eq!(a.verdict, Verdict::Revise);
    }

    #[test]
    fn evaluation_resources_in_a_budget_line_or_on_the_plan() {
        let mut p = complete();
        for pe in &mut p.evaluation_plan.as_mut().unwrap().planned {
            pe.budget = None;
        }
        // The "evaluation" budget line carries the resources (R6 §150).
        assert_eq!(finding(&run(&p), RuleId::AprMe).status, Status::Pass);
        p.budget
            .as_mut()
            .unwrap()
            .retain(|l| l.purpose != BudgetPurpose::Evaluation);
        let f = finding(&run(&p), RuleId::AprMe).clone();
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.contains("no budget is set aside"),
            "{}",
            f.message
        );
        assert!(f.help.unwrap().contains("purpose \"evaluation\""));
    }

    #[test]
    fn missing_evaluations_are_named_with_their_due_dates() {
        let mut p = complete();
        p.evaluation_plan
            .as_mut()
            .unwrap()
            .planned
            .retain(|pe| pe.kind == EvaluationKind::Final);
        let a = run(&p);
        let f = finding(&a, RuleId::AprMe);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.contains("mid-term evaluation due 2025-12-31"),
            "{}",
            f.message
        );
        assert_eq!(f.facts["class"].to_string(), "medium");
    }

    #[test]
    fn eur_budget_line_needs_a_rate() {
        let mut p = complete();
        p.budget.as_mut().unwrap()[0].amount.currency = "EUR".parse().unwrap();
        let e = appraise(&p, &Policy::default(), &Rates::usd_only()).unwrap_err();
        assert_eq!((e.code(), e.path()), ("missing_rate", "budget[0].amount"));
        let rates = Rates::from_pairs([("EUR", "1.2")]).unwrap();
        let a = appraise(&p, &Policy::default(), &rates).unwrap();
        assert_eq!(
            finding(&a, RuleId::AprMe).facts["budget_usd"].to_string(),
            "486000"
        );
    }

    #[test]
    fn invalid_data_is_an_error() {
        let err = |spoil: fn(&mut Proposal)| {
            let mut p = complete();
            spoil(&mut p);
            let e = appraise(&p, &Policy::default(), &Rates::usd_only()).unwrap_err();
            (e.code(), e.path().to_owned())
        };
        assert_eq!(
            err(|p| p.budget.as_mut().unwrap()[1].amount.amount = "-1".parse().unwrap()),
            ("negative_amount", "budget[1].amount".to_owned())
        );
        assert_eq!(
            err(|p| p.end = "2024-12-31".parse().ok()),
            ("end_before_start", "end".to_owned())
        );
        assert_eq!(
            err(|p| p.gender.as_mut().unwrap().marker = Some(3)),
            ("invalid_value", "gender.marker".to_owned())
        );
        assert_eq!(
            err(|p| {
                p.evaluation_plan.as_mut().unwrap().planned[1].budget =
                    Some(crate::money::Money::usd("-5".parse().unwrap()))
            }),
            (
                "negative_amount",
                "evaluation_plan.planned[1].budget.amount".to_owned()
            )
        );
    }
}
