//! The support plan and sync: exactly once, whatever happens on the way.
//! Crash injection at every statement, two devices in any interleaving,
//! migrations from every earlier schema, a locked plan, a missing one, a
//! damaged one, one from a newer version and one from another home.

use crate::common;

use std::path::Path;

use crate::common::{sync, sync_files};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use rusqlite::Connection;
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::kiosk::KioskInput;
use sayso::store::ports::StaffPlan;
use sayso::store::{
    ActionStatus, Confirmation, ConfirmationKind, Journal, Plan, ProfileSection, StoreError,
    PLAN_SCHEMA_VERSION,
};
use sayso::sync::{with_plan as sync_with, PlanTarget, SyncOptions};

const PERSON: &str = "0190a000-0000-7000-8000-00000000a1e5";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

/// (card, point) per action; a point of `None` takes back the placement before it.
type Actions<'a> = &'a [(&'a str, Option<usize>)];

/// A mat: its id, the day of October it was made, and what the person did.
struct Mat<'a> {
    id: String,
    day: u32,
    actions: Actions<'a>,
}

const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];

fn records(mat: &Mat) -> Vec<Record> {
    let at = Utc.with_ymd_and_hms(2026, 10, mat.day, 9, 0, 0).unwrap();
    let mut records = vec![Record::Started {
        session_id: mat.id.clone().into(),
        person_id: PERSON.into(),
        set_id: "demo".into(),
        topic_id: "food".into(),
        topic_title: "Food".into(),
        company: Company::default(),
        at,
    }];
    let mut placed: Vec<u32> = Vec::new();
    for (i, (card, point)) in mat.actions.iter().enumerate() {
        let seq = i as u32 + 1;
        let at = at + Duration::seconds(seq.into());
        match point {
            Some(point) => {
                placed.push(seq);
                records.push(Record::Placed {
                    session_id: mat.id.clone().into(),
                    seq,
                    card_id: (*card).into(),
                    card_label: card.to_string(),
                    spot: Spot::on(*point),
                    point_label: VIEWS[*point].into(),
                    at,
                    via: InputMethod::Key,
                    response_ms: 1500,
                    helped: false,
                });
            }
            None => {
                if let Some(undoes) = placed.pop() {
                    records.push(Record::Undone {
                        session_id: mat.id.clone().into(),
                        seq,
                        undoes,
                        at,
                        via: InputMethod::Key,
                    });
                }
            }
        }
    }
    records.push(Record::Finished {
        session_id: mat.id.clone().into(),
        at: at + Duration::minutes(5),
        via: InputMethod::Key,
    });
    records
}

fn new_journal(path: &Path) -> Journal {
    let journal = Journal::open(path).unwrap();
    let exists: i64 = Connection::open(path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM people WHERE id = ?1", [PERSON], |r| {
            r.get(0)
        })
        .unwrap();
    if exists == 0 {
        Connection::open(path)
            .unwrap()
            .execute("INSERT INTO people (id, name, created_at) VALUES (?1, 'Alex', '2026-10-01T00:00:00.000Z')", [PERSON])
            .unwrap();
    }
    journal
}

fn write(journal: &mut Journal, mat: &Mat) {
    journal.record_all(&records(mat)).unwrap();
}

/// Five mats over a week, with a take-back, a change of mind and a card placed twice.
fn a_week(journal: &mut Journal) {
    let mats: [(u32, Actions); 5] = [
        (
            1,
            &[("tea", Some(0)), ("cake", Some(2)), ("pizza", Some(1))],
        ),
        (
            2,
            &[
                ("tea", Some(0)),
                ("cake", Some(2)),
                ("cake", None),
                ("cake", Some(1)),
                ("pizza", Some(1)),
            ],
        ),
        (3, &[("tea", Some(1)), ("cake", Some(1))]),
        (5, &[("tea", Some(2)), ("tea", Some(0)), ("pizza", Some(2))]),
        (
            7,
            &[("tea", Some(2)), ("cake", Some(0)), ("pizza", Some(2))],
        ),
    ];
    for (i, (day, actions)) in mats.into_iter().enumerate() {
        write(
            journal,
            &Mat {
                id: format!("0190a000-0000-7000-8000-{i:012}"),
                day,
                actions,
            },
        );
    }
}

