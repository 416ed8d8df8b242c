//! QR decoding of whole screenshots, 1080p and 4K, each with three codes
//! (one light-on-dark), from PNG bytes as `qr::decode_image` gets them.
//!
//! With `TWOFOLD_QR_BENCH_DIR` set, the screenshots are also written there
//! as `1080p.png` and `4k.png`, so that `scripts/bench-qr` can time
//! `zbarimg` on the very same pictures.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_authenticator::qr;

#[path = "../tests/support/screenshot.rs"]
mod screenshot;

const CODES: [&str; 3] = [
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/Acme%20Corp:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Acme%20Corp&digits=8",
    "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&issuer=Bank",
];

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    screenshot::scene(width, height, CODES)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("PNG encoding of a generated screenshot");
    bytes
}

fn decode_screenshots(c: &mut Criterion) {
    let out_dir = std::env::var_os("TWOFOLD_QR_BENCH_DIR").map(std::path::PathBuf::from);
    let mut group = c.benchmark_group("qr_decode");
    group.sample_size(20);
    for (name, width, height) in [("1080p", 1920, 1080), ("4k", 3840, 2160)] {
        let bytes = png(width, height);
        if let Some(dir) = &out_dir {
            std::fs::write(dir.join(format!("{name}.png")), &bytes)
                .expect("writable TWOFOLD_QR_BENCH_DIR");
        }
        assert_eq!(
            qr::decode_image(&bytes).map(|found| found.len()).ok(),
            Some(3),
            "{name}: all codes found"
        );
        group.bench_function(name, |b| b.iter(|| qr::decode_image(black_box(&bytes))));
    }
    group.finish();
}

criterion_group!(benches, decode_screenshots);
criterion_main!(benches);
