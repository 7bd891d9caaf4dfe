//! How a person gives input, from `access.toml` in the data directory.
//! Every field is optional; see `docs/hardware.md` for what each one means.
//!
//! ```toml
//! method = "auto-scanning"      # "direct", "step-scanning" or "auto-scanning"
//! auditory_scanning = true      # say each choice as the highlight reaches it
//!
//! [scan]                        # auto-scanning only
//! rate_ms = 1500
//! loops_before_pause = 3
//! start = "on-press"            # or "automatically"
//!
//! [buttons]                     # the timing filter for GPIO buttons
//! debounce_ms = 20
//! acceptance_ms = 60
//! post_acceptance_ms = 250
//! long_hold_ms = 2000
//! stuck_after_ms = 10000
//!
//! [pins]                        # replaces the default pin map
//! 17 = "point-1"
//! 23 = "switch-1"
//!
//! [leds]                        # a light per button, if wired
//! 5 = "point-1"
//!
//! [keys]                        # changes single keys of the default key map
//! 6 = "point-1"
//!
//! key_filter = true             # keys go through a timing filter (the default)
//! answer_after_ms = 600         # a card is on screen this long before it can be answered
//!
//! [key_timing]                  # the keys' own timing filter, instead of the default
//! acceptance_ms = 100
//! ```

use std::path::Path;

use serde::Deserialize;

use super::filter::TimingSettings;
use super::gpio::PinMap;
use super::keys::KeyMap;
use super::scan::AutoScanSettings;

/// The file name inside the data directory.
pub const ACCESS_FILE: &str = "access.toml";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessMethod {
    /// A button (or key, or tap) per scale point.
    #[default]
    Direct,
    /// Two switches: one moves the highlight, the other chooses.
    StepScanning,
    /// One switch: the highlight moves by itself, the switch chooses.
    AutoScanning,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccessSettings {
    pub method: AccessMethod,
    pub auditory_scanning: bool,
    pub scan: AutoScanSettings,
    pub buttons: TimingSettings,
    pub pins: PinMap,
    /// Lights, one per button: which output pin lights which role. None by default.
    pub leds: Option<PinMap>,
    /// Changes to the default key map.
    pub keys: KeyMap,
    /// Keys (a keyboard, a USB switch interface) go through a timing filter,
    /// so a bounce or a double tap is one press. On by default.
    pub key_filter: bool,
    /// The keys' timing filter, when it should differ from [`KEY_TIMING`].
    pub key_timing: Option<TimingSettings>,
    /// How long a card (or the finished mat's review) is on screen before a
    /// press can answer it: a press earlier than that cannot have been an
    /// answer to it, and is recorded as ignored.
    pub answer_after_ms: u64,
}

/// The keys' timing filter by default: a pause after each press that
/// counts, so a bouncing switch interface or a double tap makes one press.
/// No debounce (keyboards and switch interfaces do their own), no
/// acceptance time and no long hold, so a quick tap counts, on release.
pub const KEY_TIMING: TimingSettings = TimingSettings {
    debounce_ms: 0,
    acceptance_ms: 0,
    post_acceptance_ms: 200,
    long_hold_ms: None,
    stuck_after_ms: 10_000,
};

/// See [`AccessSettings::answer_after_ms`].
pub const ANSWER_AFTER_MS: u64 = 600;

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            method: AccessMethod::default(),
            auditory_scanning: false,
            scan: AutoScanSettings::default(),
            buttons: TimingSettings::default(),
            pins: PinMap::default(),
            leds: None,
            keys: KeyMap::default(),
            key_filter: true,
            key_timing: None,
            answer_after_ms: ANSWER_AFTER_MS,
        }
    }
}

impl AccessSettings {
    /// The timing filter keys go through, if any.
    pub fn key_timing(&self) -> Option<TimingSettings> {
        self.key_filter
            .then(|| self.key_timing.unwrap_or(KEY_TIMING))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}; using the default access settings")]
pub struct AccessFileError {
    pub path: String,
    pub reason: String,
}

impl AccessSettings {
    /// The settings in `path`, or the defaults when there is no such file.
    pub fn load(path: &Path) -> Result<AccessSettings, AccessFileError> {
        let error = |reason: String| AccessFileError {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| error(e.to_string().trim().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AccessSettings::default()),
            Err(e) => Err(error(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::scan::ScanStart;

    #[test]
    fn a_partial_file_keeps_the_defaults_for_the_rest() {
        let settings: AccessSettings =
            toml::from_str("method = \"auto-scanning\"\n[scan]\nrate_ms = 900\nloops_before_pause = 2\nstart = \"automatically\"\n")
                .unwrap();
        assert_eq!(settings.method, AccessMethod::AutoScanning);
        assert_eq!(
            settings.scan,
            AutoScanSettings {
                rate_ms: 900,
                loops_before_pause: 2,
                start: ScanStart::Automatically
            }
        );
        assert_eq!(settings.buttons, TimingSettings::default());
        assert!(!settings.auditory_scanning);
    }

    #[test]
    fn pins_can_be_rewired() {
        let settings: AccessSettings = toml::from_str("[pins]\n4 = \"switch-2\"\n").unwrap();
        assert_eq!(
            settings.pins.pins,
            [(4, crate::access::gpio::Role::Switch2)]
        );
        let error = toml::from_str::<AccessSettings>("[pins]\n4 = \"jump\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("jump"), "{error}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_a_broken_one_says_where() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            AccessSettings::load(&dir.path().join(ACCESS_FILE)).unwrap(),
            AccessSettings::default()
        );
        std::fs::write(dir.path().join(ACCESS_FILE), "method = \"telepathy\"\n").unwrap();
        let error = AccessSettings::load(&dir.path().join(ACCESS_FILE))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("access.toml") && error.contains("telepathy"),
            "{error}"
        );
    }

    #[test]
    fn a_scan_section_may_give_only_some_settings() {
        let settings: AccessSettings =
            toml::from_str("method = \"auto-scanning\"\n[scan]\nrate_ms = 2000\n").unwrap();
        assert_eq!(settings.scan.rate_ms, 2000);
        assert_eq!(
            settings.scan.loops_before_pause,
            AutoScanSettings::default().loops_before_pause
        );
    }
}
