//! The findings table's columns, filled by the rules a part at a time through
//! [`tcrules::finding::Sink`]: no finding is built per row, text goes straight into each
//! column's buffer, and each fact is kept as the rule typed it (a date as a date).

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::hash::BuildHasher;
use std::sync::Arc;

use arrow_array::types::{
    ArrowDictionaryKeyType, ArrowPrimitiveType, Date32Type, Decimal128Type, Int32Type, Int64Type,
    Int8Type,
};
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, ListArray, PrimitiveArray, RecordBatch, StringArray,
    UInt32Array,
};
use arrow_buffer::{
    ArrowNativeType, BooleanBufferBuilder, Buffer, NullBuffer, NullBufferBuilder, OffsetBuffer,
    ScalarBuffer,
};
use arrow_schema::{DataType, Field};
use chrono::NaiveDate;
use hashbrown::HashTable;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rustc_hash::{FxBuildHasher, FxHashMap};
use tcrules::finding::{Sink, Value};
use tcrules::{Error, Fact, Policy, Result, RuleId, Status};

use crate::columns;
use crate::output::{arrow_error, Out};

/// The columns every findings table has, before the facts.
pub const COLUMNS: [&str; 12] = [
    "row",
    "project",
    "rule",
    "status",
    "severity",
    "subject",
    "message",
    "help",
    "citation",
    "missing",
    "error_code",
    "error_message",
];

/// Text values one after another: their bytes, where each ends, and which are there
/// (the bitmap made only once a value is missing).
struct TextColumn {
    bytes: Vec<u8>,
    offsets: Vec<i32>,
    nulls: NullBufferBuilder,
    /// Whether the bytes outgrew the 2 GiB an Arrow string column holds.
    too_large: bool,
}

impl Default for TextColumn {
    fn default() -> Self {
        TextColumn::with_capacity(0, 0)
    }
}