/// The plan's contents without what legitimately differs between two runs
/// that saw the same mats: the home's random id and the audit log's batching.
fn comparable(plan: &Plan) -> String {
    let text = plan.contents().unwrap();
    let mut keep = true;
    text.lines()
        .filter(|line| {
            if line.starts_with('[') {
                keep = !matches!(*line, "[audit_log]" | "[plan_info]");
            }
            keep
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_sync_cut_off_at_any_statement_ends_exactly_as_if_nothing_had_failed() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = new_journal(&dir.path().join("journal.sqlite"));
    a_week(&mut journal);
    let small_batches = SyncOptions {
        batch_size: 2,
        ..SyncOptions::default()
    };

    let mut reference = Plan::open_or_create(&dir.path().join("reference.sqlite")).unwrap();
    let report = sync_with(&journal, &mut reference, now(), &small_batches).unwrap();
    assert_eq!(report.sessions, 5);
    let expected = reference.contents().unwrap();

    let mut failures = 0;
    for statement in 1.. {
        let path = dir.path().join(format!("plan-{statement}.sqlite"));
        let mut plan = Plan::open_or_create(&path).unwrap();
        let options = SyncOptions {
            fail_at_statement: Some(statement),
            ..small_batches.clone()
        };
        match sync_with(&journal, &mut plan, now(), &options) {
            Err(StoreError::Injected(n)) => {
                assert_eq!(n, statement);
                failures += 1;
            }
            Err(other) => panic!("statement {statement}: {other}"),
            Ok(_) => break, // past the last statement: nothing left to cut off
        }
        drop(plan);
        let mut plan = Plan::open(&path).unwrap();
        sync_with(&journal, &mut plan, now(), &small_batches).unwrap();
        assert_eq!(
            plan.contents().unwrap(),
            expected,
            "after a failure at statement {statement}"
        );
        assert_eq!(
            sync(&journal, &mut plan, now()).unwrap().sessions,
            0,
            "and a further sync adds nothing"
        );
    }
    assert!(
        failures > 20,
        "every statement of 3 batches was tried: {failures}"
    );
}

#[derive(Debug, Clone, Copy)]
enum Step {
    FinishOn(usize),
    SyncFrom(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2usize).prop_map(Step::FinishOn),
        (0..2usize).prop_map(Step::SyncFrom)
    ]
}

fn mat_actions() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..3usize, 0..3usize), 1..4)
}

