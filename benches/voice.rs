//! From a key press to the first sound a person hears: a card's recorded
//! clip against the same kiosk's synthetic speech, in the same run, on the
//! same ear.
//!
//! The kiosk runs on the demo set with its real speaker: clips through ALSA,
//! speech through a private speech-dispatcher (espeak-ng) writing to ALSA.
//! Both go to an "ear": ALSA's `file` plugin over its `null` device, writing
//! 16-bit stereo into a pipe that this program reads at the pace
//! of a sound card (5 ms at a time). The ear notes when the first sample
//! above silence (1% of full scale) comes out of the pipe; the press is
//! the moment before the key goes to the kiosk.
//!
//! - recorded clip: `R` (say again) while the card with a clip is on offer;
//! - synthetic speech: `R` while a card without one is on offer.
//!
//! Needs speech-dispatcher (systemd/install-packages.sh installs it);
//! without it only the clip is measured.
//!
//! Run with `cargo bench --bench voice`.

#[path = "support/speech_service.rs"]
mod speech_service;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use sayso::access::keys::Key;
use sayso::clock::SystemClock;
use sayso::core::Screen;
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::Speaker;

const PRESSES: usize = 20;
/// The clips' card asks for 48 kHz; speech-dispatcher's ALSA output hangs
/// on a rate converter, so its ear takes espeak-ng's own 22.05 kHz.
const CLIP_RATE: usize = 48_000;
const SPEECH_RATE: usize = 22_050;
/// 1% of full scale.
const SILENCE: u16 = 328;

fn main() {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clip_pipe = dir.path().join("clips.pipe");
    let speech_pipe = dir.path().join("speech.pipe");
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, alsa_config(&clip_pipe, &speech_pipe)).expect("the ALSA config");
    let alsa_config_path = format!("/usr/share/alsa/alsa.conf:{}", conf.display());
    // Before anything here opens ALSA.
    std::env::set_var("ALSA_CONFIG_PATH", &alsa_config_path);
    let ear = Ear::listen(&[(&clip_pipe, CLIP_RATE), (&speech_pipe, SPEECH_RATE)]);

    let speech = speech_service::SpeechService::start(
        dir.path(),
        "speech_ear",
        &[("ALSA_CONFIG_PATH", alsa_config_path)],
    );
    if speech.is_none() {
        println!(
            "speech-dispatcher is not installed or did not start: synthetic speech not measured"
        );
    }

    let set = sayso::library::default_set_path();
    let paths = KioskPaths::in_data_dir(&dir.path().join("data"), &set);
    let mut kiosk = Kiosk::open(
        paths,
        Box::new(Speaker::start()),
        Box::new(SystemClock::new()),
    )
    .expect("the kiosk opens on the demo set");
    if kiosk.screen() == Screen::Topics {
        kiosk.input(KioskInput::Person(sayso::core::Input::new(
            sayso::core::Event::Choose(0),
            sayso::core::InputMethod::Touch,
        )));
    }
    assert_eq!(kiosk.screen(), Screen::Mat, "a mat on the first topic");
    let first = kiosk.view().mat.card.map(|card| card.label);
    assert_eq!(
        first.as_deref(),
        Some("tea"),
        "the demo's first card, with a clip"
    );
    // The question and the first card are said, the speech module starts.
    ear.wait_for_quiet(Duration::from_secs(10));

    let mut clip_times = Vec::new();
    let mut speech_times = Vec::new();
    for _ in 0..PRESSES {
        clip_times.push(ear.time(|| press(&mut kiosk, Key::Char('r'))));
        ear.wait_for_quiet(Duration::from_secs(5));
        if speech.is_some() {
            // Tea goes under "like"; the next card, which has no clip, is offered.
            press(&mut kiosk, Key::Char('1'));
            ear.wait_for_quiet(Duration::from_secs(5));
            speech_times.push(ear.time(|| press(&mut kiosk, Key::Char('r'))));
            ear.wait_for_quiet(Duration::from_secs(5));
            press(&mut kiosk, Key::Backspace);
            ear.wait_for_quiet(Duration::from_secs(5));
        }
    }

    println!("key press → first sample above silence at the ear, {PRESSES} presses each");
    report("recorded clip", &clip_times);
    if speech.is_some() {
        report("synthetic speech", &speech_times);
        let (clip50, _) = percentiles(&clip_times);
        let (speech50, _) = percentiles(&speech_times);
        if let (Some(clip50), Some(speech50)) = (clip50, speech50) {
            println!(
                "clip / speech, p50: {:.2}",
                clip50.as_secs_f64() / speech50.as_secs_f64()
            );
        }
    }
}

