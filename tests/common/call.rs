//! A hand-made call for the rule tests: one connection written as Chrome writes its
//! rtcstats download (full reports, plain names), healthy unless a test changes it.

use rtcscope::analyze::findings::{Finding, Thresholds, findings};
use rtcscope::decode::decode_text;
use serde_json::{Value, json};

/// Edits the report set of one poll.
type Edit = Box<dyn Fn(usize, &mut serde_json::Map<String, Value>)>;

/// A call written as Chrome writes its rtcstats download (full reports, plain names): one
/// connection, polled every second for `polls` seconds.
pub struct Call {
    /// Events: time after the start (ms), connection (`None` for the page), name, value.
    pub events: Vec<(f64, Option<String>, String, Value)>,
    pub polls: usize,
    /// Changes the report set of poll `k` (at `k` seconds).
    pub stats: Edit,
}

pub const T0: f64 = 1_700_000_000_000.0;

impl Call {
    /// A healthy audio+video call polled every second for `polls` seconds.
    pub fn healthy(polls: usize) -> Call {
        let ev = |t: f64, name: &str, v: Value| (t, Some("PC_0".to_owned()), name.to_owned(), v);
        Call {
            events: vec![
                ev(
                    0.0,
                    "create",
                    json!({"iceServers": [{"urls": "stun:stun.example.org"}]}),
                ),
                ev(
                    10.0,
                    "setLocalDescription",
                    json!({"type": "offer", "sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"}),
                ),
                ev(
                    60.0,
                    "setRemoteDescription",
                    json!({"type": "answer", "sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"}),
                ),
                ev(70.0, "onicegatheringstatechange", json!("gathering")),
                ev(80.0, "oniceconnectionstatechange", json!("checking")),
                ev(90.0, "onconnectionstatechange", json!("connecting")),
                ev(150.0, "oniceconnectionstatechange", json!("connected")),
                ev(160.0, "onconnectionstatechange", json!("connected")),
            ],
            polls,
            stats: Box::new(|_, _| {}),
        }
    }

    /// Adds an edit of every poll's reports.
    pub fn with(
        mut self,
        f: impl Fn(usize, &mut serde_json::Map<String, Value>) + 'static,
    ) -> Self {
        let before = std::mem::replace(&mut self.stats, Box::new(|_, _| {}));
        self.stats = Box::new(move |k, m| {
            before(k, m);
            f(k, m);
        });
        self
    }

    /// Adds a connection event at `t` ms.
    pub fn event(mut self, t: f64, name: &str, v: Value) -> Self {
        self.events
            .push((t, Some("PC_0".to_owned()), name.to_owned(), v));
        self
    }

    /// Adds a page event (getUserMedia and the like) at `t` ms.
    pub fn client_event(mut self, t: f64, name: &str, v: Value) -> Self {
        self.events.push((t, None, name.to_owned(), v));
        self
    }

