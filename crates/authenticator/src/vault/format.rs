//! The vault file's layout (docs/vault-format.md): a fixed prefix, a JSON
//! header in the clear, and the sealed body. The prefix and header together
//! are the body's associated data, so no byte before the body can change
//! without the unlock failing.

use serde::{Deserialize, Serialize};

use super::crypto::{self, KEY_LEN, KdfParams, Key, NONCE_LEN, TAG_LEN};

/// The first bytes of every vault file.
pub(crate) const MAGIC: &[u8; 8] = b"TWOFOLDV";
/// The layout version this code writes and reads.
pub(crate) const VERSION: u16 = 1;
/// Magic, version (u16 BE) and header length (u32 BE).
const PREFIX_LEN: usize = 8 + 2 + 4;
/// A header is a few hundred bytes; anything huge is damage, not a vault.
const MAX_HEADER_LEN: usize = 64 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Header {
    /// Random per vault; binds slots to it and names its keyring entry.
    pub(crate) vault_id: String,
    /// How many accounts the body holds (shown before unlocking).
    pub(crate) accounts: usize,
    /// Unix seconds of the save that wrote this file.
    pub(crate) saved_at: u64,
    /// The body's nonce, fresh on every save.
    pub(crate) nonce: String,
    /// Ways to recover the vault key.
    pub(crate) slots: Vec<Slot>,
}

impl Header {
    /// The keyring slot with its entry's service and user.
    pub(crate) fn keyring_slot(&self) -> Option<(&Slot, &str, &str)> {
        self.slots.iter().find_map(|slot| match &slot.source {
            Source::Keyring { service, user } => Some((slot, service.as_str(), user.as_str())),
            Source::Passphrase { .. } => None,
        })
    }

    /// The passphrase slot with its KDF and salt (hex).
    pub(crate) fn passphrase_slot(&self) -> Option<(&Slot, Kdf, &str)> {
        self.slots.iter().find_map(|slot| match &slot.source {
            Source::Passphrase { kdf, salt } => Some((slot, *kdf, salt.as_str())),
            Source::Keyring { .. } => None,
        })
    }

    /// Drops the slots of one kind (the other kind's are kept).
    pub(crate) fn remove_slots(&mut self, keyring: bool) {
        self.slots
            .retain(|slot| matches!(slot.source, Source::Keyring { .. }) != keyring);
    }
}

