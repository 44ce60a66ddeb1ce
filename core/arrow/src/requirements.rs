//! The requirements fast path: R6 §143 on every row of a project table, read from its
//! columns and written straight into the result columns, the rows shared among the cores.
//! Each row is [`tcrules::evaluation::classify`] on the row's dates and its budget in US
//! dollars ([`tcrules::money::Rates::to_usd`]).

use std::sync::Arc;

use arrow_array::types::Decimal128Type;
use arrow_array::{
    ArrayRef, BooleanArray, PrimitiveArray, RecordBatch, StringArray, StringViewArray, UInt32Array,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, OffsetBuffer};
use rust_decimal::Decimal;
use tcrules::evaluation::{self, DurationClass, Requirements};
use tcrules::io::csv::{self, Cells};
use tcrules::money::{ExactUsd, Rates, UsdRate};
use tcrules::period::YearMonth;
use tcrules::{Error, ErrorInfo, Policy};

use crate::codes::{Currencies, RateOf};
use crate::columns::{Dates, DayCache, Decimals, Texts};
use crate::output::{arrow_error, Out};
use crate::parallel::{self, Split};
use crate::table::{Batches, Table};

/// The columns the requirements read, resolved once per batch.
struct Inputs {
    start: Dates,
    end: Dates,
    amount: Decimals,
    currency: Option<Texts>,
    /// A per-row rate (US dollars per unit of the budget's currency), which wins over
    /// the rates table for its row.
    rate: Option<Decimals>,
}

impl Inputs {
    fn new(table: &Table, batch: &RecordBatch) -> tcrules::Result<Self> {
        Ok(Inputs {
            start: Dates::new("start", table.required(batch, "start")?)?,
            end: Dates::new("end", table.required(batch, "end")?)?,
            amount: Decimals::new("budget_amount", table.required(batch, "budget_amount")?)?,
            currency: table
                .column(batch, "budget_currency")
                .map(|a| Texts::new("budget_currency", a))
                .transpose()?,
            rate: table
                .column(batch, BUDGET_RATE)
                .map(|a| Decimals::new(BUDGET_RATE, a))
                .transpose()?,
        })
    }

    /// Row `i`'s requirements; `cache` remembers the dates and codes already read.
    fn row<'r>(
        &self,
        i: usize,
        cache: &mut Cache<'r>,
        policy: &Policy,
        rates: &'r Rates,
    ) -> tcrules::Result<Requirements> {
        let days = (
            self.start.day(i, &mut cache.starts),
            self.end.day(i, &mut cache.ends),
        );
        let (start, end) = match days {
            (Some(start), Some(end)) => (start, end),
            _ => {
                let mut get = |d: &Dates, name| {
                    d.get_cached(i, name, &mut cache.days)?
                        .ok_or_else(|| csv::empty_cell(name))
                };
                (get(&self.start, "start")?, get(&self.end, "end")?)
            }
        };
        // The month the policy converts budgets at (dated rates only).
        let month = rates
            .is_dated()
            .then(|| policy.spec().rates.budget_rate_date.month(start, end));
        let usd = match self.exact_usd(i, month, cache, rates) {
            Some(usd) => usd.decimal(),
            None => self.budget_usd(i, month, rates)?,
        };
        evaluation::classify(start, end, usd, policy)
    }

    /// Row `i`'s budget in US dollars for the usual row: an amount above zero in a currency
    /// with a rate (the row's own `budget_rate`, else the table's at `month`), converted
    /// without rounding ([`tcrules::money::UsdRate::exact`]). `None` for any other row,
    /// which [`Inputs::budget_usd`] then reads (or reports).
    fn exact_usd<'r>(
        &self,
        i: usize,
        month: Option<YearMonth>,
        cache: &mut Cache<'r>,
        rates: &'r Rates,
    ) -> Option<ExactUsd> {
        let rate = match (&self.rate, &self.currency) {
            (Some(r), _) if r.is_valid(i) => {
                let (m, s) = r.parts(i).filter(|(m, _)| *m > 0)?;
                Some(UsdRate::of(
                    Decimal::try_from_i128_with_scale(m as i128, s).ok()?,
                ))
            }
            (_, None) => RateOf::of(csv::IMPLIED_CURRENCY, rates).at(month),
            (_, Some(c)) => cache.currencies.read(c.get(i)?, rates).ok()?.1.at(month),
        };
        let (m, s) = self.amount.parts(i)?;
        rate?.exact(m, s)
    }

    /// Row `i`'s budget in US dollars, `Decimal` by `Decimal`: its money as the core
    /// reads a table's ([`csv::money`]), converted at the row's `budget_rate` or with
    /// `rates` at `month`.
    fn budget_usd(
        &self,
        i: usize,
        month: Option<YearMonth>,
        rates: &Rates,
    ) -> tcrules::Result<Decimal> {
        let budget = Budget { inputs: self, i };
        let currency = self.currency.as_ref().map(|_| "budget_currency");
        let money = csv::money(&budget, "budget_amount", currency)?;
        if let Some(rate) = row_rate(self.rate.as_ref(), i)? {
            return money
                .amount
                .checked_mul(rate)
                .ok_or_else(|| Error::Overflow {
                    path: "budget_amount".into(),
                });
        }
        rates.to_usd_at(&money, month, "budget_currency")
    }
}

