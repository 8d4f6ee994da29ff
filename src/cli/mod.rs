//! The command line: argument parsing and dispatch. Logic lives in the library modules so
//! that the viewer and the command line share it.

mod check_text;
mod diagnose;
pub mod remote;

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::analyze::summary::{Summary, summarize};
use crate::export;
use crate::model::{Dump, Timestamp};
use remote::{CacheAction, RemoteArgs};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "rtcscope",
    version,
    about = "View, inspect and export WebRTC statistics dumps",
    long_about = "View, inspect and export WebRTC statistics dumps.\n\nWithout a command, opens the viewer with the given dumps."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without a command, the viewer opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Dumps to open in the viewer: paths, `-` for standard input, `s3://bucket/key`, or
    /// `https://` URLs.
    pub sources: Vec<String>,
    /// How to reach remote sources.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode a dump and summarise it.
    Inspect {
        /// A path, or `-` for standard input.
        source: String,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the features of a dump, as rtcstats' feature extractor names them.
    Features {
        /// A path, `-`, `s3://bucket/key` or an `https://` URL.
        source: String,
        /// Print one JSON object shaped like rtcstats' own output.
        #[arg(long)]
        json: bool,
    },
    /// Say what went wrong: the verdict and findings of each dump. Exits with 3 when a
    /// finding at or above --fail-on exists.
    Check {
        /// Paths, `-`, `s3://bucket/key` or `https://` URLs.
        #[arg(required = true)]
        sources: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also write a JUnit XML report here (one test case per connection).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// The lowest severity that fails the run.
        #[arg(long, default_value = "error", value_parser = ["info", "warning", "error"])]
        fail_on: String,
        /// A TOML file overriding thresholds (`rtt_ms = 250`).
        #[arg(long, value_name = "FILE")]
        rules: Option<String>,
        /// The thresholds to start from.
        #[arg(long, default_value = "conference", value_parser = ["conference", "one-to-one", "audio-only"])]
        preset: String,
    },
    /// List the session descriptions of a peer connection, or diff two of them.
    Sdp {
        /// A path, or `-` for standard input.
        source: String,
        /// The peer connection (its id, as `inspect` lists it).
        #[arg(long)]
        pc: String,
        /// Show the semantic diff of descriptions I and J (indexes from the list).
        #[arg(long, num_args = 2, value_names = ["I", "J"])]
        diff: Option<Vec<usize>>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List S3 buckets (`s3://`), or the objects under a prefix (`s3://bucket/prefix/`).
    Ls {
        /// `s3://` for buckets, `s3://bucket[/prefix]` for objects.
        uri: String,
        /// List every object under the prefix, not only the first level.
        #[arg(long, short)]
        recursive: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or clear the download cache of remote sources.
    Cache {
        /// What to do.
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Write the numeric stats of a dump to a file.
    #[command(group(clap::ArgGroup::new("output").required(true).multiple(true).args(["csv", "png"])))]
    Export {
        /// A path, or `-` for standard input.
        source: String,
        /// Write every numeric sample as CSV to this file (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Write the default charts of each peer connection as PNG files into this folder.
        #[arg(long, value_name = "DIR")]
        png: Option<PathBuf>,
        /// Only this peer connection's charts.
        #[arg(long, value_name = "ID", requires = "png")]
        pc: Option<String>,
        /// Chart width in pixels.
        #[arg(long, default_value_t = 1200, requires = "png", value_parser = clap::value_parser!(u32).range(200..=8000))]
        width: u32,
        /// Chart height in pixels.
        #[arg(long, default_value_t = 600, requires = "png", value_parser = clap::value_parser!(u32).range(150..=8000))]
        height: u32,
    },
}

/// Exit status: the input could not be read or decoded.
const EXIT_INPUT: u8 = 2;
/// Exit status: the command line is wrong.
const EXIT_USAGE: u8 = 1;
/// Exit status of `check`: a finding at or above `--fail-on` exists.
const EXIT_FINDINGS: u8 = 3;

/// Runs the command line with the process arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(EXIT_USAGE),
            };
        }
    };
    let Some(command) = cli.command else {
        return viewer(cli.sources, &cli.remote);
    };
    match run(command, &cli.remote) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Findings) => ExitCode::from(EXIT_FINDINGS),
        Err(Failure::Input(msg)) => {
            eprintln!("rtcscope: {msg}");
            ExitCode::from(EXIT_INPUT)
        }
        Err(Failure::Output(msg)) => {
            eprintln!("rtcscope: {msg}");
            ExitCode::from(EXIT_INPUT)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("rtcscope: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// How a command failed, which decides the exit status.
pub enum Failure {
    /// The input could not be read or decoded.
    Input(String),
    /// The output could not be written.
    Output(String),
    /// The command line is wrong.
    Usage(String),
    /// `check` found what `--fail-on` fails on (its report is already printed).
    Findings,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| Failure::Output(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// Opens and decodes `arg`, with the source named in any error.
pub fn load(arg: &str, remote: &RemoteArgs) -> Result<Dump, String> {
    crate::load::load_with(arg, &remote.options(), None).map_err(|e| e.to_string())
}

/// How a source is shown in output: as given, but with a pre-signed URL's query hidden.
fn shown(arg: &str) -> String {
    crate::source::Source::parse(arg).map_or_else(|_| arg.to_owned(), |s| s.to_string())
}

fn print(text: &str) -> Result<(), Failure> {
    io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Failure::Output(format!("cannot write to standard output: {e}")))
}

fn run(command: Command, remote: &RemoteArgs) -> Result<(), Failure> {
    match command {
        Command::Ls {
            uri,
            recursive,
            json,
        } => print(&remote::ls(&uri, recursive, json, remote)?),
        Command::Cache { action } => print(&remote::cache(action)?),
        Command::Features { source, json } => print(&diagnose::features(&source, json, remote)?),
        Command::Check {
            sources,
            json,
            junit,
            fail_on,
            rules,
            preset,
        } => {
            let args = diagnose::CheckArgs {
                sources,
                json,
                junit,
                fail_on: crate::analyze::findings::Severity::parse(&fail_on)
                    .ok_or_else(|| Failure::Usage(format!("unknown severity {fail_on}")))?,
                rules,
                preset: crate::analyze::findings::Preset::parse(&preset)
                    .ok_or_else(|| Failure::Usage(format!("unknown preset {preset}")))?,
            };
            let (text, failed) = diagnose::check(args, remote)?;
            print(&text)?;
            if failed {
                return Err(Failure::Findings);
            }
            Ok(())
        }
        Command::Inspect { source, json } => {
            let dump = load(&source, remote).map_err(Failure::Input)?;
            let summary = summarize(&shown(&source), &dump);
            let text = if json {
                let mut s = serde_json::to_string_pretty(&summary)
                    .map_err(|e| Failure::Output(e.to_string()))?;
                s.push('\n');
                s
            } else {
                human_summary(&summary)
            };
            io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| Failure::Output(format!("cannot write to standard output: {e}")))
        }
        Command::Sdp {
            source,
            pc,
            diff,
            json,
        } => {
            let dump = load(&source, remote).map_err(Failure::Input)?;
            let Some(conn) = dump.peer_connections.iter().find(|p| p.id.as_str() == pc) else {
                let ids: Vec<&str> = dump
                    .peer_connections
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect();
                return Err(Failure::Usage(format!(
                    "{} has no peer connection {pc:?} (it has: {})",
                    shown(&source),
                    ids.join(", ")
                )));
            };
            let text = match diff.as_deref() {
                Some([i, j]) => {
                    let n = conn.descriptions.len();
                    let d = crate::analyze::sdp_diff::diff_descriptions(conn, *i, *j).ok_or_else(|| {
                        Failure::Usage(format!("description indexes must be below {n} (see the list without --diff)"))
                    })?;
                    if json {
                        to_json(&d)?
                    } else {
                        crate::export::sdp::human_diff(conn, *i, *j, &d)
                    }
                }
                _ => {
                    let list = crate::export::sdp::list(conn);
                    if json {
                        to_json(&list)?
                    } else {
                        crate::export::sdp::human_list(conn, &list)
                    }
                }
            };
            io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| Failure::Output(format!("cannot write to standard output: {e}")))
        }
        Command::Export {
            source,
            csv,
            png,
            pc,
            width,
            height,
        } => {
            let dump = load(&source, remote).map_err(Failure::Input)?;
            for w in &dump.warnings {
                eprintln!("warning: {}: {}", w.location, w.message);
            }
            if let Some(csv) = csv {
                let result = if csv.as_os_str() == "-" {
                    export::csv::write_samples(&dump, io::stdout().lock())
                } else {
                    std::fs::File::create(&csv)
                        .and_then(|f| export::csv::write_samples(&dump, io::BufWriter::new(f)))
                };
                let rows = result
                    .map_err(|e| Failure::Output(format!("cannot write {}: {e}", csv.display())))?;
                if csv.as_os_str() != "-" {
                    eprintln!("wrote {rows} samples to {}", csv.display());
                }
            }
            if let Some(dir) = png {
                let pcs: Vec<&crate::model::PeerConnection> = dump
                    .peer_connections
                    .iter()
                    .filter(|p| pc.as_deref().is_none_or(|id| p.id.as_str() == id))
                    .collect();
                if pcs.is_empty() {
                    return Err(Failure::Usage(match pc {
                        Some(id) => format!("{} has no peer connection {id:?}", shown(&source)),
                        None => format!("{} has no peer connections to chart", shown(&source)),
                    }));
                }
                std::fs::create_dir_all(&dir).map_err(|e| {
                    Failure::Output(format!("cannot create {}: {e}", dir.display()))
                })?;
                let mut written = 0;
                for p in pcs {
                    for chart in crate::analyze::charts::default_charts(p) {
                        let file = dir.join(format!(
                            "{}_{}.png",
                            export::png::file_safe(p.id.as_str()),
                            chart.name
                        ));
                        export::png::write_chart(&chart, p.id.as_str(), &file, width, height)
                            .map_err(Failure::Output)?;
                        written += 1;
                    }
                }
                eprintln!("wrote {written} charts to {}", dir.display());
            }
            Ok(())
        }
    }
}

/// The human-readable form of a summary.
pub fn human_summary(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "source:       {}", s.source);
    let compression = if s.compression_layers.is_empty() {
        String::new()
    } else {
        format!(" ({})", s.compression_layers.join(" > "))
    };
    let _ = writeln!(o, "format:       {}{compression}", s.format);
    if let Some(ua) = &s.user_agent {
        let _ = writeln!(o, "user agent:   {ua}");
    }
    if !s.client.brands.is_empty() || s.client.platform.is_some() {
        let _ = writeln!(
            o,
            "browser:      {}{}",
            s.client.brands.join(", "),
            s.client
                .platform
                .as_deref()
                .map(|p| format!(" on {p}"))
                .unwrap_or_default()
        );
    }
    if let Some(url) = &s.client.url {
        let _ = writeln!(o, "page:         {url}");
    }
    if let Some(c) = &s.component {
        let _ = writeln!(
            o,
            "component:    {} (sessions: {})",
            c.application.as_deref().unwrap_or("unknown"),
            c.session_ids.join(", ")
        );
        for (kind, n) in &c.entries {
            let _ = writeln!(o, "  {kind}: {n}");
        }
    }
    let _ = writeln!(
        o,
        "getUserMedia: {} request(s), {} failed",
        s.get_user_media.requests, s.get_user_media.failures
    );
    let _ = writeln!(o, "verdict:      {}", s.verdict);
    let _ = writeln!(o, "peer connections: {}", s.peer_connections.len());
    for pc in &s.peer_connections {
        let created = pc
            .created_ms
            .map(|t| Timestamp(t).to_iso8601())
            .unwrap_or_default();
        let _ = writeln!(o, "  {}  created {created}", pc.id);
        let _ = writeln!(
            o,
            "    verdict:    {} ({} errors, {} warnings, {} infos; see `rtcscope check`)",
            pc.verdict, pc.findings.error, pc.findings.warning, pc.findings.info
        );
        if let Some(url) = &pc.url {
            let _ = writeln!(o, "    url:        {url}");
        }
        let _ = writeln!(
            o,
            "    events:     {} ({} descriptions)",
            pc.events, pc.descriptions
        );
        for (label, states) in [
            ("connection", &pc.connection_states),
            ("ice", &pc.ice_connection_states),
            ("gathering", &pc.ice_gathering_states),
            ("signaling", &pc.signaling_states),
        ] {
            if !states.is_empty() {
                let _ = writeln!(o, "    {label:<11} {}", states.join(" → "));
            }
        }
        let st = &pc.stats;
        let span = match (st.first_ms, st.last_ms) {
            (Some(a), Some(b)) => format!(
                ", {} → {} ({:.1} s)",
                Timestamp(a),
                Timestamp(b),
                (b - a) / 1000.0
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "    stats:      {} reports, {} series, {} samples{span}",
            st.reports, st.series, st.samples
        );
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(o, "warnings ({}):", s.warnings.len());
        for w in s.warnings.iter().take(50) {
            let _ = writeln!(o, "  {}: {}", w.location, w.message);
        }
        if s.warnings.len() > 50 {
            let _ = writeln!(o, "  … and {} more (see --json)", s.warnings.len() - 50);
        }
    }
    o
}

/// Opens the viewer on `sources` (the command line without a command).
#[cfg(feature = "gui")]
fn viewer(sources: Vec<String>, remote: &remote::RemoteArgs) -> ExitCode {
    match crate::ui::run(sources, remote.options()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtcscope: {e}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

/// A build without the `gui` feature has no window to open.
#[cfg(not(feature = "gui"))]
fn viewer(_sources: Vec<String>, _remote: &remote::RemoteArgs) -> ExitCode {
    eprintln!(
        "rtcscope: this build has no viewer (built without the `gui` feature); give a command, see `rtcscope --help`"
    );
    ExitCode::from(EXIT_USAGE)
}
