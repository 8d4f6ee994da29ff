//! Every API call and event of a connection, in order: absolute time and time since the
//! connection was created, name and a one-line summary; calls paired with their results
//! and timed; failures and `failed` states in red, `connected`/`completed` in green; a text
//! filter and category toggles; the selected row's full value below.

use std::collections::HashSet;

use super::{clock, overview::json_block};
use crate::analyze::timeline::{
    Category, category, is_bad, is_good, is_result, pair_calls, summarize,
};
use crate::model::PeerConnection;
use crate::ui::state::OpenDump;

/// The timeline's filter, selection and caches.
#[derive(Default)]
pub struct TimelineState {
    /// Substring filter over names and summaries (case-insensitive).
    pub filter: String,
    /// Categories switched off.
    pub hidden: HashSet<Category>,
    /// The selected event (index into the connection's events).
    pub selected: Option<usize>,
    /// Only events in this range (epoch ms), set by clicking a finding.
    pub focus: Option<(f64, f64)>,
    cache: Option<Cache>,
}

struct Cache {
    key: (String, usize, usize),
    filter: String,
    hidden: Vec<Category>,
    focus: Option<(f64, f64)>,
    partners: Vec<Option<usize>>,
    summaries: Vec<String>,
    rows: Vec<usize>,
}

impl TimelineState {
    fn refresh(&mut self, source: &str, p: usize, pc: &PeerConnection) -> &Cache {
        let key = (source.to_owned(), p, pc.events.len());
        let mut hidden: Vec<Category> = self.hidden.iter().copied().collect();
        hidden.sort_by_key(|c| Category::ALL.iter().position(|x| x == c));
        let stale = self.cache.as_ref().is_none_or(|c| c.key != key);
        if stale {
            self.selected = None;
            self.cache = Some(Cache {
                key,
                filter: String::new(),
                hidden: Vec::new(),
                focus: None,
                partners: pair_calls(&pc.events),
                summaries: pc.events.iter().map(|e| summarize(e, pc)).collect(),
                rows: (0..pc.events.len()).collect(),
            });
        }
        let cache = self.cache.as_mut().expect("just filled");
        if stale
            || cache.filter != self.filter
            || cache.hidden != hidden
            || cache.focus != self.focus
        {
            let focus = self.focus;
            let needle = self.filter.to_lowercase();
            cache.rows = pc
                .events
                .iter()
                .enumerate()
                .filter(|(i, e)| {
                    !hidden.contains(&category(&e.name))
                        && focus.is_none_or(|(a, b)| e.time.0 >= a && e.time.0 <= b)
                        && (needle.is_empty()
                            || e.name.to_lowercase().contains(&needle)
                            || cache.summaries[*i].to_lowercase().contains(&needle))
                })
                .map(|(i, _)| i)
                .collect();
            cache.filter = self.filter.clone();
            cache.hidden = hidden;
            cache.focus = focus;
        }
        cache
    }
}

