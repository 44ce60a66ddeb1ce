//! The distinct values of a text column, each numbered: the projects a records table
//! names, so that a projects table of every project the organisation has is read only
//! for those, and a record finds its project's attributes by number.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;
use tcrules::io::csv;
use tcrules::Result;

use crate::columns::Texts;
use crate::table::Batches;

/// Rows each core reads at a time.
const ROWS: usize = 1 << 17;

/// Filter bits per value: about one other value in eight passes the filter to be probed.
const BITS_PER_VALUE: usize = 8;

fn hash_of(value: &str) -> u64 {
    FxBuildHasher.hash_one(value)
}

/// The distinct values of a text column (blank cells left out), numbered from 0, with a
/// filter of a bit per hash: most values that are not among them (the other 90 % of a
/// projects table) are turned away by one bit in a table that stays in cache, without
/// probing the values.
pub(crate) struct Distinct<'a> {
    /// Each value, its hash and its number.
    values: HashTable<(&'a str, u64, usize)>,
    bits: Vec<u64>,
}

impl<'a> Distinct<'a> {
    /// The distinct values of a column's batches, read on every core a range of rows
    /// each; a run of one value (records come project by project) is hashed once.
    pub(crate) fn of(batches: &'a [Texts]) -> Self {
        let ranges: Vec<(&Texts, usize)> = batches
            .iter()
            .flat_map(|t| (0..t.len()).step_by(ROWS).map(move |start| (t, start)))
            .collect();
        let mut values = ranges
            .into_par_iter()
            .map(|(texts, start)| {
                let mut values = HashTable::new();
                let mut last = None;
                for i in start..(start + ROWS).min(texts.len()) {
                    let value = texts.get(i);
                    if value != last {
                        if let Some(v) = value {
                            insert(&mut values, (v, hash_of(v), 0));
                        }
                        last = value;
                    }
                }
                values
            })
            .reduce(HashTable::new, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for entry in small {
                    insert(&mut big, entry);
                }
                big
            });
        let words = (values.len().saturating_mul(BITS_PER_VALUE) / 64)
            .max(1)
            .next_power_of_two();
        let mut bits = vec![0u64; words];
        for (number, (_, hash, n)) in values.iter_mut().enumerate() {
            *n = number;
            let (word, bit) = slot(*hash, words);
            if let Some(w) = bits.get_mut(word) {
                *w |= bit;
            }
        }
        Distinct { values, bits }
    }

    /// How many values there are: numbers run from 0 to this.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The rows of a projects table whose id (`id` of a row's cells and its index in the
    /// batch) is one of the values, read on every core: the id's number, the id and the
    /// row's `key` (of its cells, its index in the batch and in the table), in row order.
    /// The other rows are turned away by the filter, their cells not read; a blank id is
    /// an error naming its row.
    pub(crate) fn rows_of<'t, T: Sync, K: Send>(
        &self,
        projects: &'t Batches<T>,
        id: impl Fn(&'t T, usize) -> Option<&'t str> + Sync + Send,
        key: impl Fn(&'t T, usize, usize) -> Result<K> + Sync + Send,
    ) -> Result<Vec<(usize, &'t str, K)>> {
        projects.filter_map(|cells, i, row| {
            let id = id(cells, i)
                .ok_or_else(|| csv::empty_cell("id").at(&format!("projects[{row}]")))?;
            match self.number(id) {
                Some(number) => Ok(Some((number, id, key(cells, i, row)?))),
                None => Ok(None),
            }
        })
    }

    /// The number of `value`, `None` when it is not one of the values.
    pub(crate) fn number(&self, value: &str) -> Option<usize> {
        let hash = hash_of(value);
        let (word, bit) = slot(hash, self.bits.len());
        if self.bits.get(word).is_none_or(|w| w & bit == 0) {
            return None;
        }
        self.values
            .find(hash, |(v, _, _)| *v == value)
            .map(|(_, _, n)| *n)
    }
}

/// Whether no value of `values` is there twice, told on every core: each takes the
/// values whose hash falls to it, so no two cores' sets share a value and none is merged.
pub(crate) fn all_distinct(values: &[&str]) -> bool {
    let shards = rayon::current_num_threads().max(1);
    (0..shards).into_par_iter().all(|shard| {
        let mut seen: HashTable<&str> = HashTable::with_capacity(values.len() / shards + 1);
        values.iter().all(|v| {
            let hash = hash_of(v);
            if (hash >> 32) as usize % shards != shard {
                return true;
            }
            if seen.find(hash, |s| s == v).is_some() {
                return false;
            }
            seen.insert_unique(hash, v, |s| hash_of(s));
            true
        })
    })
}

/// Adds `entry` unless its value is there.
fn insert<'a>(table: &mut HashTable<(&'a str, u64, usize)>, entry: (&'a str, u64, usize)) {
    let (value, hash, _) = entry;
    if table.find(hash, |(v, _, _)| *v == value).is_none() {
        table.insert_unique(hash, entry, |(_, h, _)| *h);
    }
}

/// The filter word and bit of `hash` among `words` words (a power of two, so the word
/// is a mask, not a division): from the hash's high bits, which the table's buckets do
/// not use.
fn slot(hash: u64, words: usize) -> (usize, u64) {
    let high = (hash >> 32) as usize;
    ((high >> 6) & (words - 1), 1 << (high & 63))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use arrow_array::{ArrayRef, StringArray};
    use std::sync::Arc;

    fn texts(values: &[Option<&str>]) -> Texts {
        let array: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
        Texts::new("id", &array).unwrap()
    }

    #[test]
    fn every_value_numbered_once_and_others_turned_away() {
        let a = texts(&[
            Some("P1"),
            Some("P1"),
            None,
            Some(" "),
            Some("P2"),
            Some("P1"),
        ]);
        let b = texts(&[Some("P3"), Some("P2")]);
        let batches = [a, b];
        let d = Distinct::of(&batches);
        assert_eq!(d.len(), 3);
        let mut numbers: Vec<usize> = ["P1", "P2", "P3"]
            .iter()
            .map(|v| d.number(v).unwrap())
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, [0, 1, 2]);
        for other in ["P4", "", "p1", "P1 "] {
            assert_eq!(d.number(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_value_twice_is_found_among_many() {
        let mut values: Vec<String> = (0..50_000).map(|i| format!("P{i}")).collect();
        let distinct: Vec<&str> = values.iter().map(String::as_str).collect();
        assert!(all_distinct(&distinct));
        assert!(all_distinct(&[]));
        values.push("P31337".into());
        let twice: Vec<&str> = values.iter().map(String::as_str).collect();
        assert!(!all_distinct(&twice));
        assert!(!all_distinct(&["a", "a"]));
    }

    #[test]
    fn many_values_across_ranges_each_found() {
        let values: Vec<String> = (0..(ROWS + 5000)).map(|i| format!("P{}", i / 3)).collect();
        let array: ArrayRef = Arc::new(StringArray::from_iter_values(&values));
        let batches = [Texts::new("id", &array).unwrap()];
        let d = Distinct::of(&batches);
        let expected = (ROWS + 5000).div_ceil(3);
        assert_eq!(d.len(), expected);
        let mut seen = vec![false; expected];
        for i in 0..expected {
            let n = d.number(&format!("P{i}")).unwrap();
            assert!(!seen[n], "number {n} given twice");
            seen[n] = true;
        }
        let passed = (expected..expected * 2)
            .filter(|i| d.number(&format!("P{i}")).is_some())
            .count();
        assert_eq!(passed, 0);
    }
}
