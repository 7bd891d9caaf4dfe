//! `sayso backup` while a person is placing cards on the running kiosk, and
//! `sayso restore` on a fresh device: the same journal rows, the same
//! report; a damaged backup, or a device with mats of its own, refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::{Connection, OpenFlags};

use super::real_kiosk::{count, data_dir, place, wait_until, RunningKiosk, XServer};

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
