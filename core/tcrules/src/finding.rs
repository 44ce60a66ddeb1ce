//! Findings: what every rule returns. A finding says which rule decided, how, on which
//! facts, under which policy edition, and where the rule comes from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::policy::{Policy, PolicyStamp};
use crate::rule::{RuleId, Severity, Status, Text};

/// A compared value. Decimals and dates are carried as strings so they survive JSON,
/// Python and JavaScript exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Fact {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl From<bool> for Fact {
    fn from(v: bool) -> Self {
        Fact::Bool(v)
    }
}
impl From<i64> for Fact {
    fn from(v: i64) -> Self {
        Fact::Int(v)
    }
}
impl From<u32> for Fact {
    fn from(v: u32) -> Self {
        Fact::Int(i64::from(v))
    }
}
impl From<usize> for Fact {
    fn from(v: usize) -> Self {
        Fact::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<String> for Fact {
    fn from(v: String) -> Self {
        Fact::Text(v)
    }
}
impl From<&str> for Fact {
    fn from(v: &str) -> Self {
        Fact::Text(v.to_owned())
    }
}
impl From<rust_decimal::Decimal> for Fact {
    fn from(v: rust_decimal::Decimal) -> Self {
        Fact::Text(crate::money::normalized_text(v))
    }
}
/// A ratio that may be undefined (nothing to divide by) reads `"undefined"`.
impl From<Option<rust_decimal::Decimal>> for Fact {
    fn from(v: Option<rust_decimal::Decimal>) -> Self {
        v.map_or_else(|| Fact::Text("undefined".to_owned()), Fact::from)
    }
}
impl From<chrono::NaiveDate> for Fact {
    fn from(v: chrono::NaiveDate) -> Self {
        Fact::Text(iso_date(v))
    }
}

/// `YYYY-MM-DD`, as chrono writes a date, but straight into a string of the right size for
/// the years 0 to 9999; chrono's own form (with a sign) for any other.
fn iso_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let year = match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => year,
        _ => return date.to_string(),
    };
    let digit = |n: u32| char::from_digit(n % 10, 10).unwrap_or('0');
    let mut s = String::with_capacity(10);
    s.extend([year / 1000, year / 100, year / 10, year].map(digit));
    s.push('-');
    s.extend([date.month() / 10, date.month()].map(digit));
    s.push('-');
    s.extend([date.day() / 10, date.day()].map(digit));
    s
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Bool(b) => write!(f, "{b}"),
            Fact::Int(i) => write!(f, "{i}"),
            Fact::Text(s) => f.write_str(s),
        }
    }
}

/// The values a finding compared, by name, in name order: a JSON object. Reads like the
/// `BTreeMap<String, Fact>` it replaces (`facts["budget_usd"]`, [`Facts::get`],
/// [`Facts::iter`]) but is one small sorted vector: a finding has a handful of facts, and
/// building and dropping a tree for each finding was a large share of a rule's time.
///
/// ```
/// use tcrules::{Fact, finding::Facts};
/// let mut facts = Facts::default();
/// facts.insert("threshold_usd", "350000");
/// facts.insert("budget_usd", "412000");
/// assert_eq!(facts["budget_usd"], Fact::Text("412000".into()));
/// assert_eq!(facts.keys().collect::<Vec<_>>(), ["budget_usd", "threshold_usd"]);
/// assert_eq!(serde_json::to_string(&facts).unwrap(), r#"{"budget_usd":"412000","threshold_usd":"350000"}"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Facts(Vec<(Text, Fact)>);

impl Facts {
    /// Sets the value of `name`, returning the value it replaces.
    pub fn insert(&mut self, name: impl Into<Text>, value: impl Into<Fact>) -> Option<Fact> {
        let (name, value) = (name.into(), value.into());
        // A fact named after the last one is appended after a single comparison.
        if self.0.last().is_none_or(|(last, _)| *last < name) {
            self.0.push((name, value));
            return None;
        }
        match self.position(&name) {
            Ok(i) => self
                .0
                .get_mut(i)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    /// Makes room for `additional` more facts.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Fact> {
        let i = self.position(name).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// Whether there is a fact called `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Names and values in name order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Text, &Fact)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Text> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// Values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Fact> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    fn position(&self, name: &str) -> std::result::Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }
}

/// The value of a fact known to be there; like a map's index, it panics when it is not.
impl std::ops::Index<&str> for Facts {
    type Output = Fact;
    #[allow(clippy::panic)] // A caller's bug, as with `BTreeMap`'s index; rules use `get`.
    fn index(&self, name: &str) -> &Fact {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no fact named {name:?}"),
        }
    }
}

impl<'a> IntoIterator for &'a Facts {
    type Item = (&'a Text, &'a Fact);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Text, Fact)>,
        fn(&'a (Text, Fact)) -> (&'a Text, &'a Fact),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Facts {
    type Item = (Text, Fact);
    type IntoIter = std::vec::IntoIter<(Text, Fact)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Into<Text>, V: Into<Fact>> FromIterator<(K, V)> for Facts {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut facts = Facts::default();
        for (k, v) in iter {
            facts.insert(k, v);
        }
        facts
    }
}

impl fmt::Debug for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Facts {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Facts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // Through the map it replaces: same errors, and a repeated name keeps its last value.
        BTreeMap::<String, Fact>::deserialize(deserializer).map(Facts::from_iter)
    }
}

