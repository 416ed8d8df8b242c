//! What every fuzz target does with its input, so each target file is one
//! line naming its format. Run them with `make fuzz` (see `scripts/fuzz`).

use twofold_authenticator::formats::{self, Format};

/// The password tried on encrypted inputs, so decryption paths are reached.
const PASSWORD: &str = "fuzz";

/// Imports `data` as `format` (`None`: auto-detected) and, when that works,
/// applies the preview: neither may panic, whatever the bytes.
pub fn import(format: Option<Format>, data: &[u8]) {
    if let Ok(preview) = formats::import(data, format, Some(PASSWORD), &[]) {
        let mut accounts = Vec::new();
        let _ = preview.apply(&mut accounts, 0);
    }
}
