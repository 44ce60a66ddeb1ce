//! Gender mainstreaming: analysis, indicators, the gender equality marker and the gender
//! budget (R6 §116; Appendix I (e)).

use super::check::{budget_usd, filled, usd, Check};
use crate::error::Result;
use crate::finding::Finding;
use crate::model::{BudgetLine, BudgetPurpose, Proposal};
use crate::money::Rates;
use crate::policy::Policy;
use crate::rule::{RuleId, Status, Text};

pub(super) fn gender_analysis(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn gender_indicators(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn gender_marker(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn gender_budget(
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
    let gender_usd = budget_usd(p, lines, Some(BudgetPurpose::Gender), policy, rates)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraisal::fixtures::{complete, finding, run};
    use crate::appraisal::Verdict;

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
}
