//! Reading and writing `otpauth://` URIs.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use twofold_authenticator::{
    Algorithm, MAX_LABEL_CHARS, OtpAuth, OtpAuthError, OtpKind, Secret, SecretError,
};

fn error(uri: &str) -> String {
    OtpAuth::parse(uri).unwrap_err().to_string()
}

#[test]
fn reads_googles_example() {
    let otp = OtpAuth::parse(
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    )
    .unwrap();
    assert_eq!(otp.issuer(), Some("Example"));
    assert_eq!(otp.name(), "alice@google.com");
    assert_eq!(otp.secret().to_base32(), "JBSWY3DPEHPK3PXP");
    assert_eq!(otp.algorithm(), Algorithm::Sha1);
    assert_eq!(otp.digits(), 6);
    assert_eq!(otp.kind(), OtpKind::Totp { period: 30 });
}

#[test]
fn reads_every_parameter_and_any_case() {
    let otp = OtpAuth::parse(
        "OTPAUTH://TOTP/ACME%20Co:john.doe@email.com?secret=hxdm vjec jjws rb3h wizr 4ifu gftm xboz&issuer=ACME%20Co&algorithm=sha512&digits=8&period=60",
    )
    .unwrap();
    assert_eq!(otp.issuer(), Some("ACME Co"));
    assert_eq!(otp.name(), "john.doe@email.com");
    assert_eq!(otp.secret().to_base32(), "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
    assert_eq!(otp.algorithm(), Algorithm::Sha512);
    assert_eq!(otp.digits(), 8);
    assert_eq!(otp.kind(), OtpKind::Totp { period: 60 });
}

#[test]
fn label_prefix_is_the_issuer_unless_the_parameter_says_otherwise() {
    let from_label = OtpAuth::parse("otpauth://totp/ACME%3A%20%20bob?secret=JBSWY3DP").unwrap();
    assert_eq!(from_label.issuer(), Some("ACME"));
    assert_eq!(from_label.name(), "bob");

    let param_wins = OtpAuth::parse("otpauth://totp/Old:bob?secret=JBSWY3DP&issuer=New").unwrap();
    assert_eq!(param_wins.issuer(), Some("New"));
    assert_eq!(param_wins.name(), "bob");

    let no_issuer = OtpAuth::parse("otpauth://totp/bob%40example.com?secret=JBSWY3DP").unwrap();
    assert_eq!(no_issuer.issuer(), None);
    assert_eq!(no_issuer.name(), "bob@example.com");
}

#[test]
fn reads_hotp_with_its_counter() {
    let otp = OtpAuth::parse("otpauth://hotp/x?secret=JBSWY3DP&counter=42").unwrap();
    assert_eq!(otp.kind(), OtpKind::Hotp { counter: 42 });
    assert_eq!(
        error("otpauth://hotp/x?secret=JBSWY3DP"),
        "counter: missing; an hotp URI needs counter=N, the factor of the next code"
    );
    assert_eq!(
        error("otpauth://hotp/x?secret=JBSWY3DP&counter=-1"),
        "counter: '-1' is not a whole number"
    );
}

#[test]
fn recognises_steam_accounts_three_ways() {
    for uri in [
        "otpauth://totp/Steam:gabe?secret=JBSWY3DP&issuer=Steam",
        "otpauth://totp/Valve:gabe?secret=JBSWY3DP&encoder=steam",
        "otpauth://steam/Steam:gabe?secret=JBSWY3DP",
    ] {
        let otp = OtpAuth::parse(uri).unwrap();
        assert_eq!(otp.kind(), OtpKind::Steam { period: 30 }, "{uri}");
        assert_eq!(otp.digits(), 5, "{uri}");
        let code = otp.code_at(1_700_000_000);
        assert_eq!(code.len(), 5);
        assert!(
            code.chars()
                .all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)),
            "{code}"
        );
    }
}

