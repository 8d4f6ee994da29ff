//! Progressive loading: while a line format is read, the decoder hands out previews (the
//! connections and events so far, no stats), and a preview never says something the whole
//! dump contradicts.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{load, shared};
use rtcscope::analyze::analysis::Analysis;
use rtcscope::analyze::findings::Thresholds;
use rtcscope::decode::{DecodeOptions, PreviewSink, decode_reader};
use rtcscope::model::Dump;

/// Bytes in small reads, as a download delivers them.
struct Trickle(Vec<u8>, usize);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(4096).min(self.0.len() - self.1);
        buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

/// Decodes `rel` asking for a preview after every line.
fn with_previews(rel: &str) -> (Vec<Dump>, Dump) {
    let bytes = std::fs::read(shared(rel)).unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink_got = got.clone();
    let options = DecodeOptions {
        preview: Some(PreviewSink::new(Duration::ZERO, Duration::ZERO, move |d| {
            sink_got.lock().unwrap().push(d)
        })),
        ..DecodeOptions::default()
    };
    let dump = decode_reader(Trickle(bytes, 0), &options).unwrap();
    let previews = std::mem::take(&mut *got.lock().unwrap());
    (previews, dump)
}

fn event_counts(d: &Dump) -> Vec<(String, usize)> {
    d.peer_connections
        .iter()
        .map(|pc| (pc.id.to_string(), pc.events.len()))
        .collect()
}

#[test]
fn line_formats_preview_their_connections_and_events_before_the_stats() {
    for rel in [
        "recorded/rtcstats-v3_loopback_30s.jsonl",
        "recorded/rtcstats-jitsi_loopback_30s.jsonl",
        "public/jitsi/chrome-standard-pc-failed",
    ] {
        let (previews, whole) = with_previews(rel);
        assert!(previews.len() > 10, "{rel}: {} previews", previews.len());
        // The same dump as a decode that previews nothing.
        let plain = load(&shared(rel));
        assert_eq!(event_counts(&whole), event_counts(&plain), "{rel}");
        let reports = |d: &Dump| -> Vec<usize> {
            d.peer_connections
                .iter()
                .map(|pc| pc.stats.reports.len())
                .collect()
        };
        assert_eq!(reports(&whole), reports(&plain), "{rel}");
        assert!(reports(&whole).iter().any(|&n| n > 0), "{rel}");

        let final_ids: BTreeSet<String> = event_counts(&whole).into_iter().map(|c| c.0).collect();
        let mut seen = 0;
        for p in &previews {
            assert!(
                p.peer_connections
                    .iter()
                    .all(|pc| pc.stats.reports.is_empty()),
                "{rel}: a preview carries stats"
            );
            // Connections only ever appear, and each one's events only grow.
            let counts = event_counts(p);
            assert!(counts.len() >= seen, "{rel}");
            seen = counts.len();
            for (id, n) in counts {
                assert!(
                    final_ids.contains(&id),
                    "{rel}: {id} is not in the whole dump"
                );
                let whole_n = whole
                    .peer_connections
                    .iter()
                    .find(|c| c.id.to_string() == id);
                assert!(n <= whole_n.unwrap().events.len(), "{rel}: {id}");
            }
        }
        // The last preview lists every connection, and the first connection is listed in
        // the preview after the line that created it.
        assert_eq!(
            previews.last().unwrap().peer_connections.len(),
            final_ids.len()
        );
        let first_listed = previews
            .iter()
            .position(|p| !p.peer_connections.is_empty())
            .unwrap();
        let text = std::fs::read_to_string(shared(rel)).unwrap();
        let first_named = text
            .lines()
            .position(|l| {
                serde_json::from_str::<serde_json::Value>(l)
                    .is_ok_and(|v| v.get(1).is_some_and(|id| id.is_string()))
            })
            .unwrap();
        assert!(
            first_listed <= first_named,
            "{rel}: the first connection, named on line {}, is listed in preview {first_listed}",
            first_named + 1
        );
    }
}

fn rules(d: &Dump, preview: bool) -> BTreeSet<(Option<String>, &'static str)> {
    let t = Thresholds::default();
    let analysis = if preview {
        Analysis::preview(d, &t)
    } else {
        Analysis::new(d, &t)
    };
    analysis
        .findings
        .iter()
        .map(|f| (f.pc.clone(), f.rule))
        .collect()
}

/// What the viewer shows before the stats are in: no finding that the whole dump does not
/// have too (a missing stat must not read as "no media").
#[test]
fn a_preview_never_claims_a_finding_the_whole_dump_does_not_have() {
    let mut checked = 0;
    let mut kept = 0;
    for dir in ["public/jitsi", "public/rtcstats", "recorded"] {
        for entry in std::fs::read_dir(shared(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("LICENSE") {
                continue;
            }
            let f = std::fs::File::open(&path).unwrap();
            let Ok(dump) = decode_reader(f, &DecodeOptions::default()) else {
                continue;
            };
            let whole = rules(&dump, false);
            let preview = rules(&dump.without_stats(), true);
            let extra: Vec<_> = preview.difference(&whole).collect();
            assert!(extra.is_empty(), "{name}: the preview alone says {extra:?}");
            checked += 1;
            kept += preview.len();
        }
    }
    assert!(checked >= 15, "{checked} fixtures");
    // The event-based findings (ICE failed, setup errors) are there before the stats.
    assert!(kept > 0);
}

/// The failed call says so in its preview: ICE failure is an event, not a stat.
#[test]
fn the_failed_call_preview_already_names_the_failure() {
    let dump = load(&shared("public/jitsi/chrome-standard-pc-failed"));
    let preview = rules(&dump.without_stats(), true);
    assert!(
        preview.iter().any(|(_, rule)| rule.contains("fail")),
        "{preview:?}"
    );
}
