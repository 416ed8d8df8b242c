#![no_main]
// A URI that parses must write back to one that parses to the same account.
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Ok(otp) = twofold_authenticator::OtpAuth::parse(text) {
        assert_eq!(
            twofold_authenticator::OtpAuth::parse(&otp.to_uri()).as_ref(),
            Ok(&otp)
        );
    }
});
