//! Reading QR codes off the screen: grab what the X server shows and hand
//! it to the authenticator's QR decoder. Pure Rust (x11rb), no helper
//! programs. Wayland sessions without XWayland access get a clear error.

use image::GrayImage;
use twofold_authenticator::qr::{self, Payload};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};

use crate::error::{AppError, AppResult, ErrorKind};

/// Every QR code on every screen, in the order found.
pub fn scan_qr_codes() -> AppResult<Vec<Payload>> {
    let (connection, _) = x11rb::connect(None).map_err(|error| {
        desktop(format!(
            "Cannot look at the screen ({error}). Screen scanning needs an X11 session; \
             otherwise save a screenshot and use “Open QR image”."
        ))
    })?;
    let mut found = Vec::new();
    for screen in &connection.setup().roots {
        let picture = grab(
            &connection,
            screen.root,
            screen.width_in_pixels,
            screen.height_in_pixels,
        )?;
        for payload in qr::decode_luma(&picture) {
            if !found.contains(&payload) {
                found.push(payload);
            }
        }
    }
    Ok(found)
}

fn grab(connection: &impl Connection, root: u32, width: u16, height: u16) -> AppResult<GrayImage> {
    let reply = connection
        .get_image(ImageFormat::Z_PIXMAP, root, 0, 0, width, height, u32::MAX)
        .map_err(|error| desktop(format!("Cannot capture the screen: {error}")))?
        .reply()
        .map_err(|error| desktop(format!("The X server refused a screen capture: {error}")))?;
    let pixels = usize::from(width) * usize::from(height);
    if reply.depth < 24 || reply.data.len() < pixels * 4 {
        return Err(desktop(format!(
            "The screen uses a {}-bit colour depth that Twofold cannot read; save a screenshot and use “Open QR image”.",
            reply.depth
        )));
    }
    // 24- and 32-bit visuals arrive as little-endian BGRX words.
    let luma = reply
        .data
        .chunks_exact(4)
        .take(pixels)
        .map(|bgrx| {
            let (b, g, r) = (u32::from(bgrx[0]), u32::from(bgrx[1]), u32::from(bgrx[2]));
            u8::try_from((299 * r + 587 * g + 114 * b) / 1000).unwrap_or(u8::MAX)
        })
        .collect();
    GrayImage::from_raw(u32::from(width), u32::from(height), luma)
        .ok_or_else(|| desktop("The screen capture had an unexpected size; try again.".to_owned()))
}

fn desktop(message: String) -> AppError {
    AppError::new(ErrorKind::Desktop, message)
}
