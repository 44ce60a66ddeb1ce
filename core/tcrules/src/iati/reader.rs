//! The streaming XML reader: one `iati-activity` at a time, in bounded memory.

use std::collections::HashSet;
use std::io::{BufRead, Read};

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::rule::RuleId;

use super::encoding::{read_buffered, Decoded};
use super::model::{
    missing_error, ActivityDates, BudgetStatus, IatiActivity, IatiBudget, IatiError, IatiNote,
    IatiOrg, IatiTransaction, TransactionType,
};

/// Deepest element nesting read (IATI itself nests five deep).
pub const MAX_DEPTH: usize = 32;
/// Longest single token (a tag with its attributes, a run of text, a comment), in bytes.
pub const MAX_TOKEN_BYTES: usize = 1 << 20;
/// Longest text of one element read (identifier, title, name, value), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 << 10;
/// Most dates, organisations, markers, budgets and transactions of one activity.
pub const MAX_ITEMS: usize = 100_000;
/// The IATI DocumentCategory code of "Review of project performance and evaluation".
pub const EVALUATION_CATEGORY: &str = "A07";

/// A [`BufRead`] that refuses to give more than [`MAX_TOKEN_BYTES`] before `used` is
/// reset, which the reader does after every token: no token can grow the buffer further.
struct Capped<R> {
    inner: R,
    used: usize,
}

impl<R: BufRead> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Capped<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let room = MAX_TOKEN_BYTES.saturating_sub(self.used);
        if room == 0 {
            return Err(std::io::Error::other("token too large"));
        }
        let available = self.inner.fill_buf()?;
        Ok(available.get(..room).unwrap_or(available))
    }

    fn consume(&mut self, n: usize) {
        self.used = self.used.saturating_add(n);
        self.inner.consume(n);
    }
}

/// The elements the importer reads; everything else is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Activity,
    Identifier,
    Title,
    Narrative,
    ActivityDate,
    Org,
    Marker,
    Budget,
    PeriodStart,
    PeriodEnd,
    Value,
    Transaction,
    TransactionType,
    TransactionDate,
    DocumentLink,
    Category,
    Other,
}

impl Tag {
    fn child(self, name: &str) -> Tag {
        match (self, name) {
            (Tag::Root, "iati-activity") => Tag::Activity,
            (Tag::Activity, "iati-identifier") => Tag::Identifier,
            (Tag::Activity, "title") => Tag::Title,
            (Tag::Activity, "activity-date") => Tag::ActivityDate,
            (Tag::Activity, "participating-org") => Tag::Org,
            (Tag::Activity, "policy-marker") => Tag::Marker,
            (Tag::Activity, "budget") => Tag::Budget,
            (Tag::Activity, "transaction") => Tag::Transaction,
            (Tag::Title | Tag::Org, "narrative") => Tag::Narrative,
            (Tag::Budget, "period-start") => Tag::PeriodStart,
            (Tag::Budget, "period-end") => Tag::PeriodEnd,
            (Tag::Budget | Tag::Transaction, "value") => Tag::Value,
            (Tag::Transaction, "transaction-type") => Tag::TransactionType,
            (Tag::Transaction, "transaction-date") => Tag::TransactionDate,
            (Tag::Activity, "document-link") => Tag::DocumentLink,
            (Tag::DocumentLink, "category") => Tag::Category,
            _ => Tag::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tag::Root => "iati-activities",
            Tag::Activity => "iati-activity",
            Tag::Identifier => "iati-identifier",
            Tag::Title => "title",
            Tag::Narrative => "narrative",
            Tag::ActivityDate => "activity-date",
            Tag::Org => "participating-org",
            Tag::Marker => "policy-marker",
            Tag::Budget => "budget",
            Tag::PeriodStart => "period-start",
            Tag::PeriodEnd => "period-end",
            Tag::Value => "value",
            Tag::Transaction => "transaction",
            Tag::TransactionType => "transaction-type",
            Tag::TransactionDate => "transaction-date",
            Tag::DocumentLink => "document-link",
            Tag::Category => "category",
            Tag::Other => "",
        }
    }
}

/// An open element: what it is, its position among its kind (0 when not counted), its
/// name when it is not one the importer reads, and its text when it is read.
struct Frame {
    tag: Tag,
    index: usize,
    other: Option<String>,
    text: Option<String>,
}