fn press(kiosk: &mut Kiosk, key: Key) {
    kiosk.input(KioskInput::KeyDown { key, repeat: false });
    kiosk.input(KioskInput::KeyUp(key));
}

/// `default` (where the kiosk's clips go) and `speech_ear` (the speech
/// service's device): the same file-over-null shape, each into its pipe.
fn alsa_config(clips: &Path, speech: &Path) -> String {
    let ear = |name: &str, pipe: &Path, rate: usize| {
        format!(
            "pcm.{name} {{ type plug; slave {{ pcm \"{name}_file\"; format S16_LE; rate {rate}; channels 2 }} }}\n\
             pcm.{name}_file {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n",
            pipe.display()
        )
    };
    format!(
        "{}{}pcm.!default \"clip_ear\"\n",
        ear("clip_ear", clips, CLIP_RATE),
        ear("speech_ear", speech, SPEECH_RATE)
    )
}

/// Reads the pipes like sound cards, and tells when sound comes out.
struct Ear {
    listening: Arc<AtomicBool>,
    heard: mpsc::Receiver<Instant>,
    last_loud: Arc<std::sync::Mutex<Instant>>,
}

impl Ear {
    fn listen(pipes: &[(&Path, usize)]) -> Ear {
        let listening = Arc::new(AtomicBool::new(false));
        let last_loud = Arc::new(std::sync::Mutex::new(Instant::now()));
        let (tell, heard) = mpsc::channel();
        for &(pipe, rate) in pipes {
            let made = std::process::Command::new("mkfifo")
                .arg(pipe)
                .status()
                .expect("mkfifo runs");
            assert!(made.success(), "a pipe for the ear");
            // Open for writing too: the reader never sees the end of the
            // pipe when a writer closes it.
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(pipe)
                .expect("the pipe opens");
            let (listening, last_loud, tell) = (listening.clone(), last_loud.clone(), tell.clone());
            std::thread::spawn(move || {
                // 5 ms of 16-bit stereo at a time.
                let frames = rate / 200;
                let mut chunk = vec![0u8; frames * 4];
                let period = Duration::from_secs_f64(frames as f64 / rate as f64);
                let mut due = Instant::now();
                while file.read_exact(&mut chunk).is_ok() {
                    let now = Instant::now();
                    let loud = chunk
                        .chunks_exact(2)
                        .any(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs() > SILENCE);
                    if loud {
                        *last_loud.lock().unwrap() = now;
                        if listening.swap(false, Ordering::SeqCst) {
                            let _ = tell.send(now);
                        }
                    }
                    // A card plays at its rate; after waiting for sound it
                    // starts again from now.
                    due = if now > due + period * 4 { now } else { due } + period;
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                }
            });
        }
        Ear {
            listening,
            heard,
            last_loud,
        }
    }

    /// From just before `act` to the first sound after it.
    fn time(&self, act: impl FnOnce()) -> Duration {
        while self.heard.try_recv().is_ok() {}
        self.listening.store(true, Ordering::SeqCst);
        let pressed = Instant::now();
        act();
        let heard = self
            .heard
            .recv_timeout(Duration::from_secs(5))
            .expect("the press was heard within 5 s");
        heard.duration_since(pressed)
    }

    /// Until nothing has been heard for half a second.
    fn wait_for_quiet(&self, at_most: Duration) {
        let started = Instant::now();
        while self.last_loud.lock().unwrap().elapsed() < Duration::from_millis(500)
            && started.elapsed() < at_most
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn report(name: &str, times: &[Duration]) {
    if let (Some(p50), Some(p95)) = percentiles(times) {
        println!("  {name:<18} p50 {p50:>10.2?}  p95 {p95:>10.2?}");
    }
}

fn percentiles(times: &[Duration]) -> (Option<Duration>, Option<Duration>) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |q: f64| {
        (!sorted.is_empty()).then(|| sorted[((sorted.len() - 1) as f64 * q).round() as usize])
    };
    (at(0.5), at(0.95))
}
