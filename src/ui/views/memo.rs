//! Per-plot results kept between frames: a plot's decimated points while its view range and
//! size stay the same, and facts about a series a plot needs every frame. An entry lives
//! while a frame still asks for it, so a plot scrolled out of view or a closed dump leaves
//! nothing behind after one frame.
//!
//! The key names the data by address and length plus a hash of its names, so a series that
//! is freed and replaced is never mistaken for the old one.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use rustc_hash::FxBuildHasher;

/// A plot's decimated line segments, shared with the memo and borrowed by egui_plot (no
/// copy per frame).
pub type Segments = Arc<Vec<Vec<egui_plot::PlotPoint>>>;

/// Decimated `[x, y]` segments as [`Segments`], with y multiplied by `scale` (s to ms and
/// the like).
pub fn segments(raw: Vec<Vec<[f64; 2]>>, scale: f64) -> Segments {
    Arc::new(
        raw.into_iter()
            .map(|seg| {
                seg.into_iter()
                    .map(|[x, y]| egui_plot::PlotPoint::new(x, y * scale))
                    .collect()
            })
            .collect(),
    )
}

/// The address and length of a slice, which name its data while it lives unchanged.
pub fn identity<T>(data: &[T]) -> (usize, usize) {
    (data.as_ptr() as usize, data.len())
}

/// What a memoised value was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    data: usize,
    len: usize,
    names: u64,
    view: [u64; 4],
    columns: usize,
}

impl Key {
    /// The key of `data` (its address and length: [`identity`], `Values::identity`) under
    /// `names` (report id, series name…), drawn over `view` (range, origin, gap…) on
    /// `columns` pixel columns.
    pub fn new(data: (usize, usize), names: impl Hash, view: [f64; 4], columns: usize) -> Key {
        Key {
            data: data.0,
            len: data.1,
            names: FxBuildHasher.hash_one(names),
            view: view.map(f64::to_bits),
            columns,
        }
    }

    /// The key of a fact about `data` that depends on no view.
    pub fn of(data: (usize, usize), names: impl Hash) -> Key {
        Key::new(data, names, [0.0; 4], 0)
    }
}

/// The entries of one value type, with the pass each was last used in.
struct Memo<V> {
    pass: u64,
    entries: HashMap<Key, (u64, V), FxBuildHasher>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            pass: 0,
            entries: HashMap::default(),
        }
    }
}

/// The value for `key`, computed by `compute` only when no frame since the previous one
/// has asked for it. `V` is cloned out, so large values should be `Arc`s.
pub fn get<V>(ctx: &egui::Context, key: Key, compute: impl FnOnce() -> V) -> V
where
    V: Clone + Send + Sync + 'static,
{
    let id = egui::Id::unique(std::any::type_name::<V>());
    let pass = ctx.cumulative_pass_nr();
    let store = ctx.data_mut(|d| {
        d.get_temp_mut_or_insert_with(id, || Arc::new(std::sync::Mutex::new(Memo::<V>::default())))
            .clone()
    });
    // The lock is never held across `compute`, so a slow series blocks nothing else.
    let found = {
        let mut memo = store.lock().unwrap_or_else(|p| p.into_inner());
        if memo.pass != pass {
            // Keep what this pass or the previous one used.
            memo.entries.retain(|_, (used, _)| *used + 1 >= pass);
            memo.pass = pass;
        }
        memo.entries.get_mut(&key).map(|(used, v)| {
            *used = pass;
            v.clone()
        })
    };
    if let Some(v) = found {
        return v;
    }
    let v = compute();
    let mut memo = store.lock().unwrap_or_else(|p| p.into_inner());
    memo.entries.insert(key, (pass, v.clone()));
    v
}

/// The number of values of type `V` kept now.
#[cfg(test)]
fn len<V: Clone + Send + Sync + 'static>(ctx: &egui::Context) -> usize {
    let id = egui::Id::unique(std::any::type_name::<V>());
    ctx.data_mut(|d| d.get_temp::<Arc<std::sync::Mutex<Memo<V>>>>(id))
        .map_or(0, |m| {
            m.lock().unwrap_or_else(|p| p.into_inner()).entries.len()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(ctx: &egui::Context, f: impl FnMut(&mut egui::Ui)) {
        let mut f = f;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| f(ui));
        out.textures_delta.clear();
    }

    #[test]
    fn computes_once_while_asked_and_forgets_what_no_frame_asks_for() {
        let ctx = egui::Context::default();
        let data = vec![1.0_f64, 2.0, 3.0];
        let key = Key::new(
            identity(&data),
            ("IT01", "jitter"),
            [0.0, 10.0, 0.0, 0.0],
            300,
        );
        let mut computed = 0;
        for _ in 0..3 {
            pass(&ctx, |ui| {
                let v = get(ui.ctx(), key, || {
                    computed += 1;
                    Arc::new(vec![7_u32])
                });
                assert_eq!(*v, [7]);
            });
        }
        assert_eq!(computed, 1, "unchanged view: computed once");

        // Another view of the same data is another entry.
        let zoomed = Key::new(
            identity(&data),
            ("IT01", "jitter"),
            [2.0, 5.0, 0.0, 0.0],
            300,
        );
        assert_ne!(key, zoomed);
        pass(&ctx, |ui| {
            get(ui.ctx(), zoomed, || Arc::new(vec![8_u32]));
        });
        assert_eq!(len::<Arc<Vec<u32>>>(&ctx), 2);
        // Two frames that ask for nothing leave nothing behind.
        pass(&ctx, |_| {});
        pass(&ctx, |ui| {
            get(ui.ctx(), zoomed, || Arc::new(vec![8_u32]));
        });
        assert_eq!(len::<Arc<Vec<u32>>>(&ctx), 1);
    }

    #[test]
    fn same_address_other_names_is_another_key() {
        let data = [0_u8; 4];
        assert_ne!(Key::of(identity(&data), "a"), Key::of(identity(&data), "b"));
        assert_ne!(
            Key::of(identity(&data), "a"),
            Key::of(identity(&data[..2]), "a")
        );
    }
}
