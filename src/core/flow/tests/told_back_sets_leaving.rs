//! What staff did, told back at the start of a turn; sets that change under a mat; leaving a mat part-way; and what a press that does nothing is told.

use super::*;

fn told_back_for_alex(flow: &Flow<Utc>) -> ToldBack {
    ToldBack {
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
fn what_staff_did_is_told_back_at_the_start_of_a_turn_and_never_interrupts_anything() {
    for screen in ALL_SCREENS {
        let mut t = Test::to(&["Jo"], screen);
        let told_back = told_back_for_alex(&t.flow);
        let effects = t.send(FlowEvent::ToldBack(vec![told_back]));
        if screen == Screen::Topics {
            assert_eq!(t.flow.screen(), Screen::Mat, "told now, on the topics");
            let session = t.flow.session().unwrap();
            assert_eq!(session.topic().id.as_str(), TOLD_BACK_TOPIC);
            assert!(said(&effects).contains(&"You said you don't like tea."));
        } else {
            assert_eq!(t.flow.screen(), screen, "{screen:?} goes on as it was");
            assert!(effects.is_empty(), "{screen:?}: {effects:?}");
        }
    }
}

#[test]
fn what_staff_did_is_told_back_once_and_someone_elses_is_kept_for_them() {
    let mut t = Test::to(&["Jo"], Screen::Company);
    let mut sams = told_back_for_alex(&t.flow);
    sams.action_id = 8;
    sams.person_id = t.flow.config().people[1].person.id.clone();
    let alexs = told_back_for_alex(&t.flow);
    t.send(FlowEvent::ToldBack(vec![sams, alexs]));
    // Alex chooses who is with them: what is told back to Alex first, not Sam's.
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

#[test]
fn a_new_home_file_waits_until_nobody_in_a_shared_home_is_in_the_middle_of_anything() {
    let takes_up = |effects: &[FlowEffect]| effects.contains(&FlowEffect::TakeUpHome);
    for screen in ALL_SCREENS {
        let mut t = Test::to(&["Jo"], screen);
        let at_once = t.send(FlowEvent::HomeChanged);
        assert!(!takes_up(&at_once), "{screen:?}: just touched");
        let effects = t.wait(Duration::milliseconds(HOME_WAITS_FOR_QUIET_MS as i64));
        // Only the people screen has nobody on it; anyone else's turn goes
        // back to it at the idle time, and it is taken up a minute after.
        assert_eq!(takes_up(&effects), screen == Screen::People, "{screen:?}");
        if screen != Screen::People {
            let mut taken = false;
            for _ in 0..12 {
                taken |= takes_up(&t.wait(Duration::minutes(1)));
            }
            assert!(taken, "{screen:?}: taken up once the kiosk was left");
            assert_eq!(t.flow.screen(), Screen::People, "{screen:?}");
        }
        let once: Vec<_> = (0..3).map(|_| t.wait(Duration::minutes(2))).collect();
        assert!(once.iter().all(|e| !takes_up(e)), "{screen:?}: once");
    }
}

#[test]
fn a_press_puts_off_taking_up_a_new_home_file() {
    let mut t = Test::to(&["Jo"], Screen::People);
    t.send(FlowEvent::HomeChanged);
    t.wait(Duration::seconds(50));
    t.tap(Event::MoveHighlight(Step::Forward));
    let effects = t.wait(Duration::seconds(50));
    assert!(
        !effects.contains(&FlowEffect::TakeUpHome),
        "a finger is near"
    );
    let effects = t.wait(Duration::seconds(11));
    assert!(effects.contains(&FlowEffect::TakeUpHome));
}
