use std::collections::HashMap;
use std::fs::File;
use std::sync::{Arc, Mutex};

use rodio::buffer::SamplesBuffer;
use rodio::{Decoder, Source};

use super::sound_card::SoundCard;
use super::{SpeakMode, Utterance, Voice, VoiceError};

/// Plays recorded clips (WAV, Ogg Vorbis, MP3, FLAC) through the default
/// sound output, which stays open for the life of the voice.
pub struct ClipVoice {
    card: SoundCard,
    cache: ClipCache,
}

/// Clips decoded ahead of time (those of the topic on screen), so that a
/// press never waits on the disk or the decoder. Shared between the thread
/// that decodes and the one that plays.
#[derive(Clone, Default)]
pub struct ClipCache(Arc<Mutex<HashMap<String, SamplesBuffer>>>);

impl ClipCache {
    /// Decodes these clips on a thread of their own, and forgets any others.
    pub fn preload(&self, paths: Vec<String>) {
        self.0
            .lock()
            .expect("clip cache lock")
            .retain(|path, _| paths.contains(path));
        let cache = self.clone();
        std::thread::spawn(move || {
            for path in paths {
                if cache.get(&path).is_some() {
                    continue;
                }
                // A clip that will not decode is reported when it is played.
                if let Ok(buffer) = decode_all(&path) {
                    cache
                        .0
                        .lock()
                        .expect("clip cache lock")
                        .insert(path, buffer);
                }
            }
        });
    }

    pub fn get(&self, path: &str) -> Option<SamplesBuffer> {
        self.0.lock().expect("clip cache lock").get(path).cloned()
    }
}

/// A whole clip, decoded into memory.
pub fn decode_all(path: &str) -> Result<SamplesBuffer, VoiceError> {
    let decoder = decode(path)?;
    let (channels, rate) = (decoder.channels(), decoder.sample_rate());
    let samples: Vec<rodio::Sample> = decoder.collect();
    Ok(SamplesBuffer::new(channels, rate, samples))
}

impl ClipVoice {
    /// Opens the default sound output, or says why it cannot.
    pub fn open() -> Result<ClipVoice, VoiceError> {
        Ok(ClipVoice {
            card: SoundCard::open()?,
            cache: ClipCache::default(),
        })
    }

    /// Decodes these clips ahead of time.
    pub fn preload(&self, paths: Vec<String>) {
        self.cache.preload(paths);
    }

    /// Checks that a clip can be decoded, without playing it.
    pub fn check(path: &str) -> Result<(), VoiceError> {
        decode(path).map(drop)
    }
}

fn decode(path: &str) -> Result<Decoder<std::io::BufReader<File>>, VoiceError> {
    let clip_error = |reason: String| VoiceError::Clip {
        path: path.to_string(),
        reason,
    };
    let file = File::open(path).map_err(|e| clip_error(e.to_string()))?;
    Decoder::try_from(file).map_err(|e| clip_error(e.to_string()))
}

impl Voice for ClipVoice {
    fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
        let path = utterance.clip.as_deref().ok_or(VoiceError::NoClip)?;
        let source: Box<dyn Source + Send> = match self.cache.get(path) {
            Some(decoded) => Box::new(decoded),
            None => Box::new(decode(path)?),
        };
        self.card
            .play(source, utterance.mode == SpeakMode::Interrupt)
    }

    fn stop(&mut self) {
        self.card.stop();
    }

    fn is_speaking(&self) -> bool {
        self.card.is_sounding()
    }

    fn is_available(&self) -> bool {
        self.card.problem().is_none()
    }

    fn preload(&mut self, clips: &[String]) {
        self.cache.preload(clips.to_vec());
    }

    fn set_volume(&mut self, volume: u8) {
        self.card.set_volume(f32::from(volume.min(100)) / 100.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_clip() -> String {
        concat!(env!("CARGO_MANIFEST_DIR"), "/images/demo/clips/tea.wav").to_string()
    }

    #[test]
    fn a_clip_is_decoded_whole_and_kept_until_another_topic_comes() {
        let decoded = decode_all(&demo_clip()).unwrap();
        assert!(
            decoded.clone().any(|sample| sample.abs() > 0.01),
            "the clip has sound in it"
        );

        let cache = ClipCache::default();
        cache.preload(vec![demo_clip(), "/nowhere/missing.wav".into()]);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while cache.get(&demo_clip()).is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "the clip was never decoded"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(cache.get("/nowhere/missing.wav").is_none());
        cache.preload(Vec::new());
        assert!(
            cache.get(&demo_clip()).is_none(),
            "forgotten when the topic changes"
        );
    }
}
