//! The value column of a series: stored once while every sample holds the same value, then
//! packed into narrow integers when every value allows it exactly (see [`super::packed`]),
//! else as plain `f64`s.
//!
//! Most numeric properties of a getStats report never change over a call (`ssrc`,
//! `payloadType`, `clockRate`, `channels`, a candidate's `port` and `priority`…), and a
//! dense column would spend eight bytes per sample on each of them.

use std::fmt;

use super::packed::Packed;

/// One value per report sample, `NaN` where a sample has none (see [`super::Series`]).
#[derive(Clone, Default)]
pub struct Values(Repr);

#[derive(Clone)]
enum Repr {
    /// `len` samples, all with the value whose bits are `bits` (bitwise, so a column of
    /// `NaN`s is constant too).
    Constant { bits: u64, len: usize },
    /// At least two different values, each an integer once scaled by a power of ten.
    Packed(Packed),
    /// At least two different values, some of which do not pack.
    Dense(Vec<f64>),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Constant { bits: 0, len: 0 }
    }
}

impl Values {
    /// An empty column.
    pub fn new() -> Values {
        Values::default()
    }

    /// `len` copies of `v`.
    pub fn repeat(v: f64, len: usize) -> Values {
        Values(Repr::Constant {
            bits: v.to_bits(),
            len,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Constant { len, .. } => *len,
            Repr::Packed(p) => p.len(),
            Repr::Dense(v) => v.len(),
        }
    }

    /// Whether the column has no sample.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every sample holds the same value (stored once).
    pub fn is_constant(&self) -> bool {
        matches!(self.0, Repr::Constant { .. })
    }

    /// The value of sample `i`.
    pub fn get(&self, i: usize) -> Option<f64> {
        match &self.0 {
            Repr::Constant { bits, len } => (i < *len).then(|| f64::from_bits(*bits)),
            Repr::Packed(p) => p.get(i),
            Repr::Dense(v) => v.get(i).copied(),
        }
    }

    /// The first sample's value.
    pub fn first(&self) -> Option<f64> {
        self.get(0)
    }

    /// The last sample's value.
    pub fn last(&self) -> Option<f64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The values in sample order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::Constant { bits, len } => Iter(IterRepr::Constant {
                v: f64::from_bits(*bits),
                left: *len,
            }),
            Repr::Packed(p) => Iter(IterRepr::Packed {
                p,
                front: 0,
                back: p.len(),
            }),
            Repr::Dense(v) => Iter(IterRepr::Dense(v.iter())),
        }
    }

    /// Appends one sample.
    pub fn push(&mut self, v: f64) {
        match &mut self.0 {
            Repr::Constant { bits, len } if *len == 0 || *bits == v.to_bits() => {
                *bits = v.to_bits();
                *len += 1;
            }
            Repr::Constant { bits, len } => {
                // The first different value: from here on the column is packed or dense.
                let c = f64::from_bits(*bits);
                let all = std::iter::repeat_n(c, *len).chain(std::iter::once(v));
                *self = Values::varying(all);
            }
            Repr::Packed(p) => {
                if !p.push(v) {
                    // A value the packing cannot hold: repack at a finer scale, or go dense
                    // (at most once per power of ten, then for good).
                    let old = std::mem::take(self);
                    *self = Values::varying(old.iter().chain(std::iter::once(v)));
                }
            }
            Repr::Dense(d) => d.push(v),
        }
    }

    /// A column of values that are not all the same: packed when they allow it.
    fn varying(values: impl Iterator<Item = f64> + Clone) -> Values {
        match Packed::build(values.clone()) {
            Some(p) => Values(Repr::Packed(p)),
            None => {
                let (n, _) = values.size_hint();
                let mut dense = Vec::with_capacity(n.next_power_of_two());
                dense.extend(values);
                Values(Repr::Dense(dense))
            }
        }
    }

    /// Grows (with copies of `v`) or shrinks the column to `len` samples.
    pub fn resize(&mut self, len: usize, v: f64) {
        if len <= self.len() {
            match &mut self.0 {
                Repr::Constant { len: n, .. } => *n = len,
                Repr::Packed(p) => p.truncate(len),
                Repr::Dense(d) => d.truncate(len),
            }
            return;
        }
        match &mut self.0 {
            Repr::Constant { bits, len: n } if *n == 0 || *bits == v.to_bits() => {
                *bits = v.to_bits();
                *n = len;
            }
            Repr::Dense(d) => d.resize(len, v),
            _ => {
                for _ in self.len()..len {
                    self.push(v);
                }
            }
        }
    }

    /// The values as a vector.
    pub fn to_vec(&self) -> Vec<f64> {
        self.iter().collect()
    }

    /// The values as a vector, without a copy when they are stored densely.
    pub fn into_vec(self) -> Vec<f64> {
        match self.0 {
            Repr::Constant { bits, len } => vec![f64::from_bits(bits); len],
            Repr::Packed(_) => self.to_vec(),
            Repr::Dense(v) => v,
        }
    }

    /// Stores the column once if every value is the same, else packed if it can be, and
    /// gives back spare capacity.
    pub fn compact(&mut self) {
        let Some(first) = self.first() else {
            return;
        };
        if self.iter().all(|v| v.to_bits() == first.to_bits()) {
            *self = Values::repeat(first, self.len());
            return;
        }
        if let Repr::Dense(d) = &self.0
            && let Some(p) = Packed::build(d.iter().copied())
        {
            self.0 = Repr::Packed(p);
        }
        self.shrink();
    }

    /// Gives back spare capacity. Cheaper than [`Values::compact`] when the column was built
    /// by [`Values::push`] and growing [`Values::resize`], which never leave a column whose
    /// values are all the same, and pack whatever can be packed.
    pub fn shrink(&mut self) {
        match &mut self.0 {
            Repr::Constant { .. } => {}
            Repr::Packed(p) => p.shrink_to_fit(),
            Repr::Dense(d) => d.shrink_to_fit(),
        }
    }

    /// An address and length that identify this column's data while it lives unchanged (the
    /// viewer's per-plot caches key on it).
    pub fn identity(&self) -> (usize, usize) {
        match &self.0 {
            Repr::Constant { .. } => (std::ptr::from_ref(self) as usize, self.len()),
            Repr::Packed(p) => (p.as_ptr(), p.len()),
            Repr::Dense(v) => (v.as_ptr() as usize, v.len()),
        }
    }

    /// Heap bytes held by the column.
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Constant { .. } => 0,
            Repr::Packed(p) => p.heap_bytes(),
            Repr::Dense(v) => v.capacity() * size_of::<f64>(),
        }
    }
}

