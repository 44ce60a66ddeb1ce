//! The field path of a serde_json error, found from where in the text serde_json stopped.
//!
//! Types are read with serde_json alone (one copy of each type's deserializer in the
//! WebAssembly module, and no bookkeeping per key). When a read fails, the text is walked
//! up to the error's position, keeping the path of the value there: the path a
//! path-tracking deserializer would have named for the same error.
//!
//! serde_json places an error (its line and column, here a byte offset `at`) as follows:
//! - a scalar that is not what the type wants, or does not parse: at its end;
//! - an object or array where a scalar or the other kind was wanted: at its first byte;
//!   one the type refuses without reading it (a decimal's): at its first member;
//! - an object's own error (a missing field, too few elements of a struct written as an
//!   array): just past its closing bracket;
//! - a key the type refuses (an unknown field or currency): after the key and any space
//!   (a repeated field, or an unknown variant as a map key, is the object's own error);
//! - a value refused after it was read (a currency code, a month, an internally tagged
//!   enum's fields): where its container's reader stopped next, after the space (past the
//!   `,` in an array): past the container's close if it was the last member, which is
//!   also where the container's own errors are; reading the text again with a member
//!   added after it tells the two apart;
//! - a syntax error, or the end of the text: at the byte, in whatever was being read.
//!
//! One case is named differently: a syntax error inside a value the type skips (an
//! unknown field of a struct that allows them) is named at the deepest value it is in,
//! where the path-tracking reader named the field. No reader of the crate meets it: the
//! one such input, `ReportOptions`, is only read from a parsed value's text.

use serde_json::error::Category;

/// One step of a path.
enum Step {
    Key(String),
    Index(usize),
    /// A map key the error happened in before it was read as a string (shown as `?`).
    Unread,
    /// A key of a map keyed by an enum: named, where serde_path_to_error shows `?` (it
    /// never reads such a key as a string).
    Variant(String),
}

/// The path of the error `error` that reading `text` gave, written as
/// `budget[0].amount`. `reread` reads another text as the same type and gives its error's
/// byte offset: it tells a value refused after it was read from its container's own error.
/// `enum_keyed` are the (written) paths of the maps whose keys are an enum's variants
/// (rule ids, say): a path through one names the key, and an unknown one is named too.
pub(crate) fn locate(
    text: &str,
    error: &serde_json::Error,
    reread: &dyn Fn(&str) -> Option<usize>,
    enum_keyed: &[&str],
) -> String {
    // No position: refused after the whole text was read, so the top-level value.
    let Some(at) = offset(text, error) else {
        return String::new();
    };
    let mut walk = Walk {
        text,
        at,
        data: error.classify() == Category::Data,
        eof: error.classify() == Category::Eof,
        message: error.to_string(),
        reread,
        enum_keyed,
        path: Vec::new(),
    };
    match walk.value(0) {
        Err(Found) => written(&walk.path),
        Ok(_) => String::new(),
    }
}

/// The byte offset serde_json's line and column point at, if it gave them.
pub(crate) fn offset(text: &str, error: &serde_json::Error) -> Option<usize> {
    if error.line() == 0 {
        return None;
    }
    let line_start = match error.line() - 1 {
        0 => 0,
        newlines => text.match_indices('\n').nth(newlines - 1)?.0 + 1,
    };
    Some((line_start + error.column()).min(text.len()))
}

/// The path as serde_path_to_error writes it: keys joined by dots, indices in brackets.
fn written(path: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in path.iter().enumerate() {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(_) | Step::Unread | Step::Variant(_) if i > 0 => out.push('.'),
            _ => {}
        }
        match step {
            Step::Key(key) | Step::Variant(key) => out.push_str(key),
            Step::Unread => out.push('?'),
            Step::Index(_) => {}
        }
    }
    out
}

/// The walk found the error: `Walk::path` is its path.
struct Found;

struct Walk<'a> {
    text: &'a str,
    at: usize,
    /// A data error (wrong type or value, missing or unknown field), not a syntax one.
    data: bool,
    /// The end of the text, where a value, key or bracket was still to come.
    eof: bool,
    message: String,
    reread: &'a dyn Fn(&str) -> Option<usize>,
    enum_keyed: &'a [&'a str],
    path: Vec<Step>,
}

