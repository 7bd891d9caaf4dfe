//! The home's hub: a kiosk's sync over HTTPS on this machine's own address
//! against the same sync into a plan file, measured in the same run.
//!
//! - cold: a year of one person's check-ins (about 30,000 placements) from
//!   a fresh kiosk to an empty hub, against the file sync of the same
//!   journal (the ratio is the figure; the bar is 1.5x);
//! - incremental: one finished mat, kiosk to hub and back, as the kiosk
//!   does it (journal opened, hub connected, the whole sync), p50 and p95;
//! - load: many simulated kiosks (each a journal and a pairing of its own)
//!   syncing a mat every 10 s against one hub, from a bounded pool of
//!   threads: errors, mats lost or doubled, p50/p95 per sync, and the hub's
//!   memory at the end. `SAYSO_BENCH_KIOSKS` (200) and
//!   `SAYSO_BENCH_SECONDS` (120) change its size.
//!
//! Run with `cargo bench --bench hub`.

#[path = "support/year.rs"]
mod year;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use sayso::core::{Company, InputMethod, PersonRef, Record, Spot};
use sayso::store::ports::KiosksPlan;
use sayso::store::{Journal, Plan};
use sayso::sync::{with_plan, HubLink, HubPlan, PlanTarget, SyncOptions};

struct Hub {
    child: Child,
    url: String,
    plan: PathBuf,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `sayso serve` over HTTPS on a fresh plan in `dir`, with `codes`
/// pairing codes made for it.
fn start_hub(dir: &Path, codes: usize) -> (Hub, Vec<String>) {
    std::fs::create_dir_all(dir).unwrap();
    let plan = dir.join("plan.sqlite");
    let mut made = Plan::create(&plan).unwrap();
    let codes = (0..codes)
        .map(|_| made.new_pairing_code("bench", Utc::now()).unwrap().code)
        .collect();
    drop(made);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .arg("--plan")
        .arg(&plan)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--https", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    said.read_line(&mut line).unwrap();
    let url = line
        .strip_prefix("sayso web app on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    std::thread::spawn(move || std::io::copy(&mut said, &mut std::io::sink()));
    (Hub { child, url, plan }, codes)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.50), at(0.95))
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let (journal, placements) = year::a_year(&dir.path().join("journal.sqlite"));
    println!("journal: {placements} placements");

    let (mut to_hub, mut to_file) = (Vec::new(), Vec::new());
    for run in 0..3 {
        let file = dir.path().join(format!("file-{run}.sqlite"));
        let mut plan = Plan::open_or_create(&file).unwrap();
        let started = Instant::now();
        with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
        to_file.push(started.elapsed());

        let (hub, codes) = start_hub(&dir.path().join(format!("hub-{run}")), 1);
        let link = sayso::sync::hub::pair(&hub.url, &codes[0], journal.device_id(), None).unwrap();
        let mut plan = HubPlan::connect(link).unwrap();
        let started = Instant::now();
        let report = with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
        to_hub.push(started.elapsed());
        assert_eq!(report.sessions as u32, year::DAYS * year::MATS_PER_DAY);
    }
    let (hub, file) = (median(&mut to_hub), median(&mut to_file));
    println!("cold sync of the year, to a plan file  median {file:>10.1?}");
    println!("cold sync of the year, to the hub      median {hub:>10.1?}");
    println!(
        "hub / file                                    {:>10.2}x",
        hub.as_secs_f64() / file.as_secs_f64()
    );

    incremental(dir.path(), now);
    load(dir.path());
}

