//! Twilio SIDs: two letters and 32 lowercase hex digits.

/// A fresh random SID with the given two-letter prefix. Written digit by digit: a
/// send makes three, and `format!`'s padded hex was a visible part of its cost.
pub(crate) fn new_sid(prefix: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let random = rand::random::<u128>();
    let mut sid = String::with_capacity(prefix.len() + 32);
    sid.push_str(prefix);
    for shift in (0..32).rev() {
        sid.push(char::from(HEX[((random >> (shift * 4)) & 0xf) as usize]));
    }
    sid
}

/// Whether `text` has the shape of a SID with this prefix.
pub(crate) fn is_sid(text: &str, prefix: &str) -> bool {
    text.len() == 34 && text.starts_with(prefix) && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_have_prefix_and_32_hex_digits() {
        let sid = new_sid("VE");
        assert!(is_sid(&sid, "VE"), "{sid}");
        assert!(!is_sid(&sid, "VA"));
        assert!(!is_sid("VEnothex0000000000000000000000000", "VE"));
        assert_ne!(new_sid("VE"), sid);
    }
}