impl Walk<'_> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    fn skip_space(&self, mut i: usize) -> usize {
        while matches!(self.byte(i), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            i += 1;
        }
        i
    }

    fn found(&mut self, step: Option<Step>) -> Result<usize, Found> {
        self.path.extend(step);
        Err(Found)
    }

    /// Whether reading the text again with `insert` at `at` stops at `at + stop`.
    ///
    /// After a value whose container's reader stops past the container's close (or at
    /// the next element's start), a member or element put after the value moves that stop
    /// to itself only if the value was refused after it was read; before the first
    /// element of an array, an element put there is where the reader stops only if the
    /// array was refused without reading it.
    fn reread_stops(&self, at: usize, insert: &str, stop: usize) -> bool {
        let (head, tail) = self.text.split_at(at);
        (self.reread)(&[head, insert, tail].concat()) == Some(at + stop)
    }

    /// A container closed just before `end`, its last member's value ending at
    /// `value_end`. An error just past the close is that member's (`step`) when reading
    /// again with `insert` after it stops `stop` bytes on, else the container's own, as an
    /// error up to the close is; with no error there, the walk goes on from `end`.
    fn close(
        &mut self,
        end: usize,
        value_end: Option<usize>,
        insert: &str,
        stop: usize,
        step: impl FnOnce() -> Step,
    ) -> Result<usize, Found> {
        if self.at == end && self.data {
            if let Some(value_end) = value_end {
                if self.reread_stops(value_end, insert, stop) {
                    return self.found(Some(step()));
                }
            }
        }
        if self.at <= end && !self.eof {
            return self.found(None);
        }
        Ok(end)
    }

    /// Walks the value from `i` (space first); its end, or `Found`.
    fn value(&mut self, i: usize) -> Result<usize, Found> {
        let start = self.skip_space(i);
        let Some(first) = self.byte(start) else {
            return self.found(None);
        };
        // An object or array of the wrong kind (at its start), or no value or too deep
        // nesting here (just past it).
        if self.at <= start || (self.at == start + 1 && !self.data && !self.eof) {
            return self.found(None);
        }
        let end = match first {
            b'{' => return self.object(start),
            b'[' => return self.array(start),
            b'"' => self.string(start).map(|(end, _)| end),
            b'-' | b'0'..=b'9' => self.number(start),
            b't' => self.literal(start, "true"),
            b'f' => self.literal(start, "false"),
            b'n' => self.literal(start, "null"),
            _ => None,
        };
        match end {
            // The text ends after a whole value; a number out of range is placed just
            // past its end.
            Some(end)
                if self.eof
                    || (self.at > end
                        && !(self.at == end + 1
                            && self.message.starts_with("number out of range"))) =>
            {
                Ok(end)
            }
            _ => self.found(None),
        }
    }

    fn object(&mut self, start: usize) -> Result<usize, Found> {
        let enum_keys =
            !self.enum_keyed.is_empty() && self.enum_keyed.contains(&written(&self.path).as_str());
        let step = |key: String| match enum_keys {
            true => Step::Variant(key),
            false => Step::Key(key),
        };
        let mut i = start + 1;
        // The end of the last member's value, and its key.
        let mut last: Option<(usize, String)> = None;
        let mut comma = false;
        loop {
            let next = self.skip_space(i);
            if let (Some((_, key)), false) = (&last, comma) {
                if self.at <= next {
                    // A value refused after it was read; the end of the text before the
                    // next key; or a syntax error of an enum written as an object with
                    // more than its variant.
                    let key = key.clone();
                    return match (self.data, self.eof) {
                        (true, _) => self.found(Some(step(key))),
                        (_, true) => self.found(Some(Step::Unread)),
                        _ => self.found(None),
                    };
                }
            }
            // The object refused without reading it: the reader stops at its first key.
            if last.is_none() && self.data && self.at == next && self.byte(next) != Some(b'}') {
                return self.found(None);
            }
            match (self.byte(next), &last, comma) {
                (Some(b'}'), _, false) => {
                    let value_end = last.as_ref().map(|(end, _)| *end);
                    let key = last.map(|(_, key)| key).unwrap_or_default();
                    return self.close(next + 1, value_end, r#","":0"#, 0, || step(key));
                }
                (Some(b','), Some(_), false) => {
                    comma = true;
                    i = next + 1;
                }
                (Some(b'"'), None, _) | (Some(b'"'), _, true) => {
                    let Some((key_end, key)) = self.string(next) else {
                        return self.found(Some(Step::Unread));
                    };
                    let colon = self.skip_space(key_end);
                    // (A close right after the key is read past by the object's reader.)
                    let closed = self.data && self.byte(colon) == Some(b'}');
                    if self.at <= colon || (closed && self.at == colon + 1) {
                        // A refused key; a repeated field (the object's error); a key that
                        // is no variant of an enum, as a map key (never read as a string) or
                        // as the variant of an enum written as an object (the enum's error);
                        // or the end of the text before the colon.
                        return match self.data {
                            true if self.message.starts_with("duplicate field") => self.found(None),
                            true if self.message.starts_with("unknown variant") => {
                                self.found(enum_keys.then_some(Step::Variant(key)))
                            }
                            true => self.found(Some(step(key))),
                            false => self.found(None),
                        };
                    }
                    if self.byte(colon) != Some(b':') {
                        return self.found(None);
                    }
                    self.path.push(step(key.clone()));
                    let end = self.value(colon + 1)?;
                    self.path.pop();
                    last = Some((end, key));
                    comma = false;
                    i = end;
                }
                // The end of the text, a trailing comma, or no key or comma where one
                // belongs.
                _ => return self.found(Some(Step::Unread)),
            }
        }
    }

    fn array(&mut self, start: usize) -> Result<usize, Found> {
        let mut i = start + 1;
        let mut index = 0;
        // The end of the last element.
        let mut last: Option<usize> = None;
        let mut comma = false;
        loop {
            let next = self.skip_space(i);
            let byte = self.byte(next);
            let opens = matches!(byte, Some(b'{' | b'['));
            if self.data {
                match (last, comma) {
                    // The reader stops past the comma after an element refused after it
                    // was read; or at an object or array of the wrong kind.
                    (Some(end), true)
                        if self.at == next && (!opens || self.reread_stops(end, ",0", 1)) =>
                    {
                        return self.found(Some(Step::Index(index - 1)));
                    }
                    // An element refused after it was read, with no comma after it.
                    (Some(end), false) if self.at > end && self.at <= next => {
                        return self.found(Some(Step::Index(index - 1)));
                    }
                    // The array refused without reading it: the reader stops at its first
                    // element (past a comma there); or a first element of the wrong kind.
                    (None, _) if byte != Some(b']') => {
                        let stop = match byte {
                            Some(b',') => self.skip_space(next + 1),
                            _ => next,
                        };
                        if self.at == stop && (!opens || self.reread_stops(start + 1, "0,", 0)) {
                            return self.found(None);
                        }
                    }
                    _ => {}
                }
            }
            match (byte, last, comma) {
                (Some(b']'), _, false) => {
                    return self.close(next + 1, last, ",0", 1, || Step::Index(index - 1));
                }
                (Some(b','), Some(_), false) => {
                    comma = true;
                    i = next + 1;
                }
                (Some(first), None, _) | (Some(first), Some(_), true) if first != b']' => {
                    // More elements than a struct written as an array has fields.
                    if last.is_some()
                        && !self.data
                        && self.at == next + 1
                        && self.message.starts_with("trailing characters")
                    {
                        return self.found(None);
                    }
                    self.path.push(Step::Index(index));
                    let end = self.value(next)?;
                    self.path.pop();
                    last = Some(end);
                    index += 1;
                    comma = false;
                    i = end;
                }
                // The end of the text, a trailing comma, or no comma where one belongs.
                _ => return self.found(None),
            }
        }
    }

    /// A string from its opening quote: its end and its text, or `None` if it is not
    /// valid JSON.
    fn string(&self, start: usize) -> Option<(usize, String)> {
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    out.push_str(self.text.get(run..i)?);
                    return Some((i + 1, out));
                }
                b'\\' => {
                    out.push_str(self.text.get(run..i)?);
                    let (c, len) = self.escape(i)?;
                    out.push(c);
                    i += len;
                    run = i;
                }
                0..=0x1f => return None,
                _ => i += 1,
            }
        }
    }

    /// The character an escape at `i` stands for, and the escape's length.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let c = match self.byte(i + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = |at: usize| {
                    let hex = self.text.get(at..at + 4)?;
                    match hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        true => u32::from_str_radix(hex, 16).ok(),
                        false => None,
                    }
                };
                let high = unit(i + 2)?;
                if !(0xD800..0xDC00).contains(&high) {
                    return char::from_u32(high).map(|c| (c, 6));
                }
                // A surrogate pair.
                if self.text.get(i + 6..i + 8)? != "\\u" {
                    return None;
                }
                let low = unit(i + 8)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(c).map(|c| (c, 12));
            }
            _ => return None,
        };
        Some((c, 2))
    }

    /// A number's end, or `None` if it is not valid JSON.
    fn number(&self, start: usize) -> Option<usize> {
        let digits = |mut i: usize| {
            let from = i;
            while matches!(self.byte(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            (i > from).then_some(i)
        };
        let mut i = start + usize::from(self.byte(start) == Some(b'-'));
        i = match self.byte(i)? {
            // A leading zero stands alone: `01` is not a number.
            b'0' if matches!(self.byte(i + 1), Some(b'0'..=b'9')) => return None,
            b'0' => i + 1,
            _ => digits(i)?,
        };
        if self.byte(i) == Some(b'.') {
            i = digits(i + 1)?;
        }
        if matches!(self.byte(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(self.byte(i), Some(b'+' | b'-')) {
                i += 1;
            }
            i = digits(i)?;
        }
        Some(i)
    }

    fn literal(&self, start: usize, word: &str) -> Option<usize> {
        let end = start + word.len();
        (self.text.get(start..end) == Some(word)).then_some(end)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use serde::de::DeserializeOwned;
    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::super::{clean_path, read_text};
    use crate::delivery::GroupBy;
    use crate::money::Rates;
    use crate::period::ReportingPeriod;
    use crate::policy::{PolicySpec, ENUM_KEYED};
    use crate::portfolio::YearRange;
    use crate::report::ReportOptions;
    use crate::testing::{mutate, written, Rng};
    use crate::{Policy, Portfolio, Project, Proposal};

    /// The path and message serde_path_to_error gives: the reference.
    fn reference<T: DeserializeOwned>(text: &str) -> Option<(String, String)> {
        let de = &mut serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(&mut *de) {
            Err(e) => Some((e.path().to_string(), e.inner().to_string())),
            // Text after the value is an error of the whole input.
            Ok(_) => de.end().err().map(|e| (String::new(), e.to_string())),
        }
    }

    /// The path (as `from_str` cleans it) and message.
    fn located<T: DeserializeOwned>(text: &str, enum_keyed: &[&str]) -> Option<(String, String)> {
        let (path, e) = read_text::<T>(text, enum_keyed).err()?;
        Some((clean_path(&path), e.to_string()))
    }

    /// Whether `ours` is the path `reference`, a `?` of which (a key of a map keyed by an
    /// enum, never read as a string there) stands for any key.
    fn same_path(reference: &str, ours: &str) -> bool {
        match reference.split_once('?') {
            None => reference == ours,
            Some((before, after)) => ours.strip_prefix(before).is_some_and(|rest| {
                (0..=rest.len()).any(|k| rest.get(k..).is_some_and(|rest| same_path(after, rest)))
            }),
        }
    }

    /// Reads `text` as `T` both ways; the errors must be the same, and the paths too
    /// (as `from_str` cleans them), but for the keys of `enum_keyed` maps.
    fn check<T: DeserializeOwned>(text: &str, enum_keyed: &[&str]) -> usize {
        let want = reference::<T>(text);
        let got = read_text::<T>(text, enum_keyed).err();
        let got = got.map(|(path, e)| (path, e.to_string()));
        let same = |(a, m): &(String, String), (b, n): &(String, String)| {
            let (a, b) = (a.trim_start_matches('.'), b.trim_start_matches('.'));
            m == n && (clean_path(a) == clean_path(b) || same_path(b, a))
        };
        match (&got, &want) {
            (Some(got), Some(want)) if same(got, want) => {}
            _ => assert_eq!(got, want, "{}: {text}", std::any::type_name::<T>()),
        }
        usize::from(want.is_some())
    }

    /// The inputs of the kinds of `api` (as `api` declares them).
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct ProposalInput {
        rates: Option<Rates>,
        proposal: Proposal,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct ProjectInput {
        rates: Option<Rates>,
        project: Project,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct DeliveryInput {
        portfolio: Portfolio,
        group_by: GroupBy,
        period: ReportingPeriod,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct PeriodsInput {
        portfolio: Portfolio,
        periods: Option<Vec<YearRange>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct ReportInput {
        portfolio: Portfolio,
        options: Option<ReportOptions>,
    }

    /// `text` broken: cut short, or a byte removed, doubled or replaced by a stray one.
    fn broken(text: &str, rng: &mut Rng) -> String {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let (head, tail) = text.split_at(at);
        let next = tail.chars().next().map_or(0, char::len_utf8);
        let stray = [
            ",", "]", "}", ":", "\"", "x", "[", "{", "1", " ", "\\", "\u{1}", "-", "0",
        ];
        match rng.below(4) {
            0 => head.to_owned(),
            1 => [head, &tail[next..]].concat(),
            2 => [head, &tail[..next], tail].concat(),
            _ => [head, stray[rng.below(stray.len())], tail].concat(),
        }
    }

    /// Every vector's input, its mutants written canonically (as the API reads a field)
    /// and as a person might, and broken texts: the same paths as the reference.
    #[test]
    fn paths_are_the_references_for_every_vector_its_mutants_and_broken_texts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut errors = 0;
        let mut paths = std::collections::BTreeSet::new();
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let vector: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let input = &vector["input"];
            let text_input = input["text"]
                .as_str()
                .and_then(|t| serde_json::from_str(t).ok());
            let subject = text_input.unwrap_or_else(|| input.clone());
            let kind = vector["kind"].as_str().unwrap();
            let check_all = |text: &str, paths: &mut std::collections::BTreeSet<String>| -> usize {
                let n = match kind {
                    "appraisal" => check::<ProposalInput>(text, &[]) + check::<Proposal>(text, &[]),
                    "evaluation" | "schedule" => {
                        check::<ProjectInput>(text, &[]) + check::<Project>(text, &[])
                    }
                    "delivery" => {
                        check::<DeliveryInput>(text, &[]) + check::<ReportingPeriod>(text, &[])
                    }
                    "portfolio" => {
                        check::<PeriodsInput>(text, &[])
                            + check::<Option<Vec<YearRange>>>(text, &[])
                    }
                    // Only ever read from a parsed value: it skips unknown fields, see above.
                    "integration" if serde_json::from_str::<Value>(text).is_ok() => {
                        check::<ReportInput>(text, &[]) + check::<Option<ReportOptions>>(text, &[])
                    }
                    "integration" => 0,
                    "read_portfolio" => check::<Portfolio>(text, &[]),
                    "policy" => check::<PolicySpec>(text, ENUM_KEYED) + check::<Rates>(text, &[]),
                    _ => check::<Rates>(text, &[]),
                };
                if let Some((p, _)) = reference::<Portfolio>(text) {
                    paths.insert(p);
                }
                n
            };
            for round in 0..40 {
                let mut v = subject.clone();
                for _ in 0..=rng.below(3) {
                    mutate(&mut v, &mut rng);
                }
                let mut human = String::new();
                written(&v, &mut rng, &mut human);
                errors += check_all(&v.to_string(), &mut paths);
                errors += check_all(&human, &mut paths);
                if round % 4 == 0 {
                    errors += check_all(&broken(&human, &mut rng), &mut paths);
                }
            }
        }
        assert!(errors > 10_000, "only {errors} errors compared");
        assert!(paths.len() > 100, "only {} distinct paths", paths.len());
    }

    /// A policy's errors: message from the value, path from its text, as the reference
    /// gave both.
    #[test]
    fn policy_paths_are_the_references() {
        let spec = serde_json::to_value(Policy::default().spec()).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let mut v = spec.clone();
            mutate(&mut v, &mut rng);
            let want = serde_path_to_error::deserialize::<_, PolicySpec>(v.clone())
                .err()
                .map(|e| {
                    (
                        e.path().to_string().trim_start_matches('.').to_owned(),
                        e.inner().to_string(),
                    )
                });
            let got = PolicySpec::deserialize(&v).err().map(|e| {
                (
                    super::super::error_path::<PolicySpec>(&v, ENUM_KEYED),
                    e.to_string(),
                )
            });
            match (&got, &want) {
                (Some((ours, a)), Some((path, b))) if a == b && same_path(path, ours) => {}
                _ => assert_eq!(got, want, "{v}"),
            }
        }
    }

    #[test]
    fn edges() {
        // (text, path) for `Portfolio`.
        let project = r#"{"id": "P", "title": "T", "start": "2024-01-01", "end": "2024-12-31", "budget": {"amount": "1", "currency": "USD"}}"#;
        let cases = [
            // A missing field is the object's, placed past its close.
            (r#"{"projects": [{"id": "P"}]}"#.to_owned(), "projects[0]"),
            // A type error is placed at the end of the value, or at an object's start.
            (r#"{"projects": [{"id": 1}]}"#.to_owned(), "projects[0].id"),
            (r#"{"projects": {}}"#.to_owned(), "projects"),
            // Nested arrays: a struct written as an array, then the wrong kind inside.
            (r#"{"projects": [[["x"]]]}"#.to_owned(), "projects[0][0]"),
            // A currency refused after it was read, as the last member and before one.
            (
                project
                    .replace("\"USD\"", "\"EURO\"")
                    .replace("{\"id\"", "{\"projects\": [{\"id\"")
                    + "]}",
                "projects[0].budget.currency",
            ),
            (
                format!(
                    r#"{{"projects": [{}]}}"#,
                    project.replace(
                        r#""amount": "1", "currency": "USD""#,
                        r#""currency": "EURO", "amount": "1""#
                    )
                ),
                "projects[0].budget.currency",
            ),
            // Escaped and non-ASCII keys, named unescaped.
            (r#"{"proj\u00e9cts": 1}"#.to_owned(), "projécts"),
            (r#"{"a\"b": 1}"#.to_owned(), "a\"b"),
            // A repeated field is the object's.
            (r#"{"projects": [], "projects": []}"#.to_owned(), ""),
            // The end of the text inside a member, and after one.
            (r#"{"projects": [{"id": "P""#.to_owned(), "projects[0]"),
            (r#"{"projects": [{"id": "P"#.to_owned(), "projects[0].id"),
            (format!(r#"{{"projects": [{project},"#), "projects"),
            // A decimal's reader refuses an object or array without reading it.
            (
                project
                    .replace(r#""1""#, r#"["1"]"#)
                    .replace("{\"id\"", "{\"projects\": [{\"id\"")
                    + "]}",
                "projects[0].budget.amount",
            ),
            // Syntax errors in a number, a key and after a value.
            (r#"{"projects": [{"id": 01}]}"#.to_owned(), "projects[0].id"),
            (r#"{"projects": [{"i\d": 1}]}"#.to_owned(), "projects[0]"),
            (r#"{"projects": [] x}"#.to_owned(), ""),
            // A key right before the close.
            (r#"{"projects": [], "x" }"#.to_owned(), "x"),
        ];
        for (text, path) in cases {
            assert_eq!(check::<Portfolio>(&text, &[]), 1, "{text}");
            assert_eq!(located::<Portfolio>(&text, &[]).unwrap().0, path, "{text}");
        }
        // A value refused after it was read is named even where its container's own
        // errors are placed: an internally tagged enum's fields, last in their object.
        let text = json!({"portfolio": {}, "options": {"delivery_period": {"kind": "month", "year": 2024}}});
        assert_eq!(check::<ReportInput>(&text.to_string(), &[]), 1);
        assert_eq!(
            located::<ReportInput>(&text.to_string(), &[]).unwrap().0,
            "options.delivery_period"
        );
        // A key of a map keyed by an enum is named, unknown or not, where the reference
        // (which never reads it as a string) shows `?`.
        for (text, path) in [
            (json!({"rules": {"EVAL-X": {}}}), "rules.EVAL-X"),
            (
                json!({"rules": {"EVAL-PLAN": {"severity": 1}}}),
                "rules.EVAL-PLAN.severity",
            ),
        ] {
            let text = text.to_string();
            assert_eq!(check::<PolicySpec>(&text, ENUM_KEYED), 1);
            assert_eq!(located::<PolicySpec>(&text, ENUM_KEYED).unwrap().0, path);
        }
    }
}
