//! What every plan must do for the house's questions, checked through
//! [`HousePlan`](super::HousePlan). Each check starts from a fresh, empty plan.

use super::device_conformance::{at, run_check, sam, tea_mat};
use super::house::{CardPicture, HouseError, NewDecision};
use super::staff_conformance::MakePlan;
use super::AllPorts;
use crate::core::house_question::{topic_of, NewQuestion, QuestionRefused};
use crate::core::PersonId;
use crate::store::journal::CheckInRow;
use crate::store::ops::PlanOp;
use crate::store::pictures::NewPicture;
use crate::store::Faults;

type Check = (&'static str, fn(&mut dyn AllPorts));

/// Runs every check; panics naming the first that fails.
pub fn check_house_port(make: &mut MakePlan) {
    let checks: [Check; 7] = [
        (
            "a question is kept with its cards and residents, refused in words without them, and audited",
            a_question_is_kept_with_its_cards_and_residents,
        ),
        (
            "a question's answers are its residents' finished mats on its topic, and who declined",
            a_questions_answers_are_its_residents_finished_mats_on_its_topic,
        ),
        (
            "a decision gives each resident who placed its card an action, told once done with words",
            a_decision_gives_each_resident_who_placed_its_card_an_action,
        ),
        (
            "a card taken off is offered no more and its answers stay counted",
            a_card_taken_off_is_offered_no_more_and_its_answers_stay_counted,
        ),
        (
            "a card's picture is a photo or a home card's, and kiosks get it and no other picture",
            a_cards_picture_is_a_photo_or_a_home_cards,
        ),
        (
            "a resident who leaves keeps their answers counted, is never named, and is asked nothing new",
            a_resident_who_leaves_keeps_their_answers_counted_and_is_asked_nothing_new,
        ),
        (
            "consent to be named is recorded with who and when, and can be withdrawn",
            consent_to_be_named_is_recorded_and_can_be_withdrawn,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("house port", name, || check(&mut *plan));
    }
}

fn add_people(plan: &mut dyn AllPorts, people: &[(&str, &str)]) {
    let ops: Vec<PlanOp> = people
        .iter()
        .map(|(id, name)| PlanOp::AddPerson {
            id: PersonId::new(*id),
            name: (*name).into(),
        })
        .collect();
    plan.execute(&ops, &mut Faults::default()).unwrap();
}

fn garden(people: &[&str]) -> NewQuestion {
    NewQuestion {
        title: "The garden".into(),
        question: "What shall we plant in the garden?".into(),
        scale: "like".into(),
        cards: vec!["Tomatoes".into(), "Roses".into()],
        people: people.iter().map(|p| PersonId::new(*p)).collect(),
        opens: at(0),
        closes: at(60 * 24 * 14),
        asks_again: None,
    }
}

fn a_question_is_kept_with_its_cards_and_residents(plan: &mut dyn AllPorts) {
    add_people(plan, &[("p-sam", "Sam"), ("p-alex", "Alex")]);
    let id = plan
        .make_house_question(&garden(&["p-sam", "p-alex"]), "Jo", at(1))
        .unwrap();
    let kept = plan.house_question(&id).unwrap().unwrap();
    assert_eq!(kept.title, "The garden");
    assert_eq!(kept.cards.len(), 2);
    assert_eq!(kept.cards[1].label, "Roses");
    assert_eq!(kept.people.len(), 2);
    assert_eq!((kept.opens, kept.made_by.as_str()), (at(0), "Jo"));
    let listed = plan.house_questions().unwrap();
    assert_eq!(
        (listed.len(), listed[0].asked, listed[0].answered),
        (1, 2, 0)
    );

    let mut no_cards = garden(&["p-sam"]);
    no_cards.cards.clear();
    assert!(matches!(
        plan.make_house_question(&no_cards, "Jo", at(1)),
        Err(HouseError::Refused(QuestionRefused::NoCards))
    ));
    assert!(matches!(
        plan.make_house_question(&garden(&["p-nobody"]), "Jo", at(1)),
        Err(HouseError::NoSuchPerson(_))
    ));
    let mut again = garden(&["p-sam"]);
    again.asks_again = Some("no-such-question".into());
    assert!(matches!(
        plan.make_house_question(&again, "Jo", at(1)),
        Err(HouseError::NoSuchQuestion)
    ));
    assert_eq!(
        plan.house_questions().unwrap().len(),
        1,
        "nothing refused was kept"
    );
    assert!(plan.house_question("no-such-question").unwrap().is_none());

    // Each step is in the audit log, by period, for the inspection's
    // evidence; making that evidence is a step too.
    let steps = plan.house_steps(at(0), at(2)).unwrap();
    let made: Vec<_> = steps
        .iter()
        .filter(|s| s.action == "house question made")
        .collect();
    assert_eq!(made.len(), 1, "{steps:?}");
    assert!(made[0].detail.contains(&id) && made[0].by == "Jo");
    assert!(plan.house_steps(at(2), at(5)).unwrap().is_empty());
    plan.record_evidence_made("1 to 30 Nov", "Jo", at(5))
        .unwrap();
    let steps = plan.house_steps(at(5), at(6)).unwrap();
    assert_eq!(
        steps
            .iter()
            .map(|s| (s.action.as_str(), s.detail.as_str()))
            .collect::<Vec<_>>(),
        [("house evidence made", "1 to 30 Nov")]
    );
}

/// Sam's mat with tea on "like", made a mat on the question's topic.
fn answer_ops(question: &str, session: &str, practice: bool) -> Vec<PlanOp> {
    let mut ops = tea_mat(session, "kitchen");
    for op in &mut ops {
        match op {
            PlanOp::AddSession(row) => {
                row.topic_id = topic_of(question).into();
                row.practice = practice;
            }
            PlanOp::AddEvidence(row) => row.topic_id = topic_of(question).into(),
            PlanOp::RefreshPreference { topic_id, .. } => *topic_id = topic_of(question).into(),
            _ => {}
        }
    }
    ops
}

fn a_questions_answers_are_its_residents_finished_mats_on_its_topic(plan: &mut dyn AllPorts) {
    add_people(
        plan,
        &[("p-sam", "Sam"), ("p-alex", "Alex"), ("p-kim", "Kim")],
    );
    let id = plan
        .make_house_question(&garden(&["p-sam", "p-alex"]), "Jo", at(1))
        .unwrap();
    plan.execute(&answer_ops(&id, "s-1", false), &mut Faults::default())
        .unwrap();
    plan.execute(&answer_ops(&id, "s-practice", true), &mut Faults::default())
        .unwrap();
    plan.execute(&tea_mat("s-food", "kitchen"), &mut Faults::default())
        .unwrap();
    let declined = CheckInRow {
        person: crate::core::PersonRef {
            id: PersonId::new("p-alex"),
            name: "Alex".into(),
        },
        key: format!("{}@2026-03-02", topic_of(&id)),
        topic_id: topic_of(&id).into(),
        opens: "2026-03-02T10:00:00Z".into(),
        closes: "2026-03-16T10:00:00Z".into(),
        outcome: "declined".into(),
        session_id: None,
    };
    plan.execute(&[PlanOp::AddCheckIn(declined)], &mut Faults::default())
        .unwrap();

    let answers = plan.house_answers(&id).unwrap();
    assert_eq!(
        answers.answers.len(),
        1,
        "practice and other topics left out"
    );
    let answer = &answers.answers[0];
    assert_eq!(answer.person, sam().id);
    assert_eq!(answer.placements.len(), 1);
    assert_eq!(answer.placements[0].card, "tea");
    assert_eq!(answer.placements[0].point, Some(0));
    assert_eq!(answers.declined, vec![PersonId::new("p-alex")]);
    assert_eq!(plan.house_questions().unwrap()[0].answered, 1);

    let other = plan
        .make_house_question(&garden(&["p-kim"]), "Jo", at(2))
        .unwrap();
    plan.execute(&answer_ops(&other, "s-2", false), &mut Faults::default())
        .unwrap();
    assert!(
        plan.house_answers(&other).unwrap().answers.is_empty(),
        "Sam was not asked this one"
    );
}

fn consent_to_be_named_is_recorded_and_can_be_withdrawn(plan: &mut dyn AllPorts) {
    add_people(plan, &[("p-sam", "Sam")]);
    let consent = |plan: &dyn AllPorts| plan.residents().unwrap()[0].named_at_meetings.clone();
    assert_eq!(consent(plan), None, "not given until recorded");
    plan.record_meeting_consent(&sam().id, true, "Jo", at(3))
        .unwrap();
    assert_eq!(consent(plan), Some(("Jo".to_string(), at(3))));
    plan.record_meeting_consent(&sam().id, false, "Priya", at(4))
        .unwrap();
    assert_eq!(consent(plan), None);
    assert!(matches!(
        plan.record_meeting_consent(&PersonId::new("p-nobody"), true, "Jo", at(5)),
        Err(HouseError::NoSuchPerson(_))
    ));
}

fn a_resident_who_leaves_keeps_their_answers_counted_and_is_asked_nothing_new(
    plan: &mut dyn AllPorts,
) {
    add_people(plan, &[("p-sam", "Sam"), ("p-alex", "Alex")]);
    let id = plan
        .make_house_question(&garden(&["p-sam", "p-alex"]), "Jo", at(1))
        .unwrap();
    plan.execute(&answer_ops(&id, "s-1", false), &mut Faults::default())
        .unwrap();
    plan.record_meeting_consent(&sam().id, true, "Jo", at(2))
        .unwrap();
    plan.record_leaving(&sam().id, true, "Jo", at(3)).unwrap();
    let sam_now = |plan: &dyn AllPorts| {
        plan.residents()
            .unwrap()
            .into_iter()
            .find(|r| r.person.id == sam().id)
            .unwrap()
    };
    let resident = sam_now(plan);
    assert_eq!(resident.left_home, Some(("Jo".to_string(), at(3))));
    assert!(!resident.may_be_named(), "never named once left");
    assert_eq!(
        plan.house_answers(&id).unwrap().answers.len(),
        1,
        "Sam's answer stays counted"
    );
    let offered = plan
        .house_questions_for(&[sam().id, PersonId::new("p-alex")], at(4))
        .unwrap();
    assert_eq!(
        offered[0].people,
        [PersonId::new("p-alex")],
        "not asked again"
    );
    assert!(matches!(
        plan.make_house_question(&garden(&["p-sam", "p-alex"]), "Jo", at(4)),
        Err(HouseError::LeftHome(_))
    ));
    plan.record_leaving(&sam().id, false, "Jo", at(5)).unwrap();
    assert!(sam_now(plan).may_be_named(), "recorded by mistake: undone");
    assert!(matches!(
        plan.record_leaving(&PersonId::new("p-nobody"), true, "Jo", at(5)),
        Err(HouseError::NoSuchPerson(_))
    ));
}

fn a_decision_gives_each_resident_who_placed_its_card_an_action(plan: &mut dyn AllPorts) {
    add_people(plan, &[("p-sam", "Sam"), ("p-alex", "Alex")]);
    let mut tea = garden(&["p-sam", "p-alex"]);
    tea.cards = vec!["Tea".into(), "Roses".into()];
    let id = plan.make_house_question(&tea, "Jo", at(1)).unwrap();
    plan.execute(&answer_ops(&id, "s-1", false), &mut Faults::default())
        .unwrap();
    let decision = |card: &str| NewDecision {
        question: id.clone(),
        card: card.into(),
        what: "Tea at the garden table".into(),
        who: "Jo".into(),
        due: None,
    };
    assert!(matches!(
        plan.decide(&decision("coffee"), "Jo", at(2)),
        Err(HouseError::NoSuchCard)
    ));
    let mut wordless = decision("tea");
    wordless.what = " ".into();
    assert!(matches!(
        plan.decide(&wordless, "Jo", at(2)),
        Err(HouseError::DecisionWords)
    ));
    let made = plan.decide(&decision("tea"), "Jo", at(2)).unwrap();
    let listed = plan.decisions(&id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].residents, listed[0].told),
        (1, 0),
        "Sam placed tea; Alex did not answer"
    );
    assert_eq!(listed[0].status, crate::store::ActionStatus::Open);
    assert!(
        plan.told_back_for(&[sam().id]).unwrap().is_empty(),
        "not done yet"
    );

    assert!(plan
        .settle_decision(
            made,
            crate::store::ActionStatus::Done,
            "Set up on Tuesday",
            "We put a table in the garden.",
            "Jo",
            at(3)
        )
        .unwrap());
    assert!(!plan
        .settle_decision(
            made + 99,
            crate::store::ActionStatus::Done,
            "",
            "",
            "Jo",
            at(3)
        )
        .unwrap());
    let told = plan
        .told_back_for(&[sam().id, PersonId::new("p-alex")])
        .unwrap();
    assert_eq!(told.len(), 1, "Sam, who answered, is told; Alex is not");
    assert_eq!(
        (told[0].card_label.as_str(), told[0].said_view.as_str()),
        ("Tea", "like")
    );
    assert_eq!(told[0].words, "We put a table in the garden.");
    assert_eq!(
        plan.decisions(&id).unwrap()[0].status,
        crate::store::ActionStatus::Done
    );
}

