//! The Summary tab and what clicking a finding does, the sidebar's verdict badges, and dump
//! ids that survive closing: driven through the real app with egui_kittest.
#![cfg(feature = "gui")]

mod common;

use std::time::{Duration, Instant};

use common::ui::loaded;
use common::{bundled, shared};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use rtcscope::ui::RtcscopeApp;
use rtcscope::ui::app::{Command, Tab};

fn path(p: std::path::PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn the_failed_call_says_what_happened_and_a_finding_opens_its_range() {
    let mut h = loaded(vec![path(shared("public/jitsi/chrome-standard-pc-failed"))]);
    // The first screen is the summary: the verdict and the failure, in words.
    assert_eq!(h.state().state.tab, Tab::Summary);
    h.get_by_label("Peer connection PC_0");
    h.get_by_label("BAD");
    // Four of PC_0's seven streams never carried a byte: not "good", nothing was measured.
    assert_eq!(h.query_all_by_label("no media").count(), 4);
    assert_eq!(h.query_all_by_label("good").count(), 3);
    // The page's findings read as the CLI's do, in the order `findings()` gives them.
    let open = &h.state().state.dumps[0];
    let origin = open.dump.peer_connections[0].created.unwrap().0;
    let expected: Vec<String> = open
        .analysis
        .findings
        .iter()
        .filter(|f| f.pc.is_none())
        .map(|f| format!("{}  {}", f.rule, f.message(origin)))
        .collect();
    assert_eq!(expected.len(), 2, "{expected:?}");
    let page: Vec<String> = h
        .query_all_by_label_contains("  ")
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| expected.iter().any(|e| l.starts_with(e.as_str())))
        .collect();
    assert_eq!(page.len(), 2, "{page:?}");
    for (shown, want) in page.iter().zip(&expected) {
        assert!(shown.starts_with(want.as_str()), "{shown} is not {want}");
    }
    // PC_0's failure is placed where its event was written, not at its stale stamp.
    let row = h.get_by_label_contains(
        "connection-failed  the connection failed at the end of the recording, after +60.9 s",
    );
    row.click();
    h.run_steps(4);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Stats);
    let focus = s.focus.as_ref().expect("the finding is focused");
    let open = s.dump(focus.dump).unwrap();
    let f = &open.analysis.findings[focus.finding];
    assert_eq!(f.rule, "connection-failed");
    // The plots show the finding's moment, padded to at least 2 s either side.
    let origin = open.dump.peer_connections[0].created.unwrap().0;
    let at = (f.start_ms.unwrap() - origin) / 1000.0;
    let (lo, hi) = s.stats.shown_range().expect("plots were drawn");
    assert!(lo < at && at < hi, "{lo}..{hi} does not show {at}");
    assert!(hi - lo <= 5.0, "{lo}..{hi} is not the finding's range");
    // The timeline shows the same range.
    h.get_by_role_and_label(Role::Button, "Timeline").click();
    h.run_steps(2);
    h.get_by_label_contains("(the finding's range)");
    h.get_by_role_and_label(Role::Button, "Show all").click();
    h.run_steps(2);
    assert!(h.state().state.timeline.focus.is_none());
}

#[test]
fn the_sidebar_shows_verdicts_and_counts() {
    let mut h = loaded(vec![path(shared("public/jitsi/chrome-standard-pc-failed"))]);
    // One error per failed connection; the dump has three, plus the page's own.
    let bad = h.query_all_by_label("bad").count();
    assert!(bad >= 4, "{bad} verdict badges");
    // Each connection's error count is a button; PC_1's opens PC_1's summary.
    h.get_by_role_and_label(Role::Button, "Overview").click();
    h.run_steps(2);
    // Each connection's row counts its one error (the dump's row counts all 3); the badges say what they count.
    h.get_by_role_and_label(Role::Button, "3 error findings");
    let counts: Vec<_> = h
        .query_all_by_role_and_label(Role::Button, "1 error finding")
        .collect();
    assert_eq!(counts.len(), 3, "one error badge per connection");
    counts[1].click();
    h.run_steps(3);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Summary);
    assert_eq!(s.selected.map(|(_, p)| p), Some(Some(1)));
    h.get_by_label("Peer connection PC_1");
}

