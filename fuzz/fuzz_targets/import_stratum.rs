#![no_main]
use twofold_authenticator::formats::Format;
libfuzzer_sys::fuzz_target!(|data: &[u8]| twofold_fuzz::import(Some(Format::Stratum), data));
