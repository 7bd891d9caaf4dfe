//! The staff web app as the page benchmarks time it: whole requests through
//! the router with a signed-in session, and p50/p95 of a run against a
//! baseline measured in the same run. Shared by the web and meetings
//! benchmarks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use chrono::{DateTime, Utc};
use tower::ServiceExt;

/// Runs of each measure, after one to warm up.
pub const RUNS: usize = 40;

/// The web app over a plan, on a fixed clock, signed in with `token`.
pub struct Pages {
    runtime: tokio::runtime::Runtime,
    router: Router,
    cookie: String,
}

impl Pages {
    pub fn new(plan: &std::path::Path, now: DateTime<Utc>, token: &str) -> Pages {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = sayso::web::AppState::new(plan.to_path_buf(), Arc::new(move || now));
        Pages {
            runtime,
            router: sayso::web::app(state),
            cookie: format!("sayso_session={token}"),
        }
    }

    /// One request, answered whole: how long, and how many bytes.
    pub fn get(&self, path: &str) -> (Duration, usize) {
        let request = Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let response = self
            .runtime
            .block_on(self.router.clone().oneshot(request))
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let body = self
            .runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        (started.elapsed(), body.len())
    }
}

/// p50 and p95 of [`RUNS`] runs (after one to warm up), and the last size.
pub fn measure(mut run: impl FnMut() -> (Duration, usize)) -> ((Duration, Duration), usize) {
    run();
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let (time, bytes) = run();
        times.push(time);
        size = bytes;
    }
    times.sort();
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    ((times[times.len() / 2], p95), size)
}

/// A measure against its baseline, with their ratio.
pub fn report(
    name: &str,
    (p50, p95): (Duration, Duration),
    size: usize,
    (b50, b95): (Duration, Duration),
) {
    println!(
        "{name:<16} p50 {p50:>9.2?}  p95 {p95:>9.2?}  ({} KB)   plain SQL p50 {b50:>9.2?}  p95 {b95:>9.2?}   ratio p50 {:.1}x  p95 {:.1}x",
        size / 1024,
        p50.as_secs_f64() / b50.as_secs_f64(),
        p95.as_secs_f64() / b95.as_secs_f64()
    );
}
