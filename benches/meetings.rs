//! The residents' meeting on a house with a year behind it: 12 residents,
//! each with four mats a day for a year, and a question for the house every
//! month (each asking the last one again), answered by everyone, some on two
//! kiosks, with two decisions a month, one of them done.
//!
//! Measures the meeting page (the whole request through the router), its
//! easy-read PDF (each card with its photo) for the newest question, and the
//! year's evidence for inspection, each against the plain SQL that reads
//! the same answers, in the same run.
//!
//! Run with `cargo bench --bench meetings`.

#[path = "support/pages.rs"]
mod pages;
use pages::{measure, report, Pages};

use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use sayso::core::house_question::{topic_of, NewQuestion};
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::store::accounts::{AccountChange, Role};
use sayso::store::pictures::NewPicture;
use sayso::store::ports::house::{CardPicture, NewDecision};
use sayso::store::ports::{AccountsPlan, HousePlan};
use sayso::store::{ActionStatus, Journal, Plan};
use sayso::sync::{with_plan, SyncOptions};

const RESIDENTS: u32 = 12;
const DAYS: u32 = 365;
const MATS_PER_DAY: u32 = 4;
const CARDS: u32 = 8;
const MONTHS: u32 = 12;
const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];

fn day_start(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap() + chrono::Duration::days(day.into())
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan_path = dir.path().join("plan.sqlite");
    let now = Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap();
    let started = Instant::now();
    let mut journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
    let residents: Vec<_> = (0..RESIDENTS)
        .map(|r| {
            journal
                .add_person(&format!("Resident {r}"), day_start(0))
                .unwrap()
        })
        .collect();
    for (r, resident) in residents.iter().enumerate() {
        for month in (0..DAYS).collect::<Vec<_>>().chunks(31) {
            let records: Vec<Record> = month
                .iter()
                .flat_map(|&day| {
                    (0..MATS_PER_DAY).flat_map(move |mat| {
                        let id = format!("0190a000-0000-7000-8{r:03}-{day:06}{mat:06}");
                        let topic = format!("topic-{}", mat % 4);
                        mat_records(&id, &resident.id, &topic, day_start(day), r as u32 + mat)
                    })
                })
                .collect();
            journal.record_all(&records).unwrap();
        }
    }
    let mut plan = Plan::open_or_create(&plan_path).unwrap();
    with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();

    // A question each month, asked in its first week, each the last again.
    let mut last: Option<String> = None;
    for month in 0..MONTHS {
        let opens = day_start(month * 30);
        let id = plan
            .make_house_question(
                &NewQuestion {
                    title: "The garden".into(),
                    question: "What shall we plant in the garden?".into(),
                    scale: "like".into(),
                    cards: (0..CARDS).map(|c| format!("Plant {c}")).collect(),
                    people: residents.iter().map(|r| r.id.clone()).collect(),
                    opens,
                    closes: opens + chrono::Duration::days(14),
                    asks_again: last.clone(),
                },
                "Jo",
                opens,
            )
            .unwrap();
        if last.is_none() {
            // Each card a photo, 480 px as the plan keeps them; asked
            // again, the cards keep them.
            for card in 0..CARDS {
                let photo = card_photo(card);
                let picture = NewPicture {
                    source_hash: "a phone's photo",
                    media_type: "image/jpeg",
                    width: 480,
                    height: 480,
                    bytes: &photo,
                };
                plan.give_card_picture(
                    &id,
                    &format!("plant-{card}"),
                    CardPicture::Photo(picture),
                    "Jo",
                    opens,
                )
                .unwrap();
            }
        }
        let topic = topic_of(&id);
        let topic = topic.as_str();
        let records: Vec<Record> = residents
            .iter()
            .enumerate()
            .flat_map(|(r, resident)| {
                // A third of the residents answered on two kiosks.
                let tries = if r % 3 == 0 { 2 } else { 1 };
                (0..tries).flat_map(move |t| {
                    let mat = format!("0190b000-0000-7000-8{r:03}-{month:06}{t:06}");
                    let at = day_start(month * 30 + 2 + t) + chrono::Duration::hours(6);
                    mat_records(&mat, &resident.id, topic, at, r as u32 + month + t)
                })
            })
            .collect();
        journal.record_all(&records).unwrap();
        with_plan(
            &journal,
            &mut plan,
            opens + chrono::Duration::days(5),
            &SyncOptions::default(),
        )
        .unwrap();
        for card in 0..2 {
            let decision = plan
                .decide(
                    &NewDecision {
                        question: id.clone(),
                        card: format!("plant-{card}").as_str().into(),
                        what: format!("Plant {card} by the patio"),
                        who: "Jo".into(),
                        due: None,
                    },
                    "Jo",
                    opens + chrono::Duration::days(15),
                )
                .unwrap();
            if card == 0 {
                plan.settle_decision(
                    decision,
                    ActionStatus::Done,
                    "Planted",
                    "We planted them.",
                    "Jo",
                    opens + chrono::Duration::days(20),
                )
                .unwrap();
            }
        }
        last = Some(id);
    }
    let newest = last.expect("a question");
    let code = plan
        .add_account("Jo", Role::Staff, None, "bench", now)
        .unwrap();
    plan.redeem_setup_code(&code, "a long shift at the end", now)
        .unwrap();
    plan.change_account("Jo", AccountChange::MakeManager, "bench", now)
        .unwrap();
    let (token, _) = plan
        .start_web_session(&plan.accounts().unwrap().remove(0), now)
        .unwrap();
    drop(plan);
    println!(
        "house: {RESIDENTS} residents, {} mats a year each, {MONTHS} monthly questions; made in {:.1?}",
        DAYS * MATS_PER_DAY,
        started.elapsed()
    );

    let pages = Pages::new(&plan_path, now, &token);
    let get = |path: &str| pages.get(path);

    // The same answers the page counts, read with plain SQL: this asking's
    // and the last one's, their mats and where each card went.
    let db = Connection::open(&plan_path).unwrap();
    let earlier: String = db
        .query_row(
            "SELECT asks_again FROM house_questions WHERE id = ?1",
            [&newest],
            |r| r.get(0),
        )
        .unwrap();
    let plain = || {
        let started = Instant::now();
        let mut rows = 0;
        for id in [&newest, &earlier] {
            rows += db
                .prepare_cached(
                    "SELECT s.session_id, s.person_id, e.card_id, e.point FROM synced_sessions s
                     JOIN evidence e ON e.session_id = s.session_id WHERE s.topic_id = ?1",
                )
                .unwrap()
                .query_map([topic_of(id)], |r| r.get::<_, String>(0))
                .unwrap()
                .count();
        }
        assert!(rows > usize::try_from(RESIDENTS * CARDS).unwrap());
        (started.elapsed(), 0)
    };

    let (page, size) = measure(|| get(&format!("/house/{newest}")));
    let (plain_rows, _) = measure(plain);
    report("meeting page", page, size, plain_rows);

    let (pdf, size) = measure(|| get(&format!("/house/{newest}/meeting.pdf")));
    report("meeting PDF", pdf, size, plain_rows);

    // The year's evidence for inspection: twelve meetings and their steps.
    let (evidence, size) = measure(|| get("/house/evidence.pdf?from=2026-01-01&to=2026-12-31"));
    report("evidence PDF, a year", evidence, size, plain_rows);
}

