//! FreeOTP+'s JSON backup, as `ImportExportUtil.exportJsonFile` writes it
//! (helloworld1/FreeOTPPlus, `token-data/.../legacy/SavedTokens.kt` and
//! `Token.java`, read with Gson): `{"tokens": [...], "tokenOrder": [...]}`.
//! Each token has `secret` as an array of signed Java bytes, `issuerExt`
//! (the label's issuer), optional `issuerInt` (the `issuer` parameter),
//! `label`, `algo`, `digits`, `period`, `counter` and `type` TOTP/HOTP;
//! older versions also keep the user's renames in `issuerAlt`/`labelAlt`.
//! `tokenOrder` lists the tokens' ids (`Token.getID()`) in the order shown.
//! FreeOTP+ makes Steam codes for a TOTP token whose `issuerExt` is "Steam".
//! Its "key URI" export is a plain otpauth list (the `otpauth` format).

use std::collections::{HashMap, VecDeque};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The FreeOTP+ format.
pub(super) struct FreeOtpPlus;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    tokens: Vec<Token>,
    #[serde(default)]
    token_order: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    #[serde(default)]
    issuer_ext: Option<String>,
    issuer_int: Option<String>,
    issuer_alt: Option<String>,
    #[serde(default)]
    label: Option<String>,
    label_alt: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    algo: Option<String>,
    digits: Option<u32>,
    period: Option<u32>,
    counter: Option<i64>,
    secret: Zeroizing<Vec<i8>>,
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.is_empty())
}

impl Token {
    /// `Token.getID()`: how `tokenOrder` names this token.
    fn id(&self) -> String {
        let label = self.label.as_deref().unwrap_or_default();
        match non_empty(self.issuer_int.as_deref()).or(non_empty(self.issuer_ext.as_deref())) {
            Some(issuer) => format!("{issuer}:{label}"),
            None => label.to_owned(),
        }
    }

    /// The issuer FreeOTP+ shows (`Token.getIssuer()`).
    fn issuer(&self) -> Option<&str> {
        non_empty(self.issuer_alt.as_deref())
            .or(non_empty(self.issuer_ext.as_deref()))
            .or(non_empty(self.issuer_int.as_deref()))
    }

    /// The name FreeOTP+ shows (`Token.getLabel()`).
    fn name(&self) -> &str {
        self.label_alt
            .as_deref()
            .or(self.label.as_deref())
            .unwrap_or_default()
    }

    fn read(&self) -> Result<Imported, String> {
        let is_steam =
            self.kind.eq_ignore_ascii_case("totp") && self.issuer_ext.as_deref() == Some("Steam");
        let bytes: Zeroizing<Vec<u8>> = Zeroizing::new(
            self.secret
                .iter()
                .map(|byte| byte.cast_unsigned())
                .collect(),
        );
        let secret = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&bytes));
        // FreeOTP+ keeps the counter of the code last shown (-1 for a new
        // token): its URIs, like every other app's, carry the next one
        // (`OtpTokenFactory.toUri` writes `counter + 1`).
        let counter = match self.counter {
            Some(counter) if self.kind.eq_ignore_ascii_case("hotp") => Some(
                counter
                    .checked_add(1)
                    .and_then(|next| u64::try_from(next).ok())
                    .ok_or_else(|| format!("counter: {counter} is not a valid counter"))?,
            ),
            _ => None,
        };
        let fields = AccountFields {
            kind: if is_steam { "steam" } else { &self.kind },
            issuer: self.issuer(),
            name: self.name(),
            secret: &secret,
            algorithm: self.algo.as_deref(),
            digits: self.digits,
            period: self.period,
            counter,
        };
        Ok(Imported::new(fields.to_otp()?))
    }
}

impl Importer for FreeOtpPlus {
    fn format(&self) -> Format {
        Format::FreeOtpPlus
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json_containing(bytes, "\"tokens\"") && json_containing(bytes, "\"tokenOrder\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let backup: Backup = parse_json(Format::FreeOtpPlus, bytes)?;
        // The tokens in `tokenOrder`'s order, then any it does not name
        // (FreeOTP+ itself would drop those; we keep them rather than lose an
        // account). Ids may repeat: each names the next token with that id.
        let mut by_id: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (index, token) in backup.tokens.iter().enumerate() {
            by_id.entry(token.id()).or_default().push_back(index);
        }
        let mut placed = vec![false; backup.tokens.len()];
        let mut order = Vec::with_capacity(backup.tokens.len());
        for id in &backup.token_order {
            if let Some(index) = by_id.get_mut(id).and_then(VecDeque::pop_front) {
                placed[index] = true;
                order.push(index);
            }
        }
        order.extend((0..placed.len()).filter(|&index| !placed[index]));
        Ok(order
            .into_iter()
            .map(|index| {
                let token = &backup.tokens[index];
                token.read().map_err(|reason| Unreadable {
                    entry: entry_label(index, token.issuer(), Some(token.name())),
                    reason,
                })
            })
            .collect())
    }
}
