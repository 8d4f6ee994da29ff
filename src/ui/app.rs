//! The viewer's frame loop. Views live in [`super::views`], one file each, and what they
//! share in [`super::state`]; views send [`Command`]s and this file applies them after the
//! frame.

use std::sync::mpsc::{Receiver, channel};

use super::loader::{Loader, Update};
use super::remote::{Browser, RemoteSettings};
pub use super::state::{AppState, Command, DumpId, OpenDump, Tab, shown_source};
use super::views;
use crate::source::remote::RemoteOptions;
use crate::source::{Source, human_bytes};

/// How many recent files are remembered.
const MAX_RECENT: usize = 12;
/// Storage key of the recent-files list.
const RECENT_KEY: &str = "recent_files";
/// Storage key of the remote connection settings.
const REMOTE_KEY: &str = "remote_settings";

/// The eframe application.
pub struct RtcscopeApp {
    /// Shared state (public for tests).
    pub state: AppState,
    loader: Loader,
    dialog: Option<Receiver<Result<Vec<std::path::PathBuf>, super::save::NoDialog>>>,
    trace: super::launch_trace::LaunchTrace,
}

impl RtcscopeApp {
    /// Creates the app and starts loading `sources`, with default remote options.
    pub fn new(cc: &eframe::CreationContext<'_>, sources: Vec<String>) -> Self {
        Self::with_remote(cc, sources, RemoteOptions::default())
    }

    /// Creates the app and starts loading `sources`, reaching remote ones with `remote`
    /// (the command line's options; a profile, region or endpoint given there wins over the
    /// persisted settings).
    pub fn with_remote(
        cc: &eframe::CreationContext<'_>,
        sources: Vec<String>,
        remote: RemoteOptions,
    ) -> Self {
        let recent = cc
            .storage
            .and_then(|s| eframe::get_value::<Vec<String>>(s, RECENT_KEY))
            .unwrap_or_default();
        let from_cli = RemoteSettings::from_options(&remote);
        let settings = if from_cli == RemoteSettings::default() {
            cc.storage
                .and_then(|s| eframe::get_value::<RemoteSettings>(s, REMOTE_KEY))
                .unwrap_or_default()
        } else {
            from_cli
        };
        let mut app = RtcscopeApp {
            state: AppState {
                dumps: Vec::new(),
                errors: Vec::new(),
                selected: None,
                tab: Tab::Summary,
                recent,
                timeline: Default::default(),
                stats: Default::default(),
                ice: Default::default(),
                sdp: Default::default(),
                show_warnings: false,
                show_help: false,
                show_about: false,
                open_prompt: None,
                compare: None,
                saver: Default::default(),
                compare_b_on_load: None,
                remote_base: remote,
                remote: settings,
                browser: Browser::default(),
                compare_on_load: match sources.as_slice() {
                    [a, b] => Some((a.clone(), b.clone())),
                    _ => None,
                },
                sidebar: Default::default(),
                commands: Vec::new(),
                next_id: 1,
                focus: None,
            },
            loader: Loader::default(),
            dialog: None,
            trace: super::launch_trace::LaunchTrace::from_env(),
        };
        for s in sources {
            app.open(s, &cc.egui_ctx);
        }
        app
    }

    /// Starts loading a source in the background.
    pub fn open(&mut self, source: String, ctx: &egui::Context) {
        let options = self.state.remote.options(&self.state.remote_base);
        let id = DumpId(self.state.next_id);
        self.state.next_id += 1;
        self.loader.open(id, source, &options, ctx);
    }

    /// Whether any source is still loading.
    pub fn is_loading(&self) -> bool {
        self.loader.is_busy()
    }