/// A card's photo as a phone's would be once made for the plan.
fn card_photo(card: u32) -> Vec<u8> {
    let shade = u8::try_from(card * 30).unwrap_or(u8::MAX);
    let photo = image::RgbImage::from_fn(480, 480, |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode(&photo, 480, 480, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

/// One finished mat: every card of the topic placed, views drifting.
fn mat_records(
    id: &str,
    person: &str,
    topic: &str,
    start: DateTime<Utc>,
    seed: u32,
) -> Vec<Record> {
    let mut records = vec![Record::Started {
        session_id: id.into(),
        person_id: person.into(),
        set_id: "year".into(),
        topic_id: topic.into(),
        topic_title: "Topic".into(),
        company: Company::default(),
        at: start,
    }];
    for card in 0..CARDS {
        let point = ((seed + card) % 3) as usize;
        records.push(Record::Placed {
            session_id: id.into(),
            seq: card + 1,
            card_id: format!("plant-{card}").into(),
            card_label: format!("Plant {card}"),
            spot: Spot::on(point),
            point_label: VIEWS[point].into(),
            at: start + chrono::Duration::seconds(i64::from(card) * 5),
            via: InputMethod::Key,
            response_ms: 2500,
            helped: false,
        });
    }
    records.push(Record::Finished {
        session_id: id.into(),
        at: start + chrono::Duration::minutes(2),
        via: InputMethod::Touch,
    });
    records
}