#[test]
fn errors_say_what_is_wrong_and_where() {
    assert_eq!(
        error("https://example.com/totp?secret=JBSWY3DP"),
        "not an otpauth URI: scheme is 'https'"
    );
    assert_eq!(
        error("JBSWY3DPEHPK3PXP"),
        "not an otpauth URI: it should start with otpauth://"
    );
    assert!(
        error("otpauth-migration://offline?data=CjEKCkhlbGxvId")
            .contains("Google Authenticator export")
    );
    assert_eq!(
        error("otpauth://totp/x?secret=ABCDEF1H"),
        "secret: '1' at position 7 is not base32 (A–Z, 2–7)"
    );
    assert_eq!(
        error("otpauth://totp/x?secret=JBSWY3DP&digits=12"),
        "digits: 12 is not supported (6, 7 or 8)"
    );
    assert_eq!(
        error("otpauth://totp/x?secret=JBSWY3DP&digits=six"),
        "digits: six is not supported (6, 7 or 8)"
    );
    assert_eq!(
        error("otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5"),
        "algorithm: 'MD5' is not supported (SHA1, SHA256 or SHA512)"
    );
    assert_eq!(
        error("otpauth://totp/x?secret=JBSWY3DP&period=0"),
        "period: '0' is not a number of seconds (1 or more, usually 30)"
    );
    assert_eq!(
        error("otpauth://motp/x?secret=JBSWY3DP"),
        "type: 'motp' is not supported (totp, hotp or steam)"
    );
    assert_eq!(
        error("otpauth://totp/x?issuer=A"),
        "secret: missing; the URI needs a secret=... parameter"
    );
    assert_eq!(
        error("otpauth://totp/%FF?secret=JBSWY3DP"),
        "label: not valid UTF-8 text after percent-decoding; check the %XX escapes"
    );
}

#[test]
fn base32_secrets_tolerate_case_spaces_and_padding() {
    let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    for text in [
        "jbsw y3dp ehpk 3pxp",
        "JBSWY3DPEHPK3PXP====",
        " jBsWy3dPeHpK3pXp ",
    ] {
        assert_eq!(Secret::from_base32(text).unwrap(), canonical, "{text}");
    }
    assert_eq!(canonical.to_base32(), "JBSWY3DPEHPK3PXP");
    assert_eq!(canonical.as_bytes(), b"Hello!\xde\xad\xbe\xef");
    // Unused low bits of the last symbol are ignored, as authenticator apps do.
    let sloppy = Secret::from_base32("HXDMVJECJJWS").unwrap();
    assert_eq!(sloppy.to_base32(), "HXDMVJECJJWQ");
    assert_eq!(Secret::from_base32(" = "), Err(SecretError::Empty));
    assert_eq!(
        Secret::from_base32("ABC"),
        Err(SecretError::BadLength { symbols: 3 })
    );
    assert_eq!(
        Secret::from_base32("ab1"),
        Err(SecretError::BadCharacter {
            character: '1',
            position: 3
        })
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let otp = OtpAuth::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
    let debug = format!("{otp:?}");
    assert!(debug.contains("Secret(<redacted>)"), "{debug}");
    assert!(!debug.contains("JBSWY3DP"), "{debug}");
    assert!(!debug.contains("72, 101"), "{debug}");
}

#[test]
fn writes_one_canonical_form() {
    let otp = OtpAuth::parse(
        "otpauth://totp/ACME%20Co:%20john:doe@x.com?issuer=ACME%20Co&secret=jbswy3dpehpk3pxp&image=https://x/y.png",
    )
    .unwrap();
    assert_eq!(
        otp.to_uri(),
        "otpauth://totp/ACME%20Co:john%3Adoe@x.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
    );
    let steam = OtpAuth::parse("otpauth://steam/Steam:gabe?secret=JBSWY3DP").unwrap();
    assert_eq!(
        steam.to_uri(),
        "otpauth://totp/Steam:gabe?secret=JBSWY3DP&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam"
    );
}

#[test]
fn a_colon_in_a_name_without_issuer_survives_a_round_trip() {
    let otp = OtpAuth::new(
        None,
        "a:b",
        Secret::from_bytes(b"0123456789".to_vec()),
        Algorithm::Sha1,
        6,
        OtpKind::Totp { period: 30 },
    )
    .unwrap();
    assert_eq!(OtpAuth::parse(&otp.to_uri()), Ok(otp));
}

#[test]
fn renaming_the_issuer_to_steam_makes_a_steam_account() {
    let mut otp = OtpAuth::parse("otpauth://totp/x?secret=JBSWY3DP&digits=8").unwrap();
    otp.set_issuer(Some(" steam ".into()));
    assert_eq!(otp.issuer(), Some("steam"));
    assert_eq!(otp.kind(), OtpKind::Steam { period: 30 });
    assert_eq!(otp.digits(), 5);
    otp.set_issuer(Some("  ".into()));
    assert_eq!(otp.issuer(), None);
}

#[test]
fn constructor_rejects_what_a_uri_could_not_carry() {
    let secret = || Secret::from_bytes(b"0123456789".to_vec());
    let totp = OtpKind::Totp { period: 30 };
    assert!(matches!(
        OtpAuth::new(None, "x", secret(), Algorithm::Sha1, 9, totp),
        Err(OtpAuthError::Digits { .. })
    ));
    assert!(matches!(
        OtpAuth::new(
            None,
            "x",
            Secret::from_bytes(Vec::new()),
            Algorithm::Sha1,
            6,
            totp
        ),
        Err(OtpAuthError::Secret(SecretError::Empty))
    ));
    assert!(matches!(
        OtpAuth::new(
            None,
            "x",
            secret(),
            Algorithm::Sha1,
            6,
            OtpKind::Totp { period: 0 }
        ),
        Err(OtpAuthError::Period { .. })
    ));
}

fn any_otpauth() -> impl Strategy<Value = OtpAuth> {
    let text = "[ -~\\u{a0}-\\u{2fff}]{0,24}";
    let kind = prop_oneof![
        (1u32..=600).prop_map(|period| OtpKind::Totp { period }),
        any::<u64>().prop_map(|counter| OtpKind::Hotp { counter }),
        (1u32..=600).prop_map(|period| OtpKind::Steam { period }),
    ];
    let algorithm = prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ];
    (
        proptest::option::of(text),
        text,
        proptest::collection::vec(any::<u8>(), 1..64),
        algorithm,
        6u8..=8,
        kind,
    )
        .prop_map(|(issuer, name, key, algorithm, digits, kind)| {
            OtpAuth::new(
                issuer,
                name,
                Secret::from_bytes(key),
                algorithm,
                digits,
                kind,
            )
            .unwrap()
        })
}

