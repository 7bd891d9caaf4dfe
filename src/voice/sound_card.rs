//! The sound card that plays recorded clips, through ALSA.
//!
//! A clip must start as fast as synthetic speech does. A stream that runs
//! all the time (as a mixer's does) keeps the card's buffer full of silence,
//! and a new clip waits behind all of it: on a sound server, or a card with
//! a deep buffer, that was a quarter of a second. So the card is opened once
//! and kept open, but written to only while there is something to hear:
//! between clips it is stopped, and a press starts it again from an empty
//! buffer with a small first period. A press during a clip throws away what
//! the card still holds of the old one.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use alsa::pcm::{Access, Format, HwParams, PCM};
use alsa::{Direction, ValueOr};
use rodio::source::UniformSourceIterator;
use rodio::Source;

use super::VoiceError;

/// About 10 ms a period, four periods a buffer: a clip is heard one period
/// after it is handed over, and the card rides out 40 ms of a busy machine.
const PERIODS_PER_SECOND: u32 = 100;
const PERIODS_PER_BUFFER: usize = 4;

pub struct SoundCard {
    shared: Arc<Shared>,
    channels: u16,
    rate: u32,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

/// What is to be played, and how loud: shared by the voice's thread, which
/// adds and cuts, and the card's, which plays.
#[derive(Default)]
struct Queue {
    sounds: VecDeque<Box<dyn Source + Send>>,
    volume: f32,
    /// What the card holds is to be thrown away (a press cut it off).
    cut: bool,
    /// True from the moment a clip is handed over until its last period has
    /// been played out.
    sounding: bool,
    /// The card has failed: why.
    failed: Option<String>,
    closing: bool,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            volume: 1.0,
            ..Queue::default()
        }
    }

    fn add(&mut self, sound: Box<dyn Source + Send>) {
        self.sounds.push_back(sound);
        self.sounding = true;
    }

    fn cut_off(&mut self) {
        self.sounds.clear();
        self.cut = true;
        self.sounding = false;
    }

    /// Fills `out` with the next samples of the sounds queued, one after
    /// another, and silence after the last. True if any sound went in.
    fn fill(&mut self, out: &mut [f32]) -> bool {
        let mut filled = 0;
        while filled < out.len() {
            let Some(sound) = self.sounds.front_mut() else {
                break;
            };
            match sound.next() {
                Some(sample) => {
                    out[filled] = sample * self.volume;
                    filled += 1;
                }
                None => {
                    self.sounds.pop_front();
                }
            }
        }
        out[filled..].fill(0.0);
        filled > 0
    }
}

impl SoundCard {
    /// Opens the default sound output and keeps it open, or says why it
    /// cannot.
    pub fn open() -> Result<SoundCard, VoiceError> {
        let unavailable = |e: alsa::Error| VoiceError::Unavailable(format!("no sound output: {e}"));
        let pcm = PCM::new("default", Direction::Playback, false).map_err(unavailable)?;
        let settings = configure(&pcm).map_err(unavailable)?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::new()),
            wake: Condvar::new(),
        });
        let card_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sayso-clips".into())
            .spawn(move || play_out(&pcm, settings, &card_shared))
            .map_err(|e| VoiceError::Unavailable(format!("cannot start the sound: {e}")))?;
        Ok(SoundCard {
            shared,
            channels: settings.channels,
            rate: settings.rate,
            thread: Some(thread),
        })
    }

    /// Plays a sound after what is queued; `interrupt` cuts that off first.
    pub fn play(&self, sound: Box<dyn Source + Send>, interrupt: bool) -> Result<(), VoiceError> {
        let uniform = UniformSourceIterator::new(
            sound,
            std::num::NonZero::new(self.channels).expect("a card has channels"),
            std::num::NonZero::new(self.rate).expect("a card has a rate"),
        );
        let mut queue = self.queue();
        if let Some(failed) = &queue.failed {
            return Err(VoiceError::Unavailable(failed.clone()));
        }
        if interrupt {
            queue.cut_off();
        }
        queue.add(Box::new(uniform));
        drop(queue);
        self.shared.wake.notify_all();
        Ok(())
    }

    pub fn stop(&self) {
        self.queue().cut_off();
        self.shared.wake.notify_all();
    }

    pub fn is_sounding(&self) -> bool {
        self.queue().sounding
    }

    pub fn problem(&self) -> Option<String> {
        self.queue().failed.clone()
    }

    /// From 0.0 (silent) to 1.0.
    pub fn set_volume(&self, volume: f32) {
        self.queue().volume = volume;
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.shared.queue.lock().expect("sound queue lock")
    }
}