/// The schema of the map it replaces.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Facts {
    fn inline_schema() -> bool {
        BTreeMap::<String, Fact>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        BTreeMap::<String, Fact>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        BTreeMap::<String, Fact>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        BTreeMap::<String, Fact>::json_schema(generator)
    }
}

/// One rule's verdict on one subject, with its reasons.
///
/// ```
/// use tcrules::{Finding, Policy, RuleId, Status};
/// let policy = Policy::default();
/// let f = Finding::new(&policy, RuleId::EvalIndependent, Status::Pass, "ok")
///     .fact("threshold_usd", "350000".parse::<rust_decimal::Decimal>().unwrap());
/// assert_eq!(f.citation, "R6 §143");
/// assert_eq!(f.policy.name, "ilo-2006");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Which rule.
    pub rule: RuleId,
    /// What it decided.
    pub status: Status,
    /// How much it matters (from the policy).
    pub severity: Severity,
    /// What the finding is about (`project P-12`, `outcome 1a`, ...), when not obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Text>,
    /// For a programme officer.
    pub message: Text,
    /// The values compared: value, threshold, dates.
    #[serde(default)]
    pub facts: Facts,
    /// Paths of input fields the rule needed and did not get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// How to fix a failing check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Where the rule comes from, e.g. `R6 §143`.
    pub citation: Text,
    /// The policy edition that produced it.
    pub policy: Arc<PolicyStamp>,
}

impl Finding {
    /// A finding for `rule` with the policy's severity and citation.
    pub fn new(policy: &Policy, rule: RuleId, status: Status, message: impl Into<Text>) -> Self {
        let (severity, citation) = policy.severity_and_citation(rule);
        Finding {
            rule,
            status,
            severity,
            subject: None,
            message: message.into(),
            facts: Facts::default(),
            missing: Vec::new(),
            help: None,
            citation,
            policy: policy.stamp_arc(),
        }
    }

    /// Adds a compared value.
    #[must_use]
    pub fn fact(mut self, name: impl Into<Text>, value: impl Into<Fact>) -> Self {
        self.facts.insert(name, value);
        self
    }

    /// Names the subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<Text>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Records a missing input field.
    #[must_use]
    pub fn missing(mut self, path: impl Into<String>) -> Self {
        self.missing.push(path.into());
        self
    }

    /// Says how to fix it.
    #[must_use]
    pub fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A fail or warning: something for a person to act on.
    pub fn needs_action(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Warning)
    }
}

/// A fact's value as a rule hands it to a [`Sink`]: typed and borrowed, so that a
/// columnar sink keeps a date as a date and a list of findings makes its [`Fact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Bool(bool),
    Int(i64),
    Decimal(rust_decimal::Decimal),
    /// A ratio: `None` when there is nothing to divide by (the fact reads `"undefined"`).
    Ratio(Option<rust_decimal::Decimal>),
    Date(chrono::NaiveDate),
    Text(&'a str),
}

impl From<Value<'_>> for Fact {
    fn from(v: Value<'_>) -> Self {
        match v {
            Value::Bool(b) => Fact::Bool(b),
            Value::Int(i) => Fact::Int(i),
            Value::Decimal(d) => d.into(),
            Value::Ratio(r) => r.into(),
            Value::Date(d) => d.into(),
            Value::Text(t) => t.into(),
        }
    }
}

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<usize> for Value<'_> {
    fn from(v: usize) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<rust_decimal::Decimal> for Value<'_> {
    fn from(v: rust_decimal::Decimal) -> Self {
        Value::Decimal(v)
    }
}
impl From<Option<rust_decimal::Decimal>> for Value<'_> {
    fn from(v: Option<rust_decimal::Decimal>) -> Self {
        Value::Ratio(v)
    }
}
impl From<chrono::NaiveDate> for Value<'_> {
    fn from(v: chrono::NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}

