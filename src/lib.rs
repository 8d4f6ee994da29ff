//! rtcscope: decode, analyse and export WebRTC statistics dumps (Chrome webrtc-internals
//! exports, rtcstats v3 and legacy rtcstats / Jitsi dumps).
//!
//! Data flows one way: [`source`] (bytes) → [`decode`] (bytes → [`model`]) → [`analyze`] →
//! [`export`] / [`cli`] (and the viewer). Nothing here depends on a UI toolkit.

#![warn(missing_docs)]

pub mod analyze;
pub mod cli;
pub mod decode;
pub mod export;
pub mod model;
pub mod source;