    /// The reports of a healthy audio+video call at poll `k`.
    pub fn base(k: usize) -> serde_json::Map<String, Value> {
        let t = T0 + 1000.0 * k as f64;
        let k = k as f64;
        let mut m = serde_json::Map::new();
        let mut put = |id: &str, v: Value| {
            let mut v = v;
            v["timestamp"] = json!(t);
            m.insert(id.to_owned(), v);
        };
        put(
            "T",
            json!({"type": "transport", "selectedCandidatePairId": "CP", "bytesSent": 100_000.0 * k, "bytesReceived": 100_000.0 * k, "tlsVersion": "FEFD", "dtlsRole": "client"}),
        );
        put(
            "CP",
            json!({"type": "candidate-pair", "transportId": "T", "localCandidateId": "L", "remoteCandidateId": "R", "currentRoundTripTime": 0.02, "availableOutgoingBitrate": 1_500_000, "bytesSent": 100_000.0 * k, "bytesReceived": 100_000.0 * k, "totalRoundTripTime": 0.02 * k, "responsesReceived": k}),
        );
        put(
            "L",
            json!({"type": "local-candidate", "candidateType": "host", "protocol": "udp", "address": "192.0.2.1", "priority": 2_122_260_223u64}),
        );
        put(
            "R",
            json!({"type": "remote-candidate", "candidateType": "host", "protocol": "udp", "address": "192.0.2.2"}),
        );
        put("CA", json!({"type": "codec", "mimeType": "audio/opus"}));
        put("CV", json!({"type": "codec", "mimeType": "video/VP8"}));
        put(
            "IA",
            json!({"type": "inbound-rtp", "kind": "audio", "ssrc": 1, "codecId": "CA", "packetsReceived": 50.0 * k, "packetsLost": 0, "bytesReceived": 4000.0 * k, "jitter": 0.005, "concealedSamples": 10, "totalSamplesReceived": 48_000.0 * k}),
        );
        put(
            "IV",
            json!({"type": "inbound-rtp", "kind": "video", "ssrc": 2, "codecId": "CV", "packetsReceived": 100.0 * k, "packetsLost": 0, "bytesReceived": 60_000.0 * k, "jitter": 0.01, "framesDecoded": 30.0 * k, "totalDecodeTime": 0.15 * k, "freezeCount": 0, "frameHeight": 720, "framesPerSecond": 30}),
        );
        put(
            "OV",
            json!({"type": "outbound-rtp", "kind": "video", "ssrc": 3, "codecId": "CV", "packetsSent": 100.0 * k, "bytesSent": 60_000.0 * k, "framesEncoded": 30.0 * k, "totalEncodeTime": 0.15 * k, "frameHeight": 720, "framesPerSecond": 30, "encoderImplementation": "libvpx", "qualityLimitationReason": "none", "qualityLimitationDurations": {"none": k, "bandwidth": 0, "cpu": 0, "other": 0}}),
        );
        put(
            "RIV",
            json!({"type": "remote-inbound-rtp", "kind": "video", "ssrc": 3, "localId": "OV", "roundTripTime": 0.02, "fractionLost": 0, "jitter": 0.004}),
        );
        m
    }

    /// Adds an event of another connection at `t` ms.
    pub fn pc_event(mut self, pc: &str, t: f64, name: &str, v: Value) -> Self {
        self.events
            .push((t, Some(pc.to_owned()), name.to_owned(), v));
        self
    }

    /// The decoded dump.
    pub fn dump(&self) -> rtcscope::model::Dump {
        decode_text(self.lines().join("\n").as_bytes()).unwrap()
    }

    /// The dump's lines, in time order (each line's time is a delta from the previous one).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            "RTCStatsDump".to_owned(),
            json!({"fileFormat": 3, "userAgent": "Chrome/140"}).to_string(),
        ];
        let mut all: Vec<(f64, Value)> = self
            .events
            .iter()
            .map(|(t, pc, name, v)| (*t, json!([name, pc, v])))
            .collect();
        for k in 0..self.polls {
            let mut m = Call::base(k);
            (self.stats)(k, &mut m);
            all.push((
                1000.0 * k as f64 + 500.0,
                json!(["getStats", "PC_0", Value::Object(m)]),
            ));
        }
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The first delta is the absolute time.
        let mut clock = 0.0;
        for (t, mut v) in all {
            let at = T0 - 500.0 + t;
            v.as_array_mut().unwrap().push(json!(at - clock));
            clock = at;
            lines.push(v.to_string());
        }
        lines
    }

    /// Its findings with the default thresholds.
    pub fn findings(&self) -> Vec<Finding> {
        findings(&self.dump(), &Thresholds::default())
    }
}

/// The rule ids found.
pub fn rules(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.rule).collect()
}

/// The finding of `rule`; fails the test when it did not fire.
pub fn fires(call: Call, rule: &str) -> Finding {
    let found = call.findings();
    found
        .iter()
        .find(|f| f.rule == rule)
        .cloned()
        .unwrap_or_else(|| panic!("{rule} did not fire; got {:?}", rules(&found)))
}
