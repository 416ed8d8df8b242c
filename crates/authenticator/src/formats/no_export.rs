//! Apps people want to move away from that have no export at all: Authy
//! (Twilio states that Authy tokens cannot be exported) and Microsoft
//! Authenticator (its accounts are backed up only to Microsoft's cloud, for
//! restoring into Microsoft Authenticator). They are [`Format`]s so the user
//! can pick them and be told what to do instead; they never detect a file,
//! and reading one always answers [`FormatError::Unsupported`] with advice.

use super::{Entry, Format, FormatError, Importer};

/// The importer of an app without an export.
pub(super) struct NoExport(Format);

pub(super) static AUTHY: NoExport = NoExport(Format::Authy);
pub(super) static MICROSOFT: NoExport = NoExport(Format::MicrosoftAuthenticator);

/// Moving one account by hand works for every service (a macro, so
/// `concat!` can join it to each app's reason).
macro_rules! reenrol {
    () => {
        "for each account, sign in to the service, open its two-factor (2FA) settings, \
         turn the authenticator app off and on again (or set up a new one), and scan the new \
         QR code with Twofold; keep the old app until every account works in Twofold"
    };
}

/// What to do instead, for the apps that cannot export.
pub(super) fn advice(format: Format) -> Option<&'static str> {
    match format {
        Format::Authy => Some(concat!(
            "Authy cannot export its accounts (Twilio keeps Authy tokens inside Authy): ",
            reenrol!()
        )),
        Format::MicrosoftAuthenticator => Some(concat!(
            "Microsoft Authenticator cannot export its accounts (its cloud backup only \
             restores into Microsoft Authenticator): ",
            reenrol!()
        )),
        _ => None,
    }
}

/// The error for an app without an export, or `Ok` for a format we read.
pub(super) fn refuse(format: Format) -> Result<(), FormatError> {
    match advice(format) {
        Some(advice) => Err(FormatError::Unsupported {
            format,
            what: "importing".to_owned(),
            advice,
        }),
        None => Ok(()),
    }
}

impl Importer for NoExport {
    fn format(&self) -> Format {
        self.0
    }

    fn detect(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn read(&self, _bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        refuse(self.0)?;
        Ok(Vec::new())
    }
}
