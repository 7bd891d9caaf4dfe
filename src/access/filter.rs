//! The switch timing filter: the standard AAC settings that keep tremor,
//! bounce, repeated presses and stuck switches from turning into choices the
//! person did not make.
//!
//! Pure code, driven by raw edges and `now` (milliseconds on any monotonic
//! clock): [`SwitchFilter::edge`] for each raw press or release,
//! [`SwitchFilter::tick`] when [`SwitchFilter::next_deadline`] comes. The loop
//! that waits lives outside, so every setting is testable to the millisecond.
//!
//! The rules, in plain words (these are what `docs/hardware.md` tells staff):
//! - **debounce**: a switch must stay pressed (or let go) this long before
//!   the change counts; contact bounce shorter than this is ignored;
//! - **acceptance time**: a press counts only if it is held at least this
//!   long; shorter touches (a tremor, a brush) are ignored;
//! - a press counts **when it is let go**, so a switch that sticks down never
//!   makes a choice;
//! - **long hold**: a press held at least this long does the long-hold action
//!   (by default "say again") instead of its own;
//! - **post-acceptance delay**: after a press counts, presses that start
//!   within this time are ignored, on every switch (a bounce of the hand);
//! - **stuck switch**: a press held longer than this limit is ignored until
//!   the switch is let go, and staff are warned.

use std::collections::BTreeMap;

/// Which switch: a GPIO pin number, or a key's index in the key map.
pub type SwitchId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimingSettings {
    pub debounce_ms: u64,
    pub acceptance_ms: u64,
    pub post_acceptance_ms: u64,
    /// `None`: no long-hold action; a long press is an ordinary press.
    pub long_hold_ms: Option<u64>,
    pub stuck_after_ms: u64,
}

impl Default for TimingSettings {
    /// Suits most people with big buttons: firm enough to ignore a brush or
    /// a bounce, quick enough not to tire anyone.
    fn default() -> Self {
        TimingSettings {
            debounce_ms: 20,
            acceptance_ms: 60,
            post_acceptance_ms: 250,
            long_hold_ms: Some(2000),
            stuck_after_ms: 10_000,
        }
    }
}

/// What the filter made of a press. Every raw press ends in exactly one of
/// these, so the `sayso buttons` diagnostic can show why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A press that counts: do the switch's own action.
    Accepted {
        switch: SwitchId,
        at: u64,
        held_ms: u64,
    },
    /// A press held past the long-hold time: do the long-hold action.
    LongHold {
        switch: SwitchId,
        at: u64,
        held_ms: u64,
    },
    /// Let go before the acceptance time.
    TooShort {
        switch: SwitchId,
        at: u64,
        held_ms: u64,
    },
    /// Started within the post-acceptance delay.
    TooSoon { switch: SwitchId, at: u64 },
    /// Held past the stuck limit: ignored until let go. A warning for staff.
    Stuck { switch: SwitchId, since: u64 },
    /// A stuck switch was let go; it works again.
    Unstuck { switch: SwitchId, at: u64 },
}

