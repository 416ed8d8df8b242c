//! The built `twofold-cli` binary, driven as a script would: exit codes,
//! output, files written, a passphrase vault from init to export.
#![allow(clippy::unwrap_used)]

#[path = "../../authenticator/tests/support/screenshot.rs"]
mod screenshot;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use twofold_authenticator::OtpAuth;

const ALICE: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BOB: &str =
    "otpauth://totp/Acme:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Acme&digits=8";
/// RFC 4226's test key; its first codes are 755224 and 287082.
const RFC_HOTP: &str =
    "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0&issuer=Bank";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the CLI on this test's vault, unlocked by `passphrase`.
    fn run_with(&self, passphrase: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_twofold-cli"))
            .args(args)
            .env("TWOFOLD_VAULT", self.path("vault.twofold"))
            .env("TWOFOLD_PASSPHRASE", passphrase)
            .env_remove("TWOFOLD_NEW_PASSPHRASE")
            .env_remove("TWOFOLD_FILE_PASSWORD")
            .env("HOME", self.dir.path())
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with("vault pass", args)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Runs `args` and checks it printed the current code of `uri`: computed
/// before and after the run, so a period boundary during it cannot make the
/// check flaky.
fn assert_prints_current_code(env: &Env, args: &[&str], uri: &str) {
    let otp = OtpAuth::parse(uri).unwrap();
    let before = otp.code_at(now());
    let output = env.run(args);
    let after = otp.code_at(now());
    assert_exit(&output, 0);
    let printed = stdout(&output);
    let printed = printed.trim();
    assert!(
        printed == before || printed == after,
        "{printed} is neither {before} nor {after}"
    );
}

#[test]
fn code_of_a_uri_needs_no_vault() {
    let env = Env::new();
    assert_prints_current_code(&env, &["code", "--uri", ALICE], ALICE);
    assert!(!env.path("vault.twofold").exists());

    let output = env.run(&["code", "--uri", "otpauth://totp/x?secret=JBSW!"]);
    assert_exit(&output, 3);
    assert!(
        stderr(&output).contains("'!' at position 5"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let env = Env::new();
    assert_exit(&env.run(&["frobnicate"]), 2);
    let help = env.run(&["--help"]);
    assert_exit(&help, 0);
    assert!(stdout(&help).contains("Exit codes:") && stdout(&help).contains("4  vault"));
}

#[test]
fn qr_encode_then_decode_round_trips_and_never_overwrites() {
    let env = Env::new();
    let png = env.path("alice.png");
    let output = env.run(&["qr", "encode", ALICE, "-o", png.to_str().unwrap()]);
    assert_exit(&output, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&png).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let output = env.run(&["qr", "decode", png.to_str().unwrap()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), format!("{ALICE}\n"));

    let again = env.run(&["qr", "encode", BOB, "-o", png.to_str().unwrap()]);
    assert_exit(&again, 5);
    assert!(stderr(&again).contains("already exists"));

    let svg = env.path("alice.svg");
    assert_exit(
        &env.run(&["qr", "encode", ALICE, "-o", svg.to_str().unwrap()]),
        0,
    );
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn qr_decode_reads_every_code_of_a_4k_screenshot() {
    let env = Env::new();
    let shot = screenshot::scene(3840, 2160, [ALICE, BOB, RFC_HOTP]);
    let path = env.path("screen.png");
    shot.save(&path).unwrap();
    let output = env.run(&["--json", "qr", "decode", path.to_str().unwrap()]);
    assert_exit(&output, 0);
    let mut found: Vec<String> = serde_json::from_str(&stdout(&output)).unwrap();
    found.sort();
    let mut expected = vec![ALICE, BOB, RFC_HOTP];
    expected.sort_unstable();
    assert_eq!(found, expected);
}

#[test]
fn qr_decode_exits_1_without_codes_and_3_on_a_non_picture() {
    let env = Env::new();
    let blank = env.path("blank.png");
    screenshot::screenshot(640, 480, 9, &[])
        .save(&blank)
        .unwrap();
    let output = env.run(&["qr", "decode", blank.to_str().unwrap()]);
    assert_exit(&output, 1);
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("no QR code found"));

    let text = env.path("notes.txt");
    std::fs::write(&text, "just text").unwrap();
    assert_exit(&env.run(&["qr", "decode", text.to_str().unwrap()]), 3);
    assert_exit(
        &env.run(&["qr", "decode", env.path("missing.png").to_str().unwrap()]),
        5,
    );
}

fn samples(name: &str) -> String {
    format!(
        "{}/../authenticator/tests/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn list_json(env: &Env) -> Vec<serde_json::Value> {
    let output = env.run(&["--json", "list"]);
    assert_exit(&output, 0);
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_passphrase_vault_from_init_to_import_and_export() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    let empty = env.run(&["code"]);
    assert_exit(&empty, 1);
    assert!(
        stderr(&empty).contains("no accounts yet"),
        "{}",
        stderr(&empty)
    );
    let info = env.run(&["--json", "vault", "info"]);
    assert_exit(&info, 0);
    let info: serde_json::Value = serde_json::from_str(&stdout(&info)).unwrap();
    assert_eq!(info["accounts"], 0);
    assert_eq!(info["keyring"], false);
    assert!(info["passphrase"].is_object());

    // add, list, code
    assert_exit(&env.run(&["add", ALICE]), 0);
    let duplicate = env.run(&["add", ALICE]);
    assert_exit(&duplicate, 3);
    assert!(
        stderr(&duplicate).contains("“GitHub: alice” is already in the vault"),
        "{}",
        stderr(&duplicate)
    );
    let listed = list_json(&env);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["issuer"], "GitHub");
    assert!(
        !serde_json::to_string(&listed).unwrap().contains("JBSWY3DP"),
        "list shows a secret"
    );
    assert_prints_current_code(&env, &["code", "github"], ALICE);

    // By hand, with the URI's rules and messages; then shaped with edit.
    let typo = env.run(&[
        "add",
        "--secret",
        "JBSWY3DP1HPK3PXP",
        "--issuer",
        "Bad",
        "--name",
        "x",
    ]);
    assert_exit(&typo, 3);
    assert!(
        stderr(&typo).contains("secret: '1' at position 9"),
        "{}",
        stderr(&typo)
    );
    assert_exit(
        &env.run(&[
            "add",
            "--secret",
            "GEZD GNBV GY3T QOJQ",
            "--issuer",
            "Typed",
            "--name",
            "by hand",
            "--digits",
            "8",
        ]),
        0,
    );
    let edited = env.run(&[
        "--json",
        "edit",
        "typed",
        "--name",
        "renamed",
        "--tag",
        "work",
        "--tag",
        "home",
        "--note",
        "desk drawer",
        "--favourite",
    ]);
    assert_exit(&edited, 0);
    let listed = list_json(&env);
    assert_eq!(
        listed[0]["name"], "renamed",
        "favourites come first: {listed:?}"
    );
    assert_eq!(listed[0]["tags"], serde_json::json!(["work", "home"]));
    assert_eq!(listed[0]["note"], "desk drawer");
    assert_eq!(listed[0]["favourite"], true);
    assert_eq!(listed[0]["digits"], 8);
    let ambiguous = env.run(&["edit", "e", "--note", "x"]);
    assert_exit(&ambiguous, 3);
    assert!(stderr(&ambiguous).contains("matches more than one account"));
    assert_exit(&env.run(&["edit", "renamed", "--favourite=false"]), 0);
    assert_eq!(list_json(&env)[0]["issuer"], "GitHub");
    // Back to one account, as the rest of this test expects.
    let id = list_json(&env)[1]["id"].as_str().unwrap().to_owned();
    assert_eq!(list_json(&env)[1]["name"], "renamed");
    assert_exit(&env.run(&["remove", &id]), 0);
    assert_exit(&env.run(&["remove", &id]), 1);
    assert_exit(&env.run(&["code", "nobody"]), 1);

    // a dry run changes nothing; the real import adds the new accounts only
    let password = write(
        &env.path("aegis-pass.txt"),
        "correct horse battery staple\n",
    );
    let sample = samples("aegis-encrypted.json");
    let dry = env.run(&["import", &sample, "--password-file", &password, "--dry-run"]);
    assert_exit(&dry, 0);
    assert!(
        stdout(&dry).contains("4 to add, 1 already there"),
        "{}",
        stdout(&dry)
    );
    assert_eq!(list_json(&env).len(), 1);
    assert_exit(
        &env.run(&["import", &sample, "--password-file", &password]),
        0,
    );
    assert_eq!(list_json(&env).len(), 5);

    // Aegis export, encrypted, read back into a second vault
    let export_password = write(&env.path("export-pass.txt"), "export pw");
    let exported = env.path("export.json");
    let output = env.run(&[
        "export",
        "--format",
        "aegis",
        "-o",
        exported.to_str().unwrap(),
        "--password-file",
        &export_password,
    ]);
    assert_exit(&output, 0);
    let other = Env::new();
    assert_exit(&other.run(&["vault", "init"]), 0);
    let output = other.run(&[
        "import",
        exported.to_str().unwrap(),
        "--password-file",
        &export_password,
    ]);
    assert_exit(&output, 0);
    let names = |env: &Env| {
        let mut names: Vec<String> = list_json(env)
            .iter()
            .map(|a| a["name"].to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&other), names(&env));

    // A plain export needs --plain; without it nothing is written.
    let plain = env.path("plain.txt");
    let refused = env.run(&[
        "export",
        "--format",
        "otpauth",
        "-o",
        plain.to_str().unwrap(),
    ]);
    assert_exit(&refused, 3);
    assert!(stderr(&refused).contains("holds every secret in the clear; add --plain"));
    assert!(!plain.exists());
    assert_exit(
        &env.run(&[
            "export",
            "--format",
            "otpauth",
            "-o",
            plain.to_str().unwrap(),
            "--plain",
        ]),
        0,
    );
    assert_eq!(std::fs::read_to_string(&plain).unwrap().lines().count(), 5);

    // Google QR export cannot carry Steam or 60 s codes: refused, nothing written.
    let qr = env.path("google.png");
    let refused = env.run(&[
        "export",
        "--format",
        "google-qr",
        "-o",
        qr.to_str().unwrap(),
        "--plain",
    ]);
    assert_exit(&refused, 3);
    assert!(
        !stderr(&refused).contains("--plain"),
        "{}",
        stderr(&refused)
    );
    assert!(!qr.exists());

    // An encrypted vault backup opens with its own password.
    let backup = env.path("backup.twofold");
    let output = env.run(&[
        "export",
        "--format",
        "vault",
        "-o",
        backup.to_str().unwrap(),
        "--password-file",
        &export_password,
    ]);
    assert_exit(&output, 0);
    let files: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("backup"))
        .collect();
    assert_eq!(files, ["backup.twofold"], "only the backup itself is left");
    let backup_list = Command::new(env!("CARGO_BIN_EXE_twofold-cli"))
        .args([
            "--json",
            "--vault",
            backup.to_str().unwrap(),
            "--passphrase-file",
            &export_password,
            "list",
        ])
        .env_remove("TWOFOLD_PASSPHRASE")
        .output()
        .unwrap();
    assert_exit(&backup_list, 0);
    let backup_accounts: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&backup_list)).unwrap();
    assert_eq!(backup_accounts.len(), 5);
}

