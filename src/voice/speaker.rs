use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::{info, warn};

use super::{ClipVoice, SpeakMode, TtsPrefs, TtsVoice, Utterance, Voice, VoiceError};

/// The kiosk's voice: recorded clips where there are any, speech otherwise,
/// all on a worker thread. A press (`SpeakMode::Interrupt`) cuts off what is
/// being said and drops anything queued; prompts (`Queue`) wait their turn.
pub struct Speaker {
    commands: Sender<Command>,
    health: Arc<Health>,
}

enum Command {
    Say(Utterance),
    Stop,
    Configure(TtsPrefs),
    Volume(u8),
    Preload(Vec<String>),
}

#[derive(Default)]
struct Health {
    speaking: AtomicBool,
    problems: Mutex<Vec<String>>,
}

/// The speech half of the speaker: text-to-speech, which can fail, stall,
/// and be started again.
pub trait Speech: Voice {
    /// Why it cannot speak, if it cannot.
    fn problem(&self) -> Option<String>;
    /// It has answered at least once since it was started.
    fn is_ready(&self) -> bool;
}

impl Speech for TtsVoice {
    fn problem(&self) -> Option<String> {
        TtsVoice::problem(self)
    }

    fn is_ready(&self) -> bool {
        TtsVoice::is_ready(self)
    }
}

/// Starts (or starts again) the speech half.
pub type StartSpeech = Box<dyn Fn() -> Box<dyn Speech> + Send>;

impl Speaker {
    /// The kiosk's speaker: clips through the sound card, speech through
    /// speech-dispatcher.
    pub fn start() -> Speaker {
        Speaker::with_parts(
            || {
                ClipVoice::open()
                    .inspect_err(|e| warn!("recorded clips will not play: {e}"))
                    .ok()
                    .map(|clips| Box::new(clips) as Box<dyn Voice>)
            },
            Box::new(|| Box::new(TtsVoice::start()) as Box<dyn Speech>),
        )
    }

    /// A speaker of other parts (tests): the clip player is made on the
    /// worker thread, as the sound card's stream must be.
    pub fn with_parts(
        clips: impl FnOnce() -> Option<Box<dyn Voice>> + Send + 'static,
        start_speech: StartSpeech,
    ) -> Speaker {
        let (commands, receiver) = mpsc::channel();
        let health = Arc::new(Health::default());
        let thread_health = health.clone();
        let spawned = std::thread::Builder::new()
            .name("sayso-voice".into())
            .spawn(move || run(receiver, thread_health, clips(), start_speech));
        if let Err(e) = spawned {
            health
                .problems
                .lock()
                .expect("voice health lock")
                .push(format!("cannot start the voice: {e}"));
        }
        Speaker { commands, health }
    }

    /// What is wrong with the sound, for staff; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        self.health
            .problems
            .lock()
            .expect("voice health lock")
            .clone()
    }
}

impl Voice for Speaker {
    fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
        self.commands
            .send(Command::Say(utterance.clone()))
            .map_err(|_| VoiceError::Unavailable("the voice thread has stopped".into()))
    }

    fn stop(&mut self) {
        let _ = self.commands.send(Command::Stop);
    }

    fn is_speaking(&self) -> bool {
        self.health.speaking.load(Ordering::SeqCst)
    }

    fn is_available(&self) -> bool {
        self.problems().is_empty()
    }

    fn configure(&mut self, prefs: &TtsPrefs) {
        let _ = self.commands.send(Command::Configure(prefs.clone()));
    }

    fn set_volume(&mut self, volume: u8) {
        let _ = self.commands.send(Command::Volume(volume));
    }

    fn preload(&mut self, clips: &[String]) {
        let _ = self.commands.send(Command::Preload(clips.to_vec()));
    }
}

struct Worker {
    clips: Option<Box<dyn Voice>>,
    speech: Box<dyn Speech>,
    start_speech: StartSpeech,
    /// How speech should sound, kept to set up a restarted speech service.
    prefs: Option<TtsPrefs>,
    volume: Option<u8>,
    /// The volume set on the outputs now: an utterance of its own loudness
    /// (a scanning cue) changes it until the next one.
    applied: Option<u8>,
    /// When to try a failed speech service again, and how many tries so far.
    speech_retry: Option<(Instant, u32)>,
    queue: VecDeque<Utterance>,
    /// Problems already logged, so each is logged once.
    logged: HashSet<String>,
    health: Arc<Health>,
}

