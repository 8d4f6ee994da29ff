//! Pure analysis of a decoded [`crate::model::Dump`]: state lanes and summaries (derived rates,
//! SDP diffs and ICE grids live here too as they arrive).

pub mod analysis;
pub mod charts;
pub mod compare;
pub mod features;
pub mod findings;
pub mod ice;
pub mod plots;
/// Chrome's derived rates live in the model (the internals decoder recomputes them); analysis
/// reaches them here as before.
pub use crate::model::rates;
pub mod sdp;
pub mod sdp_change;
pub mod sdp_diff;
pub mod states;
pub mod summary;
pub mod timeline;

/// The time a connection's plots and charts count from, epoch ms: its creation, else its
/// first sample.
pub fn origin(pc: &crate::model::PeerConnection) -> f64 {
    pc.created
        .map_or_else(|| pc.stats.time_range().map_or(0.0, |r| r.0.0), |t| t.0)
}

/// First and last time of anything on the connection (events and stats), epoch ms.
pub fn time_span(pc: &crate::model::PeerConnection) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for e in &pc.events {
        if e.time.is_valid() {
            lo = lo.min(e.time.0);
            hi = hi.max(e.time.0);
        }
    }
    if let Some((a, b)) = pc.stats.time_range() {
        lo = lo.min(a.0);
        hi = hi.max(b.0);
    }
    (lo <= hi).then_some((lo, hi))
}
