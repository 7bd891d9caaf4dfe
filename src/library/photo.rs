//! Photos families bring (from a phone's camera roll, or a folder on a
//! laptop) made into card pictures for the kiosk: turned upright as the
//! camera meant, no larger than a screen needs, and encoded again by sayso,
//! so nothing of the original file but its pixels is kept (no location, no
//! camera, no date, no thumbnail).
//!
//! Everything here treats the bytes as hostile: sizes are checked before
//! anything is decoded, a picture with too many pixels is refused by its
//! header (a few kilobytes of PNG can claim to be 30000x30000), and an
//! unfinished JPEG is refused rather than shown half grey.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageFormat, ImageReader};

use super::picture::{decode_upright, Limited};

/// The longest side of a card's photo: a card fills at most about half of
/// a 1920x1080 screen (the kiosk scales it down further for smaller ones).
pub const PHOTO_SIDE: u32 = 1024;
/// The largest file taken: a 50 MP phone photo is about 25 MB.
pub const MAX_PHOTO_BYTES: u64 = 40 * 1024 * 1024;
/// Photos with more pixels than this are refused before decoding: a
/// 48 MP phone camera's photo still fits.
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;
/// JPEG quality of a card's photo: no visible loss at the kiosk's sizes.
const JPEG_QUALITY: u8 = 85;

/// How the photo is framed on its card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Framing {
    /// As it was taken.
    #[default]
    AsTaken,
    /// The middle square (a face, a mug): cards are drawn square.
    Square,
}

/// A card's photo, ready to be written into a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPhoto {
    pub bytes: Vec<u8>,
    /// `jpg` for photos, `png` for pictures with transparent parts.
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Why a photo was not taken, said for the family member who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("This file is empty. Choose the photo again.")]
    Empty,
    #[error(
        "This file is too large ({megabytes} MB). Photos up to {} MB can be used.",
        MAX_PHOTO_BYTES / 1024 / 1024
    )]
    TooLarge { megabytes: u64 },
    #[error(
        "This photo has too many pixels ({width} × {height}). Photos up to {} megapixels can be used.",
        MAX_PHOTO_PIXELS / 1_000_000
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error(
        "This is an iPhone photo in HEIC format, which sayso cannot open. Share it as a JPEG \
         (on the iPhone: Settings › Camera › Formats › Most Compatible), then try again."
    )]
    Heic,
    #[error("This file is not a photo sayso can use. Use a JPEG, PNG or WebP photo.")]
    NotAPhoto,
    #[error(
        "This photo is damaged or incomplete (it may not have finished sending). Try it again."
    )]
    Damaged,
    #[error("This photo cannot be read ({0}).")]
    Unreadable(String),
}

/// Makes a card's photo from a file on disk (see [`prepare`]).
pub fn prepare_file(path: &Path, framing: Framing) -> Result<CardPhoto, PhotoError> {
    let meta = std::fs::metadata(path).map_err(|e| PhotoError::Unreadable(e.kind().to_string()))?;
    // A FIFO or a device would block the reader for ever.
    if !meta.is_file() {
        return Err(PhotoError::NotAPhoto);
    }
    check_size(meta.len())?;
    let bytes = std::fs::read(path).map_err(|e| PhotoError::Unreadable(e.kind().to_string()))?;
    prepare(&bytes, framing)
}

fn check_size(len: u64) -> Result<(), PhotoError> {
    match len {
        0 => Err(PhotoError::Empty),
        len if len > MAX_PHOTO_BYTES => Err(PhotoError::TooLarge {
            megabytes: len.div_ceil(1024 * 1024),
        }),
        _ => Ok(()),
    }
}

/// Makes a card's photo from the bytes of a JPEG, PNG or WebP: upright,
/// at most [`PHOTO_SIDE`] a side, framed as asked, and encoded again (a
/// JPEG, or a PNG when parts of it are transparent).
pub fn prepare(bytes: &[u8], framing: Framing) -> Result<CardPhoto, PhotoError> {
    check_size(bytes.len() as u64)?;
    if is_heic(bytes) {
        return Err(PhotoError::Heic);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAPhoto)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAPhoto);
    }
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Damaged);
    }
    let reader = || Ok::<_, ()>(ImageReader::with_format(Cursor::new(bytes), format));
    let mut photo = decode_upright(reader, MAX_PHOTO_PIXELS, PHOTO_SIDE).map_err(|e| match e {
        Limited::Open(()) | Limited::Damaged => PhotoError::Damaged,
        Limited::TooBig { width, height } => PhotoError::TooManyPixels { width, height },
    })?;
    if framing == Framing::Square {
        let side = photo.width().min(photo.height());
        photo = photo.crop_imm(
            (photo.width() - side) / 2,
            (photo.height() - side) / 2,
            side,
            side,
        );
    }
    encode(photo)
}

