//! The flow with no disk, no window and no thread: every screen with every
//! event, check-ins, idle and partial mats, settings, syncs owed, clocks
//! that jump; and a property test that the journal rows the flow emits
//! rebuild what it must remember.

use chrono::{Duration, NaiveTime, TimeZone, Utc, Weekday};

use super::*;
use crate::core::event::Spot;
use crate::core::picture_set::tests::small_set;
use crate::core::schedule::CheckIn;
use crate::core::voicing::Display;
use crate::core::PictureSet;

struct Counter(u32);

impl NewIds for Counter {
    fn new_session_id(&mut self) -> SessionId {
        self.0 += 1;
        SessionId::new(format!("mat-{}", self.0))
    }
}

/// A home of two people (Alex: food and drinks, a food check-in 08:00 to
/// 10:00; Sam: drinks only) and one supporter, Jo.
fn config(supporters: &[&str]) -> FlowConfig {
    let set: PictureSet = small_set();
    let food = set.topic("food").unwrap().clone();
    let mut drinks = food.clone();
    drinks.id = "drinks".into();
    drinks.title = "Drinks".into();
    let check_in = CheckIn {
        topic: "food".into(),
        from: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        until: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        days: Vec::<Weekday>::new(),
    };
    let (schedule, problems) = Schedule::checked(vec![check_in], &["food", "drinks"]);
    assert!(problems.is_empty());
    let person = |id: &str, name: &str, topics: Vec<usize>, schedule: Schedule| FlowPerson {
        person: PersonRef {
            id: id.into(),
            name: name.into(),
        },
        photo: None,
        topics,
        schedule,
        voicing: Voicing {
            display: Display {
                high_contrast: name == "Sam",
                large_text: false,
            },
            ..Voicing::default()
        },
    };
    FlowConfig {
        set_id: "test".into(),
        topics: vec![food, drinks],
        people: vec![
            person("p-alex", "Alex", vec![0, 1], schedule),
            person("p-sam", "Sam", vec![1], Schedule::default()),
        ],
        supporters: supporters.iter().map(|s| s.to_string()).collect(),
        idle_ms: 10 * 60_000,
        device: Voicing::default(),
        notices: Vec::new(),
    }
}

/// 07:00 UTC, an hour before Alex's check-in opens.
fn seven() -> Now {
    Now::new(Utc.with_ymd_and_hms(2026, 11, 2, 7, 0, 0).unwrap(), Mono(0))
}

fn later(now: Now, by: Duration) -> Now {
    Now::new(
        now.wall + by,
        now.mono.after_millis(by.num_milliseconds() as u64),
    )
}

struct Test {
    flow: Flow<Utc>,
    ids: Counter,
    now: Now,
    effects: Vec<FlowEffect>,
}

impl Test {
    fn new(supporters: &[&str], now: Now) -> Test {
        let mut ids = Counter(0);
        let (flow, effects) =
            Flow::start(config(supporters), Utc, now, Restored::default(), &mut ids);
        Test {
            flow,
            ids,
            now,
            effects,
        }
    }

    fn send(&mut self, event: FlowEvent) -> Vec<FlowEffect> {
        let effects = self.flow.handle(event, self.now, &mut self.ids);
        self.effects.extend(effects.clone());
        effects
    }

    fn tap(&mut self, event: Event) -> Vec<FlowEffect> {
        self.send(FlowEvent::Input(Input::new(event, InputMethod::Touch)))
    }

    fn wait(&mut self, by: Duration) -> Vec<FlowEffect> {
        self.now = later(self.now, by);
        self.send(FlowEvent::Tick)
    }

