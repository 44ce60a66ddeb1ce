//! The exit status: what a run found, and the code the program ends with, so that a CI
//! pipeline can tell a clean portfolio from one that needs action (issue 19, item 6).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every input was evaluated (and, with `--fail-on`, no finding of that status) |
//! | 1 | an input could not be read, or some row, project or activity could not be evaluated |
//! | 2 | a usage error: an unknown command or option, a bad value, `--to` before `--from` |
//! | 3 | `--fail-on`: the findings include one of that status or worse |
//!
//! An input that could not be evaluated wins over findings: the findings of an
//! incomplete run cannot vouch for the portfolio.

use clap::ValueEnum;
use tcrules::{Finding, Status};

/// An input could not be read, or some of it could not be evaluated.
pub const INCOMPLETE: u8 = 1;
/// The command line is wrong (clap's code for its own errors).
pub const USAGE: u8 = 2;
/// `--fail-on`: findings of that status or worse.
pub const FINDINGS: u8 = 3;

/// The least serious finding status that fails the run (`--fail-on`): `fail`, or
/// `warning` for a fail or a warning. (No doc comments on the values: clap would print
/// every command's help in its long layout.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Fail,
    Warning,
}

/// What a command's run found that decides the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    unevaluated: bool,
    fails: bool,
    warnings: bool,
}

impl Outcome {
    /// The outcome of a run that reported `findings` (the passes and the rest alike).
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        findings
            .into_iter()
            .fold(Outcome::default(), |o, f| Outcome {
                fails: o.fails || f.status == Status::Fail,
                warnings: o.warnings || f.status == Status::Warning,
                ..o
            })
    }

    /// Both runs' outcomes together: what a streamed run accumulates row by row.
    #[must_use]
    pub fn and(self, other: Outcome) -> Self {
        Outcome {
            unevaluated: self.unevaluated || other.unevaluated,
            fails: self.fails || other.fails,
            warnings: self.warnings || other.warnings,
        }
    }

    /// Marks the run incomplete when `unevaluated`: some row, project or activity has an
    /// error instead of an evaluation.
    #[must_use]
    pub fn unevaluated_if(self, unevaluated: bool) -> Self {
        Outcome {
            unevaluated: self.unevaluated || unevaluated,
            ..self
        }
    }

    /// The exit code under `--fail-on`.
    pub fn code(self, fail_on: Option<FailOn>) -> u8 {
        let failing = match fail_on {
            None => false,
            Some(FailOn::Fail) => self.fails,
            Some(FailOn::Warning) => self.fails || self.warnings,
        };
        if self.unevaluated {
            INCOMPLETE
        } else if failing {
            FINDINGS
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcrules::{Policy, RuleId};

    fn finding(status: Status) -> Finding {
        Finding::new(&Policy::default(), RuleId::EvalPlan, status, "m")
    }

    #[test]
    fn fail_on_counts_the_status_and_worse() {
        let warned = Outcome::of(&[finding(Status::Pass), finding(Status::Warning)]);
        assert_eq!(warned.code(None), 0);
        assert_eq!(warned.code(Some(FailOn::Fail)), 0);
        assert_eq!(warned.code(Some(FailOn::Warning)), FINDINGS);
        let failed = Outcome::of(&[finding(Status::Fail)]);
        assert_eq!(failed.code(Some(FailOn::Fail)), FINDINGS);
        assert_eq!(failed.code(Some(FailOn::Warning)), FINDINGS);
        let quiet = Outcome::of(&[finding(Status::NotApplicable)]);
        assert_eq!(quiet.code(Some(FailOn::Warning)), 0);
    }

    #[test]
    fn an_incomplete_run_exits_1_whatever_its_findings() {
        let o = Outcome::of(&[finding(Status::Fail)]).unevaluated_if(true);
        assert_eq!(o.code(None), INCOMPLETE);
        assert_eq!(o.code(Some(FailOn::Fail)), INCOMPLETE);
        assert_eq!(
            Outcome::default()
                .unevaluated_if(false)
                .code(Some(FailOn::Fail)),
            0
        );
    }
}
