//! Big buttons wired to the Raspberry Pi's GPIO pins, active-low with the
//! internal pull-ups: a pressed button pulls its pin to ground.
//!
//! [`PinSource`] is the port: [`RppalPins`] reads real pins through `rppal`;
//! [`FakePins`] is fed by tests. A [`ButtonPanel`] turns raw pin edges into
//! [`Input`]s through the timing filter and the pin map; [`run_buttons`]
//! drives it on a thread of its own.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::access::filter::{Decision, SwitchFilter, TimingSettings};
use crate::access::AccessOutput;
use crate::core::{Event, Input, InputMethod, Step};

/// A raw change on one input pin, timed in milliseconds on the source's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinEdge {
    pub pin: u8,
    pub pressed: bool,
    pub at_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum GpioError {
    #[error("no GPIO on this machine: {0}")]
    Unavailable(String),
    #[error("GPIO pin {pin}: {reason}")]
    Pin { pin: u8, reason: String },
    #[error("the button source has stopped")]
    Closed,
}

/// What staff are told when the buttons cannot be opened, by the machine's
/// model (`/proc/device-tree/model`): on a Raspberry Pi the buttons should
/// be there, so staff must know the person cannot use them; elsewhere (a
/// laptop) there are none to miss.
pub fn buttons_problem(model: Option<&str>, error: &GpioError) -> Option<String> {
    let on_a_pi = model.is_some_and(|m| m.trim_start().starts_with("Raspberry Pi"));
    on_a_pi.then(|| {
        format!(
            "The buttons cannot be read ({error}): touch and keys still work. \
             Check the wiring, and that the sayso user is in the gpio group."
        )
    })
}

/// This machine's model as the device tree gives it, if it has one.
pub fn machine_model() -> Option<String> {
    std::fs::read_to_string("/proc/device-tree/model")
        .ok()
        .map(|m| m.trim_end_matches('\0').trim().to_string())
}

pub trait PinSource: Send {
    /// Waits up to `timeout` for the next edge.
    fn next_edge(&mut self, timeout: Duration) -> Result<Option<PinEdge>, GpioError>;
    /// Now, on the same clock as the edges.
    fn now_ms(&self) -> u64;
}

/// What a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Place the card under scale point N (0 = leftmost).
    Point(usize),
    /// Move the highlight.
    Switch1,
    /// Choose what is highlighted.
    Switch2,
    SayAgain,
}

impl Role {
    pub fn event(self) -> Event {
        match self {
            Role::Point(n) => Event::PlaceOn(n),
            Role::Switch1 => Event::MoveHighlight(Step::Forward),
            Role::Switch2 => Event::Select,
            Role::SayAgain => Event::SayAgain,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Role::Point(n) => format!("scale point {}", n + 1),
            Role::Switch1 => "switch 1 (move)".into(),
            Role::Switch2 => "switch 2 (select)".into(),
            Role::SayAgain => "say again".into(),
        }
    }
}

/// Which pin does what. The default is the wiring in `docs/hardware.md`; in
/// `access.toml` a `[pins]` table replaces it, e.g. `17 = "point-1"`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "std::collections::BTreeMap<String, String>")]
pub struct PinMap {
    pub pins: Vec<(u8, Role)>,
}

/// A `[pins]` table that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PinMapError {
    #[error("\"{0}\" is not a GPIO pin number")]
    NotAPin(String),
    #[error(
        "GPIO {pin}: \"{role}\" is not one of point-1 .. point-5, switch-1, switch-2, say-again"
    )]
    UnknownRole { pin: u8, role: String },
}

impl TryFrom<std::collections::BTreeMap<String, String>> for PinMap {
    type Error = PinMapError;

    fn try_from(table: std::collections::BTreeMap<String, String>) -> Result<PinMap, PinMapError> {
        let mut pins = Vec::new();
        for (pin, role) in table {
            let pin: u8 = pin.parse().map_err(|_| PinMapError::NotAPin(pin.clone()))?;
            let role = match role.as_str() {
                "switch-1" => Role::Switch1,
                "switch-2" => Role::Switch2,
                "say-again" => Role::SayAgain,
                point => match point
                    .strip_prefix("point-")
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    Some(n @ 1..=5) => Role::Point(n - 1),
                    _ => return Err(PinMapError::UnknownRole { pin, role }),
                },
            };
            pins.push((pin, role));
        }
        Ok(PinMap { pins })
    }
}

