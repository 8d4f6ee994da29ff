//! Outputs usable from both the command line and the viewer.

pub mod csv;
pub mod png;
pub mod sdp;
