//! The decoded dump: one vocabulary for every input format.
//!
//! Decoders in [`crate::decode`] produce a [`Dump`]; everything after them (analysis, export,
//! the command line and the viewer) reads only this model.

mod event_kind;
mod ids;
mod packed;
pub mod rates;
mod stats;
mod time;
mod values;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use event_kind::EventKind;
pub use ids::{PeerConnectionId, ReportId};
pub use stats::{Attribute, Report, Series, StatValue, Stats};
pub use time::{Timestamp, civil_from_days, days_from_civil};
pub use values::{Iter as ValuesIter, Values};

/// Everything decoded from one dump file.
#[derive(Debug, Clone, Default)]
pub struct Dump {
    /// Which format the bytes were in.
    pub format: Format,
    /// Compression wrappers found around the data, outermost first.
    pub compression: Vec<Compression>,
    /// Client (browser, page, machine) metadata.
    pub client: ClientInfo,
    /// getUserMedia / getDisplayMedia requests with their outcome, in request order.
    pub get_user_media: Vec<MediaRequest>,
    /// Real peer connections, in order of creation.
    pub peer_connections: Vec<PeerConnection>,
    /// Events not tied to a peer connection (client `create`, device changes, websocket …).
    pub client_events: Vec<Event>,
    /// For Jitsi backend component dumps: what the component reported.
    pub component: Option<ComponentSummary>,
    /// What was skipped or repaired while decoding, with where.
    pub warnings: Vec<Warning>,
    /// How far the dump can be trusted, as facts the decoder found (the warnings say the
    /// same in words).
    pub integrity: Integrity,
}

/// Facts about the dump's own quality.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Integrity {
    /// Where the input was cut or corrupt, when it was: everything before it was decoded.
    pub cut_at: Option<Location>,
    /// Lines whose time runs backwards by more than one poll interval (line formats).
    pub clock: Option<ClockSteps>,
}

/// Lines of a line-format dump whose time runs backwards by more than one poll interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockSteps {
    /// How many.
    pub count: u64,
    /// Of those, how many were single lines out of order: the next line's time was back
    /// within one interval of the time before the step (a writer that flushed a buffered
    /// event late), not a clock that jumped and stayed.
    pub reordered: u64,
    /// The largest step back, ms.
    pub largest_ms: f64,
    /// The first such line, 1-based.
    pub first_line: u64,
    /// The median time between a connection's getStats lines, ms (1 s when there are none).
    pub poll_interval_ms: f64,
    /// The lines that came late (written after lines stamped later than them), the first
    /// [`ClockSteps::LATE_KEPT`] of them: the findings weigh an event's stamp against
    /// where it was written.
    pub late: Vec<LateLine>,
}

impl ClockSteps {
    /// Late lines kept in [`ClockSteps::late`].
    pub const LATE_KEPT: usize = 64;

    /// The late line of connection `pc` stamped at `time` (within 1 ms), if there is one.
    pub fn late_line(&self, pc: &str, time: Timestamp) -> Option<&LateLine> {
        self.late
            .iter()
            .find(|l| l.pc.as_deref() == Some(pc) && (l.stamped.0 - time.0).abs() <= 1.0)
    }
}

/// A line written after lines stamped later than it, by more than one poll interval.
#[derive(Debug, Clone, PartialEq)]
pub struct LateLine {
    /// Its line, 1-based.
    pub line: u64,
    /// The connection it is about, when it names one.
    pub pc: Option<String>,
    /// The time it is stamped with.
    pub stamped: Timestamp,
    /// The time of the line written just before it: it was written no earlier than that.
    pub written_after: Timestamp,
}

/// Input formats rtcscope recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Format {
    /// rtcstats dump format v3 (rtcstats-js / rtcstats-server, and Chrome's rtcstats download).
    #[default]
    #[serde(rename = "rtcstats-v3")]
    RtcstatsV3,
    /// Legacy rtcstats: fippo rtcstats-server v0/v1/v2 and Jitsi rtcstats-server dumps.
    #[serde(rename = "rtcstats-legacy")]
    RtcstatsLegacy,
    /// Chrome's chrome://webrtc-internals JSON export.
    #[serde(rename = "webrtc-internals")]
    WebrtcInternals,
    /// A Jitsi backend component (JVB, Jicofo, Jigasi) dump: not browser data.
    #[serde(rename = "jitsi-component")]
    JitsiComponent,
}