#[test]
fn accounts_move_in_from_proton_and_out_to_proton_and_ente() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    let password = write(&env.path("pass.txt"), "correct horse battery staple\n");
    let sample = samples("proton-encrypted.json");
    let needs_password = env.run(&["import", &sample]);
    assert_exit(&needs_password, 3);
    assert!(stderr(&needs_password).contains("encrypted: give its password"));
    assert_exit(
        &env.run(&["import", &sample, "--password-file", &password]),
        0,
    );
    assert_eq!(list_json(&env).len(), 4);

    // Out as an encrypted Proton export, back into a second vault.
    let proton = env.path("proton-out.json");
    let output = env.run(&[
        "export",
        "--format",
        "proton",
        "-o",
        proton.to_str().unwrap(),
        "--password-file",
        &password,
    ]);
    assert_exit(&output, 0);
    let other = Env::new();
    assert_exit(&other.run(&["vault", "init"]), 0);
    assert_exit(
        &other.run(&[
            "import",
            proton.to_str().unwrap(),
            "--password-file",
            &password,
        ]),
        0,
    );
    let labels = |env: &Env| {
        let mut labels: Vec<String> = list_json(env)
            .iter()
            .map(|a| format!("{}: {}", a["issuer"], a["name"]))
            .collect();
        labels.sort();
        labels
    };
    assert_eq!(labels(&other), labels(&env));

    // Ente's text export is plain: it needs --plain, then reads back.
    let ente = env.path("ente.txt");
    let refused = env.run(&["export", "--format", "ente", "-o", ente.to_str().unwrap()]);
    assert_exit(&refused, 3);
    assert!(!ente.exists());
    let output = env.run(&[
        "export",
        "--format",
        "ente",
        "-o",
        ente.to_str().unwrap(),
        "--plain",
    ]);
    assert_exit(&output, 0);
    let third = Env::new();
    assert_exit(&third.run(&["vault", "init"]), 0);
    assert_exit(&third.run(&["import", ente.to_str().unwrap()]), 0);
    assert_eq!(labels(&third), labels(&env));

    // Authy has no export: naming it says what to do instead.
    let authy = env.run(&["import", &sample, "--format", "authy"]);
    assert_exit(&authy, 3);
    assert!(
        stderr(&authy).contains("Authy cannot export"),
        "{}",
        stderr(&authy)
    );
}

