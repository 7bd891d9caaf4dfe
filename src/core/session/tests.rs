use chrono::{TimeZone, Utc};

use super::*;
use crate::core::picture_set::tests::small_set;

fn t(second: u32) -> Now {
    Now::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, second).unwrap(),
        Mono(u64::from(second) * 1000),
    )
}

fn key(event: Event) -> Input {
    Input::new(event, InputMethod::Key)
}

fn start() -> (MatSession, Vec<Effect>) {
    let person = PersonRef {
        id: "p1".into(),
        name: "Alex".into(),
    };
    let topic = small_set().topic("food").unwrap().clone();
    MatSession::start(
        "s1".into(),
        person,
        "test",
        topic,
        SessionSettings::default(),
        t(0),
    )
}

fn spoken(effects: &[Effect]) -> Vec<(&str, SpeakMode)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say(u) => Some((u.text.as_str(), u.mode)),
            _ => None,
        })
        .collect()
}

fn records(effects: &[Effect]) -> Vec<&Record> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// Places every card on the points given, in order.
fn place_all(session: &mut MatSession, points: &[usize]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (i, point) in points.iter().enumerate() {
        effects = session.handle(key(Event::PlaceOn(*point)), t(i as u32 + 1));
    }
    effects
}

#[test]
fn starting_records_the_session_asks_the_question_and_offers_the_first_card() {
    let (session, effects) = start();
    assert_eq!(session.stage(), Stage::Offering { card: 0 });
    assert!(matches!(records(&effects)[..], [Record::Started { .. }]));
    assert_eq!(
        spoken(&effects),
        vec![
            ("What do you think about food?", SpeakMode::Interrupt),
            ("tea", SpeakMode::Queue)
        ]
    );
    assert!(effects.contains(&Effect::Show(Screen::Mat)));
}

#[test]
fn placing_speaks_for_the_person_records_and_offers_the_next_card() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::PlaceOn(0)), t(4));
    assert_eq!(
        spoken(&effects),
        vec![
            ("I like tea.", SpeakMode::Interrupt),
            ("cake", SpeakMode::Queue)
        ]
    );
    let [Record::Placed {
        seq,
        card_id,
        spot,
        point_label,
        via,
        response_ms,
        ..
    }] = records(&effects)[..]
    else {
        panic!("expected one placement, got {effects:?}");
    };
    assert_eq!(
        (*seq, card_id.as_str(), *spot, point_label.as_str()),
        (1, "tea", Spot::on(0), "like")
    );
    assert_eq!((*via, *response_ms), (InputMethod::Key, 4000));
    assert_eq!(session.stage(), Stage::Offering { card: 1 });
    assert_eq!(session.cards_on(0).len(), 1);
}

#[test]
fn the_next_card_carries_its_recorded_clip() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::PlaceOn(0)), t(1));
    let clip = effects.iter().find_map(|e| match e {
        Effect::Say(u) if u.text == "cake" => Some(u.clip.clone()),
        _ => None,
    });
    assert_eq!(clip, Some(Some("cake.wav".to_string())));
}

#[test]
fn a_press_before_the_card_could_be_seen_is_ignored_and_recorded_as_ignored() {
    let person = PersonRef {
        id: "p1".into(),
        name: "Alex".into(),
    };
    let settings = SessionSettings {
        answer_after_ms: 600,
        ..SessionSettings::default()
    };
    let topic = small_set().topic("food").unwrap().clone();
    let at = |ms: u64| Now::new(t(0).wall, Mono(ms));
    let (mut session, _) = MatSession::start("s1".into(), person, "test", topic, settings, at(0));
    // A bounce 40 ms after the card appeared: not an answer.
    let effects = session.handle(key(Event::PlaceOn(0)), at(40));
    assert!(matches!(
        records(&effects)[..],
        [Record::Ignored {
            would_have: WouldHave::Answered,
            ..
        }]
    ));
    assert!(spoken(&effects).is_empty(), "nothing is said for it");
    assert_eq!(session.dealt_count(), 0);
    // Saying it again, or moving the highlight, is never too soon.
    assert!(!session.handle(key(Event::SayAgain), at(50)).is_empty());
    // At 600 ms the card has been seen: the press answers it.
    let effects = session.handle(key(Event::PlaceOn(0)), at(600));
    assert!(matches!(records(&effects)[..], [Record::Placed { .. }]));
    // The next card appeared just now: a double tap does not answer it,
    // nor does a tap on the card just placed (a tap on its column).
    let effects = session.handle(key(Event::Skip), at(650));
    assert!(matches!(records(&effects)[..], [Record::Ignored { .. }]));
    let effects = session.handle(key(Event::PickUp(0)), at(660));
    assert!(matches!(records(&effects)[..], [Record::Ignored { .. }]));
    session.handle(key(Event::PlaceOn(1)), at(1300));
    session.handle(key(Event::PlaceOn(2)), at(2000));
    assert_eq!(session.stage(), Stage::Reviewing);
    // Nor does it finish the mat when the review has just appeared.
    let effects = session.handle(key(Event::Finish), at(2100));
    assert!(matches!(
        records(&effects)[..],
        [Record::Ignored {
            would_have: WouldHave::Finished,
            ..
        }]
    ));
    assert_eq!(session.stage(), Stage::Reviewing);
    session.handle(key(Event::Finish), at(2600));
    assert_eq!(session.stage(), Stage::Finished);
}

