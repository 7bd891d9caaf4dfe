//! A family member's recording of a card (from the browser's recorder or
//! the phone's own recorder app) made into a clip the kiosk plays: decoded
//! whatever it came as, silence trimmed from both ends, its loudness
//! measured as EBU R128 does and brought to one level (so a whisper and a
//! shout sound alike on the kiosk's speaker), no longer than the kiosk
//! allows, and written as a plain WAV (mono, 16 bit) that rodio plays.
//!
//! The bytes are untrusted: size, length and format are checked, and a
//! recording that is silence or nothing is refused in plain words.

use std::io::Cursor;
use std::sync::LazyLock;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CodecRegistry, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as DecodeError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// The longest a clip plays: a card's words, not a message.
pub const MAX_CLIP_SECONDS: f32 = 10.0;
/// The largest recording taken: ten minutes of phone-quality sound.
pub const MAX_RECORDING_BYTES: u64 = 20 * 1024 * 1024;
/// The loudness every clip is brought to (LUFS). Louder than broadcast's
/// -23: a small speaker in a lounge, as podcasts and phones do.
pub const TARGET_LUFS: f64 = -18.0;
/// No sample louder than this after the gain (dBFS), so nothing clips.
const PEAK_CEILING_DBFS: f64 = -1.0;
/// Quieter than this (dBFS, over 10 ms) at either end is silence to trim.
const SILENCE_DBFS: f32 = -45.0;
/// Kept before the first sound and after the last: words start softly.
const MARGIN_SECONDS: f32 = 0.1;
/// Decoding stops past this: a small file may claim hours, and two
/// minutes of 48 kHz samples are already 23 MB.
const MAX_DECODED_SECONDS: f32 = 120.0;

/// A clip ready to be written into a set.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedClip {
    /// WAV, mono, 16-bit, at the recording's own rate.
    pub wav: Vec<u8>,
    pub seconds: f32,
    /// Whether it was cut to [`MAX_CLIP_SECONDS`].
    pub shortened: bool,
}

/// Why a recording was not taken, said for the family member who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordingError {
    #[error("This recording is empty: nothing was recorded. Try recording again.")]
    Empty,
    #[error(
        "This recording is too large ({megabytes} MB). A card's recording is a few seconds \
         long; recordings up to {} MB can be used.",
        MAX_RECORDING_BYTES / 1024 / 1024
    )]
    TooLarge { megabytes: u64 },
    #[error(
        "This file is not a recording sayso can use. Use the phone's recorder (M4A, MP3, \
         WAV, Ogg or WebM)."
    )]
    NotARecording,
    #[error("This recording is damaged or incomplete. Try recording again.")]
    Damaged,
    #[error(
        "No voice could be heard in this recording. Check the microphone is allowed and \
         not covered, then record again."
    )]
    Silent,
}

/// Opus is not among symphonia's own decoders: libopus through its adapter.
static CODECS: LazyLock<CodecRegistry> = LazyLock::new(|| {
    let mut codecs = CodecRegistry::new();
    symphonia::default::register_enabled_codecs(&mut codecs);
    codecs.register_all::<symphonia_adapter_libopus::OpusDecoder>();
    codecs
});

/// Makes a clip from a recording's bytes (`extension`, if known, helps
/// find its format).
pub fn prepare(bytes: Vec<u8>, extension: Option<&str>) -> Result<PreparedClip, RecordingError> {
    match bytes.len() as u64 {
        0 => return Err(RecordingError::Empty),
        len if len > MAX_RECORDING_BYTES => {
            return Err(RecordingError::TooLarge {
                megabytes: len.div_ceil(1024 * 1024),
            })
        }
        _ => {}
    }
    let (mut samples, rate) = decode_mono(bytes, extension)?;
    let Some((start, end)) = voiced_span(&samples, rate) else {
        return Err(RecordingError::Silent);
    };
    samples.truncate(end);
    samples.drain(..start);
    let max = (MAX_CLIP_SECONDS * rate as f32) as usize;
    let shortened = samples.len() > max;
    if shortened {
        samples.truncate(max);
        fade_out(&mut samples, rate);
    }
    let gain = gain_to_target(&samples, rate)?;
    for sample in &mut samples {
        *sample *= gain;
    }
    Ok(PreparedClip {
        seconds: samples.len() as f32 / rate as f32,
        wav: wav_bytes(&samples, rate),
        shortened,
    })
}

