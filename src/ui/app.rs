//! The viewer's state and frame loop. Views live in [`super::views`], one file each; this
//! file owns what they share (open dumps, selection, tabs) and the commands that change it.

use std::sync::mpsc::{Receiver, channel};

use super::loader::Loader;
use super::remote::{Browser, RemoteSettings};
use super::views;
use crate::model::Dump;
use crate::source::remote::RemoteOptions;
use crate::source::{Source, human_bytes};

/// How many recent files are remembered.
const MAX_RECENT: usize = 12;
/// Storage key of the recent-files list.
const RECENT_KEY: &str = "recent_files";
/// Storage key of the remote connection settings.
const REMOTE_KEY: &str = "remote_settings";

/// A decoded dump that is open in the window.
pub struct OpenDump {
    /// The source as the user named it.
    pub source: String,
    /// A short name for lists (the file name).
    pub name: String,
    /// The decoded dump.
    pub dump: Dump,
    /// Per connection, per report: the time beyond which samples are not joined
    /// ([`crate::analyze::plots::gap_ms`]), computed once when the dump arrives.
    gaps: Vec<Vec<f64>>,
}

impl OpenDump {
    /// A dump ready for the views.
    pub fn new(source: String, name: String, dump: Dump) -> Self {
        let gaps = dump
            .peer_connections
            .iter()
            .map(|pc| {
                pc.stats
                    .reports
                    .iter()
                    .map(|r| crate::analyze::plots::gap_ms(&r.timestamps))
                    .collect()
            })
            .collect();
        OpenDump {
            source,
            name,
            dump,
            gaps,
        }
    }

    /// The gap threshold of report `report` of connection `pc`.
    pub fn gap_ms(&self, pc: usize, report: usize) -> f64 {
        self.gaps
            .get(pc)
            .and_then(|g| g.get(report))
            .copied()
            .unwrap_or(crate::analyze::plots::DEFAULT_GAP_MS)
    }
}

/// The views of a peer connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Client, configuration and state lanes.
    Overview,
    /// Every API call and event.
    Timeline,
    /// A plot for every numeric stat.
    Stats,
    /// The ICE candidate grid.
    Ice,
    /// Session descriptions and their differences.
    Sdp,
    /// getUserMedia / getDisplayMedia requests of the dump.
    Media,
    /// Two connections side by side.
    Compare,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Timeline,
        Tab::Stats,
        Tab::Sdp,
        Tab::Ice,
        Tab::Media,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Timeline => "Timeline",
            Tab::Stats => "Stats",
            Tab::Ice => "ICE",
            Tab::Sdp => "SDP",
            Tab::Media => "getUserMedia",
            Tab::Compare => "Comparison",
        }
    }
}

/// What the views share.
pub struct AppState {
    /// Open dumps, in the order they were opened.
    pub dumps: Vec<OpenDump>,
    /// Sources that could not be opened, with why.
    pub errors: Vec<String>,
    /// The selected dump and, within it, peer connection.
    pub selected: Option<(usize, Option<usize>)>,
    /// The selected view.
    pub tab: Tab,
    /// Recently opened files, most recent first.
    pub recent: Vec<String>,
    /// Timeline filter and expanded row.
    pub timeline: views::timeline::TimelineState,
    /// Stats search, toggles and zoom.
    pub stats: views::stats::StatsState,
    /// The moment the ICE grid shows.
    pub ice: views::ice::IceState,
    /// The selected and compared descriptions.
    pub sdp: views::sdp::SdpState,
    /// Whether the warnings window is open.
    pub show_warnings: bool,
    /// Two connections being compared.
    pub compare: Option<views::compare::CompareState>,
    /// Background saves (PNG, CSV) and their last outcome.
    pub saver: super::save::Saver,
    /// The two sources to compare once both are loaded (`rtcscope A B`), in that order.
    pub compare_on_load: Option<(String, String)>,
    /// A file dropped on the comparison: once loaded, it becomes B.
    pub compare_b_on_load: Option<String>,
    /// Remote options from the command line (timeouts, CA bundle, cache).
    pub remote_base: RemoteOptions,
    /// Profile, region and endpoint as chosen in the window (persisted).
    pub remote: RemoteSettings,
    /// The "Open from S3 / URL" window.
    pub browser: Browser,
}

