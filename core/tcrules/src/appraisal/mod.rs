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

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evaluation::{self, Due, Requirements};
use crate::finding::Finding;
use crate::model::Proposal;
use crate::money::Rates;
use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Severity, Status};

mod check;
mod design;
#[cfg(test)]
mod fixtures;
mod gender;
mod sustainability;
mod tripartism;

use check::{budget_usd, filled};
use design::{monitoring_evaluation, needs, results};
use gender::{gender_analysis, gender_budget, gender_indicators, gender_marker};
use sustainability::{partnership, sustainability};
use tripartism::{autonomy, tri_bureaux, tri_capacity, tri_consult, tri_governance, tri_roles};

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
#[derive(strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
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
        self.into()
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
        .map(|lines| budget_usd(p, lines, None, policy, rates))
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
        // Not lifted by the exemption: R6 §139 asks for the constituents' capacity as a
        // condition of sustainability, not as the tripartite involvement that Appendix I
        // (d) excepts for programmes requiring autonomy.
        tri_capacity(p, policy),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraisal::fixtures::{complete, finding, run};
    use crate::appraisal::Verdict;
    use crate::model::{AutonomyExemption, EvaluationKind};

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

    #[test]
    fn a_proposal_may_start_and_end_on_the_same_day() {
        let mut p = complete();
        p.end = p.start;
        assert!(appraise(&p, &Policy::default(), &Rates::usd_only()).is_ok());
        p.end = p.start.and_then(|d| d.pred_opt());
        let e = appraise(&p, &Policy::default(), &Rates::usd_only()).unwrap_err();
        assert_eq!((e.code(), e.path()), ("end_before_start", "end"));
    }

    #[test]
    fn each_verdict_is_named_as_serialized() {
        // The CLI prints `as_str`; the JSON carries serde's name: one name for both.
        for (v, name) in [
            (Verdict::Ready, "ready"),
            (Verdict::Revise, "revise"),
            (Verdict::NotAppraisable, "not_appraisable"),
        ] {
            assert_eq!(v.as_str(), name);
            assert_eq!(serde_json::to_value(v).unwrap(), name);
        }
    }
}