pub(crate) use csv::BUDGET_RATE;

/// Row `i`'s `budget_rate`, if the table has the column and the cell is not empty; a rate
/// must be above zero ([`csv::budget_rate`]).
pub(crate) fn row_rate(column: Option<&Decimals>, i: usize) -> tcrules::Result<Option<Decimal>> {
    column
        .map(|c| c.get(i, BUDGET_RATE))
        .transpose()?
        .flatten()
        .map(csv::budget_rate)
        .transpose()
}

/// Row `i`'s budget cells.
struct Budget<'a> {
    inputs: &'a Inputs,
    i: usize,
}

impl Cells for Budget<'_> {
    /// The currency: the only text cell the budget reads.
    fn text(&self, _column: &str) -> Option<&str> {
        self.inputs.currency.as_ref()?.get(self.i)
    }

    fn amount(&self, column: &str) -> tcrules::Result<Option<Decimal>> {
        self.inputs.amount.get(self.i, column)
    }
}

/// Dates and currency codes already read in a run of rows.
#[derive(Default)]
struct Cache<'r> {
    /// Each date column's usual cells, by stored value.
    starts: DayCache,
    ends: DayCache,
    /// The other cells' dates, by day number.
    days: DayCache,
    currencies: Currencies<'r>,
}

/// The requirement columns, one slot per row; a row without requirements has no class
/// and is null in every column. `budget_usd` is kept as each row's mantissa and scale
/// until the column's scale is known.
pub(crate) struct Columns {
    months: Vec<u32>,
    days: Vec<u32>,
    class: Vec<Option<DurationClass>>,
    mantissa: Vec<i128>,
    scale: Vec<u8>,
    mid_term: Vec<bool>,
    reviews: Vec<u32>,
    review_if_agreed: Vec<bool>,
    independent: Vec<bool>,
}

/// The slots of some consecutive rows of [`Columns`].
pub(crate) struct Slots<'a> {
    months: &'a mut [u32],
    days: &'a mut [u32],
    class: &'a mut [Option<DurationClass>],
    mantissa: &'a mut [i128],
    scale: &'a mut [u8],
    mid_term: &'a mut [bool],
    reviews: &'a mut [u32],
    review_if_agreed: &'a mut [bool],
    independent: &'a mut [bool],
}

impl Columns {
    pub(crate) fn new(n: usize) -> Self {
        Columns {
            months: vec![0; n],
            days: vec![0; n],
            class: vec![None; n],
            mantissa: vec![0; n],
            scale: vec![0; n],
            mid_term: vec![false; n],
            reviews: vec![0; n],
            review_if_agreed: vec![false; n],
            independent: vec![false; n],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.class.len()
    }

    pub(crate) fn slots(&mut self) -> Slots<'_> {
        Slots {
            months: &mut self.months,
            days: &mut self.days,
            class: &mut self.class,
            mantissa: &mut self.mantissa,
            scale: &mut self.scale,
            mid_term: &mut self.mid_term,
            reviews: &mut self.reviews,
            review_if_agreed: &mut self.review_if_agreed,
            independent: &mut self.independent,
        }
    }

