//! The keyboard shortcuts: one table, read each frame into what they ask for, and shown in
//! Help > Keyboard shortcuts.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::ui::state::Tab;

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open files (Ctrl+O).
    Open,
    /// Search the stats (Ctrl+F).
    Search,
    /// Close the open dialogs (Esc).
    CloseDialogs,
    /// Show a tab (Ctrl+1…7).
    Tab(Tab),
    /// Close the selected dump (Ctrl+W).
    CloseDump,
    /// Quit (Ctrl+Q).
    Quit,
}

/// Every shortcut: its keys, what it does, and how Help describes it.
pub fn table() -> Vec<(KeyboardShortcut, Action, String)> {
    let cmd = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
    let mut out = vec![
        (cmd(Key::O), Action::Open, "Open dumps".to_owned()),
        (cmd(Key::F), Action::Search, "Search the stats".to_owned()),
        (
            KeyboardShortcut::new(Modifiers::NONE, Key::Escape),
            Action::CloseDialogs,
            "Close dialogs".to_owned(),
        ),
        (cmd(Key::W), Action::CloseDump, "Close the dump".to_owned()),
        (cmd(Key::Q), Action::Quit, "Quit".to_owned()),
    ];
    let keys = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
    ];
    for (key, tab) in keys.into_iter().zip(Tab::ALL) {
        out.push((cmd(key), Action::Tab(tab), format!("Show {}", tab.title())));
    }
    out
}

/// The shortcuts pressed this frame (consumed, so widgets do not also see them).
pub fn pressed(ctx: &egui::Context) -> Vec<Action> {
    let table = table();
    ctx.input_mut(|i| {
        table
            .iter()
            .filter(|(s, a, _)| {
                // Esc still reaches text fields and menus; it only closes our windows.
                if *a == Action::CloseDialogs {
                    i.key_pressed(s.logical_key)
                } else {
                    i.consume_shortcut(s)
                }
            })
            .map(|(_, a, _)| *a)
            .collect()
    })
}

/// Help > Keyboard shortcuts, and the stats view's keys.
pub fn help(ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for (s, _, what) in table() {
            ui.monospace(ctx.format_shortcut(&s));
            ui.label(what);
            ui.end_row();
        }
        for (keys, what) in [
            ("+ / -", "Zoom the plots in / out"),
            ("Left / Right", "Pan the plots"),
            ("0", "Show the whole call"),
            ("Up / Down", "Previous / next event in the timeline"),
        ] {
            ui.monospace(keys);
            ui.label(what);
            ui.end_row();
        }
    });
}
