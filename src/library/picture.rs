//! Picture files: decoding them within limits, and preparing them for the
//! support plan, where the staff pages show them.
//!
//! Decoding is limited: a picture is refused by its header if it has more
//! pixels than [`MAX_PIXELS`] (or needs more memory to decode than 8-bit
//! colour with alpha at that size would), and is scaled down as it is
//! decoded, so a photo straight off a phone (or a hostile 11000x11000 PNG)
//! cannot take the device's memory. An SVG is drawn at the size it is shown,
//! and refused when its effects ask for far more drawing than that size.

use std::path::Path;

use image::ImageDecoder;

/// Pictures with more pixels than this are refused before decoding: a 24 MP
/// camera's photo is the largest taken. A PNG or JPEG is scaled as it is
/// decoded; other kinds (and interlaced PNGs) are decoded whole before they
/// are scaled, so this bounds the kiosk's peak memory.
pub const MAX_PIXELS: u64 = 24_000_000;

/// The longest side of a picture the staff pages show: a card is at most
/// about 240 CSS pixels wide there, twice that for sharp screens.
pub const PLAN_SIDE: u32 = 480;

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("it is not there or cannot be read ({0})")]
    Unreadable(std::io::ErrorKind),
    #[error("it is not a plain file")]
    NotAFile,
    #[error("it is not a picture sayso can show")]
    NotAPicture,
    #[error("it is too big ({width}x{height} pixels)")]
    TooBig { width: u32, height: u32 },
    #[error("it asks for too much drawing: blur or other effects over {million} million pixels")]
    TooMuchDrawing { million: u64 },
}

/// The longest side a picture is kept at on the kiosk's screen: a card
/// fills at most about half of a 1920x1080 screen.
pub const MAX_SIDE: u32 = 1024;

/// How much an SVG's effects (blur, shadows: its filters) may cover, as a
/// multiple of the picture's own pixels. Each filter is worked out over its
/// whole region, so a blur over a region thousands of times the picture
/// takes seconds of a Pi's time per element (a "blur bomb"); a drop shadow
/// on each part of a symbol comes nowhere near.
const MAX_EFFECT_AREA: f64 = 32.0;

/// A decoded picture: 8-bit RGBA, row by row.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    /// Colour already multiplied by alpha (as SVG rendering gives it).
    pub premultiplied: bool,
}

/// Decodes a picture file (SVG, PNG or JPEG), scaled to fit `max_side`.
pub fn decode(path: &Path, max_side: u32) -> Result<Pixels, PictureError> {
    let meta = std::fs::metadata(path).map_err(|e| PictureError::Unreadable(e.kind()))?;
    // A FIFO or a device would block the reader for ever.
    if !meta.is_file() {
        return Err(PictureError::NotAFile);
    }
    // One picture at a time in a process: the screen's decoder and a sync
    // preparing pictures for the plan would otherwise each hold a whole
    // 24 MP picture at once, past the kiosk's memory bound.
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    if is_svg(path) {
        decode_svg(path, max_side)
    } else {
        decode_raster(path, max_side)
    }
}

static DECODING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn is_svg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

fn decode_svg(path: &Path, max_side: u32) -> Result<Pixels, PictureError> {
    let data = std::fs::read(path).map_err(|e| PictureError::Unreadable(e.kind()))?;
    decode_svg_data(&data, max_side)
}

/// Decodes an SVG's text as [`decode`] does a file of it, one at a time
/// with every other picture the process decodes.
pub fn decode_svg_bytes(data: &[u8], max_side: u32) -> Result<Pixels, PictureError> {
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    decode_svg_data(data, max_side)
}