#[test]
fn response_time_counts_from_when_the_card_was_offered() {
    let (mut session, _) = start();
    session.handle(key(Event::PlaceOn(0)), t(3));
    let effects = session.handle(key(Event::PlaceOn(1)), t(10));
    let [Record::Placed { response_ms, .. }] = records(&effects)[..] else {
        panic!()
    };
    assert_eq!(*response_ms, 7000);
}

#[test]
fn a_point_beyond_the_scale_does_nothing() {
    let (mut session, _) = start();
    assert!(session.handle(key(Event::PlaceOn(3)), t(1)).is_empty());
    assert!(session.handle(key(Event::PlaceOn(4)), t(1)).is_empty());
    assert_eq!(session.stage(), Stage::Offering { card: 0 });
    assert_eq!(session.dealt_count(), 0);
}

#[test]
fn the_last_placement_opens_the_review_and_speaks_the_summary_point_by_point() {
    let (mut session, _) = start();
    let effects = place_all(&mut session, &[0, 2, 0]);
    assert_eq!(session.stage(), Stage::Reviewing);
    assert!(effects.contains(&Effect::Show(Screen::Review)));
    assert_eq!(
        spoken(&effects),
        vec![
            ("I like a pizza.", SpeakMode::Interrupt),
            ("Let's look at your mat.", SpeakMode::Queue),
            ("You like tea and a pizza.", SpeakMode::Queue),
            ("You don't like cake.", SpeakMode::Queue),
        ]
    );
}

#[test]
fn undo_takes_back_the_last_placement_and_offers_that_card_again() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 2]);
    let effects = session.handle(key(Event::Undo), t(9));
    assert_eq!(session.stage(), Stage::Offering { card: 1 });
    assert_eq!(
        records(&effects),
        vec![&Record::Undone {
            session_id: "s1".into(),
            seq: 3,
            undoes: 2,
            at: t(9).wall,
            via: InputMethod::Key,
        }]
    );
    assert_eq!(spoken(&effects), vec![("cake", SpeakMode::Interrupt)]);
    assert!(session.cards_on(2).is_empty());

    // A second undo steps back once more; a third has nothing left to take.
    session.handle(key(Event::Undo), t(10));
    assert_eq!(session.stage(), Stage::Offering { card: 0 });
    assert!(session.handle(key(Event::Undo), t(11)).is_empty());
}

#[test]
fn on_the_review_placing_is_over() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 1, 2]);
    for point in 0..3 {
        assert!(session.handle(key(Event::PlaceOn(point)), t(9)).is_empty());
    }
    assert!(session.handle(key(Event::StartAgain), t(9)).is_empty());
    assert_eq!(session.stage(), Stage::Reviewing);
}

#[test]
fn undo_from_the_review_returns_to_the_mat() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 1, 2]);
    let effects = session.handle(key(Event::Undo), t(9));
    assert!(effects.contains(&Effect::Show(Screen::Mat)));
    assert_eq!(session.stage(), Stage::Offering { card: 2 });
}

