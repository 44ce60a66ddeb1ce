//! Project batches: every row of a project table through the evaluation rules (R6 §143),
//! one output row per input row, in order, with a bad row's error (code, message, field)
//! in its row instead of aborting the batch.

use std::str::FromStr;
use std::sync::Arc;

use arrow_array::{new_null_array, RecordBatch, UInt32Array};
use arrow_schema::DataType;
use chrono::NaiveDate;
use rayon::prelude::*;
use tcrules::evaluation::{self, Due, ProjectEvaluation};
use tcrules::money::Rates;
use tcrules::{Error, ErrorInfo, Finding, Policy, Result};

use crate::output::{self, dates, list_of_structs, strings, Out};
use crate::projects::projects;
use crate::requirements;
use crate::table::Table;

/// What a project batch computes for each row of a project table.
///
/// | batch | reads | result columns |
/// |---|---|---|
/// | `Requirements` | `start`, `end`, `budget_amount`, `budget_currency` (US dollars when the table has no such column) | `duration_months`, `duration_days`, `duration_class`, `budget_usd`, `mid_term_evaluation`, `annual_reviews`, `mid_term_review_if_agreed`, `independent_evaluation` |
/// | `Evaluation` | each row as a project of the core's flat layout ([`tcrules::io::csv`]) | the requirement columns, `actions`, `findings` (list of rule, status, severity, subject, message, help, citation), `schedule` (list of kind, date) |
/// | `Schedule` | as `Evaluation` | `schedule` |
///
/// Every batch ends with `error_code`, `error_message` and `error_field`, set on the rows
/// that could not be read or evaluated (and null in their other columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectBatch {
    /// R6 §143's requirements, [`evaluation::classify`] straight from each row's columns.
    Requirements,
    /// Every EVAL rule on each row, as [`evaluation::evaluate`].
    Evaluation,
    /// What falls due and when, as [`evaluation::schedule`].
    Schedule,
}

impl FromStr for ProjectBatch {
    type Err = Error;

    /// `requirements`, `evaluation` or `schedule`; anything else is an `invalid_value`
    /// error at `kind`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "requirements" => Ok(ProjectBatch::Requirements),
            "evaluation" => Ok(ProjectBatch::Evaluation),
            "schedule" => Ok(ProjectBatch::Schedule),
            other => Err(Error::Invalid {
                path: "kind".into(),
                message: format!("{other:?} is not a project batch"),
            }),
        }
    }
}

/// How result text columns are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextLayout {
    /// `Utf8` strings (what pyarrow and pandas hold).
    #[default]
    Strings,
    /// `Utf8View` string views (what polars holds, so they cross without a copy).
    Views,
}

/// Runs `batch` on every row of `table` under `policy`, amounts converted with `rates`:
/// one output row per input row, in order. The error is the table's (a column missing or
/// of a type that holds no such values); a bad row's is in its row.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
/// use tcrules::{money::Rates, Policy};
/// use tcrules_arrow::{project_batch, ProjectBatch, Table, TextLayout};
/// let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
/// let table = RecordBatch::try_from_iter([
///     ("start", text(vec!["2024-01-01", "2024-01-01"])),
///     ("end", text(vec!["2025-06-30", "2023-06-30"])),
///     ("budget_amount", Arc::new(Float64Array::from(vec![350000.01, 1.0])) as ArrayRef),
/// ]).unwrap();
/// let out = project_batch(&Table::from(table), ProjectBatch::Requirements,
///     &Policy::default(), &Rates::usd_only(), TextLayout::Strings).unwrap();
/// let column = |name| out.column_by_name(name).unwrap();
/// let class = column("duration_class").as_any().downcast_ref::<StringArray>().unwrap();
/// assert_eq!(class.iter().collect::<Vec<_>>(), [Some("medium"), None]);
/// let error = column("error_code").as_any().downcast_ref::<StringArray>().unwrap();
/// assert_eq!(error.iter().collect::<Vec<_>>(), [None, Some("end_before_start")]);
/// ```
pub fn project_batch(
    table: &Table,
    batch: ProjectBatch,
    policy: &Policy,
    rates: &Rates,
    text: TextLayout,
) -> Result<RecordBatch> {
    let views = text == TextLayout::Views;
    let mut rows = match batch {
        // The threshold compares "all sources" (R6 §143): where the table lists funding
        // lines, each row is read whole, as the core reads a project.
        ProjectBatch::Requirements if table.has("funding") => {
            Rows::evaluated(evaluate_rows(table, policy, rates, Depth::Requirements)?)
        }
        ProjectBatch::Requirements => {
            let (requirements, errors) = requirements::classify(table, policy, rates)?;
            Rows {
                len: requirements.len(),
                requirements,
                errors,
                evaluated: Vec::new(),
            }
        }
        ProjectBatch::Evaluation => {
            Rows::evaluated(evaluate_rows(table, policy, rates, Depth::Findings)?)
        }
        ProjectBatch::Schedule => {
            Rows::evaluated(evaluate_rows(table, policy, rates, Depth::Schedule)?)
        }
    };
    let mut out = Out::default();
    match batch {
        ProjectBatch::Requirements => requirement_columns(&mut rows, &mut out, views)?,
        ProjectBatch::Evaluation => {
            requirement_columns(&mut rows, &mut out, views)?;
            finding_columns(&rows, &mut out)?;
            schedule_column(&rows, &mut out)?;
        }
        ProjectBatch::Schedule => schedule_column(&rows, &mut out)?,
    }
    error_columns(&rows, &mut out);
    let out = out.finish()?;
    match text {
        TextLayout::Strings => Ok(out),
        TextLayout::Views => output::as_views(out),
    }
}