fn decode_svg_data(data: &[u8], max_side: u32) -> Result<Pixels, PictureError> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_data(data, &usvg::Options::default())
        .map_err(|_| PictureError::NotAPicture)?;
    let size = tree.size();
    let scale = max_side as f32 / size.width().max(size.height());
    let width = ((size.width() * scale).round() as u32).max(1);
    let height = ((size.height() * scale).round() as u32).max(1);
    let effects = effect_pixels(tree.root(), scale);
    if effects > MAX_EFFECT_AREA * f64::from(width) * f64::from(height) {
        return Err(PictureError::TooMuchDrawing {
            million: (effects / 1e6).min(u64::MAX as f64) as u64,
        });
    }
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(PictureError::NotAPicture)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(Pixels {
        width,
        height,
        rgba: pixmap.take(),
        premultiplied: true,
    })
}

/// The size an SVG says it is, when that is more pixels than a raster
/// picture may have: sayso draws it smaller, but an app the set is shared
/// with (as an Open Board Format file) may try to draw it at that size.
pub fn oversized_svg(path: &Path) -> Option<(u64, u64)> {
    use resvg::usvg;
    if !is_svg(path) {
        return None;
    }
    let data = std::fs::read(path).ok()?;
    let tree = usvg::Tree::from_data(&data, &usvg::Options::default()).ok()?;
    let (width, height) = (tree.size().width() as u64, tree.size().height() as u64);
    (width.saturating_mul(height) > MAX_PIXELS).then_some((width, height))
}

/// The pixels an SVG's filters are worked out over when drawn at `scale`,
/// each filter step counted (nested pictures, masks and patterns too).
fn effect_pixels(group: &resvg::usvg::Group, scale: f32) -> f64 {
    let mut total = 0.0;
    if !group.filters().is_empty() {
        let region = group.abs_layer_bounding_box();
        let steps: usize = group
            .filters()
            .iter()
            .map(|f| f.primitives().len().max(1))
            .sum();
        total +=
            f64::from(region.width() * scale) * f64::from(region.height() * scale) * steps as f64;
    }
    for child in group.children() {
        if let resvg::usvg::Node::Group(inner) = child {
            total += effect_pixels(inner, scale);
        }
        child.subroots(|sub| total += effect_pixels(sub, scale));
    }
    total
}

fn decode_raster(path: &Path, max_side: u32) -> Result<Pixels, PictureError> {
    let open = || {
        image::ImageReader::open(path)
            .map_err(|e| PictureError::Unreadable(e.kind()))?
            .with_guessed_format()
            .map_err(|e| PictureError::Unreadable(e.kind()))
    };
    let picture = decode_upright(open, MAX_PIXELS, max_side).map_err(|e| match e {
        Limited::Open(e) => e,
        Limited::Damaged => PictureError::NotAPicture,
        Limited::TooBig { width, height } => PictureError::TooBig { width, height },
    })?;
    let rgba = picture.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Pixels {
        width,
        height,
        rgba: rgba.into_raw(),
        premultiplied: false,
    })
}

/// Why [`decode_upright`] gave no picture.
pub(crate) enum Limited<E> {
    /// Opening the reader failed.
    Open(E),
    Damaged,
    TooBig {
        width: u32,
        height: u32,
    },
}

