//! Property tests of the switch timing filter: streams of bounce, tremor and
//! repeated presses around intended presses. What the filter accepts must be
//! exactly the intended presses; a stuck switch must do nothing.

use proptest::prelude::*;
use sayso::access::filter::{Decision, SwitchFilter, SwitchId, TimingSettings};

const SETTINGS: TimingSettings = TimingSettings {
    debounce_ms: 20,
    acceptance_ms: 100,
    post_acceptance_ms: 300,
    long_hold_ms: Some(2000),
    stuck_after_ms: 8000,
};

#[derive(Debug, Clone)]
struct Intended {
    switch: SwitchId,
    /// Short touches before it: (pause before, how long), all shorter than acceptance.
    tremor: Vec<(u64, u64)>,
    pause: u64,
    hold: u64,
    /// Gaps between contact flickers when the switch closes and opens (each < debounce).
    bounce_in: Vec<u64>,
    bounce_out: Vec<u64>,
    /// A second press soon after, within the post-acceptance delay: (delay, hold).
    repeat: Option<(u64, u64)>,
}

fn intended() -> impl Strategy<Value = Intended> {
    let d = SETTINGS.debounce_ms;
    let tremor_hold = 1..(SETTINGS.acceptance_ms - d);
    (
        0..3u32,
        prop::collection::vec((0..400u64, tremor_hold), 0..3),
        0..1500u64,
        (SETTINGS.acceptance_ms + d + 1)..1500,
        prop::collection::vec(1..(d / 4), 0..3),
        prop::collection::vec(1..(d / 4), 0..3),
        prop::option::of((
            0..(SETTINGS.post_acceptance_ms - d - 10),
            (SETTINGS.acceptance_ms + d)..600,
        )),
    )
        .prop_map(
            |(switch, tremor, pause, hold, bounce_in, bounce_out, repeat)| Intended {
                switch,
                tremor,
                pause,
                hold,
                bounce_in,
                bounce_out,
                repeat,
            },
        )
}

/// Contact flickers: toggles at the given gaps, ending at `level`.
fn flicker(
    edges: &mut Vec<(SwitchId, bool, u64)>,
    switch: SwitchId,
    level: bool,
    start: u64,
    gaps: &[u64],
) -> u64 {
    let mut t = start;
    let gaps: Vec<u64> = if gaps.len() % 2 == 1 {
        gaps[..gaps.len() - 1].to_vec()
    } else {
        gaps.to_vec()
    };
    edges.push((switch, level, t));
    for (i, gap) in gaps.iter().enumerate() {
        t += gap;
        edges.push((switch, if i % 2 == 0 { !level } else { level }, t));
    }
    t
}

/// The raw edges for a sequence of intended presses with noise around them.
fn timeline(presses: &[Intended]) -> Vec<(SwitchId, bool, u64)> {
    let d = SETTINGS.debounce_ms;
    let mut edges = Vec::new();
    let mut t = 1000;
    let mut last_release = 0;
    for press in presses {
        for (pause, hold) in &press.tremor {
            t += d + 5 + pause;
            edges.push((press.switch, true, t));
            edges.push((press.switch, false, t + hold));
            t += hold;
        }
        t = (t + d + 5 + press.pause).max(last_release + SETTINGS.post_acceptance_ms + d + 5);
        let closed = flicker(&mut edges, press.switch, true, t, &press.bounce_in);
        let opened = flicker(
            &mut edges,
            press.switch,
            false,
            closed + press.hold,
            &press.bounce_out,
        );
        last_release = opened;
        t = opened;
        if let Some((delay, hold)) = press.repeat {
            let start = opened + d + 5 + delay;
            edges.push((press.switch, true, start));
            edges.push((press.switch, false, start + hold));
            t = start + hold;
        }
    }
    edges
}

fn run(edges: &[(SwitchId, bool, u64)], end: u64) -> Vec<Decision> {
    let mut filter = SwitchFilter::new(SETTINGS);
    let mut out = Vec::new();
    for &(switch, pressed, at) in edges {
        while let Some(deadline) = filter.next_deadline().filter(|d| *d <= at) {
            out.extend(filter.tick(deadline));
        }
        out.extend(filter.edge(switch, pressed, at));
    }
    while let Some(deadline) = filter.next_deadline().filter(|d| *d <= end) {
        out.extend(filter.tick(deadline));
    }
    out
}

proptest! {
    #[test]
    fn exactly_the_intended_presses_are_accepted(presses in prop::collection::vec(intended(), 1..12)) {
        let edges = timeline(&presses);
        let end = edges.last().unwrap().2 + 60_000;
        let acted: Vec<(SwitchId, u64)> = run(&edges, end)
            .into_iter()
            .filter_map(|d| match d {
                Decision::Accepted { switch, held_ms, .. } => Some((switch, held_ms)),
                Decision::LongHold { .. } => panic!("no intended press is a long hold: {d:?}"),
                _ => None,
            })
            .collect();
        let switches: Vec<SwitchId> = acted.iter().map(|(s, _)| *s).collect();
        prop_assert_eq!(switches, presses.iter().map(|p| p.switch).collect::<Vec<_>>());
        for ((_, held), press) in acted.iter().zip(&presses) {
            // Held time is measured between the settled edges: bounce may shorten it, never by a debounce or more.
            prop_assert!(*held + SETTINGS.debounce_ms > press.hold && *held <= press.hold + SETTINGS.debounce_ms);
        }
    }

    #[test]
    fn a_stuck_switch_does_nothing_and_warns(
        before in prop::collection::vec(intended(), 0..4),
        stuck_for in SETTINGS.stuck_after_ms..60_000,
        bounce in prop::collection::vec(1..5u64, 0..4),
    ) {
        let mut edges = timeline(&before);
        let start = edges.last().map_or(1000, |e| e.2) + 5000;
        let closed = flicker(&mut edges, 9, true, start, &bounce);
        let opened = flicker(&mut edges, 9, false, closed + stuck_for, &bounce);
        let decisions = run(&edges, opened + 60_000);
        let stuck_acted = decisions
            .iter()
            .any(|d| matches!(d, Decision::Accepted { switch: 9, .. } | Decision::LongHold { switch: 9, .. }));
        prop_assert!(!stuck_acted, "the stuck switch acted: {:?}", decisions);
        let warned = decisions.contains(&Decision::Stuck { switch: 9, since: closed });
        prop_assert!(warned, "no warning: {:?}", decisions);
        prop_assert_eq!(decisions.iter().filter(|d| d.acts()).count(), before.len());
    }
}
