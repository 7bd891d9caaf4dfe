//! The way into the kiosk's staff screen, and the screen's own state: a
//! press held for three seconds on the top bar's right-hand corner (no key,
//! switch or scan can make one), then a PIN on a keypad. Wrong PINs lock
//! the door for longer each time; the staff screen closes by itself after a
//! minute untouched. While it is open, or while staff have paused the
//! kiosk, the person's presses do nothing.
//!
//! No I/O: the shell checks a PIN against the plan's accounts and carries
//! out what the effects say.

use super::join_home::{
    JoinEffect, JoinHome, JoinInput, JoinTrouble, JoinView, JoinedHome, SeenKey,
};
use super::time::Mono;

/// How long the corner must be held.
pub const HOLD_MS: u64 = 3_000;
/// The staff screen closes after this long untouched.
pub const IDLE_MS: u64 = 60_000;
/// Wrong PINs allowed before the door locks.
pub const FREE_TRIES: u32 = 5;
const FIRST_LOCK_MS: u64 = 60_000;
const LONGEST_LOCK_MS: u64 = 60 * 60_000;
const LONGEST_PIN: usize = 8;
const SHORTEST_PIN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffStage {
    #[default]
    Closed,
    /// The keypad.
    Pin,
    Open,
}

/// What staff do, by touch only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffInput {
    CornerPressed,
    CornerReleased,
    Digit(u8),
    EraseDigit,
    EnterPin,
    Close,
    TogglePause,
    /// The next mat is a practice mat (or, again, not).
    TogglePractice,
    VolumeUp,
    VolumeDown,
    /// Turn the staff web app on, or off.
    ToggleWebApp,
    /// Restart or shut down the device: asked again first.
    Ask(PowerAction),
    /// Yes, restart (or shut down).
    Confirm,
    /// No: back to the staff screen.
    Cancel,
    /// "Join a home": pair this kiosk with the home's hub.
    JoinHome,
    /// On the joining screen.
    Join(JoinInput),
}

/// Restarting or shutting down the device, from the staff screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    Restart,
    ShutDown,
}

/// What the shell found for a PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// A staff member's PIN: their name.
    Right(String),
    Wrong,
    /// Nobody has a PIN yet.
    NoneSet,
    /// The support plan, where the PINs are, cannot be read.
    CannotCheck,
    /// The home's hub, where the PINs are, cannot be reached, and this
    /// kiosk keeps none of its own.
    HubUnreached,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffEffect {
    /// Check this PIN; answer with [`StaffScreen::pin_checked`].
    CheckPin(String),
    /// The kiosk is paused (the person's screen says so), or carries on.
    Paused(bool),
    /// Turn the voice up (+) or down (−) a step.
    Volume(i8),
    /// Turn the staff web app on if it is off, off if it is on.
    ToggleWebApp,
    /// Restart or shut down the device, now (staff said yes).
    Power(PowerAction),
    /// Reach the home's hub, as joining it needs.
    Join(JoinEffect),
}

/// What the staff screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffView {
    pub stage: StaffStage,
    /// Digits typed so far (shown as dots).
    pub pin_length: usize,
    pub message: String,
    /// Who opened it.
    pub staff_name: String,
    pub paused: bool,
    /// The next mat begun is a practice mat, not counted.
    pub practice_next: bool,
    /// Restart or shut down, waiting for a yes.
    pub asking: Option<PowerAction>,
    /// Joining the home's hub, while staff do.
    pub joining: Option<JoinView>,
}

#[derive(Debug, Clone, Default)]
pub struct StaffScreen {
    stage: StaffStage,
    pin: String,
    checking: bool,
    message: String,
    staff_name: String,
    wrong: u32,
    locked_until: Option<Mono>,
    corner_since: Option<Mono>,
    last_touch: Option<Mono>,
    paused: bool,
    practice_next: bool,
    asking: Option<PowerAction>,
    joining: Option<JoinHome>,
}

impl StaffScreen {
    /// Whether the person's presses go to their screen: not while staff
    /// are at the kiosk or have paused it.
    pub fn lets_person_through(&self) -> bool {
        self.stage == StaffStage::Closed && !self.paused
    }