/// Decodes a raster picture within limits, scaled to fit `max_side` and
/// turned upright by its EXIF orientation (a photo straight off a phone is
/// stored turned; Slint would show it so). Refused by its header if it has
/// more than `max_pixels`, and by the decoder if it needs more memory than
/// 8-bit RGBA at that size; `open` is called twice, for the header and
/// for the decoding.
pub(crate) fn decode_upright<R: std::io::BufRead + std::io::Seek, E>(
    open: impl Fn() -> Result<image::ImageReader<R>, E>,
    max_pixels: u64,
    max_side: u32,
) -> Result<image::DynamicImage, Limited<E>> {
    let (width, height) = open()
        .map_err(Limited::Open)?
        .into_dimensions()
        .map_err(|_| Limited::Damaged)?;
    let too_big = Limited::TooBig { width, height };
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(too_big);
    }
    let mut decoder = open()
        .map_err(Limited::Open)?
        .into_decoder()
        .map_err(|_| Limited::Damaged)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(4 * max_pixels);
    if decoder.set_limits(limits.clone()).is_err() {
        return Err(too_big);
    }
    // A picture whose orientation cannot be read is taken as it is stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // A photo larger than it is shown is scaled as it is decoded, never
    // whole in memory (a 24 MP one would be 96 MB); the rest decoded whole.
    let shrunk = if width.max(height) > max_side {
        drop(decoder);
        let reader = open().map_err(Limited::Open)?;
        shrink::decode(reader, max_side)
    } else {
        None
    };
    let mut picture = match shrunk {
        Some(Ok(picture)) => picture,
        Some(Err(())) => return Err(Limited::Damaged),
        None => {
            let mut decoder = open()
                .map_err(Limited::Open)?
                .into_decoder()
                .map_err(|_| Limited::Damaged)?;
            if decoder.set_limits(limits).is_err() {
                return Err(too_big);
            }
            image::DynamicImage::from_decoder(decoder).map_err(|e| match e {
                image::ImageError::Limits(_) => Limited::TooBig { width, height },
                _ => Limited::Damaged,
            })?
        }
    };
    // Scaled first, then turned: turning a 12 MP photo costs more.
    if picture.width().max(picture.height()) > max_side {
        picture = picture.thumbnail(max_side, max_side);
    }
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// Decoding a large PNG or JPEG straight to a smaller size.
mod shrink {
    use std::io::{BufRead, Seek};

    use image::{DynamicImage, ImageFormat, ImageReader, RgbaImage};

    /// The picture at `max_side` to twice that a side (the caller scales
    /// the rest of the way); `None` when it is of a kind decoded
    /// whole (interlaced PNG, other formats), `Err` when damaged.
    pub(super) fn decode<R: BufRead + Seek>(
        reader: ImageReader<R>,
        max_side: u32,
    ) -> Option<Result<DynamicImage, ()>> {
        match reader.format()? {
            ImageFormat::Jpeg => jpeg(reader.into_inner(), max_side),
            ImageFormat::Png => png(reader.into_inner(), max_side),
            _ => None,
        }
    }

    /// JPEG's own scaling: its blocks decoded at an eighth, a quarter or
    /// half their size.
    fn jpeg<R: BufRead>(reader: R, max_side: u32) -> Option<Result<DynamicImage, ()>> {
        let mut decoder = jpeg_decoder::Decoder::new(reader);
        let side = u16::try_from(max_side).unwrap_or(u16::MAX);
        if decoder.scale(side, side).is_err() {
            return Some(Err(()));
        }
        let Ok(bytes) = decoder.decode() else {
            // Lossless and 12-bit JPEGs: left to the decoder of everything.
            return None;
        };
        let info = decoder.info()?;
        let (w, h) = (u32::from(info.width), u32::from(info.height));
        let picture = match info.pixel_format {
            jpeg_decoder::PixelFormat::RGB24 => {
                image::RgbImage::from_raw(w, h, bytes).map(DynamicImage::ImageRgb8)
            }
            jpeg_decoder::PixelFormat::L8 => {
                image::GrayImage::from_raw(w, h, bytes).map(DynamicImage::ImageLuma8)
            }
            _ => return None,
        };
        Some(picture.ok_or(()))
    }