impl Drop for SoundCard {
    fn drop(&mut self) {
        self.queue().closing = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Settings {
    channels: u16,
    rate: u32,
    period: usize,
}

/// 16-bit samples (every card and sound server takes them), stereo at
/// 48 kHz or what the card has nearest, small periods, and playback that
/// starts as soon as the first period is in.
fn configure(pcm: &PCM) -> alsa::Result<Settings> {
    {
        let hw = HwParams::any(pcm)?;
        hw.set_access(Access::RWInterleaved)?;
        hw.set_format(Format::s16())?;
        hw.set_channels_near(2)?;
        let rate = hw.set_rate_near(48_000, ValueOr::Nearest)?;
        let period = hw.set_period_size_near(
            alsa::pcm::Frames::from(rate / PERIODS_PER_SECOND),
            ValueOr::Nearest,
        )?;
        hw.set_buffer_size_near(period * PERIODS_PER_BUFFER as alsa::pcm::Frames)?;
        pcm.hw_params(&hw)?;
    }
    let hw = pcm.hw_params_current()?;
    let period = hw.get_period_size()?;
    let sw = pcm.sw_params_current()?;
    sw.set_start_threshold(period)?;
    sw.set_avail_min(period)?;
    pcm.sw_params(&sw)?;
    Ok(Settings {
        channels: u16::try_from(hw.get_channels()?).unwrap_or(2),
        rate: hw.get_rate()?,
        period: usize::try_from(period).unwrap_or(480),
    })
}

/// The card's thread: waits for a sound, plays until the queue is empty and
/// the last period has gone out, then stops the card and waits again.
fn play_out(pcm: &PCM, settings: Settings, shared: &Shared) {
    let samples_per_period = settings.period * usize::from(settings.channels);
    let mut samples = vec![0.0f32; samples_per_period];
    let mut frames = vec![0i16; samples_per_period];
    loop {
        {
            let mut queue = shared.queue.lock().expect("sound queue lock");
            while queue.sounds.is_empty() && !queue.closing {
                queue = shared.wake.wait(queue).expect("sound queue lock");
            }
            if queue.closing {
                return;
            }
            queue.cut = false;
        }
        if let Err(e) = pcm.prepare() {
            return fail(shared, e);
        }
        let mut quiet_periods = 0;
        while quiet_periods <= PERIODS_PER_BUFFER {
            let (sound, cut) = {
                let mut queue = shared.queue.lock().expect("sound queue lock");
                let cut = std::mem::take(&mut queue.cut);
                (queue.fill(&mut samples), cut)
            };
            if cut {
                // What the card still holds of the sound cut off.
                let _ = pcm.drop();
                if let Err(e) = pcm.prepare() {
                    return fail(shared, e);
                }
            }
            quiet_periods = if sound { 0 } else { quiet_periods + 1 };
            for (frame, sample) in frames.iter_mut().zip(&samples) {
                *frame = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16;
            }
            if let Err(e) = write_period(pcm, &frames, usize::from(settings.channels)) {
                return fail(shared, e);
            }
        }
        let _ = pcm.drop();
        let mut queue = shared.queue.lock().expect("sound queue lock");
        if queue.sounds.is_empty() {
            queue.sounding = false;
        }
    }
}

/// Writes one period, recovering from an underrun (a busy machine) as ALSA
/// advises.
fn write_period(pcm: &PCM, frames: &[i16], channels: usize) -> alsa::Result<()> {
    let io = pcm.io_i16()?;
    let mut written = 0;
    while written < frames.len() {
        match io.writei(&frames[written..]) {
            Ok(n) => written += n * channels,
            Err(e) => pcm.try_recover(e, true)?,
        }
    }
    Ok(())
}

fn fail(shared: &Shared, error: alsa::Error) {
    let mut queue = shared.queue.lock().expect("sound queue lock");
    queue.failed = Some(format!("the sound output failed: {error}"));
    queue.sounds.clear();
    queue.sounding = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodio::buffer::SamplesBuffer;

    fn sound(samples: &[f32]) -> Box<dyn Source + Send> {
        Box::new(SamplesBuffer::new(
            std::num::NonZero::new(1).unwrap(),
            std::num::NonZero::new(48_000).unwrap(),
            samples.to_vec(),
        ))
    }

    #[test]
    fn queued_sounds_play_one_after_another_then_silence_at_their_volume() {
        let mut queue = Queue::new();
        queue.add(sound(&[0.5, 0.5]));
        queue.add(sound(&[-0.25]));
        queue.volume = 0.5;
        let mut out = [9.0; 5];
        assert!(queue.fill(&mut out));
        assert_eq!(out, [0.25, 0.25, -0.125, 0.0, 0.0]);
        assert!(!queue.fill(&mut out), "nothing left to play");
        assert_eq!(out, [0.0; 5]);
    }

    #[test]
    fn a_press_cuts_off_what_is_queued_and_what_the_card_holds() {
        let mut queue = Queue::new();
        queue.add(sound(&[0.5; 10]));
        assert!(queue.sounding);
        queue.cut_off();
        assert!(queue.cut, "the card throws away what it holds");
        assert!(!queue.sounding);
        let mut out = [9.0; 4];
        assert!(!queue.fill(&mut out));
        assert_eq!(out, [0.0; 4]);
    }
}
