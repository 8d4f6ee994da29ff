//! The sidebar: open dumps and their peer connections, each with its verdict and finding
//! counts as coloured badges, and their media requests. It reads the cached analysis and
//! sends commands; a filter box appears when there are many connections.

use egui::{Color32, RichText};

use super::{duration_text, severity_color, verdict_badge};
use crate::analyze::findings::{Counts, Severity, Verdict};
use crate::model::MediaOutcome;
use crate::ui::state::{AppState, Command, DumpId, OpenDump, Tab};

/// With more connections than this in all, a filter box appears.
const FILTER_FROM: usize = 8;

/// The sidebar's own state.
#[derive(Debug, Default)]
pub struct SidebarState {
    /// Shows only connections whose id or page contains this (case-insensitive).
    pub filter: String,
}

/// A small coloured badge; returns its response.
fn badge(ui: &mut egui::Ui, text: &str, color: Color32) -> egui::Response {
    ui.add(
        egui::Button::new(RichText::new(text).small().color(Color32::WHITE))
            .fill(color)
            .small()
            .corner_radius(6.0),
    )
}

/// The verdict badge and one badge per non-zero count. Returns true when the warnings (or
/// errors) badge was clicked.
fn badges(ui: &mut egui::Ui, verdict: Verdict, counts: Counts, partial: bool) -> bool {
    let mut clicked = false;
    let (name, color) = verdict_badge(verdict, partial);
    badge(ui, name, color).on_hover_text("verdict");
    for (n, severity, what) in [
        (counts.error, Severity::Error, "error"),
        (counts.warning, Severity::Warning, "warning"),
    ] {
        if n > 0 {
            let label = format!("{n} {what} finding{}", if n == 1 { "" } else { "s" });
            let r = badge(ui, &n.to_string(), severity_color(severity))
                .on_hover_text(format!("{label} (show the summary)"));
            // A screen reader says what the number counts.
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            clicked |= r.clicked();
        }
    }
    clicked
}

/// Shows the sidebar.
pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    ui.heading("Dumps");
    if state.dumps.is_empty() {
        ui.label("Nothing open yet.");
        return;
    }
    let total: usize = state
        .dumps
        .iter()
        .map(|d| d.dump.peer_connections.len())
        .sum();
    if total > FILTER_FROM {
        ui.add(
            egui::TextEdit::singleline(&mut state.sidebar.filter)
                .hint_text("filter connections")
                .desired_width(f32::INFINITY),
        );
    }
    let needle = state.sidebar.filter.to_lowercase();
    let mut commands = Vec::new();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for open in &state.dumps {
                dump_entry(ui, state, open, &needle, &mut commands);
            }
        });
    state.commands.extend(commands);
}

fn dump_entry(
    ui: &mut egui::Ui,
    state: &AppState,
    open: &OpenDump,
    needle: &str,
    commands: &mut Vec<Command>,
) {
    let dump = &open.dump;
    let a = &open.analysis;
    let id = open.id;
    // The name is cut to the sidebar's width, in full on hover: the panel keeps its width
    // whatever the file is called.
    let state_id = ui.make_persistent_id(("dump", id.0));
    let header =
        egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), state_id, true);
    let (_, header_response, _) = header
        .show_header(ui, |ui| {
            ui.add(
                egui::Label::new(RichText::new(&open.name).strong())
                    .truncate()
                    .sense(egui::Sense::click()),
            )
            .on_hover_text(&open.source)
        })
        .body(|ui| {
            ui.horizontal_wrapped(|ui| {
                if badges(ui, a.verdicts.verdict, a.verdicts.counts, open.partial) {
                    commands.push(select(id, Some(0), Some(Tab::Summary)));
                }
            });
            let compression = dump
                .compression
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(" > ");
            ui.add(
                egui::Label::new(RichText::new(if compression.is_empty() {
                    dump.format.name().to_owned()
                } else {
                    format!("{} ({compression})", dump.format.name())
                }))
                .truncate(),
            );
            if let Some(c) = &dump.component {
                ui.label(format!(
                    "Jitsi {} component dump: no peer connections",
                    c.application.as_deref().unwrap_or("backend")
                ));
            }
            for (p, pc) in dump.peer_connections.iter().enumerate() {
                if !needle.is_empty()
                    && !pc.id.as_str().to_lowercase().contains(needle)
                    && !pc
                        .url
                        .as_deref()
                        .is_some_and(|u| u.to_lowercase().contains(needle))
                {
                    continue;
                }
                connection_entry(ui, state, open, p, commands);
            }
            if dump.peer_connections.is_empty() && dump.component.is_none() {
                ui.weak("no peer connections");
            }
            media_entry(ui, state, open, commands);
            if !dump.warnings.is_empty() {
                let text = match dump.warnings.len() {
                    1 => "1 decoder warning".to_owned(),
                    n => format!("{n} decoder warnings"),
                };
                if ui
                    .link(RichText::new(text).color(ui.visuals().warn_fg_color))
                    .on_hover_text("Show what the decoder skipped or repaired")
                    .clicked()
                {
                    commands.push(Command::ToggleWarnings);
                }
            }
        });
    header_response.inner.context_menu(|ui| {
        if ui.button("Close").clicked() {
            commands.push(Command::Close(id));
            ui.close();
        }
    });
}

