//! The template's layout, read from the proposal's JSON Schema
//! (`core/schema/proposal.schema.json`, generated from [`crate::Proposal`] and checked by
//! the `schema` test), so a field added to the type is a row or a column of the template
//! the next time it is built, with nothing to keep in step by hand.
//!
//! Scalar fields outside lists, sections included (`needs.pb_outcome`,
//! `constituents.workers.design`), are rows of the sheet "Proposal"; every list is a sheet
//! of its own with a header row, one column per scalar field of its items (a `Money` is
//! two: amount and currency); a list inside a list's items (an outcome's indicators) is a
//! sheet whose first column gives the number of the item it belongs to.

use serde_json::{Map, Value};

use crate::model::label_key;

/// The proposal's schema, as committed.
const SCHEMA: &str = include_str!("../../../schema/proposal.schema.json");

/// The name of the sheet of scalar fields.
pub const PROPOSAL_SHEET: &str = "Proposal";

/// What a cell holds, from the field's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// A date (`format: date`).
    Date,
    /// An exact decimal amount (a `Money`'s amount).
    Amount,
    /// Yes or No (a boolean).
    YesNo,
    /// A whole number between the schema's bounds.
    Whole { min: i64, max: i64 },
    /// One of the values of an enumeration.
    Choice(Vocabulary),
}

/// The values of an enumeration of the schema, with the labels people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    /// The enumeration's name in the schema (`BudgetPurpose`).
    pub name: String,
    /// Each value: its JSON name, its label and its other spellings.
    pub values: Vec<Choice>,
}

/// One value of a [`Vocabulary`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The name in JSON (`capacity_building`).
    pub value: String,
    /// The label for people (`Capacity building`).
    pub label: String,
    /// Other ways people write it.
    pub aliases: Vec<String>,
}

impl Vocabulary {
    /// The JSON name of what a cell says: a value's name, label or alias, compared as
    /// [`label_key`] compares them.
    pub fn value_of(&self, text: &str) -> Option<&str> {
        let key = label_key(text);
        self.values
            .iter()
            .find(|c| {
                label_key(&c.value) == key
                    || label_key(&c.label) == key
                    || c.aliases.iter().any(|a| label_key(a) == key)
            })
            .map(|c| c.value.as_str())
    }

    /// The label of a JSON name (the name itself when it has none).
    pub fn label_of<'a>(&'a self, value: &'a str) -> &'a str {
        self.values
            .iter()
            .find(|c| c.value == value)
            .map_or(value, |c| c.label.as_str())
    }
}

/// A field: a row of the sheet "Proposal", or a column of a list's sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The JSON keys from the sheet's object (the proposal, or a list's item) to the
    /// value; empty for a list of plain values (an outcome's outputs).
    pub key: Vec<String>,
    /// For each key, whether its object requires it.
    pub required: Vec<bool>,
    /// What people read (`Needs › P&B outcome`).
    pub label: String,
    /// The first paragraph of the schema's description, if any.
    pub about: String,
    /// What the cell holds.
    pub kind: Kind,
}

impl Field {
    /// The dotted key (`needs.pb_outcome`), the "Key" of a row of the sheet "Proposal".
    pub fn dotted(&self) -> String {
        self.key.join(".")
    }
}

/// A sheet of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Its name, as the tab reads.
    pub name: String,
    /// Where its list lies (JSON keys) in the proposal or, for a list inside a list's
    /// items, in the item of the `parent` sheet; empty for the sheet "Proposal".
    pub at: Vec<String>,
    /// The sheet whose items hold this list, by index in [`Layout::sheets`].
    pub parent: Option<usize>,
    /// What the list is, from the schema.
    pub about: String,
    /// Its rows (the sheet "Proposal") or columns (a list).
    pub fields: Vec<Field>,
}

impl Sheet {
    /// The heading of the column that numbers an item of the parent sheet
    /// (`Outcome no.`).
    pub fn parent_column(&self, layout: &Layout) -> Option<String> {
        let parent = layout.sheets.get(self.parent?)?;
        Some(format!("{} no.", singular(&parent.name)))
    }
}

/// Every sheet of the template, the sheet "Proposal" first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub sheets: Vec<Sheet>,
}