#[test]
fn say_again_repeats_without_recording() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::SayAgain), t(1));
    assert_eq!(
        effects,
        vec![Effect::Say(Utterance {
            text: "tea".into(),
            clip: None,
            mode: SpeakMode::Interrupt,
            cue: false,
            volume: None,
        })]
    );

    place_all(&mut session, &[1, 1, 1]);
    let effects = session.handle(key(Event::SayAgain), t(9));
    assert!(records(&effects).is_empty());
    assert_eq!(
        spoken(&effects),
        vec![
            ("Let's look at your mat.", SpeakMode::Interrupt),
            (
                "You're not sure about tea, cake and a pizza.",
                SpeakMode::Queue
            ),
        ]
    );
}

#[test]
fn finishing_is_explicit_and_only_from_the_review() {
    let (mut session, _) = start();
    assert!(session.handle(key(Event::Finish), t(1)).is_empty());
    assert!(session.handle(key(Event::Select), t(1)).is_empty());
    place_all(&mut session, &[0, 1, 2]);
    let effects = session.handle(key(Event::Select), t(9));
    assert_eq!(session.stage(), Stage::Finished);
    assert!(effects.contains(&Effect::Record(Record::Finished {
        session_id: "s1".into(),
        at: t(9).wall,
        via: InputMethod::Key
    })));
    assert!(effects.contains(&Effect::Show(Screen::Finished)));
}

#[test]
fn a_finished_mat_is_final() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 1, 2]);
    session.handle(Input::new(Event::Finish, InputMethod::Touch), t(9));
    for event in [Event::Undo, Event::PlaceOn(0), Event::Finish] {
        assert!(
            records(&session.handle(key(event), t(10))).is_empty(),
            "{event:?}"
        );
    }
    assert_eq!(session.stage(), Stage::Finished);
    assert_eq!(
        session.handle(key(Event::StartAgain), t(11)),
        vec![Effect::StartNewMat]
    );
    assert_eq!(
        session.handle(key(Event::Select), t(11)),
        vec![Effect::StartNewMat]
    );
}

#[test]
fn start_again_means_nothing_before_the_mat_is_finished() {
    let (mut session, _) = start();
    assert!(session.handle(key(Event::StartAgain), t(1)).is_empty());
    place_all(&mut session, &[0, 1, 2]);
    assert!(session.handle(key(Event::StartAgain), t(9)).is_empty());
}

#[test]
fn the_highlight_moves_round_the_scale_and_buttons_and_select_places_there() {
    let (mut session, _) = start();
    assert_eq!(
        session.choices(),
        [
            Choice::Point(0),
            Choice::Point(1),
            Choice::Point(2),
            Choice::Skip,
            Choice::SomethingElse,
            Choice::SayAgain,
            Choice::Undo
        ]
    );
    session.handle(key(Event::MoveHighlight(Step::Back)), t(1));
    assert_eq!(session.highlighted_choice(), Some(Choice::Undo));
    session.handle(key(Event::MoveHighlight(Step::Back)), t(1));
    assert_eq!(session.highlighted_choice(), Some(Choice::SayAgain));
    let effects = session.handle(key(Event::Select), t(1));
    assert_eq!(
        spoken(&effects),
        [("tea", SpeakMode::Interrupt)],
        "say again, by scanning"
    );
    for _ in 0..2 {
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
    }
    assert_eq!(
        session.highlighted_choice(),
        Some(Choice::Point(0)),
        "round again"
    );
    session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
    let effects = session.handle(key(Event::Select), t(2));
    let [Record::Placed { spot, .. }] = records(&effects)[..] else {
        panic!()
    };
    assert_eq!(spot.point, 1);
    assert_eq!(
        session.highlighted_choice(),
        None,
        "a new card starts with no highlight"
    );
}

#[test]
fn with_auditory_scanning_each_highlight_is_named_cutting_off_the_last() {
    let person = PersonRef {
        id: "p1".into(),
        name: "Alex".into(),
    };
    let topic = small_set().topic("food").unwrap().clone();
    let settings = SessionSettings {
        auditory_cues: true,
        ..SessionSettings::default()
    };
    let (mut session, _) = MatSession::start("s1".into(), person, "test", topic, settings, t(0));
    let cues: Vec<String> = (0..8)
        .flat_map(|_| session.handle(key(Event::MoveHighlight(Step::Forward)), t(1)))
        .map(|effect| match effect {
            Effect::Say(Utterance {
                text,
                mode: SpeakMode::Interrupt,
                cue: true,
                ..
            }) => text,
            other => panic!("only interrupting cues: {other:?}"),
        })
        .collect();
    assert_eq!(
        cues,
        [
            "like",
            "not sure",
            "don't like",
            "skip",
            "something else",
            "say again",
            "back",
            "like"
        ]
    );

    let (mut quiet, _) = start();
    assert!(
        quiet
            .handle(key(Event::MoveHighlight(Step::Forward)), t(1))
            .is_empty(),
        "cues are off by default"
    );
}