/// The eframe application.
pub struct RtcscopeApp {
    /// Shared state (public for tests).
    pub state: AppState,
    loader: Loader,
    dialog: Option<Receiver<Vec<std::path::PathBuf>>>,
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
                tab: Tab::Overview,
                recent,
                timeline: Default::default(),
                stats: Default::default(),
                ice: Default::default(),
                sdp: Default::default(),
                show_warnings: false,
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
            },
            loader: Loader::default(),
            dialog: None,
        };
        for s in sources {
            app.open(s, &cc.egui_ctx);
        }
        app
    }

    /// Starts loading a source in the background.
    pub fn open(&mut self, source: String, ctx: &egui::Context) {
        let options = self.state.remote.options(&self.state.remote_base);
        self.loader.open(source, &options, ctx);
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

    /// Takes finished loads into the state.
    fn collect_loads(&mut self) {
        for done in self.loader.poll() {
            match done.result {
                Ok(dump) => {
                    self.remember(&done.source);
                    let name = Source::parse(&done.source)
                        .map_or_else(|_| done.source.clone(), |s| s.file_name());
                    self.state
                        .dumps
                        .push(OpenDump::new(done.source, name, dump));
                    if self.state.selected.is_none() {
                        let d = self.state.dumps.len() - 1;
                        let first_pc =
                            (!self.state.dumps[d].dump.peer_connections.is_empty()).then_some(0);
                        self.state.selected = Some((d, first_pc));
                        if first_pc.is_none() {
                            self.state.tab = Tab::Media;
                        }
                    }
                }
                Err(e) => self.state.errors.push(e),
            }
        }
    }

    /// With two sources on the command line, the comparison opens once both have loaded.
    fn maybe_compare(&mut self) {
        if let Some(src) = self.state.compare_b_on_load.clone()
            && let Some(d) = self
                .state
                .dumps
                .iter()
                .position(|d| d.source == src && !d.dump.peer_connections.is_empty())
        {
            self.state.compare_b_on_load = None;
            if let Some(c) = &mut self.state.compare {
                c.b = (d, 0);
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
        let find = |src: &str| {
            s.dumps
                .iter()
                .position(|d| d.source == src && !d.dump.peer_connections.is_empty())
        };
        if let (Some(ia), Some(ib)) = (find(&a), find(&b)) {
            s.compare = Some(views::compare::CompareState::new((ia, 0), (ib, 0)));
            s.tab = Tab::Compare;
        }
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
                let files = rfd::FileDialog::new()
                    .set_title("Open WebRTC dumps")
                    .pick_files()
                    .unwrap_or_default();
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
        if let Ok(files) = rx.try_recv() {
            self.dialog = None;
            for f in files {
                self.open(f.to_string_lossy().into_owned(), ctx);
            }
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
                    self.state.browser.show_window(&self.state.remote_base);
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
                    && ui.button("Close dump").clicked()
                {
                    self.close_dump(d);
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

    /// Closes dump `d`, keeping a sensible selection.
    pub fn close_dump(&mut self, d: usize) {
        if d >= self.state.dumps.len() {
            return;
        }
        self.state.dumps.remove(d);
        self.state.selected = if self.state.dumps.is_empty() {
            None
        } else {
            let d = d.min(self.state.dumps.len() - 1);
            Some((
                d,
                (!self.state.dumps[d].dump.peer_connections.is_empty()).then_some(0),
            ))
        };
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
        if ctx.input_mut(|i| {
            i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND,
                egui::Key::O,
            ))
        }) {
            self.open_dialog(&ctx);
        }
        if self.loader.is_busy() {
            // Progress bars move while bytes arrive.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu(ui));
        if self.loader.is_busy() || !self.state.errors.is_empty() {
            egui::Panel::bottom("status").show(ui, |ui| self.status(ui));
        }
        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| views::sidebar::show(ui, &mut self.state));
        egui::CentralPanel::default().show(ui, |ui| views::central(ui, &mut self.state));
        if self.state.show_warnings {
            views::warnings::show(&ctx, &mut self.state);
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
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.state.recent);
        eframe::set_value(storage, REMOTE_KEY, &self.state.remote);
    }
}

/// A source as the window shows it: a pre-signed URL's query hidden.
pub fn shown_source(source: &str) -> String {
    Source::parse(source).map_or_else(|_| source.to_owned(), |s| s.to_string())
}
