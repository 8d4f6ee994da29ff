//! Keyboard shortcuts, Help and About, and the timeline's Up/Down, through the real app.
#![cfg(feature = "gui")]

mod common;

use common::bundled;
use common::ui::loaded;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rtcscope::ui::RtcscopeApp;
use rtcscope::ui::app::Tab;

fn press(h: &mut Harness<'_, RtcscopeApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run_steps(3);
}

#[test]
fn shortcuts_switch_tabs_search_and_close() {
    let dump = bundled("rtcstats-v3_loopback_30s.jsonl.br")
        .to_string_lossy()
        .into_owned();
    let mut h = loaded(vec![dump]);
    assert_eq!(h.state().state.tab, Tab::Summary);
    press(&mut h, Modifiers::COMMAND, Key::Num2);
    assert_eq!(h.state().state.tab, Tab::Overview);
    press(&mut h, Modifiers::COMMAND, Key::Num3);
    assert_eq!(h.state().state.tab, Tab::Timeline);
    // Up/Down walk the timeline.
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    let first = h.state().state.timeline.selected;
    assert!(first.is_some());
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    let third = h.state().state.timeline.selected;
    assert!(third > first, "{first:?} then {third:?}");
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert!(h.state().state.timeline.selected < third);
    // Ctrl+F opens Stats with the search focused: typing goes into it.
    press(&mut h, Modifiers::COMMAND, Key::F);
    assert_eq!(h.state().state.tab, Tab::Stats);
    h.get_by_role(Role::TextInput).type_text("jitter");
    h.run_steps(3);
    assert_eq!(h.state().state.stats.search, "jitter");
    // Help and About open from the menu; Esc closes them.
    h.get_by_label("Help").click();
    h.run_steps(2);
    h.get_by_label("Keyboard shortcuts").click();
    h.run_steps(3);
    h.get_by_label("Search the stats");
    h.get_by_label("Help").click();
    h.run_steps(2);
    h.get_by_label("About rtcscope").click();
    h.run_steps(3);
    h.get_by_label(&format!("rtcscope {}", env!("CARGO_PKG_VERSION")));
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().state.show_help && !h.state().state.show_about);
    assert!(h.query_by_label("Search the stats").is_none());
    // Ctrl+W closes the dump.
    press(&mut h, Modifiers::COMMAND, Key::W);
    assert!(h.state().state.dumps.is_empty());
    h.get_by_label_contains("Drop a webrtc-internals or rtcstats dump here");
}
