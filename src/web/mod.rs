//! The staff and family web app (`sayso serve`): server-rendered pages over
//! the support plan, behind accounts. The pages reach the plan only through
//! [`crate::store::ports::WebPlan`] (staff's, accounts and picture sets); every request that changes anything
//! carries the session's CSRF token, and every change is audited.
//!
//! Listens on this machine only unless staff give another address, and then
//! only over HTTPS (a certificate of theirs, or one made for this machine).

mod accounts;
mod api;
mod auth;
mod error;
mod heavy;
mod html;
pub mod invite;
pub mod network;
mod pages;
mod plain_http;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod raw_http;
mod routes;
mod set_pages;
mod sets;
pub mod settings;
pub mod signing_in;
pub mod tls;
mod trend;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::store::ports::WebPlan;

pub use error::WebError;
pub use routes::app;
pub use settings::{Listen, DEFAULT_LISTEN, SERVE_THE_HOME};

/// The web app's "now": given by whoever starts it (the wall clock from
/// `main`, the fixture's clock in tests), never read below `main`.
pub type WallClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every request shares: the plan (opened when first needed, and again
/// after it could not be), and the clock.
#[derive(Clone)]
pub struct AppState {
    plan_path: PathBuf,
    plan: Arc<Mutex<Option<Box<dyn WebPlan>>>>,
    clock: WallClock,
    /// Cookies marked `Secure` (only when served over HTTPS).
    secure_cookies: bool,
    /// The sayso program, run to draw a set's preview with the kiosk's own
    /// screens (a process of its own: a picture that upsets the renderer
    /// cannot take the web app down with it).
    preview_program: PathBuf,
    /// Where people's phones can reach this server, for the links it gives.
    reach: Reach,
    /// The home file of the machine it runs on, if any: how each person
    /// sees the screens, for previews drawn as they would see them.
    home_file: Option<PathBuf>,
    /// Passphrases are checked here, away from the plan's lock.
    passphrases: signing_in::PassphraseChecker,
    /// Client addresses that keep getting passphrases wrong.
    address_waits: signing_in::AddressWaits,
    /// Kiosks whose staff screens keep being given wrong PINs.
    kiosk_pin_waits: signing_in::KioskPinWaits,
    /// Names that keep being given wrong passphrases.
    name_delays: signing_in::NameDelays,
    /// Uploads worked on one at a time.
    heavy_work: heavy::HeavyWork,
    /// The SHA-256 of the HTTPS certificate's key, which kiosks pin when
    /// they pair (`None`: not serving HTTPS, so no kiosk can pair).
    hub_key: Option<String>,
}

/// Where people's phones can reach the web app: what its invitation and
/// set-up links are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Listening on this machine's own address only (the default): a phone
    /// cannot open its links, and the page says so.
    ThisMachineOnly { url: String },
    /// Listening on the home's network, at this address for people.
    Network { url: String },
}

impl Reach {
    /// How `serving` is reached, listening on `address`.
    pub fn of(serving: &Serving, address: SocketAddr) -> Reach {
        if address.ip().is_loopback() {
            Reach::ThisMachineOnly {
                url: serving.url.clone(),
            }
        } else {
            Reach::Network {
                url: serving.for_people(tls::host_name().as_deref()),
            }
        }
    }
}