/// Evaluations falling due from `from` to `to` (inclusive) across the table's projects
/// (read as [`ProjectBatch::Schedule`] reads them), in date order: a long table of
/// `project`, `kind`, `date`, as [`evaluation::due_between`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use tcrules::{money::Rates, Policy};
/// use tcrules_arrow::{due_between, Table};
/// let text = |v: &str| -> ArrayRef { Arc::new(StringArray::from(vec![v])) };
/// let table = RecordBatch::try_from_iter([
///     ("id", text("P1")), ("title", text("Pay equity")),
///     ("start", text("2024-01-01")), ("end", text("2025-06-30")),
///     ("budget_amount", text("100000")), ("budget_currency", text("USD")),
/// ]).unwrap();
/// let d = |s: &str| s.parse().unwrap();
/// let due = due_between(&Table::from(table), &Policy::default(), &Rates::usd_only(),
///     d("2024-07-01"), d("2024-12-31")).unwrap();
/// let kind = due.column_by_name("kind").unwrap();
/// let kind = kind.as_any().downcast_ref::<StringArray>().unwrap();
/// assert_eq!(kind.iter().collect::<Vec<_>>(), [Some("mid_term")]);
/// ```
pub fn due_between(
    table: &Table,
    policy: &Policy,
    rates: &Rates,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<RecordBatch> {
    let rows = evaluate_rows(table, policy, rates, Depth::Schedule)?;
    let due = evaluation::due_between(&rows, from, to);
    let mut out = Out::default();
    out.push(
        "project",
        strings(due.iter().map(|(p, _)| Some(p.as_str()))),
    );
    out.push(
        "kind",
        strings(due.iter().map(|(_, d)| Some(d.kind.as_str()))),
    );
    out.push("date", dates(due.iter().map(|(_, d)| Some(&d.date))));
    out.finish()
}

/// How much of the core's evaluation a row needs.
#[derive(Clone, Copy)]
pub(crate) enum Depth {
    /// The requirements ([`evaluation::requirements`]).
    Requirements,
    /// The schedule ([`evaluation::schedule`]), much cheaper than every finding.
    Schedule,
    /// Every finding ([`evaluation::evaluate`]).
    Findings,
}

/// The core's evaluation of every row, to `depth` (a row that is not a project keeps its
/// error).
pub(crate) fn evaluate_rows(
    table: &Table,
    policy: &Policy,
    rates: &Rates,
    depth: Depth,
) -> Result<Vec<ProjectEvaluation>> {
    let empty = |project: String, error: Option<ErrorInfo>| ProjectEvaluation {
        project,
        requirements: None,
        schedule: Vec::new(),
        findings: Vec::new(),
        error,
    };
    // Each row on whichever core is free: a full evaluation costs far more than reading.
    Ok(read_projects(table, policy)?
        .into_par_iter()
        .map(|row| match row {
            Ok(p) => match depth {
                Depth::Findings => evaluation::evaluate(&p, policy, rates),
                Depth::Schedule => match evaluation::schedule(&p, policy, rates) {
                    Ok(schedule) => ProjectEvaluation {
                        schedule,
                        ..empty(p.id, None)
                    },
                    Err(e) => empty(p.id, Some(e.info())),
                },
                Depth::Requirements => match evaluation::requirements(&p, policy, rates) {
                    Ok(r) => ProjectEvaluation {
                        requirements: Some(r),
                        ..empty(p.id, None)
                    },
                    Err(e) => empty(p.id, Some(e.info())),
                },
            },
            Err(e) => empty(String::new(), Some(e)),
        })
        .collect())
}

/// Every row of `table` as a project (a row's own `budget_rate` applied by the core's
/// reader), or the error that keeps it from being one, its path relative to the row.
pub(crate) fn read_projects(
    table: &Table,
    policy: &Policy,
) -> Result<Vec<std::result::Result<tcrules::Project, ErrorInfo>>> {
    let rows = projects(table, &policy.spec().labels)?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| relative(table.user_error(e).info(), i)))
        .collect())
}

/// The error with its path relative to the row: `projects[3].start` becomes `start`; so
/// do the paths of the bad cells it lists.
pub(crate) fn relative(info: ErrorInfo, i: usize) -> ErrorInfo {
    info.within(&format!("projects[{i}]"))
}

