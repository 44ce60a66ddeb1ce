//! A batch's rows shared among the machine's cores, in consecutive parts, on scoped
//! threads (the GIL is released around every batch, so the workers never touch Python).
//!
//! A part is a few times smaller than a core's share, and each worker takes the next part
//! left when it is done with one: on a machine whose cores are not all as fast at every
//! moment (other work, a shared host), a slow core holds up only the part it is on.

use std::ops::Range;
use std::sync::Mutex;
use std::thread;

use tcrules::Error;

/// Rows per part below which another part costs more than it saves.
const MIN_ROWS: usize = 32_768;

/// Parts per core, at most.
const PARTS_PER_CORE: usize = 8;

fn cores() -> usize {
    thread::available_parallelism().map_or(1, usize::from)
}

/// The part size for `n` rows: at most [`PARTS_PER_CORE`] parts per core, each at least
/// [`MIN_ROWS`], and a multiple of 64 rows (so that every part starts a bitmap's word).
fn part_size(n: usize) -> usize {
    n.div_ceil((n / MIN_ROWS).clamp(1, cores() * PARTS_PER_CORE))
        .next_multiple_of(64)
        .max(64)
}

fn failed() -> Error {
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

/// `f(state, part)` of every part, each worker taking the next part left with its own
/// `state` (made by `state()`, kept from part to part: caches); the results in the parts'
/// order.
fn each<P: Send, W, R: Send>(
    parts: Vec<P>,
    state: impl Fn() -> W + Sync,
    f: impl Fn(&mut W, P) -> R + Sync,
) -> tcrules::Result<Vec<R>> {
    let count = parts.len();
    if count <= 1 {
        let mut state = state();
        return Ok(parts.into_iter().map(|p| f(&mut state, p)).collect());
    }
    let queue = Mutex::new(parts.into_iter().enumerate());
    let next = || queue.lock().ok().and_then(|mut q| q.next());
    let mut done: Vec<(usize, R)> = thread::scope(|s| {
        let workers: Vec<_> = (0..cores().min(count))
            .map(|_| {
                let (f, next, state) = (&f, &next, &state);
                s.spawn(move || {
                    let (mut done, mut state) = (Vec::new(), state());
                    while let Some((k, part)) = next() {
                        done.push((k, f(&mut state, part)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| failed()))
            .collect::<tcrules::Result<Vec<_>>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    if done.len() != count {
        return Err(failed());
    }
    done.sort_unstable_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

/// `f(state, first row, part)` over consecutive parts of `rows`, shared among the cores,
/// each with a `state` of its worker's; the results in row order.
pub(crate) fn parts<S: Split, W, R: Send>(
    rows: S,
    state: impl Fn() -> W + Sync,
    f: impl Fn(&mut W, usize, S) -> R + Sync,
) -> tcrules::Result<Vec<R>> {
    let size = part_size(rows.len());
    let mut cut = Vec::new();
    let mut rest = rows;
    while rest.len() > size {
        let (part, after) = rest.split_at(size);
        cut.push((cut.len() * size, part));
        rest = after;
    }
    cut.push((cut.len() * size, rest));
    each(cut, state, |w, (first, part)| f(w, first, part))
}

/// `f(state, range)` over consecutive row ranges of `0..n`, shared among the cores, each
/// with a `state` of its worker's; the results in row order.
pub(crate) fn ranges<W, R: Send>(
    n: usize,
    state: impl Fn() -> W + Sync,
    f: impl Fn(&mut W, Range<usize>) -> R + Sync,
) -> tcrules::Result<Vec<R>> {
    let size = part_size(n);
    let cut: Vec<Range<usize>> = (0..n.max(1))
        .step_by(size)
        .map(|start| start..(start + size).min(n))
        .collect();
    each(cut, state, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_ranges_cover_every_row_once_in_order() {
        for n in [0, 1, MIN_ROWS, 3 * MIN_ROWS + 7, 40 * MIN_ROWS + 3] {
            let mut rows = vec![0_usize; n];
            // A worker's state goes from part to part: it counts its rows.
            let firsts = parts(
                rows.as_mut_slice(),
                || 0,
                |seen: &mut usize, first, part: &mut [usize]| {
                    for (j, r) in part.iter_mut().enumerate() {
                        *r = first + j;
                    }
                    *seen += part.len();
                    (first, *seen)
                },
            )
            .unwrap();
            if n > cores() * part_size(n) {
                // More parts than workers: some worker's count went on past one part.
                assert!(firsts.iter().any(|(_, seen)| *seen > part_size(n)));
            }
            assert!(rows.iter().enumerate().all(|(i, r)| i == *r));
            assert!(firsts.windows(2).all(|w| w[0].0 < w[1].0));
            let covered: Vec<usize> = ranges(n, || (), |_, r| r.collect::<Vec<_>>())
                .unwrap()
                .concat();
            assert_eq!(covered, (0..n).collect::<Vec<_>>());
        }
    }
}
