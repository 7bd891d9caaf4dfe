//! The staff pages work wherever the plan is: each sync carries the set's
//! card pictures, the people's photos and the kept mats into the plan,
//! content-addressed, once each, made safe to show (re-encoded by sayso);
//! a broken picture is left out with a problem for staff, and the rest go.

use crate::common;

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::sync::SyncOptions;
use sha2::{Digest, Sha256};

const ALEX: &str = "019a4c2e-5f00-7000-8000-00000000a1e5";

fn card_pictures(plan: &Path) -> HashMap<(String, String), String> {
    let db = Connection::open(plan).unwrap();
    let mut statement = db
        .prepare("SELECT topic_id, card_id, picture_hash FROM card_pictures")
        .unwrap();
    statement
        .query_map([], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// (how many pictures, when the last one was added).
fn pictures_held(plan: &Path) -> (i64, String) {
    Connection::open(plan)
        .unwrap()
        .query_row("SELECT count(*), max(added_at) FROM pictures", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap()
}

fn picture(plan: &Path, hash: &str) -> (String, Vec<u8>) {
    Connection::open(plan)
        .unwrap()
        .query_row(
            "SELECT media_type, bytes FROM pictures WHERE hash = ?1",
            [hash],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

fn sync_again(paths: &KioskPaths, at: chrono::DateTime<chrono::Utc>) {
    sayso::sync::run(
        &paths.journal(),
        &paths.plan_target(),
        at,
        &staff_line_and_files(paths),
    )
    .unwrap();
}

/// A kiosk's sync as it runs it, with a clear staff line.
fn staff_line_and_files(paths: &KioskPaths) -> SyncOptions {
    SyncOptions {
        files: Some(std::sync::Arc::new(paths.to_share())),
        staff_line: Some(Vec::new()),
        ..SyncOptions::default()
    }
}

#[test]
fn a_sync_carries_card_pictures_photos_and_the_kept_mat_into_the_plan_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    common::copy_dir(&common::demo_set().with_file_name(""), &demo);
    let mut paths = KioskPaths::in_data_dir(&dir.path().join("data"), &demo.join("set.toml"));
    paths.home = Some(demo.join("home.toml"));
    paths.keeper = Some(env!("CARGO_BIN_EXE_sayso").into());
    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    // Alex, on their own, the first topic, every card under "like".
    let touch = |kiosk: &mut Kiosk, event| {
        kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)))
    };
    touch(&mut kiosk, Event::Choose(0));
    touch(&mut kiosk, Event::Choose(0));
    common::pick_first_topic(&mut kiosk);
    while kiosk.screen() == Screen::Mat {
        touch(&mut kiosk, Event::PlaceOn(0));
    }
    touch(&mut kiosk, Event::Finish);
    let session = kiosk.session().unwrap().id().to_string();
    kiosk.wait_for_jobs(common::JOB_WAIT);

    // Every card with a picture, by topic and card, each a PNG sayso drew
    // from the set's SVG (nothing of the SVG itself reaches a browser).
    let plan = &paths.plan;
    let set = sayso::library::load_set(&paths.set).unwrap();
    let cards = card_pictures(plan);
    let with_pictures: Vec<_> = set
        .set
        .topics
        .iter()
        .flat_map(|t| t.cards.iter().map(move |c| (t, c)))
        .filter(|(_, c)| c.picture.is_some())
        .collect();
    assert_eq!(cards.len(), with_pictures.len());
    for (topic, card) in &with_pictures {
        let hash = &cards[&(topic.id.to_string(), card.id.to_string())];
        let (media_type, bytes) = picture(plan, hash);
        assert_eq!(media_type, "image/png", "{}", card.label);
        assert_eq!(*hash, sayso::store::hex(&Sha256::digest(&bytes)));
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert!(decoded.width().max(decoded.height()) <= 480);
    }
    // Alex's photo, and the kept mat as the kiosk drew it.
    let db = Connection::open(plan).unwrap();
    let photo: String = db
        .query_row("SELECT photo_hash FROM people WHERE id = ?1", [ALEX], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(picture(plan, &photo).0, "image/png");
    let (kept_path, kept_hash): (String, String) = db
        .query_row(
            "SELECT mat_picture, mat_picture_hash FROM synced_sessions WHERE session_id = ?1",
            [&session],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let kept = std::fs::read(paths.data_dir.join(kept_path)).unwrap();
    assert_eq!(picture(plan, &kept_hash), ("image/png".into(), kept));

    // Once each: a sync with nothing new writes no picture again.
    let held = pictures_held(plan);
    sync_again(&paths, common::start_time() + chrono::Duration::hours(1));
    assert_eq!(pictures_held(plan), held);
    assert_eq!(card_pictures(plan), cards);

    // A family changes the tea picture: tea points at the new one, the old
    // one stays (mats drawn with it still show it), nothing else moves.
    std::fs::write(
        demo.join("cards/tea.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="green"/></svg>"#,
    )
    .unwrap();
    // A damaged one is left out, said for staff, and keeps its last picture.
    std::fs::write(demo.join("cards/pizza.svg"), "<svg oh no").unwrap();
    sayso::sync::run(
        &paths.journal(),
        &paths.plan_target(),
        common::start_time() + chrono::Duration::hours(2),
        &staff_line_and_files(&paths),
    )
    .unwrap();
    let now = card_pictures(plan);
    let key = |t: &str, c: &str| (t.to_string(), c.to_string());
    assert_ne!(now[&key("food", "tea")], cards[&key("food", "tea")]);
    assert_eq!(now[&key("food", "pizza")], cards[&key("food", "pizza")]);
    let moved = now.iter().filter(|(k, v)| cards[*k] != **v).count();
    assert_eq!(moved, 1);
    assert_eq!(pictures_held(plan).0, held.0 + 1);
    let problems: String = db
        .query_row("SELECT problems FROM devices", [], |r| r.get(0))
        .unwrap();
    assert!(
        problems.contains("Picture for Food: pizza not shared with the staff pages"),
        "{problems}"
    );
}