    pub fn stage(&self) -> StaffStage {
        self.stage
    }

    /// A mat begins: whether staff said it is a practice mat (said once,
    /// for that mat only).
    pub fn take_practice(&mut self) -> bool {
        std::mem::take(&mut self.practice_next)
    }

    pub fn input(&mut self, input: StaffInput, now: Mono) -> Vec<StaffEffect> {
        if self.stage != StaffStage::Closed {
            self.last_touch = Some(now);
        }
        match (self.stage, input) {
            (_, StaffInput::CornerPressed) => {
                self.corner_since = Some(now);
                Vec::new()
            }
            (_, StaffInput::CornerReleased) => {
                // Held long enough is seen by the tick, even without a release.
                self.open_if_held(now);
                self.corner_since = None;
                Vec::new()
            }
            (StaffStage::Pin, StaffInput::Digit(digit)) if digit < 10 && !self.checking => {
                if self.pin.len() < LONGEST_PIN {
                    self.pin.push(char::from(b'0' + digit));
                }
                self.message.clear();
                Vec::new()
            }
            (StaffStage::Pin, StaffInput::EraseDigit) if !self.checking => {
                self.pin.pop();
                Vec::new()
            }
            (StaffStage::Pin, StaffInput::EnterPin) if !self.checking => self.enter_pin(now),
            (StaffStage::Pin | StaffStage::Open, StaffInput::Close) => {
                self.close();
                Vec::new()
            }
            (StaffStage::Open, StaffInput::TogglePause) => {
                self.paused = !self.paused;
                vec![StaffEffect::Paused(self.paused)]
            }
            (StaffStage::Open, StaffInput::TogglePractice) => {
                self.practice_next = !self.practice_next;
                Vec::new()
            }
            (StaffStage::Open, StaffInput::VolumeUp) => vec![StaffEffect::Volume(1)],
            (StaffStage::Open, StaffInput::VolumeDown) => vec![StaffEffect::Volume(-1)],
            (StaffStage::Open, StaffInput::ToggleWebApp) => vec![StaffEffect::ToggleWebApp],
            (StaffStage::Open, StaffInput::Ask(action)) => {
                self.asking = Some(action);
                Vec::new()
            }
            (StaffStage::Open, StaffInput::Cancel) => {
                self.asking = None;
                Vec::new()
            }
            (StaffStage::Open, StaffInput::Confirm) => match self.asking.take() {
                Some(action) => vec![StaffEffect::Power(action)],
                None => Vec::new(),
            },
            (StaffStage::Open, StaffInput::JoinHome) => {
                self.joining = Some(JoinHome::default());
                Vec::new()
            }
            (StaffStage::Open, StaffInput::Join(input)) => {
                let Some(joining) = &mut self.joining else {
                    return Vec::new();
                };
                let (effects, stays) = joining.input(input);
                if !stays {
                    self.joining = None;
                }
                effects.into_iter().map(StaffEffect::Join).collect()
            }
            _ => Vec::new(),
        }
    }

