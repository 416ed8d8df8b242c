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
    let mut img = desktop(width, height, &mut noise);
    for code in codes {
        let (dark, light) = if code.inverted { (229, 25) } else { (25, 229) };
        // Not pure black and white: screens render greys.
        draw_code(
            &mut img,
            code.text,
            code.x,
            code.y,
            code.module_px,
            dark,
            light,
        );
    }
    add_jitter(&mut img, &mut noise, 8);
    img
}

/// The wallpaper and window-like panels every screenshot starts from.
fn desktop(width: u32, height: u32, noise: &mut Noise) -> RgbImage {
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
    img
}

/// Draws `text` as a QR code (quiet zone included) with its dark modules in
/// grey level `dark` and the rest in `light`.
fn draw_code(
    img: &mut RgbImage,
    text: &str,
    x0: u32,
    y0: u32,
    module_px: u32,
    dark: u8,
    light: u8,
) {
    let qr = twofold_authenticator::qr::encode_luma(text, module_px)
        .expect("the test payload fits in a QR code");
    for (qx, qy, pixel) in qr.enumerate_pixels() {
        let (x, y) = (x0 + qx, y0 + qy);
        if x < img.width() && y < img.height() {
            let v = if pixel.0[0] < 128 { dark } else { light };
            img.put_pixel(x, y, Rgb([v, v, v]));
        }
    }
}

/// Sensor-like noise: every pixel brightened or darkened by up to `amplitude`.
fn add_jitter(img: &mut RgbImage, noise: &mut Noise, amplitude: u32) {
    for pixel in img.pixels_mut() {
        let jitter = noise.below(2 * amplitude + 1) as i16 - amplitude as i16;
        for channel in &mut pixel.0 {
            *channel = (i16::from(*channel) + jitter).clamp(0, 255) as u8;
        }
    }
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

/// The kinds of hard picture in the decoding corpus: five with a code on
/// them, two without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// Dark grey modules on a mid-grey panel, WCAG contrast ratio 1.3–1.6.
    LowContrast,
    /// Light-grey modules on a near-black panel, on a screen dimmed to a
    /// quarter of its brightness (a dark-mode app at night).
    DimInverted,
    /// A sharp code blurred with a Gaussian wider than a module.
    Blurred,
    /// A screenshot shrunk so that a module is 1.3–1.8 pixels wide.
    Downscaled,
    /// A screenshot with heavy sensor noise (each pixel ±36).
    Noisy,
    /// An ordinary screenshot with no code on it.
    NoCode,
    /// Three finder patterns around random modules: looks like a QR code,
    /// carries no valid one.
    NotQr,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::LowContrast,
        Category::DimInverted,
        Category::Blurred,
        Category::Downscaled,
        Category::Noisy,
        Category::NoCode,
        Category::NotQr,
    ];

    /// The name used in file names and benchmark rows.
    pub fn name(self) -> &'static str {
        match self {
            Category::LowContrast => "low-contrast",
            Category::DimInverted => "dim-inverted",
            Category::Blurred => "blurred",
            Category::Downscaled => "downscaled",
            Category::Noisy => "noisy",
            Category::NoCode => "no-code",
            Category::NotQr => "not-qr",
        }
    }
}

/// One corpus picture and the text of the code drawn on it (`None` for the
/// negatives).
pub struct Sample {
    pub image: RgbImage,
    pub payload: Option<String>,
}

/// Side of the corpus pictures before any downscaling: small enough that
/// the debug-build tests decode dozens of them in a few seconds.
const CORPUS_WIDTH: u32 = 360;
const CORPUS_HEIGHT: u32 = 270;

/// `count` pictures of one category, the same ones for the same `seed`.
pub fn corpus(category: Category, count: u32, seed: u64) -> Vec<Sample> {
    (0..count)
        .map(|index| {
            let sample_seed = seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(u64::from(index) * 7919 + category as u64 * 104_729);
            corpus_sample(category, index, sample_seed)
        })
        .collect()
}

/// A fresh account URI: a different label and secret for every sample, so a
/// decoder that reported another sample's text would be caught.
fn corpus_payload(index: u32, noise: &mut Noise) -> String {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let secret: String = (0..32)
        .map(|_| char::from(BASE32[noise.below(32) as usize]))
        .collect();
    format!("otpauth://totp/Corpus:user{index}?secret={secret}&issuer=Corpus")
}

/// The sRGB grey level whose relative luminance (WCAG) is `luminance`.
fn grey_with_luminance(luminance: f64) -> u8 {
    let srgb = if luminance <= 0.003_130_8 {
        12.92 * luminance
    } else {
        1.055 * luminance.powf(1.0 / 2.4) - 0.055
    };
    (srgb * 255.0).round().clamp(0.0, 255.0) as u8
}

