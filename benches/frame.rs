//! CPU time of one frame: the egui pass plus the tessellation of what it drew (everything but
//! the GPU upload). First the Summary and the Stats view's first screen (the key charts) of
//! the 200 MB webrtc-internals dump `cargo bench --bench decode` builds; then the per-stat
//! plots with 100 plots of 3,600 points (an hour at 1 Hz) and of 100,000 points.
//!
//! `cargo bench --bench frame`. Three cases per size: steady frames in an ordinary window
//! (the view builds only the plots in view), frames that zoom (every visible plot
//! re-decimates), and steady frames in a window tall enough to show all 100 plots at once
//! (the worst case). Medians of 60 frames after 5 warm-up frames.

use std::time::Instant;

use egui::{Event, RawInput, Rect, pos2, vec2};
use rtcscope::model::{
    Dump, PeerConnection, PeerConnectionId, Report, ReportId, Series, Stats, Timestamp,
};
use rtcscope::ui::state::{DumpId, OpenDump};
use rtcscope::ui::views::stats::{StatsState, show};

/// The binary's allocator: a frame allocates and frees large meshes, and the system
/// allocator would map and fault in fresh pages for each of them, which the app never does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn dump(points: usize) -> OpenDump {
    let t0 = 1.7e12;
    let timestamps: Vec<Timestamp> = (0..points)
        .map(|i| Timestamp(t0 + i as f64 * 1000.0))
        .collect();
    let reports = (0..10)
        .map(|r| Report {
            id: ReportId::from(format!("IT{r}")),
            report_type: "inbound-rtp".into(),
            timestamps: timestamps.clone(),
            series: (0..10)
                .map(|s| Series {
                    name: format!("metric{s}"),
                    start: 0,
                    values: (0..points)
                        .map(|i| {
                            let x = i as f64;
                            1000.0 * (1.0 + (x / (50.0 + s as f64)).sin())
                                + ((i * 7919 + r * 31) % 97) as f64
                        })
                        .collect(),
                })
                .collect(),
            attributes: vec![],
        })
        .collect();
    let pc = PeerConnection {
        id: PeerConnectionId::from("PC_0"),
        url: None,
        created: Some(Timestamp(t0)),
        configuration: None,
        constraints: None,
        events: vec![],
        descriptions: vec![],
        stats: Stats { reports },
        polls: Vec::new(),
    };
    OpenDump::new(
        DumpId(1),
        format!("bench-{points}"),
        "bench".into(),
        Dump {
            peer_connections: vec![pc],
            ..Dump::default()
        },
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median frame time in ms. With `zoom`, every frame changes the linked x range, as a wheel
/// or key zoom does, so every visible plot decimates its series again.
fn frames(open: &OpenDump, height: f32, zoom: bool) -> f64 {
    let ctx = egui::Context::default();
    // The per-stat plots only (the key charts of this synthetic dump are empty).
    let mut state = StatsState::default();
    state.search = "metric".into();
    let saver = rtcscope::ui::save::Saver::default();
    let screen = Rect::from_min_size(pos2(0.0, 0.0), vec2(1280.0, height));
    let mut times = Vec::new();
    for frame in 0..65 {
        let mut input = RawInput {
            screen_rect: Some(screen),
            time: Some(frame as f64 / 60.0),
            ..RawInput::default()
        };
        input.events.push(Event::PointerMoved(pos2(640.0, 300.0)));
        if zoom && frame >= 5 {
            let span = open.dump.peer_connections[0].stats.reports[0]
                .timestamps
                .len() as f64;
            let lo = (frame % 10) as f64 * span / 40.0;
            state.zoom_to(lo, lo + span * (0.5 + (frame % 3) as f64 / 6.0));
        }
        let start = Instant::now();
        let output = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default()
                .show(ui, |ui| show(ui, open, 0, &mut state, &saver, None));
        });
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        if frame >= 5 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    median(times)
}

/// Median CPU ms of a frame that runs `view` in a 1280 x 800 window.
fn view_frames(mut view: impl FnMut(&mut egui::Ui)) -> f64 {
    let ctx = egui::Context::default();
    let screen = Rect::from_min_size(pos2(0.0, 0.0), vec2(1280.0, 800.0));
    let mut times = Vec::new();
    for frame in 0..65 {
        let mut input = RawInput {
            screen_rect: Some(screen),
            time: Some(frame as f64 / 60.0),
            ..RawInput::default()
        };
        input.events.push(Event::PointerMoved(pos2(640.0, 300.0)));
        let start = Instant::now();
        let output = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| view(ui));
        });
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        if frame >= 5 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    median(times)
}

/// The Summary and the Stats view's first screen (the key charts) of the 200 MB
/// webrtc-internals dump the decode bench builds.
fn big_dump() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data/internals-200mb.txt");
    if !path.exists() {
        println!(
            "(no {}: run `cargo bench --bench decode` once to build it)",
            path.display()
        );
        return;
    }
    let started = Instant::now();
    let mut dump = rtcscope::load::load(&path.to_string_lossy(), None).expect("the bench dump");
    for pc in &mut dump.peer_connections {
        rtcscope::analyze::rates::add_derived(&mut pc.stats);
    }
    let open = OpenDump::new(DumpId(1), "big".into(), "big".into(), dump);
    let loaded = started.elapsed().as_secs_f64();
    let pc = (0..open.dump.peer_connections.len())
        .max_by_key(|&p| open.dump.peer_connections[p].stats.reports.len())
        .unwrap_or(0);
    let summary = view_frames(|ui| {
        std::hint::black_box(rtcscope::ui::views::summary::show(ui, &open, pc, None));
    });
    let mut state = StatsState::default();
    let saver = rtcscope::ui::save::Saver::default();
    let key = view_frames(|ui| show(ui, &open, pc, &mut state, &saver, None));
    println!(
        "\n200 MB webrtc-internals dump ({} connections, loaded and analysed in {loaded:.1} s), connection {pc}:",
        open.dump.peer_connections.len()
    );
    println!("{:<28} {summary:>14.2}", "Summary ms");
    println!("{:<28} {key:>14.2}", "Key charts ms");
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    big_dump();
    println!(
        "{:<28} {:>14} {:>14} {:>22}",
        "plots x points", "steady ms", "zooming ms", "all 100 on screen ms"
    );
    for points in [3_600, 100_000] {
        let open = dump(points);
        let steady = frames(&open, 800.0, false);
        let zooming = frames(&open, 800.0, true);
        let all = frames(&open, 100.0 * 150.0 + 400.0, false);
        println!(
            "{:<28} {steady:>14.2} {zooming:>14.2} {all:>22.2}",
            format!("100 x {points}")
        );
    }
}
