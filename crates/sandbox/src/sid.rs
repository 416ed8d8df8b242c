//! Twilio SIDs: two letters and 32 lowercase hex digits.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fresh random SID with the given two-letter prefix.
pub(crate) fn new_sid(prefix: &str) -> String {
    Sid::new(prefix).to_string()
}

/// A SID kept inline: a verification's SIDs are copied into the tables and
/// indexes that find it, 100,000 kept, and as strings each copy was an allocation
/// to make and a cache miss to compare and to free.
///
/// Holds any text of up to 34 bytes (a state file may name records as it likes);
/// hashes and compares as that text, so a table keyed by `Sid` is looked up by `&str`.
#[derive(Clone, Copy)]
pub(crate) struct Sid {
    len: u8,
    bytes: [u8; Sid::CAPACITY],
}

impl Sid {
    const CAPACITY: usize = 34;

    /// A fresh random SID with the given two-letter prefix. Written digit by digit:
    /// a send makes three, and `format!`'s padded hex was a visible part of its cost.
    pub fn new(prefix: &str) -> Sid {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let random = rand::random::<u128>();
        let mut bytes = [b'0'; Sid::CAPACITY];
        let (head, digits) = bytes.split_at_mut(2);
        for (byte, letter) in head.iter_mut().zip(prefix.bytes()) {
            *byte = letter;
        }
        for (i, digit) in digits.iter_mut().enumerate() {
            *digit = HEX[((random >> ((31 - i) * 4)) & 0xf) as usize];
        }
        Sid {
            len: Sid::CAPACITY as u8,
            bytes,
        }
    }

    /// `text` as a SID, if it fits.
    pub fn parse(text: &str) -> Option<Sid> {
        let mut bytes = [0; Sid::CAPACITY];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        Some(Sid {
            len: text.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ever filled from a `&str` cut at its end, or with ASCII.
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl Deref for Sid {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Sid {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Sid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq for Sid {
    fn eq(&self, other: &Sid) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Sid {}

impl PartialEq<str> for Sid {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sid {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Sid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Sid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Sid::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "the SID {text:?} is longer than {} characters",
                Sid::CAPACITY
            ))
        })
    }
}

/// Whether `text` has the shape of a SID with this prefix.
pub(crate) fn is_sid(text: &str, prefix: &str) -> bool {
    text.len() == 34 && text.starts_with(prefix) && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn inline_sids_read_as_the_text_they_hold() {
        let sid = Sid::new("VE");
        assert!(is_sid(&sid, "VE"), "{sid}");
        assert_ne!(Sid::new("VE"), sid);
        let short = Sid::parse("VE1").unwrap();
        assert_eq!((short.as_str(), short == "VE1"), ("VE1", true));
        let json = serde_json::to_string(&short).unwrap();
        assert_eq!(serde_json::from_str::<Sid>(&json).unwrap(), short);
        let long = format!("{sid}0");
        assert!(Sid::parse(&long).is_none());
        let refused = serde_json::from_str::<Sid>(&format!("{long:?}")).unwrap_err();
        assert!(refused.to_string().contains("longer than 34"), "{refused}");
        let mut table = std::collections::HashMap::new();
        table.insert(sid, 1);
        assert_eq!(table.get(sid.as_str()), Some(&1), "looked up by its text");
    }

    #[test]
    fn sids_have_prefix_and_32_hex_digits() {
        let sid = new_sid("VE");
        assert!(is_sid(&sid, "VE"), "{sid}");
        assert!(!is_sid(&sid, "VA"));
        assert!(!is_sid("VEnothex0000000000000000000000000", "VE"));
        assert_ne!(new_sid("VE"), sid);
    }
}