fn relative_luminance(grey: u8) -> f64 {
    let c = f64::from(grey) / 255.0;
    if c <= 0.040_45 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn corpus_sample(category: Category, index: u32, seed: u64) -> Sample {
    let mut noise = Noise(seed | 1);
    let payload = corpus_payload(index, &mut noise);
    let (width, height) = (CORPUS_WIDTH, CORPUS_HEIGHT);
    let mut img = desktop(width, height, &mut noise);
    // A code of 37 modules and its quiet zone at 4 px is 180 px: keep it
    // inside.
    let (x, y) = (
        10 + noise.below(width - 200),
        10 + noise.below(height - 200),
    );
    let payload = match category {
        Category::LowContrast => {
            let light = 110 + noise.below(60) as u8;
            let ratio = 1.3 + f64::from(noise.below(31)) / 100.0;
            let dark = grey_with_luminance((relative_luminance(light) + 0.05) / ratio - 0.05);
            // The code sits on a card of its own light grey, as a greyed-out
            // dialog would show it.
            let side = 3 * (37 + 8);
            fill(
                &mut img,
                x.saturating_sub(16),
                y.saturating_sub(16),
                side + 32,
                side + 32,
                Rgb([light, light, light]),
            );
            draw_code(&mut img, &payload, x, y, 3, dark, light);
            add_jitter(&mut img, &mut noise, 3);
            Some(payload)
        }
        Category::DimInverted => {
            let background = 8 + noise.below(10) as u8;
            let foreground = background + 16 + noise.below(14) as u8;
            for pixel in img.pixels_mut() {
                for channel in &mut pixel.0 {
                    *channel /= 4;
                }
            }
            draw_code(&mut img, &payload, x, y, 3, foreground, background);
            add_jitter(&mut img, &mut noise, 3);
            Some(payload)
        }
        Category::Blurred => {
            let module_px = 3 + noise.below(2);
            draw_code(&mut img, &payload, x, y, module_px, 25, 229);
            add_jitter(&mut img, &mut noise, 4);
            let sigma = module_px as f32 * (0.35 + noise.below(16) as f32 / 100.0);
            img = image::imageops::blur(&img, sigma);
            Some(payload)
        }
        Category::Downscaled => {
            let mut big = desktop(width * 2, height * 2, &mut noise);
            let module_px = 3;
            draw_code(&mut big, &payload, 2 * x, 2 * y, module_px, 25, 229);
            add_jitter(&mut big, &mut noise, 8);
            // 3 px per module shrunk by 1.7–2.3.
            let factor = 1.7 + f64::from(noise.below(61)) / 100.0;
            let (w, h) = (
                (f64::from(width * 2) / factor) as u32,
                (f64::from(height * 2) / factor) as u32,
            );
            img = image::imageops::resize(&big, w, h, image::imageops::FilterType::Triangle);
            Some(payload)
        }
        Category::Noisy => {
            draw_code(&mut img, &payload, x, y, 3, 25, 229);
            add_jitter(&mut img, &mut noise, 36);
            Some(payload)
        }
        Category::NoCode => {
            add_jitter(&mut img, &mut noise, 8);
            None
        }
        Category::NotQr => {
            draw_fake_code(&mut img, x, y, 3, &mut noise);
            add_jitter(&mut img, &mut noise, 8);
            None
        }
    };
    Sample {
        image: img,
        payload,
    }
}

/// A 37-module square with the three finder patterns of a QR code and
/// random modules elsewhere, quiet zone included.
fn draw_fake_code(img: &mut RgbImage, x0: u32, y0: u32, module_px: u32, noise: &mut Noise) {
    const SIZE: u32 = 37;
    const QUIET: u32 = 4;
    let finder = |mx: u32, my: u32| -> Option<bool> {
        for (fx, fy) in [(0, 0), (SIZE - 7, 0), (0, SIZE - 7)] {
            let (dx, dy) = (mx as i32 - fx as i32, my as i32 - fy as i32);
            if (-1..=7).contains(&dx) && (-1..=7).contains(&dy) {
                // Rings from the outside: separator (-1) light, border (0)
                // dark, gap (1) light, centre (2–4) dark.
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                return Some(ring == 0 || ring >= 2);
            }
        }
        None
    };
    for my in 0..SIZE + 2 * QUIET {
        for mx in 0..SIZE + 2 * QUIET {
            let inside = (QUIET..QUIET + SIZE).contains(&mx) && (QUIET..QUIET + SIZE).contains(&my);
            let is_dark =
                inside && finder(mx - QUIET, my - QUIET).unwrap_or_else(|| noise.below(2) == 0);
            let v = if is_dark { 25 } else { 229 };
            fill(
                img,
                x0 + mx * module_px,
                y0 + my * module_px,
                module_px,
                module_px,
                Rgb([v, v, v]),
            );
        }
    }
}
