//! `otpauth://` URIs in Google's Key Uri Format, read leniently and written in
//! one canonical form.
//!
//! Reading accepts what services and other apps actually emit: any case for
//! the scheme, type and algorithm; the label's `Issuer:` prefix separated by
//! `:` or `%3A` and optional spaces; base32 secrets in any case with padding
//! and spaces; `issuer=` (which wins over the label prefix); Steam Guard
//! accounts marked by `issuer=Steam`, `encoder=steam` or the `otpauth://steam/`
//! type. Unknown parameters (`image`, `lock`, ...) are ignored and the first of
//! a repeated parameter counts. Query values are form-encoded as other apps
//! write them (`+` is a space; Ente writes issuers that way). When `issuer=`
//! is given and the label starts with that issuer and a colon, the rest is
//! the name, colons and all (`Example: Co:colon:in:name`). A `%` that is not
//! followed by two hex digits, and an issuer or name longer than
//! [`MAX_LABEL_CHARS`], are refused.
//!
//! Writing always produces `otpauth://TYPE/LABEL?secret=..&issuer=..&algorithm=..&digits=..&period=..|counter=..[&encoder=steam]`
//! with every parameter spelled out, so `OtpAuth::parse(&x.to_uri()) == Ok(x)`.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use zeroize::Zeroizing;

use crate::secret::{Secret, SecretError};

/// The longest issuer or account name kept, in characters: longer ones are
/// refused rather than cut, as a cut name could match another account's.
pub const MAX_LABEL_CHARS: usize = 256;

/// The HMAC hash behind the codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, what nearly every service uses.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in URIs and exports: `SHA1`, `SHA256` or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = OtpAuthError;

    /// Case-insensitive; `SHA-256` style spellings are accepted too.
    fn from_str(text: &str) -> Result<Algorithm, OtpAuthError> {
        match text.replace('-', "").to_ascii_uppercase().as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpAuthError::Algorithm {
                found: text.to_owned(),
            }),
        }
    }
}

/// How the moving factor is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// Time-based (RFC 6238): a new code every `period` seconds.
    Totp {
        /// Seconds per code, at least 1 (usually 30).
        period: u32,
    },
    /// Counter-based (RFC 4226): `counter` is the factor of the next code.
    Hotp {
        /// The moving factor of the next code.
        counter: u64,
    },
    /// Steam Guard: time-based, 5 characters from Steam's alphabet.
    Steam {
        /// Seconds per code (Steam uses 30).
        period: u32,
    },
}

impl OtpKind {
    /// The period of time-based kinds; `None` for HOTP.
    pub fn period(self) -> Option<u32> {
        match self {
            OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }
}

/// What is wrong with an `otpauth` URI or account parameters, naming the part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpAuthError {
    /// There is no `scheme://` at all.
    #[error("not an otpauth URI: it should start with otpauth://")]
    NoScheme,
    /// A URI of another scheme.
    #[error("not an otpauth URI: scheme is '{scheme}'")]
    Scheme {
        /// The scheme found instead of `otpauth`.
        scheme: String,
    },
    /// A Google Authenticator export pasted where one account was expected.
    #[error(
        "not an otpauth URI: this is a Google Authenticator export (otpauth-migration://); import it instead"
    )]
    MigrationUri,
    /// A type other than totp, hotp or steam.
    #[error("type: '{found}' is not supported (totp, hotp or steam)")]
    Type {
        /// The type as written.
        found: String,
    },
    /// No `secret=` parameter.
    #[error("secret: missing; the URI needs a secret=... parameter")]
    MissingSecret,
    /// The secret is not valid base32.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// An unknown hash algorithm.
    #[error("algorithm: '{found}' is not supported (SHA1, SHA256 or SHA512)")]
    Algorithm {
        /// The algorithm as written.
        found: String,
    },
    /// A number of digits outside 6–8.
    #[error("digits: {found} is not supported (6, 7 or 8)")]
    Digits {
        /// The digits parameter as written.
        found: String,
    },
    /// A period that is not a positive number of seconds.
    #[error("period: '{found}' is not a number of seconds (1 or more, usually 30)")]
    Period {
        /// The period parameter as written.
        found: String,
    },
    /// An HOTP URI without its counter.
    #[error("counter: missing; an hotp URI needs counter=N, the factor of the next code")]
    MissingCounter,
    /// A counter that is not a whole number.
    #[error("counter: '{found}' is not a whole number")]
    Counter {
        /// The counter parameter as written.
        found: String,
    },
    /// A `%` that does not start a `%XX` escape.
    #[error(
        "{part}: '{found}' at position {position} is not a valid percent-escape (%XX with two hex digits); write a % sign as %25"
    )]
    Escape {
        /// `label` or the parameter's name.
        part: String,
        /// The bad escape as written.
        found: String,
        /// Its 1-based character position in that part.
        position: usize,
    },
    /// An issuer or name longer than [`MAX_LABEL_CHARS`].
    #[error(
        "{part}: {chars} characters is longer than the {MAX_LABEL_CHARS} Twofold keeps; shorten it"
    )]
    TooLong {
        /// `issuer` or `name`.
        part: &'static str,
        /// Its length in characters.
        chars: usize,
    },
    /// Percent-escapes that do not decode to UTF-8 text.
    #[error("{part}: not valid UTF-8 text after percent-decoding; check the %XX escapes")]
    Encoding {
        /// `label` or the parameter's name.
        part: String,
    },
}

