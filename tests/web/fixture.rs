//! A support plan as a kiosk's syncs leave it: Alex and Sam, mats over
//! some days (Alex changed their mind about tea, and asked to tell more
//! about the bus), and a staff account, Jo, whose passphrase is set.

use std::path::{Path, PathBuf};

use super::common::sync;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::store::accounts::Role;
use sayso::store::ports::AccountsPlan;
use sayso::store::{DevicePlan, Journal, Plan};

pub const ALEX: &str = "019a4c2e-5f00-7000-8000-00000000a1e5";
pub const SAM: &str = "019a4c2e-5f00-7000-8000-0000000005a3";
pub const JO_PASSPHRASE: &str = "a long shift at the end";

const VIEWS: [&str; 3] = ["like", "not sure", "don't like"];

/// The moment the fixture's plan was made: every server and kiosk under
/// test runs on a clock from here, never on the machine's own, so the
/// tests pass on any day (codes and sessions expire relative to it).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

/// A clock for a server a real browser clicks through: it starts at
/// [`now`] and moves on as real time passes.
pub fn running_clock() -> sayso::web::WallClock {
    let started = std::time::Instant::now();
    std::sync::Arc::new(move || {
        now() + Duration::from_std(started.elapsed()).expect("a test lasts less than forever")
    })
}

/// One mat: who, which day of November, which topic, and (card, label,
/// point) for each card; a `None` point marks the card "tell me more".
pub struct Mat<'a> {
    pub id: &'a str,
    pub person: &'a str,
    pub day: u32,
    pub topic: (&'a str, &'a str),
    pub cards: &'a [(&'a str, &'a str, Option<usize>)],
}

pub fn records(mat: &Mat) -> Vec<Record> {
    let at = Utc.with_ymd_and_hms(2026, 11, mat.day, 9, 0, 0).unwrap();
    let session_id = || mat.id.to_string().into();
    let mut records = vec![Record::Started {
        session_id: session_id(),
        person_id: mat.person.into(),
        set_id: "demo".into(),
        topic_id: mat.topic.0.into(),
        topic_title: mat.topic.1.into(),
        company: Company::default(),
        at,
    }];
    let mut seq = 0;
    let mut placed = Vec::new();
    for (card, label, point) in mat.cards {
        seq += 1;
        let at = at + Duration::seconds(seq.into());
        match point {
            Some(point) => {
                placed.push(*card);
                records.push(Record::Placed {
                    session_id: session_id(),
                    seq,
                    card_id: (*card).into(),
                    card_label: (*label).into(),
                    spot: Spot::on(*point),
                    point_label: VIEWS[*point].into(),
                    at,
                    via: InputMethod::Key,
                    response_ms: 1200,
                    helped: false,
                })
            }
            None => records.push(Record::Marked {
                session_id: session_id(),
                seq,
                card_id: (*card).into(),
                card_label: (*label).into(),
                at,
                via: InputMethod::Key,
            }),
        }
    }
    records.push(Record::Finished {
        session_id: session_id(),
        at: at + Duration::minutes(4),
        via: InputMethod::Key,
    });
    records
}

pub fn journal_with_people(path: &Path) -> Journal {
    let journal = Journal::open(path).unwrap();
    let db = Connection::open(path).unwrap();
    for (id, name) in [(ALEX, "Alex"), (SAM, "Sam")] {
        db.execute(
            "INSERT OR IGNORE INTO people (id, name, created_at) VALUES (?1, ?2, '2026-11-01T00:00:00.000Z')",
            [id, name],
        )
        .unwrap();
    }
    journal
}

pub const FOOD: (&str, &str) = ("food", "Food");
pub const GOING_OUT: (&str, &str) = ("going-out", "Going out");

