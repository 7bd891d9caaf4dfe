//! Whether the cost of a sync, and of the kiosk's start, follows what is
//! new rather than how long a person's history is.
//!
//! One person, two mats a day of the same ten cards, for 1, 10 and 50
//! years (100 for the kiosk's start). Measures, in one run:
//! - one new mat synced into a plan that already holds those years: p50 and
//!   p95 over 30 mats each, and the ratio of each to the one year's;
//! - a fresh plan made from the 10-year journal, in mats a second;
//! - the kiosk opening on a 1-, 10- and 100-year journal with no plan in
//!   reach, the ratio of each to the one year's.
//!
//! Run with `cargo bench --bench history`.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::store::{Journal, Plan};
use sayso::sync::{with_plan, SyncOptions};

const MATS_PER_DAY: u32 = 2;
const CARDS_PER_MAT: u32 = 10;
const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];
const NEW_MATS: u32 = 30;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let now = Utc.with_ymd_and_hms(2126, 1, 1, 0, 0, 0).unwrap();

    println!("one new mat into a plan of one person's years of answers:");
    let mut one_year = None;
    for years in [1, 10, 50] {
        let journal_path = dir.path().join(format!("journal-{years}.sqlite"));
        let days = years * 365;
        let started = Instant::now();
        let mut journal = journal_of(&journal_path, days);
        let written = started.elapsed();
        let plan_path = dir.path().join(format!("plan-{years}.sqlite"));
        let mut plan = Plan::open_or_create(&plan_path).unwrap();
        let started = Instant::now();
        let report = with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
        let fresh = started.elapsed();
        assert_eq!(report.sessions as u32, days * MATS_PER_DAY);
        if years == 10 {
            println!(
                "  a fresh plan from the 10-year journal: {} mats in {fresh:.2?}, {:.0} mats/s (journal written in {written:.1?})",
                report.sessions,
                report.sessions as f64 / fresh.as_secs_f64()
            );
        }
        let mut times = Vec::new();
        for extra in 0..NEW_MATS {
            let person = journal.people().unwrap().remove(0);
            journal
                .record_all(&mat_records(&person.id, days + extra, 0))
                .unwrap();
            let started = Instant::now();
            assert_eq!(
                with_plan(&journal, &mut plan, now, &SyncOptions::default())
                    .unwrap()
                    .sessions,
                1
            );
            times.push(started.elapsed());
        }
        let (p50, p95) = percentiles(&mut times);
        let (base50, base95) = *one_year.get_or_insert((p50, p95));
        println!(
            "  {years:>2} years ({:>6} mats): p50 {p50:>9.2?} p95 {p95:>9.2?}   x{:.2} / x{:.2} the 1 year's",
            days * MATS_PER_DAY,
            ratio(p50, base50),
            ratio(p95, base95)
        );
    }

    println!("the kiosk's start, no plan in reach:");
    let mut one_year = None;
    for years in [1, 10, 100] {
        let data = dir.path().join(format!("kiosk-{years}"));
        std::fs::create_dir_all(&data).unwrap();
        let started = Instant::now();
        drop(journal_of(&data.join("journal.sqlite"), years * 365));
        let written = started.elapsed();
        // The first opening also migrates the journal: not counted.
        open_kiosk(&data, now);
        let mut times = Vec::new();
        for _ in 0..5 {
            times.push(open_kiosk(&data, now));
        }
        let (p50, _) = percentiles(&mut times);
        let base = *one_year.get_or_insert(p50);
        println!(
            "  {years:>3} years ({:>6} mats): median {p50:>9.2?}   x{:.2} the 1 year's (journal written in {written:.1?})",
            years * 365 * MATS_PER_DAY,
            ratio(p50, base)
        );
    }
}

fn open_kiosk(data: &Path, now: DateTime<Utc>) -> Duration {
    let set = sayso::library::default_set_path();
    let mut paths = sayso::kiosk::KioskPaths::in_data_dir(data, &set);
    paths.plan = data.join("share-not-mounted/plan.sqlite");
    let (voice, _) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::new(now);
    let started = Instant::now();
    let kiosk = sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
    let took = started.elapsed();
    drop(kiosk);
    took
}

/// A journal of `days` days of mats for one person.
fn journal_of(path: &Path, days: u32) -> Journal {
    let mut journal = Journal::open(path).unwrap();
    journal
        .add_person("Alex", Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .unwrap();
    for first in (0..days).step_by(100) {
        write_mats(&mut journal, first, (days - first).min(100));
    }
    journal
}

/// The mats of `count` days from `first_day` on, in one transaction.
fn write_mats(journal: &mut Journal, first_day: u32, count: u32) {
    let person = journal.people().unwrap().remove(0);
    let mut records = Vec::new();
    for day in first_day..first_day + count {
        for mat in 0..MATS_PER_DAY {
            records.extend(mat_records(&person.id, day, mat));
        }
    }
    journal.record_all(&records).unwrap();
}

fn mat_records(person_id: &str, day: u32, mat: u32) -> Vec<Record> {
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap()
        + chrono::Duration::days(day.into())
        + chrono::Duration::hours(mat.into());
    let session_id = format!("0190a000-0000-7000-8000-{day:07}{mat:05}");
    let mut records = vec![Record::Started {
        session_id: session_id.clone().into(),
        person_id: person_id.into(),
        set_id: "history".into(),
        topic_id: "food".into(),
        topic_title: "Food".into(),
        company: Company::default(),
        at: start,
    }];
    for card in 0..CARDS_PER_MAT {
        // Views drift over the months, so some cards change.
        let point = ((day / 60 + card + mat) % 3) as usize;
        records.push(Record::Placed {
            session_id: session_id.clone().into(),
            seq: card + 1,
            card_id: format!("card-{card}").into(),
            card_label: format!("card {card}"),
            spot: Spot::on(point),
            point_label: VIEWS[point].into(),
            at: start + chrono::Duration::seconds(i64::from(card) * 5),
            via: InputMethod::Key,
            response_ms: 2500,
            helped: false,
        });
    }
    records.push(Record::Finished {
        session_id: session_id.into(),
        at: start + chrono::Duration::minutes(2),
        via: InputMethod::Touch,
    });
    records
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
