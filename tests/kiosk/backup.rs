//! `sayso backup` while a person is placing cards on the running kiosk, and
//! `sayso restore` on a fresh device: the same journal rows, the same
//! report; a damaged backup, or a device with mats of its own, refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::{Connection, OpenFlags};

use super::real_kiosk::{count, data_dir, place, wait_until, RunningKiosk, XServer};
use sayso::kiosk::KioskInput;

fn sayso(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayso"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn backup(data: &Path, into: &Path) -> PathBuf {
    let made = sayso(data, &["backup", into.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(
        made.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    PathBuf::from(said.trim().strip_prefix("Backed up into ").unwrap())
}

/// Every row of the journal's records, in a fixed order, as text.
fn journal_rows(journal: &Path) -> Vec<String> {
    let db = Connection::open_with_flags(journal, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut rows = Vec::new();
    for (table, order) in [
        ("sessions", "id"),
        ("placements", "session_id, seq"),
        ("people", "id"),
        ("device", "key"),
    ] {
        let mut statement = db
            .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .unwrap();
        let columns = statement.column_count();
        let found: Vec<String> = statement
            .query_map([], |row| {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", values.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.extend(found);
    }
    rows
}

fn integrity(db: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_backup_while_a_mat_is_placed_restores_on_a_new_device_as_it_was() {
    let x = XServer::start();
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let journal = data.join("journal.sqlite");
    let stick = root.path().join("usb-stick");
    std::fs::create_dir_all(&stick).unwrap();

    // Alex finishes one mat (so the plan has it), and is half-way through
    // the next when the backup is made.
    let kiosk = RunningKiosk::start(&x, &data);
    kiosk.key("1");
    wait_until("the mat starts", || {
        count(&journal, "SELECT count(*) FROM sessions") == 1
    });
    let set = sayso::library::load_set(&super::common::demo_set()).unwrap();
    let cards = set.set.topics[0].cards.len() as i64;
    while count(&journal, "SELECT count(*) FROM placements") < cards {
        place(&kiosk, &journal, 1);
    }
    kiosk.key("Return");
    wait_until("the mat synced into the plan", || {
        count(
            &data.join("plan.sqlite"),
            "SELECT count(*) FROM synced_sessions",
        ) == 1
    });
    kiosk.key("Return"); // start again: the topics
    kiosk.key("1");
    wait_until("the second mat starts", || {
        count(&journal, "SELECT count(*) FROM sessions") == 2
    });
    place(&kiosk, &journal, 2);
    place(&kiosk, &journal, 3);

    let made = backup(&data, &stick);
    assert!(made.join("manifest.toml").is_file());
    assert_eq!(integrity(&made.join("journal.sqlite")), "ok");
    let rows_then = journal_rows(&journal);
    assert_eq!(journal_rows(&made.join("journal.sqlite")), rows_then);

    // Backups made while presses keep coming are each whole: a state the
    // journal was in, never half a write.
    let pressing = std::thread::scope(|scope| {
        let presses = scope.spawn(|| {
            for _ in 0..3 {
                place(&kiosk, &journal, 1);
            }
        });
        let made: Vec<PathBuf> = (0..3).map(|_| backup(&data, &stick)).collect();
        presses.join().unwrap();
        made
    });
    let rows_now = journal_rows(&journal);
    for made in &pressing {
        let copy = made.join("journal.sqlite");
        assert_eq!(integrity(&copy), "ok");
        let rows = journal_rows(&copy);
        assert!(
            rows.iter().all(|row| rows_now.contains(row)),
            "only rows the journal has"
        );
        assert!(rows.len() >= rows_then.len());
    }
    drop(kiosk);

    // A new device: restored from the first backup, the same rows and the
    // same report.
    let fresh = root.path().join("new-device");
    let restored = sayso(&fresh, &["restore", made.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert_eq!(journal_rows(&fresh.join("journal.sqlite")), rows_then);
    assert!(fresh.join("home.toml").is_file() && fresh.join("access.toml").is_file());
    // (No mat was finished after the backup: the plan is as it was then.)
    let report = |dir: &Path| sayso(dir, &["report", "--format", "csv"]).stdout;
    let source_report = report(&data);
    assert!(String::from_utf8_lossy(&source_report).contains("Alex"));
    assert_eq!(report(&fresh), source_report);

    // Restoring over a device's own mats needs --overwrite.
    let refused = sayso(&data, &["restore", made.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("already has 2 mat(s)") && said.contains("--overwrite"),
        "{said}"
    );
    assert_eq!(journal_rows(&journal), rows_now, "nothing replaced");

    // Nor does it replace a plan that has mats (one shared by the home's
    // kiosks, say) on a device with an empty journal.
    let shared = root.path().join("shared-plan-device");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::copy(data.join("plan.sqlite"), shared.join("plan.sqlite")).unwrap();
    let refused = sayso(&shared, &["restore", made.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("already has 1 mat(s), maybe from other kiosks"),
        "{said}"
    );
    assert!(!shared.join("journal.sqlite").exists(), "nothing restored");

    // A damaged backup is refused before anything is touched.
    let damaged = pressing.last().unwrap();
    let plan_copy = damaged.join("plan.sqlite");
    let mut bytes = std::fs::read(&plan_copy).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&plan_copy, bytes).unwrap();
    let another = root.path().join("another-device");
    let refused = sayso(&another, &["restore", damaged.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("plan.sqlite is not as it was written")
    );
    assert!(!another.join("journal.sqlite").exists(), "nothing restored");
}

#[test]
fn with_backup_toml_the_kiosk_backs_up_once_a_night_keeps_the_newest_and_says_when_it_cannot() {
    use chrono::TimeZone;
    use sayso::clock::ManualClock;
    use sayso::kiosk::{Kiosk, KioskPaths};

    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let stick = root.path().join("usb-stick");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&stick).unwrap();
    std::fs::write(
        data.join("backup.toml"),
        format!("to = \"{}\"\nat = \"02:00\"\nkeep = 2\n", stick.display()),
    )
    .unwrap();
    let backups = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&stick)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|name| name.starts_with("sayso-"))
            .collect();
        names.sort();
        names
    };
    // 01:00 local: not yet.
    let night = |day: u32, hour: u32| {
        chrono::Local
            .with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .earliest()
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let clock = ManualClock::new(night(2, 1));
    let paths = KioskPaths::in_data_dir(&data, &super::common::demo_set());
    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock.clone())).unwrap();
    let tick = |kiosk: &mut Kiosk| {
        kiosk.input(KioskInput::Tick);
        kiosk.wait_for_jobs(super::common::JOB_WAIT);
    };
    tick(&mut kiosk);
    assert!(backups().is_empty(), "not before 02:00");

    // After 02:00: one backup, and only one that night.
    clock.advance(chrono::Duration::hours(2));
    tick(&mut kiosk);
    assert_eq!(backups().len(), 1);
    clock.advance(chrono::Duration::minutes(30));
    tick(&mut kiosk);
    assert_eq!(backups().len(), 1, "once a night");

    // More nights: the two newest are kept, the oldest go.
    let mut before = backups();
    for _ in 0..3 {
        clock.advance(chrono::Duration::days(1));
        tick(&mut kiosk);
        let kept = backups();
        assert_eq!(kept.len(), 2.min(before.len() + 1), "{kept:?}");
        assert_eq!(
            kept[kept.len() - 2],
            *before.last().unwrap(),
            "the newest stay"
        );
        assert!(Path::new(&stick)
            .join(kept.last().unwrap())
            .join("manifest.toml")
            .is_file());
        before = kept;
    }

    // The stick is gone: staff are told, and the kiosk carries on.
    std::fs::remove_dir_all(&stick).unwrap();
    std::fs::write(&stick, "not a folder").unwrap();
    clock.advance(chrono::Duration::days(1));
    tick(&mut kiosk);
    assert!(
        kiosk
            .notices()
            .iter()
            .any(|n| n.starts_with("Last night's backup failed")),
        "{:?}",
        kiosk.notices()
    );
}