/// The whole recording, its channels averaged, and its sample rate.
fn decode_mono(bytes: Vec<u8>, extension: Option<&str>) -> Result<(Vec<f32>, u32), RecordingError> {
    let source = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    if let Some(extension) = extension {
        hint.with_extension(extension);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|_| RecordingError::NotARecording)?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or(RecordingError::NotARecording)?;
    let track_id = track.id;
    let mut rate = track.codec_params.sample_rate;
    let mut decoder = CODECS
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|_| RecordingError::NotARecording)?;
    let mut mono = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(DecodeError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(DecodeError::ResetRequired) => break,
            Err(_) if !mono.is_empty() => break,
            Err(_) => return Err(RecordingError::Damaged),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            // One bad packet is a click, not a reason to lose the rest.
            Err(DecodeError::DecodeError(_)) => continue,
            Err(_) => return Err(RecordingError::Damaged),
        };
        let spec = *decoded.spec();
        rate = rate.or(Some(spec.rate));
        let channels = spec.channels.count().max(1);
        let samples = match &mut buffer {
            Some(b) if b.capacity() >= decoded.capacity() * channels => b,
            _ => buffer.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        samples.copy_interleaved_ref(decoded);
        mono.extend(
            samples
                .samples()
                .chunks_exact(channels)
                .map(|frame| frame.iter().sum::<f32>() / channels as f32),
        );
        let rate = rate.unwrap_or(48_000) as f32;
        if mono.len() as f32 > MAX_DECODED_SECONDS * rate {
            break;
        }
    }
    let rate = rate.filter(|&r| r > 0).ok_or(RecordingError::Damaged)?;
    if mono.is_empty() {
        return Err(RecordingError::Damaged);
    }
    Ok((mono, rate))
}

/// From a little before the first sound to a little after the last, by
/// 10 ms windows; `None` if no window is louder than silence.
fn voiced_span(samples: &[f32], rate: u32) -> Option<(usize, usize)> {
    let window = (rate as usize / 100).max(1);
    let threshold = 10f32.powf(SILENCE_DBFS / 20.0);
    let loud = |chunk: &[f32]| {
        let mean_square = chunk.iter().map(|s| s * s).sum::<f32>() / chunk.len() as f32;
        mean_square.sqrt() > threshold
    };
    let first = samples.chunks(window).position(loud)?;
    let last = samples.chunks(window).rposition(loud)?;
    let margin = (MARGIN_SECONDS * rate as f32) as usize;
    let start = (first * window).saturating_sub(margin);
    let end = ((last + 1) * window + margin).min(samples.len());
    Some((start, end))
}

fn fade_out(samples: &mut [f32], rate: u32) {
    let fade = (rate as usize / 20).min(samples.len());
    let from = samples.len() - fade;
    for (i, sample) in samples[from..].iter_mut().enumerate() {
        *sample *= 1.0 - i as f32 / fade as f32;
    }
}

/// The gain that brings the clip to [`TARGET_LUFS`] (integrated loudness,
/// ITU-R BS.1770 as EBU R128 uses it), held down so no sample goes past
/// [`PEAK_CEILING_DBFS`].
fn gain_to_target(samples: &[f32], rate: u32) -> Result<f32, RecordingError> {
    let loudness = integrated_loudness(samples, rate).ok_or(RecordingError::Silent)?;
    let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    if peak <= 0.0 {
        return Err(RecordingError::Silent);
    }
    let to_target = TARGET_LUFS - loudness;
    let to_ceiling = PEAK_CEILING_DBFS - 20.0 * f64::from(peak).log10();
    Ok(10f64.powf(to_target.min(to_ceiling) / 20.0) as f32)
}