    /// Brings the flow to a screen, the way a person gets there.
    fn to(supporters: &[&str], screen: Screen) -> Test {
        let mut t = Test::new(supporters, seven());
        let steps: &[Event] = match screen {
            Screen::People => &[],
            Screen::Company => &[Event::Choose(0)],
            Screen::Topics => &[Event::Choose(0), Event::Choose(0)],
            Screen::Mat => &[Event::Choose(0), Event::Choose(0), Event::Choose(0)],
            // "Back" on the first card.
            Screen::Leave => &[
                Event::Choose(0),
                Event::Choose(0),
                Event::Choose(0),
                Event::Undo,
            ],
            Screen::Review | Screen::Finished | Screen::Resume => &[
                Event::Choose(0),
                Event::Choose(0),
                Event::Choose(0),
                Event::PlaceOn(0),
                Event::PlaceOn(1),
                Event::PlaceOn(2),
            ],
        };
        for &event in steps {
            t.tap(event);
        }
        match screen {
            Screen::Finished => {
                t.tap(Event::Finish);
            }
            Screen::Resume => {
                t.tap(Event::Undo);
                t.wait(Duration::minutes(10));
                t.tap(Event::Choose(0));
                t.tap(Event::Choose(0));
            }
            _ => {}
        }
        assert_eq!(t.flow.screen(), screen, "reached {screen:?}");
        t.effects.clear();
        t
    }
}

