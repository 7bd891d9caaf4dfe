//! The web app under attack and load, against a running `sayso serve`:
//!
//! - a flood of sign-ins with unknown names from 16 clients for 20 s, each
//!   request from an address of its own: the server's resident memory, and
//!   a signed-in page's time against the same page with no flood (the
//!   baseline, measured in the same run);
//! - five uploads at once, each of two 49 MP photos of 31 MB: the server's
//!   peak memory, against one upload alone (the baseline).
//!
//! Run with `cargo bench --bench signin`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use sayso::core::PersonId;
use sayso::store::accounts::Role;
use sayso::store::ports::{AccountsPlan, PlanSets};
use sayso::store::Plan;
use sayso::web::raw_http::{
    exchange, page_request, resident_kb, session_cookie_of, sign_in_request, Served,
};

const CLIENTS: usize = 16;
const FLOOD: Duration = Duration::from_secs(20);
const PASSPHRASE: &str = "a long shift at the end";

fn plan_with_jo(dir: &Path) -> std::path::PathBuf {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let path = dir.join("plan.sqlite");
    let mut plan = Plan::open_or_create(&path).unwrap();
    let code = plan
        .add_account("Jo", Role::Staff, None, "bench", now)
        .unwrap();
    plan.redeem_setup_code(&code, PASSPHRASE, now).unwrap();
    path
}

fn serve(plan: &Path, data: &Path) -> Served {
    Served::start(Path::new(env!("CARGO_BIN_EXE_sayso")), plan, data)
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    (at(50), at(95))
}

fn sign_in_flood(dir: &Path) {
    let plan = plan_with_jo(dir);
    let served = serve(&plan, &dir.join("data"));
    let (server, pid) = (served.address, served.child.id());
    let jo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let signed_in = exchange(server, jo, &sign_in_request(server, "Jo", PASSPHRASE)).unwrap();
    let cookie = session_cookie_of(&signed_in).expect("signed in");
    let page = page_request(server, "/", &cookie);
    let page_time = || {
        let started = Instant::now();
        exchange(server, jo, &page).unwrap();
        started.elapsed()
    };
    let (quiet_p50, quiet_p95) = percentiles((0..100).map(|_| page_time()).collect());
    let before_kb = resident_kb(pid).0;

    let flooding = Arc::new(AtomicBool::new(true));
    let sent = Arc::new(AtomicU32::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let flooding = flooding.clone();
            let sent = sent.clone();
            std::thread::spawn(move || {
                let (mut wrong, mut busy) = (0u32, 0u32);
                while flooding.load(Ordering::SeqCst) {
                    let n = sent.fetch_add(1, Ordering::SeqCst);
                    let from = IpAddr::V4(Ipv4Addr::new(127, 1, (n >> 8) as u8, n as u8));
                    let request = sign_in_request(server, &format!("nobody{client}x{n}"), "guess");
                    match exchange(server, from, &request)
                        .ok()
                        .as_deref()
                        .and_then(|a| a.get(9..12))
                    {
                        Some("401") => wrong += 1,
                        Some("503") => busy += 1,
                        _ => {}
                    }
                }
                (wrong, busy)
            })
        })
        .collect();
    let started = Instant::now();
    let mut flooded = Vec::new();
    let mut peak_kb = 0;
    while started.elapsed() < FLOOD {
        peak_kb = peak_kb.max(resident_kb(pid).0);
        flooded.push(page_time());
        std::thread::sleep(Duration::from_millis(50));
    }
    flooding.store(false, Ordering::SeqCst);
    let (mut wrong, mut busy) = (0, 0);
    for client in clients {
        let (w, b) = client.join().unwrap();
        wrong += w;
        busy += b;
    }
    let (after_kb, hwm_kb) = resident_kb(pid);
    drop(served);
    let (flood_p50, flood_p95) = percentiles(flooded);
    println!(
        "sign-in flood ({CLIENTS} clients, {} s, an address per request): \
         {wrong} refused as wrong, {busy} told busy ({:.0}/s checked)",
        FLOOD.as_secs(),
        f64::from(wrong) / FLOOD.as_secs_f64()
    );
    println!(
        "  resident memory: {} MB before, peak {} MB (high-water {} MB), {} MB after",
        before_kb / 1024,
        peak_kb / 1024,
        hwm_kb / 1024,
        after_kb / 1024
    );
    println!(
        "  signed-in page: quiet p50 {quiet_p50:?} p95 {quiet_p95:?}; under the flood \
         p50 {flood_p50:?} p95 {flood_p95:?} ({:.1}x the quiet p95)",
        flood_p95.as_secs_f64() / quiet_p95.as_secs_f64()
    );
}