    /// A PNG read row by row, each square of `factor` x `factor` pixels
    /// averaged into one as the rows arrive.
    fn png<R: BufRead + Seek>(reader: R, max_side: u32) -> Option<Result<DynamicImage, ()>> {
        let mut decoder = png::Decoder::new(reader);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let Ok(mut reader) = decoder.read_info() else {
            return Some(Err(()));
        };
        let info = reader.info();
        if info.interlaced {
            return None;
        }
        let (width, height) = (info.width, info.height);
        let channels = match reader.output_color_type() {
            (png::ColorType::Grayscale, _) => 1,
            (png::ColorType::GrayscaleAlpha, _) => 2,
            (png::ColorType::Rgb, _) => 3,
            (png::ColorType::Rgba, _) => 4,
            _ => return None,
        };
        // Never smaller than shown: the caller scales the rest of the way.
        let factor = (width.max(height) / max_side).max(1) as usize;
        let out_width = (width as usize).div_ceil(factor);
        let out_height = (height as usize).div_ceil(factor);
        let mut out = RgbaImage::new(out_width as u32, out_height as u32);
        let mut sums = vec![0u32; out_width * 4];
        let mut counts = vec![0u32; out_width];
        let mut y = 0usize;
        loop {
            let row = match reader.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(_) => return Some(Err(())),
            };
            for (x, pixel) in row.data().chunks_exact(channels).enumerate() {
                let [r, g, b, a] = match *pixel {
                    [l] => [l, l, l, 255],
                    [l, a] => [l, l, l, a],
                    [r, g, b] => [r, g, b, 255],
                    [r, g, b, a] => [r, g, b, a],
                    _ => unreachable!("chunks of 1 to 4"),
                };
                // Colour weighted by how opaque it is: the colour of a
                // see-through pixel must not tint its neighbours.
                let alpha = u32::from(a);
                let at = x / factor * 4;
                sums[at] += u32::from(r) * alpha;
                sums[at + 1] += u32::from(g) * alpha;
                sums[at + 2] += u32::from(b) * alpha;
                sums[at + 3] += alpha;
                counts[at / 4] += 1;
            }
            y += 1;
            if y.is_multiple_of(factor) || y == height as usize {
                let out_y = (y - 1) / factor;
                for (x, count) in counts.iter_mut().enumerate() {
                    let sum = &sums[x * 4..x * 4 + 4];
                    let alpha = sum[3].max(1);
                    let pixel = [
                        (sum[0] / alpha) as u8,
                        (sum[1] / alpha) as u8,
                        (sum[2] / alpha) as u8,
                        (sum[3] / (*count).max(1)) as u8,
                    ];
                    out.put_pixel(x as u32, out_y as u32, image::Rgba(pixel));
                    *count = 0;
                }
                sums.fill(0);
            }
        }
        if y != height as usize {
            return Some(Err(()));
        }
        Some(Ok(DynamicImage::ImageRgba8(out)))
    }
}

/// A picture made for the support plan: re-encoded by sayso, so what a page
/// shows is never the file as it came (no hostile SVG, no camera metadata
/// with a location in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPicture {
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// The SHA-256 of a file's bytes, read as a stream (lowercase hex).
pub fn file_hash(path: &Path) -> Result<String, PictureError> {
    let meta = std::fs::metadata(path).map_err(|e| PictureError::Unreadable(e.kind()))?;
    if !meta.is_file() {
        return Err(PictureError::NotAFile);
    }
    crate::store::file_sha256(path)
        .map(|(_, hash)| hash)
        .map_err(|e| PictureError::Unreadable(e.kind()))
}

/// The picture at `path`, scaled to fit [`PLAN_SIDE`]: a JPEG when it is
/// opaque (photos), else a PNG.
pub fn for_plan(path: &Path) -> Result<PlanPicture, PictureError> {
    encoded_for_plan(decode(path, PLAN_SIDE)?)
}

/// The largest side of a picture a hub keeps from what a kiosk sent.
pub const RECEIVED_SIDE: u32 = 2048;

/// A picture a kiosk sent its hub (a card's, a person's photo, a kept
/// mat), decoded and written again by the hub as the staff pages serve it:
/// nothing a kiosk sends reaches a browser as it came.
pub fn received_for_plan(path: &Path) -> Result<PlanPicture, PictureError> {
    encoded_for_plan(decode(path, RECEIVED_SIDE)?)
}