impl Frame {
    fn segment(&self) -> String {
        let name = self.other.as_deref().unwrap_or(self.tag.name());
        match self.index {
            0 => name.to_owned(),
            i => format!("{name}[{i}]"),
        }
    }
}

#[derive(Default)]
struct BudgetDraft {
    revised: bool,
    status: Option<BudgetStatus>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    value: Option<(Money, Option<NaiveDate>)>,
}

#[derive(Default)]
struct TransactionDraft {
    kind: Option<TransactionType>,
    date: Option<NaiveDate>,
    value: Option<(Money, Option<NaiveDate>)>,
}

struct OrgDraft {
    name: Option<String>,
    reference: Option<String>,
    org_type: Option<String>,
}

/// A date element being read: `@iso-date`, else (IATI 1.0x) the element's text; for an
/// `activity-date`, which of the four it is (0 planned start ... 3 actual end) and its
/// name for messages.
struct DateDraft {
    iso: Option<String>,
    slot: Option<(usize, &'static str)>,
}

/// A note on the element just opened: the attribute, what is wrong, the rule it affects.
type Note = (&'static str, String, Option<RuleId>);

/// The activity being read.
#[derive(Default)]
struct Builder {
    position: usize,
    identifier: Option<String>,
    title: Option<String>,
    default_currency: Option<Currency>,
    dates: ActivityDates,
    /// `activity-date[n]` of each date, for paths: planned start, actual start, planned
    /// end, actual end.
    date_at: [usize; 4],
    budgets: Vec<IatiBudget>,
    transactions: Vec<IatiTransaction>,
    donors: Vec<IatiOrg>,
    gender_marker: Option<u8>,
    evaluation_documents: Vec<String>,
    /// Elements begun: activity-date, participating-org, policy-marker, budget,
    /// transaction.
    counts: [usize; 5],
    budget: Option<BudgetDraft>,
    transaction: Option<TransactionDraft>,
    org: Option<OrgDraft>,
    /// The open `document-link`: its `@url`, and whether a category says it is an
    /// evaluation.
    document: Option<(String, bool)>,
    value: Option<(Currency, Option<NaiveDate>)>,
    date: Option<DateDraft>,
    notes: Vec<IatiNote>,
    error: Option<Error>,
}

/// Text from the file as a message shows it: at most 80 characters, control characters
/// (a NUL byte of a misread file among them) escaped.
fn printable(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(80) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Sets a value given at most once.
fn once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<()> {
    if slot.is_some() {
        return Err(Error::invalid("", format!("{what} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

/// The values of the named attributes, entity references resolved (the predefined ones
/// only) and surrounding whitespace trimmed.
fn attributes<const N: usize>(e: &BytesStart<'_>, names: [&str; N]) -> Result<[Option<String>; N]> {
    let mut out = [const { None }; N];
    for a in e.attributes() {
        let a = a.map_err(|err| Error::Xml {
            path: String::new(),
            message: err.to_string(),
        })?;
        let key: &str = a.key.as_ref();
        if let Some(slot) = names
            .iter()
            .position(|n| *n == key)
            .and_then(|i| out.get_mut(i))
        {
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| Error::Xml {
                    path: format!("@{key}"),
                    message: err.to_string(),
                })?;
            *slot = Some(value.trim().to_owned());
        }
    }
    Ok(out)
}

/// An attribute given and not empty: an empty optional attribute says nothing.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// The date of a date element: its `@iso-date`, else, as IATI 1.01–1.05 allow, the
/// element's text (`<activity-date type="end-actual">2010-12-31</activity-date>`).
fn element_date(iso: Option<String>, text: Option<&str>) -> Result<NaiveDate> {
    match (iso, text) {
        (Some(iso), _) => date(Some(iso), "@iso-date"),
        (None, Some(text)) => date(Some(text.to_owned()), ""),
        (None, None) => Err(Error::invalid(
            "@iso-date",
            "a date is required (@iso-date, or in IATI 1.0x the element's text)",
        )),
    }
}

/// An `xs:date`: `YYYY-MM-DD`, optionally with a time zone (ignored).
fn date(value: Option<String>, attribute: &str) -> Result<NaiveDate> {
    let s = value.ok_or_else(|| Error::invalid(attribute, "a date is required"))?;
    let parsed = (|| {
        let (day, zone) = (s.get(..10)?, s.get(10..)?);
        let zone_ok = match zone.as_bytes() {
            [] | [b'Z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] => {
                [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        let year_ok = day.bytes().take(4).all(|b| b.is_ascii_digit());
        (zone_ok && year_ok).then(|| day.parse().ok()).flatten()
    })();
    parsed.ok_or_else(|| Error::invalid(attribute, format!("{s:?} is not a date (YYYY-MM-DD)")))
}

fn optional_date(value: Option<String>, attribute: &str) -> Result<Option<NaiveDate>> {
    given(value).map(|v| date(Some(v), attribute)).transpose()
}

/// An `xs:decimal` amount that fits an exact decimal. Negative amounts are read as
/// published: IATI's `currencyType` is `xs:decimal`, and reversals, corrections and
/// decommitments are negative (the 1.05 guidance: `-3000` "is acceptable").
fn amount(text: &str) -> Result<Decimal> {
    let s = text.trim();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let lexical = !(int.is_empty() && frac.is_empty())
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    if !lexical {
        let shown: String = s.chars().take(40).collect();
        return Err(Error::invalid(
            "",
            format!("{shown:?} is not a decimal number"),
        ));
    }
    let canonical = format!(
        "{sign}{}{}{frac}",
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "" } else { "." }
    );
    let value = Decimal::from_str_exact(&canonical).map_err(|_| {
        let shown: String = canonical.chars().take(40).collect();
        Error::invalid(
            "",
            format!("{shown} does not fit an exact decimal (at most 28 digits, ±7.9 × 10^28)"),
        )
    })?;
    Ok(value)
}

fn currency(code: &str, attribute: &str) -> Result<Currency> {
    code.parse().map_err(|e: Error| e.in_element(attribute))
}

/// The reader's state between tokens.
#[derive(Default)]
struct State {
    stack: Vec<Frame>,
    version: Option<String>,
    activities: usize,
    seen: HashSet<String>,
    activity: Option<Builder>,
    rooted: bool,
    done: bool,
}

type Item = std::result::Result<IatiActivity, IatiError>;

impl State {
    /// The path of the innermost open element, from the activity if one is open.
    fn path(&self) -> String {
        let from = self
            .stack
            .iter()
            .position(|f| f.tag == Tag::Activity)
            .unwrap_or(0);
        let segments: Vec<String> = self.stack.iter().skip(from).map(Frame::segment).collect();
        segments.join("/")
    }

    fn xml_error(&self, message: impl Into<String>) -> Error {
        Error::Xml {
            path: self.path(),
            message: message.into(),
        }
    }

    /// Records a problem of the open activity (the first one counts), located at the
    /// innermost element; outside an activity it stops the reading.
    fn fail(&mut self, e: Error) -> Result<()> {
        let e = e.in_element(&self.path());
        match &mut self.activity {
            Some(b) => {
                b.error.get_or_insert(e);
                Ok(())
            }
            None => Err(e),
        }
    }

    /// The open activity, unless it has already failed.
    fn builder(&mut self) -> Option<&mut Builder> {
        self.activity.as_mut().filter(|b| b.error.is_none())
    }

    /// Handles one token; `Ok(Some)` is an activity read, `Err` stops the reading.
    fn event(&mut self, event: Event<'_>) -> Result<Option<Item>> {
        match event {
            Event::Start(e) => self.start(&e).map(|()| None),
            Event::Empty(e) => {
                self.start(&e)?;
                self.end()
            }
            Event::End(_) => self.end(),
            Event::Text(t) => self.text(&t).map(|()| None),
            Event::CData(t) => self.text(&t).map(|()| None),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r).map(str::to_owned)
                };
                match resolved {
                    Some(s) => self.text(&s),
                    None => self.fail(Error::Xml {
                        path: String::new(),
                        message: format!(
                            "&{}; is not a predefined entity or a character: entities are never expanded",
                            r.chars().take(40).collect::<String>()
                        ),
                    }),
                }
                .map(|()| None)
            }
            // The declared encoding was read, and decoded, before the XML (`Decoded`).
            Event::Decl(d) => match d.encoding() {
                Some(Err(err)) => Err(self.xml_error(printable(&err.to_string()))),
                _ => Ok(None),
            },
            Event::DocType(_) => Err(self.xml_error(
                "a DOCTYPE is not accepted: IATI files declare none, and entities are never expanded",
            )),
            Event::Comment(_) | Event::PI(_) => Ok(None),
            Event::Eof => {
                if let Some(open) = self.stack.last() {
                    let name = open.other.as_deref().unwrap_or(open.tag.name()).to_owned();
                    return Err(self.xml_error(format!(
                        "the file ends inside <{name}>: it is truncated"
                    )));
                }
                if !self.rooted {
                    return Err(self.xml_error("no root element: the input is empty or not XML"));
                }
                self.done = true;
                Ok(None)
            }
        }
    }

    fn text(&mut self, s: &str) -> Result<()> {
        let Some(frame) = self.stack.last_mut() else {
            if s.trim().is_empty() {
                return Ok(());
            }
            return Err(self.xml_error("text outside the root element"));
        };
        let Some(text) = &mut frame.text else {
            return Ok(());
        };
        if text.len().saturating_add(s.len()) > MAX_TEXT_BYTES {
            frame.text = None;
            return self.fail(Error::TooLarge {
                path: String::new(),
                message: format!("text longer than {MAX_TEXT_BYTES} bytes"),
            });
        }
        text.push_str(s);
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<()> {
        let name = e.name();
        let name: &str = name.as_ref();
        if self.stack.len() >= MAX_DEPTH {
            return Err(Error::TooLarge {
                path: self.path(),
                message: format!("elements nested deeper than {MAX_DEPTH}"),
            });
        }
        let tag = match self.stack.last() {
            Some(parent) => parent.tag.child(name),
            None if self.rooted => {
                return Err(self.xml_error(format!("a second root element <{}>", printable(name))))
            }
            None => {
                self.rooted = true;
                match name {
                    "iati-activities" => Tag::Root,
                    "iati-activity" => Tag::Activity,
                    _ => {
                        return Err(self.xml_error(format!(
                            "not an IATI activity file: the root element is <{}>, not <iati-activities>",
                            printable(name)
                        )))
                    }
                }
            }
        };
        let index = match tag {
            Tag::Activity => {
                self.activities += 1;
                self.activity = Some(Builder {
                    position: self.activities,
                    ..Builder::default()
                });
                self.activities
            }
            _ => self.count(tag),
        };
        let reads_text = match tag {
            Tag::Identifier => true,
            Tag::Title
            | Tag::Narrative
            | Tag::Org
            | Tag::Value
            | Tag::ActivityDate
            | Tag::PeriodStart
            | Tag::PeriodEnd
            | Tag::TransactionDate => self.builder().is_some(),
            _ => false,
        };
        self.stack.push(Frame {
            tag,
            index,
            other: (tag == Tag::Other).then(|| name.chars().take(64).collect()),
            text: reads_text.then(String::new),
        });
        if let Err(err) = self.open(tag, e) {
            self.fail(err)?;
        }
        Ok(())
    }

    /// Counts an activity's child element of `tag`, giving its position from 1.
    fn count(&mut self, tag: Tag) -> usize {
        let slot = match tag {
            Tag::ActivityDate => 0,
            Tag::Org => 1,
            Tag::Marker => 2,
            Tag::Budget => 3,
            Tag::Transaction => 4,
            _ => return 0,
        };
        let Some(b) = self.activity.as_mut() else {
            return 0;
        };
        b.counts.get_mut(slot).map_or(0, |n| {
            *n += 1;
            *n
        })
    }

    /// Reads the attributes of an element just opened. An empty or unknown optional
    /// attribute is a note on the activity, and the rest of it reads.
    fn open(&mut self, tag: Tag, e: &BytesStart<'_>) -> Result<()> {
        if tag == Tag::Root {
            let [version] = attributes(e, ["version"])?;
            self.version = version;
            return Ok(());
        }
        let Some(b) = self.builder() else {
            return Ok(());
        };
        if b.counts.iter().sum::<usize>() > MAX_ITEMS {
            return Err(Error::TooLarge {
                path: String::new(),
                message: format!("more than {MAX_ITEMS} dates, organisations, markers, budgets and transactions in one activity"),
            });
        }
        let mut notes: Vec<Note> = Vec::new();
        match tag {
            Tag::Activity => {
                let [code] = attributes(e, ["default-currency"])?;
                b.default_currency = given(code)
                    .map(|c| currency(&c, "@default-currency"))
                    .transpose()?;
            }
            Tag::ActivityDate => {
                let [kind, iso] = attributes(e, ["type", "iso-date"])?;
                let kind = kind.unwrap_or_default().to_ascii_lowercase();
                let slot = match kind.as_str() {
                    "1" | "start-planned" => (0, "planned start"),
                    "2" | "start-actual" => (1, "actual start"),
                    "3" | "end-planned" => (2, "planned end"),
                    "4" | "end-actual" => (3, "actual end"),
                    other => {
                        return Err(Error::invalid(
                            "@type",
                            format!("{other:?} is not an activity-date type (1–4, or start-planned, start-actual, end-planned, end-actual)"),
                        ))
                    }
                };
                b.date = Some(DateDraft {
                    iso: given(iso),
                    slot: Some(slot),
                });
            }
            Tag::PeriodStart | Tag::PeriodEnd | Tag::TransactionDate => {
                let [iso] = attributes(e, ["iso-date"])?;
                b.date = Some(DateDraft {
                    iso: given(iso),
                    slot: None,
                });
            }
            Tag::Org => {
                let [role, reference, org_type] = attributes(e, ["role", "ref", "type"])?;
                let funding = role
                    .as_deref()
                    .is_some_and(|r| r == "1" || r.eq_ignore_ascii_case("funding"));
                b.org = funding.then_some(OrgDraft {
                    name: None,
                    reference: given(reference),
                    org_type: given(org_type),
                });
            }
            Tag::Marker => {
                let [vocabulary, code, significance] =
                    attributes(e, ["vocabulary", "code", "significance"])?;
                let dac = match vocabulary.as_deref() {
                    None | Some("") => true,
                    Some(v) => v == "1" || v.eq_ignore_ascii_case("dac"),
                };
                if dac && code.as_deref() == Some("1") {
                    let s = match significance.as_deref() {
                        Some("0") => Some(0),
                        Some("1") => Some(1),
                        Some("2") => Some(2),
                        other => {
                            let what = match other {
                                None => "is not given".to_owned(),
                                Some("") => "is empty".to_owned(),
                                Some(s) => format!(
                                    "is {:?}, none of them",
                                    s.chars().take(40).collect::<String>()
                                ),
                            };
                            notes.push((
                                "@significance",
                                format!("the gender equality marker's significance (0 not targeted, 1 significant, 2 principal) {what}: the marker cannot be judged"),
                                Some(RuleId::IatiGenMarker),
                            ));
                            None
                        }
                    };
                    if let Some(s) = s {
                        once(&mut b.gender_marker, s, "the gender equality marker")?;
                    }
                }
            }
            Tag::Budget => {
                let [kind, status] = attributes(e, ["type", "status"])?;
                // Version 1 files write the BudgetType code's name ("Original", "Revised").
                let revised = match kind.as_deref() {
                    None | Some("1") => false,
                    Some("2") => true,
                    Some(word) if word.eq_ignore_ascii_case("original") => false,
                    Some(word) if word.eq_ignore_ascii_case("revised") => true,
                    Some(other) => {
                        notes.push((
                            "@type",
                            format!(
                                "{:?} is not a budget type (1 or Original, 2 or Revised): the budget is counted as an original one",
                                other.chars().take(40).collect::<String>()
                            ),
                            Some(RuleId::EvalIndependent),
                        ));
                        false
                    }
                };
                let status = match status.as_deref() {
                    None => None,
                    Some("1") => Some(BudgetStatus::Indicative),
                    Some("2") => Some(BudgetStatus::Committed),
                    Some(other) => {
                        notes.push((
                            "@status",
                            format!(
                                "{:?} is not a budget status (1 indicative, 2 committed): the status is not known (no rule reads it)",
                                other.chars().take(40).collect::<String>()
                            ),
                            None,
                        ));
                        None
                    }
                };
                b.budget = Some(BudgetDraft {
                    revised,
                    status,
                    ..BudgetDraft::default()
                });
            }
            Tag::Value => {
                let [code, value_date] = attributes(e, ["currency", "value-date"])?;
                let currency = match given(code) {
                    Some(c) => currency(&c, "@currency")?,
                    None => b.default_currency.ok_or_else(|| {
                        Error::invalid(
                            "@currency",
                            "no currency: neither value/@currency nor the activity's @default-currency",
                        )
                    })?,
                };
                b.value = Some((currency, optional_date(value_date, "@value-date")?));
            }
            Tag::Transaction => b.transaction = Some(TransactionDraft::default()),
            Tag::DocumentLink => {
                let [url] = attributes(e, ["url"])?;
                b.document = Some((url.unwrap_or_default(), false));
            }
            Tag::Category => {
                let [code] = attributes(e, ["code"])?;
                if let Some((_, evaluation)) = &mut b.document {
                    *evaluation |=
                        code.is_some_and(|c| c.eq_ignore_ascii_case(EVALUATION_CATEGORY));
                }
            }
            Tag::TransactionType => {
                let [code] = attributes(e, ["code"])?;
                // Version 1 letter codes are sometimes written in lower case.
                let kind = code
                    .as_deref()
                    .map(str::to_ascii_uppercase)
                    .as_deref()
                    .and_then(TransactionType::from_code)
                    .ok_or_else(|| {
                        Error::invalid(
                            "@code",
                            format!("{code:?} is not a transaction type (1–13, or IF, C, D, E, IR, LR, R, QP, QS, CG)"),
                        )
                    })?;
                if let Some(draft) = &mut b.transaction {
                    once(&mut draft.kind, kind, "transaction-type")?;
                }
            }
            _ => {}
        }
        self.note(notes);
        Ok(())
    }

    /// Keeps notes on the innermost open element (`attribute` is relative to it) in the
    /// activity.
    fn note(&mut self, notes: Vec<Note>) {
        if notes.is_empty() {
            return;
        }
        let at = self.path();
        if let Some(b) = self.builder() {
            b.notes.extend(
                notes
                    .into_iter()
                    .map(|(attribute, message, affects)| IatiNote {
                        path: if attribute.is_empty() {
                            at.clone()
                        } else {
                            format!("{at}/{attribute}")
                        },
                        message,
                        affects,
                    }),
            );
        }
    }

    fn end(&mut self) -> Result<Option<Item>> {
        let Some(frame) = self.stack.last_mut() else {
            return Ok(None);
        };
        let (tag, text) = (frame.tag, frame.text.take());
        let parent = self
            .stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .map(|f| f.tag);
        let item = if tag == Tag::Activity {
            Some(self.finish())
        } else {
            if let Err(err) = self.close(tag, parent, text) {
                self.fail(err)?;
            }
            None
        };
        self.stack.pop();
        Ok(item)
    }

    /// Reads the text of an element just closed and completes what it closes.
    fn close(&mut self, tag: Tag, parent: Option<Tag>, text: Option<String>) -> Result<()> {
        let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if tag == Tag::Identifier {
            if let Some(b) = self.activity.as_mut() {
                let id = text.ok_or_else(|| Error::invalid("", "the iati-identifier is empty"))?;
                once(&mut b.identifier, id.to_owned(), "iati-identifier")?;
            }
            return Ok(());
        }
        let Some(b) = self.builder() else {
            return Ok(());
        };
        let mut notes: Vec<Note> = Vec::new();
        match (tag, parent) {
            (Tag::Title, _) | (Tag::Narrative, Some(Tag::Title)) if b.title.is_none() => {
                b.title = text.map(str::to_owned);
            }
            (Tag::ActivityDate | Tag::PeriodStart | Tag::PeriodEnd | Tag::TransactionDate, _) => {
                if let Some(draft) = b.date.take() {
                    let d = element_date(draft.iso, text)?;
                    match (tag, draft.slot) {
                        (Tag::ActivityDate, Some((slot, what))) => {
                            let dates = &mut b.dates;
                            let field = match slot {
                                0 => &mut dates.planned_start,
                                1 => &mut dates.actual_start,
                                2 => &mut dates.planned_end,
                                _ => &mut dates.actual_end,
                            };
                            once(field, d, &format!("the {what} date"))?;
                            if let (Some(at), Some(n)) = (b.date_at.get_mut(slot), b.counts.first())
                            {
                                *at = *n;
                            }
                        }
                        (Tag::PeriodStart, _) => {
                            if let Some(budget) = &mut b.budget {
                                once(&mut budget.start, d, "period-start")?;
                            }
                        }
                        (Tag::PeriodEnd, _) => {
                            if let Some(budget) = &mut b.budget {
                                once(&mut budget.end, d, "period-end")?;
                            }
                        }
                        _ => {
                            if let Some(t) = &mut b.transaction {
                                once(&mut t.date, d, "transaction-date")?;
                            }
                        }
                    }
                }
            }
            (Tag::Narrative, Some(Tag::Org)) => {
                if let Some(org) = b.org.as_mut().filter(|o| o.name.is_none()) {
                    org.name = text.map(str::to_owned);
                }
            }
            (Tag::Org, _) => {
                if let Some(org) = b.org.take() {
                    let name = org
                        .name
                        .or_else(|| text.map(str::to_owned))
                        .or_else(|| org.reference.clone());
                    match name {
                        Some(name) => b.donors.push(IatiOrg {
                            name,
                            reference: org.reference,
                            org_type: org.org_type,
                        }),
                        None => notes.push((
                            "",
                            "a funding participating-org has no name and no @ref: it is left out of the donors".to_owned(),
                            None,
                        )),
                    }
                }
            }
            (Tag::Value, _) => {
                let amount = amount(text.unwrap_or_default())?;
                if let Some((currency, value_date)) = b.value.take() {
                    let value = (Money { amount, currency }, value_date);
                    let slot = match parent {
                        Some(Tag::Budget) => b.budget.as_mut().map(|d| &mut d.value),
                        _ => b.transaction.as_mut().map(|d| &mut d.value),
                    };
                    if let Some(slot) = slot {
                        once(slot, value, "the value")?;
                    }
                }
            }
            (Tag::Budget, _) => {
                if let Some(d) = b.budget.take() {
                    let need =
                        |what: &str| Error::invalid(what, format!("a budget needs a {what}"));
                    let period_start = d.start.ok_or_else(|| need("period-start"))?;
                    let period_end = d.end.ok_or_else(|| need("period-end"))?;
                    if period_end < period_start {
                        return Err(Error::EndBeforeStart {
                            path: "period-end/@iso-date".into(),
                            start: period_start.to_string(),
                            end: period_end.to_string(),
                        });
                    }
                    let (value, value_date) = d.value.ok_or_else(|| need("value"))?;
                    b.budgets.push(IatiBudget {
                        revised: d.revised,
                        status: d.status,
                        period_start,
                        period_end,
                        value,
                        value_date,
                    });
                }
            }
            (Tag::DocumentLink, _) => {
                if let Some((url, true)) = b.document.take() {
                    b.evaluation_documents.push(url);
                }
            }
            (Tag::Transaction, _) => {
                if let Some(d) = b.transaction.take() {
                    let need =
                        |what: &str| Error::invalid(what, format!("a transaction needs a {what}"));
                    let kind = d.kind.ok_or_else(|| need("transaction-type"))?;
                    let date = d.date.ok_or_else(|| need("transaction-date"))?;
                    let (value, value_date) = d.value.ok_or_else(|| need("value"))?;
                    b.transactions.push(IatiTransaction {
                        kind,
                        date,
                        value,
                        value_date,
                    });
                }
            }
            _ => {}
        }
        self.note(notes);
        Ok(())
    }

    /// Completes the activity whose end tag was just read.
    fn finish(&mut self) -> Item {
        let b = self.activity.take().unwrap_or_default();
        let at = format!("iati-activity[{}]", b.position);
        let mut error = b.error;
        match &b.identifier {
            Some(id) => {
                if !self.seen.insert(id.clone()) {
                    error.get_or_insert(Error::DuplicateId {
                        path: format!("{at}/iati-identifier"),
                        id: id.clone(),
                    });
                }
            }
            None => {
                error.get_or_insert(missing_error(&at, "iati-identifier"));
            }
        }
        let d = &b.dates;
        // Actual wins over planned; the slot locates the date's element for the path.
        let pick = |actual: Option<NaiveDate>, planned: Option<NaiveDate>, slot: usize| match actual
        {
            Some(date) => Some((date, slot + 1)),
            None => planned.map(|date| (date, slot)),
        };
        let start = pick(d.actual_start, d.planned_start, 0);
        let end = pick(d.actual_end, d.planned_end, 2);
        if let (Some((start, _)), Some((end, slot))) = (start, end) {
            if end < start {
                let n = b.date_at.get(slot).copied().unwrap_or_default();
                error.get_or_insert(Error::EndBeforeStart {
                    path: format!("{at}/activity-date[{n}]/@iso-date"),
                    start: start.to_string(),
                    end: end.to_string(),
                });
            }
        }
        match (error, b.identifier) {
            (None, Some(identifier)) => Ok(IatiActivity {
                position: b.position,
                identifier,
                title: b.title,
                default_currency: b.default_currency,
                dates: b.dates,
                budgets: b.budgets,
                transactions: b.transactions,
                donors: b.donors,
                gender_marker: b.gender_marker,
                evaluation_documents: b.evaluation_documents,
                notes: b.notes,
            }),
            (error, identifier) => Err(IatiError {
                activity: Some(b.position),
                identifier,
                error: error.unwrap_or_else(|| missing_error(&at, "iati-identifier")),
            }),
        }
    }

    /// What a problem that stops the reading becomes: the open activity's error, or the
    /// file's.
    fn stop(&mut self, error: Error) -> IatiError {
        self.done = true;
        match self.activity.take() {
            Some(b) => IatiError {
                activity: Some(b.position),
                identifier: b.identifier,
                error,
            },
            None => IatiError {
                activity: None,
                identifier: None,
                error,
            },
        }
    }
}

/// The activities of an IATI file, read one at a time in bounded memory (one activity,
/// one token of at most [`MAX_TOKEN_BYTES`], and the identifiers seen, which duplicates
/// are checked against): each item is an activity, or the error that kept it from being
/// read (with its identifier when known). An error outside any activity
/// (`activity: None`) is the last item.
///
/// ```
/// use tcrules::iati::Activities;
/// let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
/// <iati-activities version="2.03">
///   <iati-activity><iati-identifier>A-1</iati-identifier></iati-activity>
///   <iati-activity default-currency="XYZ"><iati-identifier>A-2</iati-identifier></iati-activity>
/// </iati-activities>"#;
/// let mut activities = Activities::new(xml.as_bytes());
/// assert_eq!(activities.next().unwrap().unwrap().identifier, "A-1");
/// let e = activities.next().unwrap().unwrap_err();
/// assert_eq!(e.identifier.as_deref(), Some("A-2"));
/// assert_eq!((e.error.code(), e.error.path()), ("unknown_currency", "iati-activity[2]/@default-currency"));
/// assert!(activities.next().is_none());
/// assert_eq!(activities.version(), Some("2.03"));
/// ```
pub struct Activities<R> {
    reader: Reader<Capped<Decoded<R>>>,
    buf: Vec<u8>,
    state: State,
}

impl<R: BufRead> Activities<R> {
    /// Starts reading an IATI activity file: UTF-8, UTF-16 or the encoding its declaration
    /// names, gzip-compressed or not (nothing is read before the first activity is asked for).
    pub fn new(input: R) -> Self {
        let mut reader = Reader::from_reader(Capped {
            inner: Decoded::new(input),
            used: 0,
        });
        reader.config_mut().expand_empty_elements = true;
        Activities {
            reader,
            buf: Vec::new(),
            state: State::default(),
        }
    }

    /// The file's IATI version (`@version` of `iati-activities`), once read (see the
    /// example of [`Activities`]).
    pub fn version(&self) -> Option<&str> {
        self.state.version.as_deref()
    }
}

impl<R: BufRead> Iterator for Activities<R> {
    type Item = std::result::Result<IatiActivity, IatiError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.state.done {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            let capped = std::mem::take(&mut self.reader.get_mut().used) >= MAX_TOKEN_BYTES;
            let step = match event {
                Ok(event) => self.state.event(event),
                Err(_) if capped => Err(Error::TooLarge {
                    path: self.state.path(),
                    message: format!("a tag, text or comment longer than {MAX_TOKEN_BYTES} bytes"),
                }),
                Err(quick_xml::Error::Io(e)) => Err(
                    // The file's own errors (gzip, encoding) carry their code.
                    match e.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
                        Some(own) => own.clone().in_element(&self.state.path()),
                        None => Error::Io {
                            path: self.state.path(),
                            message: e.to_string(),
                        },
                    },
                ),
                Err(e) => Err(self.state.xml_error(format!(
                    "{} (at byte {})",
                    printable(&e.to_string()),
                    self.reader.error_position()
                ))),
            };
            match step {
                Ok(Some(item)) => return Some(item),
                Ok(None) => {}
                Err(error) => return Some(Err(self.state.stop(error))),
            }
        }
        None
    }
}
