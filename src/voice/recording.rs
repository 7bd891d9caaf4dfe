use std::sync::{Arc, Mutex};

use super::{Utterance, Voice, VoiceError};

/// A voice that makes no sound and keeps every utterance, for tests.
#[derive(Clone, Default)]
pub struct RecordingVoice {
    log: SpokenLog,
}

/// What a [`RecordingVoice`] was asked to say, and how, shared with the test.
#[derive(Clone, Default)]
pub struct SpokenLog {
    said: Arc<Mutex<Vec<Utterance>>>,
    prefs: Arc<Mutex<Option<super::TtsPrefs>>>,
    volume: Arc<Mutex<Option<u8>>>,
    preloaded: Arc<Mutex<Vec<String>>>,
}

impl SpokenLog {
    pub fn utterances(&self) -> Vec<Utterance> {
        self.said.lock().expect("spoken log lock").clone()
    }

    /// The clips the voice was last asked to decode ahead of time.
    pub fn preloaded(&self) -> Vec<String> {
        self.preloaded.lock().expect("spoken log lock").clone()
    }

    /// The volume the voice was last set to.
    pub fn volume(&self) -> Option<u8> {
        *self.volume.lock().expect("spoken log lock")
    }

    /// How the voice was last told to sound.
    pub fn prefs(&self) -> Option<super::TtsPrefs> {
        self.prefs.lock().expect("spoken log lock").clone()
    }

    pub fn texts(&self) -> Vec<String> {
        self.utterances().into_iter().map(|u| u.text).collect()
    }
}

impl RecordingVoice {
    pub fn new() -> (RecordingVoice, SpokenLog) {
        let voice = RecordingVoice::default();
        let log = voice.log.clone();
        (voice, log)
    }
}

impl Voice for RecordingVoice {
    fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
        self.log
            .said
            .lock()
            .expect("spoken log lock")
            .push(utterance.clone());
        Ok(())
    }

    fn stop(&mut self) {}

    fn is_speaking(&self) -> bool {
        false
    }

    fn is_available(&self) -> bool {
        true
    }

    fn preload(&mut self, clips: &[String]) {
        *self.log.preloaded.lock().expect("spoken log lock") = clips.to_vec();
    }

    fn set_volume(&mut self, volume: u8) {
        *self.log.volume.lock().expect("spoken log lock") = Some(volume);
    }

    fn configure(&mut self, prefs: &super::TtsPrefs) {
        *self.log.prefs.lock().expect("spoken log lock") = Some(prefs.clone());
    }
}