fn run(
    commands: Receiver<Command>,
    health: Arc<Health>,
    clips: Option<Box<dyn Voice>>,
    start_speech: StartSpeech,
) {
    let mut worker = Worker {
        clips,
        speech: start_speech(),
        start_speech,
        prefs: None,
        volume: None,
        applied: None,
        speech_retry: None,
        queue: VecDeque::new(),
        logged: HashSet::new(),
        health,
    };
    loop {
        let wait = if worker.busy() {
            Duration::from_millis(15)
        } else {
            Duration::from_millis(100)
        };
        match commands.recv_timeout(wait) {
            Ok(command) => worker.take(command),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // A burst of presses collapses to the last one before anything plays.
        while let Ok(command) = commands.try_recv() {
            worker.take(command);
        }
        worker.play_next();
        worker.update_health();
    }
}

impl Worker {
    fn busy(&self) -> bool {
        self.clips.as_ref().is_some_and(|c| c.is_speaking()) || self.speech.is_speaking()
    }

    fn take(&mut self, command: Command) {
        match command {
            Command::Say(utterance) => {
                if utterance.mode == SpeakMode::Interrupt {
                    self.silence();
                }
                self.queue.push_back(utterance);
            }
            Command::Stop => self.silence(),
            Command::Configure(prefs) => {
                self.speech.configure(&prefs);
                self.prefs = Some(prefs);
            }
            Command::Preload(clips) => {
                if let Some(player) = &mut self.clips {
                    player.preload(&clips);
                }
            }
            Command::Volume(volume) => {
                self.volume = Some(volume);
                self.apply_volume(Some(volume));
            }
        }
    }

    fn apply_volume(&mut self, volume: Option<u8>) {
        let Some(volume) = volume else {
            return;
        };
        if self.applied == Some(volume) {
            return;
        }
        if let Some(clips) = &mut self.clips {
            clips.set_volume(volume);
        }
        self.speech.set_volume(volume);
        self.applied = Some(volume);
    }

    fn silence(&mut self) {
        self.queue.clear();
        if let Some(clips) = &mut self.clips {
            clips.stop();
        }
        self.speech.stop();
    }

    fn play_next(&mut self) {
        if self.busy() {
            return;
        }
        let Some(utterance) = self.queue.pop_front() else {
            return;
        };
        self.apply_volume(utterance.volume.or(self.volume));
        if utterance.clip.is_some() {
            if let Some(clips) = &mut self.clips {
                match clips.speak(&utterance) {
                    Ok(()) => return,
                    Err(e) => {
                        // The clip's path names the card: only at debug level.
                        tracing::debug!("{e}");
                        self.log_once(
                            "a recorded clip cannot be played (see `sayso check`); speaking the words instead"
                                .to_string(),
                        )
                    }
                }
            }
        }
        match self.speech.speak(&utterance) {
            // Reported by `update_health`, with the reason.
            Ok(()) | Err(VoiceError::Unavailable(_)) => {}
            Err(e) => self.log_once(e.to_string()),
        }
    }

    fn update_health(&mut self) {
        let mut problems = Vec::new();
        match &self.clips {
            None => problems.push("no sound output was found".to_string()),
            Some(clips) if !clips.is_available() => problems
                .push("the sound output failed: recorded clips are spoken as words".to_string()),
            Some(_) => {}
        }
        match self.speech.problem() {
            Some(problem) => {
                problems.push(problem);
                self.retry_speech();
            }
            // Still starting up is not "back": the backoff keeps growing until it answers.
            None if self.speech.is_ready() && self.speech_retry.is_some() => {
                self.speech_retry = None;
                info!("the speech service is back");
            }
            None => {}
        }
        for problem in &problems {
            self.log_once(problem.clone());
        }
        self.health
            .speaking
            .store(self.busy() || !self.queue.is_empty(), Ordering::SeqCst);
        *self.health.problems.lock().expect("voice health lock") = problems;
    }

    /// A speech service that failed or stopped answering is tried again
    /// later, less often each time: it may only have been slow to start.
    fn retry_speech(&mut self) {
        let now = Instant::now();
        match self.speech_retry {
            None => self.speech_retry = Some((now + retry_delay(0), 0)),
            Some((at, tries)) if now >= at => {
                info!("trying the speech service again");
                self.speech = (self.start_speech)();
                if let Some(prefs) = &self.prefs {
                    self.speech.configure(prefs);
                }
                if let Some(volume) = self.applied {
                    self.speech.set_volume(volume);
                }
                self.speech_retry = Some((now + retry_delay(tries + 1), tries + 1));
            }
            Some(_) => {}
        }
    }

    fn log_once(&mut self, problem: String) {
        if self.logged.insert(problem.clone()) {
            warn!("sound: {problem}; the kiosk carries on, and shows staff a \"no sound\" mark");
        }
    }
}

/// How long to wait before trying a failed speech service again: 10 s, then
/// doubling, never more than 5 minutes.
fn retry_delay(tries: u32) -> Duration {
    Duration::from_secs((10u64 << tries.min(5)).min(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clip player that plays anything but a "broken" file.
    #[derive(Clone, Default)]
    struct FakeClips {
        played: Arc<Mutex<Vec<String>>>,
    }

    impl Voice for FakeClips {
        fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
            let path = utterance.clip.clone().ok_or(VoiceError::NoClip)?;
            if path.contains("broken") {
                return Err(VoiceError::Clip {
                    path,
                    reason: "it is not a sound file".into(),
                });
            }
            self.played.lock().unwrap().push(path);
            Ok(())
        }
        fn stop(&mut self) {}
        fn is_speaking(&self) -> bool {
            false
        }
        fn is_available(&self) -> bool {
            true
        }
    }

    /// Speech that keeps what it says, and is "still speaking" while the
    /// test says so.
    #[derive(Clone, Default)]
    struct FakeSpeech {
        said: Arc<Mutex<Vec<String>>>,
        speaking: Arc<AtomicBool>,
        /// How often the worker has asked whether speech is still going.
        asked: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Voice for FakeSpeech {
        fn speak(&mut self, utterance: &Utterance) -> Result<(), VoiceError> {
            self.said.lock().unwrap().push(utterance.text.clone());
            Ok(())
        }
        fn stop(&mut self) {}
        fn is_speaking(&self) -> bool {
            self.asked.fetch_add(1, Ordering::SeqCst);
            self.speaking.load(Ordering::SeqCst)
        }
        fn is_available(&self) -> bool {
            true
        }
    }

    impl Speech for FakeSpeech {
        fn problem(&self) -> Option<String> {
            None
        }
        fn is_ready(&self) -> bool {
            true
        }
    }

    fn speaker() -> (Speaker, FakeClips, FakeSpeech) {
        let (clips, speech) = (FakeClips::default(), FakeSpeech::default());
        let (c, s) = (clips.clone(), speech.clone());
        let speaker = Speaker::with_parts(
            move || Some(Box::new(c) as Box<dyn Voice>),
            Box::new(move || Box::new(s.clone()) as Box<dyn Speech>),
        );
        (speaker, clips, speech)
    }

    fn utterance(text: &str, clip: Option<&str>, mode: SpeakMode) -> Utterance {
        Utterance {
            text: text.into(),
            clip: clip.map(String::from),
            mode,
            cue: false,
            volume: None,
        }
    }

    fn eventually(what: &str, done: impl Fn() -> bool) {
        let started = Instant::now();
        while !done() {
            assert!(started.elapsed() < Duration::from_secs(3), "{what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_card_with_a_clip_plays_it_and_a_broken_one_is_spoken_instead() {
        let (mut speaker, clips, speech) = speaker();
        let good = utterance("tea", Some("clips/tea.wav"), SpeakMode::Interrupt);
        speaker.speak(&good).unwrap();
        eventually("the clip plays", || clips.played.lock().unwrap().len() == 1);
        assert!(
            speech.said.lock().unwrap().is_empty(),
            "no speech for a clip"
        );

        // A corrupt, missing or unknown file: the clip player refuses it by
        // name (tests/clips.rs), and the words are spoken instead.
        let broken = utterance("cake", Some("clips/broken.ogg"), SpeakMode::Interrupt);
        speaker.speak(&broken).unwrap();
        eventually("the words are spoken", || {
            *speech.said.lock().unwrap() == ["cake"]
        });
        assert_eq!(clips.played.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_queued_clip_waits_for_speech_that_is_still_going() {
        let (mut speaker, clips, speech) = speaker();
        let question = utterance("What do you think about food?", None, SpeakMode::Interrupt);
        speaker.speak(&question).unwrap();
        eventually("the question is spoken", || {
            speech.said.lock().unwrap().len() == 1
        });
        // The speech service is still saying it.
        speech.speaking.store(true, Ordering::SeqCst);
        speaker
            .speak(&utterance("tea", Some("clips/tea.wav"), SpeakMode::Queue))
            .unwrap();
        // The worker has looked several times since, and each time found
        // the question still being said.
        let asked = speech.asked.load(Ordering::SeqCst);
        eventually("the worker checks the speech again", || {
            speech.asked.load(Ordering::SeqCst) >= asked + 5
        });
        assert!(
            clips.played.lock().unwrap().is_empty(),
            "the card waits for the question"
        );
        speech.speaking.store(false, Ordering::SeqCst);
        eventually("the card follows", || {
            clips.played.lock().unwrap().len() == 1
        });
    }

    #[test]
    fn a_failed_speech_service_is_retried_less_and_less_often() {
        let delays: Vec<u64> = (0..8).map(|tries| retry_delay(tries).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 300, 300, 300]);
    }
}
