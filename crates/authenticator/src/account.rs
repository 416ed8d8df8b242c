//! An account in the authenticator: its code parameters plus what the user
//! keeps about it (tags, note, order, times).

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use uuid::Uuid;

use crate::otpauth::OtpAuth;

/// Now, in the whole seconds since the Unix epoch that every time an account
/// and the vault keep is counted in (0 on a clock set before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A stable, random identifier for an account (a UUID v4); its text form is
/// what crosses the IPC boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(Uuid);

impl AccountId {
    /// A fresh random identifier.
    pub fn random() -> AccountId {
        AccountId(Uuid::new_v4())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// Text that is not an account id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "account id: '{found}' is not an account id (a UUID like 67e55044-10b1-426f-9247-bb680e5fe0c8)"
)]
pub struct AccountIdError {
    /// The text given.
    pub found: String,
}

impl FromStr for AccountId {
    type Err = AccountIdError;

    fn from_str(text: &str) -> Result<AccountId, AccountIdError> {
        Uuid::parse_str(text.trim())
            .map(AccountId)
            .map_err(|_| AccountIdError {
                found: text.to_owned(),
            })
    }
}

/// The Twilio Verify TOTP factor an account is the other half of: recorded
/// when a factor enrolled in Twofold is added to the vault, so its codes can
/// verify the factor and answer its challenges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorLink {
    /// The Twofold profile that enrolled it.
    pub profile: String,
    /// The Verify Service (`VA…`).
    pub service_sid: String,
    /// The entity's identity.
    pub identity: String,
    /// The factor (`YF…`).
    pub factor_sid: String,
    /// When Twofold saw the factor deleted, in Unix seconds; the account
    /// stays, but its codes verify nothing any more.
    pub deleted_at: Option<u64>,
}

/// One account. Its `Debug` output never shows the secret (see [`crate::Secret`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Stable identity, kept across renames and reorders.
    pub id: AccountId,
    /// Issuer, name, key and code parameters.
    pub otp: OtpAuth,
    /// The user's labels, in the order given.
    pub tags: Vec<String>,
    /// Free text the user keeps with the account.
    pub note: String,
    /// Place in the user's list (lower first).
    pub position: u32,
    /// When the account was added, in Unix seconds.
    pub created_at: u64,
    /// When a code was last copied, in Unix seconds.
    pub last_used_at: Option<u64>,
    /// Pinned to the top of the list.
    pub favourite: bool,
    /// The Verify factor it belongs to, when enrolled through Twofold.
    pub factor: Option<FactorLink>,
}

/// What the user may change about an account: its label and what they keep
/// with it. The key and code parameters stay as the service gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEdit {
    /// The service; blank for none.
    pub issuer: Option<String>,
    /// The account at the service.
    pub name: String,
    /// Labels, in order; blanks and repeats are dropped.
    pub tags: Vec<String>,
    /// Free text.
    pub note: String,
    /// Pinned to the top.
    pub favourite: bool,
}

impl Account {
    /// Applies an edit, with the same rules for the label as a URI has; on
    /// an error nothing changes.
    pub fn apply(&mut self, edit: AccountEdit) -> Result<(), crate::OtpAuthError> {
        let otp = &self.otp;
        self.otp = crate::OtpAuth::new(
            edit.issuer,
            edit.name,
            otp.secret().clone(),
            otp.algorithm(),
            otp.digits(),
            otp.kind(),
        )?;
        let mut tags: Vec<String> = Vec::new();
        for tag in edit
            .tags
            .iter()
            .map(|tag| tag.trim())
            .filter(|tag| !tag.is_empty())
        {
            if !tags.iter().any(|kept| kept.eq_ignore_ascii_case(tag)) {
                tags.push(tag.to_owned());
            }
        }
        self.tags = tags;
        self.note = edit.note.trim_end().to_owned();
        self.favourite = edit.favourite;
        Ok(())
    }
}

/// Moves account `id` to `index` in the list as it is shown (favourites
/// first, then the user's order) and numbers every position afresh in that
/// order; `false` when there is no such account.
pub fn move_to(accounts: &mut [Account], id: AccountId, index: usize) -> bool {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by_key(|&at| (!accounts[at].favourite, accounts[at].position));
    let Some(from) = order.iter().position(|&at| accounts[at].id == id) else {
        return false;
    };
    let moved = order.remove(from);
    order.insert(index.min(order.len()), moved);
    for (position, at) in order.into_iter().enumerate() {
        accounts[at].position = u32::try_from(position).unwrap_or(u32::MAX);
    }
    true
}

impl Account {
    /// A new account with a random id, no tags or note, at position 0.
    pub fn new(otp: OtpAuth, created_at: u64) -> Account {
        Account {
            id: AccountId::random(),
            otp,
            tags: Vec::new(),
            note: String::new(),
            position: 0,
            created_at,
            last_used_at: None,
            favourite: false,
            factor: None,
        }
    }
}

/// The position after every account's: where a new one goes.
pub(crate) fn next_position(accounts: &[Account]) -> u32 {
    accounts
        .iter()
        .map(|account| account.position.saturating_add(1))
        .max()
        .unwrap_or(0)
}