/// Where a rule's findings go, one part at a time: a list of [`Finding`]s, or columns
/// (tcrules-arrow's findings table) that store each part as it comes, with no finding
/// built per row. [`Sink::finding`] starts a finding; the calls after it, until the
/// next, add to it.
pub trait Sink {
    /// Starts a finding of `rule` with `status` and `message`, severity and citation
    /// from `policy`.
    fn finding(
        &mut self,
        policy: &Policy,
        rule: RuleId,
        status: Status,
        message: fmt::Arguments<'_>,
    );
    /// What it is about: `kind` and `name`, written `"{kind} {name}"` (`project P1`).
    fn subject(&mut self, kind: &str, name: &str);
    /// What to do about it.
    fn help(&mut self, help: fmt::Arguments<'_>);
    /// A field the rule needed and did not find.
    fn missing(&mut self, path: fmt::Arguments<'_>);
    /// A compared value.
    fn fact(&mut self, name: &'static str, value: Value<'_>);
}

/// Text of `args`, copied only where it is not a literal.
fn text(args: fmt::Arguments<'_>) -> Text {
    args.as_str()
        .map_or_else(|| Text::from(args.to_string()), Text::from)
}

/// The findings as a list, in the order emitted.
///
/// ```
/// use tcrules::{finding::Sink, Finding, Policy, RuleId, Status};
/// let mut out: Vec<Finding> = Vec::new();
/// out.finding(&Policy::default(), RuleId::DlvRate, Status::Pass, format_args!("delivery {} %", 65));
/// out.subject("unit", "GENDER");
/// out.fact("rate_percent", rust_decimal::Decimal::from(65).into());
/// assert_eq!((out[0].message.as_str(), out[0].subject.as_deref()), ("delivery 65 %", Some("unit GENDER")));
/// assert_eq!(out[0].facts["rate_percent"].to_string(), "65");
/// ```
impl Sink for Vec<Finding> {
    fn finding(
        &mut self,
        policy: &Policy,
        rule: RuleId,
        status: Status,
        message: fmt::Arguments<'_>,
    ) {
        self.push(Finding::new(policy, rule, status, text(message)));
    }

    fn subject(&mut self, kind: &str, name: &str) {
        // One shared text for a run of findings about the same subject.
        let same = |t: &Text| {
            t.strip_prefix(kind)
                .and_then(|r| r.strip_prefix(' '))
                .is_some_and(|r| r == name)
        };
        let shared = match self.len().checked_sub(2).and_then(|i| self.get(i)) {
            Some(Finding {
                subject: Some(prev),
                ..
            }) if same(prev) => prev.clone(),
            _ => Text::from(std::sync::Arc::<str>::from(format!("{kind} {name}"))),
        };
        if let Some(f) = self.last_mut() {
            f.subject = Some(shared);
        }
    }

    fn help(&mut self, help: fmt::Arguments<'_>) {
        if let Some(f) = self.last_mut() {
            f.help = Some(text(help));
        }
    }

    fn missing(&mut self, path: fmt::Arguments<'_>) {
        if let Some(f) = self.last_mut() {
            f.missing.push(path.to_string());
        }
    }

    fn fact(&mut self, name: &'static str, value: Value<'_>) {
        if let Some(f) = self.last_mut() {
            f.facts.insert(name, Fact::from(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_and_serialize_like_the_map_they_replace() {
        let entries: [(&str, Fact); 5] = [
            ("threshold_usd", "350000".into()),
            ("budget_usd", "412000".into()),
            ("workers.design", true.into()),
            ("employers.design", false.into()),
            ("budget_usd", "1".into()),
        ];
        let (mut facts, mut map) = (Facts::default(), BTreeMap::new());
        for (name, value) in entries {
            assert_eq!(
                facts.insert(name, value.clone()),
                map.insert(name.to_owned(), value)
            );
        }
        assert_eq!(facts.len(), map.len());
        assert!(facts.keys().eq(map.keys()));
        assert!(facts.values().eq(map.values()));
        assert_eq!(facts["budget_usd"], Fact::Text("1".into()));
        assert_eq!(facts.get("nope"), None);
        assert!(facts.contains_key("workers.design") && !facts.contains_key("workers"));
        let json = serde_json::to_string(&facts).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert_eq!(format!("{facts:?}"), format!("{map:?}"));
        assert_eq!(serde_json::from_str::<Facts>(&json).unwrap(), facts);
        // A repeated name keeps its last value, as in the map.
        let twice: Facts = serde_json::from_str(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(
            twice.iter().collect::<Vec<_>>(),
            [(&Text::from("a"), &Fact::Int(2))]
        );
    }

    #[test]
    fn date_facts_read_as_chrono_writes_them() {
        use chrono::{Days, NaiveDate};
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let days = |from: NaiveDate| from.iter_days().take(2000);
        // Every day across the years 0 and 9999 and at the ends of chrono's range, and
        // dates spread over the whole range.
        let spread = (0..).map_while(|i| NaiveDate::MIN.checked_add_days(Days::new(i * 49_999)));
        let dates = days(ymd(-3, 1, 1))
            .chain(days(ymd(9996, 1, 1)))
            .chain(days(NaiveDate::MIN))
            .chain(days(NaiveDate::MAX - Days::new(1999)))
            .chain(spread);
        for date in dates {
            assert_eq!(Fact::from(date), Fact::Text(date.to_string()), "{date}");
        }
    }

    #[test]
    fn decimal_facts_keep_exact_digits() {
        let f: Fact = "350000.004"
            .parse::<rust_decimal::Decimal>()
            .unwrap()
            .into();
        assert_eq!(f, Fact::Text("350000.004".into()));
        let f: Fact = "350000.00".parse::<rust_decimal::Decimal>().unwrap().into();
        assert_eq!(f, Fact::Text("350000".into()));
    }
}
