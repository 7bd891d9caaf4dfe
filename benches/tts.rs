//! From an action to the speech service saying an utterance has begun, for
//! text-to-speech through the `tts` crate and speech-dispatcher (espeak-ng).
//!
//! The bench starts a speech service of its own, writing to ALSA's null
//! device, so it needs no sound card and never touches the machine's own
//! service: `speech-dispatcher` must be installed (systemd/install-packages.sh
//! does). Without it, it says so and measures nothing. As a baseline in the
//! same run: handing a clip decoded ahead of time to the mixer, the path a
//! card's recorded clip takes.
//!
//! Run with `cargo bench --bench tts`.

#[path = "support/speech_service.rs"]
mod speech_service;

use std::num::NonZero;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sayso::voice::ClipCache;

const RUNS: usize = 60;
const WORDS: [&str; 6] = ["tea", "pizza", "bananas", "ice cream", "chips", "broccoli"];

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let Some(mut service) = speech_service::SpeechService::start(dir.path(), "null", &[]) else {
        println!(
            "text-to-speech: not measured (speech-dispatcher is not installed or did not start)"
        );
        return;
    };

    let (begun_tx, begun) = mpsc::channel::<Instant>();
    let (ended_tx, ended) = mpsc::channel::<()>();
    let mut tts = match tts::Tts::default() {
        Ok(tts) => tts,
        Err(e) => {
            println!("text-to-speech: not measured ({e})");
            service.stop();
            return;
        }
    };
    tts.on_utterance_begin(Some(Box::new(move |_| {
        let _ = begun_tx.send(Instant::now());
    })))
    .expect("utterance callbacks");
    tts.on_utterance_end(Some(Box::new(move |_| {
        let _ = ended_tx.send(());
    })))
    .expect("utterance callbacks");

    // The first utterance starts the speech module: not a press's cost.
    let _ = tts.speak("ready", true);
    let _ = begun.recv_timeout(Duration::from_secs(10));
    let _ = ended.recv_timeout(Duration::from_secs(10));

    let mut times = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        while ended.try_recv().is_ok() {}
        let pressed = Instant::now();
        tts.speak(WORDS[run % WORDS.len()], true).expect("speak");
        match begun.recv_timeout(Duration::from_secs(5)) {
            Ok(at) => times.push(at.duration_since(pressed)),
            Err(_) => {
                println!("text-to-speech: the service stopped answering after {run} runs");
                break;
            }
        }
        let _ = ended.recv_timeout(Duration::from_secs(5));
    }
    service.stop();
    if times.is_empty() {
        return;
    }

    let baseline = clip_baseline();
    let (tts50, tts95) = percentiles(times.clone());
    let (clip50, clip95) = percentiles(baseline);
    println!("action → utterance begun, {} runs", times.len());
    println!("text-to-speech (espeak-ng)  p50 {tts50:>10.3?}  p95 {tts95:>10.3?}");
    println!("clip decoded ahead (base)   p50 {clip50:>10.3?}  p95 {clip95:>10.3?}");
    println!(
        "ratio                       p50 {:>9.0}x  p95 {:>9.0}x",
        tts50.as_secs_f64() / clip50.as_secs_f64(),
        tts95.as_secs_f64() / clip95.as_secs_f64()
    );
}

/// A clip decoded ahead of time, from press to its first non-silent sample
/// out of the mixer.
fn clip_baseline() -> Vec<Duration> {
    let clip = concat!(env!("CARGO_MANIFEST_DIR"), "/images/demo/clips/tea.wav").to_string();
    let cache = ClipCache::default();
    cache.preload(vec![clip.clone()]);
    while cache.get(&clip).is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    (0..RUNS)
        .map(|_| {
            let (mixer, mut output) =
                rodio::mixer::mixer(NonZero::new(1).unwrap(), NonZero::new(22_050).unwrap());
            let started = Instant::now();
            let player = rodio::Player::connect_new(&mixer);
            player.append(cache.get(&clip).expect("decoded ahead"));
            let heard = output.by_ref().take(22_050 * 5).any(|s| s.abs() > 0.01);
            assert!(heard, "the clip made a sound");
            started.elapsed()
        })
        .collect()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
