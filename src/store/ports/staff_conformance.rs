//! What every plan must do for staff, checked through [`StaffPlan`] (the
//! plan is given its mats through [`DevicePlan`], as a kiosk's sync does).
//! Each check starts from a fresh, empty plan.

use super::device_conformance::{at, run_check, sam, tea_mat};
use super::staff::{Judgement, NewAction, PracticeChange, Settlement};
use super::{AllPorts, DevicePlan, StaffPlan};
use crate::core::{MatOutcome, PersonId, Verdict};
use crate::store::plan::Faults;
use crate::store::ports::staff::{ActionStatus, ProfileSection};

/// Makes a fresh, empty plan of the backend under test.
pub type MakePlan<'a> = dyn FnMut() -> Box<dyn AllPorts> + 'a;

type Check = (&'static str, fn(&mut dyn AllPorts));

/// Runs every check; panics naming the first that fails.
pub fn check_staff_port(make: &mut MakePlan) {
    let checks: [Check; 7] = [
        ("a person is found by id", a_person_is_found_by_id),
        (
            "views, mats and verdicts are a person's own",
            views_mats_and_verdicts_are_a_persons_own,
        ),
        (
            "an action is added and settled once",
            an_action_is_added_and_settled_once,
        ),
        (
            "only a finished mat is marked as practice",
            only_a_finished_mat_is_marked_as_practice,
        ),
        (
            "a profile section is rewritten and a line added once",
            a_profile_section_is_rewritten_and_a_line_added_once,
        ),
        (
            "views are shared with the family only when staff say",
            views_are_shared_with_the_family_only_when_staff_say,
        ),
        (
            "a kiosk is listed with its staff line and named",
            a_kiosk_is_listed_with_its_staff_line_and_named,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("staff port", name, || check(&mut *plan));
    }
}

/// A plan with one finished mat of Sam's (tea: "like").
fn with_a_mat(plan: &mut dyn AllPorts) -> PersonId {
    DevicePlan::execute(plan, &tea_mat("s1", "d1"), &mut Faults::default()).unwrap();
    sam().id
}

fn a_person_is_found_by_id(plan: &mut dyn AllPorts) {
    assert!(StaffPlan::people(plan).unwrap().is_empty());
    let sam = with_a_mat(plan);
    assert_eq!(
        StaffPlan::people(plan).unwrap(),
        vec![super::device_conformance::sam()]
    );
    assert_eq!(
        plan.person(&sam).unwrap().map(|p| p.name),
        Some("Sam".into())
    );
    assert_eq!(plan.person(&PersonId::new("p-nobody")).unwrap(), None);
}

fn views_mats_and_verdicts_are_a_persons_own(plan: &mut dyn AllPorts) {
    let sam = with_a_mat(plan);
    let views = plan.views(&sam).unwrap();
    let [food] = &views[..] else {
        panic!("one topic: {views:?}")
    };
    let [tea] = &food.cards[..] else {
        panic!("one card: {food:?}")
    };
    assert_eq!((tea.card_id.as_str(), tea.view.as_str()), ("tea", "like"));
    assert_eq!((tea.times_said, tea.times_asked), (1, 1));
    assert!(plan.views(&PersonId::new("p-nobody")).unwrap().is_empty());

    let mats = plan.mats(&sam, 10).unwrap();
    assert_eq!(mats.len(), 1);
    assert_eq!(mats[0].outcome, MatOutcome::Finished);
    assert_eq!(mats[0].cards_placed, 1);

    let judgement = |card: &str| Judgement {
        person: sam.clone(),
        topic: "food".into(),
        card: card.into(),
        verdict: Some(Verdict::Confirmed),
        body: "Asks for tea every morning".into(),
    };
    assert!(plan.judge(&judgement("tea"), "Jo", at(20)).unwrap());
    assert!(
        !plan.judge(&judgement("coffee"), "Jo", at(21)).unwrap(),
        "no view of coffee to judge"
    );
    let views = plan.views(&sam).unwrap();
    let notes = &views[0].cards[0].notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].by_whom, "Jo");
}

