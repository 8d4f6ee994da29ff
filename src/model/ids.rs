//! Identifier newtypes, so that signatures say which string they mean.

use std::fmt;

use serde::Serialize;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The identifier as it appears in the dump.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// A peer connection's id in the dump: `PC_0` (rtcstats-js), `8-1` (Chrome), …
    PeerConnectionId
);
string_id!(
    /// A stats report id within one peer connection: `OT01V123`, `RTCTransport_0_1`,
    /// or the compressed `"0"`, `"1"`, … of rtcstats v3.
    ReportId
);