impl Default for PinMap {
    fn default() -> Self {
        PinMap {
            pins: vec![
                (17, Role::Point(0)),
                (27, Role::Point(1)),
                (22, Role::Point(2)),
                (23, Role::Switch1),
                (24, Role::Switch2),
                (25, Role::SayAgain),
            ],
        }
    }
}

impl PinMap {
    pub fn role(&self, pin: u8) -> Option<Role> {
        self.pins
            .iter()
            .find(|(p, _)| *p == pin)
            .map(|(_, role)| *role)
    }

    pub fn pin_numbers(&self) -> Vec<u8> {
        self.pins.iter().map(|(pin, _)| *pin).collect()
    }
}

/// Pin edges in, inputs out: the timing filter, then the pin map.
#[derive(Debug, Clone)]
pub struct ButtonPanel {
    map: PinMap,
    filter: SwitchFilter,
    long_hold: Event,
    pending: NewTiming,
}

/// Where the UI thread leaves the next person's timing settings for the
/// button thread, which takes them up as soon as no button is held.
#[derive(Debug, Clone, Default)]
pub struct NewTiming(Arc<Mutex<Option<TimingSettings>>>);

impl NewTiming {
    pub fn set(&self, settings: TimingSettings) {
        *self.0.lock().expect("timing settings lock") = Some(settings);
    }
}

impl ButtonPanel {
    pub fn new(map: PinMap, settings: TimingSettings) -> ButtonPanel {
        ButtonPanel {
            map,
            filter: SwitchFilter::new(settings),
            long_hold: Event::SayAgain,
            pending: NewTiming::default(),
        }
    }

    /// A handle to change the timing filter's settings from another thread.
    pub fn new_timing(&self) -> NewTiming {
        self.pending.clone()
    }

    fn take_up_new_timing(&mut self) {
        if !self.filter.is_idle() {
            return;
        }
        if let Some(settings) = self.pending.0.lock().expect("timing settings lock").take() {
            self.filter = SwitchFilter::new(settings);
        }
    }

    /// The filter's decisions for one edge, and what they make happen.
    pub fn edge(&mut self, edge: PinEdge) -> (Vec<Decision>, Vec<AccessOutput>) {
        if self.map.role(edge.pin).is_none() {
            return (Vec::new(), Vec::new());
        }
        self.take_up_new_timing();
        let decisions = self.filter.edge(edge.pin.into(), edge.pressed, edge.at_ms);
        let outputs = self.outputs(&decisions);
        (decisions, outputs)
    }

    pub fn tick(&mut self, now_ms: u64) -> (Vec<Decision>, Vec<AccessOutput>) {
        let decisions = self.filter.tick(now_ms);
        self.take_up_new_timing();
        let outputs = self.outputs(&decisions);
        (decisions, outputs)
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.filter.next_deadline()
    }

    fn outputs(&self, decisions: &[Decision]) -> Vec<AccessOutput> {
        decisions
            .iter()
            .filter_map(|decision| {
                let role =
                    |switch: u32| u8::try_from(switch).ok().and_then(|pin| self.map.role(pin));
                match *decision {
                    Decision::Accepted { switch, .. } => role(switch).map(|role| {
                        AccessOutput::Input(Input::new(role.event(), InputMethod::Gpio))
                    }),
                    Decision::LongHold { switch, .. } => role(switch).map(|_| {
                        AccessOutput::Input(Input::new(self.long_hold, InputMethod::Gpio))
                    }),
                    Decision::Stuck { switch, .. } => Some(AccessOutput::Warning(format!(
                        "Button on GPIO {switch} seems stuck down; it is ignored until it is let go"
                    ))),
                    _ => None,
                }
            })
            .collect()
    }
}

/// One turn of the button loop: the raw edge (if any), what the filter
/// decided, and what that makes happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonStep {
    pub edge: Option<PinEdge>,
    pub decisions: Vec<Decision>,
    pub outputs: Vec<AccessOutput>,
}