/// The output rows, column by column: the requirement columns, each bad row's error
/// (sparse, in row order) and, for a full evaluation, each row's findings and schedule.
struct Rows {
    len: usize,
    requirements: requirements::Columns,
    errors: Vec<(usize, ErrorInfo)>,
    evaluated: Vec<Option<Evaluated>>,
}

/// What a full evaluation adds to a row.
struct Evaluated {
    findings: Vec<Finding>,
    schedule: Vec<Due>,
}

impl Rows {
    fn evaluated(evaluations: Vec<ProjectEvaluation>) -> Self {
        let len = evaluations.len();
        let mut requirements = requirements::Columns::new(len);
        let mut slots = requirements.slots();
        let mut errors = Vec::new();
        let mut evaluated = Vec::with_capacity(len);
        for ((i, e), slot) in evaluations.into_iter().enumerate().zip(slots.each()) {
            if let Some(r) = &e.requirements {
                slot.set(r);
            }
            evaluated.push(e.error.is_none().then_some(Evaluated {
                findings: e.findings,
                schedule: e.schedule,
            }));
            errors.extend(e.error.map(|info| (i, info)));
        }
        Rows {
            len,
            requirements,
            errors,
            evaluated,
        }
    }

    fn findings(&self) -> Vec<Option<&[Finding]>> {
        let all = self.evaluated.iter();
        all.map(|e| e.as_ref().map(|e| e.findings.as_slice()))
            .collect()
    }

    fn schedules(&self) -> Vec<Option<&[Due]>> {
        let all = self.evaluated.iter();
        all.map(|e| e.as_ref().map(|e| e.schedule.as_slice()))
            .collect()
    }
}

/// Requirement columns (and `budget_usd` overflow moved into the error columns).
fn requirement_columns(rows: &mut Rows, out: &mut Out, views: bool) -> Result<()> {
    let columns = std::mem::replace(&mut rows.requirements, requirements::Columns::new(0));
    let overflowed = columns.finish(out, views)?;
    if !overflowed.is_empty() {
        let info = Error::Overflow {
            path: "budget_usd".into(),
        }
        .info();
        rows.errors
            .extend(overflowed.into_iter().map(|i| (i, info.clone())));
        // A row keeps its first error.
        rows.errors.sort_by_key(|(i, _)| *i);
        rows.errors.dedup_by_key(|(i, _)| *i);
    }
    Ok(())
}

fn finding_columns(rows: &Rows, out: &mut Out) -> Result<()> {
    let lists = rows.findings();
    out.push(
        "actions",
        Arc::new(
            lists
                .iter()
                .map(|f| {
                    f.map(|f| {
                        u32::try_from(f.iter().filter(|x| x.needs_action()).count())
                            .unwrap_or(u32::MAX)
                    })
                })
                .collect::<UInt32Array>(),
        ),
    );
    let text = |f: fn(&Finding) -> Option<&str>| {
        move |items: &[&Finding]| strings(items.iter().map(|x| f(x)))
    };
    let rule = text(|f| Some(f.rule.as_str()));
    let status = text(|f| Some(f.status.as_str()));
    let severity = text(|f| Some(f.severity.as_str()));
    let subject = text(|f| f.subject.as_deref());
    let message = text(|f| Some(f.message.as_str()));
    let help = text(|f| f.help.as_deref());
    let citation = text(|f| Some(f.citation.as_str()));
    out.push(
        "findings",
        list_of_structs(
            &lists,
            vec![
                ("rule", DataType::Utf8, &rule),
                ("status", DataType::Utf8, &status),
                ("severity", DataType::Utf8, &severity),
                ("subject", DataType::Utf8, &subject),
                ("message", DataType::Utf8, &message),
                ("help", DataType::Utf8, &help),
                ("citation", DataType::Utf8, &citation),
            ],
        )?,
    );
    Ok(())
}

fn schedule_column(rows: &Rows, out: &mut Out) -> Result<()> {
    let lists = rows.schedules();
    let kind = |items: &[&Due]| strings(items.iter().map(|d| Some(d.kind.as_str())));
    let date = |items: &[&Due]| dates(items.iter().map(|d| Some(&d.date)));
    out.push(
        "schedule",
        list_of_structs(
            &lists,
            vec![
                ("kind", DataType::Utf8, &kind),
                ("date", DataType::Date32, &date),
            ],
        )?,
    );
    Ok(())
}

fn error_columns(rows: &Rows, out: &mut Out) {
    let names = ["error_code", "error_message", "error_field"];
    if rows.errors.is_empty() {
        for name in names {
            out.push(name, new_null_array(&DataType::Utf8, rows.len));
        }
        return;
    }
    let mut by_row: Vec<Option<&ErrorInfo>> = vec![None; rows.len];
    for (i, info) in &rows.errors {
        if let Some(slot) = by_row.get_mut(*i) {
            *slot = Some(info);
        }
    }
    let fields: [fn(&ErrorInfo) -> &str; 3] = [|e| &e.code, |e| &e.message, |e| &e.path];
    for (name, field) in names.into_iter().zip(fields) {
        out.push(name, strings(by_row.iter().map(|e| e.map(field))));
    }
}
