//! What every plan must do for a device's sync, checked through
//! [`DevicePlan`] alone: a backend passes when [`check_device_port`] runs
//! clean on it. Each check starts from a fresh, empty plan.

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};

use super::DevicePlan;
use crate::core::{CardId, Company, MatOutcome, PersonId, PersonRef, Said, SessionId, Spot};
use crate::store::journal::{CheckInRow, Stream};
use crate::store::ops::{EvidenceRow, HomeBinding, PlanOp, SessionRow};
use crate::store::pictures::NewPicture;
use crate::store::plan::Faults;
use crate::store::StoreError;

/// Makes a fresh, empty plan of the backend under test.
pub type MakePlan<'a> = dyn FnMut() -> Box<dyn DevicePlan> + 'a;

/// One check, by what it checks.
type Check = (&'static str, fn(&mut dyn DevicePlan));

/// Runs every check; panics naming the first that fails.
pub fn check_device_port(make: &mut MakePlan) {
    let checks: [Check; 7] = [
        (
            "a new plan takes the first device's home and refuses another home",
            a_new_plan_takes_the_first_devices_home_and_refuses_another,
        ),
        (
            "a batch is carried out once however often it is sent",
            a_batch_is_carried_out_once_however_often_it_is_sent,
        ),
        (
            "marks are kept per device and stream",
            marks_are_kept_per_device_and_stream,
        ),
        (
            "a check-in is known by its person and key",
            a_check_in_is_known_by_its_person_and_key,
        ),
        (
            "pictures are kept by their bytes and found by their source",
            pictures_are_kept_by_their_bytes_and_found_by_their_source,
        ),
        (
            "a kept mat waits for its picture until it is sent",
            a_kept_mat_waits_for_its_picture_until_it_is_sent,
        ),
        (
            "a new plan has no news and no sets",
            a_new_plan_has_nothing_to_tell_back_and_no_sets,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("device port", name, || check(&mut *plan));
    }
}

/// Runs one check; a failure names the port and the check.
pub(super) fn run_check(port: &str, name: &str, check: impl FnOnce()) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
    if let Err(cause) = result {
        let said = cause
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| cause.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!("{port}: {name}: {said}");
    }
}

pub(super) fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap() + chrono::Duration::minutes(minute)
}

pub(super) fn sam() -> PersonRef {
    PersonRef {
        id: PersonId::new("p-sam"),
        name: "Sam".into(),
    }
}

/// One finished mat of Sam's with tea placed on "like", from `device`.
pub(super) fn tea_mat(session: &str, device: &str) -> Vec<PlanOp> {
    let session_id = SessionId::from(session);
    let person = sam();
    vec![
        PlanOp::AddPerson {
            id: person.id.clone(),
            name: person.name.clone(),
        },
        PlanOp::AddSession(SessionRow {
            session_id: session_id.clone(),
            device_id: device.into(),
            person_id: person.id.clone(),
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            started_at: at(0),
            finished_at: at(5),
            synced_at: at(10),
            outcome: MatOutcome::Finished,
            mat_picture: None,
            company: Company::default(),
            practice: false,
        }),
        PlanOp::AddEvidence(EvidenceRow {
            session_id,
            card_id: CardId::from("tea"),
            person_id: person.id.clone(),
            topic_id: "food".into(),
            card_label: "Tea".into(),
            spot: Some(Spot::on(0)),
            said: Said::View("like".into()),
            helped: false,
            tell_me_more: false,
            placed_seq: 1,
            placed_at: at(1),
            response_ms: Some(900),
        }),
        PlanOp::RefreshPreference {
            person_id: person.id,
            topic_id: "food".into(),
            topic_title: "Food".into(),
            card_id: "tea".into(),
            card_label: "Tea".into(),
        },
        PlanOp::Audit {
            at: at(10),
            actor: device.into(),
            action: "sync".into(),
            detail: "1 finished mat(s), 1 card(s)".into(),
        },
    ]
}