impl AppState {
    pub fn new(plan_path: PathBuf, clock: WallClock) -> AppState {
        AppState {
            plan_path,
            plan: Arc::new(Mutex::new(None)),
            clock,
            secure_cookies: false,
            preview_program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("sayso")),
            reach: Reach::ThisMachineOnly {
                url: format!("http://{DEFAULT_LISTEN}"),
            },
            home_file: None,
            passphrases: signing_in::PassphraseChecker::start(),
            address_waits: signing_in::AddressWaits::default(),
            kiosk_pin_waits: signing_in::KioskPinWaits::default(),
            name_delays: signing_in::NameDelays::default(),
            heavy_work: heavy::HeavyWork::default(),
            hub_key: None,
        }
    }

    /// Previews drawn as the people of this home file see the screens.
    pub fn with_home_file(mut self, home_file: PathBuf) -> AppState {
        self.home_file = Some(home_file);
        self
    }

    /// This machine's home file, which the hub gives its kiosks.
    pub fn home_file(&self) -> Option<&std::path::Path> {
        self.home_file.as_deref()
    }

    /// How a person sees the screens, as far as this machine's home file
    /// says (the standard display without one).
    pub fn display_of(&self, person: &crate::core::PersonId) -> crate::core::Display {
        self.home_file
            .as_deref()
            .map(|home| crate::library::home::display_of(home, person))
            .unwrap_or_default()
    }

    /// Links given as reachable this way.
    pub fn with_reach(mut self, reach: Reach) -> AppState {
        self.reach = reach;
        self
    }

    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    /// Kiosks pair with this app as the home's hub, which shows this key.
    pub fn with_hub_key(mut self, key: String) -> AppState {
        self.hub_key = Some(key);
        self
    }

    pub fn hub_key(&self) -> Option<&str> {
        self.hub_key.as_deref()
    }

    /// Previews drawn by this program (the tests' `sayso`).
    pub fn with_preview_program(mut self, program: PathBuf) -> AppState {
        self.preview_program = program;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    fn passphrases(&self) -> &signing_in::PassphraseChecker {
        &self.passphrases
    }

    fn address_waits(&self) -> &signing_in::AddressWaits {
        &self.address_waits
    }

    fn kiosk_pin_waits(&self) -> &signing_in::KioskPinWaits {
        &self.kiosk_pin_waits
    }

    fn name_delays(&self) -> &signing_in::NameDelays {
        &self.name_delays
    }

    /// Runs `work` with the plan, off the async threads (SQLite blocks, and
    /// waits while a kiosk's sync holds the plan's lock).
    ///
    /// `work` answers with what the page needs or why it cannot be had: a
    /// plan that failed, or a refusal (not found, not allowed).
    pub async fn with_plan<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn WebPlan) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let plan = self.plan.clone();
        let path = self.plan_path.clone();
        tokio::task::spawn_blocking(move || {
            let mut slot = plan.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if slot.is_none() {
                let busy = std::time::Duration::from_secs(10);
                let opened = crate::store::open_plan_file(&path, false, busy)?;
                *slot = Some(Box::new(opened));
            }
            let result = work(slot.as_deref_mut().expect("opened above"));
            if matches!(result, Err(WebError::Plan(_))) {
                // Opened afresh next time: the file may have been mended,
                // replaced or set aside meanwhile.
                *slot = None;
            }
            result
        })
        .await
        .map_err(|_| WebError::Internal)?
    }
}

/// Where the web app answers, once it is listening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serving {
    pub url: String,
    /// The certificate's SHA-256 fingerprint, for staff to check in the
    /// browser (HTTPS only).
    pub fingerprint: Option<String>,
    /// Its key's, which kiosks pin when they pair (HTTPS only).
    pub key_fingerprint: Option<String>,
}

impl Serving {
    /// The address to give people: on every address of this machine
    /// (0.0.0.0), its name on the home's network (`name.local`) instead.
    pub fn for_people(&self, host_name: Option<&str>) -> String {
        let Some(name) = host_name else {
            return self.url.clone();
        };
        ["0.0.0.0", "[::]"]
            .iter()
            .find(|any| self.url.contains(&format!("://{any}:")))
            .map_or_else(
                || self.url.clone(),
                |any| self.url.replacen(any, &format!("{name}.local"), 1),
            )
    }
}

/// A listening socket, and the certificate it answers with over HTTPS.
struct Bound {
    listener: std::net::TcpListener,
    certificate: Option<tls::Certificate>,
}

