//! WebAssembly bindings of [`tcrules`]: the core's JSON boundary ([`tcrules::api::call_str`])
//! as a small JavaScript API. No rule logic lives here.
//!
//! A [`Policy`] is an edition compiled once; its methods take plain JavaScript values (or
//! JSON text) shaped like the core's inputs and answer with a tagged union,
//! `{type: "ok", value}` or `{type: "error", errors: [{code, path, message}]}`. Bad data
//! never throws and never panics. Money travels as decimal strings, both ways. An input
//! longer than [`MAX_INPUT_LENGTH`] (characters of text, or bytes of a file) is refused
//! with a `too_large` error before it is copied into the module.

#[cfg(feature = "importers")]
use js_sys::Uint8Array;
use js_sys::{Array, JsString, Object, Reflect, JSON};
#[cfg(any(feature = "importers", feature = "portfolio", feature = "exporters"))]
use tcrules::io;
#[cfg(feature = "importers")]
use tcrules::money::Rates;
use tcrules::{api, Error, ErrorInfo};
use wasm_bindgen::prelude::*;

/// Longest input accepted: JSON or file text in UTF-16 code units (JavaScript's
/// `length`), or a file's bytes.
pub const MAX_INPUT_LENGTH: u32 = 16 << 20;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
import type { Appraisal, ErrorInfo, PolicySpec, PolicyStamp, Project, ProjectEvaluation, Proposal, Rates } from "./types.js";
export type * from "./types.js";

/** An answer: the value, or the errors that kept the call from giving one. Bad data never throws. */
export type Answer<T> = { type: "ok"; value: T } | { type: "error"; errors: ErrorInfo[] };

/** What `Policy.appraise` reads; `rates` (US dollars per unit) for budget lines in other currencies. */
export interface AppraisalInput { proposal: Proposal; rates?: Rates }
/** What `Policy.evaluate` reads. */
export interface EvaluationInput { project: Project; rates?: Rates }

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
/** A policy edition: complete, or `extends: "ilo-2006"` with its own name and version and the fields it changes. */
export type PolicyEdition = PolicySpec | ({ name: string; version: string; extends: "ilo-2006" } & DeepPartial<Omit<PolicySpec, "name" | "version">>);
"#;

/// The kinds `Policy.call` answers in this build; the others are an `invalid_value` error
/// at `kind`.
#[cfg(not(feature = "portfolio"))]
#[wasm_bindgen(typescript_custom_section)]
const KIND_TYPE: &'static str = r#"
/** The kinds of the core's JSON boundary this module answers, for `Policy.call`; the full module (`pkg-full/`) answers the portfolio kinds too. */
export type Kind = "evaluation" | "schedule" | "appraisal" | "policy";
"#;

#[cfg(feature = "portfolio")]
#[wasm_bindgen(typescript_custom_section)]
const KIND_TYPE: &'static str = r#"
import type { DeliveryReport, EvaluationKind, GroupBy, Portfolio, ReportingPeriod } from "./types.js";

/** The kinds of the core's JSON boundary, for `Policy.call`. */
export type Kind = "evaluation" | "schedule" | "appraisal" | "delivery" | "delivery_series" | "delivery_by" | "findings" | "integration" | "portfolio" | "report" | "policy" | "read_portfolio" | "iati";

/** What `Policy.delivery` reads: the projects and monthly records, grouped and over a period. */
export interface DeliveryInput { portfolio: Portfolio; group_by: GroupBy; period: ReportingPeriod }

/** What `dueBetween` reads: evaluation rows (a report's `evaluations`, of which it reads each project and schedule) and a window, both ends included. */
export interface DueInput { evaluations: Pick<ProjectEvaluation, "project" | "schedule">[]; from: string; to: string }
/** One evaluation or review falling due, with its project's id. */
export interface DueItem { project: string; kind: EvaluationKind; date: string }
/** What `Policy.deliveryBy` reads: `by` the keys (time keys `year`, `quarter`, `month`, `biennium`; `project`, `source`; project attributes `unit`, `region`, `donor`, ...), `ytd` for year-to-date sums. */
export interface DeliveryByInput { portfolio: Portfolio; by: string[]; ytd?: boolean }
/** One group of `Policy.deliveryBy`: its keys in order (a number for `year`), exact sums as decimal strings, the rate as a fraction (null when nothing was allocated), the DLV status and the records summed. */
export interface KeyedDelivery { keys: (string | number)[]; allocation_usd: string; expenditure_usd: string; rate: number | null; status: "pass" | "warning" | "overspend" | "undefined"; records: number }
"#;

