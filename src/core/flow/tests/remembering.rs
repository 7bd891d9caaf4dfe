//! Scanning steps are not the person's actions, and the journal the flow emits rebuilds what it must remember.

use super::*;
use crate::core::flow::memory::record_session;

#[test]
fn auto_scanning_steps_are_not_the_persons_actions() {
    let mut t = Test::to(&[], Screen::Mat);
    for _ in 0..100 {
        t.now = later(t.now, Duration::seconds(6));
        t.send(FlowEvent::ScanStep(Step::Forward));
    }
    t.send(FlowEvent::Tick);
    assert_eq!(t.flow.screen(), Screen::People, "idle while the scan ran");
}

// The property: any events and clock moves leave a flow whose memory is
// what its own journal rows rebuild.

#[derive(Debug, Clone)]
enum Step_ {
    Tap(Event),
    Scan,
    Helping,
    Wait(i64),
    ShiftWall(i64),
}

fn any_step() -> impl proptest::strategy::Strategy<Value = Step_> {
    use proptest::prelude::*;
    let event = prop_oneof![
        4 => (0usize..3).prop_map(Event::PlaceOn),
        1 => (0u16..1100).prop_map(Event::DropAt),
        2 => (0usize..3).prop_map(Event::Choose),
        1 => (0usize..4).prop_map(Event::PickUp),
        1 => Just(Event::PutBack),
        2 => Just(Event::Skip),
        1 => Just(Event::SomethingElse),
        1 => Just(Event::TellMeMore),
        2 => Just(Event::Undo),
        1 => Just(Event::SayAgain),
        2 => Just(Event::Finish),
        1 => Just(Event::StartAgain),
        1 => Just(Event::NotNow),
        1 => Just(Event::SomeoneElse),
        1 => Just(Event::NextPage),
        2 => Just(Event::MoveHighlight(Step::Forward)),
        2 => Just(Event::Select),
    ];
    prop_oneof![
        10 => event.prop_map(Step_::Tap),
        1 => Just(Step_::Scan),
        1 => Just(Step_::Helping),
        3 => (0i64..1_200).prop_map(Step_::Wait),
        1 => (-12i64..12).prop_map(Step_::ShiftWall),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn any_events_and_clock_moves_leave_a_flow_its_journal_rebuilds(
        steps in proptest::collection::vec(any_step(), 0..120),
        supporters in proptest::bool::ANY,
    ) {
        let supporters: &[&str] = if supporters { &["Jo"] } else { &[] };
        let mut t = Test::new(supporters, seven());
        for step in steps {
            match step {
                Step_::Tap(event) => { t.tap(event); }
                Step_::Scan => { t.send(FlowEvent::ScanStep(Step::Forward)); }
                Step_::Helping => { t.send(FlowEvent::ToggleHelping); }
                Step_::Wait(seconds) => { t.wait(Duration::seconds(seconds)); }
                Step_::ShiftWall(hours) => { t.now.wall += Duration::hours(hours); }
            }
            let view = t.flow.view();
            proptest::prop_assert_eq!(view.screen, Some(t.flow.screen()));
        }
        let rows: Vec<Record> = records(&t.effects).into_iter().cloned().collect();
        proptest::prop_assert_eq!(t.flow.memory(), FlowMemory::from_records(&rows));

        // The kiosk restarts here (a power cut): what the journal remembers
        // is what the flow remembered.
        let (restarted, _) = Flow::start(
            config(supporters),
            Utc,
            later(t.now, Duration::seconds(30)),
            Restored::from_records(&rows),
            &mut t.ids,
        );
        let (after, before) = (restarted.memory(), t.flow.memory());
        proptest::prop_assert_eq!(after.unfinished, before.unfinished);
        // Settled stays settled (a restart may settle more: windows that
        // closed while it was off).
        proptest::prop_assert!(after.settled_check_ins.is_superset(&before.settled_check_ins));

        // Within each mat, the journal's order (seq) only ever grows.
        let mut last: std::collections::HashMap<SessionId, u32> = Default::default();
        for row in &rows {
            let (session, seq) = match row {
                Record::Placed { session_id, seq, .. }
                | Record::Skipped { session_id, seq, .. }
                | Record::Marked { session_id, seq, .. }
                | Record::Undone { session_id, seq, .. } => (session_id, *seq),
                _ => continue,
            };
            let before = last.insert(session.clone(), seq).unwrap_or(0);
            proptest::prop_assert!(seq > before, "seq {} after {}", seq, before);
        }
        // Each check-in window has one outcome at most.
        let mut windows = std::collections::HashSet::new();
        for row in &rows {
            if let Record::CheckIn { person_id, key, .. } = row {
                proptest::prop_assert!(windows.insert((person_id.clone(), key.clone())));
            }
        }
        // Nothing is recorded for a mat after it is finished.
        let finished: std::collections::HashSet<&SessionId> = rows.iter().filter_map(|r| match r {
            Record::Finished { session_id, .. } => Some(session_id),
            _ => None,
        }).collect();
        let mut closed = std::collections::HashSet::new();
        for row in &rows {
            if let Some(session) = record_session(row) {
                proptest::prop_assert!(!closed.contains(session), "a row after the finish");
            }
            if let Record::Finished { session_id, .. } = row {
                closed.insert(session_id);
            }
        }
        proptest::prop_assert!(finished.len() == closed.len());
    }
}
