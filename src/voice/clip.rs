use std::fs::File;

use rodio::{Decoder, MixerDeviceSink, Player};

use super::{SpeakMode, Utterance, Voice, VoiceError};

/// Plays recorded clips (WAV, Ogg Vorbis, MP3, FLAC) through the default
/// sound output. One output stream stays open for the life of the voice.
pub struct ClipVoice {
    output: MixerDeviceSink,
    player: Player,
    volume: f32,
}

impl ClipVoice {
    /// Opens the default sound output, or says why it cannot.
    pub fn open() -> Result<ClipVoice, VoiceError> {
        let mut output = rodio::DeviceSinkBuilder::open_default_sink()
            .map_err(|e| VoiceError::Unavailable(format!("no sound output: {e}")))?;
        output.log_on_drop(false);
        let player = Player::connect_new(output.mixer());
        Ok(ClipVoice {
            output,
            player,
            volume: 1.0,
        })
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
        let source = decode(path)?;
        if utterance.mode == SpeakMode::Interrupt {
            self.stop();
        }
        self.player.append(source);
        Ok(())
    }

    fn stop(&mut self) {
        // A fresh player on the same stream: dropping the old one silences it
        // at once, without waiting on the audio thread.
        self.player = Player::connect_new(self.output.mixer());
        self.player.set_volume(self.volume);
    }

    fn is_speaking(&self) -> bool {
        !self.player.empty()
    }

    fn is_available(&self) -> bool {
        true
    }

    fn set_volume(&mut self, volume: u8) {
        self.volume = f32::from(volume.min(100)) / 100.0;
        self.player.set_volume(self.volume);
    }
}
