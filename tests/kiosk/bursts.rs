//! A bounce, a tremor or a double tap never answers a card the person has
//! not seen: bursts of presses around each intended one, through the whole
//! kiosk, give exactly the intended placements, from keys (a keyboard, a
//! USB switch interface) as from GPIO buttons.

use proptest::prelude::*;
use sayso::access::gpio::{ButtonPanel, PinEdge, PinMap};
use sayso::access::keys::Key;
use sayso::access::settings::AccessSettings;
use sayso::core::Screen;
use sayso::store::Journal;

use crate::common;
use sayso::kiosk::KioskInput;

/// One intended press: the scale point, when it starts after the last one,
/// how long it is held, and the chatter after it is let go.
#[derive(Debug, Clone)]
struct Intended {
    point: usize,
    gap_ms: u64,
    hold_ms: u64,
    /// (ms after the release, how long it is held): bounces, a double tap.
    chatter: Vec<(u64, u64)>,
}

fn intended(
    max_chatter_after: u64,
    holds: std::ops::Range<u64>,
    chatter_holds: std::ops::Range<u64>,
) -> impl Strategy<Value = Intended> {
    (
        0usize..3,
        900u64..2500,
        holds,
        proptest::collection::vec((1..max_chatter_after, chatter_holds), 0..4),
    )
        .prop_map(|(point, gap_ms, hold_ms, mut chatter)| {
            chatter.sort();
            Intended {
                point,
                gap_ms,
                hold_ms,
                chatter,
            }
        })
}

/// The edges of a sequence of presses: (ms, which point, down or up).
fn edges(presses: &[Intended]) -> Vec<(u64, usize, bool)> {
    let mut edges = Vec::new();
    let mut at = 1_000;
    for press in presses {
        at += press.gap_ms;
        edges.push((at, press.point, true));
        let released = at + press.hold_ms;
        edges.push((released, press.point, false));
        let mut last = released;
        for &(after, held) in &press.chatter {
            let down = (released + after).max(last + 1);
            edges.push((down, press.point, true));
            edges.push((down + held, press.point, false));
            last = down + held;
        }
        at = last;
    }
    edges
}

fn placed_points(test: &common::TestKiosk) -> Vec<i64> {
    let Some(session) = test.kiosk.session() else {
        return Vec::new();
    };
    Journal::open(&test.paths.journal())
        .unwrap()
        .placements(session.id())
        .unwrap()
        .iter()
        .map(|p| p.spot.point as i64)
        .collect()
}

/// Moves the kiosk's clock to `at` ms after its start.
fn set_time(test: &common::TestKiosk, now: &mut u64, at: u64) {
    let by = at.saturating_sub(*now);
    test.clock
        .advance(chrono::Duration::milliseconds(by as i64));
    *now += by;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn bouncing_keys_give_exactly_the_intended_placements(
        presses in proptest::collection::vec(intended(190, 5..200, 1..40), 1..6)
    ) {
        let mut test = common::open_kiosk_exactly(&common::demo_set());
        prop_assert_eq!(test.kiosk.screen(), Screen::Mat);
        let mut now = 0;
        for (at, point, down) in edges(&presses) {
            set_time(&test, &mut now, at);
            let key = Key::Char(char::from(b'1' + point as u8));
            if down {
                test.kiosk.input(KioskInput::KeyDown { key, repeat: false });
            } else {
                test.kiosk.input(KioskInput::KeyUp(key));
            }
            test.kiosk.input(KioskInput::AccessTick);
        }
        let wanted: Vec<i64> = presses.iter().map(|p| p.point as i64).collect();
        prop_assert_eq!(placed_points(&test), wanted);
    }

    #[test]
    fn bouncing_buttons_give_exactly_the_intended_placements(
        presses in proptest::collection::vec(intended(240, 80..400, 10..40), 1..6)
    ) {
        let mut test = common::open_kiosk_exactly(&common::demo_set());
        let map = PinMap::default();
        let pin_of = |point: usize| {
            map.pins
                .iter()
                .find(|(_, role)| *role == sayso::access::gpio::Role::Point(point))
                .map(|(pin, _)| *pin)
                .unwrap()
        };
        let mut panel = ButtonPanel::new(map.clone(), AccessSettings::default().buttons);
        let mut now = 0;
        let mut feed = |test: &mut common::TestKiosk, now: &mut u64, at: u64, edge: Option<PinEdge>| {
            // The filter's own deadlines first, each at its time.
            while let Some(deadline) = panel.next_deadline().filter(|d| *d <= at) {
                set_time(test, now, deadline.max(*now));
                for output in panel.tick(deadline).1 {
                    test.kiosk.input(KioskInput::Access(output));
                }
            }
            set_time(test, now, at);
            if let Some(edge) = edge {
                for output in panel.edge(edge).1 {
                    test.kiosk.input(KioskInput::Access(output));
                }
            }
        };
        for (at, point, pressed) in edges(&presses) {
            // A contact that chatters as it closes and opens.
            for (offset, level) in [(0, pressed), (2, !pressed), (4, pressed)] {
                let edge = PinEdge { pin: pin_of(point), pressed: level, at_ms: at + offset };
                feed(&mut test, &mut now, at + offset, Some(edge));
            }
        }
        let end = now + 5_000;
        feed(&mut test, &mut now, end, None);
        let wanted: Vec<i64> = presses.iter().map(|p| p.point as i64).collect();
        prop_assert_eq!(placed_points(&test), wanted);
    }
}