    /// The Arrow columns (`duration_class` as string views with `views`), and the rows
    /// whose `budget_usd` does not fit 38 digits at the column's scale (null there).
    pub(crate) fn finish(mut self, out: &mut Out, views: bool) -> tcrules::Result<Vec<usize>> {
        let n = self.len();
        let scale = parallel::parts(self.slots(), || (), |_, _, s| s.largest_scale())
            .into_iter()
            .max()
            .unwrap_or(0);
        // The class names' bytes, counted first so that every part writes its own.
        let text_len: usize = self.class.iter().map(|c| name(*c).len()).sum();
        if !views && i32::try_from(text_len).is_err() {
            return Err(Error::TooLarge {
                path: "duration_class".into(),
                message: "more than 2 GiB of text in one column".into(),
            });
        }
        let (mut offsets, mut text, mut view_words) = match views {
            true => (Vec::new(), Vec::new(), vec![0_u128; n]),
            false => (vec![0_i32; n + 1], vec![0_u8; text_len], Vec::new()),
        };
        let mut bitmaps: [Vec<u64>; 4] = std::array::from_fn(|_| vec![0_u64; n.div_ceil(64)]);
        let names = match views {
            true => Names::Views(&mut view_words),
            false => Names::Text {
                offsets: offsets.get_mut(1..).unwrap_or_default(),
                text: &mut text,
                start: 0,
            },
        };
        let parts = Finishing {
            rows: self.slots(),
            names,
            bitmaps: bitmaps.each_mut().map(|b| b.as_mut_slice()),
        };
        // Each part: budgets to the column's scale, class names, bitmaps.
        let overflowed: Vec<usize> =
            parallel::parts(parts, || (), |_, first, mut part| part.write(first, scale))
                .into_iter()
                .flatten()
                .collect();
        let [valid, mid_term, review_if_agreed, independent] =
            bitmaps.map(|words| BooleanBuffer::new(words.into(), 0, n));
        let valid = NullBuffer::new(valid);
        let names: ArrayRef = match views {
            true => Arc::new(
                StringViewArray::try_new(view_words.into(), Vec::new(), Some(valid.clone()))
                    .map_err(arrow_error)?,
            ),
            false => Arc::new(
                StringArray::try_new(
                    OffsetBuffer::new(offsets.into()),
                    text.into(),
                    Some(valid.clone()),
                )
                .map_err(arrow_error)?,
            ),
        };
        let number =
            |v: Vec<u32>| -> ArrayRef { Arc::new(UInt32Array::new(v.into(), Some(valid.clone()))) };
        let flag =
            |values| -> ArrayRef { Arc::new(BooleanArray::new(values, Some(valid.clone()))) };
        out.push("duration_months", number(self.months));
        out.push("duration_days", number(self.days));
        out.push("duration_class", names);
        let class = &self.class;
        let budget_valid = if overflowed.is_empty() {
            valid.clone()
        } else {
            NullBuffer::new(bits(class.len(), |i| {
                class.get(i).is_some_and(Option::is_some) && overflowed.binary_search(&i).is_err()
            }))
        };
        let budget =
            PrimitiveArray::<Decimal128Type>::new(self.mantissa.into(), Some(budget_valid))
                .with_precision_and_scale(38, i8::try_from(scale).unwrap_or(i8::MAX))
                .map_err(arrow_error)?;
        out.push("budget_usd", Arc::new(budget));
        out.push("mid_term_evaluation", flag(mid_term));
        out.push("annual_reviews", number(self.reviews));
        out.push("mid_term_review_if_agreed", flag(review_if_agreed));
        out.push("independent_evaluation", flag(independent));
        Ok(overflowed)
    }
}

/// A row's class name: empty for a row without requirements.
fn name(class: Option<DurationClass>) -> &'static str {
    class.map_or("", |c| c.as_str())
}

/// Every class a row can have, numbered from 0: none, then the core's classes.
const CLASSES: [Option<DurationClass>; 4] = {
    let [short, medium, long] = DurationClass::ALL;
    [None, Some(short), Some(medium), Some(long)]
};

/// A row's class as its place in [`CLASSES`]: what a part looks its name up by.
fn class_number(class: Option<DurationClass>) -> usize {
    CLASSES.iter().position(|c| *c == class).unwrap_or_default()
}