#[test]
fn on_the_review_a_moved_highlight_selects_what_it_is_on() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 1, 2]);
    session.handle(key(Event::MoveHighlight(Step::Forward)), t(9));
    session.handle(key(Event::MoveHighlight(Step::Forward)), t(9));
    assert_eq!(session.highlighted_choice(), Some(Choice::Undo));
    session.handle(key(Event::Select), t(10));
    assert_eq!(session.stage(), Stage::Offering { card: 2 });
}

#[test]
fn skip_passes_over_the_card_on_offer_and_undo_brings_it_back() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::Skip), t(2));
    assert_eq!(
        spoken(&effects),
        [
            ("Skip tea.", SpeakMode::Interrupt),
            ("cake", SpeakMode::Queue)
        ]
    );
    let [Record::Skipped {
        card_id,
        response_ms,
        ..
    }] = records(&effects)[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!((card_id.as_str(), *response_ms), ("tea", 2000));
    assert_eq!(session.dealt_count(), 1);
    let effects = session.handle(key(Event::Undo), t(3));
    assert!(matches!(
        records(&effects)[..],
        [Record::Undone { undoes: 1, .. }]
    ));
    assert_eq!(session.stage(), Stage::Offering { card: 0 });
    assert!(!session.is_skipped(0));
}

#[test]
fn something_else_adds_a_blank_card_offered_at_once_then_the_card_that_was_on_offer() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::SomethingElse), t(1));
    assert_eq!(spoken(&effects), [("something else", SpeakMode::Interrupt)]);
    assert!(
        records(&effects).is_empty(),
        "nothing to record until it is placed"
    );
    let blank = session.card_on_offer().unwrap().clone();
    assert_eq!(blank.id, "something-else-1");
    assert_eq!(blank.picture.as_deref(), Some(SOMETHING_ELSE_PICTURE));
    let effects = session.handle(key(Event::PlaceOn(0)), t(2));
    assert_eq!(
        spoken(&effects),
        [
            ("I like something else.", SpeakMode::Interrupt),
            ("tea", SpeakMode::Queue)
        ]
    );
    assert_eq!(session.topic().cards.len(), 4);
    // Undo twice: the placement, then the blank card itself.
    session.handle(key(Event::Undo), t(3));
    assert_eq!(session.stage(), Stage::Offering { card: 3 });
    let effects = session.handle(key(Event::Undo), t(4));
    assert_eq!(spoken(&effects), [("tea", SpeakMode::Interrupt)]);
    assert_eq!(session.topic().cards.len(), 3);
}

#[test]
fn a_card_picked_up_on_the_review_is_moved_by_a_new_placement_and_undo_puts_it_back() {
    let (mut session, _) = start();
    place_all(&mut session, &[0, 1, 2]);
    let effects = session.handle(key(Event::PickUp(0)), t(10));
    assert_eq!(
        spoken(&effects),
        [("Where does tea go?", SpeakMode::Interrupt)]
    );
    assert_eq!(session.screen(), Screen::Review);
    assert_eq!(
        session.choices()[3..],
        [Choice::TellMeMore, Choice::PutBack]
    );
    let effects = session.handle(
        key(Event::PlaceAt(Spot {
            point: 1,
            offset: 30,
        })),
        t(12),
    );
    let [Record::Placed {
        seq: 4,
        card_id,
        spot,
        response_ms: 2000,
        ..
    }] = records(&effects)[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (card_id.as_str(), *spot),
        (
            "tea",
            Spot {
                point: 1,
                offset: 30
            }
        )
    );
    assert_eq!(
        session.stage(),
        Stage::Reviewing,
        "back to the review, not spoken again"
    );
    assert_eq!(session.cards_on(1), [1, 0]);
    assert_eq!(session.summary()[0], "You're not sure about cake and tea.");

    let effects = session.handle(key(Event::Undo), t(13));
    assert!(matches!(
        records(&effects)[..],
        [Record::Undone { undoes: 4, .. }]
    ));
    assert_eq!(
        session.stage(),
        Stage::Reviewing,
        "undoing a move stays on the review"
    );
    assert_eq!(session.cards_on(0), [0]);
    assert_eq!(session.spot_of(0), Some(Spot::on(0)));
}

