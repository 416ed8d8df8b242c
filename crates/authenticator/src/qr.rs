//! QR codes: draw an `otpauth://` URI as a PNG or SVG, and find every QR code
//! in a picture (a photo, a screenshot of up to 4K or more, several codes at
//! once, light-on-dark as well as dark-on-light).
//!
//! ```
//! use twofold_authenticator::qr;
//!
//! let png = qr::encode_png("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
//! let found = qr::decode_image(&png).unwrap();
//! assert_eq!(found[0].as_str(), "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP");
//! ```
//!
//! Decoding uses [`rxing`], the Rust port of ZXing, with only its QR reader
//! built. It was chosen over `rqrr` (the quirc port) by measuring both on the
//! generated screenshots of `tests/support/screenshot.rs` (release build,
//! three codes per picture, one light-on-dark, 2 shared cores; measured once
//! in a scratch crate, since building both decoders in every `make bench`
//! would cost that build time again):
//!
//! | | rqrr 0.11 | rxing 0.9 |
//! | --- | --- | --- |
//! | 1920×1080, greyscale, decoding only | 80 ms, 3/3 | 50 ms, 3/3 |
//! | 3840×2160, greyscale, decoding only | 270 ms, 3/3 | 240 ms, 3/3 |
//! | 30 random JPEG screenshots, 90 codes | 3.5 s, 90/90 | 4.1 s, 90/90 |
//! | 3840×2160 JPEG | **panics** (`geometry.rs` assertion) | 3/3 |
//! | release build of the crate and the deps only it needs (`cargo --timings`) | 5 s | 46 s |
//!
//! A decoder that panics on an ordinary screenshot cannot be trusted with
//! untrusted files, so rxing is the one kept; the build cost is paid once.

use std::collections::HashSet;
use std::fmt;
use std::io::Cursor;

use image::{GrayImage, ImageFormat, ImageReader, Limits, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rxing::{BarcodeFormat, DecodeHints};
use zeroize::Zeroizing;

/// Pixels per QR module in encoded PNGs: large enough that a phone reads the
/// image off a screen, small enough to keep files tiny.
const PNG_MODULE_PX: u32 = 8;

/// The largest picture side we agree to decode. 8K screenshots still fit;
/// anything larger is more likely a decompression bomb than a screen.
const MAX_SIDE: u32 = 8192;

/// What went wrong while drawing or reading a QR code.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in a QR code at all.
    #[error(
        "the text is too long for a QR code ({len} bytes; at most about 2,300 fit): \
         export fewer accounts per code"
    )]
    TooLong {
        /// Byte length of the rejected text.
        len: usize,
    },
    /// The file is not a picture we can read.
    #[error("cannot read the picture: {reason}; use a PNG, JPEG, WebP or BMP file")]
    Image {
        /// What the image decoder said.
        reason: String,
    },
    /// The picture is too large to be a screenshot.
    #[error(
        "the picture is {width}x{height} pixels, larger than {MAX_SIDE}x{MAX_SIDE}: \
         crop it around the QR code and try again"
    )]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Writing the PNG failed (only possible when out of memory).
    #[error("cannot write the PNG: {0}")]
    Encode(String),
}

/// The text read from one QR code.
///
/// QR codes of authenticator accounts carry their secret, so the text is
/// wiped from memory on drop and `Debug` shows only its scheme and length.
#[derive(Clone, PartialEq, Eq)]
pub struct Payload(Zeroizing<String>);

impl Payload {
    /// The decoded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.split_once(':').map_or("?", |(scheme, _)| scheme);
        write!(f, "Payload({scheme}:…, {} bytes)", self.0.len())
    }
}

fn qr_code(text: &str) -> Result<QrCode, QrError> {
    // Level M survives a smudged or slightly cropped screen photo and still
    // fits a 40-account migration batch; fall back to L for longer texts.
    QrCode::with_error_correction_level(text, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))
        .map_err(|_| QrError::TooLong { len: text.len() })
}

/// Draws `text` as a black-on-white QR code with a quiet zone and returns the
/// bytes of a PNG file.
pub fn encode_png(text: &str) -> Result<Vec<u8>, QrError> {
    let image = encode_luma(text, PNG_MODULE_PX)?;
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    Ok(png)
}

/// Draws `text` as a black-on-white QR code, `module_px` pixels per module,
/// with a quiet zone.
pub fn encode_luma(text: &str, module_px: u32) -> Result<GrayImage, QrError> {
    Ok(qr_code(text)?
        .render::<Luma<u8>>()
        .module_dimensions(module_px, module_px)
        .build())
}

/// Draws `text` as a QR code in a standalone SVG document that scales to any
/// size.
pub fn encode_svg(text: &str) -> Result<String, QrError> {
    Ok(qr_code(text)?
        .render()
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// Reads a PNG, JPEG, WebP or BMP file and returns the text of every QR code
/// in it, in the order found, without repeats. An empty list means no code
/// was found.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<Payload>, QrError> {
    let image_error = |e: image::ImageError| QrError::Image {
        reason: e.to_string(),
    };
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| QrError::Image {
                reason: e.to_string(),
            })
    };
    let (width, height) = reader()?.into_dimensions().map_err(image_error)?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(QrError::TooLarge { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = reader()?;
    reader.limits(limits);
    let image = reader.decode().map_err(image_error)?;
    Ok(decode_luma(&image.to_luma8()))
}

/// Returns the text of every QR code in a greyscale picture, dark-on-light
/// and light-on-dark ones alike, in the order found, without repeats.
pub fn decode_luma(image: &GrayImage) -> Vec<Payload> {
    let mut hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        // Dark-mode screens show light-on-dark codes.
        AlsoInverted: Some(true),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    // Any error means "nothing found": NotFound, or a code too damaged to read.
    let results = rxing::helpers::detect_multiple_in_luma_with_hints(
        image.as_raw().clone(),
        image.width(),
        image.height(),
        &mut hints,
    )
    .unwrap_or_default();
    let mut found: Vec<Payload> = Vec::new();
    for result in results {
        let payload = Payload(Zeroizing::new(result.getText().to_owned()));
        if !found.contains(&payload) {
            found.push(payload);
        }
    }
    found
}