#[cfg(feature = "importers")]
#[wasm_bindgen(typescript_custom_section)]
const IMPORTER_TYPES: &'static str = r#"
import type { IatiReport } from "./types.js";

/** The file formats of `Policy.read`: a portfolio (JSON), a table (CSV, or an .xlsx/.ods workbook's first sheet), an IATI activity file, a policy edition. */
export type Format = "json" | "csv" | "iati" | "policy";

/** What `readTable` is told of a table file: the workbook's sheet (default: the first), whether dates written with numbers are day first, and which of the file's headers is which column (`{"Project ID": "id"}`). */
export interface TableOptions { sheet?: string; day_first?: boolean; columns?: Record<string, string> }
"#;

/// A policy edition, validated and stamped once, to evaluate many inputs with.
#[wasm_bindgen]
#[derive(Default)]
pub struct Policy(tcrules::Policy);

#[wasm_bindgen]
impl Policy {
    /// The built-in edition, `ilo-2006`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Policy {
        Policy::default()
    }

    /// Compiles a policy edition (an object, or a policy file's JSON text).
    #[wasm_bindgen(unchecked_return_type = "Answer<Policy>")]
    pub fn load(
        #[wasm_bindgen(unchecked_param_type = "PolicyEdition | string")] edition: &JsValue,
    ) -> JsValue {
        match json_text(edition).and_then(|text| tcrules::Policy::from_json(&text)) {
            Ok(policy) => tagged("ok", "value", Policy(policy).into()),
            Err(e) => to_js(&answer(Err(e.info()))),
        }
    }

    /// The edition's name, version and content hash, as every result carries them.
    #[wasm_bindgen(getter, unchecked_return_type = "PolicyStamp")]
    pub fn stamp(&self) -> JsValue {
        to_js(&serde_json::to_string(self.0.stamp()).unwrap_or_default())
    }

    /// Appraises a proposal: verdict, score, one finding per APR check, and the evaluation
    /// requirements and schedule its dates and budget imply.
    #[wasm_bindgen(unchecked_return_type = "Answer<Appraisal>")]
    pub fn appraise(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AppraisalInput | string")] input: &JsValue,
    ) -> JsValue {
        to_js(&answer(self.run("appraisal", input)))
    }

    /// The evaluation requirements, schedule and EVAL findings of a project.
    #[wasm_bindgen(unchecked_return_type = "Answer<ProjectEvaluation>")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EvaluationInput | string")] input: &JsValue,
    ) -> JsValue {
        let answer = to_js(&answer(self.run("evaluation", input)));
        // A project that could not be evaluated is a row with an `error`: an error answer.
        let error = Reflect::get(&answer, &"value".into())
            .and_then(|row| Reflect::get(&row, &"error".into()))
            .unwrap_or_default();
        if error.is_object() {
            tagged("error", "errors", Array::of1(&error).into())
        } else {
            answer
        }
    }

    /// Delivery of a portfolio's monthly records by group over a reporting period.
    #[cfg(feature = "portfolio")]
    #[wasm_bindgen(unchecked_return_type = "Answer<DeliveryReport>")]
    pub fn delivery(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeliveryInput | string")] input: &JsValue,
    ) -> JsValue {
        to_js(&answer(self.run("delivery", input)))
    }

    /// Delivery by any keys in one call: one row per group (issue 16), the keys time keys,
    /// records' fields or project attributes.
    #[cfg(feature = "portfolio")]
    #[wasm_bindgen(js_name = deliveryBy, unchecked_return_type = "Answer<KeyedDelivery[]>")]
    pub fn delivery_by(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeliveryByInput | string")] input: &JsValue,
    ) -> JsValue {
        to_js(&answer(self.run("delivery_by", input)))
    }

    /// Reads an IATI activity file (XML 2.03 or 1.0x; its text, or its bytes as a
    /// `Uint8Array`) and applies the rules to every activity: one row each, in file order,
    /// with duration class, required evaluations, independent evaluation, delivery by year
    /// and the gender marker finding, or the error that kept it from being read. `rates`
    /// (US dollars per unit) convert other currencies. `options.as_of` (`YYYY-MM-DD`) asks
    /// of each activity that ended more than the policy's months before it whether it
    /// publishes its evaluation (IATI-EVAL-DOC; not asked without it); `options.periods`
    /// is the kind of year of delivery: `"published"` (the publisher's budget year, the
    /// default), `"calendar"` or `{ fiscal: 4 }`.
    #[cfg(feature = "importers")]
    #[wasm_bindgen(unchecked_return_type = "Answer<IatiReport>")]
    pub fn iati(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Rates | string")] rates: Option<JsValue>,
        #[wasm_bindgen(
            unchecked_optional_param_type = "{ as_of?: string; periods?: \"published\" | \"calendar\" | { fiscal: number } }"
        )]
        options: Option<JsValue>,
    ) -> JsValue {
        let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
            return to_js(&answer(self.read_file("iati", data, rates)));
        };
        let read = || -> Result<String, Error> {
            let options: IatiOptions =
                io::json::from_str(&json_text(&options)?).map_err(|e| e.at("options"))?;
            let options = tcrules::iati::ReadOptions {
                as_of: options
                    .as_of
                    .as_deref()
                    .map(tcrules::iati::as_of)
                    .transpose()?,
                periods: options.periods,
            };
            let rates = read_rates(rates)?;
            api::read_iati(&file_bytes(data)?, &rates, &self.0, &options)
        };
        to_js(&answer(read().map_err(|e| e.info())))
    }

    /// Reads a file (its text, or its bytes as a `Uint8Array`) in `format`, as the command
    /// line reads files: `json` a portfolio, `csv` a table of projects, records or
    /// approvals (the canonical portfolio either way), `policy` an edition (its stamp),
    /// `iati` an IATI activity file (as `iati` reads it). Bytes that are not UTF-8 are the
    /// format's own error, except that an IATI file may be UTF-16, in the encoding its XML
    /// declaration names, or gzip-compressed.
    #[cfg(feature = "importers")]
    #[wasm_bindgen(unchecked_return_type = "Answer<Portfolio | PolicyStamp | IatiReport>")]
    pub fn read(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Format")] format: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Rates | string")] rates: Option<JsValue>,
    ) -> JsValue {
        let format = format.as_string().unwrap_or_default();
        to_js(&answer(self.read_file(&format, data, rates)))
    }

    /// Any kind of the core's JSON boundary, answered as JSON text: byte for byte what
    /// `tcrules::api::call_str` gives, wrapped in the tagged union.
    pub fn call(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Kind")] kind: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | string")] input: &JsValue,
    ) -> String {
        answer(self.run(&kind.as_string().unwrap_or_default(), input))
    }
}