impl TextColumn {
    fn with_capacity(values: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(values + 1);
        offsets.push(0);
        TextColumn {
            bytes: Vec::with_capacity(bytes),
            offsets,
            nulls: NullBufferBuilder::new(values),
            too_large: false,
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The bytes of value `i`.
    fn value(&self, i: usize) -> &[u8] {
        let end = |i: usize| {
            self.offsets
                .get(i)
                .map_or(0, |&o| usize::try_from(o).unwrap_or(0))
        };
        self.bytes.get(end(i)..end(i + 1)).unwrap_or_default()
    }

    fn push(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.close(true);
    }

    fn push_fmt(&mut self, args: fmt::Arguments<'_>) {
        match args.as_str() {
            Some(s) => self.bytes.extend_from_slice(s.as_bytes()),
            // Writing into a byte buffer cannot fail.
            None => {
                let _ = Bytes(&mut self.bytes).write_fmt(args);
            }
        }
        self.close(true);
    }

    fn push_null(&mut self) {
        self.close(false);
    }

    /// Nulls up to `len` values.
    fn pad(&mut self, len: usize) {
        let n = len.saturating_sub(self.len());
        if n > 0 {
            let end = self.offsets.last().copied().unwrap_or(0);
            self.offsets.resize(self.offsets.len() + n, end);
            self.nulls.append_n_nulls(n);
        }
    }

    fn close(&mut self, valid: bool) {
        let end = i32::try_from(self.bytes.len()).unwrap_or_else(|_| {
            self.too_large = true;
            0
        });
        self.offsets.push(end);
        if valid {
            self.nulls.append_non_null();
        } else {
            self.nulls.append_null();
        }
    }

    fn finish(mut self, name: &str) -> Result<ArrayRef> {
        if self.too_large {
            return Err(too_large(name, "more than 2 GiB of text"));
        }
        let offsets = OffsetBuffer::new(ScalarBuffer::from(self.offsets));
        let array =
            StringArray::try_new(offsets, Buffer::from_vec(self.bytes), self.nulls.finish())
                .map_err(arrow_error)?;
        Ok(Arc::new(array))
    }
}

/// Text values as a dictionary: each distinct value's bytes once, each row a key into
/// them. Findings' labels and messages repeat (a rule's message differs by a few numbers
/// at most), so the table is a fraction of the size, and a repeated value costs a lookup
/// instead of a copy. (A project's id and subject are plain text: one per project, they
/// would make dictionaries as long as the table, which pandas and polars then turn into a
/// category per project.)
struct DictColumn<K: ArrowDictionaryKeyType> {
    keys: Vec<K::Native>,
    nulls: NullBufferBuilder,
    values: TextColumn,
    /// Each value's position in `values`, by the hash of its bytes.
    index: HashTable<usize>,
    /// Keys of literal texts (a rule's fixed message) by their address: found without
    /// reading them.
    literals: FxHashMap<(usize, usize), K::Native>,
    /// The last value found and its key: a value repeated row after row (an error code)
    /// is found without hashing it.
    last: Option<(usize, K::Native)>,
    scratch: Vec<u8>,
    /// Whether there were more distinct values than the key type counts.
    too_many: bool,
}

impl<K: ArrowDictionaryKeyType> Default for DictColumn<K> {
    fn default() -> Self {
        DictColumn::with_capacity(0)
    }
}

fn hash_of(bytes: &[u8]) -> u64 {
    FxBuildHasher.hash_one(bytes)
}

impl<K: ArrowDictionaryKeyType> DictColumn<K> {
    /// Room for `rows` keys.
    fn with_capacity(rows: usize) -> Self {
        DictColumn {
            keys: Vec::with_capacity(rows),
            nulls: NullBufferBuilder::new(rows),
            values: TextColumn::default(),
            index: HashTable::new(),
            literals: FxHashMap::default(),
            last: None,
            scratch: Vec::new(),
            too_many: false,
        }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// The key of `s`, added to the dictionary if it is new.
    fn key_of(&mut self, s: &[u8]) -> K::Native {
        let DictColumn {
            values,
            index,
            last,
            too_many,
            ..
        } = self;
        if let Some((at, key)) = *last {
            if values.value(at) == s {
                return key;
            }
        }
        let hash = hash_of(s);
        let at = match index.find(hash, |&i| values.value(i) == s) {
            Some(&i) => i,
            None => {
                let i = values.len();
                values.bytes.extend_from_slice(s);
                values.close(true);
                index.insert_unique(hash, i, |&j| hash_of(values.value(j)));
                i
            }
        };
        let key = K::Native::from_usize(at).unwrap_or_else(|| {
            *too_many = true;
            K::Native::default()
        });
        *last = Some((at, key));
        key
    }

    fn push_key(&mut self, key: K::Native) {
        self.keys.push(key);
        self.nulls.append_non_null();
    }

    fn push(&mut self, s: &str) {
        let key = self.key_of(s.as_bytes());
        self.push_key(key);
    }

    /// The key of a literal text.
    fn key_of_static(&mut self, s: &'static str) -> K::Native {
        let address = (s.as_ptr() as usize, s.len());
        match self.literals.get(&address) {
            Some(&key) => key,
            None => {
                let key = self.key_of(s.as_bytes());
                self.literals.insert(address, key);
                key
            }
        }
    }

    fn push_static(&mut self, s: &'static str) {
        let key = self.key_of_static(s);
        self.push_key(key);
    }

    fn push_fmt(&mut self, args: fmt::Arguments<'_>) {
        let key = match args.as_str() {
            Some(s) => self.key_of_static(s),
            None => {
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                // Writing into a byte buffer cannot fail.
                let _ = Bytes(&mut scratch).write_fmt(args);
                let key = self.key_of(&scratch);
                self.scratch = scratch;
                key
            }
        };
        self.push_key(key);
    }

    fn push_null(&mut self) {
        self.keys.push(K::Native::default());
        self.nulls.append_null();
    }

    /// Nulls up to `len` values.
    fn pad(&mut self, len: usize) {
        let n = len.saturating_sub(self.len());
        if n > 0 {
            self.keys.resize(len, K::Native::default());
            self.nulls.append_n_nulls(n);
        }
    }

    fn finish(mut self, name: &str) -> Result<ArrayRef> {
        if self.too_many {
            return Err(too_large(
                name,
                "more distinct values than a dictionary holds",
            ));
        }
        let keys = PrimitiveArray::<K>::new(ScalarBuffer::from(self.keys), self.nulls.finish());
        let values = self.values.finish(name)?;
        let array = DictionaryArray::<K>::try_new(keys, values).map_err(arrow_error)?;
        Ok(Arc::new(array))
    }
}

/// A column past what Arrow holds: `what`, in the column `name`.
fn too_large(name: &str, what: &str) -> Error {
    Error::TooLarge {
        path: name.to_owned(),
        message: format!("{what} in the column {name:?}: ask for fewer rows at a time"),
    }
}

/// `fmt::Write` into a byte buffer.
struct Bytes<'a>(&'a mut Vec<u8>);

impl Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A fact as stored: its text in the column's `text`.
#[derive(Clone, Copy)]
enum Stored {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    /// A ratio with nothing to divide by.
    Undefined,
    Date(NaiveDate),
    Text {
        start: usize,
        end: usize,
    },
}

/// The Arrow type of a fact's column, from the kinds of its values across the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FactKind {
    Bool,
    Int,
    Date,
    /// Decimals (and undefined ratios, null) at the largest scale among them.
    Decimal(u32),
    /// Only undefined ratios: their text.
    Undefined,
    /// Text, or values of mixed kinds as their text.
    Text,
}

impl FactKind {
    fn of(v: &Stored) -> FactKind {
        match v {
            Stored::Bool(_) => FactKind::Bool,
            Stored::Int(_) => FactKind::Int,
            Stored::Date(_) => FactKind::Date,
            Stored::Decimal(d) => FactKind::Decimal(d.scale()),
            Stored::Undefined => FactKind::Undefined,
            Stored::Text { .. } => FactKind::Text,
        }
    }

