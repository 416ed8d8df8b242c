//! QR codes: draw an `otpauth://` URI as a PNG or SVG, and find every QR code
//! in a picture (a photo, a screenshot of up to 4K or more, several codes at
//! once, light-on-dark as well as dark-on-light, faint grey-on-grey and dim
//! ones too: see [`decode_luma`]).
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
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, MultiUseMultiFormatReader};
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
///
/// The first pass is rxing's usual one (its hybrid binarizer, which takes a
/// local threshold wherever the picture varies by more than 24 grey levels,
/// on the picture and its inverse); it reads ordinary, blurred and
/// downscaled codes. Only when it finds nothing do the slower passes run,
/// for codes whose two colours are close: a dim picture's grey levels
/// stretched over the full range, the local contrast of every pixel
/// amplified (a grey-on-grey code on a bright screen), and one threshold
/// for the whole (stretched) picture from its histogram (a large faint
/// code). Each pass ends at rxing's Reed–Solomon check, so a
/// pass can add codes it reads but never a text that is not in the picture.
pub fn decode_luma(image: &GrayImage) -> Vec<Payload> {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let pixels = image.as_raw();
    let found = read_codes(pixels, width, height, Threshold::Local);
    if !found.is_empty() {
        return found;
    }
    let stretched = stretch_levels(pixels);
    if let Some(stretched) = &stretched {
        let found = read_codes(stretched, width, height, Threshold::Local);
        if !found.is_empty() {
            return found;
        }
    }
    let amplified = amplify_local_contrast(pixels, width, height);
    let found = read_codes(&amplified, width, height, Threshold::Local);
    if !found.is_empty() {
        return found;
    }
    drop(amplified);
    // Modules wider than the amplifying window (a large faint code) look
    // flat to it; one threshold for the whole picture still splits them.
    let levels = stretched.as_deref().unwrap_or(pixels);
    read_codes(levels, width, height, Threshold::GlobalHistogram)
}

/// How rxing turns grey levels into dark and light modules.
#[derive(Clone, Copy)]
enum Threshold {
    /// `HybridBinarizer`: a threshold per 8×8 block from the 5×5 blocks
    /// around it; blocks varying by less than 24 levels count as background.
    Local,
    /// `GlobalHistogramBinarizer`: one threshold from the valley between the
    /// two peaks of the histogram (32 buckets; peaks closer than 3 buckets
    /// give up, hence it is given the stretched levels).
    GlobalHistogram,
}

fn read_codes(pixels: &[u8], width: u32, height: u32, threshold: Threshold) -> Vec<Payload> {
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        // Dark-mode screens show light-on-dark codes.
        AlsoInverted: Some(true),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let Ok(source) = Luma8Source::new_with_slice(pixels, width, height) else {
        // Only when the size does not match the pixels, which a GrayImage
        // rules out.
        return Vec::new();
    };
    let mut reader = GenericMultipleBarcodeReader::new(MultiUseMultiFormatReader::default());
    // Any error means "nothing found": NotFound, or a code too damaged to read.
    let results = match threshold {
        Threshold::Local => reader.decode_multiple_with_hints(
            &mut BinaryBitmap::new(HybridBinarizer::new(source)),
            &hints,
        ),
        Threshold::GlobalHistogram => reader.decode_multiple_with_hints(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
            &hints,
        ),
    }
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

/// Maps the darkest and lightest half percent of the pixels to black and
/// white and spreads the levels between over the full range: a screen
/// dimmed to levels 0–60 becomes an ordinary one. `None` when the picture
/// already spans most of the range, so stretching would change little.
fn stretch_levels(pixels: &[u8]) -> Option<Vec<u8>> {
    let mut histogram = [0_usize; 256];
    for &pixel in pixels {
        histogram[usize::from(pixel)] += 1;
    }
    let tail = pixels.len() / 200;
    let level_at = |rank: usize| -> u8 {
        let mut seen = 0;
        for (level, &count) in histogram.iter().enumerate() {
            seen += count;
            if seen > rank {
                return level as u8;
            }
        }
        u8::MAX
    };
    let (low, high) = (
        level_at(tail),
        level_at(pixels.len().saturating_sub(tail + 1)),
    );
    if high.saturating_sub(low) >= 160 || high <= low {
        return None;
    }
    let span = u32::from(high - low);
    let table: Vec<u8> = (0..=255_u8)
        .map(|level| (u32::from(level.clamp(low, high) - low) * 255 / span) as u8)
        .collect();
    Some(
        pixels
            .iter()
            .map(|&pixel| table[usize::from(pixel)])
            .collect(),
    )
}

/// Half the side of the window whose mean each pixel is compared with: 25
/// pixels spans several modules of the small codes that low contrast hides.
const LOCAL_RADIUS: usize = 12;
/// How much each pixel's difference from its neighbourhood is amplified:
/// enough to lift a 1.3:1 grey-on-grey code (about 18 levels) well past the
/// hybrid binarizer's 24, little enough that screen noise stays under it.
const LOCAL_GAIN: i32 = 4;

/// Each pixel's difference from the mean of the window around it, times
/// [`LOCAL_GAIN`], around that mean: faint edges become strong ones while
/// flat areas stay flat.
fn amplify_local_contrast(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let (width, height) = (width as usize, height as usize);
    let radius = LOCAL_RADIUS;
    // Sums over each row's window (at most 25 × 255, so u16 is enough),
    // then a running sum down the columns.
    let mut row_sums = vec![0_u16; pixels.len()];
    for (row, sums) in pixels
        .chunks_exact(width)
        .zip(row_sums.chunks_exact_mut(width))
    {
        let mut sum: u16 = row[..radius.min(width)].iter().map(|&p| u16::from(p)).sum();
        for x in 0..width {
            if x + radius < width {
                sum += u16::from(row[x + radius]);
            }
            if x > radius {
                sum -= u16::from(row[x - radius - 1]);
            }
            sums[x] = sum;
        }
    }
    let row_count = |x: usize| (x + radius + 1).min(width) - x.saturating_sub(radius);
    let mut column_sums = vec![0_u32; width];
    for sums in row_sums.chunks_exact(width).take(radius) {
        for (total, &sum) in column_sums.iter_mut().zip(sums) {
            *total += u32::from(sum);
        }
    }
    let mut out = vec![0_u8; pixels.len()];
    for y in 0..height {
        if y + radius < height {
            let entering = &row_sums[(y + radius) * width..][..width];
            for (total, &sum) in column_sums.iter_mut().zip(entering) {
                *total += u32::from(sum);
            }
        }
        if y > radius {
            let leaving = &row_sums[(y - radius - 1) * width..][..width];
            for (total, &sum) in column_sums.iter_mut().zip(leaving) {
                *total -= u32::from(sum);
            }
        }
        let rows = (y + radius + 1).min(height) - y.saturating_sub(radius);
        let row = &pixels[y * width..][..width];
        let out_row = &mut out[y * width..][..width];
        for x in 0..width {
            let count = (rows * row_count(x)) as u32;
            let mean = (column_sums[x] / count) as i32;
            let amplified = mean + LOCAL_GAIN * (i32::from(row[x]) - mean);
            out_row[x] = amplified.clamp(0, 255) as u8;
        }
    }
    out
}
