//! A flood of sign-ins against a running `sayso serve`: sixteen clients for
//! twenty seconds, each request from an address of its own (so that no
//! device's wait turns them away), every name unknown. The server stays
//! small, and a signed-in page stays quick. Bounds here are generous; the
//! figures are measured in `benches/`.

use std::net::{IpAddr, Ipv4Addr};

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sayso::web::raw_http::{
    exchange, page_request, resident_kb, session_cookie_of, sign_in_request, Served,
};

use super::fixture::{self, JO_PASSPHRASE};

const CLIENTS: usize = 16;
const FLOOD: Duration = Duration::from_secs(20);
const RESIDENT_LIMIT_KB: u64 = 150 * 1024;

fn p95(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[(times.len() * 95 / 100).min(times.len() - 1)]
}

#[test]
fn a_flood_of_unknown_sign_ins_leaves_the_server_small_and_pages_quick() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let serve = Served::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_sayso")),
        &plan,
        &dir.path().join("data"),
    );
    let server = serve.address;
    let pid = serve.child.id();

    let jo = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    let signed_in = exchange(server, jo, &sign_in_request(server, "Jo", JO_PASSPHRASE)).unwrap();
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    let cookie = session_cookie_of(&signed_in).expect("a session cookie");
    let page_request = page_request(server, "/", &cookie);
    let page_time = || {
        let started = Instant::now();
        let page = exchange(server, jo, &page_request).unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        started.elapsed()
    };
    let quiet = p95((0..40).map(|_| page_time()).collect());

    let flooding = Arc::new(AtomicBool::new(true));
    let sent = Arc::new(AtomicU32::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let flooding = flooding.clone();
            let sent = sent.clone();
            std::thread::spawn(move || {
                let mut answers = std::collections::BTreeMap::<String, u32>::new();
                while flooding.load(Ordering::SeqCst) {
                    let n = sent.fetch_add(1, Ordering::SeqCst);
                    // 127.1.x.y: an address of its own for every request.
                    let from = IpAddr::V4(Ipv4Addr::new(127, 1, (n >> 8) as u8, n as u8));
                    let request = sign_in_request(server, &format!("nobody{client}x{n}"), "guess");
                    if let Ok(answer) = exchange(server, from, &request) {
                        let status = answer.get(9..12).unwrap_or("???").to_string();
                        *answers.entry(status).or_default() += 1;
                    }
                }
                answers
            })
        })
        .collect();
    let started = Instant::now();
    let mut peak_kb = 0;
    let mut flood_times = Vec::new();
    while started.elapsed() < FLOOD {
        peak_kb = peak_kb.max(resident_kb(pid).0);
        flood_times.push(page_time());
        std::thread::sleep(Duration::from_millis(100));
    }
    flooding.store(false, Ordering::SeqCst);
    let mut answers = std::collections::BTreeMap::<String, u32>::new();
    for client in clients {
        for (status, count) in client.join().unwrap() {
            *answers.entry(status).or_default() += count;
        }
    }
    peak_kb = peak_kb.max(resident_kb(pid).1);
    drop(serve);

    let flooded = p95(flood_times);
    eprintln!(
        "flood: {answers:?}; peak resident {} MB; page p95 quiet {quiet:?}, under the flood {flooded:?}",
        peak_kb / 1024
    );
    assert!(
        answers.get("401").copied().unwrap_or(0) > 0,
        "the flood was checked: {answers:?}"
    );
    assert!(
        answers.keys().all(|s| s == "401" || s == "503"),
        "only wrong or busy: {answers:?}"
    );
    assert!(
        peak_kb < RESIDENT_LIMIT_KB,
        "resident memory peaked at {} MB",
        peak_kb / 1024
    );
    let bound = (quiet * 3).max(quiet + Duration::from_millis(150));
    assert!(
        flooded < bound,
        "a signed-in page's p95 went from {quiet:?} to {flooded:?}"
    );
}
