//! What the window's parts share, in one leaf module: the open dumps with their cached
//! analysis, the selection, the tabs and the commands views send. Views and the loader read
//! this; only the app (`app.rs`) applies commands.

use std::sync::Arc;

use crate::analyze::analysis::Analysis;
use crate::analyze::findings::Thresholds;
use crate::model::Dump;
use crate::source::Source;
use crate::source::remote::RemoteOptions;
use crate::ui::remote::{Browser, RemoteSettings};

/// A stable id of an open dump: it never changes while the dump is open and is never reused,
/// so closing one dump cannot make a selection or a comparison point at another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DumpId(pub u64);

/// A decoded dump that is open in the window, with its analysis.
pub struct OpenDump {
    /// Its id.
    pub id: DumpId,
    /// The source as the user named it.
    pub source: String,
    /// A short name for lists (the file name).
    pub name: String,
    /// The decoded dump.
    pub dump: Arc<Dump>,
    /// Everything about it that depends only on it, computed once when it arrived.
    pub analysis: Arc<Analysis>,
    /// Still being read: this is a preview without stats, replaced (same id) when the
    /// load finishes.
    pub partial: bool,
    /// How many times the dump was replaced (previews, then the whole dump): part of the
    /// key of every view cache built from it.
    pub revision: u64,
}

/// What a view cache built from a dump is keyed by: the dump's id and revision.
pub type DataKey = (u64, u64);

impl OpenDump {
    /// A dump ready for the views, analysed here (the loader does this on its thread).
    pub fn new(id: DumpId, source: String, name: String, dump: Dump) -> Self {
        let analysis = Analysis::new(&dump, &Thresholds::default());
        OpenDump {
            id,
            source,
            name,
            dump: Arc::new(dump),
            analysis: Arc::new(analysis),
            partial: false,
            revision: 0,
        }
    }

    /// The key of view caches built from this dump's data.
    pub fn data_key(&self) -> DataKey {
        (self.id.0, self.revision)
    }

    /// The gap threshold of report `report` of connection `pc`.
    pub fn gap_ms(&self, pc: usize, report: usize) -> f64 {
        self.analysis
            .connections
            .get(pc)
            .and_then(|c| c.gaps.get(report))
            .copied()
            .unwrap_or(crate::analyze::plots::DEFAULT_GAP_MS)
    }
}

/// A finding's time range, marked as a band on the plots and the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Focus {
    /// The dump.
    pub dump: DumpId,
    /// The connection index.
    pub pc: usize,
    /// The finding's index in the dump's analysis.
    pub finding: usize,
    /// Its range, epoch ms.
    pub range: (f64, f64),
}

/// What a view asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select a dump and connection, and optionally a tab.
    Select {
        /// The dump.
        dump: DumpId,
        /// The connection, if any.
        pc: Option<usize>,
        /// The tab to show, if it changes.
        tab: Option<Tab>,
    },
    /// Close a dump.
    Close(DumpId),
    /// Compare two connections.
    Compare((DumpId, usize), (DumpId, usize)),
    /// Show a finding: its range on every plot and the timeline, its evidence in Stats.
    FocusFinding {
        /// The dump.
        dump: DumpId,
        /// The connection.
        pc: usize,
        /// The finding's index in the dump's analysis.
        finding: usize,
    },
    /// Open or close the warnings window.
    ToggleWarnings,
}

/// The views of a peer connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// What happened: the verdict, the path, key numbers per track and the findings.
    Summary,
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
    pub const ALL: [Tab; 7] = [
        Tab::Summary,
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
            Tab::Summary => "Summary",
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
    pub selected: Option<(DumpId, Option<usize>)>,
    /// The selected view.
    pub tab: Tab,
    /// Recently opened files, most recent first.
    pub recent: Vec<String>,
    /// Timeline filter and expanded row.
    pub timeline: crate::ui::views::timeline::TimelineState,
    /// Stats search, toggles and zoom.
    pub stats: crate::ui::views::stats::StatsState,
    /// The moment the ICE grid shows.
    pub ice: crate::ui::views::ice::IceState,
    /// The selected and compared descriptions.
    pub sdp: crate::ui::views::sdp::SdpState,
    /// Whether the warnings window is open.
    pub show_warnings: bool,
    /// Whether Help > Keyboard shortcuts is open.
    pub show_help: bool,
    /// Whether Help > About is open.
    pub show_about: bool,
    /// The typed path of an open whose dialog could not open.
    pub open_prompt: Option<String>,
    /// Two connections being compared.
    pub compare: Option<crate::ui::views::compare::CompareState>,
    /// Background saves (PNG, CSV) and their last outcome.
    pub saver: crate::ui::save::Saver,
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
    /// The sidebar's filter.
    pub sidebar: crate::ui::views::sidebar::SidebarState,
    /// What the views asked for this frame; the app applies them after it.
    pub commands: Vec<Command>,
    /// The id the next opened dump gets.
    pub next_id: u64,
    /// The finding whose range is marked on the plots and timeline.
    pub focus: Option<Focus>,
}

impl AppState {
    /// The open dump with id `id`.
    pub fn dump(&self, id: DumpId) -> Option<&OpenDump> {
        self.dumps.iter().find(|d| d.id == id)
    }

    /// Asks the app to do `command` after this frame.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }
}

/// A source as the window shows it: a pre-signed URL's query hidden.
pub fn shown_source(source: &str) -> String {
    Source::parse(source).map_or_else(|_| source.to_owned(), |s| s.to_string())
}
