//! Builds big dumps that look like real ones, for benchmarks and the viewer: a recorded call
//! extended in time (each connection's getStats replayed with its counters still counting and
//! its clock still running), or a many-participant SFU call (one connection receiving dozens
//! of SSRCs), in each line format, at the sizes asked, with gzipped copies.
//!
//! `cargo run --release --example bigdump -- [--size 200M,1G,4G] [--format v3,v3-chrome,jitsi]
//! [--sfu 40] [--gz] [--out target/bigdump]`
//!
//! Extending in time, not cloning connections: a cloned connection multiplies the SDP text and
//! the per-connection state, which a four-hour call does not have.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::{Map, Value, json};

use rtcscope::decode::tables::{property_name, stats_type};

#[derive(Parser)]
struct Args {
    /// Sizes of the uncompressed dumps (`200M`, `1G`, `4G`).
    #[arg(long, value_delimiter = ',', default_value = "200M")]
    size: Vec<String>,
    /// Formats: `v3` (rtcstats-js, delta-compressed), `v3-chrome` (Chrome's rtcstats
    /// download, full reports), `jitsi` (Jitsi's legacy rtcstats).
    #[arg(long, value_delimiter = ',', default_value = "v3,v3-chrome,jitsi")]
    format: Vec<String>,
    /// Also build the SFU call: the receiving connection gets this many more inbound SSRCs.
    #[arg(long)]
    sfu: Option<usize>,
    /// Write a gzipped copy of each dump beside it.
    #[arg(long)]
    gz: bool,
    /// Output folder.
    #[arg(long, default_value = "target/bigdump")]
    out: PathBuf,
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// rtcstats-js: compressed ids and names, deltas, `t` timestamps, relative line times.
    Delta,
    /// Chrome's rtcstats download: full reports with `timestamp`, relative line times.
    Full,
    /// Jitsi: deltas with `timestamp: 0` for "at T", every id resent, absolute line times.
    Jitsi,
}

impl Shape {
    fn time_key(self) -> &'static str {
        match self {
            Shape::Delta => "t",
            Shape::Full | Shape::Jitsi => "timestamp",
        }
    }
}

type Reports = Map<String, Value>;

/// One body line of the recording.
struct Line {
    raw: Value,
    /// Absolute time, epoch ms.
    time: f64,
    /// `Some((pc, full state after this line))` for a getStats line.
    stats: Option<(String, Reports)>,
}

fn main() {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out).expect("output folder");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/recorded");
    for format in &args.format {
        let (file, header, shape) = match format.as_str() {
            "v3" => ("rtcstats-v3_loopback_30s.jsonl", 2, Shape::Delta),
            "v3-chrome" => (
                "webrtc_internals_rtcstats_dump_v3_loopback_30s.gz",
                2,
                Shape::Full,
            ),
            "jitsi" => ("rtcstats-jitsi_loopback_30s.jsonl", 0, Shape::Jitsi),
            other => panic!("unknown format {other}: v3, v3-chrome or jitsi"),
        };
        let text = read_text(&fixtures.join(file));
        let (head, lines) = parse(&text, header, shape);
        for size in &args.size {
            let target = parse_size(size);
            let mut variants = vec![(format!("{format}-long-{size}.jsonl"), None)];
            if let Some(n) = args.sfu {
                variants.push((format!("{format}-sfu{n}-{size}.jsonl"), Some(n)));
            }
            for (name, sfu) in variants {
                let path = args.out.join(name);
                let written = write_dump(&path, &head, &lines, shape, target, sfu);
                eprintln!("{}: {:.1} MB", path.display(), written as f64 / 1e6);
                if args.gz {
                    gzip(&path);
                }
            }
        }
    }
}

fn read_text(path: &Path) -> String {
    let raw = std::fs::read(path).expect("fixture");
    let mut text = String::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut text)
            .expect("gzip fixture");
    } else {
        text = String::from_utf8(raw).expect("UTF-8 fixture");
    }
    text
}

fn parse_size(s: &str) -> u64 {
    let (n, unit) = s.split_at(s.trim_end_matches(['M', 'G', 'K']).len());
    let n: f64 = n.parse().expect("a size such as 200M or 1G");
    let mult = match unit {
        "K" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        _ => 1.0,
    };
    (n * mult) as u64
}