const CARDS: [&str; 3] = ["tea", "cake", "pizza"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Two devices in one home, mats and syncs in any order: the plan ends the
    /// same as if everything had been synced once at the end.
    #[test]
    fn two_devices_in_any_interleaving_give_the_plan_of_one_sync(
        mats in prop::collection::vec((0..2usize, 1..28u32, mat_actions()), 1..7),
        steps in prop::collection::vec(step(), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let journal_path = |d: usize| dir.path().join(format!("device-{d}.sqlite"));
        let mut journals = [new_journal(&journal_path(0)), new_journal(&journal_path(1))];
        let mut plan = Plan::open_or_create(&dir.path().join("plan.sqlite")).unwrap();
        let all_actions: Vec<Vec<(&str, Option<usize>)>> = mats
            .iter()
            .map(|(_, _, actions)| actions.iter().map(|(card, point)| (CARDS[*card], Some(*point))).collect())
            .collect();
        let all: Vec<(usize, Mat)> = mats
            .iter()
            .enumerate()
            .map(|(i, (device, day, _))| {
                (*device, Mat { id: format!("0190a000-0000-7000-8000-{i:012}"), day: *day, actions: &all_actions[i] })
            })
            .collect();

        let mut written = [0usize; 2];
        let pending = |device: usize, written: &[usize; 2]| {
            all.iter().filter(|(d, _)| *d == device).nth(written[device]).map(|(_, mat)| mat)
        };
        for step in steps {
            match step {
                Step::FinishOn(device) => {
                    if let Some(mat) = pending(device, &written) {
                        write(&mut journals[device], mat);
                        written[device] += 1;
                    }
                }
                Step::SyncFrom(device) => {
                    sync(&journals[device], &mut plan, now()).unwrap();
                }
            }
        }
        for device in 0..2 {
            while let Some(mat) = pending(device, &written) {
                write(&mut journals[device], mat);
                written[device] += 1;
            }
            sync(&journals[device], &mut plan, now()).unwrap();
        }

        let mut once = Plan::open_or_create(&dir.path().join("once.sqlite")).unwrap();
        for journal in &journals {
            sync(journal, &mut once, now()).unwrap();
        }
        prop_assert_eq!(comparable(&plan), comparable(&once));
        prop_assert_eq!(plan.evidence_count().unwrap(), once.evidence_count().unwrap());
    }
}

fn schema(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    let mut statement = conn
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap();
    let rows = statement
        .query_map([], |r| {
            Ok(format!(
                "-- {} {}\n{};\n",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?
            ))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn every_schema_version_migrates_to_the_documented_latest() {
    let snapshot_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/plan-schema.sql");
    let dir = tempfile::tempdir().unwrap();

    // From nothing.
    let fresh = dir.path().join("fresh.sqlite");
    drop(Plan::open_or_create(&fresh).unwrap());
    let latest = schema(&fresh);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &latest).unwrap();
    }
    let snapshot =
        std::fs::read_to_string(&snapshot_path).expect("tests/snapshots/plan-schema.sql");
    assert_eq!(
        latest, snapshot,
        "the plan schema changed: update docs/support-plan.md, then UPDATE_SNAPSHOTS=1"
    );
    let version: i64 = Connection::open(&fresh)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, PLAN_SCHEMA_VERSION);

    // From version 1, with a person's views in it.
    let v1 = dir.path().join("v1.sqlite");
    let conn = Connection::open(&v1).unwrap();
    conn.execute_batch(include_str!(
        "../../src/store/migrations/plan/0001_init.sql"
    ))
    .unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO people VALUES ('p', 'Alex');
         INSERT INTO synced_sessions VALUES ('s', 'd', 'p', 'demo', 'food', 'Food',
             '2026-10-01T09:00:00.000Z', '2026-10-01T09:05:00.000Z', '2026-10-01T10:00:00.000Z');
         INSERT INTO evidence VALUES ('s', 'tea', 'p', 'food', 'tea', 0, 'like', 1, '2026-10-01T09:01:00.000Z');
         INSERT INTO preferences VALUES ('p', 'food', 'Food', 'tea', 'tea', 'like', 1, 1,
             '2026-10-01T09:01:00.000Z', '2026-10-01T09:01:00.000Z', NULL);",
    )
    .unwrap();
    drop(conn);
    let plan = Plan::open(&v1).unwrap();
    assert_eq!(
        schema(&v1),
        snapshot,
        "v1 upgraded has exactly the latest schema"
    );
    let [tea] = &plan.preferences(Some("Alex")).unwrap()[..] else {
        panic!("the view survived")
    };
    assert_eq!(
        (tea.view.current_view.as_str(), tea.view.times_skipped),
        ("like", 0)
    );
}

