//! Photos as phones make them, for tests and benchmarks: a JPEG stored
//! turned (or mirrored) as the camera held it, with an EXIF block that
//! says how to turn it upright and where it was taken.

use image::{imageops, RgbImage};

/// The JPEG a phone would save for a scene that looks like `upright`, held
/// so that EXIF `orientation` (1–8) is needed to show it upright; with the
/// camera's make and a GPS position in its EXIF.
pub fn phone_jpeg(upright: &RgbImage, orientation: u16) -> Vec<u8> {
    // Stored = the inverse of what the orientation tells a viewer to do
    // (EXIF 2.3, tag 0x0112), spelt out here so that a test does not check
    // image's orientation code against itself.
    let stored = match orientation {
        1 => upright.clone(),
        2 => imageops::flip_horizontal(upright),
        3 => imageops::rotate180(upright),
        4 => imageops::flip_vertical(upright),
        // Transpose: its own inverse.
        5 => imageops::flip_horizontal(&imageops::rotate90(upright)),
        // The viewer turns it 90° clockwise: stored turned the other way.
        6 => imageops::rotate270(upright),
        // Transverse: its own inverse.
        7 => imageops::flip_vertical(&imageops::rotate90(upright)),
        8 => imageops::rotate90(upright),
        _ => panic!("EXIF orientations are 1 to 8"),
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode(
            &stored,
            stored.width(),
            stored.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("a JPEG in memory");
    let exif = exif_block(orientation);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    app1.extend(exif);
    // Right after the start of image, where cameras put it.
    jpeg.splice(2..2, app1);
    jpeg
}

/// `Exif\0\0` and a big-endian TIFF block: IFD0 with Make, Orientation and
/// a pointer to a GPS IFD (51°30'N, 0°7'39"W).
fn exif_block(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend(b"MM\0\x2a");
    tiff.extend(8u32.to_be_bytes());
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend(tag.to_be_bytes());
        tiff.extend(kind.to_be_bytes());
        tiff.extend(count.to_be_bytes());
        tiff.extend(value);
    };
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    // IFD0 at 8: 3 entries, ends at 50; the make at 50; the GPS IFD at 58.
    tiff.extend(3u16.to_be_bytes());
    entry(&mut tiff, 0x010F, ASCII, 8, 50u32.to_be_bytes());
    let [high, low] = orientation.to_be_bytes();
    entry(&mut tiff, 0x0112, SHORT, 1, [high, low, 0, 0]);
    entry(&mut tiff, 0x8825, LONG, 1, 58u32.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(b"PhoneCo\0");
    // GPS IFD at 58: 4 entries, ends at 112; latitude at 112, longitude at 136.
    tiff.extend(4u16.to_be_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, RATIONAL, 3, 112u32.to_be_bytes());
    entry(&mut tiff, 0x0003, ASCII, 2, *b"W\0\0\0");
    entry(&mut tiff, 0x0004, RATIONAL, 3, 136u32.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    for (numerator, denominator) in [(51u32, 1u32), (30, 1), (0, 1), (0, 1), (7, 1), (39, 1)] {
        tiff.extend(numerator.to_be_bytes());
        tiff.extend(denominator.to_be_bytes());
    }
    debug_assert_eq!(tiff.len(), 160);
    let mut block = b"Exif\0\0".to_vec();
    block.extend(tiff);
    block
}

/// A PNG whose header says it is `width` x `height` and that holds
/// (almost) nothing: what a decompression bomb looks like before it is
/// unpacked.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    for (kind, data) in [
        (b"IHDR", header),
        (b"IDAT", Vec::new()),
        (b"IEND", Vec::new()),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend(&data);
        bytes.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
        bytes.extend(&chunk);
        bytes.extend(crc32(&chunk).to_be_bytes());
    }
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A photo as large as a family's phone sends: 7000 x 7000 (49 MP), and
/// over 30 MB, two ninths of each row noise that does not compress.
pub fn largest_png(path: &std::path::Path) {
    const SIDE: u32 = 7000;
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().unwrap();
    let mut rows = writer.stream_writer().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut row = vec![0u8; SIDE as usize * 3];
    let noisy = row.len() * 2 / 9;
    for y in 0..SIDE {
        for (x, byte) in row.iter_mut().enumerate() {
            *byte = if x < noisy {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            } else {
                (y / 28) as u8
            };
        }
        std::io::Write::write_all(&mut rows, &row).unwrap();
    }
    rows.finish().unwrap();
}
