//! The settings in force: the device's until a person is chosen, then
//! theirs (how they press, how loud, the voice that speaks to them), and
//! the adapters that follow them (keys, auto scanning, the buttons' timing
//! and lights, the voice's volume).

use crate::access::gpio::{NewTiming, Role};
use crate::access::keys::KeyInput;
use crate::access::lights::Lights;
use crate::access::scan::AutoScanner;
use crate::access::settings::{AccessMethod, AccessSettings};
use crate::core::{Display, Now, Utterance, Whose};
use crate::voice::pack::TtsPrefs;
use crate::voice::volume::VolumeSettings;
use crate::voice::Voice;

/// Settings that belong to the device, or to one person.
#[derive(Debug, Clone)]
pub(super) struct Personal {
    pub access: AccessSettings,
    pub volume: VolumeSettings,
    pub tts: TtsPrefs,
}

pub(super) struct InForce {
    device: Personal,
    /// By person of the home, in its order.
    people: Vec<Personal>,
    now: Personal,
    /// The volume the voice was last set to.
    volume_set: Option<u8>,
    /// Staff turned the voice up or down on the staff screen, in steps of
    /// ten (until the kiosk restarts).
    volume_steps: i8,
    pub keys: KeyInput,
    /// With one-switch auto scanning: what moves the highlight.
    pub scanner: Option<AutoScanner>,
    lights: Option<Lights>,
    /// The GPIO buttons' thread takes up new timing settings through this.
    button_timing: Option<NewTiming>,
    /// Staff (or the screenshots) chose a display for everyone.
    pub display_override: Option<Display>,
}

impl InForce {
    /// Each person's settings, after the home file changed (the device's
    /// are in force then: nobody is at the kiosk).
    pub fn replace_people(&mut self, people: Vec<Personal>) {
        self.people = people;
    }

    /// The device's settings in force, with each person's kept for their turn.
    pub fn new(device: Personal, people: Vec<Personal>) -> InForce {
        InForce {
            keys: KeyInput::new(device.access.keys.clone(), device.access.key_timing()),
            now: device.clone(),
            device,
            people,
            volume_set: None,
            volume_steps: 0,
            scanner: None,
            lights: None,
            button_timing: None,
            display_override: None,
        }
    }

    /// Puts the device's or a person's settings in force.
    pub fn apply(&mut self, whose: Whose, now: Now, voice: &mut dyn Voice) {
        let personal = match whose {
            Whose::Device => &self.device,
            Whose::Person(i) => self.people.get(i).unwrap_or(&self.device),
        };
        self.now = personal.clone();
        voice.configure(&self.now.tts);
        self.volume_set = None;
        let access = &self.now.access;
        self.keys = KeyInput::new(access.keys.clone(), access.key_timing());
        self.scanner = (access.method == AccessMethod::AutoScanning)
            .then(|| AutoScanner::new(access.scan, now.mono.millis()));
        if let Some(timing) = &self.button_timing {
            timing.set(access.buttons);
        }
    }

    /// The settings for pressing in force now.
    pub fn access(&self) -> &AccessSettings {
        &self.now.access
    }

    /// The voice's volume now: the settings' at this time of day (quiet
    /// hours), with staff's steps.
    pub fn volume_now(&self, now: Now) -> u8 {
        let local = now.wall.with_timezone(&chrono::Local).time();
        let base = i16::from(self.now.volume.volume_at(local));
        (base + i16::from(self.volume_steps) * 10).clamp(0, 100) as u8
    }

    /// Staff turned the voice up (1) or down (-1) a step.
    pub fn step_volume(&mut self, step: i8) {
        self.volume_steps = (self.volume_steps + step).clamp(-10, 10);
        self.volume_set = None;
    }

    /// Readies the voice for `utterance`: its volume set when quiet hours
    /// began or ended, a cue quieter than the answers.
    pub fn ready_voice(&mut self, utterance: &mut Utterance, now: Now, voice: &mut dyn Voice) {
        let volume = self.volume_now(now);
        if self.volume_set != Some(volume) {
            voice.set_volume(volume);
            self.volume_set = Some(volume);
        }
        if utterance.cue {
            utterance.volume = Some(self.now.volume.cue_volume(volume));
        }
    }

    pub fn show_lights(&mut self, roles: &[Role]) {
        if let Some(lights) = &mut self.lights {
            lights.show(roles);
        }
    }

    pub fn attach_lights(&mut self, lights: Lights) {
        self.lights = Some(lights);
    }

    /// The GPIO buttons' timing follows whoever's settings are in force.
    pub fn attach_button_timing(&mut self, timing: NewTiming) {
        timing.set(self.now.access.buttons);
        self.button_timing = Some(timing);
    }
}
