//! Pure analysis of a decoded [`crate::model::Dump`]: state lanes and summaries (derived rates,
//! SDP diffs and ICE grids live here too as they arrive).

pub mod ice;
pub mod plots;
pub mod rates;
pub mod sdp;
pub mod sdp_diff;
pub mod states;
pub mod summary;
pub mod timeline;
