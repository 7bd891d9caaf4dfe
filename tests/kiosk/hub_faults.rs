//! The home's hub when things fail: the hub or the kiosk killed in the
//! middle of a sync, the connection cut at any byte, the hub's plan put
//! back from an older backup. Each ends as a clean sync would have.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sayso::store::Plan;
use sayso::sync::{HubLink, PlanTarget, SyncOptions};

use super::hub::{count, kiosk_with_mats, pairing_code, said, sayso, start_hub, when, Hub};

const MATS: &str = "SELECT count(*) FROM synced_sessions";

/// What a plan holds of the mats, whichever way they came: the mats
/// without when they reached it or through which kiosk, their evidence, the
/// views worked out from it, and the people.
fn what_the_plan_holds(plan: &Path) -> String {
    let contents = Plan::open(plan).unwrap().contents().unwrap();
    let mut keep = false;
    let mut held: Vec<&str> = contents
        .lines()
        .filter(|line| {
            if line.starts_with('[') {
                keep = matches!(*line, "[evidence]" | "[preferences]" | "[people]");
            }
            keep
        })
        .collect();
    let db = Connection::open(plan).unwrap();
    let mut statement = db
        .prepare(
            "SELECT session_id || ' ' || person_id || ' ' || topic_id || ' ' || started_at
                    || ' ' || finished_at FROM synced_sessions ORDER BY session_id",
        )
        .unwrap();
    let mats: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    held.push("[synced_sessions]");
    let mut out = held.join("\n");
    out.push('\n');
    out.push_str(&mats.join("\n"));
    out
}

/// The same journal brought into a plan file in one go, on this machine.
fn reference(kiosk: &Path, dir: &Path) -> String {
    let path = dir.join("reference.sqlite");
    let target = PlanTarget::File {
        path: path.clone(),
        create_if_missing: true,
    };
    sayso::sync::run(
        &kiosk.join("journal.sqlite"),
        &target,
        when(),
        &SyncOptions::default(),
    )
    .unwrap();
    what_the_plan_holds(&path)
}

/// Points a paired kiosk at another address of its hub (the hub started
/// again, or a proxy in between).
fn point_at(kiosk: &Path, url: &str) {
    let link = HubLink::load(kiosk).unwrap().unwrap();
    HubLink {
        url: url.to_string(),
        ..link
    }
    .save(kiosk)
    .unwrap();
}

fn paired_kiosk(dir: &Path, hub: &Hub) -> std::path::PathBuf {
    let kiosk = kiosk_with_mats(dir, "1111", 0..0);
    let paired = sayso(&kiosk, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    kiosk
}

#[test]
fn the_hub_or_the_kiosk_killed_in_the_middle_of_a_sync_leaves_every_mat_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let mut hub = start_hub(&hub_dir);
    let kiosk = paired_kiosk(dir.path(), &hub);
    kiosk_with_mats(dir.path(), "1111", 0..1500);

    // kill -9, by turns the hub's and the kiosk's, once the plan has taken
    // one or two more batches (of 200), while the sync is on its way to the
    // next.
    let mut cut_mid_sync = 0;
    for (round, batches) in [1, 1, 2, 1, 2, 1].into_iter().enumerate() {
        let before = count(&hub.plan, MATS);
        let mut sync = Command::new(env!("CARGO_BIN_EXE_sayso"))
            .arg("--data-dir")
            .arg(&kiosk)
            .arg("sync")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let ended_by_itself = loop {
            if sync.try_wait().unwrap().is_some() {
                break true;
            }
            if mats_now(&hub.plan) >= before + 200 * batches {
                break false;
            }
            assert!(Instant::now() < deadline, "no batch in two minutes");
            std::thread::sleep(Duration::from_millis(1));
        };
        if round % 2 == 0 {
            drop(hub);
            hub = start_hub(&hub_dir);
            point_at(&kiosk, &hub.url);
        }
        let _ = sync.kill();
        let _ = sync.wait();
        if !ended_by_itself && count(&hub.plan, MATS) < 1500 {
            cut_mid_sync += 1;
        }
    }
    assert!(
        cut_mid_sync >= 4,
        "only {cut_mid_sync} of 6 kills came in the middle of a sync"
    );
    let last = sayso(&kiosk, &["sync"]);
    assert!(last.status.success(), "{}", said(&last));
    assert_eq!(count(&hub.plan, MATS), 1500, "every mat, once");
    assert_eq!(
        what_the_plan_holds(&hub.plan),
        reference(&kiosk, dir.path()),
        "as a clean sync leaves it"
    );
}