fn encoded_for_plan(mut pixels: Pixels) -> Result<PlanPicture, PictureError> {
    if pixels.premultiplied {
        unpremultiply(&mut pixels.rgba);
    }
    let opaque = pixels.rgba.chunks_exact(4).all(|p| p[3] == u8::MAX);
    let mut bytes = Vec::new();
    let written = if opaque {
        let rgb: Vec<u8> = pixels
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85).encode(
            &rgb,
            pixels.width,
            pixels.height,
            image::ExtendedColorType::Rgb8,
        )
    } else {
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut bytes),
            &pixels.rgba,
            pixels.width,
            pixels.height,
            image::ExtendedColorType::Rgba8,
        )
    };
    written.map_err(|_| PictureError::NotAPicture)?;
    Ok(PlanPicture {
        media_type: if opaque { "image/jpeg" } else { "image/png" },
        width: pixels.width,
        height: pixels.height,
        bytes,
    })
}

/// A kept mat's picture as the kiosk drew it: a PNG, checked to be one.
pub fn kept_mat_for_plan(path: &Path) -> Result<PlanPicture, PictureError> {
    let meta = std::fs::metadata(path).map_err(|e| PictureError::Unreadable(e.kind()))?;
    if !meta.is_file() {
        return Err(PictureError::NotAFile);
    }
    let bytes = std::fs::read(path).map_err(|e| PictureError::Unreadable(e.kind()))?;
    let reader =
        image::ImageReader::with_format(std::io::Cursor::new(&bytes), image::ImageFormat::Png);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| PictureError::NotAPicture)?;
    Ok(PlanPicture {
        media_type: "image/png",
        width,
        height,
        bytes,
    })
}

