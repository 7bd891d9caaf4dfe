//! The kiosk as it runs: memory, the first frame, and the time to draw a
//! frame, per renderer.
//!
//! - Frame time of the mat screen with Slint's software renderer at 800x480,
//!   720x1280 and 1920x1080 (drawn whole each time), against filling a
//!   buffer of the same size with one colour in the same run.
//! - Process start → first frame (`READY=1`, as systemd hears it) and the
//!   resident memory (PSS) once idle on the demo at 800x480, in a real X
//!   window under Xvfb, with the software renderer and with femtovg (on
//!   Mesa's software GL here; a Pi has a GPU), against starting and ending
//!   `sayso --version` in the same run.
//!
//! Run with `cargo bench --bench kiosk` (needs Xvfb: systemd/install-packages.sh).

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FRAMES: usize = 60;
const STARTS: usize = 5;

fn main() {
    let set = sayso::library::default_set_path();
    sayso::ui::screenshots::use_offscreen_platform().unwrap();
    println!("mat screen, software renderer, drawn whole:");
    for size in sayso::ui::screenshots::SIZES {
        let mut frames =
            sayso::ui::screenshots::mat_frame_times(&set, size, FRAMES, chrono::Utc::now())
                .unwrap();
        let (p50, p95) = percentiles(&mut frames);
        let mut fills = Vec::new();
        for _ in 0..FRAMES {
            let started = Instant::now();
            let buffer = vec![0xf1u8; (size.0 * size.1 * 4) as usize];
            std::hint::black_box(&buffer);
            fills.push(started.elapsed());
        }
        let (fill50, _) = percentiles(&mut fills);
        println!(
            "  {:>4}x{:<4}  p50 {p50:>9.2?}  p95 {p95:>9.2?}   one-colour fill p50 {fill50:>9.2?}   ratio {:.0}x",
            size.0,
            size.1,
            p50.as_secs_f64() / fill50.as_secs_f64()
        );
    }

    let Some(x) = Xvfb::start() else {
        println!("no Xvfb here: start and memory not measured");
        return;
    };
    let mut versions = Vec::new();
    for _ in 0..STARTS {
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_sayso"))
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        versions.push(started.elapsed());
    }
    let (version50, _) = percentiles(&mut versions);
    println!("start → first frame and memory, idle on the demo at 800x480 (Xvfb):");
    for (name, backend) in [("software", "winit-software"), ("femtovg", "winit-femtovg")] {
        let mut starts = Vec::new();
        let mut pss = Vec::new();
        for _ in 0..STARTS {
            let (start, memory) = start_and_idle(&x.display, backend);
            starts.push(start);
            pss.push(memory);
        }
        let (start50, start95) = percentiles(&mut starts);
        pss.sort_unstable();
        println!(
            "  {name:<9} first frame p50 {start50:>9.2?}  p95 {start95:>9.2?}   PSS idle median {:.1} MiB   (`sayso --version` {version50:.2?}: ratio {:.0}x)",
            pss[pss.len() / 2] as f64 / 1024.0,
            start50.as_secs_f64() / version50.as_secs_f64()
        );
    }
}

/// Starts the kiosk in a fresh data directory; returns the time to its
/// `READY=1` and its PSS (KiB) two seconds later.
fn start_and_idle(display: &str, backend: &str) -> (Duration, u64) {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .env("SAYSO_DATA_DIR", dir.path())
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("SLINT_BACKEND", backend)
        .env("NOTIFY_SOCKET", &socket_path)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buffer = [0u8; 64];
    let read = socket.recv(&mut buffer).expect("READY=1 within a minute");
    let first_frame = started.elapsed();
    assert_eq!(String::from_utf8_lossy(&buffer[..read]).trim(), "READY=1");
    // Idle: what it holds once the first screen is up and settled.
    std::thread::sleep(Duration::from_secs(2));
    let pss = pss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    (first_frame, pss)
}

fn pss_kib(pid: u32) -> u64 {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap();
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

struct Xvfb {
    child: std::process::Child,
    display: String,
    _said: BufReader<std::process::ChildStdout>,
}

impl Xvfb {
    fn start() -> Option<Xvfb> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "800x480x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut said = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        said.read_line(&mut line).ok()?;
        let display = format!(":{}", line.trim());
        // The server answers once its socket is there.
        let socket = format!("/tmp/.X11-unix/X{}", line.trim());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !Path::new(&socket).exists() && Instant::now() < deadline {
            std::thread::yield_now();
        }
        Some(Xvfb {
            child,
            display,
            _said: said,
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
