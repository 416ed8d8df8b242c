//! QR encode/decode: round trips through PNG and SVG, and codes found on
//! generated 1080p and 4K screenshots in every supported file format.
#![allow(clippy::unwrap_used)]

#[path = "support/screenshot.rs"]
mod screenshot;

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use twofold_authenticator::qr::{self, QrError};

const ALICE: &str =
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const BOB: &str = "otpauth://totp/Acme%20Corp:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Acme%20Corp&digits=8";
const CAROL: &str =
    "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&issuer=Bank";

fn texts(payloads: &[qr::Payload]) -> Vec<&str> {
    payloads.iter().map(qr::Payload::as_str).collect()
}

fn encode(img: &image::RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

#[test]
fn png_round_trip_returns_the_exact_text() {
    let png = qr::encode_png(ALICE).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(texts(&qr::decode_image(&png).unwrap()), [ALICE]);
}

#[test]
fn long_payload_round_trips() {
    // About the size of a 10-account Google migration batch.
    let long = format!("otpauth-migration://offline?data={}", "A".repeat(1200));
    let png = qr::encode_png(&long).unwrap();
    assert_eq!(texts(&qr::decode_image(&png).unwrap()), [long.as_str()]);
}

#[test]
fn text_too_long_for_any_qr_code_is_refused() {
    let huge = "x".repeat(5000);
    assert!(matches!(
        qr::encode_png(&huge),
        Err(QrError::TooLong { len: 5000 })
    ));
    assert!(matches!(
        qr::encode_svg(&huge),
        Err(QrError::TooLong { .. })
    ));
}

/// Rasterises the `M{x} {y}h{w}v{h}...` rectangles that the SVG renderer
/// writes, so the SVG can be checked by decoding it like any picture.
fn rasterise_svg(svg: &str) -> GrayImage {
    let attr = |name: &str| -> u32 {
        let start = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h) = (attr("width"), attr("height"));
    let mut img = GrayImage::from_pixel(w, h, Luma([255]));
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let (x, rest) = rect.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (rw, rest) = rest.split_once('v').unwrap();
        let rh = rest.split('H').next().unwrap();
        let [x, y, rw, rh]: [u32; 4] = [x, y, rw, rh].map(|n| n.parse().unwrap());
        for py in y..y + rh {
            for px in x..x + rw {
                img.put_pixel(px, py, Luma([0]));
            }
        }
    }
    img
}

#[test]
fn svg_draws_a_decodable_code() {
    let svg = qr::encode_svg(BOB).unwrap();
    assert!(svg.contains("<svg"));
    let found = qr::decode_luma(&rasterise_svg(&svg));
    assert_eq!(texts(&found), [BOB]);
}

#[test]
fn finds_every_code_on_a_1080p_screenshot_including_an_inverted_one() {
    let shot = screenshot::scene(1920, 1080, [ALICE, BOB, CAROL]);
    let mut found = texts(&qr::decode_luma(&screenshot::grey(&shot)))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    found.sort();
    let mut expected = vec![ALICE, BOB, CAROL];
    expected.sort_unstable();
    assert_eq!(found, expected);
}

#[test]
fn inverted_code_alone_is_found() {
    let shot = screenshot::screenshot(
        800,
        600,
        7,
        &[screenshot::Placement {
            text: CAROL,
            x: 200,
            y: 100,
            module_px: 6,
            inverted: true,
        }],
    );
    assert_eq!(texts(&qr::decode_luma(&screenshot::grey(&shot))), [CAROL]);
}

#[test]
fn finds_codes_on_a_4k_screenshot_in_png_jpeg_webp_and_bmp() {
    let shot = screenshot::scene(3840, 2160, [ALICE, BOB, CAROL]);
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Bmp,
    ] {
        let bytes = encode(&shot, format);
        let found = qr::decode_image(&bytes).unwrap();
        for text in [ALICE, BOB, CAROL] {
            assert!(
                texts(&found).contains(&text),
                "{format:?}: {text} not found in {found:?}"
            );
        }
        assert_eq!(found.len(), 3, "{format:?}: {found:?}");
    }
}