    /// The kind a column of values of both kinds has.
    fn and(self, other: FactKind) -> FactKind {
        use FactKind::{Decimal, Undefined};
        match (self, other) {
            (Decimal(a), Decimal(b)) => Decimal(a.max(b)),
            (Decimal(a), Undefined) | (Undefined, Decimal(a)) => Decimal(a),
            (a, b) if a == b => a,
            _ => FactKind::Text,
        }
    }
}

/// One fact's values: the output rows that have it, sparse.
struct FactColumn {
    name: &'static str,
    rows: Vec<usize>,
    values: Vec<Stored>,
    text: String,
}

impl FactColumn {
    fn new(name: &'static str) -> Self {
        FactColumn::with_capacity(name, 0)
    }

    fn with_capacity(name: &'static str, values: usize) -> Self {
        FactColumn {
            name,
            rows: Vec::with_capacity(values),
            values: Vec::with_capacity(values),
            text: String::new(),
        }
    }

    fn set(&mut self, row: usize, value: Value<'_>) {
        let stored = match value {
            Value::Bool(b) => Stored::Bool(b),
            Value::Int(i) => Stored::Int(i),
            Value::Decimal(d) => Stored::Decimal(d),
            Value::Ratio(r) => r.map_or(Stored::Undefined, Stored::Decimal),
            Value::Date(d) => Stored::Date(d),
            Value::Text(t) => {
                let start = self.text.len();
                self.text.push_str(t);
                Stored::Text {
                    start,
                    end: self.text.len(),
                }
            }
        };
        // A fact set twice on one finding keeps the last value, as a finding's facts do.
        if self.rows.last() == Some(&row) {
            if let Some(last) = self.values.last_mut() {
                *last = stored;
            }
            return;
        }
        self.rows.push(row);
        self.values.push(stored);
    }

    /// The kind of every value, `None` for a column with none.
    fn kind(&self) -> Option<FactKind> {
        let mut kinds = self.values.iter().map(FactKind::of);
        let first = kinds.next()?;
        Some(kinds.fold(first, FactKind::and))
    }