fn an_action_is_added_and_settled_once(plan: &mut dyn AllPorts) {
    let sam = with_a_mat(plan);
    let action = NewAction {
        person: sam.clone(),
        card: Some(("food".into(), "tea".into())),
        what: "Tea at breakfast".into(),
        who: "Jo".into(),
        due: None,
    };
    let id = plan.add_action(&action, "Jo", at(20)).unwrap();
    let actions = plan.actions(&sam).unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!((actions[0].id, actions[0].status), (id, ActionStatus::Open));
    let settle = |action: i64| Settlement {
        person: sam.clone(),
        action,
        status: ActionStatus::Done,
        note: "Tea every morning now".into(),
        tell_person: "You have tea at breakfast now.".into(),
    };
    assert!(plan.settle_action(&settle(id), "Jo", at(21)).unwrap());
    assert!(!plan.settle_action(&settle(id + 99), "Jo", at(22)).unwrap());
    let actions = plan.actions(&sam).unwrap();
    assert_eq!(actions[0].status, ActionStatus::Done);
    assert_eq!(
        actions[0].tell_person.as_deref(),
        Some("You have tea at breakfast now.")
    );
}

fn only_a_finished_mat_is_marked_as_practice(plan: &mut dyn AllPorts) {
    let sam = with_a_mat(plan);
    let mut mark = |session: &str, practice| {
        plan.set_practice(&sam, session, practice, "Jo", at(20))
            .unwrap()
    };
    assert_eq!(mark("s1", true), PracticeChange::Changed);
    assert_eq!(mark("s1", true), PracticeChange::AlreadySo);
    assert_eq!(mark("s-none", true), PracticeChange::NoSuchMat);
    assert!(plan.mats(&sam, 10).unwrap()[0].practice);
    assert_eq!(
        plan.set_practice(&PersonId::new("p-alex"), "s1", false, "Jo", at(21))
            .unwrap(),
        PracticeChange::NoSuchMat,
        "not Alex's mat"
    );
}

fn a_profile_section_is_rewritten_and_a_line_added_once(plan: &mut dyn AllPorts) {
    let sam = with_a_mat(plan);
    let section = ProfileSection::Important;
    assert!(plan
        .set_profile(&sam, section, "Mum visits on Sundays.", "Jo", at(20))
        .unwrap());
    assert!(!plan
        .set_profile(&sam, section, "Mum visits on Sundays.", "Jo", at(21))
        .unwrap());
    for _ in 0..2 {
        plan.add_profile_line(&sam, section, "Likes tea.", "Jo", at(22))
            .unwrap();
    }
    let profile = plan.profile(&sam).unwrap();
    let (_, body) = profile.iter().find(|(s, _)| *s == section).unwrap();
    assert_eq!(body, "Mum visits on Sundays.\nLikes tea.");
}

fn views_are_shared_with_the_family_only_when_staff_say(plan: &mut dyn AllPorts) {
    let sam = with_a_mat(plan);
    assert!(!plan.views_shared(&sam).unwrap());
    assert!(plan.share_views(&sam, true, "Jo", at(20)).unwrap());
    assert!(!plan.share_views(&sam, true, "Jo", at(21)).unwrap());
    assert!(plan.views_shared(&sam).unwrap());
    assert!(plan.share_views(&sam, false, "Jo", at(22)).unwrap());
    assert!(!plan.views_shared(&sam).unwrap());
}

fn a_kiosk_is_listed_with_its_staff_line_and_named(plan: &mut dyn AllPorts) {
    with_a_mat(plan);
    let problems = vec!["The speaker is not working".to_string()];
    plan.report_device("d1", &problems, at(10)).unwrap();
    let devices = plan.devices().unwrap();
    let [kiosk] = &devices[..] else {
        panic!("one kiosk: {devices:?}")
    };
    assert_eq!(kiosk.device_id, "d1");
    assert_eq!(kiosk.problems, problems);
    assert!(plan.name_device("d1", "Kitchen", "Jo", at(20)).unwrap());
    assert_eq!(plan.devices().unwrap()[0].name, "Kitchen");
    assert!(!plan.name_device("d-none", "Lounge", "Jo", at(21)).unwrap());
}