fn a_cards_picture_is_a_photo_or_a_home_cards(plan: &mut dyn AllPorts) {
    add_people(plan, &[("p-sam", "Sam")]);
    let id = plan
        .make_house_question(&garden(&["p-sam"]), "Jo", at(1))
        .unwrap();
    let picture = |bytes: &'static [u8]| NewPicture {
        source_hash: "a photo as sent",
        media_type: "image/jpeg",
        width: 4,
        height: 3,
        bytes,
    };
    plan.give_card_picture(
        &id,
        "tomatoes",
        CardPicture::Photo(picture(b"tomato")),
        "Jo",
        at(2),
    )
    .unwrap();
    let tomato = plan.house_question(&id).unwrap().unwrap().cards[0]
        .picture
        .clone()
        .expect("the photo is the card's");
    let offered = plan.house_questions_for(&[sam().id], at(3)).unwrap();
    assert_eq!(
        offered[0].cards[0].picture.as_deref(),
        Some(format!("{tomato}.jpg").as_str())
    );
    assert_eq!(offered[0].cards[1].picture, None, "roses have none yet");
    assert_eq!(
        plan.house_picture(&tomato).unwrap().as_deref(),
        Some(&b"tomato"[..])
    );

    // A home card's picture may be given; a person's photo may not, and
    // no kiosk gets it by asking.
    let rose = plan.add_picture(picture(b"rose"), at(2)).unwrap();
    plan.set_card_picture("garden", "rose", &rose, at(2))
        .unwrap();
    let face = plan.add_picture(picture(b"face"), at(2)).unwrap();
    plan.set_person_photo(&sam().id, &face).unwrap();
    assert!(matches!(
        plan.give_card_picture(&id, "roses", CardPicture::OfHomeCard(&face), "Jo", at(3)),
        Err(HouseError::NoSuchPicture)
    ));
    assert_eq!(plan.house_picture(&face).unwrap(), None);
    assert!(matches!(
        plan.give_card_picture(&id, "lilies", CardPicture::OfHomeCard(&rose), "Jo", at(3)),
        Err(HouseError::NoSuchCard)
    ));
    plan.give_card_picture(&id, "roses", CardPicture::OfHomeCard(&rose), "Jo", at(3))
        .unwrap();
    let listed = plan.home_card_pictures().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].label.as_str(), &listed[0].picture),
        ("rose", &rose)
    );

    // Asked again, the cards keep their pictures.
    let mut again = garden(&["p-sam"]);
    again.asks_again = Some(id.clone());
    let again = plan.make_house_question(&again, "Jo", at(4)).unwrap();
    let pictures: Vec<_> = plan
        .house_question(&again)
        .unwrap()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| c.picture)
        .collect();
    assert_eq!(pictures, [Some(tomato), Some(rose)]);
}