impl Layout {
    /// The layout of the proposal's schema.
    ///
    /// ```
    /// let layout = tcrules::template::Layout::proposal();
    /// let names: Vec<&str> = layout.sheets.iter().map(|s| s.name.as_str()).collect();
    /// assert_eq!(names[0], "Proposal");
    /// assert!(names.contains(&"Budget lines") && names.contains(&"Indicators"));
    /// ```
    pub fn proposal() -> Layout {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap_or(Value::Null);
        let mut builder = Builder {
            defs: schema.get("$defs").and_then(Value::as_object),
            sheets: vec![Sheet {
                name: PROPOSAL_SHEET.into(),
                at: Vec::new(),
                parent: None,
                about: prose(&schema),
                fields: Vec::new(),
            }],
        };
        builder.object(&schema, None, 0, &[], &[], &[]);
        Layout {
            sheets: builder.sheets,
        }
    }
}

/// A schema node's description for people: its first paragraph (the rest of a doc
/// comment is for programmers: examples, code), on one line, `None` read as "empty" and
/// without code marks; "" when it has none.
fn prose(node: &Value) -> String {
    let text = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let first = text.split("\n\n").next().unwrap_or_default();
    first
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("`None`", "empty")
        .replace('`', "")
}

struct Builder<'a> {
    defs: Option<&'a Map<String, Value>>,
    sheets: Vec<Sheet>,
}

impl<'a> Builder<'a> {
    /// The node a `$ref` or an optional's `anyOf: [X, null]` stands for, and the name of
    /// the definition it refers to.
    fn resolve(&self, node: &'a Value) -> (&'a Value, Option<&'a str>) {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/$defs/");
            if let Some(def) = self.defs.and_then(|d| d.get(name)) {
                return (def, Some(name));
            }
        }
        if let Some(members) = node.get("anyOf").and_then(Value::as_array) {
            if let Some(other) = members
                .iter()
                .find(|m| m.get("type").and_then(Value::as_str) != Some("null"))
            {
                return self.resolve(other);
            }
        }
        (node, None)
    }

    /// The properties of an object in the order its Rust type declares them
    /// ([`super::order`]; the schema sorts them by name); those of a type not known
    /// there, after, by name.
    fn object(
        &mut self,
        node: &'a Value,
        def: Option<&str>,
        sheet: usize,
        key: &[String],
        required: &[bool],
        words: &[String],
    ) {
        let Some(properties) = node.get("properties").and_then(Value::as_object) else {
            return;
        };
        let needed: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let declared = super::order::declared(def);
        let mut names: Vec<&String> = properties.keys().collect();
        names.sort_by_key(|name| {
            let rank = declared
                .iter()
                .position(|d| d == name)
                .unwrap_or(declared.len());
            (rank, name.as_str())
        });
        for name in names {
            let Some(child) = properties.get(name.as_str()) else {
                continue;
            };
            let mut key = key.to_vec();
            key.push(name.clone());
            let mut req = required.to_vec();
            req.push(needed.contains(&name.as_str()));
            let mut words = words.to_vec();
            words.push(word(name));
            self.property(child, sheet, key, req, words);
        }
    }

    fn property(
        &mut self,
        node: &'a Value,
        sheet: usize,
        key: Vec<String>,
        required: Vec<bool>,
        words: Vec<String>,
    ) {
        let about = prose(node);
        let (resolved, def) = self.resolve(node);
        if resolved.get("properties").is_some() {
            return self.object(resolved, def, sheet, &key, &required, &words);
        }
        if types(resolved).contains(&"array") {
            let items = resolved.get("items").unwrap_or(&Value::Null);
            return self.list(items, sheet, key, about);
        }
        let about = if about.is_empty() {
            prose(resolved)
        } else {
            about
        };
        let kind = self.kind(resolved, def);
        let mut words = words;
        words.dedup();
        if let Some(s) = self.sheets.get_mut(sheet) {
            s.fields.push(Field {
                key,
                required,
                label: words.join(" › "),
                about,
                kind,
            });
        }
    }

    /// A list: a sheet of its own, numbered after `sheet` when that is a list's sheet.
    fn list(&mut self, items: &'a Value, sheet: usize, key: Vec<String>, about: String) {
        let last = key.last().cloned().unwrap_or_default();
        let name = sheet_name(&last);
        let parent = (sheet != 0).then_some(sheet);
        let index = self.sheets.len();
        self.sheets.push(Sheet {
            name: name.clone(),
            at: key,
            parent,
            about,
            fields: Vec::new(),
        });
        let (resolved, def) = self.resolve(items);
        if resolved.get("properties").is_some() {
            self.object(resolved, def, index, &[], &[], &[]);
        } else {
            let label = def.map_or_else(|| singular(&name), word);
            let kind = self.kind(resolved, def);
            let about = prose(resolved);
            if let Some(s) = self.sheets.get_mut(index) {
                s.fields.push(Field {
                    key: Vec::new(),
                    required: Vec::new(),
                    label,
                    about,
                    kind,
                });
            }
        }
    }

    fn kind(&self, node: &Value, def: Option<&str>) -> Kind {
        let types = types(node);
        if let Some(values) = choices(node) {
            return Kind::Choice(vocabulary(def.unwrap_or_default(), values));
        }
        if types.contains(&"boolean") {
            Kind::YesNo
        } else if types.contains(&"integer") {
            let bound = |m: &str, d: i64| node.get(m).and_then(Value::as_i64).unwrap_or(d);
            Kind::Whole {
                min: bound("minimum", i64::MIN),
                max: bound("maximum", i64::MAX),
            }
        } else if types.contains(&"number") || node.get("pattern").is_some() {
            Kind::Amount
        } else if node.get("format").and_then(Value::as_str) == Some("date") {
            Kind::Date
        } else {
            Kind::Text
        }
    }
}

