//! A 10 s recording (48 kHz stereo WAV, as a phone's recorder app sends
//! it) made into a card's clip: decoded, trimmed, measured (EBU R128),
//! brought to one loudness and written; against only reading its samples
//! (hound) in the same run.
//!
//! Run with `cargo bench --bench recordings`.

use std::io::Cursor;
use std::time::{Duration, Instant};

const RUNS: usize = 9;
const RATE: u32 = 48_000;

fn main() {
    let wav = ten_seconds_of_speech_like_sound();
    println!(
        "a 10 s recording, 48 kHz stereo WAV ({:.1} MB):",
        wav.len() as f64 / 1e6
    );
    let mut prepared = Vec::new();
    let mut read_only = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let clip = sayso::library::recording::prepare(wav.clone(), Some("wav")).unwrap();
        prepared.push(started.elapsed());
        assert!(clip.seconds > 9.0);

        let started = Instant::now();
        let mut reader = hound::WavReader::new(Cursor::new(&wav)).unwrap();
        let samples: Vec<f32> = reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect();
        std::hint::black_box(&samples);
        read_only.push(started.elapsed());
    }
    let (prepared, read_only) = (median(&mut prepared), median(&mut read_only));
    println!(
        "  made into a clip   median {prepared:>9.1?}\n  only read          median {read_only:>9.1?}\n  ratio {:.1}x",
        prepared.as_secs_f64() / read_only.as_secs_f64()
    );
}

/// Syllables of a 150 Hz voice with its harmonics, half a second of sound
/// and a pause, for 10 s, in both channels.
fn ten_seconds_of_speech_like_sound() -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).unwrap();
    for i in 0..RATE * 10 {
        let t = i as f32 / RATE as f32;
        let voiced = (t * 1.6).fract() < 0.6;
        let tone: f32 = (1..6)
            .map(|h| (t * 150.0 * h as f32 * std::f32::consts::TAU).sin() / h as f32)
            .sum();
        let sample = if voiced { 0.15 * tone } else { 0.0 };
        let value = (sample * 32767.0) as i16;
        writer.write_sample(value).unwrap();
        writer.write_sample(value).unwrap();
    }
    writer.finalize().unwrap();
    bytes.into_inner()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}