    fn text_of(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// The value as a finding's fact reads.
    fn fact(&self, v: Stored) -> Fact {
        match v {
            Stored::Bool(b) => Value::Bool(b).into(),
            Stored::Int(i) => Value::Int(i).into(),
            Stored::Decimal(d) => Value::Decimal(d).into(),
            Stored::Undefined => Value::Ratio(None).into(),
            Stored::Date(d) => Value::Date(d).into(),
            Stored::Text { start, end } => Value::Text(self.text_of(start, end)).into(),
        }
    }

    /// A column of `len` rows, each row's value by `f` (null where the row has none or `f`
    /// gives none), written straight into the array's buffers.
    fn primitive<T: ArrowPrimitiveType>(
        &self,
        len: usize,
        f: impl Fn(Stored) -> Option<T::Native>,
    ) -> PrimitiveArray<T> {
        let mut values = vec![T::Native::default(); len];
        let mut valid = BooleanBufferBuilder::new(len);
        valid.append_n(len, false);
        for (row, v) in self.rows.iter().zip(&self.values) {
            if let (Some(slot), Some(x)) = (values.get_mut(*row), f(*v)) {
                *slot = x;
                valid.set_bit(*row, true);
            }
        }
        PrimitiveArray::new(
            ScalarBuffer::from(values),
            Some(NullBuffer::new(valid.finish())),
        )
    }

    /// The column of `len` rows as `kind` says.
    fn finish(&self, len: usize, kind: FactKind) -> Result<ArrayRef> {
        Ok(match kind {
            FactKind::Bool => {
                let truth = self.primitive::<Int8Type>(len, |v| match v {
                    Stored::Bool(x) => Some(i8::from(x)),
                    _ => None,
                });
                Arc::new(
                    truth
                        .iter()
                        .map(|x| x.map(|x| x != 0))
                        .collect::<BooleanArray>(),
                )
            }
            FactKind::Int => Arc::new(self.primitive::<Int64Type>(len, |v| match v {
                Stored::Int(x) => Some(x),
                _ => None,
            })),
            FactKind::Date => Arc::new(self.primitive::<Date32Type>(len, |v| match v {
                Stored::Date(d) => Some(columns::epoch_days(d)),
                _ => None,
            })),
            FactKind::Decimal(scale) => {
                let values = self.primitive::<Decimal128Type>(len, |v| match v {
                    Stored::Decimal(mut d) => {
                        d.rescale(scale);
                        Some(d.mantissa())
                    }
                    _ => None,
                });
                let array = values
                    .with_precision_and_scale(38, i8::try_from(scale).unwrap_or(i8::MAX))
                    .map_err(arrow_error)?;
                Arc::new(array)
            }
            FactKind::Undefined | FactKind::Text => {
                let mut out = TextColumn::with_capacity(len, self.text.len());
                for (row, v) in self.rows.iter().zip(&self.values) {
                    out.pad(*row);
                    match *v {
                        Stored::Text { start, end } => out.push(self.text_of(start, end)),
                        v => out.push_fmt(format_args!("{}", self.fact(v))),
                    }
                }
                out.pad(len);
                out.finish(self.name)?
            }
        })
    }
}

/// Findings per project, about, for room made at once.
const FINDINGS_PER_PROJECT: usize = 5;

// Rules, and so citations, are keyed by an `i8`.
const _: () = assert!(RuleId::ALL.len() <= i8::MAX as usize);

/// A rule's keys in the rule, severity and citation columns of one part.
#[derive(Clone, Copy)]
struct RuleKeys {
    rule: i8,
    severity: i8,
    citation: i8,
}

/// The findings table being built: one row per finding, or per project in error.
#[derive(Default)]
pub(crate) struct FindingColumns {
    row: Vec<Option<u32>>,
    project: TextColumn,
    rule: DictColumn<Int8Type>,
    status: DictColumn<Int8Type>,
    severity: DictColumn<Int8Type>,
    subject: TextColumn,
    message: DictColumn<Int32Type>,
    help: DictColumn<Int32Type>,
    citation: DictColumn<Int8Type>,
    /// Where each row's missing fields end in `missing`.
    missing_ends: Vec<i32>,
    missing: TextColumn,
    error_code: DictColumn<Int32Type>,
    error_message: TextColumn,
    facts: Vec<FactColumn>,
    /// Where the last fact was found: a rule sets its facts in the same order each time.
    next_fact: usize,
    /// The current project's input row and id.
    current: (Option<u32>, String),
    /// Each rule's keys, by rule, its severity and citation as the policy the rules run
    /// under gives them (one policy per table).
    rules: Vec<Option<RuleKeys>>,
    /// The projects room was made for: a fact is given once a project, about.
    projects: usize,
}

impl FindingColumns {
    /// Room for the findings of about `projects` projects.
    pub(crate) fn for_projects(projects: usize) -> Self {
        let rows = projects.saturating_mul(FINDINGS_PER_PROJECT);
        FindingColumns {
            row: Vec::with_capacity(rows),
            project: TextColumn::with_capacity(rows, rows.saturating_mul(8)),
            rule: DictColumn::with_capacity(rows),
            status: DictColumn::with_capacity(rows),
            severity: DictColumn::with_capacity(rows),
            subject: TextColumn::with_capacity(rows, rows.saturating_mul(16)),
            message: DictColumn::with_capacity(rows),
            help: DictColumn::with_capacity(rows),
            citation: DictColumn::with_capacity(rows),
            missing_ends: Vec::with_capacity(rows),
            projects,
            ..FindingColumns::default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.row.len()
    }

    /// The findings that follow are of the project `id` at input row `row`.
    pub(crate) fn project(&mut self, row: Option<usize>, id: &str) {
        self.current.0 = row.map(|r| u32::try_from(r).unwrap_or(u32::MAX));
        self.current.1.clear();
        self.current.1.push_str(id);
    }

    /// Ends the last row: its missing fields end here. (The columns most rows leave
    /// null are padded when next given a value, and at the end.)
    fn close(&mut self) {
        let n = self.len();
        if self.missing_ends.len() < n {
            let values = i32::try_from(self.missing.len()).unwrap_or(i32::MAX);
            self.missing_ends.push(values);
        }
    }

    fn start_row(&mut self) {
        self.close();
        self.row.push(self.current.0);
        if self.current.1.is_empty() {
            self.project.push_null();
        } else {
            self.project.push(&self.current.1);
        }
    }

    /// A rule's keys, found once per part.
    fn keys_of(&mut self, policy: &Policy, rule: RuleId) -> RuleKeys {
        let meta = policy.rule(rule);
        let keys = RuleKeys {
            rule: self.rule.key_of(rule.as_str().as_bytes()),
            severity: self.severity.key_of(meta.severity.as_str().as_bytes()),
            citation: self.citation.key_of(meta.citation.as_bytes()),
        };
        let i = rule as usize;
        if self.rules.len() <= i {
            self.rules.resize(i + 1, None);
        }
        if let Some(slot) = self.rules.get_mut(i) {
            *slot = Some(keys);
        }
        keys
    }

    /// A row for a project that could not be evaluated: its error, no rule.
    pub(crate) fn error(&mut self, code: &str, message: &str) {
        self.start_row();
        for c in [
            &mut self.rule,
            &mut self.status,
            &mut self.severity,
            &mut self.citation,
        ] {
            c.push_null();
        }
        self.message.push_null();
        let before = self.len().saturating_sub(1);
        self.error_code.pad(before);
        self.error_code.push(code);
        self.error_message.pad(before);
        self.error_message.push(message);
    }

    /// The columns: [`COLUMNS`], then one per fact of `facts` in name
    /// order, of its kind (a fact named like one of those columns is `fact_<name>`).
    fn finish(mut self, facts: &BTreeMap<&'static str, FactKind>) -> Result<RecordBatch> {
        self.close();
        let n = self.len();
        self.help.pad(n);
        self.error_code.pad(n);
        self.subject.pad(n);
        self.error_message.pad(n);
        let mut out = Out::default();
        out.push("row", Arc::new(UInt32Array::from(self.row)));
        out.push("project", self.project.finish("project")?);
        out.push("rule", self.rule.finish("rule")?);
        out.push("status", self.status.finish("status")?);
        out.push("severity", self.severity.finish("severity")?);
        out.push("subject", self.subject.finish("subject")?);
        out.push("message", self.message.finish("message")?);
        out.push("help", self.help.finish("help")?);
        out.push("citation", self.citation.finish("citation")?);
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        offsets.extend(self.missing_ends);
        let list = ListArray::try_new(
            Arc::new(Field::new("item", DataType::Utf8, true)),
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            self.missing.finish("missing")?,
            None,
        )
        .map_err(arrow_error)?;
        out.push("missing", Arc::new(list));
        out.push("error_code", self.error_code.finish("error_code")?);
        out.push("error_message", self.error_message.finish("error_message")?);
        for (name, kind) in facts {
            let column = match self.facts.iter().find(|f| f.name == *name) {
                Some(f) => f.finish(n, *kind)?,
                None => FactColumn::new(name).finish(n, *kind)?,
            };
            let name = if COLUMNS.contains(name) {
                format!("fact_{name}")
            } else {
                (*name).to_owned()
            };
            out.push(&name, column);
        }
        out.finish()
    }
}

/// The parts' findings as record batches of one schema, in order: each fact's column of
/// the kind its values have across every part. No part's rows are copied.
pub(crate) fn batches(parts: Vec<FindingColumns>) -> Result<Vec<RecordBatch>> {
    let mut kinds: BTreeMap<&'static str, FactKind> = BTreeMap::new();
    for fact in parts.iter().flat_map(|p| &p.facts) {
        if let Some(kind) = fact.kind() {
            kinds
                .entry(fact.name)
                .and_modify(|k| *k = k.and(kind))
                .or_insert(kind);
        }
    }
    if parts.is_empty() {
        return Ok(vec![FindingColumns::default().finish(&kinds)?]);
    }
    // Each part's columns built on a core of its own.
    parts
        .into_par_iter()
        .with_max_len(1)
        .map(|p| p.finish(&kinds))
        .collect()
}

impl Sink for FindingColumns {
    fn finding(
        &mut self,
        policy: &Policy,
        rule: RuleId,
        status: Status,
        message: fmt::Arguments<'_>,
    ) {
        self.start_row();
        let keys = match self.rules.get(rule as usize) {
            Some(Some(keys)) => *keys,
            _ => self.keys_of(policy, rule),
        };
        self.rule.push_key(keys.rule);
        self.severity.push_key(keys.severity);
        self.citation.push_key(keys.citation);
        self.status.push_static(status.as_str());
        self.message.push_fmt(message);
    }