impl Policy {
    fn run(&self, kind: &str, input: &JsValue) -> Result<String, ErrorInfo> {
        json_text(input)
            .and_then(|text| api::call_str(kind, &text, &self.0))
            .map_err(|e| e.info())
    }

    #[cfg(feature = "importers")]
    fn read_file(
        &self,
        format: &str,
        data: &JsValue,
        rates: Option<JsValue>,
    ) -> Result<String, ErrorInfo> {
        read_rates(rates)
            .and_then(|rates| api::read_str(format, &file_bytes(data)?, &rates, &self.0))
            .map_err(|e| e.info())
    }
}

/// The `options` argument of `iati`: the as-of date as text, read by the core so that a
/// date that is not one is the same error as at the JSON boundary.
#[cfg(feature = "importers")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IatiOptions {
    as_of: Option<String>,
    #[serde(default)]
    periods: tcrules::iati::Periods,
}

/// The `rates` argument of the file readers: US dollars only when not given.
#[cfg(feature = "importers")]
fn read_rates(rates: Option<JsValue>) -> Result<Rates, Error> {
    match rates.filter(|r| !r.is_undefined() && !r.is_null()) {
        Some(r) => json_text(&r)
            .and_then(|text| io::json::from_str::<Rates>(&text))
            .map_err(|e| e.at("rates")),
        None => Ok(Rates::usd_only()),
    }
}