fn records(effects: &[FlowEffect]) -> Vec<&Record> {
    effects
        .iter()
        .filter_map(|e| match e {
            FlowEffect::Record(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn said(effects: &[FlowEffect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            FlowEffect::Say(u) => Some(u.text.as_str()),
            _ => None,
        })
        .collect()
}

const ALL_SCREENS: [Screen; 8] = [
    Screen::People,
    Screen::Company,
    Screen::Resume,
    Screen::Topics,
    Screen::Mat,
    Screen::Leave,
    Screen::Review,
    Screen::Finished,
];

fn all_events() -> Vec<Event> {
    vec![
        Event::PlaceOn(0),
        Event::PlaceOn(1),
        Event::PlaceOn(4),
        Event::PlaceAt(Spot {
            point: 1,
            offset: 20,
        }),
        Event::DropAt(900),
        Event::DropAt(5000),
        Event::PickUp(0),
        Event::PutBack,
        Event::Skip,
        Event::SomethingElse,
        Event::TellMeMore,
        Event::Choose(0),
        Event::Choose(1),
        Event::Choose(9),
        Event::NextPage,
        Event::NotNow,
        Event::SomeoneElse,
        Event::MoveHighlight(Step::Forward),
        Event::MoveHighlight(Step::Back),
        Event::Select,
        Event::Undo,
        Event::SayAgain,
        Event::Finish,
        Event::StartAgain,
    ]
}

/// Where each event leads from each screen, in a home with a supporter.
fn expected(screen: Screen, event: Event) -> Screen {
    use Event::*;
    match (screen, event) {
        (Screen::People, Choose(0 | 1) | PlaceOn(0 | 1)) => Screen::Company,
        (Screen::Company, Choose(0 | 1) | PlaceOn(0 | 1)) => Screen::Topics,
        (Screen::Resume, Choose(0) | PlaceOn(0)) => Screen::Mat,
        (Screen::Resume, Choose(1) | PlaceOn(1)) => Screen::Topics,
        (Screen::Topics, Choose(0 | 1) | PlaceOn(0 | 1)) => Screen::Mat,
        (Screen::Topics, SomeoneElse) => Screen::People,
        // "Back" with nothing to take back asks whether to leave the mat.
        (Screen::Mat, Undo) => Screen::Leave,
        (Screen::Leave, Choose(0) | PlaceOn(0) | Undo) => Screen::Mat,
        (Screen::Leave, Choose(1) | PlaceOn(1)) => Screen::Topics,
        (Screen::Review, Finish | Select) => Screen::Finished,
        (Screen::Review, Undo) => Screen::Mat,
        (Screen::Finished, StartAgain | Select) => Screen::Topics,
        (screen, _) => screen,
    }
}

#[test]
fn every_screen_answers_every_event_as_the_table_says() {
    for screen in ALL_SCREENS {
        for event in all_events() {
            let mut t = Test::to(&["Jo"], screen);
            let effects = t.tap(event);
            assert_eq!(
                t.flow.screen(),
                expected(screen, event),
                "{event:?} on {screen:?}"
            );
            // Only a mat, a resumed mat or a check-in writes to the journal.
            let rows = records(&effects);
            if matches!(screen, Screen::People | Screen::Company) {
                assert!(rows.is_empty(), "{event:?} on {screen:?}: {rows:?}");
            }
            // The view can always be drawn.
            let view = t.flow.view();
            assert_eq!(view.screen, Some(t.flow.screen()));
            match t.flow.screen() {
                Screen::Mat => {
                    assert!(view.mat.card.is_some() || !view.mat.picked_prompt.is_empty())
                }
                Screen::People => assert_eq!(view.picker.items.len(), 2),
                _ => {}
            }
        }
    }
}

#[test]
fn the_device_settings_hold_until_a_person_is_chosen_and_again_after_someone_else() {
    let mut t = Test::new(&[], seven());
    assert!(t
        .effects
        .contains(&FlowEffect::ApplySettings(Whose::Device)));
    assert_eq!(said(&t.effects), ["Who is here? Touch your photo."]);
    let effects = t.tap(Event::Choose(1));
    assert_eq!(effects[0], FlowEffect::ApplySettings(Whose::Person(1)));
    assert!(t.flow.view().display.high_contrast, "Sam's own display");
    // Sam has one topic: straight into a mat on it.
    assert_eq!(t.flow.screen(), Screen::Mat);
    assert_eq!(t.flow.session().unwrap().topic().id, "drinks");

    let mut t = Test::new(&[], seven());
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Topics, "no supporters: no company");
    let effects = t.tap(Event::SomeoneElse);
    assert_eq!(effects[0], FlowEffect::ApplySettings(Whose::Device));
    assert_eq!(t.flow.screen(), Screen::People);
    assert!(!t.flow.view().display.high_contrast);
}

#[test]
fn who_is_there_goes_with_the_mat_and_helping_marks_placements() {
    let mut t = Test::to(&["Jo"], Screen::Company);
    t.tap(Event::Choose(1));
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.view().supporter, "Jo");
    t.send(FlowEvent::ToggleHelping);
    let effects = t.tap(Event::PlaceOn(0));
    let [Record::Placed { helped, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert!(helped);
    let started = t
        .effects
        .iter()
        .find_map(|e| match e {
            FlowEffect::Record(Record::Started { company, .. }) => Some(company.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(started.supporter.as_deref(), Some("Jo"));

    // On my own, staff cannot mark helping.
    let mut t = Test::to(&["Jo"], Screen::Company);
    t.tap(Event::Choose(0));
    t.send(FlowEvent::ToggleHelping);
    assert!(!t.flow.company().helped);
}

#[test]
fn finishing_a_mat_asks_for_a_sync_and_its_picture() {
    let mut t = Test::to(&[], Screen::Review);
    let effects = t.tap(Event::Finish);
    let n = effects.len();
    assert!(matches!(
        &effects[n - 3],
        FlowEffect::Record(Record::Finished { .. })
    ));
    assert_eq!(effects[n - 2], FlowEffect::StartSync);
    assert_eq!(effects[n - 1], FlowEffect::KeepMat("mat-1".into()));
    assert_eq!(t.send(FlowEvent::MatKept), [FlowEffect::StartSync]);
}

#[test]
fn a_failed_sync_is_told_to_staff_and_retried_a_minute_later_on_the_monotonic_clock() {
    let mut t = Test::new(&[], seven());
    assert!(
        t.effects.contains(&FlowEffect::StartSync),
        "owed since before a restart"
    );
    t.send(FlowEvent::SyncDone(SyncResult::Failed(PlanTrouble::Other)));
    assert_eq!(t.flow.view().staff_notice, SYNC_NOTICE);
    // The wall clock jumping a day changes nothing.
    t.now.wall += Duration::days(1);
    assert!(!t
        .wait(Duration::seconds(59))
        .contains(&FlowEffect::StartSync));
    assert!(t
        .wait(Duration::seconds(1))
        .contains(&FlowEffect::StartSync));
    assert!(
        !t.wait(Duration::seconds(61))
            .contains(&FlowEffect::StartSync),
        "once"
    );
    t.send(FlowEvent::SyncDone(SyncResult::Synced));
    assert_eq!(
        t.flow.view().staff_notice,
        "",
        "the notice goes when it is mended"
    );
}

#[test]
fn a_plan_that_is_damaged_newer_or_missing_is_told_in_words_of_its_own_and_goes_when_mended() {
    let mut t = Test::new(&[], seven());
    let mut said = Vec::new();
    for trouble in [
        PlanTrouble::Busy,
        PlanTrouble::Missing,
        PlanTrouble::Damaged,
        PlanTrouble::Newer,
        PlanTrouble::OtherHome,
    ] {
        t.send(FlowEvent::SyncDone(SyncResult::Failed(trouble)));
        assert_eq!(
            t.flow.notices(),
            [trouble.notice()],
            "only the latest sync's trouble stands"
        );
        said.push(trouble.notice());
    }
    said.sort_unstable();
    said.dedup();
    assert_eq!(said.len(), 5, "each in words of its own");
    assert!(PlanTrouble::Damaged.notice().contains("damaged"));
    assert!(PlanTrouble::Newer.notice().contains("newer version"));
    assert!(PlanTrouble::Missing.notice().contains("not found"));
    assert!(!PlanTrouble::Damaged.notice().contains("busy"));
    t.send(FlowEvent::SyncDone(SyncResult::Synced));
    assert!(t.flow.notices().is_empty());
}

#[test]
fn a_check_in_is_offered_first_when_due_and_a_mat_on_it_answers_it() {
    let mut t = Test::new(&[], later(seven(), Duration::minutes(55)));
    t.tap(Event::Choose(0));
    assert!(!t.flow.view().picker.items[0].due, "not due at 07:55");
    // 08:00: the window opens while Alex is on the topics; it is announced.
    let effects = t.wait(Duration::minutes(5));
    assert_eq!(said(&effects), ["It's time for Food."]);
    let view = t.flow.view();
    assert!(view.picker.items[0].due && view.picker.can_say_not_now);
    let effects = t.tap(Event::Choose(0));
    let answered = records(&effects)
        .into_iter()
        .find_map(|r| match r {
            Record::CheckIn {
                outcome,
                session_id,
                key,
                ..
            } => Some((*outcome, session_id.clone(), key.clone())),
            _ => None,
        })
        .expect("the check-in is answered");
    assert_eq!(
        answered,
        (
            Outcome::Answered,
            Some(SessionId::from("mat-1")),
            "food@2026-11-02".to_string()
        )
    );
    // Its window closing later records nothing more.
    t.tap(Event::PlaceOn(0));
    assert!(records(&t.wait(Duration::hours(3)))
        .iter()
        .all(|r| !matches!(r, Record::CheckIn { .. })));
}

#[test]
fn not_now_declines_once_and_a_window_nobody_came_to_is_not_offered() {
    let mut t = Test::new(&[], later(seven(), Duration::hours(1)));
    t.tap(Event::Choose(0));
    let effects = t.tap(Event::NotNow);
    let outcomes: Vec<Outcome> = records(&effects)
        .iter()
        .filter_map(|r| match r {
            Record::CheckIn { outcome, .. } => Some(*outcome),
            _ => None,
        })
        .collect();
    assert_eq!(outcomes, [Outcome::Declined]);
    assert!(!t.flow.view().picker.items[0].due);

    // Nobody comes the next day: the window is recorded as not offered
    // when it closes, once.
    let mut t = Test::new(&[], seven());
    let effects = t.wait(Duration::hours(4));
    let [Record::CheckIn { outcome, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(*outcome, Outcome::NotOffered);
    assert!(records(&t.wait(Duration::hours(1))).is_empty());
}

#[test]
fn an_offered_check_in_let_pass_is_declined() {
    let mut t = Test::new(&[], later(seven(), Duration::hours(2)));
    t.tap(Event::Choose(0));
    t.tap(Event::SomeoneElse);
    let effects = t.wait(Duration::hours(1));
    let [Record::CheckIn { outcome, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(*outcome, Outcome::Declined);
}

#[test]
fn an_idle_mat_is_saved_as_partial_and_the_person_carries_on_or_starts_afresh() {
    let mut t = Test::to(&[], Screen::Mat);
    t.tap(Event::PlaceOn(2));
    assert!(records(&t.wait(Duration::minutes(9))).is_empty());
    let effects = t.wait(Duration::minutes(1));
    assert!(matches!(records(&effects)[..], [Record::Paused { .. }]));
    assert_eq!(t.flow.screen(), Screen::People);

    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Resume);
    let view = t.flow.view();
    assert_eq!(view.picker.items[0].title, "Carry on: Food");
    // Carry on: the mat as it was, the next card said again.
    let effects = t.tap(Event::Choose(0));
    assert!(matches!(records(&effects)[..], [Record::Resumed { .. }]));
    assert_eq!(said(&effects), ["cake"], "the card on offer, again");
    let session = t.flow.session().unwrap();
    assert_eq!(session.spot_of(0), Some(Spot::on(2)));

    // Left again, then "start again": the topics, and the partial mat is
    // still the one remembered until a new mat is started.
    t.wait(Duration::minutes(10));
    t.tap(Event::Choose(0));
    t.tap(Event::Choose(1));
    assert_eq!(t.flow.screen(), Screen::Topics);
    assert_eq!(t.flow.memory().unfinished["p-alex"].session_id, "mat-1");
    t.tap(Event::Choose(1));
    assert_eq!(t.flow.memory().unfinished["p-alex"].session_id, "mat-2");
}

#[test]
fn after_a_restart_mid_mat_the_person_is_offered_to_carry_on_where_they_were() {
    let mut t = Test::to(&["Jo"], Screen::Company);
    t.tap(Event::Choose(1));
    t.tap(Event::Choose(0));
    t.tap(Event::TellMeMore);
    t.tap(Event::PlaceOn(2));
    t.tap(Event::Skip);
    let before = t.flow.session().unwrap().as_replayed();
    let rows: Vec<Record> = records(&t.effects).into_iter().cloned().collect();

    // The plug is pulled; the kiosk starts again from its journal.
    let now = later(t.now, Duration::minutes(2));
    let (flow, effects) = Flow::start(
        config(&["Jo"]),
        Utc,
        now,
        Restored::from_records(&rows),
        &mut t.ids,
    );
    assert!(
        matches!(records(&effects)[..], [Record::Paused { .. }]),
        "the open mat is partial now: {effects:?}"
    );
    assert_eq!(flow.screen(), Screen::People);
    let mut t = Test {
        flow,
        ids: Counter(t.ids.0),
        now,
        effects: Vec::new(),
    };
    t.tap(Event::Choose(0));
    t.tap(Event::Choose(1));
    assert_eq!(t.flow.screen(), Screen::Resume);
    let effects = t.tap(Event::Choose(0));
    assert!(matches!(records(&effects)[..], [Record::Resumed { .. }]));
    assert_eq!(said(&effects), ["a pizza"], "the card that was next");
    let session = t.flow.session().unwrap();
    assert_eq!(session.as_replayed(), before);
    assert_eq!(session.company().supporter.as_deref(), Some("Jo"));
    // Undo still steps back through what was done before the restart.
    let effects = t.tap(Event::Undo);
    let [Record::Undone { undoes, seq, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!((*undoes, *seq), (3, 4), "the skip, then a new seq");
}

#[test]
fn the_wall_clock_jumping_hours_during_a_mat_changes_nothing() {
    let mut t = Test::to(&[], Screen::Mat);
    t.tap(Event::PlaceOn(0));
    for hours in [5, -9, 3] {
        t.now.wall += Duration::hours(hours);
        let effects = t.wait(Duration::seconds(30));
        assert!(
            records(&effects)
                .iter()
                .all(|r| !matches!(r, Record::Paused { .. })),
            "not partial after a jump of {hours} h"
        );
        assert_eq!(t.flow.screen(), Screen::Mat);
    }
    // Response times come from the monotonic clock: two seconds, whatever
    // the wall clock says.
    t.now = later(t.now, Duration::seconds(2));
    t.now.wall -= Duration::hours(6);
    let effects = t.tap(Event::PlaceOn(1));
    let [Record::Placed {
        response_ms, seq, ..
    }] = records(&effects)[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*response_ms, 2_000 + 3 * 30_000);
    assert_eq!(*seq, 2, "order in the journal comes from seq, not time");
}

#[test]
fn a_clock_that_starts_in_1970_and_learns_the_date_records_no_years_of_check_ins() {
    let boot = Now::new(Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 5).unwrap(), Mono(0));
    let mut t = Test::new(&[], boot);
    t.now.wall = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
    let effects = t.wait(Duration::seconds(1));
    let keys: Vec<&str> = records(&effects)
        .iter()
        .filter_map(|r| match r {
            Record::CheckIn { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(keys, ["food@2026-11-01", "food@2026-11-02"]);
}

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

/// What staff did about Alex's view of tea.
fn news_for_alex(flow: &Flow<Utc>) -> News {
    News {
        action_id: 7,
        person_id: flow.config().people[0].person.id.clone(),
        topic_id: "food".into(),
        card_id: "tea".into(),
        card_label: "tea".into(),
        said_view: "don't like".into(),
        words: "Jo makes it with oat milk now".into(),
    }
}

#[test]
fn news_from_staff_is_told_at_the_start_of_a_turn_and_never_interrupts_anything() {
    for screen in ALL_SCREENS {
        let mut t = Test::to(&["Jo"], screen);
        let news = news_for_alex(&t.flow);
        let effects = t.send(FlowEvent::News(vec![news]));
        if screen == Screen::Topics {
            assert_eq!(t.flow.screen(), Screen::Mat, "told now, on the topics");
            let session = t.flow.session().unwrap();
            assert_eq!(session.topic().id.as_str(), NEWS_TOPIC);
            assert!(said(&effects).contains(&"You said you don't like tea."));
        } else {
            assert_eq!(t.flow.screen(), screen, "{screen:?} goes on as it was");
            assert!(effects.is_empty(), "{screen:?}: {effects:?}");
        }
    }
}

#[test]
fn news_is_told_once_and_someone_elses_is_kept_for_them() {
    let mut t = Test::to(&["Jo"], Screen::Company);
    let mut sams = news_for_alex(&t.flow);
    sams.action_id = 8;
    sams.person_id = t.flow.config().people[1].person.id.clone();
    let alexs = news_for_alex(&t.flow);
    t.send(FlowEvent::News(vec![sams, alexs]));
    // Alex chooses who is with them: Alex's news first, not Sam's.
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Mat);
    assert_eq!(
        t.flow.session().unwrap().topic().cards[0].id.as_str(),
        "action-7"
    );
    t.tap(Event::PlaceOn(0));
    t.tap(Event::Finish);
    t.tap(Event::StartAgain);
    assert_eq!(t.flow.screen(), Screen::Topics, "told once");
    // Sam's is still there for Sam.
    t.tap(Event::SomeoneElse);
    t.tap(Event::Choose(1));
    t.tap(Event::Choose(0));
    assert_eq!(
        t.flow.session().unwrap().topic().cards[0].id.as_str(),
        "action-8"
    );
}

/// The home's topics after Alex's family saved a new version of Food (one
/// card, their own mug) in a set kept in the plan.
fn food_with_alexs_mug(flow: &Flow<Utc>) -> ChangedTopics {
    let mut topics = flow.config().topics.clone();
    topics[0].cards.truncate(1);
    topics[0].cards[0].label = "My red mug".into();
    topics[0].from_set = Some("alexs@2".into());
    ChangedTopics {
        topics,
        person_topics: vec![vec![0, 1], vec![1]],
    }
}

fn started_set(effects: &[FlowEffect]) -> Option<String> {
    records(effects).into_iter().find_map(|r| match r {
        Record::Started { set_id, .. } => Some(set_id.clone()),
        _ => None,
    })
}

#[test]
fn a_set_changed_during_a_mat_leaves_that_mat_and_the_next_mat_uses_it() {
    let mut t = Test::to(&[], Screen::Mat);
    let before = t.flow.session().unwrap().topic().clone();
    let changed = food_with_alexs_mug(&t.flow);
    t.flow.change_topics(changed);

    for event in [Event::PlaceOn(0), Event::PlaceOn(1), Event::PlaceOn(2)] {
        t.tap(event);
        assert_eq!(t.flow.session().unwrap().topic(), &before);
    }
    t.tap(Event::Finish);
    assert_eq!(t.flow.screen(), Screen::Finished);
    t.tap(Event::StartAgain);
    assert_eq!(t.flow.screen(), Screen::Topics);
    let effects = t.tap(Event::Choose(0));
    let topic = t.flow.session().unwrap().topic();
    assert_eq!(topic.cards.len(), 1);
    assert_eq!(topic.cards[0].label, "My red mug");
    assert_eq!(started_set(&effects).as_deref(), Some("alexs@2"));
}

#[test]
fn a_set_changed_while_the_topics_are_listed_waits_for_the_next_list() {
    let mut t = Test::to(&["Jo"], Screen::Topics);
    let changed = food_with_alexs_mug(&t.flow);
    t.flow.change_topics(changed);
    // The list on screen is the one the person is looking at.
    let effects = t.tap(Event::Choose(0));
    assert_eq!(started_set(&effects).as_deref(), Some("test"));
    assert_eq!(t.flow.session().unwrap().topic().cards.len(), 3);
}

#[test]
fn after_carry_on_a_card_counts_as_shown_from_then_for_early_presses_and_response_times() {
    let mut config = config(&["Jo"]);
    config.people[0].voicing.answer_after_ms = 600;
    let mut ids = Counter(0);
    let (flow, _) = Flow::start(config.clone(), Utc, seven(), Restored::default(), &mut ids);
    let mut t = Test {
        flow,
        ids,
        now: seven(),
        effects: Vec::new(),
    };
    t.tap(Event::Choose(0));
    t.tap(Event::Choose(0));
    t.tap(Event::Choose(0));
    t.wait(Duration::seconds(2));
    t.tap(Event::PlaceOn(0));
    let rows: Vec<Record> = records(&t.effects).into_iter().cloned().collect();

    // The kiosk starts again (its monotonic clock from nought); the person
    // takes seven seconds to choose themselves and carry on.
    let restart = Now::new(t.now.wall + Duration::minutes(2), Mono(0));
    let (flow, _) = Flow::start(
        config,
        Utc,
        restart,
        Restored::from_records(&rows),
        &mut t.ids,
    );
    let mut t = Test {
        flow,
        ids: Counter(t.ids.0),
        now: restart,
        effects: Vec::new(),
    };
    t.wait(Duration::seconds(3));
    t.tap(Event::Choose(0));
    t.wait(Duration::seconds(2));
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Resume);
    t.wait(Duration::seconds(2));
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Mat);

    t.wait(Duration::milliseconds(300));
    let effects = t.tap(Event::PlaceOn(1));
    assert!(
        matches!(records(&effects)[..], [Record::Ignored { .. }]),
        "a press 300 ms after the card came back is too early: {effects:?}"
    );
    t.wait(Duration::milliseconds(700));
    let effects = t.tap(Event::PlaceOn(1));
    let [Record::Placed { response_ms, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        *response_ms, 1000,
        "from the moment the card was back on screen"
    );
}

#[test]
fn back_on_the_first_card_asks_to_leave_and_stopping_keeps_the_mat_as_partial() {
    let mut t = Test::to(&[], Screen::Mat);
    let effects = t.tap(Event::Undo);
    assert_eq!(t.flow.screen(), Screen::Leave);
    assert!(records(&effects).is_empty());
    assert_eq!(
        said(&effects),
        ["Stop Food for now? You can carry on later."]
    );
    let titles: Vec<String> = t
        .flow
        .view()
        .picker
        .items
        .iter()
        .map(|i| i.title.clone())
        .collect();
    assert_eq!(titles, ["Carry on: Food", "Stop for now"]);

    let effects = t.tap(Event::Choose(1));
    assert!(
        matches!(records(&effects)[..], [Record::Paused { session_id, .. }] if session_id.as_str() == "mat-1"),
        "kept as partial, never lost: {effects:?}"
    );
    assert_eq!(t.flow.screen(), Screen::Topics, "another topic to choose");
    assert_eq!(t.flow.memory().unfinished["p-alex"].session_id, "mat-1");

    // At the person's next turn, the mat is there to carry on.
    t.tap(Event::SomeoneElse);
    t.tap(Event::Choose(0));
    assert_eq!(t.flow.screen(), Screen::Resume);
    assert_eq!(t.flow.view().picker.items[0].title, "Carry on: Food");
}

#[test]
fn back_again_or_carry_on_returns_to_the_card_as_it_was() {
    for back in [Event::Undo, Event::Choose(0)] {
        let mut t = Test::to(&[], Screen::Mat);
        t.tap(Event::Undo);
        let effects = t.tap(back);
        assert_eq!(t.flow.screen(), Screen::Mat, "{back:?}");
        assert!(records(&effects).is_empty(), "{back:?}: {effects:?}");
        assert_eq!(said(&effects), ["tea"], "{back:?}: the card again");
        assert_eq!(t.flow.session().unwrap().id().as_str(), "mat-1");
    }
}

#[test]
fn a_switch_user_reaches_leave_by_back_and_a_one_topic_person_is_offered_to_carry_on() {
    // Sam has one topic: no other to go to, so carry on or start again.
    let mut t = Test::to(&[], Screen::People);
    t.tap(Event::Choose(1));
    assert_eq!(t.flow.screen(), Screen::Mat);
    while t.flow.session().unwrap().highlighted_choice() != Some(Choice::Undo) {
        t.tap(Event::MoveHighlight(Step::Forward));
    }
    t.tap(Event::Select);
    assert_eq!(t.flow.screen(), Screen::Leave);
    let effects = t.tap(Event::Choose(1));
    assert!(matches!(records(&effects)[..], [Record::Paused { .. }]));
    assert_eq!(t.flow.screen(), Screen::Resume);
}

#[test]
fn back_after_a_card_is_placed_still_takes_that_step_back() {
    let mut t = Test::to(&[], Screen::Mat);
    t.tap(Event::PlaceOn(0));
    let effects = t.tap(Event::Undo);
    assert_eq!(t.flow.screen(), Screen::Mat);
    assert!(matches!(records(&effects)[..], [Record::Undone { .. }]));
}

#[test]
fn a_press_that_can_do_nothing_is_counted_for_the_screen_to_answer() {
    let mut t = Test::to(&[], Screen::Mat);
    let before = t.flow.presses_that_did_nothing();
    let count = |t: &Test| t.flow.presses_that_did_nothing() - before;
    // A key for a point the three-point scale does not have.
    t.tap(Event::PlaceOn(4));
    assert_eq!(count(&t), 1);
    t.tap(Event::Finish);
    assert_eq!(count(&t), 2, "finish before the review");
    // Presses that do something are not.
    t.tap(Event::MoveHighlight(Step::Forward));
    t.tap(Event::PlaceOn(0));
    t.tap(Event::SayAgain);
    assert_eq!(count(&t), 2);
    assert_eq!(t.flow.view().presses_that_did_nothing, before + 2);
}

#[test]
fn the_finished_screen_gives_way_to_the_people_of_the_home_after_half_a_minute() {
    let mut t = Test::to(&[], Screen::Finished);
    t.wait(Duration::seconds(29));
    assert_eq!(t.flow.screen(), Screen::Finished);
    t.wait(Duration::seconds(1));
    assert_eq!(t.flow.screen(), Screen::People);
}

#[test]
fn on_my_own_has_a_picture_of_its_own_and_the_supporters_the_persons_placeholder() {
    let t = Test::to(&["Jo"], Screen::Company);
    let items = t.flow.view().picker.items;
    assert_eq!(items[0].title, "on my own");
    assert_eq!(
        items[0].picture,
        crate::core::PictureRef::InSet("bundled:on-my-own.svg".into())
    );
    assert_eq!(items[1].title, "Jo");
    assert_eq!(items[1].picture, crate::core::PictureRef::None);
}

#[test]
fn the_end_of_a_mat_says_saved_only_when_it_is_and_names_the_topic() {
    let mut t = Test::to(&[], Screen::Finished);
    assert_eq!(t.flow.view().mat.end_words, "Your mat about Food is saved.");
    assert_eq!(t.flow.view().mat.said_before, "", "only on what staff did");
    t.send(FlowEvent::Saving(false));
    assert_eq!(
        t.flow.view().mat.end_words,
        "Your mat about Food is finished."
    );
}

#[test]
fn a_topic_without_a_picture_of_its_own_shows_its_first_cards() {
    let mut config = config(&[]);
    config.topics[1].picture = None;
    config.topics[1].cards[0].picture = None;
    config.topics[1].cards[1].picture = Some("photos/mug.jpg".into());
    let mut ids = Counter(0);
    let (mut flow, _) = Flow::start(config, Utc, seven(), Restored::default(), &mut ids);
    flow.handle(
        FlowEvent::Input(Input::new(Event::Choose(0), InputMethod::Touch)),
        seven(),
        &mut ids,
    );
    assert_eq!(flow.screen(), Screen::Topics);
    let items = flow.view().picker.items;
    assert_eq!(items[1].title, "Drinks");
    assert_eq!(
        items[1].picture,
        crate::core::PictureRef::InSet("photos/mug.jpg".into())
    );
}