#[test]
fn a_plan_from_a_newer_version_is_refused_and_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.sqlite");
    drop(Plan::open_or_create(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut journal = new_journal(&dir.path().join("journal.sqlite"));
    a_week(&mut journal);

    let target = PlanTarget::File {
        path: path.clone(),
        create_if_missing: false,
    };
    let error = sync_files(&dir.path().join("journal.sqlite"), &target, now()).unwrap_err();
    assert!(
        matches!(error, StoreError::NewerSchema { found: 99, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains(path.to_str().unwrap()),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte written");
}

#[test]
fn a_missing_plan_is_not_created_and_sync_catches_up_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.sqlite");
    let mut journal = new_journal(&journal_path);
    a_week(&mut journal);
    let share = dir.path().join("office-share/plan.sqlite");
    let target = PlanTarget::File {
        path: share.clone(),
        create_if_missing: false,
    };

    let error = sync_files(&journal_path, &target, now()).unwrap_err();
    assert!(matches!(error, StoreError::Missing { .. }), "{error}");
    assert!(
        error.to_string().contains("office-share/plan.sqlite"),
        "{error}"
    );
    assert!(!share.exists(), "no empty plan in place of the missing one");

    std::fs::create_dir_all(share.parent().unwrap()).unwrap();
    drop(Plan::create(&share).unwrap());
    assert!(
        matches!(Plan::create(&share), Err(StoreError::AlreadyExists { .. })),
        "plan init never overwrites"
    );
    assert_eq!(
        sync_files(&journal_path, &target, now()).unwrap().sessions,
        5,
        "a month offline, all caught up"
    );
}

#[test]
fn the_kiosk_tries_a_failed_sync_again_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share/plan.sqlite");
    let mut paths =
        sayso::kiosk::KioskPaths::in_data_dir(&dir.path().join("data"), &common::demo_set());
    paths.plan = share.clone();
    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock.clone())).unwrap();
    common::pick_first_topic(&mut kiosk);
    for event in [0, 1, 2, 0, 1, 2]
        .map(sayso::core::Event::PlaceOn)
        .into_iter()
        .chain([sayso::core::Event::Finish])
    {
        kiosk.input(KioskInput::Person(sayso::core::Input::new(
            event,
            InputMethod::Touch,
        )));
    }
    let first = kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("sync started after the mat");
    assert!(first.unwrap_err().to_string().contains("does not exist"));
    assert!(kiosk
        .notices()
        .iter()
        .any(|n| n.contains("Support plan not found")));

    std::fs::create_dir_all(share.parent().unwrap()).unwrap();
    drop(Plan::create(&share).unwrap());
    kiosk.input(KioskInput::Tick);
    assert!(
        kiosk.wait_for_jobs(common::JOB_WAIT).is_none(),
        "not before the retry is due"
    );
    clock.advance(Duration::seconds(61));
    kiosk.input(KioskInput::Tick);
    let retried = kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("retried")
        .unwrap();
    assert_eq!(retried.sessions, 1);
}

#[test]
fn a_plan_locked_longer_than_the_busy_timeout_is_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.sqlite");
    let mut journal = new_journal(&journal_path);
    a_week(&mut journal);
    drop(journal);
    let path = dir.path().join("plan.sqlite");
    drop(Plan::open_or_create(&path).unwrap());

    // Another writer (a second device, a staff tool) holds the write lock
    // past one busy timeout: only a retry gets the sync through.
    let holder = Connection::open(&path).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO plan_info VALUES ('note', 'busy');")
        .unwrap();
    let (busy_tx, busy) = std::sync::mpsc::channel();
    let options = SyncOptions {
        busy_timeout: std::time::Duration::from_millis(50),
        on_busy: Some(busy_tx),
        ..SyncOptions::default()
    };
    let syncing = std::thread::spawn(move || {
        let journal = Journal::open(&journal_path).unwrap();
        let mut plan = Plan::open(&path).unwrap();
        sync_with(&journal, &mut plan, now(), &options)
    });
    let first_retry = busy
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the sync found the plan busy and tried again");
    assert_eq!(first_retry, 1);
    holder.execute_batch("COMMIT").unwrap();
    let report = syncing.join().unwrap().expect("the retry went through");
    assert_eq!(report.sessions, 5);
    assert!(report.busy_retries >= 1);
}

