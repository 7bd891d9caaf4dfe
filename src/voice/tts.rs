use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{SpeakMode, TtsPrefs, Utterance, Voice, VoiceError};

/// How long one call into the speech service may take before the service is
/// taken to be stuck. speech-dispatcher with no working audio output blocks
/// forever; a kiosk with an unplugged speaker must not freeze with it.
const STUCK_AFTER: Duration = Duration::from_secs(3);

/// Text-to-speech through the `tts` crate. Every call into it happens on a
/// thread of its own, so a stuck service can only stall that thread.
pub struct TtsVoice {
    commands: Sender<Command>,
    state: Arc<State>,
}

enum Command {
    Speak { text: String, interrupt: bool },
    Stop,
    Configure(TtsPrefs),
    Volume(u8),
}

struct State {
    epoch: Instant,
    ready: AtomicBool,
    failed: Mutex<Option<String>>,
    /// Millis since `epoch` when the current call into the service began; 0 = none.
    call_started: AtomicU64,
    /// Utterances sent and not yet reported finished or stopped.
    outstanding: AtomicI64,
}

impl State {
    fn stuck(&self) -> bool {
        let started = self.call_started.load(Ordering::SeqCst);
        started != 0 && self.epoch.elapsed() > Duration::from_millis(started) + STUCK_AFTER
    }

    fn begin_call(&self) {
        let now = self.epoch.elapsed().as_millis().max(1) as u64;
        self.call_started.store(now, Ordering::SeqCst);
    }

    fn end_call(&self) {
        self.call_started.store(0, Ordering::SeqCst);
    }

    fn fail(&self, reason: String) {
        *self.failed.lock().expect("tts state lock") = Some(reason);
    }
}

impl TtsVoice {
    /// Starts the speech service connection in the background; returns at once.
    pub fn start() -> TtsVoice {
        let (commands, receiver) = mpsc::channel();
        let state = Arc::new(State {
            epoch: Instant::now(),
            ready: AtomicBool::new(false),
            failed: Mutex::new(None),
            call_started: AtomicU64::new(0),
            outstanding: AtomicI64::new(0),
        });
        let thread_state = state.clone();
        let spawned = std::thread::Builder::new()
            .name("sayso-tts".into())
            .spawn(move || run(receiver, thread_state));
        if let Err(e) = spawned {
            state.fail(format!("cannot start the speech thread: {e}"));
        }
        TtsVoice { commands, state }
    }

    /// True once the speech service has answered and is set up.
    pub fn is_ready(&self) -> bool {
        self.state.ready.load(Ordering::SeqCst) && self.problem().is_none()
    }

    /// Why speech is not available, if it is known not to be.
    pub fn problem(&self) -> Option<String> {
        if let Some(reason) = self.state.failed.lock().expect("tts state lock").clone() {
            return Some(reason);
        }
        self.state
            .stuck()
            .then(|| "the speech service stopped answering".to_string())
    }
}

impl Voice for TtsVoice {
    fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
        if let Some(problem) = self.problem() {
            return Err(VoiceError::Unavailable(problem));
        }
        let interrupt = utterance.mode == SpeakMode::Interrupt;
        if interrupt {
            self.state.outstanding.store(0, Ordering::SeqCst);
        }
        self.state.outstanding.fetch_add(1, Ordering::SeqCst);
        self.commands
            .send(Command::Speak {
                text: utterance.text.clone(),
                interrupt,
            })
            .map_err(|_| VoiceError::Unavailable("the speech thread has stopped".into()))
    }

    fn stop(&mut self) {
        self.state.outstanding.store(0, Ordering::SeqCst);
        let _ = self.commands.send(Command::Stop);
    }

    fn is_speaking(&self) -> bool {
        self.problem().is_none() && self.state.outstanding.load(Ordering::SeqCst) > 0
    }

    fn is_available(&self) -> bool {
        self.problem().is_none()
    }

    fn configure(&mut self, prefs: &TtsPrefs) {
        let _ = self.commands.send(Command::Configure(prefs.clone()));
    }

    fn set_volume(&mut self, volume: u8) {
        let _ = self.commands.send(Command::Volume(volume));
    }
}

fn run(commands: Receiver<Command>, state: Arc<State>) {
    state.begin_call();
    let tts = tts::Tts::default();
    state.end_call();
    let mut tts = match tts {
        Ok(tts) => tts,
        Err(e) => {
            state.fail(format!("no speech service: {e}"));
            return;
        }
    };
    let features = tts.supported_features();
    if features.utterance_callbacks {
        let done = |state: Arc<State>| -> Box<dyn FnMut(tts::UtteranceId)> {
            Box::new(move |_| {
                let _ = state
                    .outstanding
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some((n - 1).max(0)));
            })
        };
        let _ = tts.on_utterance_end(Some(done(state.clone())));
        let _ = tts.on_utterance_stop(Some(done(state.clone())));
    }
    state.ready.store(true, Ordering::SeqCst);

    for command in commands {
        state.begin_call();
        let result = match command {
            Command::Speak { text, interrupt } => tts.speak(text, interrupt).map(drop),
            Command::Stop => tts.stop().map(drop),
            Command::Configure(prefs) => {
                apply(&mut tts, &prefs);
                Ok(())
            }
            Command::Volume(volume) => {
                let (min, max) = (tts.min_volume(), tts.max_volume());
                tts.set_volume(min + (max - min) * f32::from(volume.min(100)) / 100.0)
                    .map(drop)
            }
        };
        state.end_call();
        if !features.utterance_callbacks {
            // Without callbacks there is no telling when speech ends; don't
            // hold up the queue waiting for it.
            state.outstanding.store(0, Ordering::SeqCst);
        }
        if let Err(e) = result {
            state.fail(format!("the speech service failed: {e}"));
            return;
        }
    }
}

/// Sets the voice, rate and pitch. What the service cannot do is logged and
/// left as it was: a voice that speaks a little differently is better than none.
fn apply(tts: &mut tts::Tts, prefs: &TtsPrefs) {
    // Our scale is -100..100 around normal; the service has its own range.
    let scaled = |value: f32, min: f32, normal: f32, max: f32| {
        let value = value.clamp(-100.0, 100.0) / 100.0;
        if value >= 0.0 {
            normal + value * (max - normal)
        } else {
            normal + value * (normal - min)
        }
    };
    let rate = scaled(
        prefs.rate,
        tts.min_rate(),
        tts.normal_rate(),
        tts.max_rate(),
    );
    if let Err(e) = tts.set_rate(rate) {
        tracing::warn!("speech rate not set: {e}");
    }
    let pitch = scaled(
        prefs.pitch,
        tts.min_pitch(),
        tts.normal_pitch(),
        tts.max_pitch(),
    );
    if let Err(e) = tts.set_pitch(pitch) {
        tracing::warn!("speech pitch not set: {e}");
    }
    if !prefs.voice.is_empty() {
        match tts.voices().map(|voices| {
            voices
                .into_iter()
                .find(|v| v.name() == prefs.voice || v.id() == prefs.voice)
        }) {
            Ok(Some(voice)) => {
                if let Err(e) = tts.set_voice(&voice) {
                    tracing::warn!("speech voice {} not set: {e}", prefs.voice);
                }
            }
            Ok(None) => tracing::warn!(
                "speech voice {} is not installed; using the default",
                prefs.voice
            ),
            Err(e) => tracing::warn!("cannot list speech voices: {e}"),
        }
    }
}
