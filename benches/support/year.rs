//! A year of one person's daily check-ins, as a kiosk's journal holds it:
//! 8 mats a day of 10 cards, with some taken back (about 30,000
//! placements). Shared by the benchmarks of sync and of the hub.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::store::Journal;

pub const DAYS: u32 = 365;
pub const MATS_PER_DAY: u32 = 8;
pub const CARDS_PER_MAT: u32 = 10;
const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];

/// A year of mats for one person: each day, 8 topics of 10 cards; every
/// twentieth placement is taken back and placed again elsewhere.
pub fn a_year(path: &Path) -> (Journal, u32) {
    let mut journal = Journal::open(path).unwrap();
    let person = journal
        .add_person("Alex", Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .unwrap();
    let mut placements = 0;
    for day in 0..DAYS {
        let mut records = Vec::new();
        for mat in 0..MATS_PER_DAY {
            let (mat_records, placed) = mat_records(&person.id, day, mat);
            records.extend(mat_records);
            placements += placed;
        }
        journal.record_all(&records).unwrap();
    }
    (journal, placements)
}

pub fn write_mat(journal: &mut Journal, day: u32, mat: u32) {
    let person = journal.people().unwrap().remove(0);
    journal
        .record_all(&mat_records(&person.id, day, mat).0)
        .unwrap();
}

pub fn mat_records(person_id: &str, day: u32, mat: u32) -> (Vec<Record>, u32) {
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap()
        + chrono::Duration::days(day.into())
        + chrono::Duration::hours(mat.into());
    let session_id = uuid_for(day, mat);
    let mut records = vec![Record::Started {
        session_id: session_id.clone().into(),
        person_id: person_id.into(),
        set_id: "year".into(),
        topic_id: format!("topic-{mat}").into(),
        topic_title: format!("Topic {mat}"),
        company: Company::default(),
        at: start,
    }];
    let mut seq = 0;
    let mut placed = 0;
    for card in 0..CARDS_PER_MAT {
        let at = start + chrono::Duration::seconds(i64::from(card) * 5);
        // Views drift through the year, so some cards change.
        let point = ((day / 60 + card + mat) % 3) as usize;
        seq += 1;
        placed += 1;
        records.push(placement(&session_id, seq, card, point, at));
        if (day + card + mat).is_multiple_of(20) {
            seq += 1;
            records.push(Record::Undone {
                session_id: session_id.clone().into(),
                seq,
                undoes: seq - 1,
                at,
                via: InputMethod::Key,
            });
            seq += 1;
            placed += 1;
            records.push(placement(&session_id, seq, card, (point + 1) % 3, at));
        }
    }
    records.push(Record::Finished {
        session_id: session_id.into(),
        at: start + chrono::Duration::minutes(2),
        via: InputMethod::Touch,
    });
    (records, placed)
}

fn placement(session_id: &str, seq: u32, card: u32, point: usize, at: DateTime<Utc>) -> Record {
    Record::Placed {
        session_id: session_id.into(),
        seq,
        card_id: format!("card-{card}").into(),
        card_label: format!("card {card}"),
        spot: Spot::on(point),
        point_label: VIEWS[point].into(),
        at,
        via: InputMethod::Key,
        response_ms: 2500,
        helped: false,
    }
}

fn uuid_for(day: u32, mat: u32) -> String {
    format!("0190a000-0000-7000-8000-{:06}{:06}", day, mat)
}