/// Several portfolios as one ([`tcrules::Portfolio::merge`], in the order given): a page
/// that opens a projects table and a records table reads them into one portfolio.
#[cfg(feature = "portfolio")]
#[wasm_bindgen(js_name = mergePortfolios, unchecked_return_type = "Answer<Portfolio>")]
pub fn merge_portfolios(
    #[wasm_bindgen(unchecked_param_type = "Portfolio[] | string")] portfolios: &JsValue,
) -> JsValue {
    let merged = json_text(portfolios)
        .and_then(|text| io::json::from_str::<Vec<tcrules::Portfolio>>(&text))
        .and_then(|all| {
            all.into_iter()
                .try_fold(tcrules::Portfolio::default(), |mut one, p| {
                    one.merge(p).map(|()| one)
                })
        })
        .and_then(|one| {
            serde_json::to_string(&one).map_err(|e| Error::Io {
                path: String::new(),
                message: e.to_string(),
            })
        });
    to_js(&answer(merged.map_err(|e| e.info())))
}

/// The evaluations and reviews falling due in a window, both ends included, in date order
/// ([`tcrules::evaluation::due_between`]), from evaluation rows such as a report's.
#[cfg(feature = "portfolio")]
#[wasm_bindgen(js_name = dueBetween, unchecked_return_type = "Answer<DueItem[]>")]
pub fn due_between(
    #[wasm_bindgen(unchecked_param_type = "DueInput | string")] input: &JsValue,
) -> JsValue {
    let due = json_text(input)
        .and_then(|text| io::json::parse_value(&text))
        .and_then(|input| {
            let field = |name: &str| input.get(name).cloned().unwrap_or_default();
            // Each row's project and schedule only: what falls due needs no more, and reading
            // no findings keeps their reading code out of the module.
            let rows = match field("evaluations") {
                serde_json::Value::Array(rows) => rows,
                _ => {
                    return Err(Error::Invalid {
                        path: "evaluations".into(),
                        message: "expected a list of evaluation rows".into(),
                    })
                }
            };
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| {
                    let at = |name: &str| format!("evaluations[{i}].{name}");
                    let part = |name: &str| row.get(name).cloned().unwrap_or_default();
                    Ok(tcrules::evaluation::ProjectEvaluation {
                        project: io::json::from_value(part("project")).map_err(|e| e.at(&at("project")))?,
                        schedule: io::json::from_value(part("schedule")).map_err(|e| e.at(&at("schedule")))?,
                        requirements: None,
                        findings: Vec::new(),
                        error: None,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let from: chrono::NaiveDate =
                io::json::from_value(field("from")).map_err(|e| e.at("from"))?;
            let to: chrono::NaiveDate = io::json::from_value(field("to")).map_err(|e| e.at("to"))?;
            let items: Vec<serde_json::Value> = tcrules::evaluation::due_between(&rows, from, to)
                .into_iter()
                .map(|(project, d)| serde_json::json!({"project": project, "kind": d.kind, "date": d.date}))
                .collect();
            Ok(serde_json::Value::from(items).to_string())
        });
    to_js(&answer(due.map_err(|e| e.info())))
}

/// The columns of the core's CSV tables (`projects`, `records`, `approvals`), in order:
/// what a page offers when it maps a spreadsheet's own headers onto them.
#[cfg(feature = "importers")]
#[wasm_bindgen(
    unchecked_return_type = "{ projects: string[]; records: string[]; approvals: string[] }"
)]
pub fn columns() -> JsValue {
    let tables = serde_json::json!({
        "projects": io::csv::PROJECT_COLUMNS,
        "records": io::csv::RECORD_COLUMNS,
        "approvals": io::csv::APPROVAL_COLUMNS,
    });
    to_js(&tables.to_string())
}

/// Tables as an Excel workbook (`.xlsx` bytes), one worksheet each: `[{name, columns,
/// rows}]`, every cell text. Cells are written as strings, never as formulas, so a cell
/// that begins with `=`, `+`, `-` or `@` reads as written; the header row is bold, frozen
/// and filtered.
#[cfg(feature = "exporters")]
#[wasm_bindgen(unchecked_return_type = "Answer<Uint8Array>")]
pub fn workbook(
    #[wasm_bindgen(
        unchecked_param_type = "{ name: string; columns: string[]; rows: string[][] }[] | string"
    )]
    sheets: &JsValue,
) -> JsValue {
    bytes_answer(
        json_text(sheets)
            .and_then(|text| io::json::parse_value(&text))
            .and_then(|sheets| write_workbook(&sheets)),
    )
}