impl Format {
    /// The stable name used on the command line and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Format::RtcstatsV3 => "rtcstats-v3",
            Format::RtcstatsLegacy => "rtcstats-legacy",
            Format::WebrtcInternals => "webrtc-internals",
            Format::JitsiComponent => "jitsi-component",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A compression wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (RFC 1952), possibly multi-member.
    Gzip,
    /// Brotli (no magic number: detected by trying).
    Brotli,
    /// bzip2.
    Bzip2,
    /// Zstandard.
    Zstd,
}

impl Compression {
    /// The stable name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Brotli => "brotli",
            Compression::Bzip2 => "bzip2",
            Compression::Zstd => "zstd",
        }
    }
}

/// What the dump says about the client.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` string, when the dump has one.
    pub user_agent: Option<String>,
    /// Browser brands from `userAgentData` (`Chromium 156`), when present.
    pub brands: Vec<String>,
    /// Platform from `userAgentData` (`Linux`, `Windows`, …).
    pub platform: Option<String>,
    /// Page URL (origin and path) of the session.
    pub url: Option<String>,
    /// When the dump (or the session) started.
    pub start_time: Option<Timestamp>,
    /// Other metadata as the dump gives it: the rtcstats metadata line, Jitsi `connectionInfo`
    /// and `identity`, webrtc-internals top-level fields, the client `create` payload.
    pub metadata: serde_json::Map<String, Value>,
}

/// One getUserMedia or getDisplayMedia call.
#[derive(Debug, Clone)]
pub struct MediaRequest {
    /// Which API was called.
    pub kind: MediaRequestKind,
    /// When it was called.
    pub time: Timestamp,
    /// The constraints passed (as JSON; constraint strings of webrtc-internals are parsed).
    pub constraints: Value,
    /// The id that pairs the call with its outcome, when the format has one.
    pub correlation: Option<String>,
    /// What came of it.
    pub outcome: MediaOutcome,
}

/// getUserMedia or getDisplayMedia.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MediaRequestKind {
    /// `navigator.mediaDevices.getUserMedia` (or a legacy prefixed getUserMedia).
    #[serde(rename = "getUserMedia")]
    GetUserMedia,
    /// `navigator.mediaDevices.getDisplayMedia`.
    #[serde(rename = "getDisplayMedia")]
    GetDisplayMedia,
}

/// The result of a media request.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaOutcome {
    /// No result in the dump.
    Pending,
    /// The request succeeded with these tracks.
    Success {
        /// When the result arrived.
        time: Timestamp,
        /// The tracks obtained.
        tracks: Vec<MediaTrack>,
    },
    /// The request failed.
    Failure {
        /// When the error arrived.
        time: Timestamp,
        /// The error (`NotAllowedError: Permission denied`).
        error: String,
    },
}

/// A track obtained from getUserMedia / getDisplayMedia.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaTrack {
    /// `audio` or `video`.
    pub kind: String,
    /// The track id.
    pub id: String,
    /// The device label.
    pub label: String,
    /// The stream the track belongs to, when known.
    pub stream_id: Option<String>,
}

/// One peer connection.
#[derive(Debug, Clone)]
pub struct PeerConnection {
    /// Its id in the dump.
    pub id: PeerConnectionId,
    /// The page URL that created it, when known.
    pub url: Option<String>,
    /// When it was created (its first event).
    pub created: Option<Timestamp>,
    /// The RTCConfiguration (credentials already removed by the producers), or the raw text
    /// when the dump holds it in a non-JSON form.
    pub configuration: Option<Value>,
    /// Legacy constraints, when given.
    pub constraints: Option<Value>,
    /// Every API call and event, in time order.
    pub events: Vec<Event>,
    /// Every session description carried by an event, fully decompressed, in event order.
    pub descriptions: Vec<Description>,
    /// Columnar stats.
    pub stats: Stats,
    /// When each getStats call was made (the line times of line formats), in file order.
    /// Empty for webrtc-internals, which records no calls.
    pub polls: Vec<Timestamp>,
}

/// One API call or event on a peer connection (or on the client).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened.
    pub time: Timestamp,
    /// Normalised name: rtcstats method names, with event handlers as spec event names
    /// (`signalingstatechange`, `icecandidate`, `track`, …).
    pub name: String,
    /// The payload, normalised: states as bare spec strings, candidates as objects; `null`
    /// when there is none. For an event that carries a session description the value is
    /// `{"type": …}`: the SDP text itself is stored once, in
    /// [`PeerConnection::descriptions`], at index [`Event::description`].
    pub value: Value,
    /// Extra elements after the value (correlation ids, reasons, page URLs …).
    pub extras: Vec<Value>,
    /// The id pairing a call with its `OnSuccess` / `OnFailure`, when the format has one.
    pub correlation: Option<String>,
    /// Index into [`PeerConnection::descriptions`] of the description this event carries.
    pub description: Option<usize>,
}

