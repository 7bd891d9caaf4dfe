//! The staff and family web app (`sayso serve`): server-rendered pages over
//! the support plan, behind accounts. The pages reach the plan only through
//! [`crate::store::staff::StaffPlan`]; every request that changes anything
//! carries the session's CSRF token, and every change is audited.
//!
//! Listens on this machine only unless staff give another address, and then
//! only over HTTPS (a certificate of theirs, or one made for this machine).

mod auth;
mod error;
mod pages;
mod routes;
pub mod tls;
mod trend;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::store::staff::StaffPlan;
use crate::store::{Plan, StoreError};

pub use error::WebError;
pub use routes::app;

/// The address `sayso serve` listens on unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8470";

type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every request shares: the plan (opened when first needed, and again
/// after it could not be), and the clock.
#[derive(Clone)]
pub struct AppState {
    plan_path: PathBuf,
    plan: Arc<Mutex<Option<Box<dyn StaffPlan>>>>,
    clock: Clock,
    /// Cookies marked `Secure` (only when served over HTTPS).
    secure_cookies: bool,
}

impl AppState {
    pub fn new(plan_path: PathBuf) -> AppState {
        AppState::with_clock(plan_path, Arc::new(Utc::now))
    }

    /// With a clock of the caller's (tests move time on to expire sessions).
    pub fn with_clock(plan_path: PathBuf, clock: Clock) -> AppState {
        AppState {
            plan_path,
            plan: Arc::new(Mutex::new(None)),
            clock,
            secure_cookies: false,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs `work` with the plan, off the async threads (SQLite blocks, and
    /// waits while a kiosk's sync holds the plan's lock).
    pub async fn with_plan<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn StaffPlan) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, WebError> {
        let plan = self.plan.clone();
        let path = self.plan_path.clone();
        tokio::task::spawn_blocking(move || {
            let mut slot = plan.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if slot.is_none() {
                let mut opened = Plan::open(&path).map_err(WebError::Plan)?;
                opened
                    .set_busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(WebError::Plan)?;
                *slot = Some(Box::new(opened));
            }
            let result = work(slot.as_deref_mut().expect("opened above"));
            if result.is_err() {
                // Opened afresh next time: the file may have been mended,
                // replaced or set aside meanwhile.
                *slot = None;
            }
            result.map_err(WebError::Plan)
        })
        .await
        .map_err(|_| WebError::Internal)?
    }
}

/// How `sayso serve` listens.
pub struct Listen {
    pub address: SocketAddr,
    /// HTTPS even on this machine's own address.
    pub https: bool,
    /// A certificate and key of staff's own; else one made for this machine.
    pub certificate: Option<(PathBuf, PathBuf)>,
}

impl Listen {
    /// Beyond this machine, always HTTPS: care data never crosses the
    /// network in the clear.
    pub fn uses_https(&self) -> bool {
        self.https || self.certificate.is_some() || !self.address.ip().is_loopback()
    }
}

/// Serves the web app until Ctrl+C (or SIGTERM), over `plan`, with the
/// self-made certificate in the kiosk's `data_dir`.
pub fn serve(plan: PathBuf, data_dir: PathBuf, listen: Listen) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the web server's runtime")?;
    let https = listen.uses_https();
    let mut state = AppState::new(plan);
    state.secure_cookies = https;
    let app = app(state);
    if !https {
        return runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind(listen.address)
                .await
                .with_context(|| format!("cannot listen on {}", listen.address))?;
            let address = listener.local_addr()?;
            println!("sayso web app on http://{address}/ (Ctrl+C to stop)");
            tracing::info!(%address, "web app listening");
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .context("the web server stopped")
        });
    }
    let certificate = match listen.certificate {
        Some((cert, key)) => tls::given_certificate(cert, key)?,
        None => tls::own_certificate(&data_dir, listen.address.ip())?,
    };
    // One TLS implementation in the build (ring), chosen here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    runtime.block_on(async move {
        let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(
            &certificate.cert,
            &certificate.key,
        )
        .await
        .with_context(|| format!("cannot use the certificate {}", certificate.cert.display()))?;
        let listener = std::net::TcpListener::bind(listen.address)
            .with_context(|| format!("cannot listen on {}", listen.address))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        println!("sayso web app on https://{address}/ (Ctrl+C to stop)");
        println!(
            "certificate fingerprint (SHA-256): {}",
            certificate.fingerprint
        );
        tracing::info!(%address, "web app listening over HTTPS");
        let handle = axum_server::Handle::new();
        let stopping = handle.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            stopping.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        });
        axum_server::from_tcp_rustls(listener, config)?
            .handle(handle)
            .serve(app.into_make_service())
            .await
            .context("the web server stopped")
    })
}