/// Shows the timeline of connection `p` of `open`.
pub fn show(ui: &mut egui::Ui, open: &OpenDump, p: usize, state: &mut TimelineState) {
    let Some(pc) = open.dump.peer_connections.get(p) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut state.filter)
                .hint_text("name or value")
                .desired_width(220.0),
        )
        .on_hover_text("Shows events whose name or value contains this text");
        for c in Category::ALL {
            let mut shown = !state.hidden.contains(&c);
            if ui.checkbox(&mut shown, c.label()).changed() {
                if shown {
                    state.hidden.remove(&c);
                } else {
                    state.hidden.insert(c);
                }
            }
        }
    });
    let created = pc.created.map_or(f64::NAN, |t| t.0);
    if let Some((a, b)) = state.focus {
        ui.horizontal(|ui| {
            ui.label(format!(
                "Events from {:+.1} s to {:+.1} s (the finding's range)",
                (a - created) / 1000.0,
                (b - created) / 1000.0
            ));
            if ui.button("Show all").clicked() {
                state.focus = None;
            }
        });
    }
    state.refresh(&open.source, p, pc);
    // Up/Down move the selection through the rows shown.
    let mut moved_to = None;
    if !ui.ctx().egui_wants_keyboard_input() {
        let (up, down) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
            )
        });
        let rows = &state.cache.as_ref().expect("refreshed").rows;
        if !rows.is_empty() && (up || down) {
            let at = state
                .selected
                .and_then(|s| rows.iter().position(|&r| r == s));
            let k = match at {
                None => 0,
                Some(k) if down => (k + 1).min(rows.len() - 1),
                Some(k) => k.saturating_sub(1),
            };
            moved_to = Some((k, rows[k]));
        }
    }
    if let Some((_, event)) = moved_to {
        state.selected = Some(event);
    }
    let selected = state.selected;
    let cache = state.cache.as_ref().expect("refreshed");
    ui.label(format!(
        "{} of {} events",
        cache.rows.len(),
        pc.events.len()
    ));
    let mut clicked = None;
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    let detail_h = if selected.is_some() {
        (ui.available_height() * 0.4).max(120.0)
    } else {
        0.0
    };
    // The value column takes what the others leave, cut to it (in full on hover and below
    // when selected), so rows never run past the window.
    let value_w = (ui.available_width() - 540.0).max(60.0);
    let mut area = egui::ScrollArea::vertical()
        .id_salt("timeline rows")
        .max_height(ui.available_height() - detail_h)
        .auto_shrink([false, false]);
    if let Some((k, _)) = moved_to {
        // Keep the selected row in view, a few rows from the top.
        area = area.vertical_scroll_offset(((k as f32 - 3.0) * row_h).max(0.0));
    }
    area.show_rows(ui, row_h, cache.rows.len(), |ui, range| {
        egui::Grid::new("timeline grid")
            .num_columns(5)
            .striped(true)
            .min_row_height(row_h)
            .show(ui, |ui| {
                for &i in &cache.rows[range] {
                    let e = &pc.events[i];
                    let color = if is_bad(e) {
                        Some(ui.visuals().error_fg_color)
                    } else if is_good(e) {
                        Some(egui::Color32::from_rgb(60, 170, 90))
                    } else {
                        None
                    };
                    let text = |s: String| {
                        let t = egui::RichText::new(s);
                        match color {
                            Some(c) => t.color(c),
                            None => t,
                        }
                    };
                    ui.monospace(clock(e.time));
                    ui.monospace(format!("{:+.3}", (e.time.0 - created) / 1000.0));
                    if ui
                        .selectable_label(selected == Some(i), text(e.name.clone()))
                        .clicked()
                    {
                        clicked = Some(i);
                    }
                    match cache.partners[i] {
                        Some(j) if is_result(&e.name).is_none() => {
                            let result = &pc.events[j];
                            ui.label(text(format!(
                                "-> {} after {:.1} ms",
                                if result.is_failure() { "failed" } else { "ok" },
                                result.time.0 - e.time.0
                            )));
                        }
                        Some(j) => {
                            ui.weak(format!("<- {:.1} ms", e.time.0 - pc.events[j].time.0));
                        }
                        None => {
                            ui.label("");
                        }
                    }
                    let summary = &cache.summaries[i];
                    let r = super::left_cut(ui, value_w, text(summary.clone()));
                    if summary.len() > 60 {
                        r.on_hover_text(summary);
                    }
                    ui.end_row();
                }
            });
    });
    if let Some(i) = clicked {
        state.selected = if state.selected == Some(i) {
            None
        } else {
            Some(i)
        };
    }
    if let Some(i) = state.selected
        && let Some(e) = pc.events.get(i)
    {
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("timeline detail")
            .show(ui, |ui| {
                ui.strong(format!(
                    "{}  at {}  ({:+.3} s)",
                    e.name,
                    e.time,
                    (e.time.0 - created) / 1000.0
                ));
                if let Some(c) = &e.correlation {
                    ui.label(format!("correlation id {c}"));
                }
                match e.description.and_then(|d| pc.descriptions.get(d)) {
                    Some(d) => {
                        ui.label(format!(
                            "{} description, {} lines",
                            d.sdp_type.as_str(),
                            d.sdp.lines().count()
                        ));
                        json_block(ui, &serde_json::Value::String(d.sdp.clone()));
                    }
                    None => json_block(ui, &e.value),
                }
                if !e.extras.is_empty() {
                    ui.label("extras");
                    json_block(ui, &serde_json::Value::Array(e.extras.clone()));
                }
            });
    }
}
