//! The value column of a series: stored once while every sample holds the same value, densely
//! from the first sample that differs.
//!
//! Most numeric properties of a getStats report never change over a call (`ssrc`,
//! `payloadType`, `clockRate`, `channels`, a candidate's `port` and `priority`…), and a
//! dense column would spend eight bytes per sample on each of them.

use std::fmt;

/// One value per report sample, `NaN` where a sample has none (see [`super::Series`]).
#[derive(Clone, Default)]
pub struct Values(Repr);

#[derive(Clone)]
enum Repr {
    /// `len` samples, all with the value whose bits are `bits` (bitwise, so a column of
    /// `NaN`s is constant too).
    Constant { bits: u64, len: usize },
    /// At least two different values.
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
                // The first different value: from here on the column is dense.
                let mut dense = Vec::with_capacity((*len + 1).next_power_of_two());
                dense.resize(*len, f64::from_bits(*bits));
                dense.push(v);
                self.0 = Repr::Dense(dense);
            }
            Repr::Dense(d) => d.push(v),
        }
    }

    /// Grows (with copies of `v`) or shrinks the column to `len` samples.
    pub fn resize(&mut self, len: usize, v: f64) {
        if len <= self.len() {
            match &mut self.0 {
                Repr::Constant { len: n, .. } => *n = len,
                Repr::Dense(d) => d.truncate(len),
            }
            return;
        }
        match &mut self.0 {
            Repr::Constant { bits, len: n } if *n == 0 || *bits == v.to_bits() => {
                *bits = v.to_bits();
                *n = len;
            }
            _ => {
                let mut dense = std::mem::take(self).into_vec();
                dense.resize(len, v);
                self.0 = Repr::Dense(dense);
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
            Repr::Dense(v) => v,
        }
    }

    /// Stores the column once if every value is the same, and gives back spare capacity.
    pub fn compact(&mut self) {
        if let Repr::Dense(d) = &mut self.0 {
            match d.first() {
                Some(first) if d.iter().all(|v| v.to_bits() == first.to_bits()) => {
                    *self = Values::repeat(*first, d.len());
                }
                _ => d.shrink_to_fit(),
            }
        }
    }

    /// Gives back spare capacity. Cheaper than [`Values::compact`] when the column was built
    /// by [`Values::push`] and growing [`Values::resize`], which never leave a dense column whose
    /// values are all the same.
    pub fn shrink(&mut self) {
        if let Repr::Dense(d) = &mut self.0 {
            d.shrink_to_fit();
        }
    }

    /// An address and length that identify this column's data while it lives unchanged (the
    /// viewer's per-plot caches key on it).
    pub fn identity(&self) -> (usize, usize) {
        match &self.0 {
            Repr::Constant { .. } => (std::ptr::from_ref(self) as usize, self.len()),
            Repr::Dense(v) => (v.as_ptr() as usize, v.len()),
        }
    }

    /// Heap bytes held by the column.
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Constant { .. } => 0,
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
            Repr::Dense(v) => f.debug_list().entries(v).finish(),
        }
    }
}

/// The values of a [`Values`] column, in sample order.
#[derive(Clone)]
pub struct Iter<'a>(IterRepr<'a>);

#[derive(Clone)]
enum IterRepr<'a> {
    Constant { v: f64, left: usize },
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
            IterRepr::Dense(it) => it.next_back().copied(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {
    fn len(&self) -> usize {
        match &self.0 {
            IterRepr::Constant { left, .. } => *left,
            IterRepr::Dense(it) => it.len(),
        }
    }
}

impl std::iter::FusedIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    #[test]
    fn shrink_gives_back_capacity_and_keeps_values() {
        let mut v: Values = [1.0, 2.0, 3.0].into_iter().collect();
        v.resize(5, f64::NAN);
        assert!(v.heap_bytes() > 5 * 8);
        v.shrink();
        assert_eq!(v.heap_bytes(), 5 * 8);
        assert!(!v.is_constant());
        assert_eq!(v.get(1), Some(2.0));
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
