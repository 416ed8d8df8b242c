//! The shared key of an account: raw bytes that are wiped from memory when
//! dropped and never printed.

use std::fmt;
use std::sync::LazyLock;

use data_encoding::{Encoding, Specification};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// What is wrong with a base32 secret, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Nothing but spaces or padding was given.
    #[error("secret: it is empty; paste the key the service showed (letters A–Z and digits 2–7)")]
    Empty,
    /// A character outside the base32 alphabet; `position` counts characters from 1.
    #[error("secret: '{character}' at position {position} is not base32 (A–Z, 2–7)")]
    BadCharacter {
        /// The offending character as typed.
        character: char,
        /// 1-based position in the text as given.
        position: usize,
    },
    /// A length no base32 encoder produces (1, 3 or 6 symbols past a multiple of 8).
    #[error(
        "secret: {symbols} base32 characters cannot encode whole bytes; a character is probably missing or extra"
    )]
    BadLength {
        /// How many base32 symbols were given, padding and spaces excluded.
        symbols: usize,
    },
}

/// An account's shared key: the raw bytes behind the base32 text.
///
/// Zeroized on drop; `Debug` prints `Secret(<redacted>)` so the key cannot
/// reach logs or panic messages by accident.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }

    /// Reads base32 as services show it: any case, with `=` padding and
    /// spaces anywhere (people copy keys shown in groups of four).
    pub fn from_base32(text: &str) -> Result<Secret, SecretError> {
        let mut symbols = Zeroizing::new(String::with_capacity(text.len()));
        for (index, character) in text.chars().enumerate() {
            match character {
                ' ' | '=' => {}
                'a'..='z' | 'A'..='Z' | '2'..='7' => symbols.push(character.to_ascii_uppercase()),
                _ => {
                    return Err(SecretError::BadCharacter {
                        character,
                        position: index + 1,
                    });
                }
            }
        }
        if symbols.is_empty() {
            return Err(SecretError::Empty);
        }
        let bytes =
            LENIENT_BASE32
                .decode(symbols.as_bytes())
                .map_err(|_| SecretError::BadLength {
                    symbols: symbols.len(),
                })?;
        Ok(Secret(bytes))
    }

    /// Canonical base32: upper case, no padding, no spaces.
    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// RFC 4648 base32 without padding that ignores the unused low bits of the
/// last symbol: some generators leave them non-zero and their codes still work.
static LENIENT_BASE32: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    // The specification above is a constant, valid alphabet of 32 symbols;
    // falling back keeps this infallible without a panic path.
    spec.encoding()
        .unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
});