fn select(dump: DumpId, pc: Option<usize>, tab: Option<Tab>) -> Command {
    Command::Select { dump, pc, tab }
}

fn connection_entry(
    ui: &mut egui::Ui,
    state: &AppState,
    open: &OpenDump,
    p: usize,
    commands: &mut Vec<Command>,
) {
    let pc = &open.dump.peer_connections[p];
    let a = &open.analysis;
    let id = open.id;
    let (verdict, counts) = a
        .verdicts
        .connections
        .get(p)
        .map_or((Verdict::Good, Counts::default()), |v| {
            (v.verdict, v.counts)
        });
    let c = a.connections.get(p);
    let duration = c
        .and_then(|c| c.span)
        .map(|(s, e)| duration_text(e - s))
        .unwrap_or_default();
    let state_name = c
        .and_then(|c| c.final_state.as_deref())
        .unwrap_or("no state");
    let selected = state.selected == Some((id, Some(p))) && state.tab != Tab::Media;
    ui.horizontal(|ui| {
        let r = ui.selectable_label(
            selected,
            RichText::new(format!("{}  {state_name}  {duration}", pc.id))
                .color(super::state_color(state_name)),
        );
        let r = match &pc.url {
            Some(url) => r.on_hover_text(url),
            None => r,
        };
        if r.clicked() {
            commands.push(select(id, Some(p), None));
        }
        r.context_menu(|ui| connection_menu(ui, state, open, p, commands));
        if badges(ui, verdict, counts, open.partial) {
            commands.push(select(id, Some(p), Some(Tab::Summary)));
        }
    });
}

fn connection_menu(
    ui: &mut egui::Ui,
    state: &AppState,
    open: &OpenDump,
    p: usize,
    commands: &mut Vec<Command>,
) {
    let pc = &open.dump.peer_connections[p];
    if ui.button("Export all plots...").clicked() {
        let charts = crate::ui::save::all_plots(pc);
        let job = crate::ui::save::SaveJob::Folder {
            pc: pc.id.to_string(),
            charts,
        };
        state.saver.save(
            job,
            format!("{}_plots", crate::export::png::file_safe(pc.id.as_str())),
            ui.ctx(),
        );
        ui.close();
    }
    ui.menu_button("Compare with...", |ui| {
        for other in &state.dumps {
            for (p2, pc2) in other.dump.peer_connections.iter().enumerate() {
                if (other.id, p2) != (open.id, p)
                    && ui.button(format!("{} {}", other.name, pc2.id)).clicked()
                {
                    commands.push(Command::Compare((open.id, p), (other.id, p2)));
                    ui.close();
                }
            }
        }
    });
}

fn media_entry(ui: &mut egui::Ui, state: &AppState, open: &OpenDump, commands: &mut Vec<Command>) {
    let dump = &open.dump;
    if dump.get_user_media.is_empty() {
        return;
    }
    let failed = dump
        .get_user_media
        .iter()
        .filter(|r| matches!(r.outcome, MediaOutcome::Failure { .. }))
        .count();
    let n = dump.get_user_media.len();
    let label = format!(
        "{n} media request{}, {failed} failed",
        if n == 1 { "" } else { "s" }
    );
    let selected_here = state.selected.map(|s| s.0) == Some(open.id);
    if ui
        .selectable_label(selected_here && state.tab == Tab::Media, label)
        .clicked()
    {
        let pc = state
            .selected
            .and_then(|s| (s.0 == open.id).then_some(s.1))
            .flatten();
        commands.push(select(open.id, pc, Some(Tab::Media)));
    }
}
