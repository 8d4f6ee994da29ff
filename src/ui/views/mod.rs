//! One file per view. Each is a function of the shared [`AppState`] and a `Ui`.

pub mod axes;
pub mod compare;
pub mod ice;
pub mod key_charts;
pub mod media;
pub mod memo;
pub mod open_remote;
pub mod overview;
pub mod path_prompt;
pub mod plot_menu;
pub mod sdp;
pub mod sidebar;
pub mod stat_plot;
pub mod stats;
pub mod summary;
pub mod timeline;
pub mod warnings;

use egui::Color32;

use crate::model::Timestamp;
use crate::ui::state::{AppState, Tab};

/// The central area: the selected connection's tabs, or a welcome when nothing is open.
pub fn central(ui: &mut egui::Ui, state: &mut AppState) {
    if state.tab == Tab::Compare
        && let Some(mut c) = state.compare.take()
    {
        ui.horizontal(|ui| {
            if ui
                .selectable_label(false, "Back to the connection")
                .clicked()
            {
                state.tab = Tab::Summary;
            }
        });
        ui.separator();
        if compare::show(ui, &state.dumps, &mut c, &state.saver) {
            state.compare = Some(c);
        } else {
            // Back to A's connection, whichever dump happened to finish loading first.
            state.selected = Some((c.a.0, Some(c.a.1)));
            state.tab = Tab::Summary;
        }
        return;
    }
    if state.tab == Tab::Compare {
        state.tab = Tab::Summary;
    }
    let Some((id, pc)) = state.selected else {
        welcome(ui, state);
        return;
    };
    let Some(d) = state.dumps.iter().position(|o| o.id == id) else {
        state.selected = None;
        return;
    };
    ui.horizontal_wrapped(|ui| {
        if state.compare.is_some() && ui.selectable_label(false, "Comparison").clicked() {
            state.tab = Tab::Compare;
        }
        for tab in Tab::ALL {
            let enabled = pc.is_some() || tab == Tab::Media;
            ui.add_enabled_ui(enabled, |ui| {
                if ui.selectable_label(state.tab == tab, tab.title()).clicked() {
                    state.tab = tab;
                }
            });
        }
    });
    ui.separator();
    if state.dumps[d].partial {
        still_reading(ui);
    }
    let tab = if pc.is_none() { Tab::Media } else { state.tab };
    let focus = state
        .focus
        .as_ref()
        .filter(|f| f.dump == id && Some(f.pc) == pc)
        .map(|f| f.range);
    match (tab, pc) {
        (Tab::Media, _) => media::show(ui, &state.dumps[d]),
        (Tab::Summary, Some(p)) => {
            let open = &state.dumps[d];
            let selected = state.focus.as_ref().map(|f| f.finding);
            for c in summary::show(ui, open, p, selected) {
                state.commands.push(c);
            }
        }
        (Tab::Overview, Some(p)) => overview::show(ui, &state.dumps[d], p),
        (Tab::Timeline, Some(p)) => timeline::show(ui, &state.dumps[d], p, &mut state.timeline),
        (Tab::Stats, Some(p)) => stats::show(
            ui,
            &state.dumps[d],
            p,
            &mut state.stats,
            &state.saver,
            focus,
        ),
        (Tab::Ice, Some(p)) => ice::show(ui, &state.dumps[d], p, &mut state.ice),
        (Tab::Sdp, Some(p)) => sdp::show(ui, &state.dumps[d], p, &mut state.sdp),
        _ => {}
    }
}

/// The line over a preview: what it shows and what is still to come.
fn still_reading(ui: &mut egui::Ui) {
    // No spinner: it would repaint every frame, and the status bar already moves.
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Still reading this dump: the connections and events so far are shown. Stats, \
             charts and the findings they give come when it is read (progress below).",
        );
    });
    ui.separator();
}

fn welcome(ui: &mut egui::Ui, state: &AppState) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 4.0);
        ui.heading("rtcscope");
        ui.label(
            "Drop a webrtc-internals or rtcstats dump here, or use File > Open (Ctrl+O) or File > Open from S3 / URL.",
        );
        if !state.recent.is_empty() {
            ui.add_space(12.0);
            ui.label("Recent files are in File > Open recent.");
        }
    });
}