/// Encodes the pixels alone: image's encoders write no EXIF, XMP, ICC or
/// text unless given them.
fn encode(photo: DynamicImage) -> Result<CardPhoto, PhotoError> {
    let (width, height) = (photo.width(), photo.height());
    let opaque = !photo.color().has_alpha() || photo.to_rgba8().pixels().all(|p| p[3] == u8::MAX);
    let mut bytes = Vec::new();
    let written = if opaque {
        let rgb = photo.into_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).encode(
            &rgb,
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
    } else {
        let rgba = photo.into_rgba8();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut bytes),
            &rgba,
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
    };
    written.map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    Ok(CardPhoto {
        bytes,
        extension: if opaque { "jpg" } else { "png" },
        width,
        height,
    })
}

/// HEIF/HEIC (iPhones since 2017), by its `ftyp` box: told apart from a
/// file that is not a photo at all, since it is one.
fn is_heic(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1"
        )
}

/// Whether a JPEG's image data reaches its end marker. JPEG decoders fill
/// the missing part of an unfinished file with grey without a word; a
/// photo cut off as it was sent must be refused instead. Data after the end
/// (some phones append a short video) is allowed.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(scan_start) = first_scan(bytes) else {
        return false;
    };
    // Inside the scan, 0xFF is always followed by 0x00 (stuffing) or a
    // restart marker; another scan may follow (progressive JPEGs), and
    // 0xFFD9 ends the image.
    bytes[scan_start..]
        .windows(2)
        .any(|pair| pair == [0xFF, 0xD9])
}

/// Where the first scan's data begins, walking the segments from the start
/// (so an end marker inside an embedded EXIF thumbnail does not count).
fn first_scan(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may come before a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        let next = at + 2 + length;
        if marker == 0xDA {
            return (next <= bytes.len()).then_some(next);
        }
        at = next;
    }
}

