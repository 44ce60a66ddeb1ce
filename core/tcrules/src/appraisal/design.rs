//! Design: based on needs (P&B and DWCP outcomes), results-based (RBM), and planned for
//! monitoring and evaluation (R6 §67–68, §143, §150; DC).

use rust_decimal::Decimal;

use super::check::{budget_usd, filled, Check};
use crate::error::Result;
use crate::evaluation::{self, Requirements};
use crate::finding::Finding;
use crate::model::{BudgetLine, BudgetPurpose, Proposal};
use crate::money::Rates;
use crate::policy::Policy;
use crate::rule::{RuleId, Status, Text};

pub(super) fn needs(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn results(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn monitoring_evaluation(
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
    let evaluation_lines = budget_usd(p, lines, Some(BudgetPurpose::Evaluation), policy, rates)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraisal::fixtures::{complete, finding, run};
    use crate::appraisal::Verdict;
    use crate::model::EvaluationKind;

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
}