fn a_card_taken_off_is_offered_no_more_and_its_answers_stay_counted(plan: &mut dyn AllPorts) {
    add_people(plan, &[("p-sam", "Sam")]);
    let mut tea = garden(&["p-sam"]);
    tea.cards = vec!["Tea".into(), "Roses".into()];
    let id = plan.make_house_question(&tea, "Jo", at(1)).unwrap();
    plan.execute(&answer_ops(&id, "s-1", false), &mut Faults::default())
        .unwrap();
    assert!(plan.take_card_off(&id, "tea", "Jo", at(2)).unwrap());
    assert!(
        !plan.take_card_off(&id, "tea", "Jo", at(3)).unwrap(),
        "once"
    );
    assert!(!plan.take_card_off(&id, "coffee", "Jo", at(3)).unwrap());
    let kept = plan.house_question(&id).unwrap().unwrap();
    assert!(kept.cards[0].removed && !kept.cards[1].removed);
    let offered = plan.house_questions_for(&[sam().id], at(4)).unwrap();
    let cards: Vec<&str> = offered[0].cards.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(cards, ["Roses"], "kiosks no longer offer tea");
    let answers = plan.house_answers(&id).unwrap();
    assert_eq!(
        answers.answers[0].placements[0].card, "tea",
        "Sam's answer is kept"
    );
}