fn a_new_plan_takes_the_first_devices_home_and_refuses_another(plan: &mut dyn DevicePlan) {
    plan.check_integrity_once().unwrap();
    assert_eq!(plan.home_id().unwrap(), None);
    let binding = |home: &str, bind_journal, bind_plan| HomeBinding {
        home: home.into(),
        bind_journal,
        bind_plan,
    };
    assert_eq!(
        plan.settle_home(Some("home-a"), "fresh").unwrap(),
        binding("home-a", false, true)
    );
    assert_eq!(plan.home_id().unwrap().as_deref(), Some("home-a"));
    assert_eq!(
        plan.settle_home(None, "fresh").unwrap(),
        binding("home-a", true, false),
        "a device new to any home joins the plan's"
    );
    assert_eq!(
        plan.settle_home(Some("home-a"), "fresh").unwrap(),
        binding("home-a", false, false)
    );
    let other = plan.settle_home(Some("home-b"), "fresh");
    assert!(
        matches!(other, Err(StoreError::DifferentHome { .. })),
        "{other:?}"
    );
    assert_eq!(plan.home_id().unwrap().as_deref(), Some("home-a"));
}

fn a_batch_is_carried_out_once_however_often_it_is_sent(plan: &mut dyn DevicePlan) {
    let ops = tea_mat("s1", "d1");
    assert_eq!(plan.execute(&ops, &mut Faults::default()).unwrap(), 1);
    assert_eq!(
        plan.execute(&ops, &mut Faults::default()).unwrap(),
        0,
        "sent again"
    );
    let (s1, s2) = (SessionId::from("s1"), SessionId::from("s2"));
    assert_eq!(
        plan.synced_among(&[&s1, &s2]).unwrap(),
        HashSet::from([s1.clone()])
    );
    assert_eq!(plan.people().unwrap(), vec![sam()]);
}

fn marks_are_kept_per_device_and_stream(plan: &mut dyn DevicePlan) {
    assert_eq!(plan.device_mark("d1", Stream::Finished).unwrap(), None);
    plan.set_device_mark("d1", Stream::Finished, 5, "s5")
        .unwrap();
    plan.set_device_mark("d2", Stream::CheckIns, 2, "k2")
        .unwrap();
    assert_eq!(
        plan.device_mark("d1", Stream::Finished).unwrap(),
        Some((5, "s5".into()))
    );
    assert_eq!(plan.device_mark("d1", Stream::CheckIns).unwrap(), None);
    assert_eq!(plan.device_mark("d2", Stream::Finished).unwrap(), None);
    plan.set_device_mark("d1", Stream::Finished, 9, "s9")
        .unwrap();
    assert_eq!(
        plan.device_mark("d1", Stream::Finished).unwrap(),
        Some((9, "s9".into())),
        "a mark moves"
    );
}

fn a_check_in_is_known_by_its_person_and_key(plan: &mut dyn DevicePlan) {
    let person = sam();
    assert!(!plan.has_check_in(&person.id, "morning 2026-03-02").unwrap());
    let check_in = CheckInRow {
        person: person.clone(),
        key: "morning 2026-03-02".into(),
        topic_id: "day".into(),
        opens: "09:00".into(),
        closes: "11:00".into(),
        outcome: "declined".into(),
        session_id: None,
    };
    let ops = [
        PlanOp::AddPerson {
            id: person.id.clone(),
            name: person.name.clone(),
        },
        PlanOp::AddCheckIn(check_in),
    ];
    plan.execute(&ops, &mut Faults::default()).unwrap();
    plan.execute(&ops, &mut Faults::default()).unwrap();
    assert!(plan.has_check_in(&person.id, "morning 2026-03-02").unwrap());
    assert!(!plan.has_check_in(&person.id, "morning 2026-03-03").unwrap());
    assert!(!plan
        .has_check_in(&PersonId::new("p-alex"), "morning 2026-03-02")
        .unwrap());
}

