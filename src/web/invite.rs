//! A family member's invitation as a QR code: in the terminal for
//! `sayso family invite`, and on the staff page that makes the invitation,
//! for the family member to scan with their phone.

use qrcode::render::unicode::Dense1x2;
use qrcode::{Color, QrCode};

/// `text` as a QR code in text, light on dark as terminals show it.
pub fn qr_for_terminal(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .build(),
        Err(_) => String::new(),
    }
}

/// `text` as a QR code in SVG: one path of dark squares on white, with the
/// quiet zone around it, scaled by the page.
pub fn qr_svg(text: &str) -> Option<String> {
    const QUIET: usize = 4;
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET;
    let mut path = String::new();
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == Color::Dark {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code of the link\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_holds_the_link() {
        let svg = qr_svg("https://kiosk.local:8470/setup?code=ABCD-EFGH").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("h1v1h-1z"));
        let text = qr_for_terminal("https://kiosk.local:8470/setup?code=ABCD-EFGH");
        assert!(text.lines().count() > 10);
    }
}