    fn enter_pin(&mut self, now: Mono) -> Vec<StaffEffect> {
        if let Some(until) = self.locked_until.filter(|until| now < *until) {
            let minutes = until.since(now).div_ceil(60_000);
            self.message = format!(
                "Too many wrong PINs. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            );
            self.pin.clear();
            return Vec::new();
        }
        if self.pin.len() < SHORTEST_PIN {
            self.message = format!("A PIN has {SHORTEST_PIN} to {LONGEST_PIN} digits.");
            return Vec::new();
        }
        self.checking = true;
        self.message = "Checking…".to_string();
        vec![StaffEffect::CheckPin(std::mem::take(&mut self.pin))]
    }

    /// The shell's answer to [`StaffEffect::CheckPin`].
    pub fn pin_checked(&mut self, check: PinCheck, now: Mono) {
        self.checking = false;
        if self.stage != StaffStage::Pin {
            return;
        }
        self.last_touch = Some(now);
        match check {
            PinCheck::Right(name) => {
                self.wrong = 0;
                self.locked_until = None;
                self.message.clear();
                self.staff_name = name;
                self.stage = StaffStage::Open;
            }
            PinCheck::CannotCheck => {
                self.message = "The PIN cannot be checked: the support plan cannot be read \
                                (see the log)."
                    .to_string();
            }
            PinCheck::HubUnreached => {
                self.message = "The PIN cannot be checked: the home's hub cannot be reached, \
                                and this kiosk keeps no PINs of its own. Check the network and \
                                that the hub is on."
                    .to_string();
            }
            PinCheck::NoneSet => {
                self.message = "No PIN is set up yet: set yours on the staff web app, under \
                                “Your account”."
                    .to_string();
            }
            PinCheck::Wrong => {
                self.wrong += 1;
                if self.wrong >= FREE_TRIES {
                    let doublings = (self.wrong - FREE_TRIES).min(6);
                    let lock = (FIRST_LOCK_MS << doublings).min(LONGEST_LOCK_MS);
                    self.locked_until = Some(now.after_millis(lock));
                    self.message = format!(
                        "That PIN is not right. Too many wrong PINs: wait {} minute{}.",
                        lock / 60_000,
                        if lock == 60_000 { "" } else { "s" }
                    );
                } else {
                    self.message = "That PIN is not right.".to_string();
                }
            }
        }
    }

    /// The shell's answer to [`JoinEffect::ReadKey`].
    pub fn hub_key_seen(&mut self, seen: Result<SeenKey, JoinTrouble>, now: Mono) {
        if let Some(joining) = &mut self.joining {
            joining.key_seen(seen);
            self.last_touch = Some(now);
        }
    }

    /// The shell's answer to [`JoinEffect::Pair`].
    pub fn hub_joined(&mut self, outcome: Result<JoinedHome, JoinTrouble>, now: Mono) {
        if let Some(joining) = &mut self.joining {
            joining.joined(outcome);
            self.last_touch = Some(now);
        }
    }

    /// Time passing: the corner held long enough opens the keypad; an
    /// untouched staff screen closes. True if what is shown changed.
    pub fn tick(&mut self, now: Mono) -> bool {
        let before = self.stage;
        self.open_if_held(now);
        let idle = self
            .last_touch
            .is_some_and(|touched| now.since(touched) >= IDLE_MS);
        let waiting = self.checking || self.joining.as_ref().is_some_and(JoinHome::waiting);
        if self.stage != StaffStage::Closed && idle && !waiting {
            self.close();
        }
        self.stage != before
    }

    fn open_if_held(&mut self, now: Mono) {
        let held = self
            .corner_since
            .is_some_and(|since| now.since(since) >= HOLD_MS);
        if held && self.stage == StaffStage::Closed {
            self.corner_since = None;
            self.stage = StaffStage::Pin;
            self.pin.clear();
            self.message.clear();
            self.last_touch = Some(now);
        }
    }

    fn close(&mut self) {
        self.stage = StaffStage::Closed;
        self.pin.clear();
        self.message.clear();
        self.staff_name.clear();
        self.corner_since = None;
        self.last_touch = None;
        self.asking = None;
        self.joining = None;
    }

    pub fn view(&self) -> StaffView {
        StaffView {
            stage: self.stage,
            pin_length: self.pin.len(),
            message: self.message.clone(),
            staff_name: self.staff_name.clone(),
            paused: self.paused,
            practice_next: self.practice_next,
            asking: self.asking,
            joining: self.joining.as_ref().map(JoinHome::view),
        }
    }
}

/// The staff screen's line about the support plan: how many mats are
/// saved on this kiosk only, and when a sync last reached the plan
/// (`last_reached`, as staff read the time).
pub fn plan_line(waiting: i64, last_reached: Option<&str>) -> String {
    let mats = if waiting == 1 {
        "1 mat saved on this kiosk has".to_string()
    } else {
        format!("{waiting} mats saved on this kiosk have")
    };
    match (waiting, last_reached) {
        (0, Some(at)) => format!("Every mat saved here is in the support plan (last sync {at})."),
        (0, None) => "No mat saved here is waiting for the support plan.".to_string(),
        (_, Some(at)) => {
            format!("{mats} not reached the support plan yet (last reached at {at}).")
        }
        (_, None) => format!("{mats} not reached the support plan yet (never reached from here)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Mono {
        Mono(ms)
    }

    fn open_keypad(door: &mut StaffScreen) {
        door.input(StaffInput::CornerPressed, at(0));
        assert!(!door.tick(at(HOLD_MS - 1)), "not before three seconds");
        assert!(door.tick(at(HOLD_MS)));
        assert_eq!(door.stage(), StaffStage::Pin);
    }

    fn type_pin(door: &mut StaffScreen, pin: &str, now: Mono) -> Vec<StaffEffect> {
        for digit in pin.bytes() {
            door.input(StaffInput::Digit(digit - b'0'), now);
        }
        door.input(StaffInput::EnterPin, now)
    }

    #[test]
    fn a_short_press_on_the_corner_does_nothing_and_a_long_one_opens_the_keypad() {
        let mut door = StaffScreen::default();
        door.input(StaffInput::CornerPressed, at(0));
        door.input(StaffInput::CornerReleased, at(2_900));
        door.tick(at(10_000));
        assert_eq!(door.stage(), StaffStage::Closed);
        assert!(door.lets_person_through());
        open_keypad(&mut door);
        assert!(!door.lets_person_through(), "the mat waits underneath");
    }

    #[test]
    fn the_right_pin_opens_the_staff_screen_and_a_minute_untouched_closes_it() {
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        let effects = type_pin(&mut door, "4821", at(5_000));
        assert_eq!(effects, [StaffEffect::CheckPin("4821".into())]);
        assert_eq!(door.view().pin_length, 0, "the PIN is not kept");
        door.pin_checked(PinCheck::Right("Jo".into()), at(5_100));
        assert_eq!(door.stage(), StaffStage::Open);
        assert_eq!(door.view().staff_name, "Jo");
        assert!(!door.tick(at(5_100 + IDLE_MS - 1)));
        assert!(door.tick(at(5_100 + IDLE_MS)));
        assert_eq!(door.stage(), StaffStage::Closed);
        assert_eq!(door.view().staff_name, "");
    }

    #[test]
    fn five_wrong_pins_lock_the_door_for_a_minute_then_longer_each_time() {
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        for n in 1..=FREE_TRIES {
            type_pin(&mut door, "1111", at(4_000));
            door.pin_checked(PinCheck::Wrong, at(4_000));
            assert_eq!(
                n == FREE_TRIES,
                door.view().message.contains("wait 1 minute")
            );
        }
        // Locked: even the right PIN is not checked.
        assert!(type_pin(&mut door, "4821", at(30_000)).is_empty());
        assert!(door.view().message.contains("Try again in 1 minute"));
        let after = 4_000 + 60_000;
        assert_eq!(type_pin(&mut door, "1111", at(after)).len(), 1);
        door.pin_checked(PinCheck::Wrong, at(after));
        assert!(door.view().message.contains("wait 2 minutes"), "doubled");
        assert!(type_pin(&mut door, "4821", at(after + 119_000)).is_empty());
        assert_eq!(type_pin(&mut door, "4821", at(after + 120_000)).len(), 1);
        door.pin_checked(PinCheck::Right("Jo".into()), at(after + 120_000));
        assert_eq!(door.stage(), StaffStage::Open);
    }

    #[test]
    fn pause_stops_the_persons_presses_until_staff_carry_on() {
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        type_pin(&mut door, "4821", at(4_000));
        door.pin_checked(PinCheck::Right("Jo".into()), at(4_000));
        assert_eq!(
            door.input(StaffInput::TogglePause, at(5_000)),
            [StaffEffect::Paused(true)]
        );
        door.input(StaffInput::Close, at(6_000));
        assert_eq!(door.stage(), StaffStage::Closed);
        assert!(!door.lets_person_through(), "paused");
        assert!(door.view().paused);
        open_keypad(&mut door);
        type_pin(&mut door, "4821", at(10_000));
        door.pin_checked(PinCheck::Right("Jo".into()), at(10_000));
        door.input(StaffInput::TogglePause, at(11_000));
        door.input(StaffInput::Close, at(11_000));
        assert!(door.lets_person_through());
    }

    #[test]
    fn without_any_pin_set_the_keypad_says_where_to_set_one() {
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        type_pin(&mut door, "12", at(4_000));
        assert!(door.view().message.contains("4 to 8 digits"));
        type_pin(&mut door, "34", at(4_000));
        door.pin_checked(PinCheck::NoneSet, at(4_100));
        assert_eq!(door.stage(), StaffStage::Pin);
        assert!(door.view().message.contains("Your account"));
    }

    #[test]
    fn restart_and_shut_down_are_asked_again_and_only_a_yes_does_them() {
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        type_pin(&mut door, "4821", at(HOLD_MS));
        door.pin_checked(PinCheck::Right("Jo".into()), at(HOLD_MS));
        assert_eq!(door.stage(), StaffStage::Open);
        let now = at(HOLD_MS + 10);
        assert!(door
            .input(StaffInput::Ask(PowerAction::Restart), now)
            .is_empty());
        assert_eq!(door.view().asking, Some(PowerAction::Restart));
        assert!(door.input(StaffInput::Cancel, now).is_empty());
        assert_eq!(door.view().asking, None);
        assert!(
            door.input(StaffInput::Confirm, now).is_empty(),
            "nothing asked"
        );
        door.input(StaffInput::Ask(PowerAction::ShutDown), now);
        assert_eq!(
            door.input(StaffInput::Confirm, now),
            vec![StaffEffect::Power(PowerAction::ShutDown)]
        );
        assert_eq!(
            door.input(StaffInput::ToggleWebApp, now),
            vec![StaffEffect::ToggleWebApp]
        );
        // Closed, nothing is asked any more, and nothing reaches them.
        door.input(StaffInput::Ask(PowerAction::Restart), now);
        door.input(StaffInput::Close, now);
        assert_eq!(door.view().asking, None);
        assert!(door.input(StaffInput::Confirm, now).is_empty());
        assert!(door.input(StaffInput::ToggleWebApp, now).is_empty());
    }

    #[test]
    fn joining_a_home_waits_for_the_hub_but_not_for_staff_who_walked_away() {
        use crate::core::join_home::{JoinEffect, JoinInput, JoinStage};
        let mut door = StaffScreen::default();
        open_keypad(&mut door);
        type_pin(&mut door, "4821", at(HOLD_MS));
        door.pin_checked(PinCheck::Right("Jo".into()), at(HOLD_MS));
        door.input(StaffInput::JoinHome, at(4_000));
        for key in "hub".chars().chain(['\n']) {
            let input = if key == '\n' {
                JoinInput::Next
            } else {
                JoinInput::Key(key)
            };
            door.input(StaffInput::Join(input), at(4_000));
        }
        for key in "ABCD2345WXYZ".chars() {
            door.input(StaffInput::Join(JoinInput::Key(key)), at(4_000));
        }
        let effects = door.input(StaffInput::Join(JoinInput::Next), at(4_000));
        assert!(matches!(
            effects.as_slice(),
            [StaffEffect::Join(JoinEffect::ReadKey { .. })]
        ));
        assert!(!door.tick(at(4_000 + IDLE_MS * 2)), "the hub is awaited");
        door.hub_key_seen(
            Err(JoinTrouble::Unreached("cannot connect".into())),
            at(4_000 + IDLE_MS * 2),
        );
        let joining = door.view().joining.expect("still joining");
        assert_eq!(joining.stage, JoinStage::Address);
        assert!(
            door.tick(at(4_000 + IDLE_MS * 3)),
            "then it closes by itself"
        );
        assert_eq!(door.view().joining, None);
    }

    #[test]
    fn the_plan_line_tells_saved_here_from_reached_the_plan() {
        assert_eq!(
            plan_line(0, Some("14:02")),
            "Every mat saved here is in the support plan (last sync 14:02)."
        );
        assert_eq!(
            plan_line(3, Some("Tue 14:02")),
            "3 mats saved on this kiosk have not reached the support plan yet (last reached at Tue 14:02)."
        );
        assert!(plan_line(1, None).starts_with("1 mat saved on this kiosk has not reached"));
    }
}
