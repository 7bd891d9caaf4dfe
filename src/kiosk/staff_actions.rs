//! What staff do at the kiosk, on the staff screen (by touch only: no
//! key, switch or scan leads here), and what it shows them.

use tracing::{info, warn};

use super::jobs::Pairing;
use super::staff::{Power, StaffPages, StaffScreenView};
use super::Kiosk;
use crate::clock::Clock;
use crate::core::join_home::JoinEffect;
use crate::core::staff_screen::{StaffEffect, StaffInput, StaffStage};
use crate::core::{SpeakMode, Utterance};

impl Kiosk {
    pub(super) fn staff_input(&mut self, input: StaffInput) {
        let now = self.clock.now();
        for effect in self.staff.screen.input(input, now.mono) {
            match effect {
                StaffEffect::CheckPin(pin) => {
                    let own = self.paths.plan.clone();
                    self.jobs.check_pin(self.paths.plan_target(), own, pin)
                }
                StaffEffect::Paused(paused) => {
                    info!(paused, "staff paused or resumed the kiosk");
                }
                StaffEffect::ToggleWebApp => {
                    if let Some(problem) = self.staff.toggle_pages() {
                        self.problem(problem);
                    }
                }
                StaffEffect::Power(action) => {
                    // The journal has every record first, if the disk lets it.
                    self.write_unsaved();
                    if self.journal.has_unsaved() {
                        warn!("restart or shut down with records not yet written");
                    }
                    if let Some(problem) = self.staff.act_on_power(action) {
                        self.problem(problem);
                    }
                }
                StaffEffect::Join(JoinEffect::ReadKey { url }) => self.jobs.read_hub_key(url),
                StaffEffect::Join(JoinEffect::Pair { url, code, key }) => {
                    info!("staff join the kiosk to the home's hub");
                    let pairing = Pairing { url, code, key };
                    let data_dir = self.paths.data_dir.clone();
                    self.jobs.join_home(data_dir, pairing, now.wall);
                }
                StaffEffect::Volume(step) => {
                    self.settings.step_volume(step);
                    // Said at the new volume, for staff to hear it.
                    let volume = self.settings.volume_now(now);
                    let utterance = Utterance {
                        text: format!("Volume {volume}"),
                        clip: None,
                        mode: SpeakMode::Interrupt,
                        cue: false,
                        volume: None,
                    };
                    self.say(utterance, now);
                }
            }
        }
    }

    /// The staff screen's view: its stage, the staff line, the volume, and
    /// how many mats were made on this kiosk today.
    pub fn staff_view(&self) -> StaffScreenView {
        let now = self.clock.now();
        let local = now.wall.with_timezone(&chrono::Local);
        let journal = self.journal.journal.as_ref();
        // Counted only while staff look: the screen asks for this often.
        let open = self.staff.screen.stage() == StaffStage::Open;
        let mats_today = journal
            .filter(|_| open)
            .and_then(|journal| journal.mats_since(local.date_naive()).ok())
            .unwrap_or(0);
        let plan_line = journal
            .filter(|_| open)
            .and_then(|journal| journal.plan_reached().ok())
            .map(|reached| {
                let last = reached.last_at.map(|at| {
                    let at = at.with_timezone(&chrono::Local);
                    if at.date_naive() == local.date_naive() {
                        at.format("%H:%M").to_string()
                    } else {
                        at.format("%a %-d %b %H:%M").to_string()
                    }
                });
                crate::core::staff_screen::plan_line(reached.waiting, last.as_deref())
            })
            .unwrap_or_default();
        let mut problems = self.flow.notices().to_vec();
        if self.clock.unset_for_ms().is_some() {
            problems.push(
                "The clock has not been set yet (no network time): mats are kept with the \
                 time counted from the last one known, and put right in the plan once it is set. \
                 Check the network."
                    .to_string(),
            );
        }
        StaffScreenView {
            screen: self.staff.screen.view(),
            problems,
            volume: self.settings.volume_now(now),
            mats_today,
            plan_line,
            web_address: self.staff.web_address.clone(),
            short_id: journal.map(|journal| journal.device_id().chars().take(8).collect()),
        }
    }

    /// The staff screen can turn the staff web app on and off with this.
    pub fn connect_staff_pages(&mut self, pages: Box<dyn StaffPages>) {
        self.staff.pages = Some(pages);
    }

    /// The staff screen can restart and shut down the machine with this.
    pub fn connect_power(&mut self, power: Box<dyn Power>) {
        self.staff.power = Some(power);
    }

    /// This kiosk serves the staff web app at `address`: the staff screen
    /// shows it.
    pub fn serving_staff_pages(&mut self, address: String) {
        self.staff.web_address = Some(address);
    }
}
