//! A batch's rows shared among the machine's cores, in consecutive parts, on rayon's
//! thread pool.
//!
//! A part is a few times smaller than a core's share, and an idle core takes the parts
//! another has not begun: on a machine whose cores are not all as fast at every moment
//! (other work, a shared host), a slow core holds up only the part it is on.

use std::ops::Range;

use rayon::prelude::*;

/// Rows per part below which another part costs more than it saves.
const MIN_ROWS: usize = 32_768;

/// Parts per core, at most.
const PARTS_PER_CORE: usize = 8;

fn cores() -> usize {
    rayon::current_num_threads()
}

/// The part size for `n` rows: at most [`PARTS_PER_CORE`] parts per core, each at least
/// [`MIN_ROWS`], and a multiple of 64 rows (so that every part starts a bitmap's word).
fn part_size(n: usize) -> usize {
    n.div_ceil((n / MIN_ROWS).clamp(1, cores() * PARTS_PER_CORE))
        .next_multiple_of(64)
        .max(64)
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

/// `f(state, part)` of every part, shared among the cores, each part a task of its own
/// (so an idle core can take any part not yet begun) with a `state` made by `state()`
/// (caches); the results in the parts' order.
fn each<P: Send, W, R: Send>(
    parts: Vec<P>,
    state: impl Fn() -> W + Sync + Send,
    f: impl Fn(&mut W, P) -> R + Sync + Send,
) -> Vec<R> {
    if parts.len() <= 1 {
        let mut state = state();
        return parts.into_iter().map(|p| f(&mut state, p)).collect();
    }
    parts
        .into_par_iter()
        .with_max_len(1)
        .map_init(state, f)
        .collect()
}

/// `f(state, first row, part)` over consecutive parts of `rows`, shared among the cores,
/// each with a `state` of its own; the results in row order.
pub(crate) fn parts<S: Split, W, R: Send>(
    rows: S,
    state: impl Fn() -> W + Sync + Send,
    f: impl Fn(&mut W, usize, S) -> R + Sync + Send,
) -> Vec<R> {
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
/// with a `state` of its own; the results in row order.
pub(crate) fn ranges<W, R: Send>(
    n: usize,
    state: impl Fn() -> W + Sync + Send,
    f: impl Fn(&mut W, Range<usize>) -> R + Sync + Send,
) -> Vec<R> {
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
            let firsts = parts(
                rows.as_mut_slice(),
                || (),
                |_, first, part: &mut [usize]| {
                    for (j, r) in part.iter_mut().enumerate() {
                        *r = first + j;
                    }
                    assert!(part.len() <= part_size(n) && first % 64 == 0);
                    first
                },
            );
            assert!(rows.iter().enumerate().all(|(i, r)| i == *r));
            assert!(firsts.windows(2).all(|w| w[0] < w[1]));
            let covered: Vec<usize> = ranges(n, || (), |_, r| r.collect::<Vec<_>>()).concat();
            assert_eq!(covered, (0..n).collect::<Vec<_>>());
        }
    }
}
