//! Plain text, one `otpauth://` URI per line: what password managers and
//! many apps export, and what a list of scanned QR codes is. Blank lines and
//! `#` comments are skipped; `otpauth-migration://` lines are read too.

use zeroize::Zeroizing;

use super::google::{self, Batches};
use super::{Entry, ExportFile, Exporter, Format, FormatError, Imported, Importer, Unreadable};
use crate::account::Account;
use crate::otpauth::OtpAuth;

/// The otpauth list format.
pub(super) struct OtpauthList;

/// The lines that carry accounts, with their 0-based line numbers.
pub(super) fn account_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// The first line that carries an account, if the bytes are text.
pub(super) fn first_line(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    account_lines(text).next().map(|(_, line)| line)
}

/// Reads every line: `otpauth://` accounts and Google migration batches.
pub(super) fn read_lines(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut batches = Batches::default();
    for (index, line) in account_lines(text) {
        read_uri(
            line,
            &format!("line {}", index + 1),
            &mut entries,
            &mut batches,
        );
    }
    entries.extend(batches.missing());
    entries
}

/// Reads one `otpauth://` or `otpauth-migration://` URI found at `place`
/// ("line 3", "QR code 2") into `entries`.
pub(super) fn read_uri(uri: &str, place: &str, entries: &mut Vec<Entry>, batches: &mut Batches) {
    if google::is_migration_uri(uri) {
        entries.extend(google::read_uri(uri, place, batches));
    } else {
        entries.push(
            OtpAuth::parse(uri)
                .map(Imported::new)
                .map_err(|e| Unreadable {
                    entry: place.to_owned(),
                    reason: e.to_string(),
                }),
        );
    }
}

/// Whether `text` is an account URI of either kind.
pub(super) fn is_account_uri(text: &str) -> bool {
    google::is_migration_uri(text)
        || text
            .trim_start()
            .get(..10)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("otpauth://"))
}

/// Reads the bytes as UTF-8 text, or says the file is not text.
pub(super) fn text(format: Format, bytes: &[u8]) -> Result<&str, FormatError> {
    std::str::from_utf8(bytes).map_err(|_| FormatError::Layout {
        format,
        reason: "it is not UTF-8 text (is it an encrypted or binary backup?)".to_owned(),
    })
}

impl Importer for OtpauthList {
    fn format(&self) -> Format {
        Format::OtpauthList
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        first_line(bytes)
            .is_some_and(|line| is_account_uri(line) && !google::is_migration_uri(line))
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        Ok(read_lines(text(Format::OtpauthList, bytes)?))
    }
}

impl Exporter for OtpauthList {
    fn export(
        &self,
        accounts: &[Account],
        _password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError> {
        let mut text = Zeroizing::new(String::new());
        for account in accounts {
            text.push_str(&Zeroizing::new(account.otp.to_uri()));
            text.push('\n');
        }
        Ok(ExportFile::only(Zeroizing::new(text.as_bytes().to_vec())))
    }
}