/// Where the `duration_class` column of some consecutive rows goes.
enum Names<'a> {
    /// Text: each row's end offset (the start of the next), and the bytes from `start`.
    Text {
        offsets: &'a mut [i32],
        text: &'a mut [u8],
        start: usize,
    },
    /// String views: every name fits inline in its view, so there is no text buffer.
    Views(&'a mut [u128]),
}

/// What [`Columns::finish`] writes for some consecutive rows: their slots (budgets
/// rescaled in place), class names and the bitmaps (validity, then the three flags) of
/// rows that start at a multiple of 64, as every part does.
struct Finishing<'a> {
    rows: Slots<'a>,
    names: Names<'a>,
    bitmaps: [&'a mut [u64]; 4],
}

impl Finishing<'_> {
    /// Writes these rows, numbered from `first`; the rows whose budget overflows.
    fn write(&mut self, first: usize, scale: u32) -> Vec<usize> {
        let overflowed = self.rows.rescale(first, scale);
        let class = &*self.rows.class;
        match &mut self.names {
            Names::Text {
                offsets,
                text,
                start,
            } => {
                // Offsets are within the column's text, which is under 2 GiB (checked).
                // A name goes in as one 8-byte word (its bytes, then padding the next
                // name overwrites) where the part's text has room, not byte by byte.
                let words = CLASSES.map(|c| {
                    let name = name(c).as_bytes();
                    let mut word = [0_u8; 8];
                    word.iter_mut().zip(name).for_each(|(w, b)| *w = *b);
                    (word, name)
                });
                let (mut end, mut at) = (*start, 0);
                for (c, offset) in class.iter().zip(offsets.iter_mut()) {
                    let (word, name) = words.get(class_number(*c)).copied().unwrap_or_default();
                    if let Some(slot) = text.get_mut(at..at + 8) {
                        slot.copy_from_slice(&word);
                    } else if let Some(slot) = text.get_mut(at..at + name.len()) {
                        slot.copy_from_slice(name);
                    }
                    (at, end) = (at + name.len(), end + name.len());
                    *offset = end as i32;
                }
            }
            Names::Views(views) => {
                let inline = CLASSES.map(|c| inline_view(name(c)));
                for (c, view) in class.iter().zip(views.iter_mut()) {
                    *view = inline.get(class_number(*c)).copied().unwrap_or_default();
                }
            }
        }
        // Each word of the four bitmaps from one pass over its 64 rows, the first row in
        // the lowest bit (Arrow's order).
        let rows = &self.rows;
        let flags = rows
            .mid_term
            .chunks(64)
            .zip(rows.review_if_agreed.chunks(64));
        let rows = class.chunks(64).zip(flags).zip(rows.independent.chunks(64));
        for (k, ((class, (mid_term, review)), independent)) in rows.enumerate() {
            let mut words = [0_u64; 4];
            let rows = class.iter().zip(mid_term).zip(review).zip(independent);
            for (j, (((c, m), r), i)) in rows.enumerate() {
                words[0] |= u64::from(c.is_some()) << j;
                words[1] |= u64::from(*m) << j;
                words[2] |= u64::from(*r) << j;
                words[3] |= u64::from(*i) << j;
            }
            for (bitmap, word) in self.bitmaps.iter_mut().zip(words) {
                if let Some(w) = bitmap.get_mut(k) {
                    *w = word;
                }
            }
        }
        overflowed
    }
}

/// The string view of a text of at most 12 bytes: its length, then its bytes inline.
fn inline_view(text: &str) -> u128 {
    let bytes = text.bytes().take(12).enumerate();
    bytes.fold(text.len() as u128, |view, (i, b)| {
        view | (u128::from(b) << (32 + 8 * i))
    })
}

impl Split for Finishing<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let mid = mid.min(self.rows.len());
        let bytes: usize = self
            .rows
            .class
            .get(..mid)
            .unwrap_or_default()
            .iter()
            .map(|c| name(*c).len())
            .sum();
        let (rows, rows2) = self.rows.split_at(mid);
        let (names, names2) = match self.names {
            Names::Text {
                offsets,
                text,
                start,
            } => {
                let (offsets, offsets2) = Split::split_at(offsets, mid);
                let (text, text2) = Split::split_at(text, bytes);
                (
                    Names::Text {
                        offsets,
                        text,
                        start,
                    },
                    Names::Text {
                        offsets: offsets2,
                        text: text2,
                        start: start + bytes,
                    },
                )
            }
            Names::Views(views) => {
                let (views, views2) = Split::split_at(views, mid);
                (Names::Views(views), Names::Views(views2))
            }
        };
        // Parts start at multiples of 64 rows, so each has whole words.
        let [a, b, c, d] = self
            .bitmaps
            .map(|words| Split::split_at(words, mid.div_ceil(64)));
        (
            Finishing {
                rows,
                names,
                bitmaps: [a.0, b.0, c.0, d.0],
            },
            Finishing {
                rows: rows2,
                names: names2,
                bitmaps: [a.1, b.1, c.1, d.1],
            },
        )
    }
}

