use super::*;
use crate::core::InputMethod;
use chrono::TimeZone;

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, second).unwrap()
}

#[test]
fn a_new_journal_is_wal_with_full_sync_and_keeps_its_device_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/journal.sqlite");
    let first = Journal::open(&path).unwrap();
    let mode: String = first
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let sync: i64 = first
        .conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2));
    let id = first.device_id().to_string();
    drop(first);
    assert_eq!(Journal::open(&path).unwrap().device_id(), id);
}

#[test]
fn rows_cannot_be_changed_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("j.sqlite")).unwrap();
    let person = journal.add_person("Alex", at(0)).unwrap();
    journal
        .record(&Record::Started {
            session_id: "s".into(),
            person_id: person.id,
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            company: Company::default(),
            at: at(0),
        })
        .unwrap();
    journal
        .record(&Record::Placed {
            session_id: "s".into(),
            seq: 1,
            card_id: "tea".into(),
            card_label: "tea".into(),
            spot: Spot::on(0),
            point_label: "like".into(),
            at: at(1),
            via: InputMethod::Touch,
            response_ms: 1000,
            helped: false,
        })
        .unwrap();
    let update = journal.conn.execute("UPDATE placements SET point = 2", []);
    let delete = journal.conn.execute("DELETE FROM sessions", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(journal.placements("s").unwrap()[0].spot, Spot::on(0));
}

#[test]
fn a_finished_session_reads_back_with_its_company_spots_skips_and_marks() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("j.sqlite")).unwrap();
    let person = journal.add_person("Alex", at(0)).unwrap();
    let company = Company {
        supporter: Some("Jo".into()),
        helped: true,
    };
    let spot = Spot {
        point: 2,
        offset: -40,
    };
    journal
        .record_all(&[
            Record::Started {
                session_id: "s".into(),
                person_id: person.id,
                set_id: "demo".into(),
                topic_id: "food".into(),
                topic_title: "Food".into(),
                company: company.clone(),
                at: at(0),
            },
            Record::Skipped {
                session_id: "s".into(),
                seq: 1,
                card_id: "tea".into(),
                card_label: "tea".into(),
                at: at(1),
                via: InputMethod::Key,
                response_ms: 900,
            },
            Record::Marked {
                session_id: "s".into(),
                seq: 2,
                card_id: "cake".into(),
                card_label: "cake".into(),
                at: at(2),
                via: InputMethod::Touch,
            },
            Record::Placed {
                session_id: "s".into(),
                seq: 3,
                card_id: "cake".into(),
                card_label: "cake".into(),
                spot,
                point_label: "don't like".into(),
                at: at(3),
                via: InputMethod::Touch,
                response_ms: 2000,
                helped: true,
            },
            Record::Finished {
                session_id: "s".into(),
                at: at(4),
                via: InputMethod::Touch,
            },
        ])
        .unwrap();
    let session = journal.finished_session("s").unwrap().unwrap();
    assert_eq!(session.company, company);
    assert_eq!(
        (session.placements[0].spot, session.placements[0].helped),
        (spot, true)
    );
    assert_eq!(session.skips[0].card_id, "tea");
    assert_eq!(session.marks[0].card_id, "cake");
    let mat = crate::core::replay(&session.actions());
    assert_eq!(mat.skipped, [(CardId::from("tea"), 1)]);
    assert_eq!(mat.marked, [(CardId::from("cake"), 2)]);
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list ".repeat(200),
    )
    .unwrap();
    let error = Journal::open(&path).err().expect("opening must fail");
    assert!(error.is_corrupt(), "{error}");
}

#[test]
fn a_journal_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    drop(Journal::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = Journal::open(&path).err().expect("opening must fail");
    assert!(
        matches!(error, StoreError::NewerSchema { found: 99, .. }),
        "{error}"
    );
}