    fn remember(&mut self, source: &str) {
        // Standard input cannot be opened again, and a pre-signed URL is a credential.
        let path = match Source::parse(source) {
            Ok(Source::Path(p)) => std::fs::canonicalize(&p)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| source.to_owned()),
            Ok(other) => match other.persistable() {
                Some(s) => s,
                None => return,
            },
            Err(_) => return,
        };
        self.state.recent.retain(|r| *r != path);
        self.state.recent.insert(0, path);
        self.state.recent.truncate(MAX_RECENT);
    }

    /// Takes previews and finished loads into the state. A preview is listed at once and
    /// replaced in place, same id, by the finished dump; a failed or cancelled load takes
    /// its preview away.
    fn collect_loads(&mut self) {
        for done in self.loader.poll() {
            let (loaded, partial) = match done.update {
                Update::Preview(loaded) => (loaded, true),
                Update::Done(Ok(loaded)) => {
                    self.remember(&done.source);
                    (loaded, false)
                }
                Update::Done(Err(e)) => {
                    // Its preview, if one was listed, goes.
                    self.close_dump(done.id);
                    // Errors may quote the file: escape what the fonts cannot draw, once.
                    self.state.errors.push(views::printable(&e));
                    continue;
                }
            };
            let has_pc = !loaded.dump.peer_connections.is_empty();
            let s = &mut self.state;
            if let Some(open) = s.dumps.iter_mut().find(|d| d.id == done.id) {
                // The chosen connection stays chosen, wherever the new dump lists it.
                let chosen = match s.selected {
                    Some((sel, Some(pc))) if sel == done.id => {
                        open.dump.peer_connections.get(pc).map(|c| c.id.clone())
                    }
                    _ => None,
                };
                open.dump = loaded.dump;
                open.analysis = loaded.analysis;
                open.partial = partial;
                open.revision += 1;
                if let Some(chosen) = chosen {
                    let at = open
                        .dump
                        .peer_connections
                        .iter()
                        .position(|c| c.id == chosen);
                    s.selected = Some((done.id, at.or(has_pc.then_some(0))));
                }
            } else {
                let name = Source::parse(&done.source)
                    .map_or_else(|_| done.source.clone(), |src| src.file_name());
                s.dumps.push(OpenDump {
                    id: done.id,
                    source: done.source,
                    name,
                    dump: loaded.dump,
                    analysis: loaded.analysis,
                    partial,
                    revision: 0,
                });
            }
            // A preview with no connection yet does not take the selection from a later one.
            let unchosen = match s.selected {
                None => true,
                Some((sel, None)) => sel == done.id,
                Some(_) => false,
            };
            if unchosen && (has_pc || !partial) {
                s.selected = Some((done.id, has_pc.then_some(0)));
                s.tab = if has_pc { Tab::Summary } else { Tab::Media };
            }
        }
    }

    /// With two sources on the command line, the comparison opens once both have loaded.
    fn maybe_compare(&mut self) {
        let find = |dumps: &[OpenDump], src: &str| {
            dumps
                .iter()
                .find(|d| d.source == src && !d.dump.peer_connections.is_empty())
                .map(|d| d.id)
        };
        if let Some(src) = self.state.compare_b_on_load.clone()
            && let Some(id) = find(&self.state.dumps, &src)
        {
            self.state.compare_b_on_load = None;
            if let Some(c) = &mut self.state.compare {
                c.b = (id, 0);
                c.pair = 0;
            }
        }
        if self.loader.is_busy() {
            return;
        }
        let s = &mut self.state;
        let Some((a, b)) = s.compare_on_load.take() else {
            return;
        };
        // Loads finish in any order: find each dump by its source.
        if let (Some(ia), Some(ib)) = (find(&s.dumps, &a), find(&s.dumps, &b)) {
            s.compare = Some(views::compare::CompareState::new((ia, 0), (ib, 0)));
            s.tab = Tab::Compare;
        }
    }

    /// Does what a keyboard shortcut asks.
    fn shortcut(&mut self, action: super::shortcuts::Action, ctx: &egui::Context) {
        use super::shortcuts::Action;
        let s = &mut self.state;
        match action {
            Action::Open => self.open_dialog(ctx),
            Action::Search => {
                if s.selected.is_some_and(|(_, p)| p.is_some()) {
                    s.tab = Tab::Stats;
                    ctx.memory_mut(|m| m.request_focus(views::stats::search_id()));
                }
            }
            Action::CloseDialogs => {
                s.show_warnings = false;
                s.browser.open = false;
                s.show_help = false;
                s.show_about = false;
                s.open_prompt = None;
                s.saver.pending().take();
            }
            Action::Tab(tab) => {
                let has_pc = s.selected.is_some_and(|(_, p)| p.is_some());
                if has_pc || tab == Tab::Media {
                    s.tab = tab;
                }
            }
            Action::CloseDump => {
                if let Some((d, _)) = s.selected {
                    s.send(Command::Close(d));
                }
            }
            Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// Applies what the views asked for during the frame.
    fn apply_commands(&mut self) {
        for command in std::mem::take(&mut self.state.commands) {
            self.apply(command);
        }
    }

    /// Applies one command.
    pub fn apply(&mut self, command: Command) {
        let s = &mut self.state;
        match command {
            Command::Select { dump, pc, tab } => {
                s.selected = Some((dump, pc));
                match tab {
                    Some(t) => s.tab = t,
                    None if s.tab == Tab::Media && pc.is_some() => s.tab = Tab::Summary,
                    None => {}
                }
            }
            Command::Close(id) => self.close_dump(id),
            Command::Compare(a, b) => {
                s.compare = Some(views::compare::CompareState::new(a, b));
                s.tab = Tab::Compare;
            }
            Command::FocusFinding { dump, pc, finding } => self.focus_finding(dump, pc, finding),
            Command::ToggleWarnings => s.show_warnings = !s.show_warnings,
        }
    }

    /// Shows finding `finding`: its range on the plots and timeline (padded so that a moment
    /// is visible), its evidence in Stats, the range marked as a band.
    fn focus_finding(&mut self, dump: DumpId, pc: usize, finding: usize) {
        let s = &mut self.state;
        let Some(open) = s.dump(dump) else { return };
        let Some(f) = open.analysis.findings.get(finding) else {
            return;
        };
        let Some(p) = open.dump.peer_connections.get(pc) else {
            return;
        };
        let origin = views::stats::origin_of(p);
        let end = open
            .analysis
            .connections
            .get(pc)
            .and_then(|c| c.span)
            .map_or(origin, |(_, b)| b);
        let (a, b) = match (f.start_ms, f.end_ms) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a),
            _ => (origin, end),
        };
        let pad = ((b - a) * 0.1).max(2000.0);
        let series: Vec<(String, String)> = f
            .evidence
            .iter()
            .filter_map(|e| match e {
                crate::analyze::findings::Evidence::Series { report, stat } => {
                    Some((report.clone(), stat.clone()))
                }
                crate::analyze::findings::Evidence::Event { .. } => None,
            })
            .collect();
        // The evidence on the key chart that shows it, else its own plot.
        let target =
            series
                .first()
                .map(|(report, stat)| match views::key_charts::chart_for(stat) {
                    Some(name) => views::stats::ScrollTarget::Key(name),
                    None => views::stats::ScrollTarget::Series {
                        report: report.clone(),
                        stat: stat.clone(),
                    },
                });
        s.focus = Some(super::state::Focus {
            dump,
            pc,
            finding,
            range: (a, b),
        });
        s.selected = Some((dump, Some(pc)));
        s.stats
            .zoom_to((a - pad - origin) / 1000.0, (b + pad - origin) / 1000.0);
        s.timeline.focus = Some((a - pad, b + pad));
        s.stats.search.clear();
        s.stats.highlight = series;
        s.stats.scroll_to = target;
        s.tab = Tab::Stats;
    }

    /// Opens the native file dialog on its own thread, so that no frame waits for it.
    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("open dialog".into())
            .spawn(move || {
                let files = super::save::run_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Open WebRTC dumps")
                        .pick_files()
                })
                .map(Option::unwrap_or_default);
                let _ = tx.send(files);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some(rx),
            Err(e) => self
                .state
                .errors
                .push(format!("cannot open the file dialog: {e}")),
        }
    }

    fn collect_dialog(&mut self, ctx: &egui::Context) {
        let Some(rx) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(Ok(files)) => {
                self.dialog = None;
                for f in files {
                    self.open(f.to_string_lossy().into_owned(), ctx);
                }
            }
            // No dialog could open: ask for a path in the window.
            Ok(Err(super::save::NoDialog)) => {
                self.dialog = None;
                self.state.open_prompt = Some(String::new());
            }
            Err(_) => {}
        }
    }

    /// Files dropped on the window are opened; while files hover, an overlay says so.
    fn handle_drops(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let (dropped, hovering) =
            ctx.input(|i| (i.raw.dropped_files.clone(), !i.raw.hovered_files.is_empty()));
        for file in dropped {
            let path = file.path();
            if path.as_os_str().is_empty() {
                continue;
            }
            let source = path.to_string_lossy().into_owned();
            // Dropped on the comparison: it becomes B.
            if self.state.tab == Tab::Compare && self.state.compare.is_some() {
                self.state.compare_b_on_load = Some(source.clone());
            }
            self.open(source, &ctx);
        }
        if hovering {
            let rect = ctx.content_rect();
            let painter = ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop overlay"),
            ));
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drop WebRTC dumps to open them",
                egui::FontId::proportional(28.0),
                egui::Color32::WHITE,
            );
        }
    }

    fn menu(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open...  (Ctrl+O)").clicked() {
                    self.open_dialog(&ctx);
                    ui.close();
                }
                if ui.button("Open from S3 / URL...").clicked() {
                    self.state
                        .browser
                        .show_window(&self.state.remote_base, &ctx);
                    ui.close();
                }
                ui.menu_button("Open recent", |ui| {
                    if self.state.recent.is_empty() {
                        ui.label("(none yet)");
                    }
                    for r in self.state.recent.clone() {
                        if ui.button(&r).clicked() {
                            self.open(r, &ctx);
                            ui.close();
                        }
                    }
                });
                if let Some((d, _)) = self.state.selected
                    && ui.button("Close dump  (Ctrl+W)").clicked()
                {
                    self.state.send(Command::Close(d));
                    ui.close();
                }
            });
            ui.menu_button("View", |ui| {
                let mut pref = ctx.options(|o| o.theme_preference);
                let before = pref;
                ui.radio_value(
                    &mut pref,
                    egui::ThemePreference::System,
                    "Follow the system",
                );
                ui.radio_value(&mut pref, egui::ThemePreference::Light, "Light");
                ui.radio_value(&mut pref, egui::ThemePreference::Dark, "Dark");
                if pref != before {
                    ctx.set_theme(pref);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts").clicked() {
                    self.state.show_help = true;
                    ui.close();
                }
                if ui.button("About rtcscope").clicked() {
                    self.state.show_about = true;
                    ui.close();
                }
            });
            if let Some(status) = self.state.saver.status() {
                ui.weak(status);
            }
            let warnings: usize = self.state.dumps.iter().map(|d| d.dump.warnings.len()).sum();
            if warnings > 0
                && ui
                    .button(format!(
                        "{warnings} warning{}",
                        if warnings == 1 { "" } else { "s" }
                    ))
                    .clicked()
            {
                self.state.show_warnings = !self.state.show_warnings;
            }
        });
    }

    /// Closes dump `id`, keeping a sensible selection. A comparison that used it closes; one
    /// between other dumps stays as it was.
    pub fn close_dump(&mut self, id: DumpId) {
        // Closing a preview stops its load.
        self.loader.cancel_dump(id);
        let s = &mut self.state;
        let Some(at) = s.dumps.iter().position(|d| d.id == id) else {
            return;
        };
        s.dumps.remove(at);
        if s.compare
            .as_ref()
            .is_some_and(|c| c.a.0 == id || c.b.0 == id)
        {
            s.compare = None;
            if s.tab == Tab::Compare {
                s.tab = Tab::Summary;
            }
        }
        if s.focus.as_ref().is_some_and(|f| f.dump == id) {
            s.focus = None;
        }
        if s.selected.is_some_and(|(d, _)| d == id) {
            s.selected = s
                .dumps
                .get(at.min(s.dumps.len().saturating_sub(1)))
                .map(|d| (d.id, (!d.dump.peer_connections.is_empty()).then_some(0)));
        }
    }

    /// Help and About.
    fn dialogs(&mut self, ctx: &egui::Context) {
        let s = &mut self.state;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut s.show_help)
            .collapsible(false)
            .show(ctx, super::shortcuts::help);
        egui::Window::new("About rtcscope")
            .open(&mut s.show_about)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.heading(format!("rtcscope {}", env!("CARGO_PKG_VERSION")));
                ui.label(env!("CARGO_PKG_DESCRIPTION"));
                ui.label(
                    "Reads webrtc-internals exports and rtcstats dumps (rtcstats-js, Jitsi, Chrome's download), and says what went wrong.",
                );
            });
    }

    fn status(&mut self, ui: &mut egui::Ui) {
        let mut cancel = None;
        for (i, job) in self.loader.jobs().iter().enumerate() {
            ui.horizontal(|ui| {
                let verb = match Source::parse(&job.source) {
                    Ok(s) if s.is_remote() => "Downloading",
                    _ => "Loading",
                };
                ui.label(format!("{verb} {}", shown_source(&job.source)));
                let read = job.progress.bytes_read();
                let text = match job.progress.total() {
                    Some(t) => format!("{} / {}", human_bytes(read), human_bytes(t)),
                    None => human_bytes(read),
                };
                let bar = egui::ProgressBar::new(job.fraction().unwrap_or(0.0))
                    .text(text)
                    .desired_width(280.0);
                ui.add(if job.fraction().is_none() {
                    bar.animate(true)
                } else {
                    bar
                });
                if ui.button("Cancel").clicked() {
                    cancel = Some(i);
                }
            });
        }
        if let Some(i) = cancel {
            self.loader.cancel(i);
        }
        let mut dismiss = None;
        for (i, e) in self.state.errors.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.colored_label(ui.visuals().error_fg_color, e);
                if ui.small_button("Dismiss").clicked() {
                    dismiss = Some(i);
                }
            });
        }
        if let Some(i) = dismiss {
            self.state.errors.remove(i);
        }
    }
}