/// One row's slots in [`Columns`].
pub(crate) struct Slot<'a> {
    months: &'a mut u32,
    days: &'a mut u32,
    class: &'a mut Option<DurationClass>,
    mantissa: &'a mut i128,
    scale: &'a mut u8,
    mid_term: &'a mut bool,
    reviews: &'a mut u32,
    review_if_agreed: &'a mut bool,
    independent: &'a mut bool,
}

impl Slot<'_> {
    pub(crate) fn set(self, r: &Requirements) {
        (*self.months, *self.days) = (r.duration.months, r.duration.days);
        *self.class = Some(r.class);
        // A `Decimal`'s scale is at most 28.
        (*self.mantissa, *self.scale) = (r.budget_usd.mantissa(), r.budget_usd.scale() as u8);
        *self.mid_term = r.mid_term_evaluation;
        *self.reviews = r.annual_reviews;
        *self.review_if_agreed = r.mid_term_review_if_agreed;
        *self.independent = r.independent_evaluation;
    }
}

impl Slots<'_> {
    /// Each row's slots, in order.
    pub(crate) fn each(&mut self) -> impl Iterator<Item = Slot<'_>> {
        let columns = self.months.iter_mut().zip(self.days.iter_mut());
        let columns = columns
            .zip(self.class.iter_mut())
            .zip(self.mantissa.iter_mut());
        let columns = columns
            .zip(self.scale.iter_mut())
            .zip(self.mid_term.iter_mut());
        let columns = columns.zip(self.reviews.iter_mut());
        let columns = columns.zip(self.review_if_agreed.iter_mut());
        columns.zip(self.independent.iter_mut()).map(
            |(
                (
                    ((((((months, days), class), mantissa), scale), mid_term), reviews),
                    review_if_agreed,
                ),
                independent,
            )| Slot {
                months,
                days,
                class,
                mantissa,
                scale,
                mid_term,
                reviews,
                review_if_agreed,
                independent,
            },
        )
    }

    /// The largest scale a budget here needs (its scale without trailing zeros).
    fn largest_scale(&self) -> u32 {
        let mut largest = 0;
        for ((m, s), c) in self.mantissa.iter().zip(&*self.scale).zip(&*self.class) {
            // A value's own scale bounds its normalized one: normalize only what could
            // raise the largest.
            if c.is_some() && u32::from(*s) > largest {
                let d = Decimal::try_from_i128_with_scale(*m, u32::from(*s)).unwrap_or_default();
                largest = largest.max(d.normalize().scale());
            }
        }
        largest
    }

    /// Every budget's mantissa at `scale`; the rows (numbered from `first`) that do not
    /// fit 38 digits there.
    fn rescale(&mut self, first: usize, scale: u32) -> Vec<usize> {
        const LIMIT: i128 = 10_i128.pow(38);
        // The factors a row can need (a scale is at most 28), computed once.
        let factors: Vec<i128> = (0..=28).map(|k| 10_i128.pow(k)).collect();
        let factor = |by: u32| factors.get(by as usize).copied();
        let mut overflowed = Vec::new();
        let rows = self.mantissa.iter_mut().zip(&*self.scale).zip(&*self.class);
        for (i, ((m, s), c)) in rows.enumerate() {
            let s = u32::from(*s);
            if c.is_none() || s == scale {
                continue;
            }
            let exact = if s < scale {
                factor(scale - s).and_then(|f| match (i64::try_from(*m), i64::try_from(f)) {
                    // Two 64-bit factors (the usual budget): the product cannot overflow.
                    (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
                    _ => m.checked_mul(f),
                })
            } else {
                // Trailing zeros only: the column's scale holds every value.
                factor(s - scale).map(|f| *m / f)
            };
            match exact.filter(|m| m.abs() < LIMIT) {
                Some(v) => *m = v,
                None => {
                    *m = 0;
                    overflowed.push(first + i);
                }
            }
        }
        overflowed
    }
}

