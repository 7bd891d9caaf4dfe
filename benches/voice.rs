//! From a press to the first sound of a card's recorded clip: the time until
//! the first non-silent sample comes out of the mixer that feeds the sound
//! card, for a clip decoded ahead of time (the topic on screen) and for one
//! decoded cold from disk. The sound card's own buffer comes after this and
//! is not measured (there is none on a build machine).
//!
//! Text-to-speech is measured by `benches/tts.rs`.
//!
//! Run with `cargo bench --bench voice`.

use std::num::NonZero;
use std::time::{Duration, Instant};

use rodio::Player;
use sayso::voice::{decode_all, ClipCache};

const RUNS: usize = 300;

fn main() {
    let clip = concat!(env!("CARGO_MANIFEST_DIR"), "/images/demo/clips/tea.wav").to_string();
    let cache = ClipCache::default();
    cache.preload(vec![clip.clone()]);
    while cache.get(&clip).is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }

    let warm = measure(|| Box::new(cache.get(&clip).expect("decoded ahead")));
    let cold = measure(|| Box::new(decode_all(&clip).expect("the clip decodes")));
    let streamed = measure(|| {
        let file = std::fs::File::open(&clip).expect("the clip is there");
        Box::new(rodio::Decoder::try_from(file).expect("the clip decodes"))
    });

    println!("press → first non-silent sample out of the mixer, {RUNS} runs each");
    for (name, times) in [
        ("decoded ahead", warm),
        ("decoded cold, whole", cold),
        ("decoded cold, streamed", streamed),
    ] {
        let (p50, p95) = percentiles(times);
        println!("{name:<24} p50 {p50:>10.3?}  p95 {p95:>10.3?}");
    }
}

/// Times a press: get the source, hand it to a player on the mixer, and pull
/// samples until one is not silent.
fn measure(mut source: impl FnMut() -> Box<dyn rodio::Source + Send>) -> Vec<Duration> {
    (0..RUNS)
        .map(|_| {
            let (mixer, mut output) =
                rodio::mixer::mixer(NonZero::new(1).unwrap(), NonZero::new(22_050).unwrap());
            let started = Instant::now();
            let player = Player::connect_new(&mixer);
            player.append(source());
            let heard = output
                .by_ref()
                .take(22_050 * 5)
                .any(|sample| sample.abs() > 0.01);
            let elapsed = started.elapsed();
            assert!(heard, "the clip made a sound");
            elapsed
        })
        .collect()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