    fn subject(&mut self, kind: &str, name: &str) {
        let n = self.len();
        if self.subject.len() < n {
            self.subject.pad(n.saturating_sub(1));
            self.subject.bytes.extend_from_slice(kind.as_bytes());
            self.subject.bytes.push(b' ');
            self.subject.push(name);
        }
    }

    fn help(&mut self, help: fmt::Arguments<'_>) {
        let n = self.len();
        if self.help.len() < n {
            self.help.pad(n.saturating_sub(1));
            self.help.push_fmt(help);
        }
    }

    fn missing(&mut self, path: fmt::Arguments<'_>) {
        self.missing.push_fmt(path);
    }

    fn fact(&mut self, name: &'static str, value: Value<'_>) {
        let Some(row) = self.len().checked_sub(1) else {
            return;
        };
        let at = match self.facts.get(self.next_fact) {
            Some(f) if std::ptr::eq(f.name, name) || f.name == name => self.next_fact,
            _ => match self.facts.iter().position(|f| f.name == name) {
                Some(i) => i,
                None => {
                    self.facts
                        .push(FactColumn::with_capacity(name, self.projects));
                    self.facts.len() - 1
                }
            },
        };
        if let Some(f) = self.facts.get_mut(at) {
            f.set(row, value);
        }
        self.next_fact = at + 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Decimal128Type;
    use arrow_array::Array;

    fn column(values: &[Option<Value<'_>>]) -> ArrayRef {
        let mut c = FactColumn::new("x");
        for (row, v) in values.iter().enumerate() {
            if let Some(v) = v {
                c.set(row, *v);
            }
        }
        let kind = c.kind().unwrap();
        c.finish(values.len(), kind).unwrap()
    }

    #[test]
    fn facts_keep_their_kind_and_mixed_kinds_read_as_text() {
        let mixed = column(&[Some(Value::Int(3)), None, Some(Value::Text("three"))]);
        let text = mixed.as_string::<i32>();
        assert_eq!(
            (text.value(0), text.is_null(1), text.value(2)),
            ("3", true, "three")
        );
        let rate = Some(Value::Decimal("62.5".parse().unwrap()));
        let rates = column(&[rate, Some(Value::Ratio(None)), None]);
        let d = rates.as_primitive::<Decimal128Type>();
        assert_eq!(
            (d.value_as_string(0), d.is_null(1), d.is_null(2)),
            ("62.5".to_owned(), true, true)
        );
        // Only undefined ratios: their text, as a finding's fact reads.
        let undefined = column(&[Some(Value::Ratio(None))]);
        assert_eq!(undefined.as_string::<i32>().value(0), "undefined");
        let dates = column(&[None, Some(Value::Date("2024-02-29".parse().unwrap()))]);
        assert_eq!(dates.data_type(), &DataType::Date32);
        assert!(dates.is_null(0));
    }

    #[test]
    fn a_dictionary_keeps_each_text_once_and_reads_back_every_row() {
        let mut c = DictColumn::<Int32Type>::default();
        c.push("P1");
        c.push("P1");
        c.push_null();
        c.push_fmt(format_args!("{} months", 3));
        c.push_static("fixed");
        c.push("P1");
        // A literal and a formatted text that read the same share one entry.
        c.push_fmt(format_args!("{}xed", "fi"));
        c.push_fmt(format_args!("fixed"));
        let array = c.finish("x").unwrap();
        let dict = array.as_dictionary::<Int32Type>();
        assert_eq!(dict.values().len(), 3, "P1, 3 months, fixed");
        let text = arrow_cast::cast(&array, &DataType::Utf8).unwrap();
        let text: Vec<Option<&str>> = text.as_string::<i32>().iter().collect();
        assert_eq!(
            text,
            [
                Some("P1"),
                Some("P1"),
                None,
                Some("3 months"),
                Some("fixed"),
                Some("P1"),
                Some("fixed"),
                Some("fixed")
            ]
        );
    }

    #[test]
    fn more_distinct_texts_than_the_keys_count_is_an_error_not_a_panic() {
        let mut c = DictColumn::<Int8Type>::default();
        for i in 0..200 {
            c.push_fmt(format_args!("value {i}"));
        }
        let e = c.finish("rule").unwrap_err();
        assert!(e.to_string().contains("rule"), "{e}");
    }

    #[test]
    fn a_row_given_no_subject_help_or_missing_field_has_nulls_there() {
        let policy = Policy::default();
        let mut c = FindingColumns::default();
        c.project(Some(0), "P1");
        c.finding(&policy, RuleId::DlvRate, Status::Pass, format_args!("a"));
        c.finding(
            &policy,
            RuleId::DlvRate,
            Status::Warning,
            format_args!("b {}", 1),
        );
        c.subject("unit", "U");
        c.help(format_args!("h"));
        c.missing(format_args!("m1"));
        c.missing(format_args!("m2"));
        c.project(None, "");
        c.error("end_before_start", "ends before it starts");
        let mut other = FindingColumns::default();
        other.project(Some(1), "P2");
        other.finding(
            &policy,
            RuleId::DlvOverspend,
            Status::Warning,
            format_args!("c"),
        );
        other.fact("rate_percent", Value::Int(1));
        let parts = batches(vec![c, other]).unwrap();
        assert_eq!(parts[0].schema(), parts[1].schema());
        let out = arrow_select::concat::concat_batches(&parts[0].schema(), &parts).unwrap();
        let text = |name: &str| {
            let a = out.column_by_name(name).unwrap();
            let a = arrow_cast::cast(a, &DataType::Utf8).unwrap();
            let a = a.as_string::<i32>();
            (0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value(i).to_owned()))
                .collect::<Vec<_>>()
        };
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(text("message"), [s("a"), s("b 1"), None, s("c")]);
        assert_eq!(text("subject"), [None, s("unit U"), None, None]);
        assert_eq!(text("help"), [None, s("h"), None, None]);
        assert_eq!(text("project"), [s("P1"), s("P1"), None, s("P2")]);
        assert_eq!(
            text("error_code"),
            [None, None, s("end_before_start"), None]
        );
        let missing = out
            .column_by_name("missing")
            .unwrap()
            .as_list::<i32>()
            .clone();
        assert_eq!(missing.value(1).len(), 2);
        assert_eq!(
            (
                missing.value(0).len(),
                missing.value(2).len(),
                missing.value(3).len()
            ),
            (0, 0, 0)
        );
        // A fact only the second part has is a column of both, of its kind.
        let rate = out.column_by_name("rate_percent").unwrap();
        assert_eq!(rate.data_type(), &DataType::Int64);
        assert!(rate.is_null(1) && rate.is_valid(3));
    }
}