/// Listens as `listen` says (with the self-made certificate in `data_dir`
/// when it is HTTPS and none is given): any problem is found here, before
/// anything runs.
fn bind(
    data_dir: &std::path::Path,
    listen: Listen,
    today: chrono::NaiveDate,
) -> anyhow::Result<(Bound, Serving)> {
    let certificate = if listen.uses_https() {
        Some(match listen.certificate {
            Some((cert, key)) => tls::given_certificate(cert, key)?,
            None => tls::own_certificate(data_dir, listen.address.ip(), today)?,
        })
    } else {
        None
    };
    let listener = std::net::TcpListener::bind(listen.address)
        .with_context(|| format!("cannot listen on {}", listen.address))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let scheme = if certificate.is_some() {
        "https"
    } else {
        "http"
    };
    let serving = Serving {
        url: format!("{scheme}://{address}/"),
        fingerprint: certificate.as_ref().map(|c| c.fingerprint.clone()),
        key_fingerprint: certificate.as_ref().map(|c| c.key_fingerprint.clone()),
    };
    Ok((
        Bound {
            listener,
            certificate,
        },
        serving,
    ))
}

/// Answers on `bound` until `stop` ends.
async fn run(
    bound: Bound,
    reach: Reach,
    (plan, data_dir): (PathBuf, PathBuf),
    clock: WallClock,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut state = AppState::new(plan, clock)
        .with_reach(reach)
        .with_home_file(data_dir.join(crate::library::home::HOME_FILE));
    state.secure_cookies = bound.certificate.is_some();
    if let Some(certificate) = &bound.certificate {
        state = state.with_hub_key(certificate.key_fingerprint.clone());
    }
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopping.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    let Some(certificate) = bound.certificate else {
        let mut server = axum_server::from_tcp(bound.listener)?
            .handle(handle)
            .first_request_timeout(plain_http::FIRST_REQUEST_WITHIN);
        server
            .http_builder()
            .http1()
            .header_read_timeout(plain_http::HEADERS_WITHIN);
        return server.serve(app).await.context("the web server stopped");
    };
    // One TLS implementation in the build (ring), chosen here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config =
        axum_server::tls_rustls::RustlsConfig::from_pem_file(&certificate.cert, &certificate.key)
            .await
            .with_context(|| {
                format!("cannot use the certificate {}", certificate.cert.display())
            })?;
    // Plain HTTP to this port is answered before TLS, with a way to HTTPS.
    let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config)
        .acceptor(plain_http::RedirectPlainHttp);
    let mut server = axum_server::from_tcp(bound.listener)?
        .acceptor(acceptor)
        .handle(handle)
        .first_request_timeout(plain_http::FIRST_REQUEST_WITHIN);
    server
        .http_builder()
        .http1()
        .header_read_timeout(plain_http::HEADERS_WITHIN);
    server.serve(app).await.context("the web server stopped")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the web server's runtime")
}

/// Serves the web app until Ctrl+C (or SIGTERM), over `plan`, with the
/// self-made certificate in the kiosk's `data_dir`.
pub fn serve(
    plan: PathBuf,
    data_dir: PathBuf,
    listen: Listen,
    clock: WallClock,
) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let (bound, serving) = bind(&data_dir, listen, clock().date_naive())?;
    // Said to whoever started it; a closed output (a pipe read once) must
    // not stop the server.
    let say = |line: String| {
        use std::io::Write;
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    };
    say(format!("sayso web app on {} (Ctrl+C to stop)", serving.url));
    if let Some(fingerprint) = &serving.fingerprint {
        say(format!("certificate fingerprint (SHA-256): {fingerprint}"));
    }
    if let Some(key) = &serving.key_fingerprint {
        say(format!(
            "hub key (a kiosk shows the same words when it pairs): {}",
            crate::sync::hub::pinning::fingerprint_words(key)
        ));
    }
    let reach = Reach::of(&serving, bound.listener.local_addr()?);
    if let Reach::ThisMachineOnly { .. } = reach {
        say(format!(
            "This machine only: phones cannot open its links. To serve the home's \
             network: {SERVE_THE_HOME}"
        ));
    }
    tracing::info!(url = %serving.url, "web app listening");
    runtime.block_on(run(bound, reach, (plan, data_dir), clock, async {
        let _ = tokio::signal::ctrl_c().await;
    }))
}

