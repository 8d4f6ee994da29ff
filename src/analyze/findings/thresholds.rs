//! Every threshold of every rule in one table, with presets, overridable from TOML
//! (`--rules FILE`). The README lists each with the reason for its value.

use serde::{Deserialize, Serialize};

/// The thresholds the rules use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// `slow-setup`: creation to `connected` longer than this, ms.
    pub slow_setup_ms: f64,
    /// `high-signaling-time`: local offer to remote answer longer than this, ms.
    pub signaling_ms: f64,
    /// `high-stun-delay` / `high-turn-delay`: first srflx / relay candidate later than this
    /// after gathering started, ms.
    pub gathering_delay_ms: f64,
    /// `high-rtt`: round-trip time above this on average over a sustained range, ms.
    pub rtt_ms: f64,
    /// `high-packet-loss` for Opus audio, %.
    pub loss_opus_pct: f64,
    /// `high-packet-loss` for G.711 (PCMU/PCMA) audio, %.
    pub loss_g711_pct: f64,
    /// `high-packet-loss` for video, %.
    pub loss_video_pct: f64,
    /// `high-jitter`: average jitter above this, ms.
    pub jitter_ms: f64,
    /// How long a condition must last to count (loss, jitter, RTT, drops), ms.
    pub sustained_ms: f64,
    /// `bandwidth-collapse`: the estimate falls below this share of its earlier median.
    pub collapse_ratio: f64,
    /// `quality-limited-*`: limited for more than this share of the time, %.
    pub quality_limited_pct: f64,
    /// `resolution-drop` / `framerate-drop`: below this share of the track's median.
    pub drop_ratio: f64,
    /// `video-freezes`: at least this many freezes.
    pub freezes: f64,
    /// `video-paused`: total pauses over this, ms.
    pub paused_ms: f64,
    /// `high-decode-time`: average decode time per frame above this, ms.
    pub decode_ms: f64,
    /// `high-encode-time`: average encode time per frame above this, ms.
    pub encode_ms: f64,
    /// `audio-concealment`: concealed samples above this share, %.
    pub concealment_pct: f64,
    /// `invalid-packet-loss`: packetsLost below this.
    pub invalid_loss: f64,
    /// `clock-skew`: the writer's clock off the browser's by more than this, ms.
    pub clock_skew_ms: f64,
    /// Whether video rules apply (off in the `audio-only` preset).
    pub video: bool,
}

/// The presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// Multi-party calls through an SFU: the default.
    #[default]
    Conference,
    /// Peer-to-peer calls: tighter delay and loss.
    OneToOne,
    /// Audio-only calls: no video rules, tighter audio.
    AudioOnly,
}

impl Preset {
    /// Parses `conference`, `one-to-one` or `audio-only`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "conference" => Some(Preset::Conference),
            "one-to-one" => Some(Preset::OneToOne),
            "audio-only" => Some(Preset::AudioOnly),
            _ => None,
        }
    }
}

/// Why a rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// It could not be read.
    #[error("cannot read rules file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not valid TOML, or names an unknown threshold.
    #[error("rules file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with the line.
        message: String,
    },
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::preset(Preset::Conference)
    }
}

impl Thresholds {
    /// The thresholds of a preset.
    pub fn preset(preset: Preset) -> Self {
        let conference = Thresholds {
            slow_setup_ms: 3000.0,
            signaling_ms: 1000.0,
            gathering_delay_ms: 500.0,
            rtt_ms: 400.0,
            loss_opus_pct: 4.0,
            loss_g711_pct: 1.0,
            loss_video_pct: 5.0,
            jitter_ms: 40.0,
            sustained_ms: 5000.0,
            collapse_ratio: 0.5,
            quality_limited_pct: 5.0,
            drop_ratio: 0.5,
            freezes: 1.0,
            paused_ms: 10_000.0,
            decode_ms: 33.0,
            encode_ms: 33.0,
            concealment_pct: 3.0,
            invalid_loss: -1_000_000.0,
            clock_skew_ms: 1000.0,
            video: true,
        };
        match preset {
            Preset::Conference => conference,
            Preset::OneToOne => Thresholds {
                slow_setup_ms: 2000.0,
                rtt_ms: 300.0,
                loss_video_pct: 3.0,
                ..conference
            },
            Preset::AudioOnly => Thresholds {
                loss_opus_pct: 3.0,
                concealment_pct: 2.0,
                video: false,
                ..conference
            },
        }
    }

    /// `base` with the thresholds a TOML document sets (`rtt_ms = 250`, at the top level or
    /// under `[thresholds]`).
    pub fn with_toml(base: &Thresholds, text: &str, path: &str) -> Result<Self, RulesError> {
        let invalid = |message: String| RulesError::Invalid {
            path: path.to_owned(),
            message,
        };
        let mut doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        if let Some(toml::Value::Table(inner)) = doc.remove("thresholds") {
            doc.extend(inner);
        }
        let mut merged = toml::Table::try_from(base).map_err(|e| invalid(e.to_string()))?;
        for (k, v) in doc {
            // Integers are fine where a number is wanted.
            let v = match v {
                toml::Value::Integer(i) if merged.get(&k).is_some_and(toml::Value::is_float) => {
                    toml::Value::Float(i as f64)
                }
                other => other,
            };
            merged.insert(k, v);
        }
        merged
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))
    }

    /// [`Self::with_toml`] over a file.
    pub fn from_file(base: &Thresholds, path: &str) -> Result<Self, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.to_owned(),
            source,
        })?;
        Thresholds::with_toml(base, &text, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_differ_where_they_should() {
        let c = Thresholds::preset(Preset::Conference);
        let p = Thresholds::preset(Preset::OneToOne);
        assert!(p.rtt_ms < c.rtt_ms);
        assert!(!Thresholds::preset(Preset::AudioOnly).video);
        assert_eq!(Preset::parse("audio-only"), Some(Preset::AudioOnly));
        assert_eq!(Preset::parse("x"), None);
    }

    #[test]
    fn toml_overrides_and_refuses_unknown_names() {
        let base = Thresholds::default();
        let t = Thresholds::with_toml(&base, "rtt_ms = 250\n[thresholds]\njitter_ms = 20.5\n", "r")
            .unwrap();
        assert_eq!((t.rtt_ms, t.jitter_ms), (250.0, 20.5));
        assert_eq!(t.loss_video_pct, base.loss_video_pct);
        let e = Thresholds::with_toml(&base, "rtt = 1", "r.toml").unwrap_err();
        assert!(e.to_string().contains("rtt"), "{e}");
        assert!(Thresholds::with_toml(&base, "rtt_ms = ", "r").is_err());
    }
}
