//! A 12 MP phone photo (4032x3024, stored sideways with EXIF orientation 6
//! and a GPS position) made into a card's picture, against ImageMagick's
//! `convert -auto-orient -resize 1024x1024` on the same file in the same
//! run: wall time of each as a process (start to end), the peak resident
//! memory of each (the kernel's count for that child), and sayso's own
//! preparation in this process.
//!
//! Run with `cargo bench --bench photos` (ImageMagick: `apt-get install
//! imagemagick`; without it only sayso is measured; GNU time measures the
//! memory: systemd/install-packages.sh).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let photo = photos.join("garden.jpg");
    std::fs::write(&photo, sayso::library::test_photos::phone_jpeg(&scene(), 6)).unwrap();
    println!(
        "a 4032x3024 phone JPEG, stored sideways ({:.1} MB):",
        std::fs::metadata(&photo).unwrap().len() as f64 / 1e6
    );

    let mut in_process = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let card =
            sayso::library::photo::prepare_file(&photo, sayso::library::photo::Framing::AsTaken)
                .unwrap();
        in_process.push(started.elapsed());
        assert_eq!(
            (card.width, card.height),
            (1024, 768),
            "upright, as the scene"
        );
    }
    println!(
        "  sayso, in process            median {:>9.1?}",
        median(&mut in_process)
    );

    let set = dir.path().join("set");
    let mut sayso_runs = Vec::new();
    let mut sayso_peaks = Vec::new();
    let mut magick_runs = Vec::new();
    let mut magick_peaks = Vec::new();
    let magick = has_imagemagick();
    for run in 0..RUNS {
        write_set(&set);
        let (time, peak) = measure(
            Command::new(env!("CARGO_BIN_EXE_sayso"))
                .arg("--data-dir")
                .arg(dir.path())
                .arg("--set")
                .arg(&set)
                .args(["set", "import-photos"])
                .arg(&photos)
                .args(["--topic", "garden"]),
        );
        sayso_runs.push(time);
        sayso_peaks.push(peak);
        if magick {
            let (time, peak) = measure(
                Command::new("convert")
                    .arg(&photo)
                    .args(["-auto-orient", "-resize", "1024x1024"])
                    .arg(dir.path().join(format!("magick-{run}.jpg"))),
            );
            magick_runs.push(time);
            magick_peaks.push(peak);
        }
    }
    let sayso_time = median(&mut sayso_runs);
    sayso_peaks.sort_unstable();
    println!(
        "  sayso set import-photos      median {sayso_time:>9.1?}   peak memory {:>5.1} MiB",
        sayso_peaks[RUNS / 2] as f64 / 1024.0
    );
    if magick {
        let magick_time = median(&mut magick_runs);
        magick_peaks.sort_unstable();
        println!(
            "  ImageMagick convert          median {magick_time:>9.1?}   peak memory {:>5.1} MiB",
            magick_peaks[RUNS / 2] as f64 / 1024.0
        );
        println!(
            "  sayso takes {:.2}x ImageMagick's time and {:.2}x its memory",
            sayso_time.as_secs_f64() / magick_time.as_secs_f64(),
            sayso_peaks[RUNS / 2] as f64 / magick_peaks[RUNS / 2] as f64
        );
    } else {
        println!("  (no ImageMagick here: apt-get install imagemagick to compare)");
    }
}

/// A garden-like scene: smooth colour fields with fine texture, so the
/// JPEG is the size and the work of a real photo (a few MB), not of flat
/// colour or of noise.
fn scene() -> image::RgbImage {
    image::RgbImage::from_fn(4032, 3024, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let leaves = ((fx * 0.05).sin() * (fy * 0.07).cos() * 40.0) as i32;
        let grain = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27) as i32;
        let sky = (fy / 3024.0 * 120.0) as i32;
        let channel = |base: i32| (base + leaves + grain).clamp(0, 255) as u8;
        image::Rgb([channel(60 + sky), channel(140 - sky / 2), channel(70 + sky)])
    })
}

fn write_set(set: &Path) {
    let _ = std::fs::remove_dir_all(set);
    std::fs::create_dir_all(set).unwrap();
    std::fs::write(
        set.join("set.toml"),
        "id = \"bench\"\ntitle = \"Bench\"\n\n[[topics]]\nid = \"garden\"\ntitle = \"Garden\"\nquestion = \"What do you think about the garden?\"\nscale = \"like\"\ncards = []\n",
    )
    .unwrap();
}

/// Runs a command to its end under GNU time: its wall time and its peak
/// resident memory (KiB).
fn measure(command: &mut Command) -> (Duration, u64) {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "peak-kb %M"])
        .arg(command.get_program())
        .args(command.get_args());
    let started = Instant::now();
    let output = timed
        .stdout(Stdio::null())
        .output()
        .expect("GNU time is installed");
    let elapsed = started.elapsed();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{command:?}: {said}");
    let peak = said
        .lines()
        .find_map(|line| line.strip_prefix("peak-kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {said}"));
    (elapsed, peak)
}

fn has_imagemagick() -> bool {
    Command::new("convert")
        .arg("-version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("ImageMagick"))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}
