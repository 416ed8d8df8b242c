//! LastPass Authenticator's JSON export (version 3), as read by Stratum's
//! `Stratum.Core/src/Converter/LastPassBackupConverter.cs` and Bitwarden
//! Authenticator's `LastPassJsonExport.kt`: `{"version": 3, "accounts":
//! [...], "folders": [{"id", "name", "isOpened"}], ...}`. Each account has
//! a base32 `secret`, `issuerName`/`userName` (as the user named them) and
//! `originalIssuerName`/`originalUserName`, `timeStep`, `digits`,
//! `algorithm`, `isFavorite` and `folderData` {`folderId`, `position`}.
//! LastPass only makes TOTP codes. An account is in a folder when its
//! `folderId` is above 0 and names a folder (as Stratum reads it); the folder
//! becomes a tag. `folderId` is a number in some exports and a string in
//! others: both are read.

use std::collections::HashMap;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The LastPass Authenticator format.
pub(super) struct LastPass;

#[derive(Deserialize)]
struct Export {
    accounts: Vec<Account>,
    #[serde(default)]
    folders: Option<Vec<Folder>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    issuer_name: Option<String>,
    original_issuer_name: Option<String>,
    user_name: Option<String>,
    original_user_name: Option<String>,
    secret: Zeroizing<String>,
    time_step: Option<u32>,
    digits: Option<u32>,
    algorithm: Option<String>,
    #[serde(default)]
    is_favorite: bool,
    folder_data: Option<FolderData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FolderData {
    folder_id: Option<FolderId>,
}

#[derive(Deserialize)]
struct Folder {
    id: FolderId,
    name: String,
}

/// A folder id, a number or its digits as a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum FolderId {
    Number(i64),
    Text(String),
}

impl FolderId {
    fn number(&self) -> Option<i64> {
        match self {
            FolderId::Number(number) => Some(*number),
            FolderId::Text(text) => text.trim().parse().ok(),
        }
    }
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
}

impl Account {
    fn issuer(&self) -> Option<&str> {
        non_empty(self.issuer_name.as_deref()).or(non_empty(self.original_issuer_name.as_deref()))
    }

    fn name(&self) -> &str {
        non_empty(self.user_name.as_deref())
            .or(non_empty(self.original_user_name.as_deref()))
            .unwrap_or_default()
    }

    fn read(&self, folders: &HashMap<i64, &str>) -> Result<Imported, String> {
        let fields = AccountFields {
            kind: "totp",
            issuer: self.issuer(),
            name: self.name(),
            secret: &self.secret,
            algorithm: self.algorithm.as_deref(),
            digits: self.digits,
            period: self.time_step,
            counter: None,
        };
        let mut imported = Imported::new(fields.to_otp()?);
        let folder = self
            .folder_data
            .as_ref()
            .and_then(|data| data.folder_id.as_ref()?.number())
            .filter(|&id| id > 0);
        imported.tags = folder
            .and_then(|id| folders.get(&id))
            .map(|name| (*name).to_owned())
            .into_iter()
            .collect();
        imported.favourite = self.is_favorite;
        Ok(imported)
    }
}

impl Importer for LastPass {
    fn format(&self) -> Format {
        Format::LastPass
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json_containing(bytes, "\"accounts\"") && json_containing(bytes, "\"timeStep\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let export: Export = parse_json(Format::LastPass, bytes)?;
        let folders = export.folders.unwrap_or_default();
        let mut folder_names = HashMap::new();
        for folder in &folders {
            if let Some(id) = folder.id.number() {
                // The first folder with an id wins, as a lookup in the list would.
                folder_names.entry(id).or_insert(folder.name.as_str());
            }
        }
        Ok(export
            .accounts
            .iter()
            .enumerate()
            .map(|(index, account)| {
                account.read(&folder_names).map_err(|reason| Unreadable {
                    entry: entry_label(index, account.issuer(), Some(account.name())),
                    reason,
                })
            })
            .collect())
    }
}