/// One account's key and code parameters, as carried by an `otpauth://` URI.
///
/// Invariants kept by every constructor and setter: issuer and name are
/// trimmed and an empty issuer is `None`; digits are 6–8 (5 for Steam);
/// periods are at least 1 s; Steam is always SHA1; a TOTP whose issuer is
/// "Steam" is a Steam account (as the URI format says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAuth {
    issuer: Option<String>,
    name: String,
    secret: Secret,
    algorithm: Algorithm,
    digits: u8,
    kind: OtpKind,
}

/// Steam Guard codes are five characters long.
const STEAM_DIGITS: u8 = 5;
const DEFAULT_PERIOD: u32 = 30;
const DEFAULT_DIGITS: u8 = 6;

/// Everything but unreserved characters (and `@`, common in account names and
/// harmless in paths and queries) is escaped; `:` especially, so the label's
/// own separator is the only literal colon.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

impl OtpAuth {
    /// Builds account parameters, checking and normalising them (see the
    /// type's invariants). For Steam, `algorithm` and `digits` are ignored.
    pub fn new(
        issuer: Option<String>,
        name: impl Into<String>,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
        kind: OtpKind,
    ) -> Result<OtpAuth, OtpAuthError> {
        if secret.as_bytes().is_empty() {
            return Err(SecretError::Empty.into());
        }
        if let Some(period) = kind.period()
            && period == 0
        {
            return Err(OtpAuthError::Period {
                found: period.to_string(),
            });
        }
        let mut otp = OtpAuth {
            issuer: None,
            name: String::new(),
            secret,
            algorithm,
            digits,
            kind,
        };
        otp.set_name(name);
        otp.set_issuer(issuer);
        for (part, text) in [
            ("issuer", otp.issuer.as_deref().unwrap_or("")),
            ("name", otp.name.as_str()),
        ] {
            let chars = text.chars().count();
            if chars > MAX_LABEL_CHARS {
                return Err(OtpAuthError::TooLong { part, chars });
            }
        }
        if !matches!(otp.kind, OtpKind::Steam { .. }) && !(6..=8).contains(&digits) {
            return Err(OtpAuthError::Digits {
                found: digits.to_string(),
            });
        }
        Ok(otp)
    }

