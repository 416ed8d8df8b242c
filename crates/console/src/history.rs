//! The local audit history of Verify actions: one JSON line per action in
//! `history.jsonl` beside the vault. It names the action, profile, service,
//! channel, status and error code, the verification SID and the time; the
//! destination only masked, and never a code or a token.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// A verification was sent.
    Send,
    /// A code was checked.
    Check,
    /// A verification was fetched.
    Fetch,
    /// A verification was approved by hand.
    Approve,
    /// A verification was canceled.
    Cancel,
    /// A number was looked up.
    Lookup,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Send => "send",
            Action::Check => "check",
            Action::Fetch => "fetch",
            Action::Approve => "approve",
            Action::Cancel => "cancel",
            Action::Lookup => "lookup",
        }
    }
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Unix seconds.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub time: u64,
    pub action: Action,
    /// The profile's name.
    pub profile: String,
    /// The Verify Service (`VA…`).
    pub service: Option<String>,
    pub channel: Option<String>,
    /// The destination, masked: `••••••••23`, `a…@example.com`.
    pub to: String,
    /// The status Twilio answered, e.g. `pending`, `approved`.
    pub status: Option<String>,
    /// Twilio's error code when it refused.
    pub error_code: Option<u32>,
    /// The verification (`VE…`).
    pub verification_sid: Option<String>,
}

/// Which entries to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryFilter {
    /// Only this profile.
    pub profile: Option<String>,
    /// Only this action.
    pub action: Option<Action>,
    /// Text found in the service, channel, destination, status or SID.
    pub text: Option<String>,
}

impl HistoryFilter {
    fn keeps(&self, entry: &HistoryEntry) -> bool {
        let text = self
            .text
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_lowercase();
        self.profile
            .as_ref()
            .is_none_or(|profile| *profile == entry.profile)
            && self.action.is_none_or(|action| action == entry.action)
            && (text.is_empty()
                || [
                    entry.service.as_deref(),
                    entry.channel.as_deref(),
                    Some(entry.to.as_str()),
                    entry.status.as_deref(),
                    entry.verification_sid.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(&text)))
    }
}

/// The history file.
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
}

impl History {
    /// The history kept in `path` (created on the first entry).
    pub fn at(path: impl Into<PathBuf>) -> History {
        History { path: path.into() }
    }

    /// `$XDG_DATA_HOME/twofold/history.jsonl`, beside the vault; `None`
    /// without a home folder.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("app", "twofold", "twofold")
            .map(|dirs| dirs.data_dir().join("history.jsonl"))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry. Each line goes out in one `O_APPEND` write, so
    /// the app and `twofold-cli` can record at the same time.
    pub fn record(&self, entry: &HistoryEntry) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&self.path)?.write_all(&line)
    }

    /// The entries `filter` keeps, newest first. Lines that do not parse
    /// (a line cut short by a crash) are passed over.
    pub fn entries(&self, filter: &HistoryFilter) -> io::Result<Vec<HistoryEntry>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error),
        };
        let mut entries: Vec<HistoryEntry> = text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .filter(|entry| filter.keeps(entry))
            .collect();
        entries.reverse();
        Ok(entries)
    }

    /// Writes the entries `filter` keeps as CSV to `output`, a new file
    /// (mode 0600); returns how many.
    pub fn export_csv(&self, output: &Path, filter: &HistoryFilter) -> io::Result<usize> {
        let entries = self.entries(filter)?;
        twofold_atomic_file::write_new(output, History::to_csv(&entries).as_bytes())?;
        Ok(entries.len())
    }

    /// The entries as CSV with a header line, oldest first.
    pub fn to_csv(entries: &[HistoryEntry]) -> String {
        let mut csv = String::from(
            "time,action,profile,service,channel,to,status,error_code,verification_sid\n",
        );
        for entry in entries.iter().rev() {
            let fields = [
                iso_time(entry.time),
                entry.action.as_str().to_owned(),
                entry.profile.clone(),
                entry.service.clone().unwrap_or_default(),
                entry.channel.clone().unwrap_or_default(),
                entry.to.clone(),
                entry.status.clone().unwrap_or_default(),
                entry
                    .error_code
                    .map(|code| code.to_string())
                    .unwrap_or_default(),
                entry.verification_sid.clone().unwrap_or_default(),
            ];
            let row: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        csv
    }
}

/// RFC 4180: quoted when it holds a comma, quote or line break. A leading
/// `=`, `+`, `-` or `@` is quoted with an apostrophe, so a spreadsheet does
/// not run it as a formula.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

fn iso_time(unix: u64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    i64::try_from(unix)
        .ok()
        .and_then(|unix| time::OffsetDateTime::from_unix_timestamp(unix).ok())
        .and_then(|time| time.format(format).ok())
        .unwrap_or_default()
}

/// A destination as the history keeps it: a number's last two digits, an
/// email's first letter and domain.
pub fn mask_destination(to: &str) -> String {
    let to = to.trim();
    if let Some((user, domain)) = to.split_once('@') {
        let first = user.chars().next().map(String::from).unwrap_or_default();
        return format!("{first}…@{domain}");
    }
    let chars: Vec<char> = to.chars().collect();
    let keep = chars.len().min(2);
    let hidden = chars.len() - keep;
    let tail: String = chars[hidden..].iter().collect();
    format!("{}{tail}", "•".repeat(hidden))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(action: Action, to: &str, status: &str) -> HistoryEntry {
        HistoryEntry {
            time: 1_795_000_000,
            action,
            profile: "Sandbox".into(),
            service: Some("VA0123".into()),
            channel: Some("sms".into()),
            to: mask_destination(to),
            status: Some(status.into()),
            error_code: None,
            verification_sid: Some("VE42".into()),
        }
    }

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_destination("+14155550123"), "••••••••••23");
        assert_eq!(mask_destination("ada@example.com"), "a…@example.com");
        assert_eq!(mask_destination("7"), "7");
    }

    #[test]
    fn entries_come_back_newest_first_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::at(dir.path().join("history.jsonl"));
        history
            .record(&entry(Action::Send, "+14155550123", "pending"))
            .unwrap();
        history
            .record(&entry(Action::Check, "+14155550123", "approved"))
            .unwrap();
        let all = history.entries(&HistoryFilter::default()).unwrap();
        assert_eq!(
            all.iter().map(|e| e.action).collect::<Vec<_>>(),
            [Action::Check, Action::Send]
        );
        let checks = HistoryFilter {
            action: Some(Action::Check),
            ..HistoryFilter::default()
        };
        assert_eq!(history.entries(&checks).unwrap().len(), 1);
        let text = HistoryFilter {
            text: Some("APPROVED".into()),
            ..HistoryFilter::default()
        };
        assert_eq!(history.entries(&text).unwrap()[0].action, Action::Check);
        let file = fs::read_to_string(history.path()).unwrap();
        assert!(
            !file.contains("4155550123"),
            "the number is in the history: {file}"
        );
    }

    #[test]
    fn csv_has_a_header_quotes_and_no_formulas() {
        let mut odd = entry(Action::Send, "ada@example.com", "pending");
        odd.profile = "=cmd, \"quoted\"".into();
        let csv = History::to_csv(&[odd]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "time,action,profile,service,channel,to,status,error_code,verification_sid"
        );
        assert_eq!(
            lines[1],
            "2026-11-18T11:06:40Z,send,\"'=cmd, \"\"quoted\"\"\",VA0123,sms,a…@example.com,pending,,VE42"
        );
    }
}