/// Integrated loudness in LUFS; `None` for silence. A clip shorter than
/// one 400 ms gating block is measured as one block.
pub fn integrated_loudness(samples: &[f32], rate: u32) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::I).ok()?;
    meter.add_frames_f32(samples).ok()?;
    let block = (rate as usize * 2) / 5;
    if samples.len() < block {
        // Measured over the block as if the clip were repeated to fill it.
        let mut filled = Vec::with_capacity(block);
        while filled.len() < block {
            filled.extend_from_slice(&samples[..samples.len().min(block - filled.len())]);
        }
        meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::I).ok()?;
        meter.add_frames_f32(&filled).ok()?;
    }
    meter
        .loudness_global()
        .ok()
        .filter(|lufs| lufs.is_finite() && *lufs > -70.0)
}

fn wav_bytes(samples: &[f32], rate: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("a WAV in memory");
        for &sample in samples {
            let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
            writer.write_sample(value).expect("a WAV in memory");
        }
        writer.finalize().expect("a WAV in memory");
    }
    bytes.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .unwrap()
    }

    /// The clip as the kiosk plays it (its own clip decoder): samples, rate.
    fn played(clip: &PreparedClip) -> (Vec<f32>, u32) {
        use rodio::Source;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clip.wav");
        std::fs::write(&path, &clip.wav).unwrap();
        let decoded = crate::voice::decode_all(path.to_str().unwrap()).unwrap();
        assert_eq!(decoded.channels().get(), 1);
        let rate = decoded.sample_rate().get();
        (decoded.collect(), rate)
    }

    #[test]
    fn every_kind_of_recording_becomes_a_clip_of_the_same_words_at_one_loudness() {
        let (original, original_rate) = decode_mono(fixture("yes.wav"), Some("wav")).unwrap();
        let (start, end) = voiced_span(&original, original_rate).unwrap();
        let spoken = (end - start) as f32 / original_rate as f32;
        for name in [
            "yes.wav", "yes.webm", "yes.m4a", "yes.ogg", "yes.opus", "yes.mp3", "yes.flac",
        ] {
            let extension = name.rsplit('.').next();
            let clip = prepare(fixture(name), extension).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (samples, rate) = played(&clip);
            let seconds = samples.len() as f32 / rate as f32;
            assert!(
                (seconds - spoken).abs() < 0.12,
                "{name}: {seconds:.2} s against {spoken:.2} s spoken"
            );
            let loudness = integrated_loudness(&samples, rate).unwrap();
            let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
            let peak_db = 20.0 * f64::from(peak).log10();
            // At the target, unless the peak ceiling held it lower.
            assert!(
                (loudness - TARGET_LUFS).abs() < 1.0
                    || (loudness < TARGET_LUFS && peak_db > PEAK_CEILING_DBFS - 0.5),
                "{name}: {loudness:.1} LUFS, peak {peak_db:.1} dBFS"
            );
            assert!(!clip.shortened);
        }
    }

    #[test]
    fn silence_nothing_and_text_are_refused_in_plain_words() {
        assert_eq!(prepare(Vec::new(), None), Err(RecordingError::Empty));
        let silence = wav_bytes(&vec![0.0; 48_000 * 2], 48_000);
        assert_eq!(prepare(silence, Some("wav")), Err(RecordingError::Silent));
        let hiss = wav_bytes(
            &(0..48_000)
                .map(|i| ((i * 7919 % 13) as f32 - 6.0) * 1e-4)
                .collect::<Vec<_>>(),
            48_000,
        );
        assert_eq!(prepare(hiss, Some("wav")), Err(RecordingError::Silent));
        assert_eq!(
            prepare(b"hello, this is a note".to_vec(), Some("m4a")),
            Err(RecordingError::NotARecording)
        );
    }

    #[test]
    fn a_long_recording_is_cut_to_the_longest_a_clip_plays_and_a_quiet_one_is_raised() {
        let rate = 16_000;
        let tone: Vec<f32> = (0..rate * 14)
            .map(|i| 0.02 * (i as f32 * 2.0 * std::f32::consts::PI * 220.0 / rate as f32).sin())
            .collect();
        let clip = prepare(wav_bytes(&tone, rate as u32), Some("wav")).unwrap();
        assert!(clip.shortened);
        let (samples, rate) = played(&clip);
        assert!((samples.len() as f32 / rate as f32 - MAX_CLIP_SECONDS).abs() < 0.01);
        let loudness = integrated_loudness(&samples, rate).unwrap();
        assert!((loudness - TARGET_LUFS).abs() < 1.0, "{loudness}");
    }
}