impl Event {
    /// Whether this event reports a failure (`…OnFailure`, `addIceCandidateFailed`).
    pub fn is_failure(&self) -> bool {
        self.name.contains("Failure") || self.name.ends_with("Failed")
    }
}

/// The SDP type of a description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SdpType {
    /// `offer`.
    Offer,
    /// `answer`.
    Answer,
    /// `pranswer`.
    Pranswer,
    /// `rollback` (no SDP text).
    Rollback,
    /// Anything else the dump said.
    #[serde(untagged)]
    Other(String),
}

impl SdpType {
    /// Parses an SDP type name.
    pub fn parse(s: &str) -> Self {
        match s {
            "offer" => SdpType::Offer,
            "answer" => SdpType::Answer,
            "pranswer" => SdpType::Pranswer,
            "rollback" => SdpType::Rollback,
            other => SdpType::Other(other.to_owned()),
        }
    }

    /// The type name.
    pub fn as_str(&self) -> &str {
        match self {
            SdpType::Offer => "offer",
            SdpType::Answer => "answer",
            SdpType::Pranswer => "pranswer",
            SdpType::Rollback => "rollback",
            SdpType::Other(s) => s,
        }
    }
}

/// A session description carried by an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// Index of the carrying event in [`PeerConnection::events`].
    pub event_index: usize,
    /// The carrying event's name (`createOfferOnSuccess`, `setRemoteDescription`, …).
    pub event: String,
    /// When.
    pub time: Timestamp,
    /// offer / answer / pranswer / rollback.
    pub sdp_type: SdpType,
    /// The full SDP text (empty for a rollback).
    pub sdp: String,
}

/// What a Jitsi backend component dump holds.
#[derive(Debug, Clone, Default)]
pub struct ComponentSummary {
    /// `statsSessionId` values seen.
    pub session_ids: Vec<String>,
    /// The component (`applicationName` of the identity, e.g. `JIGASI`, `JVB`).
    pub application: Option<String>,
    /// Number of lines per `type` (`identity`, `stats-entry`, …).
    pub entries_by_type: Vec<(String, usize)>,
    /// First and last entry time, when entries carry one.
    pub time_range: Option<(Timestamp, Timestamp)>,
    /// The identity objects, as given.
    pub identities: Vec<Value>,
}

/// Something the decoder skipped or repaired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// What happened.
    pub message: String,
    /// Where.
    pub location: Location,
}

/// Where in the input a warning applies.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The input as a whole.
    Input,
    /// A byte offset in the (decompressed) input.
    Byte(u64),
    /// A 1-based line of a line-based dump.
    Line(u64),
    /// A 1-based line and a key inside it.
    LineKey(u64, String),
    /// A JSON key path in a document dump (`PeerConnections/8-1/stats/OT01-bytesSent`).
    Key(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Input => f.write_str("input"),
            Location::Byte(b) => write!(f, "byte {b}"),
            Location::Line(l) => write!(f, "line {l}"),
            Location::LineKey(l, k) => write!(f, "line {l}, key {k}"),
            Location::Key(k) => write!(f, "key {k}"),
        }
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Dump {
    /// A copy with every connection [`PeerConnection::without_stats`]: the preview a viewer
    /// shows while the stats are still being built.
    pub fn without_stats(&self) -> Dump {
        Dump {
            format: self.format,
            compression: self.compression.clone(),
            client: self.client.clone(),
            get_user_media: self.get_user_media.clone(),
            peer_connections: self
                .peer_connections
                .iter()
                .map(PeerConnection::without_stats)
                .collect(),
            client_events: self.client_events.clone(),
            component: self.component.clone(),
            warnings: self.warnings.clone(),
            integrity: self.integrity.clone(),
        }
    }
}

impl PeerConnection {
    /// A copy with everything but the stats and the poll times, which are the bulk of a
    /// long call: what a preview of a dump still being read shows.
    pub fn without_stats(&self) -> PeerConnection {
        PeerConnection {
            id: self.id.clone(),
            url: self.url.clone(),
            created: self.created,
            configuration: self.configuration.clone(),
            constraints: self.constraints.clone(),
            events: self.events.clone(),
            descriptions: self.descriptions.clone(),
            stats: Stats::default(),
            polls: Vec::new(),
        }
    }

    /// The values of every event named `name`, as strings, in order.
    pub fn state_changes(&self, name: &str) -> Vec<&str> {
        self.events
            .iter()
            .filter(|e| e.name == name)
            .filter_map(|e| e.value.as_str())
            .collect()
    }
}