/// A file's bytes as the answer's `Uint8Array`, or the error.
#[cfg(feature = "exporters")]
fn bytes_answer(bytes: Result<Vec<u8>, Error>) -> JsValue {
    match bytes {
        Ok(bytes) => tagged(
            "ok",
            "value",
            js_sys::Uint8Array::from(bytes.as_slice()).into(),
        ),
        Err(e) => to_js(&answer(Err(e.info()))),
    }
}

/// The proposal template (`tcrules::template::workbook`) as `.xlsx` bytes: blank, or
/// filled with `proposal` (an officer's draft, to go on with in a spreadsheet).
#[cfg(feature = "exporters")]
#[wasm_bindgen(js_name = proposalTemplate, unchecked_return_type = "Answer<Uint8Array>")]
pub fn proposal_template(
    #[wasm_bindgen(unchecked_optional_param_type = "Proposal | string")] proposal: Option<JsValue>,
) -> JsValue {
    let bytes = match proposal.filter(|p| !p.is_undefined() && !p.is_null()) {
        Some(p) => json_text(&p)
            .and_then(|text| io::json::from_str::<tcrules::Proposal>(&text))
            .and_then(|p| tcrules::template::workbook(Some(&p))),
        None => tcrules::template::workbook(None),
    };
    bytes_answer(bytes)
}

/// A filled proposal template read back as a proposal (`tcrules::template::read_file`):
/// the workbook's bytes, or the template saved as CSV (text or bytes). Every bad cell is
/// an error naming its sheet, row and column.
#[cfg(feature = "importers")]
#[wasm_bindgen(js_name = readProposal, unchecked_return_type = "Answer<Proposal>")]
pub fn read_proposal(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
) -> JsValue {
    let read = file_bytes(data)
        .and_then(|bytes| tcrules::template::read_file(&bytes))
        .and_then(|p| {
            serde_json::to_string(&p).map_err(|e| Error::Json {
                path: String::new(),
                message: e.to_string(),
            })
        })
        .map_err(|e| e.info());
    to_js(&answer(read))
}

/// The cells of `value` (a list of text), or the error at `path`.
#[cfg(feature = "exporters")]
fn texts<'v>(value: Option<&'v serde_json::Value>, path: &str) -> Result<Vec<&'v str>, Error> {
    let invalid = || Error::Invalid {
        path: path.to_owned(),
        message: "expected a list of text cells".into(),
    };
    value
        .and_then(serde_json::Value::as_array)
        .ok_or_else(invalid)?
        .iter()
        .map(|cell| cell.as_str().ok_or_else(invalid))
        .collect()
}

#[cfg(feature = "exporters")]
fn write_workbook(sheets: &serde_json::Value) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook, XlsxError};
    let failed = |path: String| {
        move |e: XlsxError| Error::Io {
            path: path.clone(),
            message: e.to_string(),
        }
    };
    let sheets = sheets.as_array().ok_or_else(|| Error::Invalid {
        path: String::new(),
        message: "expected a list of sheets".into(),
    })?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, sheet) in sheets.iter().enumerate() {
        let at = format!("[{i}]");
        let name = sheet
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("Sheet");
        let columns = texts(sheet.get("columns"), &format!("{at}.columns"))?;
        let rows = sheet
            .get("rows")
            .and_then(serde_json::Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let ws = book.add_worksheet();
        ws.set_name(name).map_err(failed(format!("{at}.name")))?;
        let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
        for (c, column) in (0u16..).zip(&columns) {
            ws.write_string_with_format(0, c, *column, &bold)
                .map_err(failed(format!("{at}.columns[{c}]")))?;
        }
        for (r, row) in (1u32..).zip(rows) {
            let cells = texts(Some(row), &format!("{at}.rows[{}]", r - 1))?;
            for ((c, cell), width) in (0u16..).zip(&cells).zip(widths.iter_mut()) {
                ws.write_string(r, c, *cell)
                    .map_err(failed(format!("{at}.rows[{}][{c}]", r - 1)))?;
                *width = (*width).max(cell.chars().count());
            }
        }
        for (c, width) in (0u16..).zip(&widths) {
            // Characters of the widest cell, up to a column of 60.
            let width = u32::try_from((*width).clamp(6, 60)).unwrap_or(60);
            ws.set_column_width(c, width + 2)
                .map_err(failed(format!("{at}.columns[{c}]")))?;
        }
        ws.set_freeze_panes(1, 0).map_err(failed(at.clone()))?;
        if let (Some(last), false) = (
            u16::try_from(columns.len())
                .ok()
                .and_then(|n| n.checked_sub(1)),
            rows.is_empty(),
        ) {
            let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
            ws.autofilter(0, 0, last_row, last)
                .map_err(failed(at.clone()))?;
        }
    }
    book.save_to_buffer().map_err(failed(String::new()))
}