/// Serves the web app on a thread of its own until [`Background::stop`]
/// (or for as long as the process runs). The kiosk's own signals are left
/// alone.
pub fn serve_in_background(
    plan: PathBuf,
    data_dir: PathBuf,
    listen: Listen,
    clock: WallClock,
) -> anyhow::Result<Background> {
    let runtime = runtime()?;
    let (bound, serving) = bind(&data_dir, listen, clock().date_naive())?;
    let reach = Reach::of(&serving, bound.listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("web".into())
        .spawn(move || {
            let stop = async {
                let _ = stopped.await;
            };
            if let Err(e) = runtime.block_on(run(bound, reach, (plan, data_dir), clock, stop)) {
                tracing::error!("the staff web app stopped: {e:#}");
            }
        })
        .context("no thread for the web app")?;
    tracing::info!(url = %serving.url, "web app listening");
    Ok(Background {
        serving,
        stop: Some(stop),
    })
}

/// The web app running beside the kiosk.
pub struct Background {
    pub serving: Serving,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Background {
    /// Stops listening; requests under way finish first.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Dropped, it goes on serving (for as long as the process runs).
impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            std::mem::forget(stop);
        }
    }
}

/// The staff web app on the kiosk: on when `web.toml` says so, and turned
/// on or off from the kiosk's staff screen, which `web.toml` then remembers.
pub struct KioskWebApp {
    plan: PathBuf,
    data_dir: PathBuf,
    clock: WallClock,
    running: Option<Background>,
}

impl KioskWebApp {
    pub fn new(plan: PathBuf, data_dir: PathBuf, clock: WallClock) -> KioskWebApp {
        KioskWebApp {
            plan,
            data_dir,
            clock,
            running: None,
        }
    }

    fn settings_file(&self) -> PathBuf {
        self.data_dir.join(settings::WEB_FILE)
    }

    /// Serves if `web.toml` turns it on: the address to give people.
    pub fn start_if_enabled(&mut self) -> anyhow::Result<Option<String>> {
        let settings = settings::WebSettings::load(&self.settings_file())?;
        if !settings.enabled {
            return Ok(None);
        }
        self.serve(&settings).map(Some)
    }

    fn serve(&mut self, settings: &settings::WebSettings) -> anyhow::Result<String> {
        let running = serve_in_background(
            self.plan.clone(),
            self.data_dir.clone(),
            settings.listen(),
            self.clock.clone(),
        )?;
        tracing::info!(url = %running.serving.url, "staff web app served by the kiosk");
        let address = running.serving.for_people(tls::host_name().as_deref());
        self.running = Some(running);
        Ok(address)
    }
}

impl crate::kiosk::StaffPages for KioskWebApp {
    /// Turned on at the kiosk, it is for the home's network (over HTTPS):
    /// on every address unless `web.toml` names one.
    fn turn_on(&mut self) -> anyhow::Result<String> {
        let mut settings = settings::WebSettings::load(&self.settings_file())?;
        if settings.listen.ip().is_loopback() {
            settings
                .listen
                .set_ip(std::net::Ipv4Addr::UNSPECIFIED.into());
        }
        settings.enabled = true;
        let address = self.serve(&settings)?;
        settings.save(&self.settings_file())?;
        Ok(address)
    }

    fn network_problem(&self) -> Option<String> {
        network::network_problem()
    }

    fn turn_off(&mut self) -> anyhow::Result<()> {
        if let Some(running) = self.running.take() {
            running.stop();
        }
        let mut settings = settings::WebSettings::load(&self.settings_file())?;
        settings.enabled = false;
        settings.save(&self.settings_file())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_are_given_the_machines_name_not_every_address() {
        let serving = |url: &str| Serving {
            url: url.into(),
            fingerprint: None,
            key_fingerprint: None,
        };
        assert_eq!(
            serving("https://0.0.0.0:8470/").for_people(Some("kiosk")),
            "https://kiosk.local:8470/"
        );
        assert_eq!(
            serving("https://[::]:8470/").for_people(Some("kiosk")),
            "https://kiosk.local:8470/"
        );
        assert_eq!(
            serving("https://192.168.1.20:8470/").for_people(Some("kiosk")),
            "https://192.168.1.20:8470/"
        );
        assert_eq!(
            serving("https://0.0.0.0:8470/").for_people(None),
            "https://0.0.0.0:8470/"
        );
    }
}
