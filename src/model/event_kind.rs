//! What kind of event a normalised event name is: part of the model, so that analysis never
//! needs the decoders' tables.

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A state machine changed (`signalingstatechange`, `connectionstatechange`, …): the
    /// value is the new state.
    StateChange,
    /// An ICE candidate gathered, added or in error.
    Candidate,
    /// A getStats call listed on the timeline.
    GetStats,
    /// Anything else: API calls, their results, tracks, channels.
    Other,
}

impl EventKind {
    /// The kind of a normalised event name.
    pub fn of(name: &str) -> Self {
        match name {
            "signalingstatechange"
            | "iceconnectionstatechange"
            | "connectionstatechange"
            | "icegatheringstatechange"
            | "legacyiceconnectionstatechange"
            | "dtlsstatechange" => EventKind::StateChange,
            "icecandidate" | "icecandidateerror" => EventKind::Candidate,
            n if n.starts_with("addIceCandidate") => EventKind::Candidate,
            "getStats" => EventKind::GetStats,
            _ => EventKind::Other,
        }
    }
}

impl super::Event {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        EventKind::of(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            EventKind::of("connectionstatechange"),
            EventKind::StateChange
        );
        assert_eq!(
            EventKind::of("addIceCandidateOnFailure"),
            EventKind::Candidate
        );
        assert_eq!(EventKind::of("getStats"), EventKind::GetStats);
        assert_eq!(EventKind::of("createOffer"), EventKind::Other);
    }
}
