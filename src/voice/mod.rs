//! The voice: how the kiosk speaks for the person.
//!
//! [`Voice`] is the port. Its implementations:
//! - [`TtsVoice`]: text-to-speech through the `tts` crate (speech-dispatcher
//!   on Linux), on a thread of its own, because a stuck speech service blocks
//!   every call into it;
//! - [`ClipVoice`]: a recorded clip, decoded by `rodio` and played through
//!   ALSA, on a card written to only while a clip plays (`sound_card`);
//! - [`RecordingVoice`]: a fake for tests, which keeps what it was asked to say;
//! - [`Speaker`]: what the kiosk uses. It runs clips and speech on a worker
//!   thread, plays a card's clip where there is one and speaks the text where
//!   there is not (or the clip is broken), cuts off on a press and queues
//!   prompts.
//!
//! Architecture invariant: nothing here blocks the caller. The UI thread only
//! ever puts an utterance on a channel.

mod clip;
pub mod pack;
mod recording;
mod sound_card;
mod speaker;
mod tts;
pub mod volume;

pub use clip::{decode_all, ClipCache, ClipVoice};
pub use recording::{RecordingVoice, SpokenLog};
pub use speaker::Speaker;
pub use tts::TtsVoice;

pub use crate::core::{SpeakMode, Utterance};
pub use pack::{TtsPrefs, VoicePack};

pub trait Voice: Send {
    /// Starts saying the utterance. Returns at once; it does not wait for the
    /// words to be spoken.
    fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError>;
    /// Stops whatever is being said.
    fn stop(&mut self);
    /// True while words are being said (or are about to be).
    fn is_speaking(&self) -> bool;
    /// False when this voice cannot make a sound at all.
    fn is_available(&self) -> bool;
    /// How text-to-speech should sound (voice, rate, pitch). Voices that do
    /// not speak text ignore it.
    fn configure(&mut self, _prefs: &TtsPrefs) {}
    /// How loud, from 0 (silent) to 100.
    fn set_volume(&mut self, _volume: u8) {}
    /// Clips that will be wanted soon (the topic on screen): decode them now.
    fn preload(&mut self, _clips: &[String]) {}
}

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("there is no recorded clip for this")]
    NoClip,
    #[error("cannot play the clip {path}: {reason}")]
    Clip { path: String, reason: String },
    #[error("the voice is not available: {0}")]
    Unavailable(String),
}

impl VoiceError {
    /// What went wrong, without the clip's path (which may name a card).
    pub fn kind(&self) -> &'static str {
        match self {
            VoiceError::NoClip => "no recorded clip",
            VoiceError::Clip { .. } => "a recorded clip cannot be played",
            VoiceError::Unavailable(_) => "the voice is not available",
        }
    }
}