proptest! {
    #[test]
    fn parsing_never_panics(text in "\\PC*") {
        let _ = OtpAuth::parse(&text);
    }

    #[test]
    fn parsing_uri_shaped_text_never_panics(
        kind in "(totp|hotp|steam|x)",
        label in "[^?#]{0,30}",
        query in "((secret|issuer|digits|period|counter|algorithm|encoder)=[ -~]{0,12}&?){0,6}",
    ) {
        let _ = OtpAuth::parse(&format!("otpauth://{kind}/{label}?{query}"));
    }

    #[test]
    fn written_uris_read_back_the_same(otp in any_otpauth()) {
        let uri = otp.to_uri();
        let read = OtpAuth::parse(&uri).unwrap();
        prop_assert_eq!(&read, &otp);
        prop_assert_eq!(read.to_uri(), uri);
    }
}

#[test]
fn an_issuer_with_a_colon_keeps_the_name_whole() {
    let otp = OtpAuth::parse(
        "otpauth://totp/Example%3A%20Co%3Acolon%3Ain%3Aname?secret=JBSWY3DPEHPK3PXP&issuer=Example%3A%20Co",
    )
    .unwrap();
    assert_eq!(otp.issuer(), Some("Example: Co"));
    assert_eq!(otp.name(), "colon:in:name");
    let literal = OtpAuth::parse(
        "otpauth://totp/Example: Co:colon:in:name?secret=JBSWY3DPEHPK3PXP&issuer=Example:+Co",
    )
    .unwrap();
    assert_eq!(
        (literal.issuer(), literal.name()),
        (Some("Example: Co"), "colon:in:name")
    );
    // And it survives its own canonical form.
    assert_eq!(OtpAuth::parse(&otp.to_uri()).unwrap(), otp);
}

#[test]
fn query_values_are_form_encoded_so_a_plus_is_a_space() {
    let otp = OtpAuth::parse("otpauth://totp/ACME+Co:ada?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co")
        .unwrap();
    assert_eq!(otp.issuer(), Some("ACME Co"));
    let plus = OtpAuth::parse("otpauth://totp/ada?secret=JBSWY3DPEHPK3PXP&issuer=C%2B%2B").unwrap();
    assert_eq!(plus.issuer(), Some("C++"));
}

#[test]
fn broken_escapes_and_overlong_labels_are_refused_with_the_rule() {
    let error = OtpAuth::parse("otpauth://totp/Bad%ZZname?secret=JBSWY3DPEHPK3PXP").unwrap_err();
    assert_eq!(
        error.to_string(),
        "label: '%ZZ' at position 4 is not a valid percent-escape (%XX with two hex digits); write a % sign as %25"
    );
    let error = OtpAuth::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=50%").unwrap_err();
    assert!(
        error.to_string().starts_with("issuer: '%' at position 3"),
        "{error}"
    );
    let long = "a".repeat(MAX_LABEL_CHARS + 1);
    let error = OtpAuth::parse(&format!(
        "otpauth://totp/Acme:{long}?secret=JBSWY3DPEHPK3PXP"
    ))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "name: {} characters is longer than the {MAX_LABEL_CHARS} Twofold keeps; shorten it",
            MAX_LABEL_CHARS + 1
        )
    );
    let fits = "a".repeat(MAX_LABEL_CHARS);
    assert!(
        OtpAuth::parse(&format!(
            "otpauth://totp/Acme:{fits}?secret=JBSWY3DPEHPK3PXP"
        ))
        .is_ok()
    );
}