/// One finished mat, as the kiosk syncs it after the mat: kiosk to hub and
/// back, connection and all; then the same with the home file the hub
/// gives (unchanged, as it mostly is: the hub looks at its file and photos,
/// the kiosk at its copy).
fn incremental(dir: &Path, now: chrono::DateTime<Utc>) {
    for with_home_file in [false, true] {
        let hub_dir = dir.join(format!("hub-incremental-{with_home_file}"));
        if with_home_file {
            std::fs::create_dir_all(hub_dir.join("photos")).unwrap();
            let photo = sayso::library::default_set_path().with_file_name("photos/sam.svg");
            std::fs::copy(photo, hub_dir.join("photos/sam.svg")).unwrap();
            let home = "[[people]]\nname = \"Alex\"\n\n[[people]]\nname = \"Sam\"\nphoto = \"photos/sam.svg\"\n";
            std::fs::write(hub_dir.join("home.toml"), home).unwrap();
        }
        let (hub, codes) = start_hub(&hub_dir, 1);
        let kiosk = dir.join(format!("kiosk-incremental-{with_home_file}"));
        let journal_path = kiosk.join("journal.sqlite");
        let mut journal = Journal::open(&journal_path).unwrap();
        journal.add_person("Alex", now).unwrap();
        let link = sayso::sync::hub::pair(&hub.url, &codes[0], journal.device_id(), None).unwrap();
        let target = PlanTarget::Hub(link);
        let options = SyncOptions {
            home_file: with_home_file.then(|| kiosk.join("home.toml")),
            ..SyncOptions::default()
        };
        let mut times = Vec::new();
        for day in 0..60 {
            year::write_mat(&mut journal, day, 0);
            let started = Instant::now();
            let report = sayso::sync::run(&journal_path, &target, now, &options).unwrap();
            times.push(started.elapsed());
            assert_eq!(report.sessions, 1);
        }
        let (p50, p95) = percentiles(&mut times);
        let what = if with_home_file {
            "and the home file"
        } else {
            "                 "
        };
        println!("incremental sync of 1 mat {what}  p50 {p50:>10.2?}  p95 {p95:>10.2?}");
        drop(hub);
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A simulated kiosk: its journal and how it reaches the hub.
struct SimulatedKiosk {
    journal: PathBuf,
    target: PlanTarget,
    person: PersonRef,
    mats: u32,
}

fn one_mat(kiosk: &mut SimulatedKiosk, index: usize) {
    let mut journal = Journal::open(&kiosk.journal).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
        + chrono::Duration::minutes(i64::from(kiosk.mats));
    let id = format!("0190b000-0000-7000-{index:04}-{:012}", kiosk.mats);
    kiosk.mats += 1;
    journal
        .record_all(&[
            Record::Started {
                session_id: id.clone().into(),
                person_id: kiosk.person.id.clone(),
                set_id: "demo".into(),
                topic_id: "food".into(),
                topic_title: "Food".into(),
                company: Company::default(),
                at,
            },
            Record::Placed {
                session_id: id.clone().into(),
                seq: 1,
                card_id: "tea".into(),
                card_label: "tea".into(),
                spot: Spot::on(0),
                point_label: "like".into(),
                at,
                via: InputMethod::Touch,
                response_ms: 900,
                helped: false,
            },
            Record::Finished {
                session_id: id.into(),
                at,
                via: InputMethod::Touch,
            },
        ])
        .unwrap();
}

fn load(dir: &Path) {
    let kiosks = env_number("SAYSO_BENCH_KIOSKS", 200) as usize;
    let seconds = env_number("SAYSO_BENCH_SECONDS", 120);
    let every = Duration::from_secs(10);
    let (hub, codes) = start_hub(&dir.join("hub-load"), kiosks);
    let mut simulated = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        let data = dir.join(format!("kiosk-{index}"));
        let journal = data.join("journal.sqlite");
        let opened = Journal::open(&journal).unwrap();
        // Ten people in the home, each on some of its kiosks.
        let person = PersonRef {
            id: format!("0190b000-0000-7000-8000-{:012}", index % 10).into(),
            name: format!("Person {}", index % 10),
        };
        opened.ensure_person(&person, Utc::now()).unwrap();
        let link: HubLink =
            sayso::sync::hub::pair(&hub.url, code, opened.device_id(), None).unwrap();
        simulated.push(Mutex::new(SimulatedKiosk {
            journal,
            target: PlanTarget::Hub(link),
            person,
            mats: 0,
        }));
    }
    println!("{kiosks} kiosks paired; each syncs a mat every {every:?} for {seconds} s");

    // Each kiosk's turns, spread over the first ten seconds; a pool of
    // threads takes them as they come due.
    let started = Instant::now();
    let rounds = (seconds / every.as_secs()).max(1) as usize;
    let mut turns: Vec<(Duration, usize)> = (0..rounds)
        .flat_map(|round| {
            (0..kiosks).map(move |k| {
                let offset = every.mul_f64(k as f64 / kiosks as f64);
                (every * round as u32 + offset, k)
            })
        })
        .collect();
    turns.sort();
    let turns = Arc::new(Mutex::new(turns.into_iter()));
    let simulated = Arc::new(simulated);
    let errors = Arc::new(AtomicUsize::new(0));
    let times = Arc::new(Mutex::new(Vec::new()));
    let pool: Vec<_> = (0..32)
        .map(|_| {
            let (turns, simulated, errors, times) = (
                turns.clone(),
                simulated.clone(),
                errors.clone(),
                times.clone(),
            );
            std::thread::spawn(move || loop {
                let Some((due, k)) = turns.lock().unwrap().next() else {
                    return;
                };
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
                let mut kiosk = simulated[k].lock().unwrap();
                one_mat(&mut kiosk, k);
                let began = Instant::now();
                let synced = sayso::sync::run(
                    &kiosk.journal,
                    &kiosk.target,
                    Utc::now(),
                    &SyncOptions::default(),
                );
                times.lock().unwrap().push(began.elapsed());
                if let Err(e) = synced {
                    errors.fetch_add(1, Ordering::SeqCst);
                    eprintln!("a sync failed: {e}");
                }
            })
        })
        .collect();
    for thread in pool {
        thread.join().unwrap();
    }
    let made = kiosks * rounds;
    // Whatever failed is sent by the kiosk's next sync, as on a kiosk.
    for kiosk in simulated.iter() {
        let kiosk = kiosk.lock().unwrap();
        let _ = sayso::sync::run(
            &kiosk.journal,
            &kiosk.target,
            Utc::now(),
            &SyncOptions::default(),
        );
    }
    let db = Connection::open(&hub.plan).unwrap();
    let in_plan: i64 = db
        .query_row("SELECT count(*) FROM synced_sessions", [], |r| r.get(0))
        .unwrap();
    let evidence: i64 = db
        .query_row("SELECT count(*) FROM evidence", [], |r| r.get(0))
        .unwrap();
    let mut times = times.lock().unwrap();
    let (p50, p95) = percentiles(&mut times);
    println!(
        "load: {} syncs in {:.0?}, {} errors; {made} mats made, {in_plan} in the plan ({} lost, {} doubled: evidence {evidence})",
        times.len(),
        started.elapsed(),
        errors.load(Ordering::SeqCst),
        (made as i64 - in_plan).max(0),
        (evidence - made as i64).max(0),
    );
    println!("load: per sync p50 {p50:>10.2?}  p95 {p95:>10.2?}");
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", hub.child.id())).unwrap_or_default();
    for line in status
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
    {
        println!("hub memory at the end: {line}");
    }
}