#[test]
fn closing_a_dump_keeps_a_comparison_of_the_others() {
    let a = path(bundled("webrtc_internals_dump_v3_loopback_30s.gz"));
    let b = path(bundled("rtcstats-v3_loopback_30s.jsonl.br"));
    let c = path(shared("recorded/rtcstats-jitsi_loopback_30s.jsonl"));
    let mut h = loaded(vec![a.clone()]);
    // Two more dumps, then compare the second with the third.
    h.state_mut().open(b.clone(), &egui::Context::default());
    h.state_mut().open(c.clone(), &egui::Context::default());
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().is_loading() || h.state().state.dumps.len() < 3 {
        assert!(Instant::now() < deadline, "loading did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    let id = |h: &Harness<'_, RtcscopeApp>, src: &str| {
        h.state()
            .state
            .dumps
            .iter()
            .find(|d| d.source == src)
            .unwrap()
            .id
    };
    let (ia, ib, ic) = (id(&h, &a), id(&h, &b), id(&h, &c));
    h.state_mut().apply(Command::Compare((ib, 0), (ic, 0)));
    h.run_steps(3);
    h.get_by_label_contains("A: rtcstats-v3_loopback_30s.jsonl.br PC_0");
    // Closing the first dump (before both in the list) must not shift the comparison.
    h.state_mut().apply(Command::Close(ia));
    h.run_steps(3);
    let cmp = h
        .state()
        .state
        .compare
        .as_ref()
        .expect("comparison still open");
    assert_eq!((cmp.a.0, cmp.b.0), (ib, ic));
    h.get_by_label_contains("A: rtcstats-v3_loopback_30s.jsonl.br PC_0");
    h.get_by_label_contains("B: rtcstats-jitsi_loopback_30s.jsonl PC_0");
    // Closing one of the compared dumps closes the comparison.
    h.state_mut().apply(Command::Close(ic));
    h.run_steps(3);
    assert!(h.state().state.compare.is_none());
    assert_eq!(h.state().state.dumps.len(), 1);
}

#[test]
fn a_finding_on_a_series_opens_its_key_chart_with_the_series_bold() {
    let mut h = loaded(vec![path(bundled("rtcstats-v3_loopback_30s.jsonl.br"))]);
    h.get_by_label_contains("resolution-drop  frame height on outbound video")
        .click();
    h.run_steps(4);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Stats);
    assert!(s.stats.search.is_empty(), "nothing is filtered away");
    assert!(
        s.stats
            .highlight
            .iter()
            .any(|(_, stat)| stat == "frameHeight"),
        "{:?}",
        s.stats.highlight
    );
    assert!(s.stats.scroll_to.is_none(), "the scroll was applied");
    // The view scrolled to the resolution chart.
    h.get_by_label("video resolution (frame height) (px)");
    // The range starts at the drop (+7.1 s), padded.
    let (lo, hi) = h.state().state.stats.shown_range().unwrap();
    assert!(lo < 7.1 && hi > 25.0, "{lo}..{hi}");
}

