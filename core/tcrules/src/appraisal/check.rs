//! What every check of a proposal shares: a text that is present, a budget summed in US
//! dollars, and [`Check`], which collects what one check found missing or wanting and
//! makes its finding.

use rust_decimal::Decimal;

use crate::error::Result;
use crate::finding::Finding;
use crate::model::Proposal;
use crate::model::{sum_usd, BudgetLine, BudgetPurpose};
use crate::money::{display_amount, Rates};
use crate::period::YearMonth;
use crate::policy::{BudgetRateDate, Policy};
use crate::rule::{RuleId, Status, Text};

/// The exact US-dollar sum of the budget lines of `p`, or of those with `purpose`; where
/// rates are dated, at the month the policy converts budgets at (the start's by default),
/// as a project's budget is.
pub(super) fn budget_usd(
    p: &Proposal,
    lines: &[BudgetLine],
    purpose: Option<BudgetPurpose>,
    policy: &Policy,
    rates: &Rates,
) -> Result<Decimal> {
    sum_usd(
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| purpose.is_none_or(|p| l.purpose == p))
            .map(|(i, l)| (i, &l.amount)),
        rates,
        budget_month(p, policy),
        "budget",
    )
}

/// The month a proposal's budget converts at where rates are dated: the policy's date of
/// the project (start or end), where the proposal gives it.
fn budget_month(p: &Proposal, policy: &Policy) -> Option<YearMonth> {
    let date = match policy.spec().rates.budget_rate_date {
        BudgetRateDate::Start => p.start,
        BudgetRateDate::End => p.end,
    };
    date.map(YearMonth::of)
}

pub(super) fn usd(amount: Decimal) -> String {
    format!("US${}", display_amount(amount))
}

/// A text that is present and not blank.
pub(super) fn filled(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

/// Collects what one check found missing or wanting, then builds its finding.
pub(super) struct Check<'a> {
    policy: &'a Policy,
    rule: RuleId,
    missing: Vec<String>,
    problems: Vec<Text>,
}

impl<'a> Check<'a> {
    pub(super) fn new(policy: &'a Policy, rule: RuleId) -> Self {
        Check {
            policy,
            rule,
            missing: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub(super) fn missing(&mut self, path: impl Into<String>) {
        let path = path.into();
        if !self.missing.contains(&path) {
            self.missing.push(path);
        }
    }

    pub(super) fn require(&mut self, path: &str, present: bool) {
        if !present {
            self.missing(path);
        }
    }

    pub(super) fn problem(&mut self, problem: impl Into<Text>) {
        self.problems.push(problem.into());
    }

    /// The finding of a check whose whole section is missing.
    pub(super) fn absent(mut self, path: &str, help: &'static str) -> Finding {
        self.missing(path);
        self.finish("", help)
    }

    /// A pass saying `pass` when nothing is missing or wanting; otherwise a fail naming
    /// the missing fields first, then the problems, with `help` on how to fix them.
    pub(super) fn finish(self, pass: impl Into<Text>, help: impl Into<Text>) -> Finding {
        self.finish_with(|| pass, help)
    }

    /// [`Check::finish`] with a pass message that is written only for a pass.
    pub(super) fn finish_with<T: Into<Text>>(
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
