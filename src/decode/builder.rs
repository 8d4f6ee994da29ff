//! Turns a stream of normalised events and stats snapshots, whatever the format, into a
//! [`Dump`]: peer connections with their events and descriptions, getUserMedia requests
//! matched to their outcome, and client metadata.

use std::collections::HashMap;

use serde_json::Value;

use super::clock_watch::ClockWatch;
use super::normalize::{event_name, is_state_event, state_value};
use super::sdp_sections;
use super::stats_builder::StatsBuilder;
use crate::model::{
    Description, Dump, Event, Format, Location, MediaOutcome, MediaRequest, MediaRequestKind,
    MediaTrack, PeerConnection, PeerConnectionId, SdpType, Timestamp, Warning,
};

/// One event as a decoder read it, before normalisation.
pub struct RawEvent {
    /// The connection id, `None` for client-level events.
    pub pc: Option<String>,
    /// The method or event name as in the dump (already decompressed for v3).
    pub name: String,
    /// The payload.
    pub value: Value,
    /// Extra elements.
    pub extras: Vec<Value>,
    /// Epoch milliseconds.
    pub time: f64,
    /// Where it came from, for warnings.
    pub location: Location,
}

/// Accumulates a dump.
pub struct DumpBuilder {
    /// The dump under construction (format, client, warnings …).
    pub dump: Dump,
    /// The line clock of line formats, for the clock-runs-backwards warning.
    pub clock: ClockWatch,
    pcs: Vec<PcBuilder>,
    pc_index: HashMap<String, usize>,
    media: MediaMatcher,
    /// Warnings past [`MAX_WARNINGS`]: how many, and where the first was.
    suppressed: Option<(u64, Location)>,
}

/// Warnings listed at most; the rest are counted in one more.
pub const MAX_WARNINGS: usize = 1000;

struct PcBuilder {
    pc: PeerConnection,
    sdp: SdpBases,
    stats: StatsBuilder,
}

/// The descriptions an rtcstats v3 writer may have compressed against (§2.6).
#[derive(Default)]
struct SdpBases {
    local: Option<(SdpType, String)>,
    remote: Option<(SdpType, String)>,
    created_offer: Option<String>,
    created_answer: Option<String>,
}

/// Whether an event name is a getUserMedia / getDisplayMedia call or outcome.
fn media_event(name: &str) -> Option<(MediaRequestKind, &'static str)> {
    let short = name
        .strip_prefix("navigator.mediaDevices.")
        .or_else(|| name.strip_prefix("navigator."))
        .unwrap_or(name);
    let (kind, rest) = if let Some(rest) = short.strip_prefix("getUserMedia") {
        (MediaRequestKind::GetUserMedia, rest)
    } else if let Some(rest) = short.strip_prefix("getDisplayMedia") {
        (MediaRequestKind::GetDisplayMedia, rest)
    } else {
        // Prefixed legacy APIs: webkitGetUserMedia, mozGetUserMedia.
        let lower = short.to_ascii_lowercase();
        let idx = lower.find("getusermedia")?;
        (
            MediaRequestKind::GetUserMedia,
            &short[idx + "getUserMedia".len()..],
        )
    };
    let phase = match rest {
        "" => "call",
        "OnSuccess" => "success",
        "OnFailure" | "OnError" => "failure",
        _ => return None,
    };
    Some((kind, phase))
}