/// Reads edges and feeds the panel until the source closes, waking for the
/// filter's deadlines in between. Runs on a thread of its own.
pub fn run_buttons(
    mut source: Box<dyn PinSource>,
    mut panel: ButtonPanel,
    mut on_step: impl FnMut(ButtonStep),
) {
    loop {
        let now = source.now_ms();
        let wait = panel
            .next_deadline()
            .map_or(Duration::from_secs(1), |deadline| {
                Duration::from_millis(deadline.saturating_sub(now))
            });
        let (edge, (decisions, outputs)) = match source.next_edge(wait) {
            Ok(Some(edge)) => (Some(edge), panel.edge(edge)),
            Ok(None) => (None, panel.tick(source.now_ms())),
            Err(GpioError::Closed) => {
                // Settle what the filter was still timing, then stop.
                let (decisions, outputs) = panel.tick(source.now_ms());
                if !decisions.is_empty() {
                    on_step(ButtonStep {
                        edge: None,
                        decisions,
                        outputs,
                    });
                }
                return;
            }
            Err(e) => {
                let warning = AccessOutput::Warning(format!("Buttons stopped: {e}"));
                on_step(ButtonStep {
                    edge: None,
                    decisions: Vec::new(),
                    outputs: vec![warning],
                });
                return;
            }
        };
        if edge.is_some() || !decisions.is_empty() {
            on_step(ButtonStep {
                edge,
                decisions,
                outputs,
            });
        }
    }
}

/// Lines for the `sayso buttons` diagnostic: each raw edge with its pin and
/// time, and what the filter decided.
pub fn describe_step(step: &ButtonStep, map: &PinMap) -> Vec<String> {
    let name = |pin: u32| {
        let role = u8::try_from(pin).ok().and_then(|p| map.role(p));
        format!(
            "GPIO {pin} ({})",
            role.map_or("not in the pin map".into(), Role::describe)
        )
    };
    let time = |ms: u64| format!("{:>10.3} s", ms as f64 / 1000.0);
    let mut lines = Vec::new();
    if let Some(edge) = step.edge {
        let direction = if edge.pressed { "down" } else { "up" };
        lines.push(format!(
            "{}  {}  {direction}",
            time(edge.at_ms),
            name(edge.pin.into())
        ));
    }
    for decision in &step.decisions {
        lines.push(match *decision {
            Decision::Accepted {
                switch,
                at,
                held_ms,
            } => {
                format!(
                    "{}  {}  held {held_ms} ms: ACCEPTED",
                    time(at),
                    name(switch)
                )
            }
            Decision::LongHold {
                switch,
                at,
                held_ms,
            } => {
                format!(
                    "{}  {}  held {held_ms} ms: ACCEPTED as a long hold (say again)",
                    time(at),
                    name(switch)
                )
            }
            Decision::TooShort {
                switch,
                at,
                held_ms,
            } => {
                format!(
                    "{}  {}  held {held_ms} ms: ignored, shorter than the acceptance time",
                    time(at),
                    name(switch)
                )
            }
            Decision::TooSoon { switch, at } => {
                format!(
                    "{}  {}  ignored, too soon after the last press",
                    time(at),
                    name(switch)
                )
            }
            Decision::Stuck { switch, since } => {
                format!(
                    "{}  {}  STUCK: held too long, ignored until let go",
                    time(since),
                    name(switch)
                )
            }
            Decision::Unstuck { switch, at } => {
                format!("{}  {}  let go, works again", time(at), name(switch))
            }
        });
    }
    lines
}

/// Real pins, through `rppal`. Off a Raspberry Pi, [`RppalPins::open`] fails
/// with [`GpioError::Unavailable`] and the kiosk runs without buttons.
pub struct RppalPins {
    gpio: rppal::gpio::Gpio,
    pins: Vec<rppal::gpio::InputPin>,
    pending: VecDeque<PinEdge>,
}

impl RppalPins {
    pub fn open(pins: &[u8]) -> Result<RppalPins, GpioError> {
        let gpio = rppal::gpio::Gpio::new().map_err(|e| GpioError::Unavailable(e.to_string()))?;
        let mut inputs = Vec::new();
        for &pin in pins {
            let pin_error = |e: rppal::gpio::Error| GpioError::Pin {
                pin,
                reason: e.to_string(),
            };
            let mut input = gpio.get(pin).map_err(pin_error)?.into_input_pullup();
            // Debouncing is the filter's job, with the person's own settings.
            input
                .set_interrupt(rppal::gpio::Trigger::Both, None)
                .map_err(pin_error)?;
            inputs.push(input);
        }
        Ok(RppalPins {
            gpio,
            pins: inputs,
            pending: VecDeque::new(),
        })
    }
}

