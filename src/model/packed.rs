//! A dense column whose numbers are integers once scaled by a power of ten (counters,
//! millisecond-rounded times, a jitter of `0.005`), stored as one base per block of samples
//! and a narrow signed offset per sample: 1, 2 or 4 bytes instead of 8, read back bit for
//! bit. Reading a sample stays O(1), which the plots and the findings rely on.
//!
//! A getStats counter grows by at most a few megabytes per block, so most columns of a long
//! call take 2 or 4 bytes a sample; values that would lose a bit (`audioLevel`'s many
//! digits, `-0.0`) are refused and the caller keeps them as plain `f64`s.

/// Samples per block, as a shift: 64.
const BLOCK_SHIFT: u32 = 6;

/// The largest power of ten a column is scaled by.
const MAX_EXP: usize = 6;

const POW10: [f64; MAX_EXP + 1] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// A block with no number yet.
const UNSET: i64 = i64::MIN;

/// Integers an `f64` holds exactly, and then some margin for the offsets' sums.
const LIMIT: f64 = 4.0e15;

/// The packed column (see the module documentation).
#[derive(Clone, Debug)]
pub(super) struct Packed {
    /// Values are `integer / 10^exp`.
    exp: usize,
    /// Each block's base integer: its first number ([`UNSET`] while it has none).
    bases: Vec<i64>,
    /// Each sample's integer minus its block's base; the type's `MIN` is a `NaN` sample.
    offsets: Offsets,
}

#[derive(Clone, Debug)]
enum Offsets {
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
}

/// `v` as an integer at scale `10^exp`, when decoding it gives back `v` bit for bit.
fn quantize(v: f64, exp: usize) -> Option<i64> {
    let q = (v * POW10[exp]).round();
    // Also refuses NaN and the infinities.
    if q.is_nan() || q.abs() >= LIMIT {
        return None;
    }
    let q = q as i64;
    (decode(q, exp).to_bits() == v.to_bits()).then_some(q)
}

fn decode(q: i64, exp: usize) -> f64 {
    if exp == 0 {
        q as f64
    } else {
        q as f64 / POW10[exp]
    }
}

impl Offsets {
    fn len(&self) -> usize {
        match self {
            Offsets::I8(v) => v.len(),
            Offsets::I16(v) => v.len(),
            Offsets::I32(v) => v.len(),
        }
    }

    /// Offset `i`, `None` for a `NaN` sample.
    fn get(&self, i: usize) -> Option<Option<i64>> {
        Some(match self {
            Offsets::I8(v) => v.get(i).map(|&o| (o != i8::MIN).then_some(i64::from(o)))?,
            Offsets::I16(v) => v.get(i).map(|&o| (o != i16::MIN).then_some(i64::from(o)))?,
            Offsets::I32(v) => v.get(i).map(|&o| (o != i32::MIN).then_some(i64::from(o)))?,
        })
    }

    fn push_nan(&mut self) {
        match self {
            Offsets::I8(v) => v.push(i8::MIN),
            Offsets::I16(v) => v.push(i16::MIN),
            Offsets::I32(v) => v.push(i32::MIN),
        }
    }

    /// Appends `o`, widening the column when it does not fit; `false` past 32 bits.
    fn push(&mut self, o: i64) -> bool {
        loop {
            match self {
                Offsets::I8(v) if o > i64::from(i8::MIN) && o <= i64::from(i8::MAX) => {
                    v.push(o as i8);
                    return true;
                }
                Offsets::I16(v) if o > i64::from(i16::MIN) && o <= i64::from(i16::MAX) => {
                    v.push(o as i16);
                    return true;
                }
                Offsets::I32(v) if o > i64::from(i32::MIN) && o <= i64::from(i32::MAX) => {
                    v.push(o as i32);
                    return true;
                }
                Offsets::I8(v) => {
                    let wide = v.iter().map(|&x| widen8(x)).collect();
                    *self = Offsets::I16(wide);
                }
                Offsets::I16(v) => {
                    let wide = v.iter().map(|&x| widen16(x)).collect();
                    *self = Offsets::I32(wide);
                }
                Offsets::I32(_) => return false,
            }
        }
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Offsets::I8(v) => v.truncate(len),
            Offsets::I16(v) => v.truncate(len),
            Offsets::I32(v) => v.truncate(len),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Offsets::I8(v) => v.shrink_to_fit(),
            Offsets::I16(v) => v.shrink_to_fit(),
            Offsets::I32(v) => v.shrink_to_fit(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Offsets::I8(v) => v.capacity(),
            Offsets::I16(v) => v.capacity() * 2,
            Offsets::I32(v) => v.capacity() * 4,
        }
    }

    fn as_ptr(&self) -> usize {
        match self {
            Offsets::I8(v) => v.as_ptr() as usize,
            Offsets::I16(v) => v.as_ptr() as usize,
            Offsets::I32(v) => v.as_ptr() as usize,
        }
    }
}

/// `x` one width up, the `NaN` mark kept.
fn widen8(x: i8) -> i16 {
    if x == i8::MIN { i16::MIN } else { i16::from(x) }
}

fn widen16(x: i16) -> i32 {
    if x == i16::MIN {
        i32::MIN
    } else {
        i32::from(x)
    }
}