/// A load from a FIFO the test writes into: the header and first events, then (after the
/// first preview is due) a read batch's worth (512 KB) of polls so that the lines are applied
/// and a preview is sent; the rest when `go` is sent. The harness is returned once the
/// preview is listed.
#[cfg(unix)]
struct HeldLoad {
    h: Harness<'static, RtcscopeApp>,
    /// When the test gives up waiting.
    deadline: Instant,
    go: std::sync::mpsc::Sender<()>,
    writer: std::thread::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

#[cfg(unix)]
fn held_load() -> HeldLoad {
    let deadline = Instant::now() + Duration::from_secs(60);
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("long.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let lines = common::call::Call::healthy(900).lines();
    let (go, go_rx) = std::sync::mpsc::channel::<()>();
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&writer_path)
            .unwrap();
        let mut written = 0;
        let mut rest = lines.iter();
        for l in rest.by_ref().take(6) {
            writeln!(f, "{l}").unwrap();
        }
        std::thread::sleep(Duration::from_millis(500));
        for l in rest.by_ref() {
            writeln!(f, "{l}").unwrap();
            written += l.len() + 1;
            if written > 700 << 10 {
                break;
            }
        }
        f.flush().unwrap();
        // A cancelled load closes the pipe: the rest has nowhere to go.
        if go_rx.recv().is_ok() {
            for l in rest {
                if writeln!(f, "{l}").is_err() {
                    return;
                }
            }
        }
    });
    let source = fifo.to_string_lossy().into_owned();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| RtcscopeApp::new(cc, vec![source]));
    while h.state().state.dumps.is_empty() {
        assert!(Instant::now() < deadline, "no preview came");
        assert!(h.state().is_loading(), "{:?}", h.state().state.errors);
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
    HeldLoad {
        h,
        deadline,
        go,
        writer,
        _dir: dir,
    }
}

#[cfg(unix)]
fn finish_loading(h: &mut Harness<'static, RtcscopeApp>, deadline: Instant) {
    while h.state().is_loading() {
        assert!(Instant::now() < deadline, "loading did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
}

/// A dump still being read is listed with its connections, events and a "still reading"
/// line, then replaced in place (same id, same selection) once it is read.
#[cfg(unix)]
#[test]
fn a_long_load_lists_its_connection_while_it_is_read_then_fills_in() {
    let held = held_load();
    let (mut h, deadline) = (held.h, held.deadline);
    let (go, writer, _dir) = (held.go, held.writer, held._dir);
    assert!(h.state().is_loading());
    let preview = &h.state().state.dumps[0];
    assert!(preview.partial);
    let id = preview.id;
    assert!(preview.dump.peer_connections[0].stats.reports.is_empty());
    h.get_by_label("Peer connection PC_0");
    h.get_by_label_contains("Still reading this dump");
    assert_eq!(h.state().state.tab, Tab::Summary);
    // Not "good" before the stats are in: nothing was measured yet.
    assert!(h.query_by_label("good").is_none());
    assert_eq!(h.query_all_by_label("READING").count(), 1);
    h.get_by_label("The stats are still being read.");

    go.send(()).unwrap();
    finish_loading(&mut h, deadline);
    writer.join().unwrap();
    let s = &h.state().state;
    assert_eq!(s.dumps.len(), 1);
    let whole = &s.dumps[0];
    assert_eq!(whole.id, id);
    assert!(!whole.partial);
    assert_eq!(s.selected, Some((id, Some(0))));
    let pc = &whole.dump.peer_connections[0];
    let (a, b) = pc.stats.time_range().unwrap();
    assert!(b.0 - a.0 >= 899_000.0, "{} ms of stats", b.0 - a.0);
    assert!(
        h.query_by_label_contains("Still reading this dump")
            .is_none()
    );
    h.get_by_label("GOOD");
    assert!(h.query_by_label("reading").is_none());
}

/// Cancel in the status bar stops a load whose preview is listed, and takes the preview away.
#[cfg(unix)]
#[test]
fn cancelling_a_previewed_load_takes_its_preview_away() {
    let held = held_load();
    let (mut h, deadline) = (held.h, held.deadline);
    let (go, writer, _dir) = (held.go, held.writer, held._dir);
    h.get_by_label("Peer connection PC_0");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    // The decoder is blocked on the pipe; the next bytes it reads see the cancel.
    go.send(()).unwrap();
    finish_loading(&mut h, deadline);
    writer.join().unwrap();
    let s = &h.state().state;
    assert!(s.dumps.is_empty(), "the preview stays");
    assert_eq!(s.selected, None);
    assert!(
        s.errors.iter().any(|e| e.contains("cancelled")),
        "{:?}",
        s.errors
    );
    assert!(
        h.query_by_label_contains("Still reading this dump")
            .is_none()
    );
}
