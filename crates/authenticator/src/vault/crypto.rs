//! The primitives the vault is built from: randomness, XChaCha20-Poly1305 and
//! Argon2id. Nothing here knows the file layout.

use argon2::{Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// Length of the vault key and of every key-encryption key.
pub(crate) const KEY_LEN: usize = 32;
/// XChaCha20's extended nonce: long enough to draw at random for every seal.
pub(crate) const NONCE_LEN: usize = 24;
/// Argon2id salt: RFC 9106's recommended 128 bits, which is also the only
/// length libsodium accepts, so other tools can open a vault.
pub(crate) const SALT_LEN: usize = 16;
/// Poly1305 tag appended to every ciphertext.
pub(crate) const TAG_LEN: usize = 16;

pub(crate) type Key = Zeroizing<[u8; KEY_LEN]>;

/// The operating system's random source failed: nothing safe can be made.
#[derive(Debug)]
pub(crate) struct NoRandomness;

pub(crate) fn random<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|_| NoRandomness)?;
    Ok(bytes)
}

pub(crate) fn random_key() -> Result<Key, NoRandomness> {
    let mut key = Zeroizing::new([0; KEY_LEN]);
    getrandom::fill(key.as_mut()).map_err(|_| NoRandomness)?;
    Ok(key)
}

fn cipher(key: &Key) -> XChaCha20Poly1305 {
    let bytes: &[u8; KEY_LEN] = key;
    XChaCha20Poly1305::new(bytes.into())
}

/// Encrypts and authenticates `plaintext` together with `associated`.
pub(crate) fn seal(
    key: &Key,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    associated: &[u8],
) -> Vec<u8> {
    let cipher = cipher(key);
    let payload = Payload {
        msg: plaintext,
        aad: associated,
    };
    // Encryption fails only for messages beyond 256 GiB.
    cipher
        .encrypt(&XNonce::from(*nonce), payload)
        .unwrap_or_default()
}

/// The plaintext, or `None` when the key, nonce, ciphertext or associated
/// data differ from what was sealed.
pub(crate) fn open(
    key: &Key,
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    associated: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = cipher(key);
    let payload = Payload {
        msg: ciphertext,
        aad: associated,
    };
    cipher
        .decrypt(&XNonce::from(*nonce), payload)
        .ok()
        .map(Zeroizing::new)
}

/// Argon2id cost parameters, stored in the vault header with each passphrase
/// slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// About half a second on the 2-core machines Twofold is built on
    /// (measured with `make bench`; see docs/vault-format.md).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 128 * 1024,
        iterations: 5,
        parallelism: 1,
    };

    /// Bounds for parameters read from a file, so a damaged or hostile header
    /// cannot make an unlock allocate terabytes or spin for hours before the
    /// AEAD would reject it.
    pub(crate) const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    pub(crate) const MAX_ITERATIONS: u32 = 64;
    pub(crate) const MAX_PARALLELISM: u32 = 16;

    pub(crate) fn within_bounds(self) -> bool {
        self.memory_kib <= Self::MAX_MEMORY_KIB
            && (1..=Self::MAX_ITERATIONS).contains(&self.iterations)
            && (1..=Self::MAX_PARALLELISM).contains(&self.parallelism)
    }

    /// Derives a key-encryption key; `None` when Argon2 rejects the
    /// parameters (e.g. less memory than 8 KiB per lane).
    pub(crate) fn derive(self, passphrase: &[u8], salt: &[u8]) -> Option<Key> {
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .ok()?;
        let argon2 = Argon2::new(argon2::Algorithm::Argon2id, Version::V0x13, params);
        let mut key = Zeroizing::new([0; KEY_LEN]);
        argon2
            .hash_password_into(passphrase, salt, key.as_mut())
            .ok()?;
        Some(key)
    }
}

impl Default for KdfParams {
    fn default() -> KdfParams {
        KdfParams::DEFAULT
    }
}