    /// Reads an `otpauth://` URI (see the module documentation for the rules).
    pub fn parse(uri: &str) -> Result<OtpAuth, OtpAuthError> {
        let uri = uri.trim();
        let (scheme, rest) = uri.split_once("://").ok_or(OtpAuthError::NoScheme)?;
        if scheme.eq_ignore_ascii_case("otpauth-migration") {
            return Err(OtpAuthError::MigrationUri);
        }
        if !scheme.eq_ignore_ascii_case("otpauth") {
            return Err(OtpAuthError::Scheme {
                scheme: scheme.to_owned(),
            });
        }
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (otp_type, label) = path.split_once('/').unwrap_or((path, ""));
        let params = Params::parse(query)?;
        let issuer_param = params
            .get("issuer")
            .filter(|issuer| !issuer.trim().is_empty());

        let (label_issuer, name) = split_label(label, issuer_param)?;
        let issuer = issuer_param.map(str::to_owned).or(label_issuer);
        let secret = Secret::from_base32(params.get("secret").ok_or(OtpAuthError::MissingSecret)?)?;
        let algorithm = match params.get("algorithm") {
            Some(text) => text.parse()?,
            None => Algorithm::Sha1,
        };
        let digits = match params.get("digits") {
            Some(text) => text.trim().parse().map_err(|_| OtpAuthError::Digits {
                found: text.to_owned(),
            })?,
            None => DEFAULT_DIGITS,
        };
        let period = match params.get("period") {
            Some(text) => text.trim().parse().map_err(|_| OtpAuthError::Period {
                found: text.to_owned(),
            })?,
            None => DEFAULT_PERIOD,
        };
        let steam_encoder = params
            .get("encoder")
            .is_some_and(|encoder| encoder.eq_ignore_ascii_case("steam"));

        let kind = match otp_type.to_ascii_lowercase().as_str() {
            "totp" if steam_encoder => OtpKind::Steam { period },
            "totp" => OtpKind::Totp { period },
            "steam" => OtpKind::Steam { period },
            "hotp" => {
                let text = params.get("counter").ok_or(OtpAuthError::MissingCounter)?;
                let counter = text.trim().parse().map_err(|_| OtpAuthError::Counter {
                    found: text.to_owned(),
                })?;
                OtpKind::Hotp { counter }
            }
            _ => {
                return Err(OtpAuthError::Type {
                    found: otp_type.to_owned(),
                });
            }
        };
        OtpAuth::new(issuer, name, secret, algorithm, digits, kind)
    }

    /// The canonical URI: every parameter explicit, `:` and non-ASCII escaped.
    pub fn to_uri(&self) -> String {
        let encode = |text: &str| utf8_percent_encode(text, COMPONENT).to_string();
        let label = match &self.issuer {
            Some(issuer) => format!("{}:{}", encode(issuer), encode(&self.name)),
            // An empty prefix keeps a colon in the name from being read as
            // an issuer separator.
            None if self.name.contains(':') => format!(":{}", encode(&self.name)),
            None => encode(&self.name),
        };
        let otp_type = match self.kind {
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Totp { .. } | OtpKind::Steam { .. } => "totp",
        };
        let mut uri = format!(
            "otpauth://{otp_type}/{label}?secret={}",
            self.secret.to_base32()
        );
        if let Some(issuer) = &self.issuer {
            uri.push_str("&issuer=");
            uri.push_str(&encode(issuer));
        }
        uri.push_str(&format!(
            "&algorithm={}&digits={}",
            self.algorithm, self.digits
        ));
        match self.kind {
            OtpKind::Totp { period } => uri.push_str(&format!("&period={period}")),
            OtpKind::Hotp { counter } => uri.push_str(&format!("&counter={counter}")),
            OtpKind::Steam { period } => uri.push_str(&format!("&period={period}&encoder=steam")),
        }
        uri
    }