/// Header lines as they are, and the body with times and decoded states.
fn parse(text: &str, header: usize, shape: Shape) -> (Vec<String>, Vec<Line>) {
    let mut all = text.lines().filter(|l| !l.trim().is_empty());
    let head: Vec<String> = all.by_ref().take(header).map(str::to_owned).collect();
    let mut clock = 0.0;
    let mut states: HashMap<String, Reports> = HashMap::new();
    let mut lines = Vec::new();
    for l in all {
        let Ok(Value::Array(a)) = serde_json::from_str::<Value>(l) else {
            continue;
        };
        let time = match shape {
            Shape::Jitsi => a.get(3).and_then(Value::as_f64).unwrap_or(clock),
            _ => clock + a.last().and_then(Value::as_f64).unwrap_or(0.0),
        };
        clock = time;
        let is_stats = matches!(
            a.first(),
            Some(Value::String(m)) if m == "g" || m == "getStats" || m == "getstats"
        ) || a.first().and_then(Value::as_u64) == Some(1);
        let stats = match (is_stats, a.get(1), a.get(2)) {
            (true, Some(Value::String(pc)), Some(Value::Object(delta))) => {
                let state = states.entry(pc.clone()).or_default();
                apply(state, delta, shape);
                Some((pc.clone(), state.clone()))
            }
            _ => None,
        };
        lines.push(Line {
            raw: Value::Array(a),
            time,
            stats,
        });
    }
    (head, lines)
}

/// Folds one getStats value into the full state, as the format's decoder does.
fn apply(state: &mut Reports, delta: &Reports, shape: Shape) {
    let top = delta
        .get(if shape == Shape::Delta {
            "t"
        } else {
            "timestamp"
        })
        .and_then(Value::as_f64);
    if shape == Shape::Jitsi {
        state.retain(|id, _| delta.contains_key(id));
    }
    let key = shape.time_key();
    for (id, d) in delta {
        match d {
            Value::Null => {
                state.remove(id);
            }
            Value::Object(props) => {
                let r = state.entry(id.clone()).or_insert_with(|| json!({}));
                let Value::Object(r) = r else { continue };
                for (p, v) in props {
                    match (r.get_mut(p), v) {
                        (Some(Value::Object(old)), Value::Object(new)) => {
                            old.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
                        }
                        _ => {
                            r.insert(p.clone(), v.clone());
                        }
                    }
                }
                let own = props.get(key).and_then(Value::as_f64).filter(|t| *t != 0.0);
                if let (None, Some(t)) = (own, top) {
                    r.insert(key.to_owned(), json!(t));
                }
            }
            _ => {}
        }
    }
    if shape == Shape::Delta
        && let Some(t) = top
    {
        // Reports the delta did not name are re-stamped with T (the format's quirk).
        for (id, r) in state.iter_mut() {
            if !delta.contains_key(id)
                && let Value::Object(r) = r
            {
                r.insert("t".to_owned(), json!(t));
            }
        }
    }
}

/// Per connection, per report and property path, how fast a counter grows (units per ms):
/// numbers that never decrease over the recording and do grow.
type Rates = HashMap<Path4, f64>;

/// Connection, report id, property and, inside a nested object, its key.
type Path4 = (String, String, String, Option<String>);

