//! The staff web app on a big plan: 20 people, each with a year of eight
//! daily check-ins of ten cards (about 600,000 placements), brought in by
//! sync as the kiosks would.
//!
//! Measures the server time of What's new and of a person's page (the whole
//! request through the router: session lookup, plan queries, the page), and
//! the review-meeting PDF for a year, each against the plain SQL query that
//! fetches the same rows, in the same run.
//!
//! Run with `cargo bench --bench web`.

#[path = "support/pages.rs"]
mod pages;
use pages::{measure, report, Pages};

use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::store::accounts::Role;
use sayso::store::ports::AccountsPlan;
use sayso::store::{Journal, Plan};
use sayso::sync::{with_plan, SyncOptions};

const PEOPLE: u32 = 20;
const DAYS: u32 = 365;
const MATS_PER_DAY: u32 = 8;
const CARDS_PER_MAT: u32 = 10;
const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan_path = dir.path().join("plan.sqlite");
    let now = Utc.with_ymd_and_hms(2027, 1, 1, 9, 0, 0).unwrap();

    let started = Instant::now();
    let mut journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
    let people: Vec<_> = (0..PEOPLE)
        .map(|p| {
            journal
                .add_person(
                    &format!("Person {p}"),
                    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
                )
                .unwrap()
        })
        .collect();
    let mut placements = 0;
    // A month of a person's mats per transaction: the bench's set-up, not
    // what it measures.
    for (p, person) in people.iter().enumerate() {
        for month in (0..DAYS).collect::<Vec<_>>().chunks(31) {
            let records: Vec<Record> = month
                .iter()
                .flat_map(|&day| {
                    (0..MATS_PER_DAY)
                        .flat_map(move |mat| mat_records(&person.id, p as u32, day, mat))
                })
                .collect();
            placements += records
                .iter()
                .filter(|r| matches!(r, Record::Placed { .. }))
                .count();
            journal.record_all(&records).unwrap();
        }
    }
    let mut plan = Plan::open_or_create(&plan_path).unwrap();
    with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
    let code = plan
        .add_account("Jo", Role::Staff, None, "bench", now)
        .unwrap();
    plan.redeem_setup_code(&code, "a long shift at the end", now)
        .unwrap();
    let (token, _) = plan
        .start_web_session(&plan.accounts().unwrap().remove(0), now)
        .unwrap();
    drop(plan);
    println!(
        "plan: {PEOPLE} people, {placements} placements, made and synced in {:.1?}",
        started.elapsed()
    );

    let pages = Pages::new(&plan_path, now, &token);
    let get = |path: &str| pages.get(path);

    let db = Connection::open(&plan_path).unwrap();
    let person = people[7].id.to_string();

    let (whats_new, size) = measure(|| get("/"));
    let (plain_whats_new, _) = measure(|| {
        let started = Instant::now();
        let rows: i64 = db
            .prepare_cached(
                "SELECT count(*) FROM (SELECT person_id, count(*) FROM synced_sessions
                 GROUP BY person_id)",
            )
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, i64::from(PEOPLE));
        (started.elapsed(), 0)
    });
    report("What's new", whats_new, size, plain_whats_new);

    let path = format!("/people/{person}");
    let (page, size) = measure(|| get(&path));
    let (plain_page, _) = measure(|| {
        let started = Instant::now();
        let mut statement = db
            .prepare_cached(
                "SELECT topic_id, card_id, placed_at, point FROM evidence WHERE person_id = ?1",
            )
            .unwrap();
        let rows = statement
            .query_map([&person], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .unwrap()
            .count();
        assert!(rows > 20_000);
        (started.elapsed(), 0)
    });
    report("a person's page", page, size, plain_page);

    // Where a person's page spends its time, part by part.
    {
        use sayso::store::ports::StaffPlan;
        let staff_plan = Plan::open(&plan_path).unwrap();
        let id = sayso::core::PersonId::new(person.clone());
        let part = |name: &str, run: &dyn Fn() -> usize| {
            let (times, size) = measure(|| {
                let started = Instant::now();
                let size = run();
                (started.elapsed(), size)
            });
            println!(
                "  {name:<14} p50 {:>9.2?}  p95 {:>9.2?}  ({size} rows)",
                times.0, times.1
            );
        };
        part("views", &|| staff_plan.views(&id).unwrap().len());
        part("mats", &|| staff_plan.mats(&id, 50).unwrap().len());
        part("actions", &|| staff_plan.actions(&id).unwrap().len());
        part("photo, shared", &|| {
            usize::from(staff_plan.photo(&id).unwrap().is_some())
                + usize::from(staff_plan.views_shared(&id).unwrap())
        });
    }

    // The review-meeting report for the whole year, as a PDF.
    let year = (
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    );
    let plan = Plan::open(&plan_path).unwrap();
    let mut pdf_times = Vec::new();
    let mut pdf_size = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let review = sayso::report::review::review(&plan, &people[7].id, year.0, year.1)
            .unwrap()
            .unwrap();
        let pdf = sayso::report::pdf::review_pdf(&review).unwrap();
        pdf_times.push(started.elapsed());
        pdf_size = pdf.len();
    }
    pdf_times.sort();
    let (plain_year, _) = measure(|| {
        let started = Instant::now();
        let rows = db
            .prepare_cached(
                "SELECT s.session_id, e.card_id, e.view FROM synced_sessions s
                 JOIN evidence e ON e.session_id = s.session_id WHERE s.person_id = ?1",
            )
            .unwrap()
            .query_map([&person], |r| r.get::<_, String>(0))
            .unwrap()
            .count();
        assert!(rows > 20_000);
        (started.elapsed(), 0)
    });
    println!(
        "year's PDF report   median {:>9.2?} ({} KB)   plain SQL of its rows p50 {:>9.2?}   ratio {:.0}x",
        pdf_times[pdf_times.len() / 2],
        pdf_size / 1024,
        plain_year.0,
        pdf_times[pdf_times.len() / 2].as_secs_f64() / plain_year.0.as_secs_f64()
    );
}

fn mat_records(person_id: &str, person: u32, day: u32, mat: u32) -> Vec<Record> {
    let start: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap()
        + chrono::Duration::days(day.into())
        + chrono::Duration::hours(mat.into());
    let session_id = format!("0190a000-0000-7000-8{person:03}-{day:06}{mat:06}");
    let mut records = vec![Record::Started {
        session_id: session_id.clone().into(),
        person_id: person_id.into(),
        set_id: "year".into(),
        topic_id: format!("topic-{}", mat % 4).into(),
        topic_title: format!("Topic {}", mat % 4),
        company: Company::default(),
        at: start,
    }];
    for card in 0..CARDS_PER_MAT {
        // Views drift through the year, so some cards change.
        let point = ((day / 60 + card + mat + person) % 3) as usize;
        records.push(Record::Placed {
            session_id: session_id.clone().into(),
            seq: card + 1,
            card_id: format!("card-{}-{card}", mat / 4).into(),
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