/// The vault key wrapped under a key-encryption key (KEK) from one source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Slot {
    #[serde(flatten)]
    pub(crate) source: Source,
    /// Nonce of the wrapping, hex.
    pub(crate) nonce: String,
    /// The vault key sealed under the KEK (32 bytes + tag), hex.
    pub(crate) key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Source {
    /// The KEK is a random key kept in the OS keyring under service/user.
    Keyring { service: String, user: String },
    /// The KEK is Argon2id(passphrase, salt) with these costs.
    Passphrase { kdf: Kdf, salt: String },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Kdf {
    /// Always "argon2id" (the field leaves room for another KDF).
    pub(crate) algorithm: KdfAlgorithm,
    /// Argon2 version, 19 (0x13).
    pub(crate) version: u32,
    pub(crate) memory_kib: u32,
    pub(crate) iterations: u32,
    pub(crate) parallelism: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum KdfAlgorithm {
    Argon2id,
}

const ARGON2_VERSION: u32 = 0x13;

impl Kdf {
    pub(crate) fn new(params: KdfParams) -> Kdf {
        Kdf {
            algorithm: KdfAlgorithm::Argon2id,
            version: ARGON2_VERSION,
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            parallelism: params.parallelism,
        }
    }

    /// The parameters, when they are ones this code may run.
    pub(crate) fn params(self) -> Option<KdfParams> {
        let params = KdfParams {
            memory_kib: self.memory_kib,
            iterations: self.iterations,
            parallelism: self.parallelism,
        };
        (self.version == ARGON2_VERSION && params.within_bounds()).then_some(params)
    }
}

impl Slot {
    /// Wraps `vault_key` under `kek`; the vault id is the associated data,
    /// so a slot copied into another vault does not open.
    pub(crate) fn wrap(
        source: Source,
        kek: &Key,
        vault_key: &Key,
        vault_id: &str,
    ) -> Result<Slot, crypto::NoRandomness> {
        let nonce = crypto::random::<NONCE_LEN>()?;
        let wrapped = crypto::seal(kek, &nonce, vault_key.as_ref(), vault_id.as_bytes());
        Ok(Slot {
            source,
            nonce: hex::encode(nonce),
            key: hex::encode(wrapped),
        })
    }

    /// The vault key, or `None` when `kek` is not this slot's KEK (or the
    /// slot was altered).
    pub(crate) fn unwrap_key(&self, kek: &Key, vault_id: &str) -> Option<Key> {
        let nonce = fixed::<NONCE_LEN>(&self.nonce)?;
        let wrapped = hex::decode(&self.key).ok()?;
        let plain = crypto::open(kek, &nonce, &wrapped, vault_id.as_bytes())?;
        let mut key = zeroize::Zeroizing::new([0; KEY_LEN]);
        if plain.len() != KEY_LEN {
            return None;
        }
        key.copy_from_slice(&plain);
        Some(key)
    }
}

/// Hex text of exactly `N` bytes.
pub(crate) fn fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(bytes)
}

/// A whole vault file: prefix, header, body sealed with the prefix and header
/// as associated data.
pub(crate) fn encode(
    header: &Header,
    nonce: &[u8; NONCE_LEN],
    key: &Key,
    plaintext: &[u8],
) -> Vec<u8> {
    // A struct of strings and numbers always serializes.
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut file = Vec::with_capacity(PREFIX_LEN + json.len() + plaintext.len() + TAG_LEN);
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&VERSION.to_be_bytes());
    // The header is a few hundred bytes, far below u32::MAX.
    file.extend_from_slice(&(json.len() as u32).to_be_bytes());
    file.extend_from_slice(&json);
    let body = crypto::seal(key, nonce, plaintext, &file);
    file.extend_from_slice(&body);
    file
}

/// Why a file cannot be read as a vault, before any key is tried.
pub(crate) enum ReadError {
    /// Not a vault, truncated, or a damaged header: the reason in words.
    Damaged(String),
    /// Written by a newer Twofold.
    Newer(u16),
}

/// A parsed file: its header and where the body starts (everything before
/// it is the body's associated data).
pub(crate) struct Parsed<'a> {
    pub(crate) header: Header,
    pub(crate) associated: &'a [u8],
    pub(crate) body: &'a [u8],
}

pub(crate) fn read(file: &[u8]) -> Result<Parsed<'_>, ReadError> {
    let damaged = |reason: &str| ReadError::Damaged(reason.to_owned());
    if file.len() < MAGIC.len() || &file[..MAGIC.len()] != MAGIC {
        return Err(damaged(
            "it does not start with the Twofold vault signature",
        ));
    }
    let prefix = file
        .get(..PREFIX_LEN)
        .ok_or_else(|| damaged("it ends inside its first bytes (truncated)"))?;
    let version = u16::from_be_bytes([prefix[8], prefix[9]]);
    if version > VERSION {
        return Err(ReadError::Newer(version));
    }
    if version == 0 {
        return Err(damaged("its format version is 0"));
    }
    let header_len = u32::from_be_bytes([prefix[10], prefix[11], prefix[12], prefix[13]]) as usize;
    if header_len > MAX_HEADER_LEN {
        return Err(damaged("its header length is implausibly large"));
    }
    let body_start = PREFIX_LEN + header_len;
    let header_bytes = file
        .get(PREFIX_LEN..body_start)
        .ok_or_else(|| damaged("it ends inside its header (truncated)"))?;
    let header: Header = serde_json::from_slice(header_bytes)
        .map_err(|error| ReadError::Damaged(format!("its header is not valid: {error}")))?;
    let body = &file[body_start..];
    if body.len() < TAG_LEN {
        return Err(damaged("it ends before its sealed content (truncated)"));
    }
    Ok(Parsed {
        header,
        associated: &file[..body_start],
        body,
    })
}