#[test]
fn a_tap_on_a_placed_card_while_another_is_on_offer_puts_the_offered_one_in_its_column() {
    let (mut session, _) = start();
    session.handle(key(Event::PlaceOn(2)), t(1));
    // "cake" is on offer; the person taps where "tea" sits.
    let effects = session.handle(key(Event::PickUp(0)), t(2));
    let [Record::Placed { card_id, spot, .. }] = records(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!((card_id.as_str(), *spot), ("cake", Spot::on(2)));
    assert_eq!(session.cards_on(2), [0, 1], "tea stays where it was");
    assert_eq!(session.screen(), Screen::Mat);
    // A card not on the mat does nothing.
    assert!(session.handle(key(Event::PickUp(2)), t(4)).is_empty());
}

#[test]
fn tell_me_more_marks_a_card_once_and_the_review_says_so() {
    let (mut session, _) = start();
    let effects = session.handle(key(Event::TellMeMore), t(1));
    assert_eq!(
        spoken(&effects),
        [("I want to tell you more about tea.", SpeakMode::Interrupt)]
    );
    assert!(matches!(
        records(&effects)[..],
        [Record::Marked { seq: 1, .. }]
    ));
    let again = session.handle(key(Event::TellMeMore), t(2));
    assert!(
        records(&again).is_empty(),
        "marking twice records nothing new"
    );
    assert!(session.is_marked(0));
    place_all(&mut session, &[0, 1, 2]);
    assert_eq!(
        session.summary().last().unwrap(),
        "You want to tell us more about tea."
    );
}

#[test]
fn neutral_feedback_every_point_gets_the_same_kind_of_response() {
    // The same effects, in the same modes, wherever the card goes: only
    // the point's own words differ. No point is praised.
    let shapes: Vec<Vec<String>> = (0..3)
        .map(|point| {
            let (mut session, _) = start();
            session
                .handle(key(Event::PlaceOn(point)), t(1))
                .iter()
                .map(|e| match e {
                    Effect::Say(u) => format!("say {:?}", u.mode),
                    Effect::Record(_) => "record".into(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");
}

#[test]
fn the_journal_replays_to_the_mat_on_screen() {
    let (mut session, mut all) = start();
    for (i, event) in [
        Event::PlaceOn(0),
        Event::Skip,
        Event::Undo,
        Event::PlaceOn(1),
        Event::PlaceOn(2),
        Event::PickUp(1),
        Event::PlaceAt(Spot {
            point: 0,
            offset: 20,
        }),
        Event::Undo,
        Event::PickUp(2),
        Event::TellMeMore,
    ]
    .into_iter()
    .enumerate()
    {
        all.extend(session.handle(key(event), t(i as u32 + 1)));
    }
    let replayed = replayed(&all);
    assert_eq!(replayed, on_screen(&session));
    assert_eq!(
        replayed.0,
        vec![
            ("tea".into(), Spot::on(0)),
            ("cake".into(), Spot::on(1)),
            ("pizza".into(), Spot::on(2))
        ]
    );
    assert_eq!(replayed.2, vec![CardId::from("pizza")]);
}

type MatView = (Vec<(CardId, Spot)>, Vec<CardId>, Vec<CardId>);

/// The mat as the journal records rebuild it: placements in mat order,
/// skipped cards, marked cards (sorted).
fn replayed(effects: &[Effect]) -> MatView {
    let actions: Vec<_> = records(effects)
        .into_iter()
        .filter_map(crate::core::JournalAction::from_record)
        .collect();
    let mat = crate::core::replay(&actions);
    let mut skipped: Vec<CardId> = mat.skipped.into_iter().map(|(c, _)| c).collect();
    let mut marked: Vec<CardId> = mat.marked.into_iter().map(|(c, _)| c).collect();
    skipped.sort();
    marked.sort();
    (
        mat.placements
            .into_iter()
            .map(|p| (p.card_id, p.spot))
            .collect(),
        skipped,
        marked,
    )
}

/// The same, as the session holds it.
fn on_screen(session: &MatSession) -> MatView {
    let cards = &session.topic().cards;
    let mut order: Vec<usize> = (0..cards.len())
        .filter(|&c| session.spot_of(c).is_some())
        .collect();
    order.sort_by_key(|&c| session.last_put_seq(c));
    let mut skipped: Vec<CardId> = (0..cards.len())
        .filter(|&c| session.is_skipped(c) && session.spot_of(c).is_none())
        .map(|c| cards[c].id.clone())
        .collect();
    let mut marked: Vec<CardId> = (0..cards.len())
        .filter(|&c| session.is_marked(c))
        .map(|c| cards[c].id.clone())
        .collect();
    skipped.sort();
    marked.sort();
    (
        order
            .into_iter()
            .map(|c| (cards[c].id.clone(), session.spot_of(c).unwrap()))
            .collect(),
        skipped,
        marked,
    )
}

fn any_event() -> impl proptest::strategy::Strategy<Value = Event> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (0usize..4).prop_map(Event::PlaceOn),
        2 => (0usize..3, -60i8..60).prop_map(|(point, offset)| Event::PlaceAt(Spot { point, offset })),
        2 => (0usize..6).prop_map(Event::PickUp),
        1 => Just(Event::PutBack),
        2 => Just(Event::Skip),
        1 => Just(Event::SomethingElse),
        1 => Just(Event::TellMeMore),
        3 => Just(Event::Undo),
        1 => Just(Event::SayAgain),
        1 => Just(Event::Finish),
        2 => Just(Event::MoveHighlight(Step::Forward)),
        1 => Just(Event::MoveHighlight(Step::Back)),
        2 => Just(Event::Select),
    ]
}

proptest::proptest! {
    /// Whatever a person does, in any order: every card is in one place
    /// at most, the journal replays to the mat on screen, and a finished
    /// mat has every card dealt with.
    #[test]
    fn any_sequence_leaves_a_consistent_mat_that_the_journal_rebuilds(
        events in proptest::collection::vec(any_event(), 0..60)
    ) {
        let (mut session, mut all) = start();
        for (i, event) in events.into_iter().enumerate() {
            if session.stage() == Stage::Finished {
                break;
            }
            all.extend(session.handle(key(event), t(i as u32 % 60)));
            let cards = session.topic().cards.len();
            let on_mat: usize = (0..3).map(|p| session.cards_on(p).len()).sum();
            let placed = (0..cards).filter(|&c| session.spot_of(c).is_some()).count();
            proptest::prop_assert_eq!(on_mat, placed, "each placed card is in exactly one column");
            for c in 0..cards {
                if let Some(spot) = session.spot_of(c) {
                    proptest::prop_assert!(spot.point < 3);
                    proptest::prop_assert!(spot.offset.abs() <= crate::core::event::MAX_OFFSET);
                    proptest::prop_assert!(!(spot.point == 0 && spot.offset < 0));
                }
            }
            proptest::prop_assert_eq!(replayed(&all), on_screen(&session));
        }
        let seqs: Vec<u32> = records(&all).iter().filter_map(|r| match r {
            Record::Placed { seq, .. } | Record::Skipped { seq, .. }
            | Record::Marked { seq, .. } | Record::Undone { seq, .. } => Some(*seq),
            _ => None,
        }).collect();
        proptest::prop_assert!(seqs.windows(2).all(|w| w[0] < w[1]), "seqs only ever grow: {:?}", seqs);
        if session.stage() == Stage::Finished {
            let cards = session.topic().cards.len();
            proptest::prop_assert_eq!(session.dealt_count(), cards);
        } else {
            // The kiosk stops here; the mat is rebuilt from its journal.
            let actions: Vec<_> = records(&all)
                .into_iter()
                .filter_map(crate::core::JournalAction::from_record)
                .collect();
            let topic = small_set().topic("food").unwrap().clone();
            let resumed = MatSession::resume(
                session.id().clone(),
                session.person().clone(),
                topic,
                SessionSettings::default(),
                &actions,
                t(59),
            );
            proptest::prop_assert_eq!(resumed.as_replayed(), session.as_replayed());
            proptest::prop_assert_eq!(on_screen(&resumed), on_screen(&session));
            proptest::prop_assert_eq!(resumed.summary(), session.summary());
            // Carrying on continues the same sequence of actions.
            let next = resumed.clone().handle(key(Event::Undo), t(59));
            let last_seq = seqs.last().copied().unwrap_or(0);
            for record in records(&next) {
                if let Record::Undone { seq, .. } = record {
                    proptest::prop_assert!(*seq > last_seq);
                }
            }
        }
    }
}
