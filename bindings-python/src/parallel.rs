//! A batch's rows shared among the machine's cores, in consecutive parts, on scoped
//! threads (the GIL is released around every batch, so the workers never touch Python).

use std::ops::Range;
use std::thread;

use tcrules::Error;

/// Rows per part below which another thread costs more than it saves.
const MIN_ROWS: usize = 32_768;

/// The part size for `n` rows: at most one part per core, each at least [`MIN_ROWS`].
fn part_size(n: usize) -> usize {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    n.div_ceil((n / MIN_ROWS).clamp(1, cores)).max(1)
}

pub(crate) fn failed() -> Error {
    Error::Invalid {
        path: String::new(),
        message: "a worker thread stopped unexpectedly".into(),
    }
}

/// Rows that can be cut in two at a row: a slice, or the slices of several columns.
pub(crate) trait Split: Sized + Send {
    fn len(&self) -> usize;
    /// The rows before `mid` (at most all of them) and the rest.
    fn split_at(self, mid: usize) -> (Self, Self);
}

impl<T: Send> Split for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid.min(<[T]>::len(self)))
    }
}

/// `f(first row, part)` over consecutive parts of `rows`, one thread each; the results in
/// row order.
pub(crate) fn parts<S: Split, R: Send>(
    rows: S,
    f: impl Fn(usize, S) -> R + Sync,
) -> tcrules::Result<Vec<R>> {
    let size = part_size(rows.len());
    if size >= rows.len() {
        return Ok(vec![f(0, rows)]);
    }
    let mut cut = Vec::new();
    let mut rest = rows;
    while rest.len() > 0 {
        let (part, after) = rest.split_at(size);
        cut.push(part);
        rest = after;
    }
    thread::scope(|s| {
        let workers: Vec<_> = cut
            .into_iter()
            .enumerate()
            .map(|(k, part)| {
                let f = &f;
                s.spawn(move || f(k * size, part))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| failed()))
            .collect()
    })
}

/// `f(range)` over consecutive row ranges of `0..n`, one thread each; the results in
/// row order.
pub(crate) fn ranges<R: Send>(
    n: usize,
    f: impl Fn(Range<usize>) -> R + Sync,
) -> tcrules::Result<Vec<R>> {
    let size = part_size(n);
    if size >= n {
        return Ok(vec![f(0..n)]);
    }
    thread::scope(|s| {
        let workers: Vec<_> = (0..n)
            .step_by(size)
            .map(|start| {
                let f = &f;
                s.spawn(move || f(start..(start + size).min(n)))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| failed()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_ranges_cover_every_row_once_in_order() {
        for n in [0, 1, MIN_ROWS, 3 * MIN_ROWS + 7] {
            let mut rows = vec![0_usize; n];
            let firsts = parts(rows.as_mut_slice(), |first, part: &mut [usize]| {
                for (j, r) in part.iter_mut().enumerate() {
                    *r = first + j;
                }
                first
            })
            .unwrap();
            assert!(rows.iter().enumerate().all(|(i, r)| i == *r));
            assert!(firsts.windows(2).all(|w| w[0] < w[1]));
            let covered: Vec<usize> = ranges(n, |r| r.collect::<Vec<_>>()).unwrap().concat();
            assert_eq!(covered, (0..n).collect::<Vec<_>>());
        }
    }
}