impl Packed {
    /// The values of `values` packed, when every number among them can be (at the smallest
    /// scale that takes them all).
    pub fn build(values: impl Iterator<Item = f64> + Clone) -> Option<Packed> {
        let exp = (0..=MAX_EXP).find(|&e| {
            values
                .clone()
                .all(|v| v.is_nan() || quantize(v, e).is_some())
        })?;
        let (n, _) = values.size_hint();
        let mut p = Packed {
            exp,
            bases: Vec::with_capacity((n >> BLOCK_SHIFT) + 1),
            offsets: Offsets::I8(Vec::with_capacity(n)),
        };
        for v in values {
            p.push(v).then_some(())?;
        }
        Some(p)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Appends `v`; `false` (and nothing appended) when it cannot be stored exactly.
    pub fn push(&mut self, v: f64) -> bool {
        let i = self.len();
        let block = i >> BLOCK_SHIFT;
        if v.is_nan() {
            if block == self.bases.len() {
                self.bases.push(UNSET);
            }
            self.offsets.push_nan();
            return true;
        }
        let Some(q) = quantize(v, self.exp) else {
            return false;
        };
        let base = match self.bases.get(block) {
            Some(&b) if b != UNSET => b,
            _ => q,
        };
        if !self.offsets.push(q - base) {
            return false;
        }
        if block == self.bases.len() {
            self.bases.push(base);
        } else {
            self.bases[block] = base;
        }
        true
    }

    /// The value of sample `i`.
    pub fn get(&self, i: usize) -> Option<f64> {
        match self.offsets.get(i)? {
            None => Some(f64::NAN),
            Some(o) => Some(decode(self.bases[i >> BLOCK_SHIFT] + o, self.exp)),
        }
    }

    /// Keeps the first `len` samples.
    pub fn truncate(&mut self, len: usize) {
        self.offsets.truncate(len);
        self.bases.truncate(len.div_ceil(1 << BLOCK_SHIFT));
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.offsets.shrink_to_fit();
        self.bases.shrink_to_fit();
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.heap_bytes() + self.bases.capacity() * size_of::<i64>()
    }

    /// The address of the offsets, which identifies the column while it lives unchanged.
    pub fn as_ptr(&self) -> usize {
        self.offsets.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(v: impl Iterator<Item = f64>) -> Vec<u64> {
        v.map(f64::to_bits).collect()
    }

    fn packed(values: &[f64]) -> Option<Packed> {
        Packed::build(values.iter().copied())
    }

    fn read(p: &Packed) -> Vec<u64> {
        bits((0..p.len()).map(|i| p.get(i).unwrap()))
    }

    #[test]
    fn counters_and_decimals_read_back_bit_for_bit() {
        let counter: Vec<f64> = (0..1000)
            .map(|k| 1_795_564_009_566.0 + 397.0 * k as f64)
            .collect();
        let p = packed(&counter).unwrap();
        assert_eq!(read(&p), bits(counter.iter().copied()));
        // One base per 64 samples and 2 bytes each, not 8.
        assert!(p.heap_bytes() < 1000 * 3, "{}", p.heap_bytes());
        let jitter = [0.005, 0.012, f64::NAN, 0.003, 1.25, 0.0];
        let p = packed(&jitter).unwrap();
        assert_eq!(p.exp, 3);
        assert_eq!(read(&p), bits(jitter.iter().copied()));
        assert_eq!(p.get(jitter.len()), None);
    }

    #[test]
    fn what_would_lose_a_bit_is_refused() {
        assert!(packed(&[0.1, 0.000_183_116_6]).is_none());
        assert!(packed(&[1.0, -0.0]).is_none());
        assert!(packed(&[1.0, f64::INFINITY]).is_none());
        assert!(packed(&[1.0, 1e300]).is_none());
        let mut p = packed(&[1.0, 2.0]).unwrap();
        assert!(!p.push(2.5), "scale 1 cannot hold 2.5");
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn offsets_widen_and_blocks_start_where_numbers_do() {
        let mut values = vec![f64::NAN; 70];
        values.extend([5.0, 6.0, 300.0, -70_000.0, 2.0e9, f64::NAN, 7.0]);
        let p = packed(&values).unwrap();
        assert!(matches!(p.offsets, Offsets::I32(_)));
        assert_eq!(read(&p), bits(values.iter().copied()));
        // A jump past 32 bits inside a block is refused.
        let mut p = packed(&[0.0]).unwrap();
        assert!(!p.push(1.0e13));
        assert_eq!(p.len(), 1);
        // On a fresh block it is a new base.
        for _ in 1..64 {
            assert!(p.push(0.0));
        }
        assert!(p.push(1.0e13));
        assert_eq!(p.get(64), Some(1.0e13));
    }

    #[test]
    fn truncation_keeps_the_front() {
        let values: Vec<f64> = (0..200).map(|k| f64::from(k) * 3.0).collect();
        let mut p = packed(&values).unwrap();
        p.truncate(65);
        assert_eq!(p.len(), 65);
        assert_eq!(p.bases.len(), 2);
        assert!(p.push(-1.0));
        assert_eq!(p.get(64), Some(192.0));
        assert_eq!(p.get(65), Some(-1.0));
    }
}
