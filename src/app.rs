//! The wiring of one running kiosk: the kiosk shell with its voice and
//! clock, the GPIO buttons and their lights, the staff web app beside it,
//! the machine's power, and the screen; and what the kiosk shows when it
//! cannot start.

use std::path::Path;

use anyhow::Context;

use sayso::access::gpio::{ButtonPanel, PinSource, RppalPins};
use sayso::access::lights::{Lights, RppalLights};
use sayso::clock::{Clock, SystemClock};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::library::load_set;
use sayso::voice::Speaker;

/// Runs the kiosk until its window closes.
pub fn run_kiosk(paths: &KioskPaths) -> anyhow::Result<()> {
    return_large_allocations_at_once();
    let opened = Kiosk::open(
        paths.clone(),
        Box::new(Speaker::start()),
        Box::new(SystemClock::new()),
    );
    let mut kiosk = match opened {
        Ok(kiosk) => kiosk,
        Err(e) => return cannot_start(&e, &paths.set),
    };
    attach_lights(&mut kiosk);
    let buttons = open_buttons(&mut kiosk);
    serve_staff_pages(&mut kiosk, paths);
    if sayso::ui::draws_without_desktop() {
        let devices = std::path::Path::new(sayso::access::devices::INPUT_DIR);
        if let Some(problem) = sayso::access::devices::input_problem(devices) {
            tracing::warn!("{problem}");
            kiosk.input(KioskInput::Problem(problem));
        }
    }
    kiosk.connect_power(Box::new(sayso::kiosk::SystemPower));
    let desktop = sayso::ui::screen::has_desktop();
    let screen_device = sayso::ui::screen::has_screen_device(&sayso::ui::screen::device_dir());
    let said_plainly = sayso::ui::screen::no_screen_said_plainly(desktop, screen_device);
    if cfg!(target_os = "linux") && !desktop && !screen_device {
        // Nowhere Slint could draw: say so rather than let it try.
        anyhow::bail!(said_plainly);
    }
    sayso::ui::run(kiosk, buttons).context(said_plainly)
}

fn attach_lights(kiosk: &mut Kiosk) {
    if let Some(leds) = kiosk.access().leds.clone() {
        match RppalLights::open(&leds.pin_numbers()) {
            Ok(outputs) => kiosk.attach_lights(Lights::new(leds, Box::new(outputs))),
            Err(e) => tracing::warn!("button lights: {e}"),
        }
    }
}

/// The GPIO buttons, where there are any; on a Pi where they cannot be
/// opened, staff are told why.
fn open_buttons(kiosk: &mut Kiosk) -> Option<(Box<dyn PinSource>, ButtonPanel)> {
    let map = kiosk.access().pins.clone();
    match RppalPins::open(&map.pin_numbers()) {
        Ok(pins) => {
            tracing::info!("GPIO buttons on pins {:?}", map.pin_numbers());
            let panel = ButtonPanel::new(map, kiosk.access().buttons);
            Some((Box::new(pins) as Box<dyn PinSource>, panel))
        }
        Err(e) => {
            let model = sayso::access::gpio::machine_model();
            match sayso::access::gpio::buttons_problem(model.as_deref(), &e) {
                Some(problem) => {
                    tracing::warn!("{e}; the kiosk runs without GPIO buttons");
                    kiosk.input(KioskInput::Problem(problem));
                }
                None => tracing::info!("{e}; the kiosk runs without GPIO buttons"),
            }
            None
        }
    }
}

/// A picture is decoded whole before it is scaled down for the screen.
/// glibc's allocator raises its threshold for handing large blocks back to
/// the system each time one is freed, so after the first few pictures those
/// megabytes stay with the kiosk for good; a fixed threshold gives them back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn return_large_allocations_at_once() {
    // SAFETY: mallopt only changes the allocator's tuning; called before the
    // kiosk starts its threads.
    let set = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024) };
    if set != 1 {
        tracing::debug!("the allocator's threshold was not changed");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_large_allocations_at_once() {}

/// The kiosk cannot start: staff see why on the screen (not a restart loop
/// behind a blank one), and the kiosk starts afresh by itself once the set
/// is mended.
fn cannot_start(problem: &anyhow::Error, set: &Path) -> anyhow::Result<()> {
    tracing::error!("the kiosk cannot start; the reason is on its screen");
    let set = set.to_path_buf();
    let mended = move || load_set(&set).is_ok_and(|loaded| !loaded.set.topics.is_empty());
    match sayso::ui::show_cannot_start(&format!("{problem:#}"), mended) {
        Ok(true) => {
            // Start again as a new process, on the mended set.
            use std::os::unix::process::CommandExt;
            let exe = std::env::current_exe()?;
            Err(std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .exec())
            .context("cannot start the kiosk again")
        }
        // Closed, or no screen to show it on either: say it here.
        Ok(false) | Err(_) => Err(anyhow::anyhow!("{problem:#}")),
    }
}

/// The staff web app beside the kiosk, when `web.toml` turns it on; staff
/// turn it on or off on the kiosk's staff screen. A problem with it is the
/// staff's to see; the person's mat goes on.
fn serve_staff_pages(kiosk: &mut Kiosk, paths: &KioskPaths) {
    use sayso::web::settings::WEB_FILE;
    let clock = SystemClock::new();
    let mut web = sayso::web::KioskWebApp::new(
        paths.plan.clone(),
        paths.data_dir.clone(),
        std::sync::Arc::new(move || clock.now().wall),
    );
    match web.start_if_enabled() {
        Ok(Some(address)) => {
            kiosk.serving_staff_pages(address);
            if let Some(problem) = sayso::kiosk::StaffPages::network_problem(&web) {
                kiosk.input(KioskInput::Problem(problem));
            }
        }
        Ok(None) => {}
        Err(e) => {
            tracing::warn!("the staff web app cannot start: {e:#}");
            kiosk.input(KioskInput::Problem(format!(
                "Staff web app not started ({WEB_FILE}): {e:#}"
            )));
        }
    }
    kiosk.connect_staff_pages(Box::new(web));
}