impl PinSource for RppalPins {
    fn next_edge(&mut self, timeout: Duration) -> Result<Option<PinEdge>, GpioError> {
        if let Some(edge) = self.pending.pop_front() {
            return Ok(Some(edge));
        }
        let pins: Vec<&rppal::gpio::InputPin> = self.pins.iter().collect();
        let event = self
            .gpio
            .poll_interrupts(&pins, false, Some(timeout))
            .map_err(|e| GpioError::Unavailable(e.to_string()))?;
        Ok(event.map(|(pin, event)| PinEdge {
            pin: pin.pin(),
            // Active-low: falling is a press.
            pressed: event.trigger == rppal::gpio::Trigger::FallingEdge,
            at_ms: event.timestamp.as_millis() as u64,
        }))
    }

    fn now_ms(&self) -> u64 {
        monotonic_ms()
    }
}

/// The kernel's monotonic clock, which GPIO edge timestamps use.
fn monotonic_ms() -> u64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let secs = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(now.tv_nsec).unwrap_or(0);
    secs * 1000 + nanos / 1_000_000
}

/// Pins for tests: edges are sent in; time is whatever the test says.
pub struct FakePins {
    edges: Receiver<PinEdge>,
    now: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The test's end of a [`FakePins`].
#[derive(Clone)]
pub struct FakePinsControl {
    edges: Sender<PinEdge>,
    now: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl FakePins {
    pub fn new() -> (FakePins, FakePinsControl) {
        let (sender, receiver) = mpsc::channel();
        let now = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        (
            FakePins {
                edges: receiver,
                now: now.clone(),
            },
            FakePinsControl { edges: sender, now },
        )
    }
}

impl FakePinsControl {
    /// A button goes down (`pressed`) or up at `at_ms`; the fake clock moves there.
    pub fn edge(&self, pin: u8, pressed: bool, at_ms: u64) {
        self.now
            .fetch_max(at_ms, std::sync::atomic::Ordering::SeqCst);
        let _ = self.edges.send(PinEdge {
            pin,
            pressed,
            at_ms,
        });
    }

    /// A press held for `held_ms`, starting at `at_ms`.
    pub fn press(&self, pin: u8, at_ms: u64, held_ms: u64) {
        self.edge(pin, true, at_ms);
        self.edge(pin, false, at_ms + held_ms);
    }