/// A node's types, `null` left out.
fn types(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

/// The values of an enumeration (`enum`, or `oneOf` of `const`s).
fn choices(node: &Value) -> Option<Vec<String>> {
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    let members = node.get("oneOf").and_then(Value::as_array)?;
    members
        .iter()
        .map(|m| m.get("const").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// An enumeration's values with the model's labels and aliases where the model has them
/// (the vocabulary of [`crate::model`]), else the value as its own label.
fn vocabulary(name: &str, values: Vec<String>) -> Vocabulary {
    use crate::model::{BudgetPurpose, Constituent, EvaluationKind, GovernanceKind, Independence};
    macro_rules! known {
        ($($t:ident),+) => {
            match name {
                $(stringify!($t) => $t::ALL.iter().map(|v| (v.as_str(), v.label(), v.aliases())).collect(),)+
                _ => Vec::new(),
            }
        };
    }
    let known: Vec<(&str, &str, &[&str])> = known!(
        BudgetPurpose,
        Constituent,
        EvaluationKind,
        GovernanceKind,
        Independence
    );
    let values = values
        .into_iter()
        .map(|value| match known.iter().find(|(v, ..)| *v == value) {
            Some((_, label, aliases)) => Choice {
                value,
                label: capitalized(label),
                aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            },
            None => Choice {
                label: value.clone(),
                value,
                aliases: Vec::new(),
            },
        })
        .collect();
    Vocabulary {
        name: name.to_owned(),
        values,
    }
}

/// The words for a JSON key or a definition's name: `pb_outcome` is "P&B outcome",
/// `BudgetPurpose` "Budget purpose".
fn word(key: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("id", "ID"),
        ("pb", "P&B"),
        ("dwcp", "DWCP"),
        ("act", "ACT/EMP"),
        ("emp", ""),
        ("actrav", "ACTRAV"),
        ("mid", "mid-term"),
        ("term", ""),
    ];
    let mut spaced = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            spaced.push(' ');
        }
        spaced.extend(c.to_lowercase());
    }
    let words: Vec<&str> = spaced
        .split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| WORDS.iter().find(|(k, _)| *k == w).map_or(w, |(_, v)| *v))
        .filter(|w| !w.is_empty())
        .collect();
    capitalized(&words.join(" "))
}

/// The text with its first letter capital: "Capacity building of constituents".
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A list's sheet name from its key: `budget` is "Budget lines", `planned` "Evaluations".
fn sheet_name(key: &str) -> String {
    match key {
        "budget" => "Budget lines".into(),
        "planned" => "Evaluations".into(),
        "assessed" => "Capacity assessed".into(),
        other => word(other),
    }
}

/// "Outcomes" → "Outcome", "Budget lines" → "Budget line".
pub(crate) fn singular(name: &str) -> String {
    name.strip_suffix('s').unwrap_or(name).to_owned()
}
