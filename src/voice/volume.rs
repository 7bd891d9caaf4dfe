//! How loud the kiosk speaks: a volume, and a quieter one for the night, from
//! `voice.toml` in the data directory. Pure: the time of day comes in.
//!
//! ```toml
//! volume = 80              # 0..100
//! [quiet_hours]
//! from = "21:00"
//! to = "07:00"
//! volume = 30
//! ```

use std::path::Path;

use chrono::NaiveTime;
use serde::Deserialize;

/// The file name inside the data directory.
pub const VOICE_FILE: &str = "voice.toml";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VolumeSettings {
    /// 0 (silent) to 100 (full).
    pub volume: u8,
    pub quiet_hours: Option<QuietHours>,
    /// Auditory-scanning cues, in percent of the volume at the time: quieter
    /// than full speech, so the person hears which is a cue and which is an
    /// answer.
    pub cue_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    #[serde(deserialize_with = "clock_time")]
    pub from: NaiveTime,
    #[serde(deserialize_with = "clock_time")]
    pub to: NaiveTime,
    pub volume: u8,
}

/// "21:00" (or "21:00:00").
fn clock_time<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    NaiveTime::parse_from_str(&text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a time like \"21:00\"")))
}

impl Default for VolumeSettings {
    fn default() -> Self {
        VolumeSettings {
            volume: 80,
            quiet_hours: None,
            cue_percent: 70,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VoiceFileError {
    #[error("cannot read {path}: {cause}")]
    Read {
        path: std::path::PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Invalid {
        path: std::path::PathBuf,
        reason: String,
    },
}

impl VolumeSettings {
    /// The settings in `path`, or the defaults when there is no such file.
    pub fn load(path: &Path) -> Result<VolumeSettings, VoiceFileError> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| VoiceFileError::Invalid {
                path: path.to_path_buf(),
                reason: e.to_string().trim().to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(VolumeSettings::default()),
            Err(source) => Err(VoiceFileError::Read {
                path: path.to_path_buf(),
                cause: source,
            }),
        }
    }

    /// How loud a scanning cue is when speech is at `volume`.
    pub fn cue_volume(&self, volume: u8) -> u8 {
        let percent = u16::from(self.cue_percent.min(100));
        (u16::from(volume) * percent / 100) as u8
    }

    /// The volume (0..100) at this local time of day. Quiet hours may run
    /// past midnight ("21:00" to "07:00").
    pub fn volume_at(&self, time: NaiveTime) -> u8 {
        let volume = match &self.quiet_hours {
            Some(quiet) if quiet.contains(time) => quiet.volume,
            _ => self.volume,
        };
        volume.min(100)
    }

    /// For staff: a device set to silence helps nobody.
    pub fn warning(&self) -> Option<String> {
        if self.volume == 0 {
            Some("The volume is 0: the person cannot be heard".into())
        } else if self.quiet_hours.as_ref().is_some_and(|q| q.volume == 0) {
            Some("The quiet-hours volume is 0: the person cannot be heard at night".into())
        } else {
            None
        }
    }
}

impl QuietHours {
    fn contains(&self, time: NaiveTime) -> bool {
        if self.from <= self.to {
            self.from <= time && time < self.to
        } else {
            time >= self.from || time < self.to
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn settings() -> VolumeSettings {
        toml::from_str(
            "volume = 80\n[quiet_hours]\nfrom = \"21:00\"\nto = \"07:00\"\nvolume = 30\n",
        )
        .unwrap()
    }

    #[test]
    fn quiet_hours_run_past_midnight() {
        let s = settings();
        assert_eq!(s.volume_at(at(20, 59)), 80);
        assert_eq!(s.volume_at(at(21, 0)), 30);
        assert_eq!(s.volume_at(at(3, 0)), 30);
        assert_eq!(s.volume_at(at(7, 0)), 80);
        assert_eq!(s.volume_at(at(12, 0)), 80);
    }

    #[test]
    fn daytime_quiet_hours_work_too_and_no_quiet_hours_is_one_volume() {
        let nap: VolumeSettings = toml::from_str(
            "volume = 70\n[quiet_hours]\nfrom = \"13:00:00\"\nto = \"14:30:00\"\nvolume = 20\n",
        )
        .unwrap();
        assert_eq!(
            (
                nap.volume_at(at(12, 59)),
                nap.volume_at(at(13, 30)),
                nap.volume_at(at(14, 30))
            ),
            (70, 20, 70)
        );
        assert_eq!(VolumeSettings::default().volume_at(at(3, 0)), 80);
    }

    #[test]
    fn a_time_that_is_not_a_time_says_so() {
        let error = toml::from_str::<VolumeSettings>(
            "[quiet_hours]\nfrom = \"9pm\"\nto = \"07:00\"\nvolume = 3\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("\"9pm\" is not a time"), "{error}");
    }

    #[test]
    fn cues_are_a_share_of_the_volume_at_the_time() {
        let settings = VolumeSettings::default();
        assert_eq!(settings.cue_volume(80), 56);
        assert_eq!(settings.cue_volume(0), 0);
        let louder = VolumeSettings {
            cue_percent: 250,
            ..VolumeSettings::default()
        };
        assert_eq!(louder.cue_volume(80), 80, "never louder than speech");
    }

    #[test]
    fn a_silent_setting_is_a_warning_for_staff() {
        assert_eq!(settings().warning(), None);
        let silent = VolumeSettings {
            volume: 0,
            ..VolumeSettings::default()
        };
        assert!(silent.warning().unwrap().contains("cannot be heard"));
        let mut silent_nights = settings();
        silent_nights.quiet_hours.as_mut().unwrap().volume = 0;
        assert!(silent_nights.warning().unwrap().contains("at night"));
    }
}
