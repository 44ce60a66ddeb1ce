//! Tripartism: the constituents in the design and the life of the project, the bureaux for
//! employers' and workers' activities, tripartite governance, capacity, and the autonomy
//! exemption (R6 §305; Appendix I (d)).

use super::check::{filled, Check};
use crate::finding::Finding;
use crate::model::{Constituent, ConstituentInvolvement, GovernanceKind, Proposal, Stages};
use crate::policy::Policy;
use crate::rule::{RuleId, Status};

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
pub(super) fn stage_facts(
    mut f: Finding,
    ci: &ConstituentInvolvement,
    stages: &[Stage],
) -> Finding {
    // Constituent by constituent, in the order of the fact names, so that most facts go
    // at the end of the list; in place, as a chain of `fact` calls moves the finding.
    // (Room only: another count here would change the capacity, not the facts.)
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

pub(super) fn tri_consult(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn tri_bureaux(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn tri_governance(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn tri_roles(p: &Proposal, policy: &Policy) -> Finding {
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

/// APR-TRI-CAPACITY (R6 §139, §305): the capacity needs of all three constituents are
/// assessed at design and addressed by the project. A justified autonomy exemption does
/// not lift it: §139 makes the constituents' skills a condition of sustainability ("to
/// ensure sustainability, constituents should assume gradual ownership ... they must have
/// the necessary skills"), which a programme requiring autonomy needs as much as any,
/// while Appendix I (d) excepts such programmes only from drawing the constituents in.
pub(super) fn tri_capacity(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn autonomy(p: &Proposal, policy: &Policy) -> Finding {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraisal::fixtures::{complete, finding, run};
    use crate::appraisal::Verdict;
    use crate::model::AutonomyExemption;

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

    /// The checks a justified autonomy exemption lifts (not APR-TRI-CAPACITY).
    const TRI: [RuleId; 4] = [
        RuleId::AprTriConsult,
        RuleId::AprTriBureaux,
        RuleId::AprTriGovernance,
        RuleId::AprTriRoles,
    ];

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
        // Capacity is still judged: a condition of sustainability (R6 §139).
        assert_eq!(finding(&a, RuleId::AprTriCapacity).status, Status::Pass);
        assert_eq!(a.verdict, Verdict::Ready);
        // Applicable weights: NEEDS 5, RBM/ME/GEN-ANALYSIS/GEN-INDICATORS/GEN-MARKER/SUS 3
        // each, GEN-BUDGET and TRI-CAPACITY 1, AUTONOMY 3 at half credit: 26.5 / 28 = 94.6 %.
        assert_eq!(a.score, 95);
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
}
