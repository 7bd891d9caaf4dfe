//! A picture cannot take the kiosk's memory: the largest picture sayso
//! accepts is decoded within bounds, and a bigger one is refused by its
//! header. Measured on a real `sayso` process, through the decoder the kiosk
//! uses, with GNU time's peak resident size.

use std::path::Path;
use std::process::Command;

/// The bound for the kiosk with such a picture (a Pi Zero 2 W has 512 MB
/// for everything).
const PEAK_LIMIT_KB: u64 = 200 * 1024;

/// The bound on the software renderer the Pi uses, with the picture decoded
/// to the size it is shown as it is read (it was 163 MB decoded whole).
const SOFTWARE_PEAK_LIMIT_KB: u64 = 100 * 1024;

/// A real PNG, `width` x `height`, 8-bit RGBA, with rows that are not all
/// the same colour (so it is decoded like a photo, not skipped as empty).
pub fn write_png(path: &Path, width: u32, height: u32) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row: Vec<u8> = (0..width * 4).map(|i| (i * 7 % 251) as u8).collect();
    for _ in 0..height {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
}

fn one_card_set(dir: &Path, picture: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("cards")).unwrap();
    let set = dir.join("set.toml");
    std::fs::write(
        &set,
        format!(
            "id = \"big\"\ntitle = \"Big\"\n[[topics]]\nid = \"things\"\ntitle = \"Things\"\n\
             question = \"What about this?\"\nscale = \"like\"\n\
             cards = [ {{ id = \"photo\", label = \"photo\", picture = \"{picture}\" }} ]\n"
        ),
    )
    .unwrap();
    set
}

/// `sayso check` decodes every picture of the set with the kiosk's limits;
/// returns what it said and its peak resident size in KB.
fn check_with_peak(data: &Path, set: &Path) -> (String, u64) {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "peak-kb %M"])
        .arg(env!("CARGO_BIN_EXE_sayso"))
        .args(["check", "--set"])
        .arg(set)
        .env("SAYSO_DATA_DIR", data)
        .env("RUST_LOG", "error")
        .output()
        .expect("GNU time is installed (systemd/install-packages.sh)");
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    let err = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{said}{err}");
    let peak = err
        .lines()
        .find_map(|line| line.strip_prefix("peak-kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {err}"));
    (said, peak)
}

#[test]
fn the_largest_picture_accepted_is_decoded_within_the_memory_bound() {
    let dir = tempfile::tempdir().unwrap();
    // 6000 x 4000 today: a 24 MP camera's photo.
    let width = 6000;
    let height = u32::try_from(sayso::ui::pictures::MAX_PIXELS / u64::from(width)).unwrap();
    let set = one_card_set(&dir.path().join("set"), "cards/photo.png");
    write_png(&dir.path().join("set/cards/photo.png"), width, height);
    let (said, peak) = check_with_peak(&dir.path().join("data"), &set);
    eprintln!(
        "peak resident with a {width}x{height} picture: {} MB",
        peak / 1024
    );
    assert!(
        !said.contains("warning"),
        "the photo is decoded, not refused: {said}"
    );
    assert!(
        peak < PEAK_LIMIT_KB,
        "peak resident {} MB with a 24 MP picture",
        peak / 1024
    );
}

#[test]
fn a_picture_over_the_limit_is_refused_before_it_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let set = one_card_set(&dir.path().join("set"), "cards/huge.png");
    // The 11000 x 11000 PNG, whole: 484 MB once decoded.
    write_png(&dir.path().join("set/cards/huge.png"), 11_000, 11_000);
    let (said, peak) = check_with_peak(&dir.path().join("data"), &set);
    eprintln!(
        "peak resident with an 11000x11000 picture: {} MB",
        peak / 1024
    );
    assert!(said.contains("too big (11000x11000 pixels)"), "{said}");
    assert!(
        peak < 100 * 1024,
        "refused by its header, so never decoded: peak {} MB",
        peak / 1024
    );
}

/// The peak resident size so far of a running process, in KB.
fn peak_so_far_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

#[test]
fn the_running_kiosk_shows_the_largest_picture_within_the_memory_bound() {
    use super::real_kiosk::{wait_until, RunningKiosk, XServer};
    let x = XServer::start();
    let dir = tempfile::tempdir().unwrap();
    let width = 6000;
    let height = u32::try_from(sayso::ui::pictures::MAX_PIXELS / u64::from(width)).unwrap();
    let set = one_card_set(&dir.path().join("set"), "cards/photo.png");
    write_png(&dir.path().join("set/cards/photo.png"), width, height);
    // The software renderer the Pi uses, and the GL one a desktop gets.
    for (renderer, limit) in [
        ("winit-software", SOFTWARE_PEAK_LIMIT_KB),
        ("winit-femtovg", PEAK_LIMIT_KB),
    ] {
        let data = dir.path().join(renderer);
        std::fs::create_dir_all(&data).unwrap();
        // The picture comes up with the card when the mat starts.
        let kiosk = RunningKiosk::start_with_env(
            &x,
            &data,
            Some(&set),
            "sayso::ui::pictures=debug",
            &[("SLINT_BACKEND", std::ffi::OsStr::new(renderer))],
        );
        kiosk.key("1");
        wait_until("the photo decoded and on the card", || {
            std::fs::read_to_string(data.join("kiosk.err"))
                .is_ok_and(|log| log.contains("picture ready") && log.contains("photo.png"))
        });
        let peak = peak_so_far_kb(kiosk.pid());
        eprintln!(
            "the kiosk's peak resident with a {width}x{height} picture ({renderer}): {} MB",
            peak / 1024
        );
        assert!(
            peak < limit,
            "the kiosk's peak resident with a 24 MP picture ({renderer}): {} MB",
            peak / 1024
        );
    }
}
