//! Profiles against a real Secret Service (make test runs gnome-keyring):
//! settings in the file, secrets only in the keyring, the Environment
//! profile, and the command line's choice of profile.
#![allow(clippy::unwrap_used)]

use secrecy::{ExposeSecret, SecretString};
use twofold_console::profiles::{AuthKind, Profile, ProfileStore, Target, environment_profile};

fn profile(name: &str) -> Profile {
    Profile {
        name: name.to_owned(),
        account_sid: format!("AC{}", "a".repeat(32)),
        auth: AuthKind::AuthToken,
        target: Target::Twilio {
            region: Some("ie1".to_owned()),
            edge: None,
        },
        default_service: None,
    }
}

fn store() -> (tempfile::TempDir, ProfileStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles.json"));
    (dir, store)
}

#[test]
fn a_profile_keeps_its_secret_in_the_keyring_only() {
    let (_dir, store) = store();
    // Names unique to this run: the keyring is shared by the test process.
    let name = format!("Support {}", std::process::id());
    let secret = "s3cret-token-in-keyring";
    store
        .save(profile(&name), None, Some(SecretString::from(secret)))
        .unwrap();
    let file = std::fs::read_to_string(store.path()).unwrap();
    assert!(file.contains(&name) && !file.contains(secret), "{file}");
    assert_eq!(store.secret_of(&name).unwrap().expose_secret(), secret);

    // Renamed without a new secret: the secret moves with it.
    let renamed = format!("{name} (EU)");
    store.save(profile(&renamed), Some(&name), None).unwrap();
    assert_eq!(store.secret_of(&renamed).unwrap().expose_secret(), secret);
    assert!(store.secret_of(&name).is_err());
    assert_eq!(store.saved().unwrap().len(), 1);

    store.remove(&renamed).unwrap();
    assert!(store.saved().unwrap().is_empty());
    assert!(
        store.secret_of(&renamed).is_err(),
        "removing forgets the secret"
    );
}

#[test]
fn bad_fields_are_refused_with_the_rule() {
    let (_dir, store) = store();
    let mut bad = profile("Bad");
    bad.account_sid = "AC123".to_owned();
    let error = store
        .save(bad, None, Some(SecretString::from("x")))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "profile Account SID: it is AC followed by 32 hex digits, as the Twilio Console shows it"
    );
    let error = store
        .save(profile("Sandbox"), None, Some(SecretString::from("x")))
        .unwrap_err();
    assert!(error.to_string().contains("is built in"), "{error}");
    assert!(!store.path().exists(), "nothing was written");
}

#[test]
fn the_environment_makes_a_profile_as_the_sdks_read_it() {
    let vars = [
        ("TWILIO_ACCOUNT_SID", format!("AC{}", "b".repeat(32))),
        ("TWILIO_API_KEY", format!("SK{}", "c".repeat(32))),
        ("TWILIO_API_SECRET", "key-secret".to_owned()),
        ("TWILIO_EDGE", "dublin".to_owned()),
        ("TWILIO_VERIFY_SERVICE_SID", format!("VA{}", "d".repeat(32))),
    ];
    let var = |name: &str| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, v)| v.clone())
    };
    let (profile, secret) = environment_profile(var).unwrap();
    assert_eq!(profile.name, "Environment");
    assert_eq!(
        profile.auth,
        AuthKind::ApiKey {
            key_sid: format!("SK{}", "c".repeat(32))
        }
    );
    assert_eq!(secret.expose_secret(), "key-secret");
    assert_eq!(
        profile.default_service,
        Some(format!("VA{}", "d".repeat(32)))
    );
    assert_eq!(
        profile
            .endpoint()
            .unwrap()
            .origin(twofold_verify::Domain::Verify),
        "https://verify.dublin.us1.twilio.com"
    );
    assert!(environment_profile(|_| None).is_none());
}

#[test]
fn the_command_line_picks_named_then_environment_then_the_apps() {
    let (_dir, store) = store();
    let none = |_: &str| None;
    let error = store.pick(None, None, none).unwrap_err();
    assert!(
        error.to_string().contains("set TWILIO_ACCOUNT_SID"),
        "{error}"
    );

    let name = format!("Only {}", std::process::id());
    store
        .save(
            profile(&name),
            None,
            Some(SecretString::from("only-secret")),
        )
        .unwrap();
    let (picked, secret) = store
        .pick(None, Some("http://127.0.0.1:7722"), none)
        .unwrap();
    assert_eq!(picked.name, name);
    assert_eq!(secret.expose_secret(), "only-secret");
    assert_eq!(
        picked.target,
        Target::BaseUrl {
            url: "http://127.0.0.1:7722".to_owned()
        }
    );
    let env = |key: &str| match key {
        "TWILIO_ACCOUNT_SID" => Some(format!("AC{}", "e".repeat(32))),
        "TWILIO_AUTH_TOKEN" => Some("env-token".to_owned()),
        _ => None,
    };
    assert_eq!(store.pick(None, None, env).unwrap().0.name, "Environment");
    assert_eq!(store.pick(Some(&name), None, env).unwrap().0.name, name);
    assert!(
        store
            .pick(Some("Sandbox"), None, env)
            .unwrap_err()
            .to_string()
            .contains("--base-url")
    );
    store.remove(&name).unwrap();
}

#[test]
fn the_sandbox_gets_credentials_of_its_own_that_last() {
    let (_dir, store) = store();
    let (sid, token) = store.sandbox_credentials().unwrap();
    assert!(twofold_console::profiles::is_sid(&sid, "AC"), "{sid}");
    assert_ne!(token.expose_secret(), "sandbox-auth-token");
    let written = std::fs::metadata(store.path()).unwrap().modified().unwrap();
    let (again, _) = store.sandbox_credentials().unwrap();
    assert_eq!(sid, again, "the same install keeps its Sandbox account");
    assert_eq!(
        std::fs::metadata(store.path()).unwrap().modified().unwrap(),
        written,
        "asking again (every start) writes nothing"
    );
}
