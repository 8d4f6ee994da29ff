//! The viewer, driven headless with egui_kittest through the real app state: loading from
//! the command-line path and from a simulated file drop, the sidebar, each view, the timeline
//! filter, found by AccessKit role and label.
#![cfg(feature = "gui")]

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bundled, shared};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use rtcscope::ui::RtcscopeApp;

fn harness(sources: Vec<String>) -> Harness<'static, RtcscopeApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| RtcscopeApp::new(cc, sources))
}

/// Steps frames until the background loads are done (decoding runs on its own thread).
fn wait_loaded(h: &mut Harness<'_, RtcscopeApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().is_loading() {
        assert!(Instant::now() < deadline, "loading did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
}

#[test]
fn opens_a_dump_from_the_command_line_and_shows_its_connections() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let mut h = harness(vec![path.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    assert_eq!(h.state().state.dumps.len(), 1);
    h.get_by_label("webrtc_internals_dump_v3_loopback_30s.gz");
    // Both connections are listed with their final state and duration.
    h.get_by_label_contains("8-1  connected");
    h.get_by_label_contains("8-2  connected");
    h.get_by_label_contains("3 media requests, 0 failed");
    // The first connection is selected, on its summary.
    h.get_by_label("Peer connection 8-1");
    h.get_by_label_contains("setup ");
    h.get_by_role_and_label(Role::Button, "Overview").click();
    h.run_steps(2);
    h.get_by_label("States");
    h.get_by_label("RTCConfiguration");
    h.get_by_label_contains("HeadlessChrome/156");
}

#[test]
fn loads_a_dropped_file_and_switches_views() {
    #[derive(Debug)]
    struct Dropped(PathBuf);
    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }
    let mut h = harness(Vec::new());
    h.run_steps(2);
    h.get_by_label_contains("Drop a webrtc-internals or rtcstats dump here");
    let file = bundled("rtcstats-v3_loopback_30s.jsonl.br");
    h.input_mut().dropped_files.push(Arc::new(Dropped(file)));
    h.step();
    wait_loaded(&mut h);
    h.get_by_label_contains("PC_0  connected");

    // Select the second connection, then the timeline.
    h.get_by_label_contains("PC_1  connected").click();
    h.run_steps(2);
    h.get_by_label("Peer connection PC_1");
    h.get_by_role_and_label(Role::Button, "Timeline").click();
    h.run_steps(2);
    h.get_by_label_contains(" of 90 events");
    // Calls are paired with their results.
    assert!(
        !h.query_all_by_label_contains("-> ok after")
            .collect::<Vec<_>>()
            .is_empty()
    );

    // Filter the timeline down to SDP offers.
    h.get_by_role(Role::TextInput).focus();
    h.get_by_role(Role::TextInput).type_text("createOffer");
    h.run_steps(3);
    let shown = h.get_by_label_contains(" of 90 events");
    // A label's text is its AccessKit value.
    let label = shown
        .value()
        .or_else(|| shown.accesskit_node().label())
        .unwrap_or_default();
    let n: usize = label.split_whitespace().next().unwrap().parse().unwrap();
    assert!((2..90).contains(&n), "{label}");

    // The media view lists the three getUserMedia requests.
    h.get_by_role_and_label(Role::Button, "getUserMedia")
        .click();
    h.run_steps(2);
    h.get_by_label("Media requests (3)");
}

#[test]
fn shows_errors_and_warnings_in_the_window() {
    let missing = "/nonexistent/dump.json".to_owned();
    let cut = shared("public/jitsi/chrome96-standard-stats-p2p-add-transceiver");
    let mut h = harness(vec![missing, cut.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    h.get_by_label_contains("cannot open /nonexistent/dump.json");
    h.get_by_role_and_label(Role::Button, "1 warning").click();
    h.run_steps(2);
    h.get_by_label("line 142");
    h.get_by_label_contains("placed at the previous event's time");
}

#[test]
fn an_error_quoting_a_binary_file_is_printable() {
    // Bytes the fonts cannot draw: the harness fails on a missing glyph, as a tofu box would.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("binary.bin");
    std::fs::write(&file, b"\x00\x01\x02\xfe\xff\xe2\x86\x92zzz").unwrap();
    let mut h = harness(vec![file.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    h.run_steps(2);
    let e = h.get_by_label_contains("not a WebRTC dump rtcscope recognises");
    let text = e.accesskit_node().label().or(e.value()).unwrap_or_default();
    assert!(text.contains("\\u{2192}zzz"), "{text}");
}

#[test]
fn a_component_dump_says_what_it_is() {
    let mut h = harness(vec![
        shared("public/jitsi/jigasi-sample")
            .to_string_lossy()
            .into_owned(),
    ]);
    wait_loaded(&mut h);
    h.get_by_label("Jitsi JIGASI component dump: no peer connections");
}

#[test]
fn stats_view_plots_with_derived_rates_and_search() {
    // rtcstats dumps have no computed series: the viewer derives Chrome's rates.
    let path = bundled("rtcstats-v3_loopback_30s.jsonl.br");
    let mut h = harness(vec![path.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    let dump = &h.state().state.dumps[0].dump;
    let derived = dump.peer_connections[0]
        .stats
        .reports
        .iter()
        .flat_map(|r| &r.series)
        .filter(|s| s.name == "[bytesSent_in_bits/s]")
        .count();
    assert!(derived >= 2, "{derived}");

    h.get_by_role_and_label(Role::Button, "Stats").click();
    h.run_steps(3);
    h.get_by_label_contains("plots in");
    h.get_by_label_contains("hidden series (cumulative or constant): show");
    // The key charts come first, each titled with its unit.
    h.get_by_label("Key charts");
    h.get_by_label("video bitrate (bits/s)");
    h.get_by_label("packet loss (%)");
    // Search narrows down to one stat; its plots are titled by report and unit.
    h.get_by_role(Role::TextInput).focus();
    h.get_by_role(Role::TextInput)
        .type_text("[bytesSent_in_bits/s]");
    h.run_steps(3);
    let count = h.get_by_label_contains("plots in");
    let text = count
        .value()
        .or_else(|| count.accesskit_node().label())
        .unwrap_or_default();
    let n: usize = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!((2..20).contains(&n), "{text}");
    // No key chart matches a stat name: the per-stat plots come first.
    h.get_by_label("All stats");
    assert!(
        h.query_all_by_label("[bytesSent_in_bits/s] (bits/s)")
            .count()
            >= 1
    );
    assert!(h.query_all_by_label_contains("outbound-rtp").count() >= 2);
    // Synonyms: "loss" finds packetsLost and the loss chart, not bitrates.
    h.get_by_role(Role::TextInput).focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role(Role::TextInput).type_text("loss");
    h.run_steps(3);
    h.get_by_label("packet loss (%)");
    // Loss counters are cumulative: hidden, counted, and one click away.
    assert!(h.state().state.stats.hidden() > 0);
    h.get_by_label_contains("hidden series (cumulative or constant): show")
        .click();
    h.run_steps(3);
    {
        let s = &h.state().state;
        let pc = &s.dumps[0].dump.peer_connections[0];
        let names: Vec<String> = rtcscope::ui::views::stats::visible_plots(pc, &s.stats)
            .into_iter()
            .flat_map(|(_, e)| e.into_iter().map(|p| p.series.name.clone()))
            .collect();
        assert!(names.iter().any(|n| n == "packetsLost"), "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| n.to_lowercase().contains("lost") || n.to_lowercase().contains("loss")),
            "{names:?}"
        );
    }
    h.get_by_label("Show cumulative and constant series")
        .click();
    h.run_steps(2);
    // Showing everything brings the cumulative counters back.
    h.get_by_role(Role::TextInput).focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role(Role::TextInput).type_text("bytesSent");
    h.get_by_label("Show cumulative and constant series")
        .click();
    h.run_steps(3);
    assert!(h.query_all_by_label("bytesSent (bytes)").count() >= 1);
}

#[test]
fn ice_view_shows_the_selected_pair_and_its_changes() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let mut h = harness(vec![path.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    h.get_by_role_and_label(Role::Button, "ICE").click();
    h.run_steps(3);
    h.get_by_label("Selected pair over the call");
    // One selected pair at the end, and two over the call (the ICE restart).
    assert_eq!(h.query_all_by_label_contains("(selected)").count(), 1);
    let changes: Vec<_> = h.query_all_by_label_contains(" <=> ").collect();
    assert_eq!(changes.len(), 2);
    h.get_by_label_contains("DTLS connected");
    assert!(h.query_all_by_label("host").count() >= 2);
    // Jump to when the first pair was selected (1795564010555.724 - 1795564009465.647 ms).
    h.get_by_label("+1.090 s").click();
    h.run_steps(3);
    let at = h.state().state.ice.at.unwrap();
    assert!((at - 1.090).abs() < 0.001, "{at}");
    assert_eq!(h.query_all_by_label_contains("(selected)").count(), 1);
}

#[test]
fn sdp_view_lists_descriptions_and_diffs_them() {
    let path = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let mut h = harness(vec![path.to_string_lossy().into_owned()]);
    wait_loaded(&mut h);
    h.get_by_role_and_label(Role::Button, "SDP").click();
    h.run_steps(3);
    h.get_by_label("15 descriptions");
    // Flags are shown in the list.
    assert!(h.query_all_by_label_contains("[renegotiation]").count() >= 3);
    assert!(h.query_all_by_label_contains("[ice-restart]").count() >= 1);
    // Select the offer created when a transceiver is added: compared with the previous local
    // description (the first setLocalDescription), the new video section appears.
    h.get_by_label_contains("3  +10.611 s  createOfferOnSuccess offer")
        .click();
    h.run_steps(3);
    h.get_by_label_contains("[3] createOfferOnSuccess offer at");
    h.get_by_label_contains("mid 3 (video): added");
    h.get_by_label_contains("Line diff: [1] (left) and [3] (right)");
    // An answer shows what was negotiated.
    h.get_by_label_contains("2  +0.084 s  setRemoteDescription answer")
        .click();
    h.run_steps(3);
    h.get_by_label("Negotiated (with the offer before it)");
    assert!(h.query_all_by_label_contains("opus/48000/2").count() >= 1);
    // Copying puts the SDP on the clipboard.
    h.get_by_role_and_label(Role::Button, "Copy SDP").click();
    h.run_steps(2);
}

#[test]
fn two_dumps_on_the_command_line_open_side_by_side() {
    let a = bundled("webrtc_internals_dump_v3_loopback_30s.gz");
    let b = bundled("rtcstats-v3_loopback_30s.jsonl.br");
    let mut h = harness(vec![
        a.to_string_lossy().into_owned(),
        b.to_string_lossy().into_owned(),
    ]);
    wait_loaded(&mut h);
    h.run_steps(3);
    assert!(h.state().state.compare.is_some());
    h.get_by_label_contains("A: webrtc_internals_dump_v3_loopback_30s.gz 8-1");
    h.get_by_label_contains("B: rtcstats-v3_loopback_30s.jsonl.br PC_0");
    h.get_by_label("Summary");
    h.get_by_label("setup time (to connected)");
    // Both verdicts, and B - A with its unit.
    h.get_by_label("Verdicts:");
    h.get_by_label_contains("A degraded");
    assert!(
        h.query_all_by_label_contains(" ms")
            .filter_map(|n| n.accesskit_node().label().or(n.value()))
            .any(|l| l.starts_with('+') || l.starts_with('-')),
        "no B - A value with a unit"
    );
    h.get_by_label("inbound video frames per second median");
    h.get_by_label("A stat of both, on the aligned time axis");
    // Aligned by creation and by first connected, B's shift differs.
    let shift = |h: &Harness<'_, RtcscopeApp>| {
        let n = h.get_by_label_contains("B is shifted by");
        n.value()
            .or_else(|| n.accesskit_node().label())
            .unwrap_or_default()
    };
    let by_creation = shift(&h);
    h.get_by_label("first connected").click();
    h.run_steps(3);
    let by_connected = shift(&h);
    assert_ne!(by_creation, by_connected);
    h.get_by_label("manual offset").click();
    h.run_steps(3);
    assert_eq!(
        h.state().state.compare.as_ref().unwrap().align,
        rtcscope::ui::views::compare::AlignBy::Manual
    );
    // Two plots with a shared y scale, then back to one.
    // Below the summary table, out of the 800-px view: use the accessibility action.
    h.get_by_label("two plots, shared y scale")
        .click_accesskit();
    h.run_steps(3);
    assert!(h.state().state.compare.as_ref().unwrap().separate);
    h.get_by_label("overlaid").click_accesskit();
    h.run_steps(2);
    // A file dropped on the comparison becomes B.
    #[derive(Debug)]
    struct Dropped(PathBuf);
    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }
    h.input_mut().dropped_files.push(Arc::new(Dropped(shared(
        "recorded/rtcstats-jitsi_loopback_30s.jsonl",
    ))));
    h.step();
    wait_loaded(&mut h);
    h.run_steps(3);
    h.get_by_label_contains("B: rtcstats-jitsi_loopback_30s.jsonl PC_0");
    // Closing returns to the connection views, on A's connection.
    h.get_by_role_and_label(Role::Button, "Close comparison")
        .click();
    h.run_steps(3);
    assert!(h.state().state.compare.is_none());
    h.get_by_label("Peer connection 8-1");
}

#[test]
fn the_viewer_saves_plots_as_png_and_series_as_csv() {
    use rtcscope::ui::save::{SaveJob, Saver, all_plots};
    let dump = common::load(&bundled("webrtc_internals_dump_v3_loopback_30s.gz"));
    let pc = &dump.peer_connections[0];
    let report = pc.stats.report("OT01V2276374674").unwrap();
    let series = report.series("[bytesSent_in_bits/s]").unwrap();
    let dir = tempfile::tempdir().unwrap();

    // A plot as the viewer saves it: its visible range, at 2x pixel density.
    let chart = rtcscope::export::png::series_chart(
        report,
        series,
        pc.created.unwrap().0,
        Some((5.0, 25.0)),
    );
    assert!(
        chart.lines[0]
            .points
            .iter()
            .all(|(x, _)| (5000.0..=25000.0).contains(x))
    );
    let png = dir.path().join("plot.png");
    Saver::write(
        SaveJob::Png {
            chart,
            pc: "8-1".into(),
            width: 2 * 900,
            height: 2 * 126,
        },
        &png,
    )
    .unwrap();
    let img = image::open(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1800, 252));
    let colours: std::collections::HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 20, "blank: {} colours", colours.len());

    // "Copy image" draws the same chart into memory for the clipboard.
    let chart = rtcscope::export::png::series_chart(report, series, pc.created.unwrap().0, None);
    let rgb = rtcscope::export::png::render_rgb(&chart, "8-1", 640, 240).unwrap();
    assert_eq!(rgb.len(), 640 * 240 * 3);
    let colours: std::collections::HashSet<&[u8]> = rgb.chunks(3).collect();
    assert!(colours.len() > 20, "blank: {} colours", colours.len());

    // Its series as CSV, in the export --csv layout.
    let csv = dir.path().join("series.csv");
    let status = Saver::write(
        SaveJob::Csv {
            pc: "8-1".into(),
            report: report.clone(),
            series: Some(series.name.clone()),
        },
        &csv,
    )
    .unwrap();
    assert!(status.starts_with("Saved "), "{status}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("pc,report_id,report_type,stat,timestamp_ms,value\n8-1,OT01V2276374674,outbound-rtp,[bytesSent_in_bits/s],"));
    assert_eq!(text.lines().count(), series.sample_count() + 1);

    // Export all plots: one PNG per plot the Stats view shows by default.
    let mut charts = all_plots(pc);
    assert!(charts.len() > 50, "{}", charts.len());
    // Writing ten is enough to check the folder export (all of them is slow in a debug build).
    charts.truncate(10);
    let folder = dir.path().join("all");
    Saver::write(
        SaveJob::Folder {
            pc: "8-1".into(),
            charts,
        },
        &folder,
    )
    .unwrap();
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 10);
}
