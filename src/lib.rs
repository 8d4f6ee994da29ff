//! rtcscope: decode, analyse and export WebRTC statistics dumps (Chrome webrtc-internals
//! exports, rtcstats v3 and legacy rtcstats / Jitsi dumps).
//!
//! Data flows one way: [`source`] (bytes) → [`decode`] (bytes → [`model`]) → [`analyze`] →
//! [`export`] / [`cli`] and the viewer ([`ui`]). Only [`ui`] knows about egui.

#![warn(missing_docs)]

pub mod analyze;
pub mod cli;
pub mod decode;
pub mod export;
pub mod load;
pub mod model;
pub mod source;
#[cfg(feature = "gui")]
pub mod ui;