    /// The service, e.g. "GitHub"; `None` when the URI named none.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account at the service, e.g. "alice@example.com" (may be empty).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// "Issuer: name", or the name alone: how an account is named to the user.
    pub fn label(&self) -> String {
        match self.issuer() {
            Some(issuer) => format!("{issuer}: {}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether `other` is the same account: the same key and code kind. A
    /// renamed or re-tagged copy is still the same account, as its codes are.
    pub fn same_key(&self, other: &OtpAuth) -> bool {
        self.secret == other.secret
            && std::mem::discriminant(&self.kind) == std::mem::discriminant(&other.kind)
    }

    /// The shared key.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The HMAC hash.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Code length: 6–8 digits, or 5 characters for Steam.
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// TOTP, HOTP or Steam, with the period or counter.
    pub fn kind(&self) -> OtpKind {
        self.kind
    }

    /// Renames the service; blank means none. Naming a TOTP account's
    /// issuer "Steam" makes it a Steam account, as parsing its URI would.
    pub fn set_issuer(&mut self, issuer: Option<String>) {
        self.issuer = issuer
            .map(|issuer| issuer.trim().to_owned())
            .filter(|issuer| !issuer.is_empty());
        if let (OtpKind::Totp { period }, Some(issuer)) = (self.kind, &self.issuer)
            && issuer.eq_ignore_ascii_case("steam")
        {
            self.kind = OtpKind::Steam { period };
        }
        if matches!(self.kind, OtpKind::Steam { .. }) {
            self.algorithm = Algorithm::Sha1;
            self.digits = STEAM_DIGITS;
        }
    }

    /// Renames the account (surrounding spaces are dropped).
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into().trim().to_owned();
    }

    /// Moves an HOTP account to its next counter value, after a code was
    /// used; time-based accounts are unchanged.
    pub fn advance_counter(&mut self) {
        if let OtpKind::Hotp { counter } = &mut self.kind {
            *counter = counter.wrapping_add(1);
        }
    }
}

/// The label's issuer prefix and account name, percent-decoded. When the
/// label starts with the `issuer` parameter and a colon, that is the prefix
/// (an issuer may hold `: ` itself); otherwise the separator is the first
/// literal `:`, else the first `%3A`.
fn split_label(
    label: &str,
    issuer: Option<&str>,
) -> Result<(Option<String>, String), OtpAuthError> {
    if let Some(issuer) = issuer {
        let decoded = decode(label, "label")?;
        if let Some(name) = decoded
            .strip_prefix(issuer)
            .and_then(|rest| rest.strip_prefix(':'))
        {
            return Ok((Some(issuer.to_owned()), name.to_owned()));
        }
    }
    let split = label.split_once(':').or_else(|| {
        let at = label.to_ascii_uppercase().find("%3A")?;
        Some((&label[..at], &label[at + 3..]))
    });
    let decode = |text: &str| decode(text, "label");
    match split {
        Some((prefix, name)) => {
            let prefix = decode(prefix)?;
            let prefix = (!prefix.trim().is_empty()).then_some(prefix);
            Ok((prefix, decode(name)?))
        }
        None => Ok((None, decode(label)?)),
    }
}

fn decode(text: &str, part: &str) -> Result<String, OtpAuthError> {
    check_escapes(text, part)?;
    percent_decode_str(text)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| OtpAuthError::Encoding {
            part: part.to_owned(),
        })
}

/// Refuses a `%` that does not start a `%XX` escape: decoders differ on
/// what it means, so a label read one way here could read another way
/// elsewhere.
fn check_escapes(text: &str, part: &str) -> Result<(), OtpAuthError> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('%') {
        let escape = bytes.get(at + 1..at + 3);
        if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            return Err(OtpAuthError::Escape {
                part: part.to_owned(),
                found: text[at..].chars().take(3).collect(),
                position: text[..at].chars().count() + 1,
            });
        }
    }
    Ok(())
}

/// Query parameters: names are matched case-insensitively, values are
/// form-decoded (`+` is a space, then `%XX`) and wiped on drop, since one
/// of them is the secret.
struct Params(Vec<(String, Zeroizing<String>)>);

impl Params {
    fn parse(query: &str) -> Result<Params, OtpAuthError> {
        let mut params = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = key.to_ascii_lowercase();
            let value = Zeroizing::new(decode(&value.replace('+', " "), &key)?);
            params.push((key, value));
        }
        Ok(Params(params))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}
