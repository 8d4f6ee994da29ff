//! `RTCSCOPE_TRACE_LAUNCH=1`: prints to stderr, once each, the wall-clock time (Unix
//! milliseconds) of the first frame that lists a connection and of the first frame that shows
//! a whole dump. `benches/launch.sh` measures launch times with it, from outside the
//! process, so that start-up, the window and the load all count.

use std::time::{SystemTime, UNIX_EPOCH};

use super::state::OpenDump;

/// What has been printed so far.
#[derive(Debug, Default)]
pub struct LaunchTrace {
    on: bool,
    listed: bool,
    whole: bool,
}

impl LaunchTrace {
    /// On when `RTCSCOPE_TRACE_LAUNCH` is set to anything but `0`.
    pub fn from_env() -> Self {
        LaunchTrace {
            on: std::env::var_os("RTCSCOPE_TRACE_LAUNCH")
                .is_some_and(|v| !v.is_empty() && v != "0"),
            ..Default::default()
        }
    }

    /// Called once per frame, after the views were laid out (the frame is painted next).
    pub fn frame(&mut self, dumps: &[OpenDump]) {
        if !self.on || (self.listed && self.whole) {
            return;
        }
        let listed = dumps.iter().any(|d| !d.dump.peer_connections.is_empty());
        let whole = dumps
            .iter()
            .any(|d| !d.partial && !d.dump.peer_connections.is_empty());
        let now = || {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        };
        if listed && !self.listed {
            self.listed = true;
            eprintln!("launch: connection list at {}", now());
        }
        if whole && !self.whole {
            self.whole = true;
            eprintln!("launch: whole dump at {}", now());
        }
    }
}