impl Split for Slots<'_> {
    fn len(&self) -> usize {
        self.class.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (months, months2) = Split::split_at(self.months, mid);
        let (days, days2) = Split::split_at(self.days, mid);
        let (class, class2) = Split::split_at(self.class, mid);
        let (mantissa, mantissa2) = Split::split_at(self.mantissa, mid);
        let (scale, scale2) = Split::split_at(self.scale, mid);
        let (mid_term, mid_term2) = Split::split_at(self.mid_term, mid);
        let (reviews, reviews2) = Split::split_at(self.reviews, mid);
        let (review_if_agreed, review_if_agreed2) = Split::split_at(self.review_if_agreed, mid);
        let (independent, independent2) = Split::split_at(self.independent, mid);
        (
            Slots {
                months,
                days,
                class,
                mantissa,
                scale,
                mid_term,
                reviews,
                review_if_agreed,
                independent,
            },
            Slots {
                months: months2,
                days: days2,
                class: class2,
                mantissa: mantissa2,
                scale: scale2,
                mid_term: mid_term2,
                reviews: reviews2,
                review_if_agreed: review_if_agreed2,
                independent: independent2,
            },
        )
    }
}

/// A bitmap of `n` bits, packed 64 at a time.
fn bits(n: usize, bit: impl FnMut(usize) -> bool) -> BooleanBuffer {
    BooleanBuffer::collect_bool(n, bit)
}

/// Requirements of every row from its columns, the rows shared among the cores: the
/// requirement columns and each bad row's error.
pub(crate) fn classify(
    table: &Table,
    policy: &Policy,
    rates: &Rates,
) -> tcrules::Result<(Columns, Vec<(usize, ErrorInfo)>)> {
    table.require("projects", &["start", "end", "budget_amount"])?;
    let batches = Batches::new(table, Inputs::new)?;
    let mut columns = Columns::new(batches.rows);
    // The rows are shared among the cores across batch boundaries: a table of many small
    // batches (as polars holds one) is split like one batch.
    let errors = parallel::parts(columns.slots(), Cache::default, |cache, first, mut part| {
        let mut errors = Vec::new();
        let rows = batches.rows_from(first).enumerate();
        for ((j, (cells, i)), slot) in rows.zip(part.each()) {
            match cells.row(i, cache, policy, rates) {
                Ok(r) => slot.set(&r),
                Err(e) => errors.push((first + j, table.user_error(e).info())),
            }
        }
        errors
    });
    Ok((columns, errors.into_iter().flatten().collect()))
}

