//! The features of a call, as rtcstats' own extractor names and defines them
//! (`packages/rtcstats-features/features.md` of the rtcstats project): client, connection and
//! track features, computed from the model so that every format gets them.
//!
//! A feature the dump cannot tell is left out, never guessed. The values are JSON values
//! because that is the shape of rtcstats' output and of `rtcscope features --json`; each is
//! documented in the README.

mod client;
mod connection;
mod extra;
mod track;

pub use extra::is_extra;

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::model::Dump;

/// Named feature values, in the order they were computed.
pub type Fields = Map<String, Value>;

/// The features of one dump.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Client features (top level in rtcstats' output).
    pub client: Fields,
    /// One entry per peer connection, in order of creation.
    pub connections: Vec<ConnectionFeatures>,
}

/// The features of one peer connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionFeatures {
    /// The connection id.
    pub id: String,
    /// Its connection features.
    pub fields: Fields,
    /// One entry per media track sent or received, by start time.
    pub tracks: Vec<Fields>,
}

/// Extracts every feature of `dump`.
pub fn extract(dump: &Dump) -> Features {
    Features {
        client: client::features(dump),
        // Connections are independent: one rayon task each.
        connections: dump
            .peer_connections
            .par_iter()
            .map(|pc| {
                let mut fields = connection::features(dump, pc);
                extra::connection(&mut fields, pc);
                ConnectionFeatures {
                    id: pc.id.to_string(),
                    fields,
                    tracks: track::features(pc),
                }
            })
            .collect(),
    }
}

/// rtcscope's per-stream distributions (`bitrateP50`, `jitterMsP95`, …) of one RTP stream, as
/// the track features carry them.
pub fn stream_numbers(stream: &crate::analyze::findings::Stream<'_>) -> Fields {
    let mut f = Fields::new();
    extra::track(&mut f, Some(stream), stream.report, stream.inbound);
    f
}

/// `statsTruncated` and `clockSkew` of one connection, for the data-quality rules.
pub fn data_quality(dump: &Dump, pc: &crate::model::PeerConnection) -> (bool, Option<f64>) {
    (
        connection::stats_truncated(dump, pc),
        connection::clock_skew(pc),
    )
}

/// The connection features of one connection.
pub fn extract_connection(dump: &Dump, pc: &crate::model::PeerConnection) -> Fields {
    connection::features(dump, pc)
}

impl Features {
    /// rtcstats' output shape: client fields at the top level, then
    /// `peerConnections: [{id, …connection fields, tracks: [{…}]}]`.
    pub fn to_json(&self) -> Value {
        let mut top = self.client.clone();
        let pcs = self
            .connections
            .iter()
            .map(|c| {
                let mut o = Map::new();
                o.insert("id".into(), Value::from(c.id.clone()));
                o.extend(c.fields.clone());
                o.insert(
                    "tracks".into(),
                    Value::Array(c.tracks.iter().cloned().map(Value::Object).collect()),
                );
                Value::Object(o)
            })
            .collect();
        top.insert("peerConnections".into(), Value::Array(pcs));
        Value::Object(top)
    }
}

/// Inserts `value` under `name` when there is one.
pub(crate) fn put(fields: &mut Fields, name: &str, value: impl Into<Option<Value>>) {
    if let Some(v) = value.into() {
        fields.insert(name.to_owned(), v);
    }
}

/// A finite number as a JSON value: integers stay integers, as in rtcstats' JSON output.
pub(crate) fn number(v: f64) -> Option<Value> {
    if !v.is_finite() {
        return None;
    }
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        return Some(Value::from(v as i64));
    }
    serde_json::Number::from_f64(v).map(Value::Number)
}