/// The mats a plan holds as another process reads it while the hub
/// writes (0 while the hub holds it for a moment).
fn mats_now(plan: &Path) -> i64 {
    let read = || -> rusqlite::Result<i64> {
        let db = Connection::open_with_flags(plan, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        db.query_row(MATS, [], |row| row.get(0))
    };
    read().unwrap_or(0)
}

/// Between the kiosk and the hub: passes every byte both ways until
/// `limit` bytes have gone through, then cuts the connection and takes no
/// other.
struct CutProxy {
    url: String,
    passed: Arc<AtomicUsize>,
}

fn cut_proxy(hub: SocketAddr, limit: usize) -> CutProxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let passed = Arc::new(AtomicUsize::new(0));
    let counted = passed.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            if counted.load(Ordering::SeqCst) >= limit {
                continue; // dropped: cut
            }
            let Ok(server) = TcpStream::connect(hub) else {
                continue;
            };
            for (from, to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                let counted = counted.clone();
                std::thread::spawn(move || pass(from, to, &counted, limit));
            }
        }
    });
    CutProxy { url, passed }
}

fn pass(mut from: TcpStream, mut to: TcpStream, passed: &AtomicUsize, limit: usize) {
    let mut buffer = [0u8; 4096];
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let before = passed.fetch_add(read, Ordering::SeqCst);
        let allowed = limit.saturating_sub(before).min(read);
        if to.write_all(&buffer[..allowed]).is_err() || allowed < read {
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

fn address_of(url: &str) -> SocketAddr {
    url.trim_start_matches("https://").parse().unwrap()
}

#[test]
fn a_connection_cut_at_any_byte_leaves_the_plan_as_a_clean_sync_does() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let hub = start_hub(&hub_dir);
    let kiosk = paired_kiosk(dir.path(), &hub);
    drop(hub);
    let before_any = dir.path().join("plan-before.sqlite");
    std::fs::copy(hub_dir.join("plan.sqlite"), &before_any).unwrap();
    kiosk_with_mats(dir.path(), "1111", 0..60);
    let expected = reference(&kiosk, dir.path());

    // A clean sync through the proxy: how many bytes the whole exchange is.
    let hub = start_hub(&hub_dir);
    let proxy = cut_proxy(address_of(&hub.url), usize::MAX);
    point_at(&kiosk, &proxy.url);
    let clean = sayso(&kiosk, &["sync"]);
    assert!(clean.status.success(), "{}", said(&clean));
    assert_eq!(what_the_plan_holds(&hub.plan), expected);
    let whole = proxy.passed.load(Ordering::SeqCst);
    assert!(whole > 10_000, "the exchange is {whole} bytes");
    drop(hub);

    let mut cuts: Vec<usize> = (1..=12).map(|i| whole * i / 13).collect();
    cuts.extend([1, 300, 2_000, whole - 200]);
    for cut in cuts {
        std::fs::copy(&before_any, hub_dir.join("plan.sqlite")).unwrap();
        let hub = start_hub(&hub_dir);
        let proxy = cut_proxy(address_of(&hub.url), cut);
        point_at(&kiosk, &proxy.url);
        let cut_off = sayso(&kiosk, &["sync"]);
        assert!(
            !cut_off.status.success() || cut >= whole - 200,
            "cut at {cut} of {whole} bytes, yet the sync says it finished"
        );
        point_at(&kiosk, &hub.url);
        let again = sayso(&kiosk, &["sync"]);
        assert!(again.status.success(), "{}", said(&again));
        assert_eq!(
            what_the_plan_holds(&hub.plan),
            expected,
            "cut at {cut} of {whole} bytes"
        );
    }
}

#[test]
fn a_hub_put_back_from_an_older_backup_is_made_whole_by_its_kiosks() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let hub = start_hub(&hub_dir);
    let lounge = paired_kiosk(dir.path(), &hub);
    kiosk_with_mats(dir.path(), "1111", 0..10);
    assert!(sayso(&lounge, &["sync"]).status.success());
    let backup = dir.path().join("last-night.sqlite");
    Connection::open(&hub.plan)
        .unwrap()
        .backup(
            rusqlite::MAIN_DB,
            &backup,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .unwrap();
    kiosk_with_mats(dir.path(), "1111", 10..25);
    assert!(sayso(&lounge, &["sync"]).status.success());
    assert_eq!(count(&hub.plan, MATS), 25);

    drop(hub);
    std::fs::copy(&backup, hub_dir.join("plan.sqlite")).unwrap();
    let hub = start_hub(&hub_dir);
    assert_eq!(count(&hub.plan, MATS), 10, "last night's plan");
    point_at(&lounge, &hub.url);
    let synced = sayso(&lounge, &["sync"]);
    assert!(synced.status.success(), "{}", said(&synced));
    assert_eq!(count(&hub.plan, MATS), 25, "whole again, nothing twice");
    assert_eq!(
        what_the_plan_holds(&hub.plan),
        reference(&lounge, dir.path())
    );
}
