//! The tables several commands print: findings, evaluation requirements, delivery and
//! approvals by source.

use rust_decimal::Decimal;
use tcrules::delivery::DeliveryReport;
use tcrules::evaluation::ProjectEvaluation;
use tcrules::money::{fixed, group_thousands};
use tcrules::portfolio::ApprovalTable;
use tcrules::{Finding, RuleId, Status};

use crate::render::{self, rate, say, usd};

/// One row per finding, or `(no findings)`.
pub fn findings<'a>(findings: impl Iterator<Item = &'a Finding>) {
    let rows: Vec<Vec<String>> = findings.map(finding_row).collect();
    if rows.is_empty() {
        say!("(no findings)");
    } else {
        render::table(&FINDING_COLUMNS, &rows);
    }
}

/// [`findings`], with the "how to fix" of each finding that does not pass on a line
/// under it (the appraisal page's `How to fix:`).
pub fn findings_with_help<'a>(findings: impl Iterator<Item = &'a Finding>) {
    let (rows, notes): (Vec<Vec<String>>, Vec<Option<String>>) = findings
        .map(|f| {
            let help = f
                .help
                .as_ref()
                .filter(|_| f.status != Status::Pass)
                .map(|h| format!("how to fix: {h}"));
            (finding_row(f), help)
        })
        .unzip();
    if rows.is_empty() {
        say!("(no findings)");
    } else {
        render::noted_table(&FINDING_COLUMNS, &rows, &notes);
    }
}

const FINDING_COLUMNS: [&str; 5] = ["status", "rule", "subject", "message", "citation"];

fn finding_row(f: &Finding) -> Vec<String> {
    vec![
        f.status.to_string(),
        f.rule.to_string(),
        f.subject.as_deref().unwrap_or_default().to_owned(),
        f.message.to_string(),
        f.citation.to_string(),
    ]
}

/// The plan column: `ok`, `no plan (N due)`, or how many required evaluations the plan
/// lacks, places outside their window, or leaves undated (one EVAL-PLAN finding each).
fn plan_summary(r: &ProjectEvaluation) -> String {
    let plan: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::EvalPlan)
        .collect();
    if plan
        .iter()
        .any(|f| f.missing.iter().any(|m| m == "evaluation_plan"))
    {
        return format!("no plan ({} due)", r.schedule.len());
    }
    let count = |fact: &str| plan.iter().filter(|f| f.facts.contains_key(fact)).count();
    let parts: Vec<String> = [
        ("missing", "missing"),
        ("outside", "misplaced"),
        ("undated", "undated"),
    ]
    .into_iter()
    .filter_map(|(fact, word)| match count(fact) {
        0 => None,
        n => Some(format!("{n} {word}")),
    })
    .collect();
    if parts.is_empty() {
        "ok".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Each project's evaluation requirements, or the error that kept it from having any on
/// a line under its name (wrapped to the width like a note, not squeezed into a column).
pub fn evaluations(rows: &[ProjectEvaluation]) {
    let (table, errors): (Vec<Vec<String>>, Vec<Option<String>>) = rows
        .iter()
        .map(|r| match (&r.requirements, &r.error) {
            (Some(req), _) => {
                let plan = plan_summary(r);
                let row = vec![
                    r.project.clone(),
                    req.duration.to_string(),
                    req.class.as_str().to_owned(),
                    usd(&req.budget_usd),
                    r.schedule
                        .iter()
                        .map(|d| d.kind.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    yes_no(req.independent_evaluation).to_owned(),
                    plan,
                ];
                (row, None)
            }
            (None, e) => (
                vec![r.project.clone()],
                e.as_ref()
                    .map(|e| format!("error [{}] {}", e.code, e.message)),
            ),
        })
        .unzip();
    render::noted_table(
        &[
            "project",
            "duration",
            "class",
            "budget US$",
            "schedule",
            "independent",
            "plan",
        ],
        &table,
        &errors,
    );
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Allocation, expenditure and rate of each group, then the total.
pub fn delivery(d: &DeliveryReport) {
    let rows: Vec<Vec<String>> = d
        .groups
        .iter()
        .chain(std::iter::once(&d.total))
        .map(|g| {
            vec![
                g.group.clone(),
                usd(&g.totals.allocation_usd),
                usd(&g.totals.expenditure_usd),
                rate(g.rate_percent),
            ]
        })
        .collect();
    render::table(
        &[
            d.group_by.as_str(),
            "allocation US$",
            "expenditure US$",
            "delivery %",
        ],
        &rows,
    );
}

/// Average yearly approvals in thousands of US dollars and shares per period, with the
/// change from the first period to the last (the layout of R6 Table V.1).
pub fn approvals(t: &ApprovalTable) {
    let mut header = vec!["source".to_owned()];
    for p in &t.periods {
        header.push(format!("avg {p} US$'000"));
        header.push("share %".to_owned());
    }
    header.push("% change".to_owned());
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .chain(std::iter::once(&t.total))
        .map(|r| {
            let mut row = vec![r.key.clone()];
            for p in &r.periods {
                row.push(group_thousands(&fixed(
                    p.average_usd / Decimal::ONE_THOUSAND,
                    0,
                )));
                row.push(p.share_percent.to_string());
            }
            row.push(r.change_percent.map(|c| c.to_string()).unwrap_or_default());
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    render::table(&header, &rows);
}