fn rates(lines: &[Line], shape: Shape) -> Rates {
    let mut series: HashMap<Path4, Vec<(f64, f64)>> = HashMap::new();
    for l in lines {
        let Some((pc, state)) = &l.stats else {
            continue;
        };
        for (id, r) in state {
            let Value::Object(r) = r else { continue };
            for (p, v) in r {
                if p == shape.time_key() {
                    continue;
                }
                match v {
                    Value::Number(n) => series
                        .entry((pc.clone(), id.clone(), p.clone(), None))
                        .or_default()
                        .push((l.time, n.as_f64().unwrap_or(0.0))),
                    Value::Object(sub) => {
                        for (k, v) in sub {
                            if let Some(x) = v.as_f64() {
                                series
                                    .entry((pc.clone(), id.clone(), p.clone(), Some(k.clone())))
                                    .or_default()
                                    .push((l.time, x));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    series
        .into_iter()
        .filter_map(|(k, pts)| {
            let (t0, v0) = *pts.first()?;
            let (t1, v1) = *pts.last()?;
            let monotone = pts.windows(2).all(|w| w[1].1 >= w[0].1);
            (monotone && v1 > v0 && t1 > t0).then(|| (k, (v1 - v0) / (t1 - t0)))
        })
        .collect()
}

/// The state of a connection `shift` ms later: times moved, counters grown at their rate,
/// and for an SFU call `sfu` more copies of each inbound-rtp report under new SSRCs.
fn transform(
    pc: &str,
    state: &Reports,
    shift: f64,
    rates: &Rates,
    shape: Shape,
    sfu: usize,
) -> Reports {
    let grow = |v: &Value, rate: Option<&f64>| -> Value {
        match (v.as_f64(), rate) {
            (Some(x), Some(rate)) if shift > 0.0 => {
                let y = x + rate * shift;
                if v.is_i64() || v.is_u64() {
                    json!(y.round() as i64)
                } else {
                    json!(y)
                }
            }
            _ => v.clone(),
        }
    };
    let mut out = Reports::new();
    for (id, r) in state {
        let Value::Object(r) = r else { continue };
        let mut moved = Map::new();
        for (p, v) in r {
            let nv = if p == shape.time_key() {
                v.as_f64().map_or(v.clone(), |t| json!(t + shift))
            } else if let Value::Object(sub) = v {
                Value::Object(
                    sub.iter()
                        .map(|(k, x)| {
                            let key = (pc.to_owned(), id.clone(), p.clone(), Some(k.clone()));
                            (k.clone(), grow(x, rates.get(&key)))
                        })
                        .collect(),
                )
            } else {
                grow(v, rates.get(&(pc.to_owned(), id.clone(), p.clone(), None)))
            };
            moved.insert(p.clone(), nv);
        }
        let inbound = is_inbound(r);
        if inbound {
            for j in 0..sfu {
                let mut copy = moved.clone();
                for (p, v) in copy.iter_mut() {
                    if property_name(p) == "ssrc"
                        && let Some(s) = v.as_u64()
                    {
                        *v = json!(s.wrapping_add(1000 + j as u64) & 0xffff_ffff);
                    }
                }
                out.insert(format!("{id}-sfu{j}"), Value::Object(copy));
            }
        }
        out.insert(id.clone(), Value::Object(moved));
    }
    out
}

/// The getStats value that takes the decoder from `prev` to `next`.
fn encode(prev: &Reports, next: &Reports, shape: Shape) -> Value {
    let key = shape.time_key();
    let top = next
        .values()
        .filter_map(|r| r.get(key).and_then(Value::as_f64))
        .fold(f64::NEG_INFINITY, f64::max);
    if shape == Shape::Full {
        return Value::Object(next.clone());
    }
    let mut out = Map::new();
    for (id, r) in next {
        let Value::Object(r) = r else { continue };
        let old = prev.get(id).and_then(Value::as_object);
        let mut part = Map::new();
        for (p, v) in r {
            if p == key {
                continue;
            }
            match (old.and_then(|o| o.get(p)), v) {
                (Some(o), _) if o == v => {}
                (Some(Value::Object(o)), Value::Object(n)) => {
                    let changed: Map<String, Value> = n
                        .iter()
                        .filter(|(k, x)| o.get(*k) != Some(*x))
                        .map(|(k, x)| (k.clone(), x.clone()))
                        .collect();
                    if !changed.is_empty() {
                        part.insert(p.clone(), Value::Object(changed));
                    }
                }
                _ => {
                    part.insert(p.clone(), v.clone());
                }
            }
        }
        let t = r.get(key).and_then(Value::as_f64);
        match shape {
            Shape::Jitsi => {
                part.insert(
                    key.to_owned(),
                    json!(if t == Some(top) {
                        0.0
                    } else {
                        t.unwrap_or(0.0)
                    }),
                );
            }
            _ => {
                if let Some(t) = t.filter(|t| *t != top) {
                    part.insert(key.to_owned(), json!(t));
                }
            }
        }
        if !part.is_empty() {
            out.insert(id.clone(), Value::Object(part));
        }
    }
    if shape == Shape::Delta {
        for id in prev.keys().filter(|id| !next.contains_key(*id)) {
            out.insert(id.clone(), Value::Null);
        }
    }
    if top.is_finite() {
        out.insert(
            if shape == Shape::Delta {
                "t"
            } else {
                "timestamp"
            }
            .to_owned(),
            json!(top),
        );
    }
    Value::Object(out)
}

fn is_inbound(r: &Map<String, Value>) -> bool {
    r.get("type").and_then(stats_type).as_deref() == Some("inbound-rtp")
}

/// The connection that receives the most streams: the SFU call's one connection.
fn receiver(lines: &[Line]) -> String {
    let mut best = (0, String::new());
    for (pc, state) in lines.iter().filter_map(|l| l.stats.as_ref()) {
        let n = state
            .values()
            .filter(|r| r.as_object().is_some_and(is_inbound))
            .count();
        if n > best.0 {
            best = (n, pc.clone());
        }
    }
    best.1
}

/// The getStats lines to replay: the recording's last stretch in which no report came or
/// went and no text or flag changed (a seam inside an ICE restart or before the candidate
/// pair is chosen would switch it back at every repetition); at least the last three polls.
fn steady(lines: &[Line], stats: &[usize]) -> Vec<usize> {
    let mut last: HashMap<&str, &Reports> = HashMap::new();
    for &i in stats {
        if let Some((pc, state)) = &lines[i].stats {
            last.insert(pc, state);
        }
    }
    let same_shape = |a: &Reports, b: &Reports| {
        a.len() == b.len()
            && a.iter().all(|(id, r)| {
                let (Some(r), Some(o)) = (r.as_object(), b.get(id).and_then(Value::as_object))
                else {
                    return false;
                };
                r.iter()
                    .filter(|(_, v)| !v.is_number() && !v.is_object())
                    .all(|(p, v)| o.get(p) == Some(v))
            })
    };
    let start = stats
        .iter()
        .rposition(|&i| {
            let (pc, state) = lines[i].stats.as_ref().expect("a getStats line");
            !same_shape(state, last[pc.as_str()])
        })
        .map_or(0, |p| p + 1)
        .min(stats.len().saturating_sub(3));
    stats[start..].to_vec()
}

/// Writes the recording, then its getStats replayed later and later until `target` bytes,
/// then its closing lines. Returns the bytes written.
fn write_dump(
    path: &Path,
    head: &[String],
    lines: &[Line],
    shape: Shape,
    target: u64,
    sfu: Option<usize>,
) -> u64 {
    let rates = rates(lines, shape);
    let sfu = sfu.map(|n| (receiver(lines), n));
    let stats: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].stats.is_some())
        .collect();
    let Some(&last) = stats.last() else {
        panic!("the recording has no getStats");
    };
    let window = steady(lines, &stats);
    let span = lines[last].time - lines[window[0]].time;
    // One poll interval past the last sample, so the replay does not repeat a time.
    let period = span * window.len() as f64 / (window.len() - 1).max(1) as f64;
    let mut w = Writer {
        out: BufWriter::with_capacity(1 << 20, File::create(path).expect("output file")),
        written: 0,
        clock: 0.0,
        seq: 0,
        emitted: HashMap::new(),
    };
    for h in head {
        w.raw(h);
    }
    let replay = |w: &mut Writer, l: &Line, shift: f64| w.line(l, shift, &rates, shape, &sfu);
    for l in &lines[..=last] {
        replay(&mut w, l, 0.0);
    }
    let mut k = 1.0;
    'grow: while w.written < target {
        for &i in &window {
            replay(&mut w, &lines[i], k * period);
            if w.written >= target {
                break 'grow;
            }
        }
        k += 1.0;
    }
    // The closing lines follow the last poll written, as they followed the recording's.
    let shift = w.clock - lines[last].time;
    for l in &lines[last + 1..] {
        replay(&mut w, l, shift);
    }
    w.out.flush().expect("write");
    w.written
}

/// The output and what the next line depends on.
struct Writer {
    out: BufWriter<File>,
    written: u64,
    /// Time of the last line written (line times are deltas in v3).
    clock: f64,
    /// Jitsi's sequence numbers.
    seq: u64,
    /// Per connection, the state the decoder holds after the lines written.
    emitted: HashMap<String, Reports>,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.out.write_all(s.as_bytes()).expect("write");
        self.out.write_all(b"\n").expect("write");
        self.written += s.len() as u64 + 1;
    }

    /// Writes recorded line `l` as if it happened `shift` ms later.
    fn line(
        &mut self,
        l: &Line,
        shift: f64,
        rates: &Rates,
        shape: Shape,
        sfu: &Option<(String, usize)>,
    ) {
        let mut a = l.raw.as_array().cloned().unwrap_or_default();
        let time = l.time + shift;
        if let Some((pc, state)) = &l.stats {
            let copies = match sfu {
                Some((receiver, n)) if receiver == pc => *n,
                _ => 0,
            };
            let next = transform(pc, state, shift, rates, shape, copies);
            let prev = self.emitted.entry(pc.clone()).or_default();
            a[2] = encode(prev, &next, shape);
            *prev = next;
        }
        match shape {
            Shape::Jitsi => {
                if a.len() > 3 {
                    a[3] = json!(time);
                }
                if a.len() > 4 {
                    a[4] = json!(self.seq);
                }
                self.seq += 1;
            }
            _ => {
                if let Some(d) = a.last_mut() {
                    *d = json!(time - self.clock);
                }
            }
        }
        self.clock = time;
        let text = serde_json::to_string(&Value::Array(a)).expect("JSON");
        self.raw(&text);
    }
}

fn gzip(path: &Path) {
    let mut input = File::open(path).expect("dump");
    let gz = path.with_extension("jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        BufWriter::new(File::create(&gz).expect("gz file")),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut input, &mut enc).expect("gzip");
    enc.finish().expect("gzip").flush().expect("gzip");
    eprintln!("{}", gz.display());
}
