//! Sync and report on a realistic journal: a year of daily check-ins, about
//! 30,000 placements (8 mats a day of 10 cards, with some taken back).
//!
//! Measures a cold sync of the whole year into an empty plan, an incremental
//! sync of one new mat, and the report on the result. The cold sync is also
//! given as a ratio against inserting the same evidence rows into SQLite in
//! one plain transaction, measured in the same run: the machine may be noisy,
//! the ratio less so.
//!
//! Run with `cargo bench --bench sync`.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use sayso::report::{render, Format};
use sayso::store::ports::StaffPlan;
use sayso::store::Plan;
use sayso::sync::{with_plan, SyncOptions};

#[path = "support/year.rs"]
mod year;

use year::{a_year, write_mat, DAYS, MATS_PER_DAY};

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let journal_path = dir.path().join("journal.sqlite");
    let started = Instant::now();
    let (mut journal, placements) = a_year(&journal_path);
    println!(
        "journal: {} mats, {placements} placements, written in {:.1?}",
        DAYS * MATS_PER_DAY,
        started.elapsed()
    );
    let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();

    let mut cold = Vec::new();
    let mut baseline = Vec::new();
    let mut evidence = 0;
    for run in 0..3 {
        let plan_path = dir.path().join(format!("plan-{run}.sqlite"));
        let mut plan = Plan::open_or_create(&plan_path).unwrap();
        let started = Instant::now();
        let report = with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
        cold.push(started.elapsed());
        evidence = plan.evidence_count().unwrap();
        assert_eq!(report.sessions as u32, DAYS * MATS_PER_DAY);

        let started = Instant::now();
        plain_insert(&plan_path, &dir.path().join(format!("plain-{run}.sqlite")));
        baseline.push(started.elapsed());
    }
    let cold = median(&mut cold);
    let baseline = median(&mut baseline);
    println!("cold sync of the year      median {cold:>10.1?}   ({evidence} evidence rows)");
    println!("plain insert of those rows median {baseline:>10.1?}");
    println!(
        "cold sync / plain insert          {:>10.1}x",
        cold.as_secs_f64() / baseline.as_secs_f64()
    );

    // The first sync on a new connection runs the integrity check first.
    let mut first = Vec::new();
    for extra in 0..5 {
        write_mat(&mut journal, DAYS + extra, 1);
        let mut plan = Plan::open(&dir.path().join("plan-0.sqlite")).unwrap();
        let started = Instant::now();
        assert_eq!(
            with_plan(&journal, &mut plan, now, &SyncOptions::default())
                .unwrap()
                .sessions,
            1
        );
        first.push(started.elapsed());
    }
    let mut plan = Plan::open(&dir.path().join("plan-0.sqlite")).unwrap();
    let started = Instant::now();
    plan.check_integrity().unwrap();
    let integrity = started.elapsed();
    println!("integrity check of the plan       {integrity:>10.2?}");
    println!(
        "first sync of 1 mat, new connection  median {:>10.2?}",
        median(&mut first)
    );

    let mut incremental = Vec::new();
    for extra in 0..30 {
        write_mat(&mut journal, DAYS + extra, 0);
        let started = Instant::now();
        let report = with_plan(&journal, &mut plan, now, &SyncOptions::default()).unwrap();
        incremental.push(started.elapsed());
        assert_eq!(report.sessions, 1);
    }
    let (p50, p95) = percentiles(&mut incremental);
    println!("incremental sync of 1 mat, open connection  p50 {p50:>10.2?}  p95 {p95:>10.2?}");

    // The pictures each sync carries for the staff pages: the demo set's
    // (every card, as SVG) and its two photos. The first time each is
    // prepared; after that each file is only hashed.
    let set = sayso::library::load_set(&sayso::library::default_set_path()).unwrap();
    let photos = ["alex", "sam"]
        .iter()
        .map(|name| {
            (
                sayso::core::PersonId::new(format!("{name}-id")),
                set.root.join(format!("photos/{name}.svg")),
            )
        })
        .collect();
    let what = sayso::sync::pictures::ToShare {
        data_dir: dir.path().to_path_buf(),
        set: Some(set),
        photos,
    };
    let started = Instant::now();
    let shared = sayso::sync::pictures::share_pictures(&mut plan, "bench", &what, now).unwrap();
    let first_share = started.elapsed();
    let mut again = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let shared = sayso::sync::pictures::share_pictures(&mut plan, "bench", &what, now).unwrap();
        again.push(started.elapsed());
        assert_eq!(shared.added, 0);
    }
    let (again_p50, again_p95) = percentiles(&mut again);
    println!(
        "pictures to the plan, first time ({} pictures)  {first_share:>10.2?}",
        shared.added
    );
    println!("pictures to the plan, nothing new  p50 {again_p50:>10.2?}  p95 {again_p95:>10.2?}");
    println!(
        "nothing-new pictures / incremental sync  {:>10.2}x",
        again_p50.as_secs_f64() / p50.as_secs_f64()
    );

    let mut report_times = Vec::new();
    let mut lines = 0;
    for _ in 0..30 {
        let started = Instant::now();
        let rows = plan.preferences(None).unwrap();
        let text = render(&rows, Format::Table);
        report_times.push(started.elapsed());
        lines = text.lines().count();
    }
    let (p50, p95) = percentiles(&mut report_times);
    println!("report ({lines} lines)          p50 {p50:>10.2?}  p95 {p95:>10.2?}");
}

/// The baseline: the same evidence rows, inserted into an empty table of the
/// same shape in one plain transaction.
fn plain_insert(plan: &Path, target: &Path) {
    let source = Connection::open(plan).unwrap();
    let mut statement = source
        .prepare("SELECT session_id, card_id, person_id, topic_id, card_label, point, view, placed_seq, placed_at FROM evidence")
        .unwrap();
    let rows: Vec<Vec<Value>> = statement
        .query_map([], |r| (0..9).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut conn = Connection::open(target).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE evidence (session_id TEXT, card_id TEXT, person_id TEXT, topic_id TEXT, card_label TEXT,
             point INTEGER, view TEXT, placed_seq INTEGER, placed_at TEXT, PRIMARY KEY (session_id, card_id));",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO evidence VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .unwrap();
        for r in &rows {
            insert.execute(params_from_iter(r)).unwrap();
        }
    }
    tx.commit().unwrap();
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}
