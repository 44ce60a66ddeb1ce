//! The complete proposal the appraisal tests start from, and how they read its findings.

use serde_json::json;

use super::*;

pub(super) fn complete() -> Proposal {
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

pub(super) fn run(p: &Proposal) -> Appraisal {
    appraise(p, &Policy::default(), &Rates::usd_only()).unwrap()
}

pub(super) fn finding(a: &Appraisal, rule: RuleId) -> &Finding {
    a.findings.iter().find(|f| f.rule == rule).unwrap()
}