#[test]
fn a_broken_import_adds_nothing_and_exits_3() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    let broken = write(
        &env.path("list.txt"),
        &format!("{ALICE}\notpauth://totp/Bad:x?secret=JBSWY3DP1HPK3PXP\n"),
    );
    // The dry run shows the same and exits 3 too, as the help says.
    let dry = env.run(&["import", &broken, "--dry-run"]);
    assert_exit(&dry, 3);
    assert!(stdout(&dry).contains("! line 2: secret: '1' at position 9"));
    let output = env.run(&["import", &broken]);
    assert_exit(&output, 3);
    assert!(
        stdout(&output).contains("! line 2: secret: '1' at position 9"),
        "{}",
        stdout(&output)
    );
    // A missing file is named in plain words, without the OS's number.
    let missing = env.run(&["import", env.path("nowhere.json").to_str().unwrap()]);
    assert_exit(&missing, 5);
    assert!(
        stderr(&missing).ends_with("nowhere.json: no such file\n"),
        "{}",
        stderr(&missing)
    );
    assert!(
        stderr(&output).contains("nothing was imported"),
        "{}",
        stderr(&output)
    );
    assert!(list_json(&env).is_empty());

    let blank = env.path("blank.png");
    screenshot::screenshot(640, 480, 5, &[])
        .save(&blank)
        .unwrap();
    let output = env.run(&["import", blank.to_str().unwrap()]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("no QR code found"),
        "{}",
        stderr(&output)
    );

    let unknown = write(&env.path("mystery.bin"), "what is this");
    let output = env.run(&["import", &unknown]);
    assert_exit(&output, 3);
    assert!(
        stderr(&output).contains("cannot tell which app"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn import_reads_google_export_qr_images() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    let text = std::fs::read_to_string(samples("google-migration.txt")).unwrap();
    let mut files = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let path = env.path(&format!("google-{i}.png"));
        assert_exit(
            &env.run(&["qr", "encode", line, "-o", path.to_str().unwrap()]),
            0,
        );
        files.push(path.to_str().unwrap().to_owned());
    }
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let output = env.run(&args);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("Google Authenticator: 3 to add"),
        "{}",
        stdout(&output)
    );
    assert_eq!(list_json(&env).len(), 3);
}

