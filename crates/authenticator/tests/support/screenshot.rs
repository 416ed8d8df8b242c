//! Fake desktop screenshots with QR codes on them, for the QR tests, the
//! QR benchmark and the CLI tests (each includes this file with `#[path]`).
//!
//! A screenshot is a gradient wallpaper with window-like panels, rows of
//! text-like dashes and a little sensor noise, so the decoder has to find
//! the codes among edges and patterns rather than on a blank page.

// Each includer uses a different part of this file.
#![allow(dead_code)]

use image::{GrayImage, Rgb, RgbImage};

/// One QR code to draw on the screenshot.
pub struct Placement<'a> {
    pub text: &'a str,
    /// Top-left corner of the code (its quiet zone included), in pixels.
    pub x: u32,
    pub y: u32,
    /// Pixels per QR module.
    pub module_px: u32,
    /// Light modules on a dark background, as dark-mode apps show them.
    pub inverted: bool,
}

/// A deterministic xorshift generator: the same seed gives the same picture.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
}

/// Draws a `width` x `height` screenshot with the given codes on it.
pub fn screenshot(width: u32, height: u32, seed: u64, codes: &[Placement<'_>]) -> RgbImage {
    let mut noise = Noise(seed | 1);
    let mut img = RgbImage::from_fn(width, height, |x, y| {
        let r = (40 + 120 * x / width.max(1)) as u8;
        let g = (60 + 100 * y / height.max(1)) as u8;
        Rgb([r, g, 150])
    });
    for _ in 0..24 {
        let (w, h) = (200 + noise.below(width / 3), 150 + noise.below(height / 3));
        let (x0, y0) = (noise.below(width), noise.below(height));
        let shade = 200 + noise.below(56) as u8;
        fill(
            &mut img,
            x0,
            y0,
            w,
            h,
            Rgb([shade, shade, shade.saturating_sub(10)]),
        );
        // A title bar and lines of "text".
        fill(&mut img, x0, y0, w, 28, Rgb([60, 60, 70]));
        let mut ty = y0 + 40;
        while ty + 12 < y0 + h {
            let mut tx = x0 + 12;
            while tx + 40 < x0 + w {
                let word = 10 + noise.below(50);
                fill(&mut img, tx, ty, word, 9, Rgb([30, 30, 30]));
                tx += word + 8;
            }
            ty += 20;
        }
    }
    for code in codes {
        let qr = twofold_authenticator::qr::encode_luma(code.text, code.module_px)
            .expect("the test payload fits in a QR code");
        for (qx, qy, pixel) in qr.enumerate_pixels() {
            let (x, y) = (code.x + qx, code.y + qy);
            if x < width && y < height {
                let v = if code.inverted {
                    255 - pixel.0[0]
                } else {
                    pixel.0[0]
                };
                // Not pure black and white: screens render greys.
                let v = 25 + (f32::from(v) * 0.8) as u8;
                img.put_pixel(x, y, Rgb([v, v, v]));
            }
        }
    }
    for pixel in img.pixels_mut() {
        let jitter = noise.below(17) as i16 - 8;
        for channel in &mut pixel.0 {
            *channel = (i16::from(*channel) + jitter).clamp(0, 255) as u8;
        }
    }
    img
}

/// The standard test and benchmark scene: three codes (one inverted, one
/// small) on a screenshot of the given size.
pub fn scene(width: u32, height: u32, texts: [&str; 3]) -> RgbImage {
    let unit = (width / 480).max(1);
    screenshot(
        width,
        height,
        u64::from(width) * 31 + u64::from(height),
        &[
            Placement {
                text: texts[0],
                x: width / 12,
                y: height / 10,
                module_px: 2 * unit,
                inverted: false,
            },
            Placement {
                text: texts[1],
                x: width * 2 / 5,
                y: height / 3,
                module_px: 3 * unit,
                inverted: true,
            },
            Placement {
                text: texts[2],
                x: width * 4 / 5,
                y: height / 2,
                module_px: unit + 1,
                inverted: false,
            },
        ],
    )
}

fn fill(img: &mut RgbImage, x0: u32, y0: u32, w: u32, h: u32, colour: Rgb<u8>) {
    for y in y0..(y0 + h).min(img.height()) {
        for x in x0..(x0 + w).min(img.width()) {
            img.put_pixel(x, y, colour);
        }
    }
}

/// The greyscale version, as the decoder sees it.
pub fn grey(img: &RgbImage) -> GrayImage {
    image::DynamicImage::ImageRgb8(img.clone()).to_luma8()
}
