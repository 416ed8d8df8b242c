#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = twofold_authenticator::qr::decode_image(data);
});