#[test]
fn hotp_code_advances_the_counter() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    assert_exit(&env.run(&["add", RFC_HOTP]), 0);
    assert_eq!(stdout(&env.run(&["code", "bank"])), "755224\n");
    assert_eq!(stdout(&env.run(&["code", "bank"])), "287082\n");
    let listed = list_json(&env);
    assert_eq!(listed[0]["kind"]["counter"], 2);
}

#[test]
fn wrong_passphrase_exits_4_and_passwd_changes_it() {
    let env = Env::new();
    assert_exit(&env.run(&["vault", "init"]), 0);
    assert_exit(&env.run(&["add", ALICE]), 0);
    let wrong = env.run_with("not it", &["list"]);
    assert_exit(&wrong, 4);
    assert!(
        stderr(&wrong).contains("wrong passphrase"),
        "{}",
        stderr(&wrong)
    );

    let new = write(&env.path("new.txt"), "new pass\n");
    assert_exit(
        &env.run(&["vault", "passwd", "--new-passphrase-file", &new]),
        0,
    );
    assert_exit(&env.run(&["list"]), 4);
    let listed = env.run_with("new pass", &["list"]);
    assert_exit(&listed, 0);
    assert!(stdout(&listed).contains("GitHub: alice"));
    // Without a keyring slot the passphrase cannot be removed.
    assert_exit(
        &env.run_with("new pass", &["vault", "passwd", "--remove"]),
        4,
    );
}