/// The plan of a home after a fortnight: returns its path (in `dir`).
pub fn plan_after_a_fortnight(dir: &Path) -> PathBuf {
    let journal_path = dir.join("journal.sqlite");
    let mut journal = journal_with_people(&journal_path);
    let mats = [
        Mat {
            id: "019a5000-0000-7000-8000-000000000001",
            person: ALEX,
            day: 3,
            topic: FOOD,
            cards: &[("tea", "tea", Some(0)), ("pizza", "pizza", Some(1))],
        },
        Mat {
            id: "019a5000-0000-7000-8000-000000000002",
            person: ALEX,
            day: 10,
            topic: FOOD,
            cards: &[("tea", "tea", Some(0)), ("pizza", "pizza", Some(0))],
        },
        Mat {
            id: "019a5000-0000-7000-8000-000000000003",
            person: ALEX,
            day: 17,
            topic: FOOD,
            cards: &[("tea", "tea", Some(2)), ("pizza", "pizza", Some(0))],
        },
        Mat {
            id: "019a5000-0000-7000-8000-000000000004",
            person: ALEX,
            day: 18,
            topic: GOING_OUT,
            cards: &[
                ("bus", "the bus", Some(1)),
                ("bus", "the bus", None),
                ("park", "the park", Some(0)),
            ],
        },
        Mat {
            id: "019a5000-0000-7000-8000-000000000005",
            person: SAM,
            day: 12,
            topic: GOING_OUT,
            cards: &[("bus", "the bus", Some(0))],
        },
    ];
    for mat in &mats {
        journal.record_all(&records(mat)).unwrap();
    }
    let plan_path = dir.join("plan.sqlite");
    let mut plan = Plan::open_or_create(&plan_path).unwrap();
    sync(&journal, &mut plan, now()).unwrap();
    plan_path
}

/// Adds a staff account with its passphrase set, as `sayso staff add` and
/// the set-up page would.
pub fn add_staff(plan_path: &Path, name: &str, passphrase: &str) {
    let mut plan = Plan::open(plan_path).unwrap();
    let code = plan
        .add_account(name, Role::Staff, None, "test", now())
        .unwrap();
    plan.redeem_setup_code(&code, passphrase, now()).unwrap();
}

/// Brings one more mat into the plan, as a kiosk's sync does at `at`.
pub fn sync_one_more(dir: &Path, at: DateTime<Utc>, mat: &Mat) {
    let mut journal = journal_with_people(&dir.join("journal.sqlite"));
    journal.record_all(&records(mat)).unwrap();
    let mut plan = Plan::open(&dir.join("plan.sqlite")).unwrap();
    sync(&journal, &mut plan, at).unwrap();
}

/// A small PNG of one colour, as sayso would keep a picture.
pub fn png(width: u32, height: u32, colour: [u8; 3]) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb(colour))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// Puts a picture into the plan as a kiosk's sync does; returns its name.
pub fn keep_picture(plan: &mut Plan, bytes: &[u8]) -> String {
    plan.add_picture(
        sayso::store::pictures::NewPicture {
            source_hash: "0000",
            media_type: "image/png",
            width: 1,
            height: 1,
            bytes,
        },
        now(),
    )
    .unwrap()
}

/// Puts the demo picture at `relative` (under `images/demo`) into the plan,
/// as a kiosk's sync prepares it; returns its name.
fn keep_demo_picture(plan: &mut Plan, relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("images/demo")
        .join(relative);
    let made = sayso::library::picture::for_plan(&path).unwrap();
    plan.add_picture(
        sayso::store::pictures::NewPicture {
            source_hash: &sayso::library::picture::file_hash(&path).unwrap(),
            media_type: made.media_type,
            width: made.width,
            height: made.height,
            bytes: &made.bytes,
        },
        now(),
    )
    .unwrap()
}

/// The pictures a kiosk's sync carries: the demo set's pictures of the
/// cards Alex and Sam answered, Alex's photo, and the kept picture of the
/// mat of 17 November. Returns (tea, Alex's photo, that mat).
pub fn add_pictures(plan_path: &Path) -> (String, String, String) {
    let mut plan = Plan::open(plan_path).unwrap();
    let mut tea = String::new();
    for (topic, card) in [
        ("food", "tea"),
        ("food", "pizza"),
        ("going-out", "bus"),
        ("going-out", "park"),
    ] {
        let hash = keep_demo_picture(&mut plan, &format!("cards/{card}.svg"));
        plan.set_card_picture(topic, card, &hash, now()).unwrap();
        if card == "tea" {
            tea = hash;
        }
    }
    let photo = keep_demo_picture(&mut plan, "photos/alex.svg");
    plan.set_person_photo(&ALEX.into(), &photo).unwrap();
    let mat = keep_picture(&mut plan, &png(120, 80, [200, 200, 200]));
    plan.set_mat_picture_hash(&"019a5000-0000-7000-8000-000000000003".into(), &mat)
        .unwrap();
    (tea, photo, mat)
}