fn uploads(dir: &Path, at_once: usize) -> (u64, Vec<String>) {
    let plan = plan_with_jo(dir);
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    // Sam, as a kiosk's sync would have brought him in.
    rusqlite::Connection::open(&plan)
        .unwrap()
        .execute(
            "INSERT INTO people (id, name) VALUES ('019a4c2e-5f00-7000-8000-0000000005a3', 'Sam')",
            [],
        )
        .unwrap();
    {
        let mut opened = Plan::open(&plan).unwrap();
        for n in 0..at_once {
            let text = format!(
                "id = \"things-{n}\"\ntitle = \"Things {n}\"\n\n[[topics]]\nid = \"my-things\"\n\
                 title = \"My things\"\nquestion = \"What do you think?\"\nscale = \"like\"\n"
            );
            opened
                .save_set_version(
                    &format!("things-{n}"),
                    &PersonId::new("019a4c2e-5f00-7000-8000-0000000005a3"),
                    &text,
                    &[],
                    "Jo",
                    now,
                )
                .unwrap();
        }
    }
    let photo = dir.join("photo.png");
    sayso::library::test_photos::largest_png(&photo);
    let served = serve(&plan, &dir.join("data"));
    let site = served.site();
    let jar = dir.join("cookies");
    let curl = |args: &[String]| {
        let mut command = Command::new("curl");
        command
            .args([
                "-s",
                "-b",
                jar.to_str().unwrap(),
                "-c",
                jar.to_str().unwrap(),
            ])
            .args(args);
        command
    };
    curl(&[
        "-d".into(),
        format!("name=Jo&passphrase={}", PASSPHRASE.replace(' ', "+")),
        format!("{site}/signin"),
    ])
    .output()
    .unwrap();
    let page = String::from_utf8_lossy(
        &curl(&[format!("{site}/sets/things-0")])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    let at = page.find("name=\"csrf\" value=\"").expect("the set's page") + 19;
    let csrf = page[at..at + page[at..].find('"').unwrap()].to_string();
    let sending: Vec<_> = (0..at_once)
        .map(|n| {
            let mut args = vec![
                "-o".to_string(),
                "/dev/null".into(),
                "-w".into(),
                "%{http_code}".into(),
                "-F".into(),
                format!("csrf={csrf}"),
            ];
            for _ in 0..2 {
                args.push("-F".into());
                args.push(format!("photos=@{};type=image/png", photo.display()));
            }
            args.push(format!("{site}/sets/things-{n}/topics/my-things/cards"));
            curl(&args).stdout(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let answers = sending
        .into_iter()
        .map(|c| String::from_utf8_lossy(&c.wait_with_output().unwrap().stdout).into_owned())
        .collect();
    (served.peak_mb(), answers)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let flood_dir = dir.path().join("flood");
    std::fs::create_dir_all(&flood_dir).unwrap();
    sign_in_flood(&flood_dir);

    let one = dir.path().join("one");
    let five = dir.path().join("five");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&five).unwrap();
    let (alone, _) = uploads(&one, 1);
    let (together, answers) = uploads(&five, 5);
    println!(
        "uploads of two 49 MP photos (31 MB each): one alone peaks at {alone} MB; \
         five at once at {together} MB ({:.2}x), answers {answers:?}",
        together as f64 / alone.max(1) as f64
    );
}