/// `text` with every character the window's fonts may lack written as an escape
/// (`\u{2192}`), so an error quoting a binary file shows text, never tofu boxes.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let drawable = matches!(c, ' '..='~' | '\n' | '\u{a0}'..='\u{17f}');
        if drawable {
            out.push(c);
        } else if c == '\u{fffd}' {
            out.push('?');
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// Cells of a table whose columns share the panel's width: each is cut to its column, in
/// full on hover, so a long id or address never pushes the table off the window.
pub struct Cells {
    widths: Vec<f32>,
    col: usize,
}

impl Cells {
    /// Columns taking these shares of `total` width (at least 24 px each), after the grid's
    /// spacing between them.
    pub fn new(total: f32, shares: &[f32]) -> Self {
        let sum: f32 = shares.iter().sum();
        let room = total - 10.0 * shares.len() as f32;
        let widths = shares.iter().map(|s| (room * s / sum).max(24.0)).collect();
        Cells { widths, col: 0 }
    }

    /// The next cell of the row.
    pub fn put(&mut self, ui: &mut egui::Ui, text: impl Into<egui::RichText>) {
        let text: egui::RichText = text.into();
        let w = self.widths.get(self.col).copied().unwrap_or(60.0);
        self.col += 1;
        let full = text.text().to_owned();
        let r = left_cut(ui, w, text);
        if !full.trim().is_empty() {
            r.on_hover_text(full);
        }
    }

    /// Ends the row.
    pub fn end(&mut self, ui: &mut egui::Ui) {
        self.col = 0;
        ui.end_row();
    }
}

/// `text` in a `width`-wide cell, left-aligned and cut to it.
pub fn left_cut(
    ui: &mut egui::Ui,
    width: f32,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    let h = ui.text_style_height(&egui::TextStyle::Body);
    ui.allocate_ui_with_layout(
        egui::vec2(width, h),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            ui.add(egui::Label::new(text).truncate())
        },
    )
    .inner
}

/// A verdict's badge text and colour. While a dump is still being read (a preview) "good"
/// is not known yet: it reads "reading". A worse verdict already holds, since more stats
/// can only add findings.
pub fn verdict_badge(
    v: crate::analyze::findings::Verdict,
    partial: bool,
) -> (&'static str, Color32) {
    if partial && v == crate::analyze::findings::Verdict::Good {
        return ("reading", Color32::from_gray(110));
    }
    (v.name(), verdict_color(v))
}

/// The colour of a verdict.
pub fn verdict_color(v: crate::analyze::findings::Verdict) -> Color32 {
    use crate::analyze::findings::Verdict;
    match v {
        Verdict::Good => Color32::from_rgb(60, 170, 90),
        Verdict::Degraded => Color32::from_rgb(220, 140, 30),
        Verdict::Bad => Color32::from_rgb(215, 60, 60),
    }
}

/// The colour of a finding's severity.
pub fn severity_color(s: crate::analyze::findings::Severity) -> Color32 {
    use crate::analyze::findings::Severity;
    match s {
        Severity::Info => Color32::from_rgb(90, 150, 220),
        Severity::Warning => Color32::from_rgb(220, 140, 30),
        Severity::Error => Color32::from_rgb(215, 60, 60),
    }
}

/// The colour of a connection or ICE state.
pub fn state_color(state: &str) -> Color32 {
    match state {
        "connected" | "completed" | "stable" | "complete" => Color32::from_rgb(60, 170, 90),
        "failed" => Color32::from_rgb(215, 60, 60),
        "disconnected" => Color32::from_rgb(230, 150, 40),
        "checking"
        | "connecting"
        | "gathering"
        | "have-local-offer"
        | "have-remote-offer"
        | "have-local-pranswer"
        | "have-remote-pranswer" => Color32::from_rgb(80, 140, 220),
        "closed" => Color32::from_gray(120),
        _ => Color32::from_gray(160),
    }
}

/// First and last time of anything on the connection (events and stats).
pub use crate::analyze::time_span;

/// `HH:MM:SS.mmm` (UTC) of a time.
pub fn clock(t: Timestamp) -> String {
    let iso = t.to_iso8601();
    iso.get(11..23).unwrap_or(&iso).to_owned()
}

/// `12.5 s`, `3 min 20 s`.
pub fn duration_text(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {:02} s", (s / 60.0).floor(), (s % 60.0).floor())
    } else {
        format!(
            "{} h {:02} min",
            (s / 3600.0).floor(),
            ((s % 3600.0) / 60.0).floor()
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_quoting_binary_files_stay_printable() {
        assert_eq!(
            super::printable("starts with \"\0\u{1}\u{fffd}\u{2192}z\" é"),
            "starts with \"\\u{0}\\u{1}?\\u{2192}z\" é"
        );
    }
}
