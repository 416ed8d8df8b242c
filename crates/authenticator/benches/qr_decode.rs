//! QR decoding of whole screenshots, 1080p and 4K, each with three codes
//! (one light-on-dark), of a 4K one without a code, and of the hard-picture corpus of
//! `tests/support/screenshot.rs` (low contrast, dim inverted, blurred,
//! downscaled, noisy, and two kinds of picture without a code), all from PNG
//! bytes as `qr::decode_image` gets them.
//!
//! With `TWOFOLD_QR_BENCH_DIR` set, the pictures are also written there, so
//! that `scripts/bench-qr` can run `zbarimg` on the very same files:
//! `1080p.png`, `4k.png` and `4k-none.png`; `<category>-<n>.png` with the text drawn on it
//! in `<category>-<n>.txt` (empty for the negatives); and, per category,
//! `twofold-<category>.txt` holding "read wrong pictures" for this decoder.

use std::hint::black_box;
use std::io::Cursor;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_authenticator::qr;

#[path = "../tests/support/screenshot.rs"]
mod screenshot;

const CODES: [&str; 3] = [
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/Acme%20Corp:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Acme%20Corp&digits=8",
    "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&issuer=Bank",
];

/// Pictures per corpus category, and a seed other than the tests' so the
/// benchmark also measures pictures the decoder was not tuned on.
const CORPUS_COUNT: u32 = 20;
const CORPUS_SEED: u64 = 2026;

fn png(image: &image::RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("PNG encoding of a generated picture");
    bytes
}

fn write(dir: Option<&Path>, name: &str, bytes: &[u8]) {
    if let Some(dir) = dir {
        std::fs::write(dir.join(name), bytes).expect("writable TWOFOLD_QR_BENCH_DIR");
    }
}

fn decode_screenshots(c: &mut Criterion) {
    let out_dir = std::env::var_os("TWOFOLD_QR_BENCH_DIR").map(std::path::PathBuf::from);
    let mut group = c.benchmark_group("qr_decode");
    group.sample_size(20);
    // The last one has no code, so every fallback pass runs: what a
    // failed import of a 4K screenshot costs.
    for (name, width, height, codes) in [
        ("1080p", 1920, 1080, 3),
        ("4k", 3840, 2160, 3),
        ("4k-none", 3840, 2160, 0),
    ] {
        let picture = if codes == 0 {
            screenshot::screenshot(width, height, 4, &[])
        } else {
            screenshot::scene(width, height, CODES)
        };
        let bytes = png(&picture);
        write(out_dir.as_deref(), &format!("{name}.png"), &bytes);
        assert_eq!(
            qr::decode_image(&bytes).map(|found| found.len()).ok(),
            Some(codes),
            "{name}: all codes found"
        );
        group.bench_function(name, |b| b.iter(|| qr::decode_image(black_box(&bytes))));
    }
    group.finish();
}

/// Decodes every picture of each corpus category once to count what is
/// read (and fail on any wrong text), then times decoding the whole set.
fn decode_corpus(c: &mut Criterion) {
    let out_dir = std::env::var_os("TWOFOLD_QR_BENCH_DIR").map(std::path::PathBuf::from);
    let mut group = c.benchmark_group("qr_corpus");
    group.sample_size(10);
    for category in screenshot::Category::ALL {
        let name = category.name();
        let samples = screenshot::corpus(category, CORPUS_COUNT, CORPUS_SEED);
        let pictures: Vec<Vec<u8>> = samples.iter().map(|sample| png(&sample.image)).collect();
        let (mut read, mut wrong) = (0, 0);
        for (index, (sample, bytes)) in samples.iter().zip(&pictures).enumerate() {
            let expected = sample.payload.as_deref().unwrap_or("");
            write(out_dir.as_deref(), &format!("{name}-{index}.png"), bytes);
            write(
                out_dir.as_deref(),
                &format!("{name}-{index}.txt"),
                expected.as_bytes(),
            );
            for payload in qr::decode_image(bytes).expect("a readable PNG") {
                if payload.as_str() == expected {
                    read += 1;
                } else {
                    wrong += 1;
                }
            }
        }
        write(
            out_dir.as_deref(),
            &format!("twofold-{name}.txt"),
            format!("{read} {wrong} {CORPUS_COUNT}\n").as_bytes(),
        );
        assert_eq!(wrong, 0, "{name}: a text that is not on the picture");
        group.bench_function(name, |b| {
            b.iter(|| {
                for bytes in &pictures {
                    black_box(qr::decode_image(black_box(bytes)).ok());
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, decode_screenshots, decode_corpus);
criterion_main!(benches);