#[test]
fn damaged_files_are_named_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.sqlite");
    let mut journal = new_journal(&journal_path);
    a_week(&mut journal);
    drop(journal);
    let plan_path = dir.path().join("plan.sqlite");
    let target = PlanTarget::File {
        path: plan_path.clone(),
        create_if_missing: false,
    };

    // A plan with damage inside: it opens, but its integrity check fails.
    let journal = Journal::open(&journal_path).unwrap();
    sync(
        &journal,
        &mut Plan::open_or_create(&plan_path).unwrap(),
        now(),
    )
    .unwrap();
    let mut bytes = std::fs::read(&plan_path).unwrap();
    let page = 4096;
    assert!(bytes.len() >= 4 * page);
    for start in (page..bytes.len()).step_by(page) {
        bytes[start] = 0xff; // every page but the first loses its b-tree page type
    }
    std::fs::write(&plan_path, &bytes).unwrap();
    let error = sync_files(&journal_path, &target, now()).unwrap_err();
    assert!(error.is_corrupt(), "{error}");
    assert!(
        error.to_string().contains(plan_path.to_str().unwrap()),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&plan_path).unwrap(),
        bytes,
        "nothing written to a damaged plan"
    );

    // A plan that is not a database at all.
    std::fs::write(&plan_path, b"not a database".repeat(500)).unwrap();
    let error = sync_files(&journal_path, &target, now()).unwrap_err();
    assert!(
        error.is_corrupt() && error.to_string().contains("plan.sqlite"),
        "{error}"
    );

    // A damaged journal.
    let broken_journal = dir.path().join("broken-journal.sqlite");
    std::fs::write(&broken_journal, b"SQLite format 3\0".repeat(400)).unwrap();
    let fresh = PlanTarget::File {
        path: dir.path().join("fresh-plan.sqlite"),
        create_if_missing: true,
    };
    let error = sync_files(&broken_journal, &fresh, now()).unwrap_err();
    assert!(
        error.is_corrupt() && error.to_string().contains("broken-journal.sqlite"),
        "{error}"
    );
}

#[test]
fn a_plan_of_another_home_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (
        dir.path().join("ours.sqlite"),
        dir.path().join("theirs.sqlite"),
    );
    let mut our_journal = new_journal(&dir.path().join("our-device.sqlite"));
    a_week(&mut our_journal);
    let mut their_journal = new_journal(&dir.path().join("their-device.sqlite"));
    write(
        &mut their_journal,
        &Mat {
            id: "0190a000-0000-7000-8000-0000000000ff".into(),
            day: 9,
            actions: &[("tea", Some(0))],
        },
    );

    sync(
        &our_journal,
        &mut Plan::open_or_create(&ours).unwrap(),
        now(),
    )
    .unwrap();
    let mut their_plan = Plan::open_or_create(&theirs).unwrap();
    sync(&their_journal, &mut their_plan, now()).unwrap();
    let before = their_plan.contents().unwrap();

    let error = sync(&our_journal, &mut their_plan, now()).unwrap_err();
    assert!(matches!(error, StoreError::DifferentHome { .. }), "{error}");
    assert!(error.to_string().contains("theirs.sqlite"), "{error}");
    assert_eq!(their_plan.contents().unwrap(), before);
}