/// `f(first row, rows in the part, rows)` over consecutive parts of the table's rows,
/// shared among the cores: each row's requirements from its columns, or its error in the
/// table's words.
/// The results in row order.
pub(crate) fn each_part<R: Send>(
    table: &Table,
    policy: &Policy,
    rates: &Rates,
    f: impl Fn(usize, usize, &mut dyn Iterator<Item = tcrules::Result<Requirements>>) -> R + Sync + Send,
) -> tcrules::Result<Vec<R>> {
    table.require("projects", &["start", "end", "budget_amount"])?;
    let batches = Batches::new(table, Inputs::new)?;
    let mut rows = vec![(); batches.rows];
    Ok(parallel::parts(
        rows.as_mut_slice(),
        Cache::default,
        |cache, first, part| {
            let len = part.len();
            let mut each = batches.rows_from(first).take(part.len()).map(|(cells, i)| {
                cells
                    .row(i, cache, policy, rates)
                    .map_err(|e| table.user_error(e))
            });
            f(first, len, &mut each)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_schema::DataType;
    use chrono::NaiveDate;

    fn requirements(budget_usd: &str) -> Requirements {
        let d = |s: &str| s.parse().unwrap();
        let usd = budget_usd.parse().unwrap();
        evaluation::classify(d("2024-01-01"), d("2025-06-30"), usd, &Policy::default()).unwrap()
    }

    fn finish(budgets: &[Option<&str>]) -> (Out, Vec<usize>) {
        let mut columns = Columns::new(budgets.len());
        let mut slots = columns.slots();
        for (b, slot) in budgets.iter().zip(slots.each()) {
            if let Some(b) = b {
                slot.set(&requirements(b));
            }
        }
        let mut out = Out::default();
        let overflowed = columns.finish(&mut out, false).unwrap();
        (out, overflowed)
    }

    #[test]
    fn budget_usd_takes_the_largest_scale_its_values_need() {
        let (out, overflowed) = finish(&[Some("350000.00"), Some("0.004"), None, Some("7.50")]);
        assert!(overflowed.is_empty());
        let budget = out.column("budget_usd").unwrap();
        assert_eq!(budget.data_type(), &DataType::Decimal128(38, 3));
        let budget = budget
            .as_any()
            .downcast_ref::<PrimitiveArray<Decimal128Type>>()
            .unwrap();
        assert_eq!(budget.values().to_vec(), [350_000_000, 4, 0, 7_500]);
        assert_eq!(budget.null_count(), 1);
        let class = out.column("duration_class").unwrap();
        let class = class.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(
            class.iter().collect::<Vec<_>>(),
            [Some("medium"), Some("medium"), None, Some("medium")]
        );
    }

    /// The requirements of `n` rows over every class, no class (every 7th row) and each
    /// flag on and off.
    fn varied(n: usize) -> Vec<Option<Requirements>> {
        let start: NaiveDate = "2024-01-01".parse().unwrap();
        let policy = Policy::default();
        (0..n)
            .map(|i| {
                let end = start + chrono::Days::new(200 + (i as u64 * 37) % 1800);
                let usd = Decimal::new((i as i64 * 7_919) % 90_000_000, 2);
                (i % 7 != 3).then(|| evaluation::classify(start, end, usd, &policy).unwrap())
            })
            .collect()
    }

    fn columns(rows: &[Option<Requirements>]) -> Columns {
        let mut columns = Columns::new(rows.len());
        let mut slots = columns.slots();
        for (r, slot) in rows.iter().zip(slots.each()) {
            if let Some(r) = r {
                slot.set(r);
            }
        }
        columns
    }

    #[test]
    fn every_part_writes_its_rows_names_and_flags() {
        // Several parts of the rows (each a multiple of 64 rows), and the last one short.
        let rows = varied(3 * 32_768 + 77);
        for views in [false, true] {
            let mut out = Out::default();
            assert!(columns(&rows).finish(&mut out, views).unwrap().is_empty());
            let class = out.column("duration_class").unwrap();
            let names: Vec<Option<&str>> = match views {
                true => class
                    .as_any()
                    .downcast_ref::<StringViewArray>()
                    .unwrap()
                    .iter()
                    .collect(),
                false => class
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .unwrap()
                    .iter()
                    .collect(),
            };
            let expected: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.as_ref().map(|r| r.class.as_str()))
                .collect();
            assert_eq!(names, expected);
            for name in ["short", "medium", "long"] {
                assert!(names.contains(&Some(name)), "{name}");
            }
            type Flag = fn(&Requirements) -> bool;
            let flags: [(&str, Flag); 3] = [
                ("mid_term_evaluation", |r| r.mid_term_evaluation),
                ("mid_term_review_if_agreed", |r| r.mid_term_review_if_agreed),
                ("independent_evaluation", |r| r.independent_evaluation),
            ];
            for (column, flag) in flags {
                let got: Vec<Option<bool>> = out
                    .column(column)
                    .unwrap()
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .unwrap()
                    .iter()
                    .collect();
                let expected: Vec<Option<bool>> =
                    rows.iter().map(|r| r.as_ref().map(flag)).collect();
                assert_eq!(got, expected, "{column}");
                assert!(
                    expected.contains(&Some(true)) && expected.contains(&Some(false)),
                    "{column}"
                );
            }
        }
    }

    #[test]
    fn a_budget_past_38_digits_at_the_column_scale_is_reported() {
        let max = Decimal::MAX.to_string();
        let (out, overflowed) = finish(&[Some(&max), Some("0.0000000000000000000000000001")]);
        assert_eq!(overflowed, [0]);
        let budget = out.column("budget_usd").unwrap();
        assert_eq!((budget.is_null(0), budget.is_null(1)), (true, false));
        // The row keeps its requirements; only the amount is missing.
        assert!(!out.column("duration_months").unwrap().is_null(0));
    }
}