/// Reads a table file, its text or its bytes as a `Uint8Array`, into the portfolio holding
/// that table, as `Policy.read("csv", ...)` does: CSV as spreadsheets save it (`,`, `;` or
/// tab, a byte-order mark, grouped amounts) or an Excel (`.xlsx`) or OpenDocument
/// (`.ods`) workbook, told from the content, never the file's name. `options`:
/// `sheet` (the workbook's sheet to read; default: the first), `day_first` (how dates
/// written with numbers read) and `columns` (which of the file's headers is which column:
/// `{"Project ID": "id"}`). Errors as the CSV reader's: every bad cell listed.
#[cfg(feature = "importers")]
#[wasm_bindgen(js_name = readTable, unchecked_return_type = "Answer<Portfolio>")]
pub fn read_table(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "TableOptions")] options: Option<JsValue>,
) -> JsValue {
    let run = || -> Result<String, Error> {
        let (options, sheet) = table_options(options)?;
        api::read_table_str(&file_bytes(data)?, &options, sheet.as_deref())
    };
    to_js(&answer(run().map_err(|e| e.info())))
}

/// A table file's CSV text: a workbook's sheet (`sheet`, or the first) as CSV, cells as
/// typed (dates `YYYY-MM-DD`, numbers by their shortest digits), or a CSV file's own text;
/// for a page to show what it read.
#[cfg(feature = "importers")]
#[wasm_bindgen(js_name = tableText, unchecked_return_type = "Answer<string>")]
pub fn table_text(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
    sheet: Option<String>,
) -> JsValue {
    let run = || -> Result<String, Error> {
        let bytes = file_bytes(data)?;
        let text = io::table_text(&bytes, sheet.as_deref())?;
        serde_json::to_string(&*text).map_err(|e| Error::Io {
            path: String::new(),
            message: e.to_string(),
        })
    };
    to_js(&answer(run().map_err(|e| e.info())))
}

/// `readTable`'s options: the CSV reader's, and the sheet.
#[cfg(feature = "importers")]
fn table_options(options: Option<JsValue>) -> Result<(io::csv::Options, Option<String>), Error> {
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok((io::csv::Options::default(), None));
    };
    let value = io::json::parse_value(&json_text(&options)?).map_err(|e| e.at("options"))?;
    let field = |name: &str| value.get(name).filter(|v| !v.is_null());
    let wrong = |name: &str, what: &str| Error::Invalid {
        path: format!("options.{name}"),
        message: format!("expected {what}"),
    };
    let sheet = match field("sheet") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .ok_or_else(|| wrong("sheet", "a sheet's name"))?
                .to_owned(),
        ),
    };
    let day_first = match field("day_first") {
        None => None,
        Some(v) => Some(
            v.as_bool()
                .ok_or_else(|| wrong("day_first", "true or false"))?,
        ),
    };
    let columns = match field("columns") {
        None => io::Columns::default(),
        Some(v) => io::Columns::from_json(&v.to_string())?,
    };
    let options = io::csv::Options {
        day_first,
        columns,
        ..io::csv::Options::default()
    };
    Ok((options, sheet))
}

/// The longest input accepted, as JSON text, in UTF-16 code units.
#[wasm_bindgen(js_name = maxInputLength)]
pub fn max_input_length() -> u32 {
    MAX_INPUT_LENGTH
}