#[test]
fn staff_confirmations_and_actions_are_kept_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = new_journal(&dir.path().join("journal.sqlite"));
    a_week(&mut journal);
    let mut plan = Plan::open_or_create(&dir.path().join("plan.sqlite")).unwrap();
    sync(&journal, &mut plan, now()).unwrap();

    plan.add_confirmation(&Confirmation {
        person_id: PERSON.into(),
        topic_id: "food".into(),
        card_id: "tea".into(),
        kind: ConfirmationKind::Disputed,
        body: "Alex pushed the tea away at breakfast all week".into(),
        by_whom: "Sam (key worker)".into(),
        at: now(),
    })
    .unwrap();
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let action = plan
        .add_action(
            PERSON,
            Some(("food", "tea")),
            "offer hot chocolate instead",
            "Sam (key worker)",
            due,
            now(),
        )
        .unwrap();
    assert!(plan
        .set_action_status(action, ActionStatus::Done, "Jo", now())
        .unwrap());
    assert!(
        !plan
            .set_action_status(action + 99, ActionStatus::Done, "Jo", now())
            .unwrap(),
        "no such action"
    );
    let text = plan.contents().unwrap();
    assert!(text.contains("disputed"), "{text}");
    assert!(text.contains("offer hot chocolate instead"), "{text}");
    assert!(text.contains("\"done\""), "{text}");
    let audit: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "[audit_log]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .collect();
    assert_eq!(
        audit.len(),
        4,
        "one sync, one confirmation, an action and its status: {audit:?}"
    );

    plan.set_profile_section(
        PERSON,
        ProfileSection::Communication,
        "Uses a thumbs up; give time.",
        "Sam (key worker)",
        now(),
    )
    .unwrap();
    plan.set_profile_section(
        PERSON,
        ProfileSection::Important,
        "Mum visits on Sundays.",
        "Sam (key worker)",
        now(),
    )
    .unwrap();
    plan.set_profile_section(
        PERSON,
        ProfileSection::Communication,
        "Uses a thumbs up; give time to answer.",
        "Jo",
        now(),
    )
    .unwrap();
    assert_eq!(
        StaffPlan::profile(&plan, &PERSON.into())
            .unwrap()
            .into_iter()
            .filter(|(_, written)| !written.is_empty())
            .collect::<Vec<_>>(),
        vec![
            (
                ProfileSection::Important,
                "Mum visits on Sundays.".to_string()
            ),
            (
                ProfileSection::Communication,
                "Uses a thumbs up; give time to answer.".to_string()
            ),
        ]
    );

    // A later sync leaves staff's words alone.
    write(
        &mut journal,
        &Mat {
            id: "0190a000-0000-7000-8000-0000000000aa".into(),
            day: 9,
            actions: &[("tea", Some(0))],
        },
    );
    sync(&journal, &mut plan, now()).unwrap();
    assert!(plan
        .contents()
        .unwrap()
        .contains("offer hot chocolate instead"));
}

#[test]
fn two_new_devices_syncing_into_a_new_plan_at_once_end_up_in_one_home() {
    for round in 0..20u32 {
        let dir = tempfile::tempdir().unwrap();
        let plan_path = dir.path().join("plan.sqlite");
        drop(Plan::create(&plan_path).unwrap());
        let journals: Vec<std::path::PathBuf> = (0..2u32)
            .map(|device| {
                let path = dir.path().join(format!("journal-{device}.sqlite"));
                let mut journal = new_journal(&path);
                write(
                    &mut journal,
                    &Mat {
                        id: format!("0190a000-0000-7000-8000-{device:012}"),
                        day: 1 + device,
                        actions: &[("tea", Some(0))],
                    },
                );
                path
            })
            .collect();
        let start = std::sync::Arc::new(std::sync::Barrier::new(2));
        let devices: Vec<_> = journals
            .clone()
            .into_iter()
            .map(|journal| {
                let (start, plan_path) = (start.clone(), plan_path.clone());
                std::thread::spawn(move || {
                    let journal = Journal::open(&journal).unwrap();
                    let mut plan = Plan::open(&plan_path).unwrap();
                    start.wait();
                    sync(&journal, &mut plan, now()).map(|report| report.sessions)
                })
            })
            .collect();
        for device in devices {
            let synced = device.join().unwrap();
            assert_eq!(
                synced.unwrap_or_else(|e| panic!("round {round}: {e}")),
                1,
                "round {round}"
            );
        }
        let plan = Plan::open(&plan_path).unwrap();
        assert_eq!(plan.synced_session_ids().unwrap().len(), 2);
        // Each device carries on syncing into the home they share.
        for journal in &journals {
            let journal = Journal::open(journal).unwrap();
            let again = sync(&journal, &mut Plan::open(&plan_path).unwrap(), now());
            assert!(again.is_ok(), "round {round}: {}", again.unwrap_err());
        }
    }
}

