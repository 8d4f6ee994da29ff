//! Interned text values: each distinct string of a connection's change lists is stored once
//! and shared (`Arc<str>`), however many reports and changes carry it (`relay`, `succeeded`,
//! `bandwidth`, a codec's `mimeType`).

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::StatValue;

/// The distinct strings seen so far.
#[derive(Debug, Default)]
pub(crate) struct Strings(HashSet<Arc<str>>);

impl Strings {
    /// The shared copy of `s`.
    pub(crate) fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(known) = self.0.get(s) {
            return known.clone();
        }
        let new: Arc<str> = s.into();
        self.0.insert(new.clone());
        new
    }

    /// `value`, its text replaced by the shared copy.
    pub(crate) fn value(&mut self, value: StatValue) -> StatValue {
        match value {
            StatValue::Text(s) => StatValue::Text(self.intern(&s)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let mut strings = Strings::default();
        let a = strings.intern("relay");
        let b = strings.intern(&String::from("relay"));
        assert!(Arc::ptr_eq(&a, &b));
        let c = strings.intern("host");
        assert!(!Arc::ptr_eq(&a, &c));
        let StatValue::Text(d) = strings.value(StatValue::Text("relay".into())) else {
            unreachable!()
        };
        assert!(Arc::ptr_eq(&a, &d));
        assert_eq!(strings.value(StatValue::Bool(true)), StatValue::Bool(true));
    }
}
