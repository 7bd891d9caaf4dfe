//! The kiosk as a systemd service (`Type=notify`): it says `READY=1` once
//! its screen is up, and pings the watchdog from the UI event loop, so that
//! a frozen screen (not only a dead process) gets the kiosk restarted.
//! Outside systemd (no `NOTIFY_SOCKET`) all of this does nothing.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use slint::ComponentHandle;
use tracing::{info, warn};

/// Readiness and the watchdog, for as long as it is kept.
pub struct Service {
    _watchdog: Option<slint::Timer>,
    _ready: slint::Timer,
}

/// Call before the event loop runs, with the kiosk's window.
pub fn start(window: &impl ComponentHandle) -> Service {
    let told = Rc::new(Cell::new(false));
    let under_systemd = std::env::var_os("NOTIFY_SOCKET").is_some();
    let ready = move |told: &Cell<bool>| {
        if under_systemd && !told.replace(true) {
            match sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
                Ok(()) => info!("ready: the people screen is up"),
                Err(e) => warn!("cannot tell systemd the kiosk is ready: {e}"),
            }
        }
    };
    // A GPU renderer says when its first frame is drawn; the software
    // renderer cannot, and then the first turn of the event loop with the
    // window shown is the sign.
    let after_frame = {
        let told = told.clone();
        window
            .window()
            .set_rendering_notifier(move |state, _| {
                if matches!(state, slint::RenderingState::AfterRendering) {
                    ready(&told);
                }
            })
            .is_ok()
    };
    let ready_timer = slint::Timer::default();
    if !after_frame {
        ready_timer.start(slint::TimerMode::SingleShot, Duration::ZERO, move || {
            ready(&told)
        });
    }
    Service {
        _watchdog: start_watchdog(),
        _ready: ready_timer,
    }
}

/// Pings at half the interval systemd asks for (`WATCHDOG_USEC`), from a
/// timer of the UI event loop.
fn start_watchdog() -> Option<slint::Timer> {
    let every = sd_notify::watchdog_enabled()? / 2;
    info!(
        every_ms = every.as_millis() as u64,
        "watchdog pings from the UI loop"
    );
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, every, || {
        if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]) {
            warn!("cannot ping the watchdog: {e}");
        }
    });
    #[cfg(feature = "fault-injection")]
    hang_on_request();
    Some(timer)
}

/// For tests of the watchdog: `SAYSO_FAULT_HANG_UI_AFTER_MS` makes the UI
/// thread stop for good after that long, as a frozen screen would.
#[cfg(feature = "fault-injection")]
fn hang_on_request() {
    let Some(after) = std::env::var("SAYSO_FAULT_HANG_UI_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
    else {
        return;
    };
    slint::Timer::single_shot(Duration::from_millis(after), || {
        warn!("the UI thread hangs, on purpose (a test)");
        loop {
            std::thread::park();
        }
    });
}
