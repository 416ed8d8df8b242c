//! The import samples (`tests/samples`, written by `make_samples.py`) as the
//! tests expect to read them, and the checks every format's tests share.
//! Included by each formats test file with `#[path]`.

// Each includer uses a different part of this file.
#![allow(dead_code)]

use twofold_authenticator::formats::{self, ExportFormat, Format, ImportPreview};
use twofold_authenticator::{Account, Algorithm, OtpKind};

pub const AEGIS_PASSWORD: &str = "correct horse battery staple";

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// One account as the samples hold it.
pub struct Expected {
    pub issuer: &'static str,
    pub name: &'static str,
    pub secret: &'static str,
    pub kind: OtpKind,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub tags: &'static [&'static str],
    pub note: &'static str,
    pub favourite: bool,
}

pub const GITHUB: Expected = Expected {
    issuer: "GitHub",
    name: "alice@example.com",
    secret: "JBSWY3DPEHPK3PXP",
    kind: OtpKind::Totp { period: 30 },
    algorithm: Algorithm::Sha1,
    digits: 6,
    tags: &["Work"],
    note: "",
    favourite: true,
};
pub const ACME: Expected = Expected {
    issuer: "Acme Corp",
    name: "bob",
    secret: "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ",
    kind: OtpKind::Totp { period: 60 },
    algorithm: Algorithm::Sha256,
    digits: 8,
    tags: &[],
    note: "",
    favourite: false,
};
pub const BANK: Expected = Expected {
    issuer: "Bank",
    name: "carol",
    secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    kind: OtpKind::Hotp { counter: 42 },
    algorithm: Algorithm::Sha1,
    digits: 6,
    tags: &[],
    note: "backup codes in the safe",
    favourite: false,
};
pub const STEAM: Expected = Expected {
    issuer: "Steam",
    name: "dave",
    secret: "MFRGGZDFMZTWQ2LK",
    kind: OtpKind::Steam { period: 30 },
    algorithm: Algorithm::Sha1,
    digits: 5,
    tags: &[],
    note: "",
    favourite: false,
};
pub const UNICODE: Expected = Expected {
    issuer: "Ünicode Café",
    name: "eve",
    secret: "ONSWG4TFOQYTEMZUGU3DOOBZ",
    kind: OtpKind::Totp { period: 30 },
    algorithm: Algorithm::Sha512,
    digits: 7,
    tags: &[],
    note: "",
    favourite: false,
};
pub const ALL: [&Expected; 5] = [&GITHUB, &ACME, &BANK, &STEAM, &UNICODE];

/// What besides the key a format keeps of an account.
#[derive(Clone, Copy)]
pub struct Carries {
    pub tags: bool,
    pub notes: bool,
    pub favourites: bool,
}

pub const KEYS_ONLY: Carries = Carries {
    tags: false,
    notes: false,
    favourites: false,
};
pub const EVERYTHING: Carries = Carries {
    tags: true,
    notes: true,
    favourites: true,
};
pub const TAGS_ONLY: Carries = Carries {
    tags: true,
    ..KEYS_ONLY
};

/// Checks the preview's accounts against `expected`, in order; tags, notes
/// and favourites only where the format carries them.
pub fn assert_accounts(preview: &ImportPreview, expected: &[&Expected], carries: Carries) {
    assert!(preview.unreadable.is_empty(), "{:?}", preview.unreadable);
    assert!(preview.duplicates.is_empty(), "{:?}", preview.duplicates);
    let got: Vec<_> = preview
        .added
        .iter()
        .map(|a| (a.otp.issuer(), a.otp.name()))
        .collect();
    let want: Vec<_> = expected.iter().map(|e| (Some(e.issuer), e.name)).collect();
    assert_eq!(got, want, "{}", preview.format);
    for (imported, expected) in preview.added.iter().zip(expected) {
        let otp = &imported.otp;
        let context = format!("{}: {}", preview.format, expected.name);
        assert_eq!(otp.secret().to_base32(), expected.secret, "{context}");
        assert_eq!(otp.kind(), expected.kind, "{context}");
        assert_eq!(otp.algorithm(), expected.algorithm, "{context}");
        assert_eq!(otp.digits(), expected.digits, "{context}");
        if carries.tags {
            assert_eq!(imported.tags, expected.tags, "{context}");
        }
        if carries.notes {
            assert_eq!(imported.note, expected.note, "{context}");
        }
        if carries.favourites {
            assert_eq!(imported.favourite, expected.favourite, "{context}");
        }
    }
}

pub fn import(name: &str) -> ImportPreview {
    formats::import(&sample(name), None, Some(AEGIS_PASSWORD), &[]).unwrap()
}

/// The five sample accounts with their tags and notes, as a vault holds them.
pub fn vault_accounts() -> Vec<Account> {
    let mut accounts = Vec::new();
    import("aegis-plain.json").apply(&mut accounts, 1).unwrap();
    accounts
}

pub fn export_one(format: ExportFormat, accounts: &[Account], password: Option<&str>) -> Vec<u8> {
    let mut files = formats::export(format, accounts, password).unwrap();
    assert_eq!(files.len(), 1);
    std::mem::take(&mut *files[0].bytes)
}

pub fn assert_same_accounts(preview: &ImportPreview, accounts: &[Account]) {
    assert!(preview.unreadable.is_empty(), "{:?}", preview.unreadable);
    assert_eq!(preview.added.len(), accounts.len());
    for (imported, account) in preview.added.iter().zip(accounts) {
        // Byte-exact secrets, and every other parameter.
        assert_eq!(
            imported.otp.secret().as_bytes(),
            account.otp.secret().as_bytes()
        );
        assert_eq!(imported.otp, account.otp);
    }
}

/// Every sample and the format it is written in; each is recognised as that
/// format without being named (`andotp-encrypted-old.json.aes`, random bytes
/// from its first byte, is left out: it opens only when named).
pub const SAMPLES: [(&str, Format); 26] = [
    ("otpauth.txt", Format::OtpauthList),
    ("google-migration.txt", Format::GoogleMigration),
    ("aegis-plain.json", Format::Aegis),
    ("aegis-encrypted.json", Format::Aegis),
    ("2fas.2fas", Format::TwoFas),
    ("2fas-encrypted.2fas", Format::TwoFas),
    ("2fas-encrypted-broken.2fas", Format::TwoFas),
    ("bitwarden.json", Format::Bitwarden),
    ("bitwarden.csv", Format::Bitwarden),
    ("bitwarden-broken.csv", Format::Bitwarden),
    ("andotp.json", Format::AndOtp),
    ("andotp-encrypted.json.aes", Format::AndOtp),
    ("andotp-encrypted-broken.json.aes", Format::AndOtp),
    ("ente.txt", Format::Ente),
    ("ente-encrypted.json", Format::Ente),
    ("ente-encrypted-broken.json", Format::Ente),
    ("proton.json", Format::Proton),
    ("proton-encrypted.json", Format::Proton),
    ("proton-tampered.json", Format::Proton),
    ("freeotpplus.json", Format::FreeOtpPlus),
    ("freeotpplus-broken.json", Format::FreeOtpPlus),
    ("stratum.json", Format::Stratum),
    ("stratum-broken.json", Format::Stratum),
    ("stratum-encrypted.bin", Format::Stratum),
    ("lastpass.json", Format::LastPass),
    ("lastpass-broken.json", Format::LastPass),
];