/// The JSON text of an input: a string is JSON text already; anything else goes through
/// `JSON.stringify`. Texts over [`MAX_INPUT_LENGTH`] are refused before they are copied.
fn json_text(input: &JsValue) -> Result<String, Error> {
    let json = |message: String| Error::Json {
        path: String::new(),
        message,
    };
    let text = if input.is_string() {
        input.clone()
    } else {
        JSON::stringify(input)
            .map_err(|e| {
                let reason = e
                    .dyn_ref::<js_sys::Error>()
                    .map_or_else(|| "unknown reason".to_owned(), |e| e.message().into());
                json(format!("the input cannot be written as JSON: {reason}"))
            })?
            .into()
    };
    // `JSON.stringify` gives `undefined` for `undefined`, functions and symbols.
    let Some(text) = text.dyn_ref::<JsString>() else {
        return Err(json("no input: expected an object or JSON text".to_owned()));
    };
    if text.length() > MAX_INPUT_LENGTH {
        return Err(Error::TooLarge {
            path: String::new(),
            message: format!(
                "input of {} characters is over the limit of {MAX_INPUT_LENGTH} characters",
                text.length()
            ),
        });
    }
    utf8(text).ok_or_else(|| json("the input is not text".to_owned()))
}

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (browsers and Node have it).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, destination: &mut [u8]) -> Encoded;

    /// What `encodeInto` did: UTF-16 code units read, bytes written.
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JavaScript string as UTF-8, copied into the module by one `encodeInto` for text that
/// fits a byte per code unit (JSON is mostly ASCII), where wasm-bindgen's own conversion
/// copies ASCII one code unit at a time. The rest, if any, gets the 3 bytes a code unit can
/// take. Lone surrogates become U+FFFD, as in wasm-bindgen's conversion.
fn utf8(text: &JsString) -> Option<String> {
    let units = text.length();
    let mut bytes = vec![0; units as usize];
    let first = ENCODER.with(|encoder| encoder.encode_into(text, &mut bytes));
    let (read, mut written) = (first.read(), first.written() as usize);
    if read < units {
        let rest = text.slice(read, units);
        bytes.resize(written + 3 * rest.length() as usize, 0);
        let tail = bytes.get_mut(written..)?;
        written += ENCODER
            .with(|encoder| encoder.encode_into(&rest, tail))
            .written() as usize;
    }
    bytes.truncate(written);
    String::from_utf8(bytes).ok()
}

/// A file's bytes: its text as UTF-8, or the bytes of a `Uint8Array`. Inputs over
/// [`MAX_INPUT_LENGTH`] are refused before they are copied.
#[cfg(feature = "importers")]
fn file_bytes(data: &JsValue) -> Result<Vec<u8>, Error> {
    let too_large = |length: u32, unit: &str| Error::TooLarge {
        path: "data".into(),
        message: format!("input of {length} {unit} is over the limit of {MAX_INPUT_LENGTH} {unit}"),
    };
    if let Some(text) = data.dyn_ref::<JsString>() {
        if text.length() > MAX_INPUT_LENGTH {
            return Err(too_large(text.length(), "characters"));
        }
        return Ok(String::from(text).into_bytes());
    }
    if let Some(bytes) = data.dyn_ref::<Uint8Array>() {
        if bytes.length() > MAX_INPUT_LENGTH {
            return Err(too_large(bytes.length(), "bytes"));
        }
        return Ok(bytes.to_vec());
    }
    Err(Error::Json {
        path: "data".into(),
        message: "expected the file's text or its bytes (a Uint8Array)".into(),
    })
}

/// The tagged union as JSON text: the answer's own text inside, as it is.
fn answer(result: Result<String, ErrorInfo>) -> String {
    match result {
        Ok(value) => format!(r#"{{"type":"ok","value":{value}}}"#),
        Err(error) => format!(
            r#"{{"type":"error","errors":[{}]}}"#,
            serde_json::to_string(&error).unwrap_or_default()
        ),
    }
}

/// The tagged union `{type, [key]: value}` as a JavaScript object.
fn tagged(kind: &str, key: &str, value: JsValue) -> JsValue {
    let answer = Object::new();
    for (key, value) in [("type", JsValue::from(kind)), (key, value)] {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&answer, &key.into(), &value);
    }
    answer.into()
}

/// JSON text this module wrote, as a JavaScript value.
fn to_js(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}
