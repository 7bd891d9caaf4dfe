//! The `sayso` command as staff use it: checking a set, syncing, reporting;
//! and the kiosk refusing a broken set file with a clear message.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::Duration;
use sayso::core::{Company, InputMethod, Record, Spot};
use sayso::kiosk::KioskInput;
use sayso::store::Journal;

/// `sayso ARGS` on the data directory `data_dir`, to its end.
pub(crate) fn sayso(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args(args)
        .env("SAYSO_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("sayso runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_missing_set_file_is_named_and_the_kiosk_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere/set.toml");
    let output = sayso(dir.path(), &["--set", missing.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(missing.to_str().unwrap()), "{message}");
    assert!(
        message.contains("cannot read the picture set file"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(
        message.matches("os error 2").count(),
        1,
        "said once: {message}"
    );
}

#[test]
fn a_malformed_set_file_is_named_with_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.toml");
    std::fs::write(
        &set,
        "id = \"broken\"\ntitle = \"Broken\"\n[[topics]]\nid = \"food\"\ntitle = ",
    )
    .unwrap();
    let output = sayso(dir.path(), &["--set", set.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(set.to_str().unwrap()), "{message}");
    assert!(
        message.contains("line 5"),
        "the problem is located: {message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(
        message.matches("TOML parse error").count(),
        1,
        "said once: {message}"
    );

    std::fs::write(&set, "id = \"x\"\ntitle = \"X\"\n").unwrap();
    let message = stderr(&sayso(
        dir.path(),
        &["check", "--set", set.to_str().unwrap()],
    ));
    assert!(message.contains("the set has no topics"), "{message}");
}

#[test]
fn check_describes_the_demo_set() {
    let dir = tempfile::tempdir().unwrap();
    let output = sayso(dir.path(), &["check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("3 topic(s), 18 card(s)"),
        "{}",
        stdout(&output)
    );
    assert!(
        !stdout(&output).contains("warning"),
        "the demo set is complete"
    );
}

#[test]
fn check_names_each_problem_of_the_home_file_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home.toml");
    std::fs::write(
        &home,
        "supporters = [\"Jo\"]\n\
         \n\
         [[people]]\n\
         name = \"Alex\"\n\
         topics = [\"food\", \"holidays\"]\n\
         \n\
         [[people.check_ins]]\n\
         topic = \"food\"\n\
         from = \"10:00\"\n\
         until = \"09:00\"\n",
    )
    .unwrap();
    let output = sayso(dir.path(), &["check", "--home", home.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    let warnings: Vec<&str> = said.lines().filter(|l| l.starts_with("warning")).collect();
    let file = home.display().to_string();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: {file}: line 5: Alex: topic \"holidays\" is not in the picture set \
                 (or was set aside)"
            ),
            format!(
                "warning: {file}: line 7: Alex: check-in \"food\" 10:00-09:00 is set aside: \
                 it ends before it starts"
            ),
        ],
        "{said}"
    );
}

#[test]
fn sync_brings_a_finished_mat_into_the_plan_once_and_report_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = sayso(dir.path(), &["report"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no support plan to report on yet"),
        "{}",
        stderr(&output)
    );

    write_finished_mat(&dir.path().join("journal.sqlite"));

    let first = sayso(dir.path(), &["sync"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("Synced 1 finished mat(s), 2 card(s)"),
        "{}",
        stdout(&first)
    );
    let second = sayso(dir.path(), &["sync"]);
    assert!(
        stdout(&second).contains("Synced 0 finished mat(s), 0 card(s)"),
        "{}",
        stdout(&second)
    );

    let report = stdout(&sayso(dir.path(), &["report", "--person", "Sam"]));
    let lines: Vec<&str> = report.lines().map(str::trim_end).collect();
    assert_eq!(lines[0], "Sam");
    assert!(
        lines[1]
            .split_whitespace()
            .eq(["Topic", "Card", "View", "Times", "Last"]),
        "{report}"
    );
    let row = |card: &str| {
        lines
            .iter()
            .find(|l| l.contains(card))
            .copied()
            .unwrap_or_default()
    };
    assert!(
        row("swimming").contains("like") && row("swimming").contains("1 of 1"),
        "{report}"
    );
    assert!(row("the bus").contains("don't like"), "{report}");
    assert!(
        row("the bus").contains("2026-11-0"),
        "the date is shown: {report}"
    );

    let nobody = stdout(&sayso(dir.path(), &["report", "--person", "Nobody"]));
    assert!(nobody.contains("No views recorded for Nobody"), "{nobody}");
}

/// A journal with one finished mat, as the kiosk would leave it.
fn write_finished_mat(path: &Path) {
    let journal = Journal::open(path).unwrap();
    let at = common::start_time();
    let person = journal.add_person("Sam", at).unwrap();
    let session_id = "0190a000-0000-7000-8000-000000000001".to_string();
    let placed = |seq: u32, card: &str, label: &str, point: usize, view: &str| Record::Placed {
        session_id: session_id.clone().into(),
        seq,
        card_id: card.into(),
        card_label: label.into(),
        spot: Spot::on(point),
        point_label: view.into(),
        at: at + Duration::seconds(seq.into()),
        via: InputMethod::Key,
        response_ms: 1000,
        helped: false,
    };
    for record in [
        Record::Started {
            session_id: session_id.clone().into(),
            person_id: person.id.clone(),
            set_id: "demo".into(),
            topic_id: "going-out".into(),
            topic_title: "Going out".into(),
            company: Company::default(),
            at,
        },
        placed(1, "swimming", "swimming", 0, "like"),
        placed(2, "bus", "the bus", 2, "don't like"),
        Record::Finished {
            session_id: session_id.clone().into(),
            at: at + Duration::seconds(9),
            via: InputMethod::Touch,
        },
    ] {
        journal.record(&record).unwrap();
    }
}

#[test]
fn the_data_dir_flag_wins_over_the_environment() {
    let flag_dir = tempfile::tempdir().unwrap();
    let env_dir = tempfile::tempdir().unwrap();
    write_finished_mat(&flag_dir.path().join("journal.sqlite"));
    let output = sayso(
        env_dir.path(),
        &["--data-dir", flag_dir.path().to_str().unwrap(), "sync"],
    );
    assert!(
        stdout(&output).contains("Synced 1 finished mat(s)"),
        "{}",
        stderr(&output)
    );
    assert!(flag_dir.path().join("plan.sqlite").is_file());
    assert!(!env_dir.path().join("plan.sqlite").exists());
}

#[test]
fn plan_init_then_sync_to_it_then_report_as_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    write_finished_mat(&dir.path().join("journal.sqlite"));
    let share = dir.path().join("office/plan.sqlite");
    let share_arg = share.to_str().unwrap();

    let missing = sayso(dir.path(), &["sync", "--to", share_arg]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
    assert!(!share.exists());

    std::fs::create_dir_all(share.parent().unwrap()).unwrap();
    let init = sayso(dir.path(), &["plan", "init", share_arg]);
    assert!(init.status.success(), "{}", stderr(&init));
    let again = sayso(dir.path(), &["plan", "init", share_arg]);
    assert!(!again.status.success() && stderr(&again).contains("already exists"));

    let synced = sayso(dir.path(), &["sync", "--to", share_arg]);
    assert!(
        stdout(&synced).contains("Synced 1 finished mat(s), 2 card(s)"),
        "{}",
        stderr(&synced)
    );

    let csv = stdout(&sayso(
        dir.path(),
        &["report", "--plan", share_arg, "--format", "csv"],
    ));
    let mut lines = csv.lines();
    assert!(
        lines.next().unwrap().starts_with("person,topic,card,view,"),
        "{csv}"
    );
    assert!(csv.contains("Sam,Going out,swimming,like,1,1,0,"), "{csv}");

    let json = stdout(&sayso(
        dir.path(),
        &["report", "--plan", share_arg, "--format", "json"],
    ));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{json}");
}

#[test]
fn screenshots_draws_every_screen_at_every_size_in_both_themes() {
    let data = tempfile::tempdir().unwrap();
    // Left in target/ for people to look at.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/all");
    let _ = std::fs::remove_dir_all(&dir);
    let output = sayso(data.path(), &["screenshots", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let screens = [
        "people",
        "company",
        "you-said-we-did",
        "topics",
        "leave",
        "mat",
        "mat-highlight",
        "review",
        "review-highlight",
        "review-moving",
        "finished",
        "finished-not-saved",
        "resume",
        "staff-pin",
        "staff",
        "paused",
        "cannot-start",
    ];
    for screen in screens {
        for (size, (width, height)) in [
            ("800x480", (800, 480)),
            ("720x1280", (720, 1280)),
            ("1920x1080", (1920, 1080)),
        ] {
            for theme in ["standard", "high-contrast"] {
                let path = dir.join(format!("{screen}-{size}-{theme}.png"));
                let decoder = png::Decoder::new(std::io::BufReader::new(
                    std::fs::File::open(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
                ));
                let reader = decoder.read_info().unwrap();
                let info = reader.info();
                assert_eq!(
                    (info.width, info.height),
                    (width, height),
                    "{}",
                    path.display()
                );
            }
        }
        assert!(dir
            .join(format!("{screen}-800x480-large-text.png"))
            .is_file());
    }
    // The themes differ where it shows: the background.
    let corner = |name: &str| {
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(dir.join(name)).unwrap(),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buffer).unwrap();
        // Just above the bottom edge, in the middle: the page background.
        let (x, y) = (frame.width as usize / 2, frame.height as usize - 2);
        let i = (y * frame.width as usize + x) * 4;
        (buffer[i], buffer[i + 1], buffer[i + 2])
    };
    assert_eq!(corner("finished-800x480-high-contrast.png"), (0, 0, 0));
    assert_eq!(corner("finished-800x480-standard.png"), (0xf4, 0xf1, 0xea));
}

#[test]
fn report_on_a_damaged_or_newer_plan_says_which_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let plan = data.join("plan.sqlite");

    let missing = sayso(data, &["report"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no support plan to report on yet"));

    drop(sayso::store::Plan::create(&plan).unwrap());
    rusqlite::Connection::open(&plan)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let newer = sayso(data, &["report"]);
    assert!(!newer.status.success());
    assert!(
        stderr(&newer).contains("newer version of sayso"),
        "{}",
        stderr(&newer)
    );

    std::fs::remove_file(&plan).unwrap();
    drop(sayso::store::Plan::create(&plan).unwrap());
    let mut bytes = std::fs::read(&plan).unwrap();
    let last_page = bytes.len() - 4096;
    bytes[last_page..].fill(0x5A);
    std::fs::write(&plan, &bytes).unwrap();
    let damaged = sayso(data, &["report"]);
    assert!(!damaged.status.success());
    let said = stderr(&damaged);
    assert!(
        said.contains("damaged") || said.contains("not a sayso database"),
        "{said}"
    );
    assert!(!said.contains("no support plan to report on yet"), "{said}");
    for word in ["malformed", "damaged", "not a database"] {
        assert!(said.matches(word).count() <= 1, "said once: {said}");
    }
}

#[test]
fn check_names_every_picture_the_kiosk_would_stumble_on() {
    let dir = tempfile::tempdir().unwrap();
    let set_dir = dir.path().join("set");
    std::fs::create_dir_all(set_dir.join("cards")).unwrap();
    let cards = [
        ("empty", "cards/empty.png"),
        ("cut", "cards/cut.png"),
        ("text", "cards/text.png"),
        ("notxml", "cards/notxml.svg"),
        ("huge", "cards/huge.png"),
        ("away", "../../../etc/passwd"),
        ("fifo", "cards/fifo.png"),
        ("blur", "cards/blur.svg"),
        ("vast", "cards/vast.svg"),
        ("good", "cards/good.svg"),
    ];
    let mut toml = String::from(
        "id = \"hostile\"\ntitle = \"Hostile\"\n[[topics]]\nid = \"things\"\ntitle = \"Things\"\n\
         question = \"What about these?\"\nscale = \"like\"\ncards = [\n",
    );
    for (id, picture) in cards {
        toml.push_str(&format!(
            "  {{ id = \"{id}\", label = \"{id}\", picture = \"{picture}\" }},\n"
        ));
    }
    toml.push_str("]\n");
    std::fs::write(set_dir.join("set.toml"), toml).unwrap();
    std::fs::write(set_dir.join("cards/empty.png"), b"").unwrap();
    let tea = std::fs::read(common::demo_set().parent().unwrap().join("cards/tea.svg")).unwrap();
    std::fs::write(set_dir.join("cards/good.svg"), &tea).unwrap();
    std::fs::write(
        set_dir.join("cards/notxml.svg"),
        b"<svg this is not finished",
    )
    .unwrap();
    std::fs::write(set_dir.join("cards/text.png"), b"hello, I am not a picture").unwrap();
    // A blur worked out over a region millions of times the picture, three
    // times over: seconds of drawing each.
    let blurred = r#"<rect width="100" height="100" fill="red" filter="url(#b)"/>"#;
    std::fs::write(
        set_dir.join("cards/blur.svg"),
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
               <filter id="b" x="-100000" y="-100000" width="200000" height="200000"
                       filterUnits="userSpaceOnUse"><feGaussianBlur stdDeviation="9"/></filter>
               {blurred}{blurred}{blurred}</svg>"#
        ),
    )
    .unwrap();
    // A picture that says it is 200000 pixels square.
    std::fs::write(
        set_dir.join("cards/vast.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000">
           <circle cx="100000" cy="100000" r="90000" fill="blue"/></svg>"#,
    )
    .unwrap();
    // A real PNG, cut short.
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, 64, 64);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![7u8; 64 * 64 * 4]).unwrap();
    }
    std::fs::write(set_dir.join("cards/cut.png"), &png[..png.len() / 2]).unwrap();
    // What a decompression bomb says about itself: 30000 x 30000.
    let huge = sayso::library::test_photos::png_bomb(30_000, 30_000);
    std::fs::write(set_dir.join("cards/huge.png"), &huge).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(set_dir.join("cards/fifo.png"))
        .status()
        .unwrap();
    assert!(fifo.success());

    let output = sayso(
        dir.path(),
        &["check", "--set", set_dir.join("set.toml").to_str().unwrap()],
    );
    let said = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    for (id, expected) in [
        ("empty", "not a picture"),
        ("cut", "not a picture"),
        ("text", "not a picture"),
        ("notxml", "not a picture"),
        ("huge", "too big"),
        ("away", "outside the picture set's folder"),
        ("fifo", "not a plain file"),
        ("blur", "too much drawing"),
        ("vast", "it says it is 200000x200000 pixels"),
    ] {
        let line = said
            .lines()
            .find(|l| l.contains(&format!("card \"{id}\"")))
            .unwrap_or_else(|| panic!("nothing said of {id}:\n{said}"));
        assert!(line.contains(expected), "{id}: {line}");
    }
    assert!(!said.contains("card \"good\""), "{said}");

    // The kiosk on the same set: every card placeable, each bad picture a
    // placeholder with a word for staff, nothing hangs on the FIFO.
    let mut test = common::open_kiosk(&set_dir.join("set.toml"));
    let mut pictures = sayso::ui::Pictures::immediate();
    let topic = test.kiosk.set().set.topics[0].clone();
    let shown: Vec<bool> = topic
        .cards
        .iter()
        .map(|card| {
            let picture = sayso::core::PictureRef::in_set(card.picture.as_deref());
            pictures.get(test.kiosk.set(), &picture).is_some()
        })
        .collect();
    assert_eq!(
        shown,
        [false, false, false, false, false, false, false, false, true, true],
        "the vast picture is drawn smaller"
    );
    assert_eq!(pictures.take_new_warnings().len(), 8);
    while test.kiosk.screen() == sayso::core::Screen::Mat {
        test.kiosk.input(KioskInput::Person(sayso::core::Input::new(
            sayso::core::Event::PlaceOn(0),
            sayso::core::InputMethod::Touch,
        )));
    }
    assert_eq!(test.kiosk.session().unwrap().dealt_count(), 10);
}

/// A kiosk on the demo home in `data`, syncing into `plan`: Alex finishes
/// one mat.
fn alex_finishes_a_mat(data: &Path, plan: &Path) {
    let home = data.join("home.toml");
    if !home.exists() {
        std::fs::create_dir_all(data).unwrap();
        std::fs::copy(
            common::demo_set().parent().unwrap().join("home.toml"),
            &home,
        )
        .unwrap();
    }
    let mut paths = sayso::kiosk::KioskPaths::in_data_dir(data, &common::demo_set());
    paths.home = Some(home);
    paths.plan = plan.to_path_buf();
    let (voice, _) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk = sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
    // Alex, on their own.
    for _ in 0..2 {
        kiosk.input(KioskInput::Person(sayso::core::Input::new(
            sayso::core::Event::Choose(0),
            InputMethod::Touch,
        )));
    }
    common::finish_a_mat(&mut kiosk, 0);
    kiosk.wait_for_jobs(common::JOB_WAIT);
}

#[test]
fn a_device_that_used_its_own_plan_joins_a_shared_one_and_brings_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let kitchen = dir.path().join("kitchen");
    let lounge = dir.path().join("lounge");
    let shared = dir.path().join("office/plan.sqlite");
    std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
    drop(sayso::store::Plan::create(&shared).unwrap());

    // The kitchen kiosk used its own plan; the lounge one the shared plan.
    alex_finishes_a_mat(&kitchen, &kitchen.join("plan.sqlite"));
    alex_finishes_a_mat(&lounge, &shared);

    let refused = sayso(&kitchen, &["sync", "--to", shared.to_str().unwrap()]);
    assert!(!refused.status.success());
    // Never moved by a mistyped path: staff are told how to join.
    let said = stderr(&refused);
    assert!(said.contains("different home"), "{said}");
    assert!(
        said.contains(&format!("sayso plan join {}", shared.display())),
        "{said}"
    );

    let joined = sayso(&kitchen, &["plan", "join", shared.to_str().unwrap()]);
    assert!(joined.status.success(), "{}", stderr(&joined));
    assert!(
        stdout(&joined).contains("1 finished mat(s) brought in"),
        "{}",
        stdout(&joined)
    );
    let again = sayso(&kitchen, &["sync", "--to", shared.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("Synced 0 finished mat(s)"),
        "{}",
        stdout(&again)
    );

    let conn = rusqlite::Connection::open(&shared).unwrap();
    let (mats, alexes): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM synced_sessions),
                    (SELECT COUNT(*) FROM people WHERE name = 'Alex')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((mats, alexes), (2, 1), "both mats, one Alex");

    // A device whose Alex has another id is refused, by name, not guessed at.
    let stranger = dir.path().join("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    let home = std::fs::read_to_string(common::demo_set().parent().unwrap().join("home.toml"))
        .unwrap()
        .replace("00000000a1e5", "0000000b0b0b");
    std::fs::write(stranger.join("home.toml"), home).unwrap();
    alex_finishes_a_mat(&stranger, &stranger.join("plan.sqlite"));
    let mismatch = sayso(&stranger, &["plan", "join", shared.to_str().unwrap()]);
    assert!(!mismatch.status.success());
    assert!(
        stderr(&mismatch).contains("Alex is"),
        "{}",
        stderr(&mismatch)
    );
}

#[test]
fn staff_merge_one_person_found_twice_keeping_every_piece_of_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.sqlite");
    drop(sayso::store::Plan::create(&plan).unwrap());
    // Two kiosks that knew Alex under two ids, before the home file had one.
    for (device, id) in [("kitchen", "00000000a1e5"), ("lounge", "0000000b0b0b")] {
        let data = dir.path().join(device);
        std::fs::create_dir_all(&data).unwrap();
        let home = std::fs::read_to_string(common::demo_set().parent().unwrap().join("home.toml"))
            .unwrap()
            .replace("00000000a1e5", id);
        std::fs::write(data.join("home.toml"), home).unwrap();
        alex_finishes_a_mat(&data, &plan);
    }
    let count = |sql: &str| -> i64 {
        rusqlite::Connection::open(&plan)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) FROM people WHERE name = 'Alex'"), 2);
    let evidence = count("SELECT COUNT(*) FROM evidence");

    let kitchen = dir.path().join("kitchen");
    let listed = sayso(
        &kitchen,
        &["--plan", plan.to_str().unwrap(), "plan", "merge-people"],
    );
    assert!(listed.status.success(), "{}", stderr(&listed));
    let text = stdout(&listed);
    assert!(text.contains("Alex:"), "{text}");
    let command = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("to merge: sayso "))
        .expect("the command to merge")
        .to_string();
    assert_eq!(
        count("SELECT COUNT(*) FROM people WHERE name = 'Alex'"),
        2,
        "listing changes nothing"
    );

    let mut args: Vec<&str> = vec!["--plan", plan.to_str().unwrap()];
    args.extend(command.split_whitespace());
    args.extend(["--by", "Jo"]);
    let merged = sayso(&kitchen, &args);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert!(
        stdout(&merged).contains("1 mat(s) moved"),
        "{}",
        stdout(&merged)
    );

    assert_eq!(count("SELECT COUNT(*) FROM people WHERE name = 'Alex'"), 1);
    assert_eq!(
        count("SELECT COUNT(*) FROM evidence"),
        evidence,
        "every piece of evidence kept"
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT person_id) FROM synced_sessions"),
        1,
        "both mats under the one Alex"
    );
    assert_eq!(
        count("SELECT MAX(times_asked) FROM preferences"),
        2,
        "views worked out again from both mats"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'merge-people' AND actor = 'Jo'"),
        1
    );
}

#[test]
fn with_no_desktop_and_no_screen_the_kiosk_says_so_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    // This machine's screens (if it has any) hidden behind an empty /dev.
    let no_devices = tempfile::tempdir().unwrap();
    let ran = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .env("SAYSO_DATA_DIR", dir.path())
        .env("SAYSO_DEV_DIR", no_devices.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SLINT_BACKEND")
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(!ran.status.success());
    let said = stderr(&ran);
    assert!(
        said.contains("cannot show the kiosk window: there is no desktop")
            && said.contains("no screen device"),
        "{said}"
    );
}

#[test]
fn export_obl_writes_each_finished_mat_as_a_session_of_card_events() {
    let mut test = common::open_kiosk(&common::demo_set());
    let cards = test.kiosk.view().mat.progress.clone();
    common::finish_a_mat(&mut test.kiosk, 0);
    let _ = test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let data = test.paths.data_dir.clone();
    let out = test.dir.path().join("journal.obl");
    let output = sayso(&data, &["export", "obl", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("1 mat(s)"), "{}", stdout(&output));
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(log["format"], "open-board-log-0.1");
    let sessions = log["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert!(session["user_id"].as_str().unwrap().starts_with("sayso:"));
    assert!(
        !std::fs::read_to_string(&out).unwrap().contains("Alex"),
        "ids only"
    );
    let events = session["events"].as_array().unwrap();
    assert!(!events.is_empty(), "{cards}");
    for event in events {
        assert_eq!(event["type"], "button");
        assert_eq!(event["ext_sayso_point"], "like");
        assert!(event["label"].as_str().is_some_and(|l| !l.is_empty()));
        assert!(event["timestamp"].as_str().unwrap() >= session["started"].as_str().unwrap());
    }
}

/// Labels a family typed that a spreadsheet would run as formulas.
const FORMULA_LABELS: [&str; 4] = [
    "=HYPERLINK(\"http://example.com/\",\"tea\")",
    "=1+1",
    "+2+3",
    "@SUM(1)",
];

/// The cells of a CSV file as LibreOffice Calc reads it: converted (headless)
/// to a flat OpenDocument spreadsheet, whose XML says which cells are
/// formulas.
fn open_in_calc(csv: &Path) -> String {
    let out = csv.parent().unwrap().join("calc");
    let converted = Command::new("soffice")
        .args(["--headless", "--convert-to", "fods", "--outdir"])
        .arg(&out)
        .arg(csv)
        // A profile of its own: never the machine's.
        .env("HOME", csv.parent().unwrap())
        .output()
        .expect("LibreOffice is installed (systemd/install-packages.sh)");
    assert!(converted.status.success(), "{}", stderr(&converted));
    let name = csv.file_stem().unwrap().to_str().unwrap();
    std::fs::read_to_string(out.join(format!("{name}.fods"))).expect("the converted file")
}

#[test]
fn a_csv_report_of_formula_labels_opens_in_a_spreadsheet_with_no_formula_run() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
    let at = common::start_time();
    let person = journal.add_person("Sam", at).unwrap();
    let session_id = "0190a000-0000-7000-8000-0000000000f1".to_string();
    journal
        .record(&Record::Started {
            session_id: session_id.clone().into(),
            person_id: person.id.clone(),
            set_id: "family".into(),
            topic_id: "food".into(),
            topic_title: "-Food".into(),
            company: Company::default(),
            at,
        })
        .unwrap();
    for (seq, label) in (1u32..).zip(FORMULA_LABELS) {
        journal
            .record(&Record::Placed {
                session_id: session_id.clone().into(),
                seq,
                card_id: format!("card-{seq}").into(),
                card_label: label.into(),
                spot: Spot::on(0),
                point_label: "like".into(),
                at: at + Duration::seconds(seq.into()),
                via: InputMethod::Key,
                response_ms: 1000,
                helped: false,
            })
            .unwrap();
    }
    journal
        .record(&Record::Finished {
            session_id: session_id.into(),
            at: at + Duration::seconds(30),
            via: InputMethod::Touch,
        })
        .unwrap();
    drop(journal);
    let synced = sayso(dir.path(), &["sync"]);
    assert!(synced.status.success(), "{}", stderr(&synced));
    let report = sayso(dir.path(), &["report", "--format", "csv"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let csv = dir.path().join("report.csv");
    std::fs::write(&csv, &report.stdout).unwrap();

    // The same labels as they were typed, in a CSV of their own: LibreOffice
    // runs formulas in a CSV it opens, so this check can tell.
    let raw = dir.path().join("typed.csv");
    let mut writer = csv::Writer::from_path(&raw).unwrap();
    for label in FORMULA_LABELS {
        writer.write_record([label]).unwrap();
    }
    writer.flush().unwrap();
    assert!(
        open_in_calc(&raw).contains("table:formula="),
        "LibreOffice runs a formula typed into a CSV"
    );

    let sheet = open_in_calc(&csv);
    assert!(
        !sheet.contains("table:formula="),
        "a cell of the report became a formula: {sheet}"
    );
    for label in FORMULA_LABELS {
        let escaped = label.replace('"', "&quot;");
        assert!(
            sheet.contains(&escaped),
            "{label} is shown as words in the spreadsheet"
        );
    }
}