fn unpremultiply(rgba: &mut [u8]) {
    for pixel in rgba.chunks_exact_mut(4) {
        let alpha = u16::from(pixel[3]);
        if alpha != 0 && alpha != 255 {
            for channel in &mut pixel[..3] {
                *channel = ((u16::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn a_photo_for_the_plan_is_a_small_jpeg_without_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        let big = image::RgbImage::from_fn(1600, 1200, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        big.save(&photo).unwrap();
        let made = for_plan(&photo).unwrap();
        assert_eq!(made.media_type, "image/jpeg");
        assert_eq!((made.width, made.height), (PLAN_SIDE, 360));
        let back = image::load_from_memory(&made.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (PLAN_SIDE, 360));
        // Nothing from the file but its pixels: no EXIF segment.
        assert!(!made.bytes.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn a_photo_copied_off_a_phone_into_a_set_is_shown_upright() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        let upright = image::RgbImage::from_fn(300, 200, |x, _| {
            if x < 150 {
                image::Rgb([230, 20, 20])
            } else {
                image::Rgb([20, 20, 230])
            }
        });
        // Stored turned, with EXIF orientation 6 saying how to show it.
        std::fs::write(&photo, crate::library::test_photos::phone_jpeg(&upright, 6)).unwrap();
        let shown = decode(&photo, 1024).unwrap();
        assert_eq!((shown.width, shown.height), (300, 200));
        let at = |x: usize, y: usize| &shown.rgba[(y * 300 + x) * 4..][..3];
        assert!(
            at(40, 100)[0] > 180 && at(40, 100)[2] < 80,
            "red on the left"
        );
        assert!(
            at(260, 100)[2] > 180 && at(260, 100)[0] < 80,
            "blue on the right"
        );
    }

    #[test]
    fn a_large_photo_is_scaled_as_it_is_decoded_and_still_shown_upright() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.jpg");
        let upright = image::RgbImage::from_fn(1600, 1200, |x, _| {
            if x < 800 {
                image::Rgb([230, 20, 20])
            } else {
                image::Rgb([20, 20, 230])
            }
        });
        std::fs::write(&photo, crate::library::test_photos::phone_jpeg(&upright, 6)).unwrap();
        let shown = decode(&photo, 256).unwrap();
        assert_eq!((shown.width, shown.height), (256, 192));
        let at = |x: usize, y: usize| &shown.rgba[(y * 256 + x) * 4..][..3];
        assert!(at(30, 96)[0] > 180 && at(30, 96)[2] < 80, "red on the left");
        assert!(
            at(230, 96)[2] > 180 && at(230, 96)[0] < 80,
            "blue on the right"
        );
    }

    #[test]
    fn a_large_png_is_scaled_as_it_is_decoded_and_see_through_parts_tint_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("symbol.png");
        // Opaque red on the left; on the right, black that cannot be seen.
        let picture = image::RgbaImage::from_fn(1200, 800, |x, _| {
            if x < 602 {
                image::Rgba([240, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        picture.save(&path).unwrap();
        let shown = decode(&path, 300).unwrap();
        assert_eq!((shown.width, shown.height), (300, 200), "a quarter");
        let at = |x: usize| &shown.rgba[(100 * shown.width as usize + x) * 4..][..4];
        assert_eq!(at(10), [240, 0, 0, 255]);
        assert_eq!(at(290)[3], 0, "see-through stays see-through");
        // The column where red meets the see-through: still red, half seen.
        assert_eq!(
            at(150),
            [240, 0, 0, 127],
            "not darkened by the hidden black"
        );
    }

    #[test]
    fn an_svg_card_for_the_plan_is_a_png_drawn_by_sayso() {
        let dir = tempfile::tempdir().unwrap();
        let card = dir.path().join("card.svg");
        std::fs::write(
            &card,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><circle cx="5" cy="5" r="4" fill="red"/></svg>"#,
        )
        .unwrap();
        let made = for_plan(&card).unwrap();
        assert_eq!(made.media_type, "image/png");
        assert_eq!((made.width, made.height), (PLAN_SIDE, PLAN_SIDE));
        assert!(!made.bytes.windows(6).any(|w| w == b"script"));
        let back = image::load_from_memory(&made.bytes).unwrap().into_rgba8();
        let centre = back.get_pixel(PLAN_SIDE / 2, PLAN_SIDE / 2);
        assert_eq!(centre.0, [255, 0, 0, 255], "the circle, not premultiplied");
        assert_eq!(back.get_pixel(0, 0).0[3], 0, "transparent around it");
    }

    #[test]
    fn a_symbol_with_a_shadow_on_each_part_is_drawn_and_a_blur_bomb_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let svg = |filter_region: &str, parts: usize| {
            let part = r#"<circle cx="50" cy="50" r="30" fill="red" filter="url(#s)"/>"#;
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
                   <filter id="s" {filter_region}><feGaussianBlur stdDeviation="3"/>
                   <feOffset dx="2" dy="2"/></filter>{}</svg>"#,
                part.repeat(parts)
            )
        };
        let symbol = dir.path().join("symbol.svg");
        std::fs::write(&symbol, svg("", 12)).unwrap();
        let drawn = decode(&symbol, 256).expect("an ordinary shadow on each part");
        assert_eq!((drawn.width, drawn.height), (256, 256));

        let bomb = dir.path().join("bomb.svg");
        let vast =
            r#"x="-50000" y="-50000" width="100000" height="100000" filterUnits="userSpaceOnUse""#;
        std::fs::write(&bomb, svg(vast, 1)).unwrap();
        assert!(matches!(
            decode(&bomb, 256),
            Err(PictureError::TooMuchDrawing { .. })
        ));
    }

    #[test]
    fn what_is_not_a_picture_is_refused_for_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("mat.png");
        std::fs::write(&text, "not a png").unwrap();
        assert!(matches!(for_plan(&text), Err(PictureError::NotAPicture)));
        assert!(matches!(
            kept_mat_for_plan(&text),
            Err(PictureError::NotAPicture)
        ));
        assert!(matches!(file_hash(dir.path()), Err(PictureError::NotAFile)));
        assert_eq!(
            file_hash(&text).unwrap(),
            crate::store::hex(&Sha256::digest(b"not a png")),
        );
    }
}
