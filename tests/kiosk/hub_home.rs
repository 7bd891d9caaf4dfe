//! The home file down from the hub: the hub's own `home.toml` (people,
//! settings, check-ins, photos) reaches every kiosk of the home whole, a
//! running kiosk takes it up only when nobody is using it, and a file that
//! would make someone two people is refused with a word for staff.

use std::path::{Path, PathBuf};

use chrono::Duration;
use sha2::{Digest, Sha256};

use sayso::clock::ManualClock;
use sayso::core::house_question::NewQuestion;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::{Kiosk, KioskInput, KioskPaths};
use sayso::library::house_questions::HOUSE_QUESTIONS_FILE;
use sayso::store::pictures::NewPicture;
use sayso::store::ports::house::CardPicture;
use sayso::store::ports::HousePlan;
use sayso::voice::{RecordingVoice, SpokenLog};

use super::hub::{alex, count, kiosk_with_mats, pairing_code, said, sayso, start_hub, Hub};
use crate::common;

/// The hub's home file: Alex (with the id the kiosks know), and Sam, who
/// has no id yet and a photo.
fn hubs_home() -> String {
    format!(
        r#"# Rose House, kept on the hub
supporters = ["Jo"]

[[people]]
id = "{}"
name = "Alex"

[[people]]
name = "Sam"
photo = "photos/sam.png"
large_text = true
"#,
        alex().id.as_str()
    )
}

