//! One-switch auto scanning: the highlight moves by itself at a set rate, and
//! the one switch chooses what it is on. Pure: driven by `now` in
//! milliseconds, it says when the highlight should move and what a press
//! means; the session moves the highlight and speaks the cues.

use serde::Deserialize;

use crate::core::{Event, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScanStart {
    /// Scanning waits for a press, and pauses after each choice.
    OnPress,
    /// Scanning starts by itself, and again after each choice.
    Automatically,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AutoScanSettings {
    /// How long the highlight stays on each choice.
    pub rate_ms: u64,
    /// Full rounds of the choices before scanning pauses; a press restarts it.
    pub loops_before_pause: u32,
    pub start: ScanStart,
}

impl Default for AutoScanSettings {
    fn default() -> Self {
        AutoScanSettings {
            rate_ms: 1500,
            loops_before_pause: 3,
            start: ScanStart::OnPress,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AutoScanner {
    settings: AutoScanSettings,
    /// When the highlight moves next, while scanning.
    next_step_at: Option<u64>,
    steps: u32,
}

impl AutoScanner {
    pub fn new(settings: AutoScanSettings, now: u64) -> AutoScanner {
        let mut scanner = AutoScanner {
            settings,
            next_step_at: None,
            steps: 0,
        };
        if settings.start == ScanStart::Automatically {
            scanner.next_step_at = Some(now);
        }
        scanner
    }

    pub fn is_scanning(&self) -> bool {
        self.next_step_at.is_some()
    }

    /// The switch was pressed: choose what is highlighted, or (when paused)
    /// start scanning with the first step.
    pub fn press(&mut self, now: u64) -> Vec<Event> {
        if self.is_scanning() && self.steps > 0 {
            self.after_choice(now);
            return vec![Event::Select];
        }
        self.steps = 1;
        self.next_step_at = Some(now + self.settings.rate_ms);
        vec![Event::MoveHighlight(Step::Forward)]
    }

    /// Moves the highlight when its time has come. `choices` is how many
    /// things the highlight can be on right now.
    pub fn tick(&mut self, now: u64, choices: usize) -> Vec<Event> {
        let mut events = Vec::new();
        let rounds = self.settings.loops_before_pause.max(1) * choices.max(1) as u32;
        while let Some(at) = self.next_step_at.filter(|at| *at <= now) {
            if self.steps >= rounds {
                // Paused: the ring comes off, so nothing looks about to
                // be chosen (least of all "Back").
                self.next_step_at = None;
                self.steps = 0;
                events.push(Event::MoveHighlight(Step::Off));
                break;
            }
            self.steps += 1;
            self.next_step_at = Some(at + self.settings.rate_ms);
            events.push(Event::MoveHighlight(Step::Forward));
        }
        events
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.next_step_at
    }

    fn after_choice(&mut self, now: u64) {
        self.steps = 0;
        self.next_step_at = match self.settings.start {
            // Give the answer time to be heard before the highlight moves on.
            ScanStart::Automatically => Some(now + self.settings.rate_ms),
            ScanStart::OnPress => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOVE: Event = Event::MoveHighlight(Step::Forward);

    fn settings(start: ScanStart) -> AutoScanSettings {
        AutoScanSettings {
            rate_ms: 1000,
            loops_before_pause: 2,
            start,
        }
    }

    /// Ticks every 100 ms from `from` to `to`, returning (time, event).
    fn run(scanner: &mut AutoScanner, from: u64, to: u64, choices: usize) -> Vec<(u64, Event)> {
        (from..=to)
            .step_by(100)
            .flat_map(|now| {
                scanner
                    .tick(now, choices)
                    .into_iter()
                    .map(move |e| (now, e))
            })
            .collect()
    }

    #[test]
    fn scanning_on_press_waits_then_moves_at_the_rate_and_pauses_after_its_loops() {
        let mut scanner = AutoScanner::new(settings(ScanStart::OnPress), 0);
        assert!(
            run(&mut scanner, 0, 5000, 3).is_empty(),
            "waits for a press"
        );
        assert_eq!(scanner.press(5000), [MOVE]);
        let moves = run(&mut scanner, 5100, 20_000, 3);
        let times: Vec<u64> = moves.iter().map(|(t, _)| *t).collect();
        // 2 loops of 3 choices: the press made the first step, 5 more
        // follow; then the ring comes off.
        assert_eq!(times, [6000, 7000, 8000, 9000, 10_000, 11_000]);
        assert!(moves[..5].iter().all(|(_, e)| *e == MOVE));
        assert_eq!(moves[5].1, Event::MoveHighlight(Step::Off));
        assert!(!scanner.is_scanning(), "paused after two loops");
        assert_eq!(scanner.press(20_000), [MOVE], "a press restarts it");
    }

    #[test]
    fn a_press_while_scanning_chooses_and_on_press_scanning_then_waits() {
        let mut scanner = AutoScanner::new(settings(ScanStart::OnPress), 0);
        scanner.press(0);
        run(&mut scanner, 100, 1000, 3);
        assert_eq!(scanner.press(1500), [Event::Select]);
        assert!(run(&mut scanner, 1600, 9000, 3).is_empty());
    }

    #[test]
    fn automatic_scanning_starts_by_itself_and_again_after_a_choice() {
        let mut scanner = AutoScanner::new(settings(ScanStart::Automatically), 0);
        assert_eq!(
            run(&mut scanner, 0, 2000, 4).len(),
            3,
            "at 0, 1000 and 2000 ms"
        );
        assert_eq!(scanner.press(2500), [Event::Select]);
        let after: Vec<u64> = run(&mut scanner, 2600, 5000, 4)
            .iter()
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(after, [3500, 4500], "a pause to hear the answer, then on");
    }
}
