//! The kiosk's side of the staff screen: what it shows, and the two ports
//! its actions reach (the staff web app, the machine's power).

use tracing::{info, warn};

use crate::core::staff_screen::{PowerAction, StaffScreen, StaffView};

/// What the staff screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffScreenView {
    pub screen: StaffView,
    /// The staff line: what is wrong, and what to do.
    pub problems: Vec<String>,
    /// The voice's volume now, 0 to 100.
    pub volume: u8,
    /// Mats started on this kiosk today.
    pub mats_today: i64,
    /// Saved on this kiosk, or in the support plan too.
    pub plan_line: String,
    /// Where the staff web app answers, if this kiosk serves it.
    pub web_address: Option<String>,
    /// This kiosk as the web app's Kiosks list shows it until it is named:
    /// the first 8 characters of its id.
    pub short_id: Option<String>,
}

/// The staff web app, turned on and off from the staff screen.
pub trait StaffPages {
    /// Starts serving (and remembers it): the address to give people.
    fn turn_on(&mut self) -> anyhow::Result<String>;
    /// Stops serving (and remembers it).
    fn turn_off(&mut self) -> anyhow::Result<()>;
    /// Why nobody else could reach it now (no network), for staff.
    fn network_problem(&self) -> Option<String> {
        None
    }
}

/// Restarting and shutting down the machine.
pub trait Power {
    fn act(&mut self, action: PowerAction) -> anyhow::Result<()>;
}

/// The machine's own: `systemctl reboot` or `poweroff`, which systemd-logind
/// allows the kiosk's user by the package's polkit rule. systemd then stops
/// the kiosk like any service, after the journal has everything.
pub struct SystemPower;

impl Power for SystemPower {
    fn act(&mut self, action: PowerAction) -> anyhow::Result<()> {
        let verb = match action {
            PowerAction::Restart => "reboot",
            PowerAction::ShutDown => "poweroff",
        };
        let output = std::process::Command::new("systemctl")
            .arg(verb)
            .output()
            .map_err(|e| anyhow::anyhow!("systemctl cannot be run: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            let said = String::from_utf8_lossy(&output.stderr);
            anyhow::bail!("systemctl {verb} failed: {}", said.trim())
        }
    }
}

/// The staff screen as this kiosk keeps it: the screen itself (behind the
/// held corner and a PIN), where the web app answers, and the ports its
/// actions reach.
#[derive(Default)]
pub(super) struct StaffSide {
    pub screen: StaffScreen,
    /// Where this kiosk serves the staff web app (`web.toml`), if it does.
    pub web_address: Option<String>,
    /// The staff web app, for the staff screen to turn on and off.
    pub pages: Option<Box<dyn StaffPages>>,
    /// Restart and shut down, where the kiosk may (on the appliance).
    pub power: Option<Box<dyn Power>>,
}

impl StaffSide {
    /// Turns the staff web app on, or off if it is on; what staff must be
    /// told, if anything.
    pub fn toggle_pages(&mut self) -> Option<String> {
        let Some(pages) = &mut self.pages else {
            return Some("The staff web app cannot be turned on from this kiosk".to_string());
        };
        if self.web_address.is_some() {
            self.web_address = None;
            info!("staff turned the web app off at the kiosk");
            return pages.turn_off().err().map(|e| {
                warn!("the staff web app was stopped, but not remembered: {e:#}");
                format!("The staff web app is off, but only until a restart: {e:#}")
            });
        }
        match pages.turn_on() {
            Ok(address) => {
                info!("staff turned the web app on at the kiosk");
                self.web_address = Some(address);
                pages.network_problem()
            }
            Err(e) => {
                warn!("the staff web app cannot start: {e:#}");
                Some(format!("The staff web app could not be turned on: {e:#}"))
            }
        }
    }

    /// Restarts or shuts down the machine; what staff must be told, if it
    /// cannot.
    pub fn act_on_power(&mut self, action: PowerAction) -> Option<String> {
        let Some(power) = &mut self.power else {
            return Some("This kiosk cannot restart or shut down the machine".to_string());
        };
        info!(?action, "staff restart or shut down the machine");
        power.act(action).err().map(|e| {
            warn!("{e:#}");
            format!("Could not restart or shut down: {e:#}")
        })
    }
}