fn png(red: u8) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb([red, 90, 160]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn newest_home_toml(plan: &Path) -> String {
    rusqlite::Connection::open(plan)
        .unwrap()
        .query_row(
            "SELECT home_toml FROM home_settings ORDER BY version DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .unwrap()
}

/// The id a home file gives the person called `name`.
fn id_of(home_toml: &str, name: &str) -> String {
    sayso::library::home::people_in(home_toml)
        .unwrap()
        .into_iter()
        .find(|(_, n)| n == name)
        .and_then(|(id, _)| id)
        .unwrap_or_else(|| panic!("{name} with an id in {home_toml}"))
        .as_str()
        .to_string()
}

#[test]
fn the_hubs_home_file_reaches_both_kiosks_whole_with_its_photos_and_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    std::fs::create_dir_all(hub_dir.join("photos")).unwrap();
    std::fs::write(hub_dir.join("home.toml"), hubs_home()).unwrap();
    std::fs::write(hub_dir.join("photos/sam.png"), png(200)).unwrap();
    let hub = start_hub(&hub_dir);
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..1);
    let kitchen = kiosk_with_mats(dir.path(), "2222", 0..1);
    // The lounge kiosk had a home file of its own before the hub.
    let own = alexs_own_home();
    std::fs::write(lounge.join("home.toml"), &own).unwrap();
    for kiosk in [&lounge, &kitchen] {
        let paired = sayso(kiosk, &["pair", &hub.url, &pairing_code(&hub.plan)]);
        assert!(paired.status.success(), "{}", said(&paired));
        let synced = sayso(kiosk, &["sync"]);
        assert!(synced.status.success(), "{}", said(&synced));
        assert!(
            said(&synced).contains("Took the home file from the hub"),
            "{}",
            said(&synced)
        );
    }

    // Sam was given an id once, on the hub, in its own file too.
    let on_hub = std::fs::read_to_string(hub_dir.join("home.toml")).unwrap();
    assert!(on_hub.contains("# Rose House"), "comments kept: {on_hub}");
    let sam = id_of(&on_hub, "Sam");
    let given = newest_home_toml(&hub.plan);
    for kiosk in [&lounge, &kitchen] {
        let taken = std::fs::read_to_string(kiosk.join("home.toml")).unwrap();
        assert_eq!(taken, given, "each kiosk keeps the file the hub gives");
        assert_eq!(id_of(&taken, "Sam"), sam, "Sam is one person everywhere");
        assert_eq!(id_of(&taken, "Alex"), alex().id.as_str());
        // Sam's photo, prepared by the hub, named by its hash, whole.
        let photos: Vec<_> = std::fs::read_dir(kiosk.join("home-photos"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(photos.len(), 1, "{photos:?}");
        let bytes = std::fs::read(&photos[0]).unwrap();
        let hash = sayso::store::hex(&Sha256::digest(&bytes));
        assert_eq!(photos[0].file_stem().unwrap().to_str().unwrap(), hash);
        let name = photos[0].file_name().unwrap().to_str().unwrap();
        assert!(
            taken.contains(&format!("photo = \"home-photos/{name}\"")),
            "{taken}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(lounge.join("home.before-hub.toml")).unwrap(),
        own,
        "the kiosk's own file kept, as it was"
    );
    assert!(!kitchen.join("home.before-hub.toml").exists());

    // A home manager asks the house a question on the hub: Sam is in the
    // hub's plan from its home file, before any mat of his.
    let question = {
        let mut plan = sayso::store::Plan::open(&hub.plan).unwrap();
        let residents = HousePlan::residents(&plan).unwrap();
        assert!(
            residents.iter().any(|r| r.person.name == "Sam"),
            "{residents:?}"
        );
        // The hub runs on this machine's clock.
        let opens = chrono::Utc::now() - Duration::days(1);
        let question = plan
            .make_house_question(
                &NewQuestion {
                    title: "The garden".into(),
                    question: "What shall we plant?".into(),
                    scale: "like".into(),
                    cards: vec!["Tomatoes".into()],
                    people: residents.into_iter().map(|r| r.person.id).collect(),
                    opens,
                    closes: opens + Duration::days(14),
                    asks_again: None,
                },
                "Jo",
                opens,
            )
            .unwrap();
        let photo = NewPicture {
            source_hash: "a photo of tomatoes",
            media_type: "image/jpeg",
            width: 4,
            height: 3,
            bytes: b"tomatoes, as a JPEG",
        };
        plan.give_card_picture(
            &question,
            "tomatoes",
            CardPicture::Photo(photo),
            "Jo",
            opens,
        )
        .unwrap();
        question
    };
    let asked = sayso(&kitchen, &["sync"]);
    assert!(
        said(&asked).contains("Took the house's questions"),
        "{}",
        said(&asked)
    );
    let kept = std::fs::read_to_string(kitchen.join(HOUSE_QUESTIONS_FILE)).unwrap();
    assert!(
        kept.contains(&question) && kept.contains("Tomatoes"),
        "{kept}"
    );
    let pictures: Vec<_> = std::fs::read_dir(kitchen.join("sets/.house-pictures"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(
        pictures,
        [b"tomatoes, as a JPEG".to_vec()],
        "the card's picture came from the hub, checked by its hash"
    );

    // Nothing changed on the hub: nothing new is given or taken.
    let again = sayso(&lounge, &["sync"]);
    assert!(
        !said(&again).contains("Took the home file"),
        "{}",
        said(&again)
    );
    assert_eq!(count(&hub.plan, "SELECT count(*) FROM home_settings"), 1);

    // Staff add Priya on the hub and give Sam a new photo.
    let with_priya = format!("{on_hub}\n[[people]]\nname = \"Priya\"\n");
    std::fs::write(hub_dir.join("home.toml"), with_priya).unwrap();
    std::fs::write(hub_dir.join("photos/sam.png"), png(20)).unwrap();
    for kiosk in [&lounge, &kitchen] {
        let synced = sayso(kiosk, &["sync"]);
        assert!(said(&synced).contains("its version 2"), "{}", said(&synced));
        let taken = std::fs::read_to_string(kiosk.join("home.toml")).unwrap();
        assert!(taken.contains("name = \"Priya\""), "{taken}");
        assert_eq!(id_of(&taken, "Sam"), sam);
        let photos = std::fs::read_dir(kiosk.join("home-photos"))
            .unwrap()
            .count();
        assert_eq!(photos, 1, "the old photo went with the old file");
    }
    let priya = id_of(&newest_home_toml(&hub.plan), "Priya");
    let on_hub = std::fs::read_to_string(hub_dir.join("home.toml")).unwrap();
    assert_eq!(id_of(&on_hub, "Priya"), priya);
    assert_eq!(
        count(
            &hub.plan,
            "SELECT count(*) FROM audit_log WHERE action = 'home file given to kiosks'"
        ),
        2
    );
}

/// Alex's kiosk's own home file, from before the hub.
fn alexs_own_home() -> String {
    format!(
        "[[people]]\nid = \"{}\"\nname = \"Alex\"\n",
        alex().id.as_str()
    )
}

/// A hub whose own home file is `home` (Sam's photo beside it), and a kiosk
/// of Alex's alone paired with it, a mat of Alex's in its journal: the
/// kiosk's data directory.
fn hub_and_alexs_kiosk(dir: &Path, home: &str) -> (Hub, PathBuf) {
    let hub_dir = dir.join("hub");
    std::fs::create_dir_all(hub_dir.join("photos")).unwrap();
    std::fs::write(hub_dir.join("home.toml"), home).unwrap();
    std::fs::write(hub_dir.join("photos/sam.png"), png(200)).unwrap();
    let hub = start_hub(&hub_dir);
    let data = kiosk_with_mats(dir, "1111", 0..1);
    std::fs::write(data.join("home.toml"), alexs_own_home()).unwrap();
    let paired = sayso(&data, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    (hub, data)
}

fn open_kiosk(data: &Path, clock: &ManualClock) -> (Kiosk, SpokenLog) {
    let mut paths = KioskPaths::in_data_dir(data, &common::demo_set());
    paths.home = Some(data.join("home.toml"));
    let (voice, spoken) = RecordingVoice::new();
    let kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock.clone())).unwrap();
    (kiosk, spoken)
}

fn touch(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

fn names_on_screen(kiosk: &Kiosk) -> Vec<String> {
    kiosk
        .view()
        .picker
        .items
        .iter()
        .map(|item| item.title.clone())
        .collect()
}

#[test]
fn a_running_kiosk_takes_up_the_hubs_home_file_only_when_nobody_is_using_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_hub, data) = hub_and_alexs_kiosk(dir.path(), &hubs_home());
    let clock = ManualClock::paced(common::start_time(), common::pace());
    let (mut kiosk, spoken) = open_kiosk(&data, &clock);
    assert_eq!(kiosk.screen(), Screen::Topics, "Alex's own kiosk");
    // Alex starts a mat while the kiosk's first sync brings the hub's file.
    common::pick_first_topic(&mut kiosk);
    assert_eq!(kiosk.screen(), Screen::Mat);
    touch(&mut kiosk, Event::PlaceOn(0));
    let synced = kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(
        matches!(synced, Some(Ok(ref r)) if r.home_taken == Some(1)),
        "{synced:?}"
    );

    // Minutes pass with the mat open: nothing changes under Alex.
    clock.advance(Duration::minutes(3));
    kiosk.input(KioskInput::Tick);
    assert_eq!(kiosk.screen(), Screen::Mat, "never in the middle of a mat");
    touch(&mut kiosk, Event::PlaceOn(1));
    assert_eq!(kiosk.screen(), Screen::Mat);

    // Alex walks away: the mat is kept as partial at the idle time, and a
    // minute after, with nobody there, the kiosk takes up the new home.
    clock.advance(Duration::minutes(11));
    kiosk.input(KioskInput::Tick);
    assert_ne!(kiosk.screen(), Screen::People, "not yet: just left");
    let heard = spoken.utterances().len();
    clock.advance(Duration::seconds(61));
    kiosk.input(KioskInput::Tick);
    assert_eq!(kiosk.screen(), Screen::People, "a home of two now");
    assert_eq!(names_on_screen(&kiosk), ["Alex", "Sam"]);
    assert_eq!(
        spoken.utterances().len(),
        heard,
        "nothing said to an empty room"
    );

    // Alex comes back: their mat left part-way is still theirs to carry on.
    touch(&mut kiosk, Event::Choose(0));
    let screen = kiosk.screen();
    assert!(
        matches!(screen, Screen::Company | Screen::Resume),
        "{screen:?}"
    );
    if screen == Screen::Company {
        touch(&mut kiosk, Event::Choose(0));
    }
    assert_eq!(kiosk.screen(), Screen::Resume, "the mat left part-way");
}

#[test]
fn a_hub_file_that_gives_someone_another_id_is_refused_and_staff_are_told() {
    let dir = tempfile::tempdir().unwrap();
    // Someone typed Alex in again on the hub, with a new id.
    let split = "[[people]]\nid = \"0190a000-0000-7000-8000-0000000000ff\"\nname = \"Alex\"\n";
    let (hub, data) = hub_and_alexs_kiosk(dir.path(), split);
    let hub_dir = dir.path().join("hub");
    let own = alexs_own_home();
    let clock = ManualClock::paced(common::start_time(), common::pace());
    let (mut kiosk, _) = open_kiosk(&data, &clock);
    let synced = kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(
        matches!(synced, Some(Ok(ref r)) if r.home_taken.is_none()),
        "{synced:?}"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("home.toml")).unwrap(),
        own,
        "the kiosk's file as it was"
    );
    // The kiosk's staff line, as the hub's What's new shows it.
    let line: String = rusqlite::Connection::open(&hub.plan)
        .unwrap()
        .query_row("SELECT problems FROM devices", [], |row| row.get(0))
        .unwrap();
    assert!(line.contains("Home file from the hub not taken"), "{line}");
    assert!(line.contains("another id"), "{line}");
    assert!(!line.contains("Alex"), "no names: {line}");
    assert!(
        kiosk.view().staff_notice.contains("another id"),
        "on the kiosk's own staff line: {}",
        kiosk.view().staff_notice
    );

    // Mended on the hub (Alex has their own id again, and Sam joins): the
    // next sync takes it, and the kiosk stops saying it was not taken.
    let mended = format!(
        "{own}\n[[people]]\nid = \"0190a000-0000-7000-8000-000000005a11\"\nname = \"Sam\"\n"
    );
    std::fs::write(hub_dir.join("home.toml"), mended).unwrap();
    clock.advance(Duration::minutes(6));
    kiosk.input(KioskInput::Tick);
    let synced = kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(matches!(synced, Some(Ok(_))), "{synced:?}");
    let taken = std::fs::read_to_string(data.join("home.toml")).unwrap();
    assert!(taken.contains("name = \"Sam\""), "{taken}");
    clock.advance(Duration::minutes(2));
    kiosk.input(KioskInput::Tick);
    assert_eq!(names_on_screen(&kiosk), ["Alex", "Sam"]);
    assert!(
        !kiosk.view().staff_notice.contains("not taken"),
        "{}",
        kiosk.view().staff_notice
    );
}