    pub fn set_now(&self, now_ms: u64) {
        self.now
            .fetch_max(now_ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl PinSource for FakePins {
    fn next_edge(&mut self, timeout: Duration) -> Result<Option<PinEdge>, GpioError> {
        match self
            .edges
            .recv_timeout(timeout.min(Duration::from_millis(20)))
        {
            Ok(edge) => Ok(Some(edge)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(GpioError::Closed),
        }
    }

    fn now_ms(&self) -> u64 {
        self.now.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_hear_of_buttons_that_cannot_be_read_on_a_pi_and_not_on_a_laptop() {
        let error = GpioError::Unavailable("Permission denied".into());
        let said = buttons_problem(Some("Raspberry Pi 4 Model B Rev 1.5"), &error)
            .expect("a Pi should have its buttons");
        assert!(said.contains("Permission denied") && said.contains("gpio group"));
        assert_eq!(buttons_problem(None, &error), None);
        assert_eq!(buttons_problem(Some("QEMU Virtual Machine"), &error), None);
    }

    fn panel() -> ButtonPanel {
        ButtonPanel::new(PinMap::default(), TimingSettings::default())
    }

    fn inputs(outputs: Vec<AccessOutput>) -> Vec<Event> {
        outputs
            .into_iter()
            .filter_map(|o| match o {
                AccessOutput::Input(input) => Some(input.event),
                AccessOutput::Warning(_) => None,
            })
            .collect()
    }

    fn press(panel: &mut ButtonPanel, pin: u8, at: u64, held: u64) -> Vec<Event> {
        let mut out = panel
            .edge(PinEdge {
                pin,
                pressed: true,
                at_ms: at,
            })
            .1;
        out.extend(panel.tick(at + 30).1);
        out.extend(
            panel
                .edge(PinEdge {
                    pin,
                    pressed: false,
                    at_ms: at + held,
                })
                .1,
        );
        out.extend(panel.tick(at + held + 30).1);
        inputs(out)
    }

    #[test]
    fn a_new_persons_timing_is_taken_up_between_presses_never_in_one() {
        let mut panel = panel();
        let timing = panel.new_timing();
        assert_eq!(press(&mut panel, 17, 1000, 150), [Event::PlaceOn(0)]);
        // The next person needs a press held for half a second to count.
        let firm = TimingSettings {
            acceptance_ms: 500,
            ..TimingSettings::default()
        };
        // Set while a button is down: the press under way keeps the old timing.
        let mut out = panel
            .edge(PinEdge {
                pin: 27,
                pressed: true,
                at_ms: 2000,
            })
            .1;
        timing.set(firm);
        out.extend(panel.tick(2030).1);
        out.extend(
            panel
                .edge(PinEdge {
                    pin: 27,
                    pressed: false,
                    at_ms: 2150,
                })
                .1,
        );
        out.extend(panel.tick(2180).1);
        assert_eq!(inputs(out), [Event::PlaceOn(1)]);
        // From the next press on, the new timing.
        assert!(press(&mut panel, 22, 4000, 150).is_empty(), "too short now");
        assert_eq!(press(&mut panel, 22, 6000, 700), [Event::PlaceOn(2)]);
    }

    #[test]
    fn each_default_pin_does_its_job() {
        let mut panel = panel();
        assert_eq!(press(&mut panel, 17, 1000, 150), [Event::PlaceOn(0)]);
        assert_eq!(press(&mut panel, 27, 2000, 150), [Event::PlaceOn(1)]);
        assert_eq!(press(&mut panel, 22, 3000, 150), [Event::PlaceOn(2)]);
        assert_eq!(
            press(&mut panel, 23, 4000, 150),
            [Event::MoveHighlight(Step::Forward)]
        );
        assert_eq!(press(&mut panel, 24, 5000, 150), [Event::Select]);
        assert_eq!(press(&mut panel, 25, 6000, 150), [Event::SayAgain]);
    }

    #[test]
    fn a_long_hold_says_again_and_unknown_pins_do_nothing() {
        let mut panel = panel();
        assert_eq!(press(&mut panel, 17, 1000, 2500), [Event::SayAgain]);
        assert!(press(&mut panel, 5, 6000, 150).is_empty());
    }

    #[test]
    fn a_stuck_button_warns_staff() {
        let mut panel = panel();
        panel.edge(PinEdge {
            pin: 22,
            pressed: true,
            at_ms: 1000,
        });
        let (_, outputs) = panel.tick(12_000);
        assert!(
            matches!(&outputs[..], [AccessOutput::Warning(w)] if w.contains("GPIO 22") && w.contains("stuck"))
        );
    }

    #[test]
    fn the_diagnostic_shows_each_edge_and_why_it_counted_or_not() {
        let (source, control) = FakePins::new();
        control.press(17, 1000, 150); // a real press
        control.press(27, 1200, 40); // too soon after it, and too short
        control.press(27, 3000, 30); // a tremor
        control.set_now(5000);
        let map = PinMap::default();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let collected = lines.clone();
        let runner = std::thread::spawn(move || {
            run_buttons(
                Box::new(source),
                ButtonPanel::new(map.clone(), TimingSettings::default()),
                |step| {
                    collected.lock().unwrap().extend(describe_step(&step, &map));
                },
            )
        });
        // Edges already sent are read before the source reports it closed.
        drop(control);
        runner.join().unwrap();
        let text = lines.lock().unwrap().join("\n");
        assert!(
            text.contains("1.000 s  GPIO 17 (scale point 1)  down"),
            "{text}"
        );
        assert!(
            text.contains("GPIO 17 (scale point 1)  held 150 ms: ACCEPTED"),
            "{text}"
        );
        assert!(
            text.contains("GPIO 27 (scale point 2)  ignored, too soon after the last press"),
            "{text}"
        );
        assert!(
            text.contains(
                "GPIO 27 (scale point 2)  held 30 ms: ignored, shorter than the acceptance time"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_pin_map_can_be_written_in_plain_words() {
        let table: std::collections::BTreeMap<String, String> =
            [("5", "switch-1"), ("6", "point-3")]
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect();
        assert_eq!(
            PinMap::try_from(table).unwrap().pins,
            [(5, Role::Switch1), (6, Role::Point(2))]
        );
        let bad: std::collections::BTreeMap<String, String> =
            [("5".to_string(), "point-9".to_string())].into();
        assert!(PinMap::try_from(bad)
            .unwrap_err()
            .to_string()
            .contains("point-9"));
    }

    #[test]
    fn off_a_pi_gpio_is_unavailable_not_a_panic() {
        if std::path::Path::new("/dev/gpiochip0").exists() {
            return; // on a Pi: real pins, nothing to prove here
        }
        assert!(matches!(
            RppalPins::open(&[17]),
            Err(GpioError::Unavailable(_))
        ));
    }
}
