//! Sustainability and public–private partnerships (R6 §63, §138–139).

use super::check::{filled, Check};
use crate::finding::Finding;
use crate::model::Proposal;
use crate::policy::Policy;
use crate::rule::{RuleId, Status};

pub(super) fn sustainability(p: &Proposal, policy: &Policy) -> Finding {
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

pub(super) fn partnership(p: &Proposal, policy: &Policy, tripartism_met: bool) -> Finding {
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
    use crate::appraisal::fixtures::{complete, finding, run};
    use crate::appraisal::Verdict;
    use crate::model::{AutonomyExemption, Partnership};

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
}
