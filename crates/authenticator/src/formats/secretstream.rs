//! Opening one message of libsodium's `crypto_secretstream_xchacha20poly1305`
//! (what Ente Auth's encrypted export holds), following libsodium's
//! `crypto_secretstream/xchacha20poly1305/secretstream_xchacha20poly1305.c`
//! (`init_pull` and `pull`):
//!
//! - the 24-byte header gives the stream's key, HChaCha20(key, header[..16]),
//!   and its ChaCha20-IETF nonce, a 32-bit little-endian counter (1 at the
//!   start) followed by header[16..];
//! - a message is the encrypted tag byte, the ciphertext and a Poly1305 MAC;
//!   the MAC key is ChaCha20 block 0, the tag byte is encrypted with block 1
//!   and the message from block 2 on;
//! - the MAC covers the associated data, a 64-byte block (the encrypted tag
//!   byte and the rest of keystream block 1), the ciphertext, libsodium's
//!   padding of `ciphertext length mod 16` zero bytes (not the usual
//!   pad-to-16: other implementations copy this), then both lengths.
//!
//! Not `XChaCha20Poly1305` the AEAD: the nonce counter and that block differ.
//! Only the first message is read: Ente writes a single final one.

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::{ChaCha20, R20, hchacha};
use poly1305::Poly1305;
use poly1305::universal_hash::KeyInit;
use zeroize::{Zeroize, Zeroizing};

/// `crypto_secretstream_xchacha20poly1305_HEADERBYTES`.
pub(super) const HEADER_LEN: usize = 24;
/// `crypto_secretstream_xchacha20poly1305_TAG_FINAL`: the stream's last message.
pub(super) const TAG_FINAL: u8 = 3;

const BLOCK_LEN: usize = 64;
const MAC_LEN: usize = 16;

/// The first message of the stream `header` starts, as its tag byte and
/// plaintext; `None` when the key is wrong or the bytes were changed (or are
/// too short to be a message).
pub(super) fn pull_first(
    key: &[u8; 32],
    header: &[u8; HEADER_LEN],
    message: &[u8],
) -> Option<(u8, Zeroizing<Vec<u8>>)> {
    let (&sealed_tag, rest) = message.split_first()?;
    let ciphertext_len = rest.len().checked_sub(MAC_LEN)?;
    let (ciphertext, mac) = rest.split_at(ciphertext_len);

    let (nonce_input, inonce) = header.split_at(16);
    let mut derived = hchacha::<R20>(key.into(), nonce_input.try_into().ok()?);
    let stream_key = Zeroizing::new(<[u8; 32]>::from(derived));
    derived.as_mut_slice().zeroize();
    let mut nonce = [0u8; 12];
    nonce[..4].copy_from_slice(&1u32.to_le_bytes());
    nonce[4..].copy_from_slice(inonce);
    let mut chacha = ChaCha20::new((&*stream_key).into(), &nonce.into());

    let mut mac_key = Zeroizing::new([0u8; 32]);
    chacha.apply_keystream(mac_key.as_mut());
    let mut block = [0u8; BLOCK_LEN];
    block[0] = sealed_tag;
    chacha.seek(BLOCK_LEN as u64);
    chacha.apply_keystream(&mut block);
    let tag = block[0];
    block[0] = sealed_tag;

    let padding = ciphertext.len() % 16;
    let mut authenticated = Vec::with_capacity(BLOCK_LEN + ciphertext.len() + padding + 16);
    authenticated.extend_from_slice(&block);
    authenticated.extend_from_slice(ciphertext);
    authenticated.resize(authenticated.len() + padding, 0);
    authenticated.extend_from_slice(&0u64.to_le_bytes());
    authenticated.extend_from_slice(&((BLOCK_LEN + ciphertext.len()) as u64).to_le_bytes());
    let expected = Poly1305::new((&*mac_key).into()).compute_unpadded(&authenticated);
    let difference = expected
        .iter()
        .zip(mac)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if difference != 0 {
        return None;
    }

    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    chacha.seek(2 * BLOCK_LEN as u64);
    chacha.apply_keystream(&mut plaintext);
    Some((tag, plaintext))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Messages that libsodium itself sealed and opened (PyNaCl, in
    /// `tests/samples/make_samples.py`), of lengths that hit every padding case.
    #[derive(serde::Deserialize)]
    struct Vector {
        key: String,
        header: String,
        sealed: String,
        plaintext: String,
        tag: u8,
    }

    fn vectors() -> Vec<Vector> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/samples/secretstream-vectors.json"
        );
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    fn unhex<const N: usize>(text: &str) -> [u8; N] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    #[test]
    fn opens_what_libsodium_sealed() {
        let vectors = vectors();
        assert!(vectors.len() >= 4);
        for vector in vectors {
            let sealed = hex::decode(&vector.sealed).unwrap();
            let (tag, plaintext) =
                pull_first(&unhex(&vector.key), &unhex(&vector.header), &sealed).unwrap();
            assert_eq!(tag, vector.tag);
            assert_eq!(hex::encode(&*plaintext), vector.plaintext);
        }
    }

    #[test]
    fn refuses_a_changed_byte_a_wrong_key_or_a_cut_message() {
        for vector in vectors() {
            let key = unhex(&vector.key);
            let header = unhex(&vector.header);
            let sealed = hex::decode(&vector.sealed).unwrap();
            for index in 0..sealed.len() {
                let mut changed = sealed.clone();
                changed[index] ^= 0x01;
                assert!(
                    pull_first(&key, &header, &changed).is_none(),
                    "byte {index}"
                );
            }
            let mut other_header = header;
            other_header[20] ^= 0x80;
            assert!(pull_first(&key, &other_header, &sealed).is_none());
            let mut other_key = key;
            other_key[0] ^= 0x01;
            assert!(pull_first(&other_key, &header, &sealed).is_none());
            assert!(pull_first(&key, &header, &sealed[..sealed.len() - 1]).is_none());
        }
        assert!(pull_first(&[0; 32], &[0; HEADER_LEN], &[]).is_none());
        assert!(pull_first(&[0; 32], &[0; HEADER_LEN], &[0; 16]).is_none());
    }
}