/// The segments of a JPEG before its first scan, as (marker, length): for
/// tests and checks that a photo carries nothing but its pixels.
pub fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, usize)> {
    let mut segments = Vec::new();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return segments;
    }
    let mut at = 2;
    while let (Some(&0xFF), Some(&marker), Some(&high), Some(&low)) = (
        bytes.get(at),
        bytes.get(at + 1),
        bytes.get(at + 2),
        bytes.get(at + 3),
    ) {
        let length = usize::from(u16::from_be_bytes([high, low]));
        segments.push((marker, length));
        if marker == 0xDA || length < 2 {
            break;
        }
        at += 2 + length;
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let photo = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode(&photo, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        bytes
    }

    #[test]
    fn a_large_photo_is_scaled_to_the_side_a_card_needs() {
        let made = prepare(&jpeg(2000, 1500), Framing::AsTaken).unwrap();
        assert_eq!((made.width, made.height), (PHOTO_SIDE, 768));
        assert_eq!(made.extension, "jpg");
        let back = image::load_from_memory(&made.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (PHOTO_SIDE, 768));
    }

    #[test]
    fn a_square_card_takes_the_middle_of_the_photo() {
        let made = prepare(&jpeg(1200, 600), Framing::Square).unwrap();
        assert_eq!((made.width, made.height), (512, 512));
    }

    #[test]
    fn a_small_photo_is_kept_at_its_size() {
        let made = prepare(&jpeg(300, 200), Framing::AsTaken).unwrap();
        assert_eq!((made.width, made.height), (300, 200));
    }

    #[test]
    fn a_picture_with_transparent_parts_stays_a_png() {
        let mut bytes = Vec::new();
        image::RgbaImage::from_fn(40, 40, |x, _| image::Rgba([200, 10, 10, (x * 6) as u8]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let made = prepare(&bytes, Framing::AsTaken).unwrap();
        assert_eq!(made.extension, "png");
    }

    #[test]
    fn an_unfinished_jpeg_is_refused_but_one_with_a_video_after_it_is_taken() {
        let whole = jpeg(400, 300);
        assert!(jpeg_is_complete(&whole));
        let cut = &whole[..whole.len() * 2 / 3];
        assert_eq!(prepare(cut, Framing::AsTaken), Err(PhotoError::Damaged));
        let mut with_video = whole.clone();
        with_video.extend_from_slice(b"\0\0\0\x18ftypmp42 a motion photo's video");
        assert!(prepare(&with_video, Framing::AsTaken).is_ok());
    }

    /// A scene whose four quarters are red, green, blue and white, wider
    /// than tall: any turn or mirror moves a colour or swaps the sides.
    fn quarters() -> image::RgbImage {
        image::RgbImage::from_fn(320, 200, |x, y| match (x < 160, y < 100) {
            (true, true) => image::Rgb([220, 20, 20]),
            (false, true) => image::Rgb([20, 200, 20]),
            (true, false) => image::Rgb([20, 20, 220]),
            (false, false) => image::Rgb([240, 240, 240]),
        })
    }

    fn near(pixel: image::Rgb<u8>, expected: [u8; 3]) -> bool {
        pixel
            .0
            .iter()
            .zip(expected)
            .all(|(&got, want)| got.abs_diff(want) < 40)
    }

    #[test]
    fn a_phone_photo_in_each_of_the_eight_orientations_comes_out_upright() {
        for orientation in 1..=8 {
            let sent = crate::library::test_photos::phone_jpeg(&quarters(), orientation);
            let made = prepare(&sent, Framing::AsTaken).unwrap();
            let back = image::load_from_memory(&made.bytes).unwrap().into_rgb8();
            assert_eq!(
                back.dimensions(),
                (320, 200),
                "orientation {orientation}: wider than tall, as the scene"
            );
            for ((x, y), colour, name) in [
                ((80, 50), [220, 20, 20], "red top left"),
                ((240, 50), [20, 200, 20], "green top right"),
                ((80, 150), [20, 20, 220], "blue bottom left"),
                ((240, 150), [240, 240, 240], "white bottom right"),
            ] {
                assert!(
                    near(*back.get_pixel(x, y), colour),
                    "orientation {orientation}: {name}, got {:?}",
                    back.get_pixel(x, y)
                );
            }
        }
    }

    #[test]
    fn nothing_but_the_pixels_is_kept_no_location_no_camera() {
        let sent = crate::library::test_photos::phone_jpeg(&quarters(), 6);
        assert!(
            sent.windows(7).any(|w| w == b"PhoneCo"),
            "the fixture has it"
        );
        let made = prepare(&sent, Framing::AsTaken).unwrap();
        // Only JFIF's APP0 and the image's own tables: no APP1 (EXIF, XMP),
        // no APP2 (ICC), no comment.
        let segments = jpeg_segments(&made.bytes);
        assert!(segments.iter().any(|&(marker, _)| marker == 0xDA));
        for (marker, _) in segments {
            assert!(
                !(0xE1..=0xEF).contains(&marker) && marker != 0xFE,
                "segment {marker:#x} kept"
            );
        }
        assert!(!made.bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!made.bytes.windows(7).any(|w| w == b"PhoneCo"));
    }

    #[test]
    fn a_picture_claiming_thirty_thousand_pixels_a_side_is_refused_by_its_header() {
        let bomb = crate::library::test_photos::png_bomb(30_000, 30_000);
        assert_eq!(
            prepare(&bomb, Framing::AsTaken),
            Err(PhotoError::TooManyPixels {
                width: 30_000,
                height: 30_000
            })
        );
    }

    #[test]
    fn empty_text_and_heic_files_are_each_told_plainly() {
        assert_eq!(prepare(b"", Framing::AsTaken), Err(PhotoError::Empty));
        assert_eq!(
            prepare(b"shopping list: milk, eggs", Framing::AsTaken),
            Err(PhotoError::NotAPhoto)
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(prepare(heic, Framing::AsTaken), Err(PhotoError::Heic));
        assert!(PhotoError::Heic.to_string().contains("JPEG"));
    }
}