fn new_picture<'a>(source_hash: &'a str, bytes: &'a [u8]) -> NewPicture<'a> {
    NewPicture {
        source_hash,
        media_type: "image/png",
        width: 4,
        height: 3,
        bytes,
    }
}

fn pictures_are_kept_by_their_bytes_and_found_by_their_source(plan: &mut dyn DevicePlan) {
    let source = "a".repeat(64);
    assert_eq!(plan.picture_for_source(&source).unwrap(), None);
    let hash = plan
        .add_picture(new_picture(&source, b"tea"), at(0))
        .unwrap();
    assert_eq!(
        plan.add_picture(new_picture(&source, b"tea"), at(1))
            .unwrap(),
        hash,
        "the same picture twice is one picture"
    );
    assert_eq!(
        plan.picture_for_source(&source).unwrap(),
        Some(hash.clone())
    );
    let other = plan
        .add_picture(new_picture(&"b".repeat(64), b"coffee"), at(2))
        .unwrap();
    assert_ne!(other, hash);

    assert!(plan.set_card_picture("food", "tea", &hash, at(3)).unwrap());
    assert!(!plan.set_card_picture("food", "tea", &hash, at(4)).unwrap());
    assert!(plan.set_card_picture("food", "tea", &other, at(5)).unwrap());

    let person = sam();
    let add_sam = PlanOp::AddPerson {
        id: person.id.clone(),
        name: person.name,
    };
    plan.execute(&[add_sam], &mut Faults::default()).unwrap();
    assert!(plan.set_person_photo(&person.id, &hash).unwrap());
    assert!(!plan.set_person_photo(&person.id, &hash).unwrap());
}

fn a_kept_mat_waits_for_its_picture_until_it_is_sent(plan: &mut dyn DevicePlan) {
    plan.execute(&tea_mat("s1", "d1"), &mut Faults::default())
        .unwrap();
    assert!(plan.mats_awaiting_picture("d1").unwrap().is_empty());
    let from_another = PlanOp::SetMatPicture {
        device_id: "d2".into(),
        session_id: "s1".into(),
        picture: "mats/s1-forged.png".into(),
    };
    plan.execute(&[from_another], &mut Faults::default())
        .unwrap();
    assert!(
        plan.mats_awaiting_picture("d1").unwrap().is_empty(),
        "only the device that recorded a mat names its picture"
    );
    let named = PlanOp::SetMatPicture {
        device_id: "d1".into(),
        session_id: "s1".into(),
        picture: "mats/s1.png".into(),
    };
    plan.execute(&[named], &mut Faults::default()).unwrap();
    assert_eq!(
        plan.mats_awaiting_picture("d1").unwrap(),
        vec![(SessionId::from("s1"), "mats/s1.png".to_string())]
    );
    assert!(plan.mats_awaiting_picture("d2").unwrap().is_empty());
    let hash = plan
        .add_picture(new_picture(&"c".repeat(64), b"mat"), at(6))
        .unwrap();
    plan.set_mat_picture_hash(&"s1".into(), &hash).unwrap();
    assert!(plan.mats_awaiting_picture("d1").unwrap().is_empty());
}

fn a_new_plan_has_nothing_to_tell_back_and_no_sets(plan: &mut dyn DevicePlan) {
    plan.execute(&tea_mat("s1", "d1"), &mut Faults::default())
        .unwrap();
    assert!(plan.told_back_for(&[sam().id]).unwrap().is_empty());
    assert!(plan.answered_told_back(&[1, 2]).unwrap().is_empty());
    plan.report_device("d1", &["The speaker is not working".into()], at(7))
        .unwrap();
    assert!(plan.newest_sets().unwrap().is_empty());
    assert!(plan.set_version("sams", None).unwrap().is_none());
    assert!(plan.set_file(&"d".repeat(64)).unwrap().is_none());
}