#[test]
fn a_screenshot_without_codes_gives_an_empty_list() {
    let shot = screenshot::screenshot(1280, 720, 3, &[]);
    assert!(
        qr::decode_image(&encode(&shot, ImageFormat::Png))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn pictures_too_small_for_a_code_give_an_empty_list() {
    for (width, height) in [(0, 0), (0, 5), (3, 2), (40, 1)] {
        let picture = GrayImage::from_pixel(width, height, Luma([90]));
        assert!(qr::decode_luma(&picture).is_empty(), "{width}x{height}");
    }
}

#[test]
fn a_file_that_is_not_a_picture_is_an_image_error() {
    let err = qr::decode_image(b"otpauth://totp/not-a-picture").unwrap_err();
    assert!(matches!(err, QrError::Image { .. }), "{err:?}");
    assert!(err.to_string().contains("PNG, JPEG, WebP or BMP"));
}

#[test]
fn a_truncated_png_is_an_image_error() {
    let png = qr::encode_png(ALICE).unwrap();
    let err = qr::decode_image(&png[..png.len() / 2]).unwrap_err();
    assert!(matches!(err, QrError::Image { .. }), "{err:?}");
}

#[test]
fn a_picture_larger_than_8k_is_refused_before_decoding() {
    let wide = GrayImage::from_pixel(9000, 4, Luma([255]));
    let mut png = Vec::new();
    wide.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    let err = qr::decode_image(&png).unwrap_err();
    assert!(
        matches!(
            err,
            QrError::TooLarge {
                width: 9000,
                height: 4
            }
        ),
        "{err:?}"
    );
}

#[test]
fn payload_debug_hides_the_secret() {
    let found = qr::decode_image(&qr::encode_png(ALICE).unwrap()).unwrap();
    let debug = format!("{found:?}");
    assert!(!debug.contains("JBSWY3DPEHPK3PXP"), "{debug}");
    assert!(debug.contains("otpauth"), "{debug}");
}

#[test]
fn an_independent_decoder_reads_our_codes() {
    // zbarimg (Debian zbar-tools, installed by scripts/bootstrap) checks the
    // encoder against a decoder that is not ours.
    let dir = tempfile::tempdir().unwrap();
    let migration =
        "otpauth-migration://offline?data=ChgKCkhlbGxvId6tvu8SAWIaAUEgASgBMAIQARgBKNz2j7oH";
    for (index, text) in [ALICE, BOB, migration].into_iter().enumerate() {
        let path = dir.path().join(format!("{index}.png"));
        std::fs::write(&path, qr::encode_png(text).unwrap()).unwrap();
        let output = std::process::Command::new("zbarimg")
            .args(["--quiet", "--raw"])
            .arg(&path)
            .output()
            .expect("zbarimg is installed (scripts/bootstrap installs zbar-tools)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8(output.stdout).unwrap().trim_end(), text);
    }
}

/// The hard-picture corpus of `support/screenshot.rs`: which seed and how
/// many pictures per category the tests read (the benchmark reads more).
const CORPUS_SEED: u64 = 12;
const CORPUS_COUNT: u32 = 8;

/// Decodes every picture of `category`; returns how many codes were read
/// exactly, after checking that no picture gave a text other than its own.
fn codes_read(category: screenshot::Category) -> usize {
    let mut read = 0;
    for (index, sample) in screenshot::corpus(category, CORPUS_COUNT, CORPUS_SEED)
        .iter()
        .enumerate()
    {
        let found = qr::decode_luma(&screenshot::grey(&sample.image));
        let expected: Vec<&str> = sample.payload.as_deref().into_iter().collect();
        let wrong: Vec<&str> = texts(&found)
            .into_iter()
            .filter(|text| !expected.contains(text))
            .collect();
        assert!(
            wrong.is_empty(),
            "{category:?} #{index}: read {wrong:?}, drawn {expected:?}"
        );
        read += found.len();
    }
    eprintln!("{category:?}: {read} of {CORPUS_COUNT}");
    read
}

#[test]
fn a_large_faint_code_filling_the_picture_is_read() {
    // Modules of 20 px, grey 121 on 140 (contrast 1.3:1): wider than the
    // window the local passes look through.
    let code = qr::encode_luma(ALICE, 20).unwrap();
    let picture = GrayImage::from_fn(code.width(), code.height(), |x, y| {
        let level = if code.get_pixel(x, y).0[0] < 128 {
            121
        } else {
            140
        };
        // A little deterministic noise, as a camera or a dithered screen gives.
        Luma([level + ((x * 7 + y * 13) % 5) as u8])
    });
    assert_eq!(texts(&qr::decode_luma(&picture)), [ALICE]);
}

#[test]
fn reads_every_low_contrast_code() {
    assert_eq!(codes_read(screenshot::Category::LowContrast), 8);
}

#[test]
fn reads_every_dim_inverted_code() {
    assert_eq!(codes_read(screenshot::Category::DimInverted), 8);
}

#[test]
fn reads_every_blurred_code() {
    assert_eq!(codes_read(screenshot::Category::Blurred), 8);
}

#[test]
fn reads_downscaled_codes() {
    // One of the eight stays unread (zbarimg reads only one of them).
    assert!(codes_read(screenshot::Category::Downscaled) >= 7);
}

#[test]
fn reads_every_code_on_noisy_screenshots() {
    assert_eq!(codes_read(screenshot::Category::Noisy), 8);
}

#[test]
fn finds_nothing_on_screenshots_without_codes() {
    assert_eq!(codes_read(screenshot::Category::NoCode), 0);
}

#[test]
fn finds_nothing_in_a_look_alike_without_a_valid_code() {
    assert_eq!(codes_read(screenshot::Category::NotQr), 0);
}