impl From<Vec<f64>> for Values {
    /// Takes the vector, stored once if every value is the same.
    fn from(v: Vec<f64>) -> Values {
        let mut out = Values(Repr::Dense(v));
        out.compact();
        out
    }
}

impl FromIterator<f64> for Values {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Values {
        let mut out = Values::new();
        for v in iter {
            out.push(v);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = f64;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Bitwise equality of every sample (`NaN` equals `NaN`), whatever the storage.
impl PartialEq for Values {
    fn eq(&self, other: &Values) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// Numeric equality with a vector (as `Vec<f64>`'s own: `NaN` differs from everything).
impl PartialEq<Vec<f64>> for Values {
    fn eq(&self, other: &Vec<f64>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Constant { bits, len } => {
                write!(f, "[{:?}; {len}]", f64::from_bits(*bits))
            }
            Repr::Packed(_) => f.debug_list().entries(self.iter()).finish(),
            Repr::Dense(v) => f.debug_list().entries(v).finish(),
        }
    }
}

/// The values of a [`Values`] column, in sample order.
#[derive(Clone)]
pub struct Iter<'a>(IterRepr<'a>);

#[derive(Clone)]
enum IterRepr<'a> {
    Constant {
        v: f64,
        left: usize,
    },
    /// Samples `front..back` of a packed column.
    Packed {
        p: &'a Packed,
        front: usize,
        back: usize,
    },
    Dense(std::slice::Iter<'a, f64>),
}

impl Iterator for Iter<'_> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        match &mut self.0 {
            IterRepr::Constant { v, left } => {
                *left = left.checked_sub(1)?;
                Some(*v)
            }
            IterRepr::Packed { p, front, back } => {
                if front == back {
                    return None;
                }
                *front += 1;
                p.get(*front - 1)
            }
            IterRepr::Dense(it) => it.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<f64> {
        match &mut self.0 {
            IterRepr::Constant { v, left } => {
                if n >= *left {
                    *left = 0;
                    return None;
                }
                *left -= n + 1;
                Some(*v)
            }
            IterRepr::Packed { p, front, back } => {
                if n >= *back - *front {
                    *front = *back;
                    return None;
                }
                *front += n + 1;
                p.get(*front - 1)
            }
            IterRepr::Dense(it) => it.nth(n).copied(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<f64> {
        match &mut self.0 {
            IterRepr::Constant { v, left } => {
                *left = left.checked_sub(1)?;
                Some(*v)
            }
            IterRepr::Packed { p, front, back } => {
                if front == back {
                    return None;
                }
                *back -= 1;
                p.get(*back)
            }
            IterRepr::Dense(it) => it.next_back().copied(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {
    fn len(&self) -> usize {
        match &self.0 {
            IterRepr::Constant { left, .. } => *left,
            IterRepr::Packed { front, back, .. } => back - front,
            IterRepr::Dense(it) => it.len(),
        }
    }
}

impl std::iter::FusedIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    /// Pushes and resizes of values drawn from a pool that mixes what packs (counters,
    /// short decimals, NaN) with what does not (`-0.0`, long fractions, jumps past 32 bits),
    /// against a plain vector: every read agrees bit for bit, whatever the storage became.
    #[test]
    fn every_storage_reads_back_what_was_pushed() {
        let pool = [
            0.0,
            1.0,
            7.0,
            1_795_564_009_566.0,
            0.005,
            12.25,
            f64::NAN,
            -3.0,
            -0.0,
            0.1 + 0.2,
            4.0e12,
            1.0e-7,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut kinds = [0usize; 3];
        for round in 0..400 {
            // Draw from a prefix of the pool, so that many columns stay packable.
            let reach = 1 + round % pool.len();
            let mut values = Values::new();
            let mut model: Vec<f64> = Vec::new();
            for _ in 0..next(300) {
                match next(20) {
                    0 => {
                        let len = next(400);
                        let v = pool[next(reach)];
                        values.resize(len, v);
                        model.resize(len, v);
                    }
                    // Counters: a run of growing values.
                    1..=3 => {
                        let start = model
                            .last()
                            .copied()
                            .filter(|v| v.is_finite())
                            .unwrap_or(0.0);
                        for k in 0..next(100) {
                            let v = (start + (k * next(5000)) as f64).round();
                            values.push(v);
                            model.push(v);
                        }
                    }
                    _ => {
                        let v = pool[next(reach)];
                        values.push(v);
                        model.push(v);
                    }
                }
            }
            kinds[match values.0 {
                Repr::Constant { .. } => 0,
                Repr::Packed(_) => 1,
                Repr::Dense(_) => 2,
            }] += 1;
            let got: Vec<f64> = values.iter().collect();
            assert_eq!(bits(&got), bits(&model), "round {round}");
            let back: Vec<f64> = values.iter().rev().collect();
            let mut want = model.clone();
            want.reverse();
            assert_eq!(bits(&back), bits(&want), "round {round}");
            for _ in 0..10 {
                let i = next(model.len() + 2);
                assert_eq!(
                    values.get(i).map(f64::to_bits),
                    model.get(i).map(|v| v.to_bits()),
                    "round {round}, sample {i}"
                );
                let mut it = values.iter();
                assert_eq!(
                    it.nth(i).map(f64::to_bits),
                    model.get(i).map(|v| v.to_bits())
                );
                assert_eq!(it.len(), model.len().saturating_sub(i + 1));
            }
            let mut compacted = values.clone();
            compacted.compact();
            assert!(compacted == values, "round {round}");
            assert!(compacted.heap_bytes() <= 8 * model.len() + 8 * (model.len() / 64 + 1));
        }
        assert!(
            kinds[0] >= 1 && kinds[1] >= 50 && kinds[2] >= 50,
            "storages reached: {kinds:?}"
        );
    }

    #[test]
    fn shrink_gives_back_capacity_and_keeps_values() {
        // 0.1 + 0.2 is no short decimal: the column stays dense.
        let mut v: Values = [1.0, 2.0, 0.1 + 0.2].into_iter().collect();
        v.resize(5, f64::NAN);
        assert!(v.heap_bytes() > 5 * 8);
        v.shrink();
        assert_eq!(v.heap_bytes(), 5 * 8);
        assert!(!v.is_constant());
        assert_eq!(v.get(1), Some(2.0));
        assert_eq!(v.get(2), Some(0.1 + 0.2));
        assert!(v.get(4).is_some_and(f64::is_nan));
        let mut c = Values::repeat(4.0, 3);
        c.shrink();
        assert!(c.is_constant());
        assert_eq!(c.heap_bytes(), 0);
    }

    use super::*;

    #[test]
    fn a_constant_column_is_stored_once_until_a_value_differs() {
        let mut v = Values::new();
        for _ in 0..1000 {
            v.push(96.0);
        }
        assert!(v.is_constant());
        assert_eq!((v.len(), v.heap_bytes(), v.last()), (1000, 0, Some(96.0)));
        v.push(111.0);
        assert!(!v.is_constant());
        assert_eq!(v.len(), 1001);
        assert_eq!(
            (v.get(999), v.get(1000), v.get(1001)),
            (Some(96.0), Some(111.0), None)
        );
    }

    #[test]
    fn both_storages_read_the_same() {
        let samples = vec![1.0, 1.0, f64::NAN, 3.0];
        let dense = Values::from(samples.clone());
        assert!(!dense.is_constant());
        let pushed: Values = samples.iter().copied().collect();
        assert_eq!(dense, pushed);
        let rev: Vec<f64> = dense.iter().rev().collect();
        assert_eq!((rev[0], rev[3]), (3.0, 1.0));
        assert_eq!(dense.iter().nth(3), Some(3.0));
        let c = Values::from(vec![5.0; 4]);
        assert!(c.is_constant());
        assert_eq!(c, vec![5.0, 5.0, 5.0, 5.0]);
        let mut it = c.iter();
        assert_eq!(
            (it.nth(2), it.len(), it.next_back(), it.next()),
            (Some(5.0), 1, Some(5.0), None)
        );
        assert_eq!(Values::repeat(f64::NAN, 3), Values::from(vec![f64::NAN; 3]));
    }

    #[test]
    fn resizing_pads_and_cuts() {
        let mut v = Values::new();
        v.resize(3, f64::NAN);
        assert!(v.is_constant());
        v.push(7.0);
        assert_eq!(v.len(), 4);
        assert!(v.get(2).unwrap().is_nan() && v.get(3) == Some(7.0));
        v.resize(6, f64::NAN);
        assert_eq!(v.len(), 6);
        v.resize(4, 0.0);
        assert_eq!(v.last(), Some(7.0));
        let mut c = Values::repeat(2.0, 2);
        c.resize(5, 2.0);
        assert!(c.is_constant() && c.len() == 5);
        c.resize(1, 0.0);
        assert_eq!(c, vec![2.0]);
    }
}
