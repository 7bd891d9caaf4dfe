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

mod remembering;
/// What staff did about Alex's view of tea.
mod told_back_sets_leaving;