#[test]
fn two_real_sync_processes_started_together_on_a_new_plan_end_up_in_one_home() {
    // As an outside tester does it: two processes, not two threads.
    for round in 0..10u32 {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.sqlite");
        drop(Plan::create(&plan).unwrap());
        let data_dirs: Vec<std::path::PathBuf> = (0..2u32)
            .map(|device| {
                let data = dir.path().join(format!("device-{device}"));
                let mut journal = new_journal(&data.join("journal.sqlite"));
                write(
                    &mut journal,
                    &Mat {
                        id: format!("0190a000-0000-7000-8000-{device:012}"),
                        day: 1 + device,
                        actions: &[("tea", Some(0))],
                    },
                );
                data
            })
            .collect();
        let sync_into_plan = |data: &std::path::Path| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_sayso"));
            command
                .args(["sync", "--to", plan.to_str().unwrap()])
                .env("SAYSO_DATA_DIR", data)
                .env("RUST_LOG", "error")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            command
        };
        let children: Vec<_> = data_dirs
            .iter()
            .map(|data| sync_into_plan(data).spawn().unwrap())
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert_eq!(
            Plan::open(&plan)
                .unwrap()
                .synced_session_ids()
                .unwrap()
                .len(),
            2,
            "round {round}: both mats in the one plan"
        );
        // Neither device was shut out: each syncs there again.
        for data in &data_dirs {
            let again = sync_into_plan(data).output().unwrap();
            assert!(
                again.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&again.stderr)
            );
        }
    }
}