/// Chrome gives getUserMedia events the connection id `<rid>-0`; real connections start at 1.
fn is_chrome_media_group(id: &str) -> bool {
    id.split_once('-').is_some_and(|(rid, lid)| {
        lid == "0" && !rid.is_empty() && rid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// rtcstats-js tracking ids (`"6-3"`) and Chrome media correlation ids
/// (`"getUserMedia-8-3110-0"`).
fn correlation_of(extras: &[Value]) -> Option<String> {
    extras.iter().filter_map(Value::as_str).find_map(|s| {
        let digits_dash = |t: &str| {
            !t.is_empty()
                && t.split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        };
        let is_tracking = s.split('-').count() == 2 && digits_dash(s);
        let is_chrome = ["getUserMedia-", "getDisplayMedia-"].iter().any(|p| {
            s.strip_prefix(p)
                .is_some_and(|r| r.split('-').count() == 3 && digits_dash(r))
        });
        (is_tracking || is_chrome).then(|| s.to_owned())
    })
}

/// Names of events that carry a session description.
pub fn carries_sdp(name: &str) -> bool {
    matches!(
        name,
        "createOfferOnSuccess"
            | "createAnswerOnSuccess"
            | "setLocalDescription"
            | "setRemoteDescription"
            | "setLocalDescriptionOnSuccess"
            | "setRemoteDescriptionOnSuccess"
    )
}

/// Normalises the payload shapes an SDP can arrive in: `{type, sdp}` objects, JSON text, and
/// old Chrome's `type: offer, sdp: v=0…`. Returns `None` when the value holds no description.
pub fn description_value(value: &Value) -> Option<(SdpType, String)> {
    match value {
        Value::Object(map) => {
            let t = map.get("type")?.as_str()?;
            let sdp = map.get("sdp").and_then(Value::as_str).unwrap_or_default();
            Some((SdpType::parse(t), sdp.to_owned()))
        }
        Value::String(s) if s.trim_start().starts_with('{') => {
            description_value(&serde_json::from_str(s).ok()?)
        }
        Value::String(s) => {
            let rest = s.strip_prefix("type: ")?;
            let (t, sdp) = rest
                .split_once(", sdp: ")
                .unwrap_or((rest.trim_end_matches(','), ""));
            Some((SdpType::parse(t.trim()), sdp.to_owned()))
        }
        // Legacy rtcstats sent `arguments` objects: `{"0": {type, sdp}}` is handled above as an
        // object without `type`; arrays hold the description first.
        Value::Array(items) => description_value(items.first()?),
        _ => None,
    }
}

impl DumpBuilder {
    /// An empty builder for a dump of `format`.
    pub fn new(format: Format) -> Self {
        DumpBuilder {
            dump: Dump {
                format,
                ..Dump::default()
            },
            clock: ClockWatch::default(),
            pcs: Vec::new(),
            pc_index: HashMap::new(),
            media: MediaMatcher::default(),
            suppressed: None,
        }
    }

    /// Records a warning. Past [`MAX_WARNINGS`], warnings are only counted: a file of garbage
    /// lines must not become a list as long as the file.
    pub fn warn(&mut self, message: impl Into<String>, location: Location) {
        if self.dump.warnings.len() >= MAX_WARNINGS {
            self.suppressed.get_or_insert((0, location)).0 += 1;
            return;
        }
        self.dump.warnings.push(Warning {
            message: message.into(),
            location,
        });
    }

    fn pc_slot(&mut self, id: &str, time: f64) -> usize {
        if let Some(&i) = self.pc_index.get(id) {
            let pc = &mut self.pcs[i].pc;
            if pc.created.is_none_or(|c| time < c.0) && time.is_finite() {
                pc.created = Some(Timestamp(time));
            }
            return i;
        }
        self.pcs.push(PcBuilder {
            pc: PeerConnection {
                id: PeerConnectionId::from(id),
                url: None,
                created: time.is_finite().then_some(Timestamp(time)),
                configuration: None,
                constraints: None,
                events: Vec::new(),
                descriptions: Vec::new(),
                stats: Default::default(),
                polls: Vec::new(),
            },
            sdp: SdpBases::default(),
            stats: StatsBuilder::default(),
        });
        self.pc_index.insert(id.to_owned(), self.pcs.len() - 1);
        self.pcs.len() - 1
    }

    /// The connection a getStats line (`method` as the format spells it) belongs to, with the
    /// poll noted on the clock; `None`, with a warning, when the line names none.
    pub fn stats_connection(
        &mut self,
        pc: Option<String>,
        method: &str,
        time: f64,
        location: &Location,
    ) -> Option<String> {
        let Some(pc) = pc else {
            self.warn(
                format!("{method} without a connection id; skipped"),
                location.clone(),
            );
            return None;
        };
        self.clock.poll(&pc, time);
        Some(pc)
    }

    /// The stats accumulator of connection `pc` (created on first use).
    pub fn stats(&mut self, pc: &str, time: f64) -> &mut StatsBuilder {
        let slot = self.pc_slot(pc, time);
        self.pcs[slot].pc.polls.push(Timestamp(time));
        &mut self.pcs[slot].stats
    }

    /// Records a getStats call without its payload (the payload goes to [`Self::stats`]).
    /// Only calls with a reason extra (`connected-0`) are listed, as the reference importer
    /// does: the periodic polls would drown the timeline.
    pub fn stats_event(&mut self, pc: &str, time: f64, extras: Vec<Value>) {
        let slot = self.pc_slot(pc, time);
        if !extras.is_empty() {
            self.pcs[slot].pc.events.push(Event {
                time: Timestamp(time),
                name: "getStats".to_owned(),
                value: Value::Null,
                extras,
                correlation: None,
                description: None,
            });
        }
    }

    /// Adds one event.
    pub fn push_event(&mut self, raw: RawEvent) {
        let name = event_name(&raw.name).into_owned();
        let correlation = correlation_of(&raw.extras);
        let mut value = raw.value;
        if is_state_event(&name) {
            value = state_value(&value);
        }
        let pc_id = raw.pc.filter(|id| id != "null");
        let client_level = pc_id.as_deref().is_none_or(is_chrome_media_group);

        if let Some((kind, phase)) = media_event(&name) {
            self.media
                .push(kind, phase, raw.time, &value, correlation.clone());
        }
        if client_level {
            if name == "create" {
                self.absorb_client_create(&value);
            }
            self.dump.client_events.push(Event {
                time: Timestamp(raw.time),
                name,
                value,
                extras: raw.extras,
                correlation,
                description: None,
            });
            return;
        }
        let Some(pc_id) = pc_id else { return };
        let slot = self.pc_slot(&pc_id, raw.time);
        let pcb = &mut self.pcs[slot];
        match name.as_str() {
            "create" => {
                pcb.pc.configuration = Some(value.clone());
                if let Some(url) = raw.extras.first().and_then(Value::as_str) {
                    pcb.pc.url = Some(url.to_owned());
                }
            }
            "constraints" if !value.is_null() => pcb.pc.constraints = Some(value.clone()),
            _ => {}
        }
        if carries_sdp(&name)
            && let Some((sdp_type, sdp)) = description_value(&value)
        {
            let sdp = pcb.sdp.expand(
                &name,
                &sdp_type,
                sdp,
                &raw.location,
                &mut self.dump.warnings,
            );
            value = serde_json::json!({"type": sdp_type.as_str(), "sdp": sdp});
        }
        pcb.pc.events.push(Event {
            time: Timestamp(raw.time),
            name,
            value,
            extras: raw.extras,
            correlation,
            description: None,
        });
    }

    fn absorb_client_create(&mut self, value: &Value) {
        let Some(obj) = value.as_object() else { return };
        if let Some(uad) = obj.get("userAgentData") {
            self.set_user_agent_data(uad);
        }
        for (k, v) in obj {
            self.dump
                .client
                .metadata
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
    }

    /// Reads `navigator.userAgentData` in either shape: an object `{brands, platform, …}` or
    /// an array of `{brand, version}`.
    pub fn set_user_agent_data(&mut self, uad: &Value) {
        let brands = match uad {
            Value::Object(o) => {
                if let Some(p) = o.get("platform").and_then(Value::as_str) {
                    self.dump.client.platform = Some(p.to_owned());
                }
                o.get("fullVersionList").or_else(|| o.get("brands"))
            }
            arr @ Value::Array(_) => Some(arr),
            _ => None,
        };
        if let Some(Value::Array(list)) = brands {
            self.dump.client.brands = list
                .iter()
                .filter_map(|b| {
                    let brand = b.get("brand")?.as_str()?;
                    let version = b.get("version").and_then(Value::as_str).unwrap_or("");
                    // GREASE brands ("Not:A-Brand") carry no information.
                    (!brand.starts_with("Not"))
                        .then(|| format!("{brand} {version}").trim().to_owned())
                })
                .collect();
        }
    }

    /// Adds a media request decoded from a format that lists them directly (webrtc-internals).
    pub fn push_media_request(&mut self, request: MediaRequest) {
        self.media.requests.push(request);
    }

    /// Matches a media outcome to its request by correlation id.
    pub fn push_media_outcome(&mut self, correlation: &str, outcome: MediaOutcome) -> bool {
        self.media.resolve_by_id(correlation, outcome)
    }

    /// Attaches stats built elsewhere (webrtc-internals decodes whole series at once).
    pub fn set_stats(&mut self, pc: &str, stats: crate::model::Stats) {
        let slot = self.pc_slot(pc, f64::NAN);
        self.pcs[slot].pc.stats = stats;
    }

    /// Sets the URL, configuration and constraints of `pc` (webrtc-internals has them as
    /// fields, not events).
    pub fn set_pc_info(
        &mut self,
        pc: &str,
        url: Option<String>,
        configuration: Option<Value>,
        constraints: Option<Value>,
    ) {
        let slot = self.pc_slot(pc, f64::NAN);
        let p = &mut self.pcs[slot].pc;
        p.url = url.or(p.url.take());
        p.configuration = configuration.or(p.configuration.take());
        p.constraints = constraints.or(p.constraints.take());
    }

    /// Finishes the dump: events in time order, descriptions listed, stats finalised, peer
    /// connections in order of creation.
    pub fn finish(self) -> Dump {
        let DumpBuilder {
            mut dump,
            clock,
            pcs,
            media,
            suppressed,
            ..
        } = self;
        if let Some((count, location)) = suppressed {
            dump.warnings.push(Warning {
                message: format!("{count} more warnings like the ones above, from here on"),
                location,
            });
        }
        if let Some(steps) = clock.steps() {
            dump.warnings.push(super::clock_watch::warning(&steps));
            dump.integrity.clock = Some(steps);
        }
        dump.get_user_media = media.requests;
        let finished = pcs
            .into_iter()
            .map(|mut b| {
                if !b.stats.is_empty() {
                    b.pc.stats = b.stats.finish();
                }
                finish_pc(b.pc)
            })
            .collect();
        assemble(dump, finished)
    }

    /// Whether a connection has been seen.
    pub fn has_connections(&self) -> bool {
        !self.pcs.is_empty()
    }

    /// What was decoded so far, without the stats: the connections, their events and
    /// descriptions, getUserMedia and the warnings (see [`super::preview`]).
    pub fn preview(&self) -> Dump {
        let mut dump = self.dump.clone();
        dump.get_user_media = self.media.requests.clone();
        let pcs = self
            .pcs
            .iter()
            .map(|b| finish_pc(b.pc.without_stats()))
            .collect();
        assemble(dump, pcs)
    }
}

/// A connection's events in time order, its creation time and its descriptions.
fn finish_pc(mut pc: PeerConnection) -> PeerConnection {
    // Stable: events with equal times keep file order.
    pc.events.sort_by(|a, b| a.time.0.total_cmp(&b.time.0));
    if let Some(first) = pc.events.first()
        && pc.created.is_none_or(|c| first.time.0 < c.0)
    {
        pc.created = Some(first.time);
    }
    pc.descriptions = extract_descriptions(&mut pc.events);
    pc
}

/// The dump with its connections in order of creation and its client events in time order.
fn assemble(mut dump: Dump, mut pcs: Vec<PeerConnection>) -> Dump {
    pcs.sort_by(|a, b| {
        let key = |p: &PeerConnection| p.created.map_or(f64::INFINITY, |t| t.0);
        key(a).total_cmp(&key(b))
    });
    dump.client_events
        .sort_by(|a, b| a.time.0.total_cmp(&b.time.0));
    dump.peer_connections = pcs;
    dump
}

/// Moves every SDP out of its event into a [`Description`] (stored once), leaving the event
/// `{"type": …}` and the description's index.
fn extract_descriptions(events: &mut [Event]) -> Vec<Description> {
    let mut out = Vec::new();
    for (i, e) in events.iter_mut().enumerate() {
        if !carries_sdp(&e.name) {
            continue;
        }
        let Some((sdp_type, _)) = description_value(&e.value) else {
            continue;
        };
        let sdp = match &mut e.value {
            Value::Object(map) => match map.remove("sdp") {
                Some(Value::String(s)) => s,
                _ => String::new(),
            },
            _ => String::new(),
        };
        e.value = serde_json::json!({"type": sdp_type.as_str()});
        e.description = Some(out.len());
        out.push(Description {
            event_index: i,
            event: e.name.clone(),
            time: e.time,
            sdp_type,
            sdp,
        });
    }
    out
}

impl SdpBases {
    /// Expands placeholder sections against the description the writer compressed against,
    /// then remembers the result as a base for later descriptions.
    fn expand(
        &mut self,
        event: &str,
        sdp_type: &SdpType,
        sdp: String,
        location: &Location,
        warnings: &mut Vec<Warning>,
    ) -> String {
        let same_type = |base: &Option<(SdpType, String)>| {
            base.as_ref()
                .filter(|(t, _)| t == sdp_type)
                .map(|(_, s)| s.clone())
        };
        let created = match sdp_type {
            SdpType::Offer => self.created_offer.clone(),
            SdpType::Answer => self.created_answer.clone(),
            _ => None,
        };
        let base = match event {
            "createOfferOnSuccess" | "createAnswerOnSuccess" => same_type(&self.local),
            "setLocalDescription" => same_type(&self.local).or(created),
            "setLocalDescriptionOnSuccess" => same_type(&self.local),
            _ => same_type(&self.remote),
        };
        let full = if sdp_sections::is_compressed(&sdp) {
            let out = sdp_sections::expand(&sdp, base.as_deref());
            if !out.missing.is_empty() {
                warnings.push(Warning {
                    message: format!(
                        "{event}: SDP sections {:?} refer to a previous description the dump does not have",
                        out.missing
                    ),
                    location: location.clone(),
                });
            }
            out.sdp
        } else {
            sdp
        };
        match event {
            "createOfferOnSuccess" => self.created_offer = Some(full.clone()),
            "createAnswerOnSuccess" => self.created_answer = Some(full.clone()),
            "setLocalDescription" | "setLocalDescriptionOnSuccess" => {
                self.local = Some((sdp_type.clone(), full.clone()))
            }
            _ => self.remote = Some((sdp_type.clone(), full.clone())),
        }
        full
    }
}

/// Pairs media calls with their outcome: by correlation id when the format has one, else with
/// the oldest unanswered request of the same kind.
#[derive(Default)]
struct MediaMatcher {
    requests: Vec<MediaRequest>,
}

impl MediaMatcher {
    fn push(
        &mut self,
        kind: MediaRequestKind,
        phase: &str,
        time: f64,
        value: &Value,
        correlation: Option<String>,
    ) {
        let outcome = match phase {
            "call" => {
                self.requests.push(MediaRequest {
                    kind,
                    time: Timestamp(time),
                    constraints: value.clone(),
                    correlation,
                    outcome: MediaOutcome::Pending,
                });
                return;
            }
            "success" => MediaOutcome::Success {
                time: Timestamp(time),
                tracks: tracks_of(value),
            },
            _ => MediaOutcome::Failure {
                time: Timestamp(time),
                error: error_of(value),
            },
        };
        if let Some(id) = &correlation
            && self.resolve_by_id(id, outcome.clone())
        {
            return;
        }
        let pending = self
            .requests
            .iter_mut()
            .find(|r| r.kind == kind && r.outcome == MediaOutcome::Pending);
        match pending {
            Some(r) => r.outcome = outcome,
            // An outcome whose call is not in the dump (the dump started late).
            None => self.requests.push(MediaRequest {
                kind,
                time: Timestamp(time),
                constraints: Value::Null,
                correlation,
                outcome,
            }),
        }
    }

    fn resolve_by_id(&mut self, id: &str, outcome: MediaOutcome) -> bool {
        match self
            .requests
            .iter_mut()
            .find(|r| r.correlation.as_deref() == Some(id) && r.outcome == MediaOutcome::Pending)
        {
            Some(r) => {
                r.outcome = outcome;
                true
            }
            None => false,
        }
    }
}

/// Tracks from a getUserMedia success payload: rtcstats v3 / Chrome arrays
/// `[kind, id, label, streamId]`, or legacy `{id, tracks: [{id, kind, label}]}`.
fn tracks_of(value: &Value) -> Vec<MediaTrack> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|t| {
                let a = t.as_array()?;
                Some(MediaTrack {
                    kind: text(a.first()),
                    id: text(a.get(1)),
                    label: text(a.get(2)),
                    stream_id: a.get(3).and_then(Value::as_str).map(str::to_owned),
                })
            })
            .collect(),
        Value::Object(o) => {
            let stream = o.get("id").and_then(Value::as_str).map(str::to_owned);
            o.get("tracks")
                .and_then(Value::as_array)
                .map(|ts| {
                    ts.iter()
                        .map(|t| MediaTrack {
                            kind: text(t.get("kind")),
                            id: text(t.get("id")),
                            label: text(t.get("label")),
                            stream_id: stream.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn error_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let name = o
                .get("error")
                .or_else(|| o.get("name"))
                .and_then(Value::as_str);
            let message = o
                .get("error_message")
                .or_else(|| o.get("message"))
                .and_then(Value::as_str);
            match (name, message) {
                (Some(n), Some(m)) if !m.is_empty() => format!("{n}: {m}"),
                (Some(n), _) => n.to_owned(),
                (None, Some(m)) => m.to_owned(),
                (None, None) => value.to_string(),
            }
        }
        Value::Null => "unknown error".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(pc: Option<&str>, name: &str, value: Value, extras: Vec<Value>, time: f64) -> RawEvent {
        RawEvent {
            pc: pc.map(str::to_owned),
            name: name.to_owned(),
            value,
            extras,
            time,
            location: Location::Line(1),
        }
    }

    #[test]
    fn description_shapes() {
        let (t, sdp) = description_value(&json!({"type": "offer", "sdp": "v=0\r\n"})).unwrap();
        assert_eq!((t, sdp.as_str()), (SdpType::Offer, "v=0\r\n"));
        let (t, sdp) = description_value(&json!("type: answer, sdp: v=0\r\na=x")).unwrap();
        assert_eq!((t, sdp.as_str()), (SdpType::Answer, "v=0\r\na=x"));
        let (t, _) = description_value(&json!("{\"type\":\"rollback\"}")).unwrap();
        assert_eq!(t, SdpType::Rollback);
        assert!(description_value(&json!(null)).is_none());
        assert!(description_value(&json!("")).is_none());
    }

    #[test]
    fn media_requests_pair_by_correlation_then_order() {
        let mut b = DumpBuilder::new(Format::RtcstatsV3);
        b.push_event(ev(
            None,
            "navigator.mediaDevices.getUserMedia",
            json!({"audio": true}),
            vec![json!("60-0")],
            1.0,
        ));
        b.push_event(ev(
            None,
            "navigator.mediaDevices.getUserMedia",
            json!({"video": true}),
            vec![json!("60-1")],
            2.0,
        ));
        b.push_event(ev(
            None,
            "navigator.mediaDevices.getUserMediaOnFailure",
            json!("NotAllowedError: denied"),
            vec![json!("60-1")],
            3.0,
        ));
        b.push_event(ev(
            None,
            "navigator.mediaDevices.getUserMediaOnSuccess",
            json!([["audio", "t1", "Mic", "s1"]]),
            vec![json!("60-0")],
            4.0,
        ));
        b.push_event(ev(None, "getUserMedia", json!({}), vec![], 5.0));
        b.push_event(ev(
            None,
            "getUserMediaOnSuccess",
            json!({"id": "s2", "tracks": [{"id": "t2", "kind": "video", "label": "Cam"}]}),
            vec![],
            6.0,
        ));
        let d = b.finish();
        assert_eq!(d.get_user_media.len(), 3);
        assert!(
            matches!(&d.get_user_media[0].outcome, MediaOutcome::Success { tracks, .. } if tracks[0].label == "Mic")
        );
        assert!(
            matches!(&d.get_user_media[1].outcome, MediaOutcome::Failure { error, .. } if error.starts_with("NotAllowed"))
        );
        assert!(
            matches!(&d.get_user_media[2].outcome, MediaOutcome::Success { tracks, .. } if tracks[0].stream_id.as_deref() == Some("s2"))
        );
        assert!(d.peer_connections.is_empty());
    }

    #[test]
    fn chrome_media_group_is_not_a_peer_connection() {
        let mut b = DumpBuilder::new(Format::RtcstatsV3);
        b.push_event(ev(
            Some("8-0"),
            "navigator.mediaDevices.getUserMedia",
            json!({}),
            vec![json!("getUserMedia-8-3110-0")],
            1.0,
        ));
        b.push_event(ev(
            Some("8-1"),
            "create",
            json!({}),
            vec![json!("http://x/")],
            2.0,
        ));
        let d = b.finish();
        assert_eq!(d.peer_connections.len(), 1);
        assert_eq!(d.peer_connections[0].url.as_deref(), Some("http://x/"));
        assert_eq!(
            d.get_user_media[0].correlation.as_deref(),
            Some("getUserMedia-8-3110-0")
        );
    }

    #[test]
    fn states_are_normalised_and_sdp_expanded() {
        let offer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 9 X 111\r\na=mid:0\r\n";
        let mut b = DumpBuilder::new(Format::RtcstatsV3);
        b.push_event(ev(
            Some("PC_0"),
            "onsignalingstatechange",
            json!("\"have-local-offer\""),
            vec![],
            1.0,
        ));
        b.push_event(ev(
            Some("PC_0"),
            "createOfferOnSuccess",
            json!({"type": "offer", "sdp": offer}),
            vec![json!("2-0")],
            2.0,
        ));
        b.push_event(ev(
            Some("PC_0"),
            "setLocalDescription",
            json!({"type": "offer", "sdp": "v=\r\nm=\r\n"}),
            vec![json!("6-0")],
            3.0,
        ));
        let d = b.finish();
        let pc = &d.peer_connections[0];
        assert_eq!(
            pc.state_changes("signalingstatechange"),
            vec!["have-local-offer"]
        );
        assert_eq!(pc.descriptions.len(), 2);
        assert_eq!(pc.descriptions[1].sdp, offer);
        // The SDP is stored once: the event keeps its type and points at the description.
        let sld = &pc.events[pc.descriptions[1].event_index];
        assert_eq!(sld.description, Some(1));
        assert_eq!(sld.value, json!({"type": "offer"}));
        assert_eq!(pc.events[2].correlation.as_deref(), Some("6-0"));
        assert!(d.warnings.is_empty());
    }
}
