//! The sidebar: open dumps, their peer connections coloured by health, and their media
//! requests.

use super::{duration_text, final_state, state_color, time_span};
use crate::model::MediaOutcome;
use crate::ui::app::{AppState, Tab};

/// Shows the sidebar.
pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    ui.heading("Dumps");
    if state.dumps.is_empty() {
        ui.label("Nothing open yet.");
        return;
    }
    let mut select = None;
    let mut close = None;
    let mut compare_with = None;
    let all = &state.dumps;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (d, open) in all.iter().enumerate() {
            let dump = &open.dump;
            let header = egui::CollapsingHeader::new(egui::RichText::new(&open.name).strong())
                .id_salt(("dump", d))
                .default_open(true);
            let response = header.show(ui, |ui| {
                let compression = dump
                    .compression
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(" > ");
                ui.weak(if compression.is_empty() {
                    dump.format.name().to_owned()
                } else {
                    format!("{} ({compression})", dump.format.name())
                });
                if let Some(c) = &dump.component {
                    ui.label(format!(
                        "Jitsi {} component dump: no peer connections",
                        c.application.as_deref().unwrap_or("backend")
                    ));
                }
                for (p, pc) in dump.peer_connections.iter().enumerate() {
                    let final_state = final_state(pc).unwrap_or("no state");
                    let duration = time_span(pc)
                        .map(|(a, b)| duration_text(b - a))
                        .unwrap_or_default();
                    let selected = state.selected == Some((d, Some(p))) && state.tab != Tab::Media;
                    let text = egui::RichText::new(format!("{}  {final_state}  {duration}", pc.id))
                        .color(state_color(final_state));
                    let r = ui.selectable_label(selected, text);
                    let r = match &pc.url {
                        Some(url) => r.on_hover_text(url),
                        None => r,
                    };
                    if r.clicked() {
                        select = Some((d, Some(p), None));
                    }
                    r.context_menu(|ui| {
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
                            for (d2, other) in all.iter().enumerate() {
                                for (p2, pc2) in other.dump.peer_connections.iter().enumerate() {
                                    if (d2, p2) != (d, p)
                                        && ui.button(format!("{} {}", other.name, pc2.id)).clicked()
                                    {
                                        compare_with = Some(((d, p), (d2, p2)));
                                        ui.close();
                                    }
                                }
                            }
                        });
                    });
                }
                if dump.peer_connections.is_empty() && dump.component.is_none() {
                    ui.weak("no peer connections");
                }
                if !dump.get_user_media.is_empty() {
                    let failed = dump
                        .get_user_media
                        .iter()
                        .filter(|r| matches!(r.outcome, MediaOutcome::Failure { .. }))
                        .count();
                    let label = format!(
                        "{} media request{}, {failed} failed",
                        dump.get_user_media.len(),
                        if dump.get_user_media.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    );
                    if ui
                        .selectable_label(
                            state.selected == Some((d, None))
                                || (state.tab == Tab::Media
                                    && state.selected.map(|s| s.0) == Some(d)),
                            label,
                        )
                        .clicked()
                    {
                        select = Some((
                            d,
                            state
                                .selected
                                .and_then(|s| (s.0 == d).then_some(s.1))
                                .flatten(),
                            Some(Tab::Media),
                        ));
                    }
                }
                if !dump.warnings.is_empty() {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        match dump.warnings.len() {
                            1 => "1 warning".to_owned(),
                            n => format!("{n} warnings"),
                        },
                    );
                }
            });
            response.header_response.context_menu(|ui| {
                if ui.button("Close").clicked() {
                    close = Some(d);
                    ui.close();
                }
            });
        }
    });
    if let Some((a, b)) = compare_with {
        state.compare = Some(crate::ui::views::compare::CompareState::new(a, b));
        state.tab = Tab::Compare;
    }
    if let Some((d, p, tab)) = select {
        state.selected = Some((d, p));
        match tab {
            Some(t) => state.tab = t,
            None if state.tab == Tab::Media => state.tab = Tab::Overview,
            None => {}
        }
    }
    if let Some(d) = close {
        state.dumps.remove(d);
        state.selected = (!state.dumps.is_empty()).then(|| {
            let d = d.min(state.dumps.len() - 1);
            (
                d,
                (!state.dumps[d].dump.peer_connections.is_empty()).then_some(0),
            )
        });
    }
}