/// The mats a plan holds, as another process reads it while a sync writes
/// (0 while the writer holds it for a moment).
fn mats_in(plan: &Path) -> usize {
    let count = || -> rusqlite::Result<usize> {
        let db = Connection::open_with_flags(plan, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        db.query_row("SELECT count(*) FROM synced_sessions", [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|n| usize::try_from(n).unwrap_or(0))
    };
    count().unwrap_or(0)
}

#[test]
fn a_real_sync_process_killed_at_any_moment_leaves_a_plan_the_next_sync_completes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let journal_path = data.join("journal.sqlite");
    let mut journal = new_journal(&journal_path);
    // Enough mats that a sync takes a while to be caught in the middle.
    let actions: Actions = &[("tea", Some(0)), ("cake", Some(2)), ("pizza", Some(1))];
    let mats: Vec<Record> = (0..1500)
        .flat_map(|i| {
            records(&Mat {
                id: format!("0190a000-0000-7000-8000-{i:012}"),
                day: 1 + i % 28,
                actions,
            })
        })
        .collect();
    journal.record_all(&mats).unwrap();
    drop(journal);
    let plan = dir.path().join("plan.sqlite");
    drop(Plan::create(&plan).unwrap());

    let run_sync = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sayso"))
            .args(["sync", "--to", plan.to_str().unwrap()])
            .env("SAYSO_DATA_DIR", &data)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // kill -9 at moments the test sees: once the plan has taken one or two
    // more batches (of 200), while the sync is on its way to the next.
    let mut cut_mid_sync = 0;
    for batches in [1, 1, 2, 1, 2] {
        let before = mats_in(&plan);
        let mut child = run_sync();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let ended_by_itself = loop {
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            if mats_in(&plan) >= before + 200 * batches {
                break false;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the sync took no batch in two minutes"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        let _ = child.kill();
        let _ = child.wait();
        if !ended_by_itself && mats_in(&plan) < 1500 {
            cut_mid_sync += 1;
        }
    }
    assert!(
        cut_mid_sync >= 3,
        "only {cut_mid_sync} of 5 kills came in the middle of a sync"
    );
    assert!(
        run_sync().wait().unwrap().success(),
        "the next sync completes"
    );

    let reference_path = dir.path().join("reference.sqlite");
    let mut reference = Plan::open_or_create(&reference_path).unwrap();
    sync(
        &Journal::open(&journal_path).unwrap(),
        &mut reference,
        now(),
    )
    .expect("the same journal syncs in one go");
    let plan = Plan::open(&plan).unwrap();
    assert_eq!(
        plan.synced_session_ids().unwrap().len(),
        1500,
        "every mat, once"
    );
    assert_eq!(plan.evidence_count().unwrap(), 1500 * 3);
    assert_eq!(
        plan.preferences(None).unwrap().len(),
        reference.preferences(None).unwrap().len()
    );
}

#[test]
fn the_kiosk_tells_staff_whether_the_plan_is_newer_or_damaged_not_just_busy() {
    let mut test = common::open_kiosk_on_topics(&common::demo_set());
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let plan = test.paths.plan.clone();
    drop(Plan::open_or_create(&plan).unwrap());
    Connection::open(&plan)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    common::finish_a_mat(&mut test.kiosk, 0);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let notice = test.kiosk.view().staff_notice;
    assert!(notice.contains("newer version of sayso"), "{notice}");

    std::fs::write(&plan, b"not a database".repeat(500)).unwrap();
    common::finish_a_mat(&mut test.kiosk, 0);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let notices = test.kiosk.notices().to_vec();
    assert!(
        notices.iter().any(|n| n.contains("plan damaged")),
        "{notices:?}"
    );
    assert!(
        notices
            .iter()
            .all(|n| !n.contains("newer") && !n.contains("busy")),
        "only what stands now: {notices:?}"
    );
}

#[test]
fn a_journal_restored_from_an_older_backup_still_brings_every_new_mat() {
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.sqlite");
    let mat = |n: u32| Mat {
        id: format!("0190a000-0000-7000-8000-{n:012}"),
        day: n,
        actions: &[("tea", Some(0)), ("cake", Some(2))],
    };
    let mut journal = new_journal(&journal_path);
    for n in 1..=3 {
        journal.record_all(&records(&mat(n))).unwrap();
    }
    drop(journal);
    let backup = dir.path().join("backup.sqlite");
    std::fs::copy(&journal_path, &backup).unwrap();

    // Two more mats, then everything is in the plan.
    let mut journal = Journal::open(&journal_path).unwrap();
    for n in 4..=5 {
        journal.record_all(&records(&mat(n))).unwrap();
    }
    let plan_path = dir.path().join("plan.sqlite");
    let mut plan = Plan::open_or_create(&plan_path).unwrap();
    assert_eq!(sync(&journal, &mut plan, now()).unwrap().sessions, 5);
    drop(journal);

    // The device is restored from the backup (mats 1 to 3) and goes on:
    // its next mats are written where mats 4 and 5 were.
    std::fs::copy(&backup, &journal_path).unwrap();
    let mut journal = Journal::open(&journal_path).unwrap();
    for n in 6..=7 {
        journal.record_all(&records(&mat(n))).unwrap();
    }
    assert_eq!(sync(&journal, &mut plan, now()).unwrap().sessions, 2);
    let synced = plan.synced_session_ids().unwrap();
    assert_eq!(synced.len(), 7, "every mat, once");
    assert!(synced.contains(&sayso::core::SessionId::from(mat(6).id.as_str())));

    // From here on only what is new is read, and nothing is lost.
    journal.record_all(&records(&mat(8))).unwrap();
    assert_eq!(sync(&journal, &mut plan, now()).unwrap().sessions, 1);
    assert_eq!(sync(&journal, &mut plan, now()).unwrap().sessions, 0);
    assert_eq!(plan.synced_session_ids().unwrap().len(), 8);
}
