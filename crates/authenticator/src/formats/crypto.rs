//! The crypto steps several formats' encrypted exports share: AES-256-GCM
//! (Aegis, 2FAS, andOTP) and PBKDF2 (2FAS with HMAC-SHA256, andOTP with
//! HMAC-SHA1). Ente's libsodium secretstream is in `secretstream.rs`.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use zeroize::Zeroizing;

/// An AES-256 key derived from a password.
pub(super) type AesKey = Zeroizing<[u8; 32]>;

/// AES-256-GCM with a 96-bit nonce and the 128-bit tag after the
/// ciphertext (Java's `AES/GCM/NoPadding` layout). `None` when the key is
/// wrong or the bytes were changed.
pub(super) fn aes_256_gcm_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    ciphertext_and_tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key))
        .decrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: ciphertext_and_tag,
                aad: &[],
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// PBKDF2-HMAC-SHA256 to a 32-byte key (`rounds` at least 1).
pub(super) fn pbkdf2_sha256(password: &str, salt: &[u8], rounds: u32) -> AesKey {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, rounds.max(1), key.as_mut());
    key
}

/// PBKDF2-HMAC-SHA1 to a 32-byte key (`rounds` at least 1).
pub(super) fn pbkdf2_sha1(password: &str, salt: &[u8], rounds: u32) -> AesKey {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, rounds.max(1), key.as_mut());
    key
}