impl Decision {
    /// True for the decisions that make something happen.
    pub fn acts(&self) -> bool {
        matches!(self, Decision::Accepted { .. } | Decision::LongHold { .. })
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Switch {
    /// The raw level and when it last changed.
    raw: bool,
    raw_since: u64,
    /// The debounced level.
    stable: bool,
    press: Option<Press>,
}

#[derive(Debug, Clone, Copy)]
struct Press {
    started: u64,
    too_soon: bool,
    stuck: bool,
}

#[derive(Debug, Clone)]
pub struct SwitchFilter {
    settings: TimingSettings,
    switches: BTreeMap<SwitchId, Switch>,
    /// When the last press that counted was let go.
    last_accepted: Option<u64>,
}

impl SwitchFilter {
    pub fn new(settings: TimingSettings) -> SwitchFilter {
        SwitchFilter {
            settings,
            switches: BTreeMap::new(),
            last_accepted: None,
        }
    }

    /// Nothing is held or settling: settings can change without cutting a
    /// press in half.
    pub fn is_idle(&self) -> bool {
        self.switches
            .values()
            .all(|s| !s.raw && !s.stable && s.press.is_none())
    }

    /// A raw edge: the switch went down (`pressed`) or up at `now`.
    pub fn edge(&mut self, switch: SwitchId, pressed: bool, now: u64) -> Vec<Decision> {
        let mut decisions = self.tick(now);
        let state = self.switches.entry(switch).or_default();
        if state.raw != pressed {
            state.raw = pressed;
            state.raw_since = now;
        }
        if self.settings.debounce_ms == 0 {
            decisions.extend(self.settle(switch, now));
        }
        decisions
    }

    /// Lets time pass: settles debounced edges and notices stuck switches.
    pub fn tick(&mut self, now: u64) -> Vec<Decision> {
        let ids: Vec<SwitchId> = self.switches.keys().copied().collect();
        ids.into_iter()
            .flat_map(|id| self.settle(id, now))
            .collect()
    }

    /// The next time [`tick`](Self::tick) has something to decide, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.switches
            .values()
            .filter_map(|s| {
                if s.raw != s.stable {
                    return Some(s.raw_since + self.settings.debounce_ms);
                }
                let press = s.press?;
                (!press.stuck).then_some(press.started + self.settings.stuck_after_ms)
            })
            .min()
    }

    fn settle(&mut self, id: SwitchId, now: u64) -> Vec<Decision> {
        let settings = self.settings;
        let mut decisions = Vec::new();
        let Some(state) = self.switches.get_mut(&id) else {
            return decisions;
        };
        if state.raw != state.stable && now >= state.raw_since + settings.debounce_ms {
            state.stable = state.raw;
            let at = state.raw_since;
            if state.stable {
                let too_soon = self
                    .last_accepted
                    .is_some_and(|last| at < last + settings.post_acceptance_ms);
                if too_soon {
                    decisions.push(Decision::TooSoon { switch: id, at });
                }
                state.press = Some(Press {
                    started: at,
                    too_soon,
                    stuck: false,
                });
            } else if let Some(press) = state.press.take() {
                let held_ms = at.saturating_sub(press.started);
                let decision = if press.stuck {
                    Some(Decision::Unstuck { switch: id, at })
                } else if press.too_soon {
                    None
                } else if held_ms < settings.acceptance_ms {
                    Some(Decision::TooShort {
                        switch: id,
                        at,
                        held_ms,
                    })
                } else if settings.long_hold_ms.is_some_and(|long| held_ms >= long) {
                    Some(Decision::LongHold {
                        switch: id,
                        at,
                        held_ms,
                    })
                } else {
                    Some(Decision::Accepted {
                        switch: id,
                        at,
                        held_ms,
                    })
                };
                if decision.is_some_and(|d| d.acts()) {
                    self.last_accepted = Some(at);
                }
                decisions.extend(decision);
            }
        }
        if let Some(press) = &mut state.press {
            if !press.stuck && state.stable && now >= press.started + settings.stuck_after_ms {
                press.stuck = true;
                decisions.push(Decision::Stuck {
                    switch: id,
                    since: press.started,
                });
            }
        }
        decisions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TimingSettings {
        TimingSettings {
            debounce_ms: 20,
            acceptance_ms: 100,
            post_acceptance_ms: 300,
            long_hold_ms: Some(1500),
            stuck_after_ms: 5000,
        }
    }

    /// Feeds `(at, pressed)` edges on switch 1, then lets time run to `end`.
    fn run(settings: TimingSettings, edges: &[(u64, bool)], end: u64) -> Vec<Decision> {
        let mut filter = SwitchFilter::new(settings);
        let mut out = Vec::new();
        for &(at, pressed) in edges {
            while let Some(deadline) = filter.next_deadline().filter(|d| *d <= at) {
                out.extend(filter.tick(deadline));
            }
            out.extend(filter.edge(1, pressed, at));
        }
        while let Some(deadline) = filter.next_deadline().filter(|d| *d <= end) {
            out.extend(filter.tick(deadline));
        }
        out
    }

    #[test]
    fn a_clean_press_counts_when_let_go() {
        assert_eq!(
            run(settings(), &[(1000, true), (1200, false)], 2000),
            [Decision::Accepted {
                switch: 1,
                at: 1200,
                held_ms: 200
            }]
        );
    }

    #[test]
    fn bounce_on_press_and_release_is_absorbed() {
        let edges = [
            (1000, true),
            (1003, false),
            (1006, true),
            (1200, false),
            (1204, true),
            (1209, false),
        ];
        assert_eq!(
            run(settings(), &edges, 2000),
            [Decision::Accepted {
                switch: 1,
                at: 1209,
                held_ms: 203
            }]
        );
    }

    #[test]
    fn a_touch_shorter_than_the_acceptance_time_is_ignored() {
        assert_eq!(
            run(settings(), &[(1000, true), (1060, false)], 2000),
            [Decision::TooShort {
                switch: 1,
                at: 1060,
                held_ms: 60
            }]
        );
    }

    #[test]
    fn a_press_soon_after_one_that_counted_is_ignored() {
        let edges = [
            (1000, true),
            (1200, false),
            (1300, true),
            (1450, false),
            (1600, true),
            (1750, false),
        ];
        assert_eq!(
            run(settings(), &edges, 3000),
            [
                Decision::Accepted {
                    switch: 1,
                    at: 1200,
                    held_ms: 200
                },
                Decision::TooSoon {
                    switch: 1,
                    at: 1300
                },
                Decision::Accepted {
                    switch: 1,
                    at: 1750,
                    held_ms: 150
                },
            ]
        );
    }

    #[test]
    fn a_long_hold_does_the_long_hold_action() {
        assert_eq!(
            run(settings(), &[(1000, true), (2600, false)], 4000),
            [Decision::LongHold {
                switch: 1,
                at: 2600,
                held_ms: 1600
            }]
        );
        let no_long_hold = TimingSettings {
            long_hold_ms: None,
            ..settings()
        };
        assert_eq!(
            run(no_long_hold, &[(1000, true), (2600, false)], 4000),
            [Decision::Accepted {
                switch: 1,
                at: 2600,
                held_ms: 1600
            }]
        );
    }

    #[test]
    fn a_stuck_switch_warns_and_never_acts() {
        let decisions = run(settings(), &[(1000, true), (9000, false)], 10_000);
        assert_eq!(
            decisions,
            [
                Decision::Stuck {
                    switch: 1,
                    since: 1000
                },
                Decision::Unstuck {
                    switch: 1,
                    at: 9000
                }
            ]
        );
        // Let go, it works again.
        let decisions = run(
            settings(),
            &[(1000, true), (9000, false), (9500, true), (9700, false)],
            10_000,
        );
        assert_eq!(
            decisions.last(),
            Some(&Decision::Accepted {
                switch: 1,
                at: 9700,
                held_ms: 200
            })
        );
    }

    #[test]
    fn with_no_debounce_or_delays_every_press_counts_at_once() {
        let keys = TimingSettings {
            debounce_ms: 0,
            acceptance_ms: 0,
            post_acceptance_ms: 0,
            long_hold_ms: None,
            stuck_after_ms: 10_000,
        };
        let mut filter = SwitchFilter::new(keys);
        assert!(filter.edge(7, true, 10).is_empty());
        assert_eq!(
            filter.edge(7, false, 10),
            [Decision::Accepted {
                switch: 7,
                at: 10,
                held_ms: 0
            }]
        );
        assert!(filter.edge(7, true, 11).is_empty());
        assert_eq!(
            filter.edge(7, false, 12),
            [Decision::Accepted {
                switch: 7,
                at: 12,
                held_ms: 1
            }]
        );
    }

    #[test]
    fn switches_are_filtered_separately_but_share_the_post_acceptance_delay() {
        let mut filter = SwitchFilter::new(settings());
        let mut out = Vec::new();
        for (switch, pressed, at) in [
            (1, true, 1000),
            (1, false, 1200),
            (2, true, 1250),
            (2, false, 1400),
        ] {
            out.extend(filter.tick(at));
            out.extend(filter.edge(switch, pressed, at));
        }
        out.extend(filter.tick(2000));
        assert_eq!(
            out,
            [
                Decision::Accepted {
                    switch: 1,
                    at: 1200,
                    held_ms: 200
                },
                Decision::TooSoon {
                    switch: 2,
                    at: 1250
                }
            ]
        );
    }
}