impl eframe::App for RtcscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.collect_loads();
        self.maybe_compare();
        self.collect_dialog(&ctx);
        for action in super::shortcuts::pressed(&ctx) {
            self.shortcut(action, &ctx);
        }
        if self.loader.is_busy() {
            // Progress bars move while bytes arrive; four times a second is smooth enough,
            // and a software renderer (no GPU) pays a core's worth for each frame.
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu(ui));
        if self.loader.is_busy() || !self.state.errors.is_empty() {
            egui::Panel::bottom("status").show(ui, |ui| self.status(ui));
        }
        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(280.0)
            .size_range(160.0..=520.0)
            .show(ui, |ui| views::sidebar::show(ui, &mut self.state));
        egui::CentralPanel::default().show(ui, |ui| views::central(ui, &mut self.state));
        if self.state.show_warnings {
            views::warnings::show(&ctx, &mut self.state);
        }
        self.dialogs(&ctx);
        views::path_prompt::save(&ctx, &self.state.saver);
        if let Some(path) = views::path_prompt::open(&ctx, &mut self.state.open_prompt) {
            self.open(path, &ctx);
        }
        if self.state.browser.open {
            let s = &mut self.state;
            for source in
                views::open_remote::show(&ctx, &mut s.browser, &mut s.remote, &s.remote_base)
            {
                self.open(source, &ctx);
            }
        }
        self.handle_drops(ui);
        self.apply_commands();
        self.trace.frame(&self.state.dumps);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.state.recent);
        eframe::set_value(storage, REMOTE_KEY, &self.state.remote);
    }
}
