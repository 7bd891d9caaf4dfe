//! Whether the kiosk has anything a person can use, when it draws straight
//! on the screen (no desktop): touch screens, keyboards and USB switch
//! interfaces all appear as `/dev/input/event*`. With none, or none the
//! kiosk may read, the people screen shows but nobody can answer: staff and
//! the journal are told what to check.

use std::path::Path;

/// Where the kernel lists input devices.
pub const INPUT_DIR: &str = "/dev/input";

/// What is wrong with the input devices in `dir`, for staff; `None` when at
/// least one can be read.
pub fn input_problem(dir: &Path) -> Option<String> {
    let devices: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("event"))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    if devices.is_empty() {
        return Some(
            "No touch screen, keys or switches were found: plug one in \
             (a touch screen's cable, a USB keyboard or switch interface). \
             The kiosk picks it up when it appears."
                .to_string(),
        );
    }
    let readable = devices
        .iter()
        .any(|device| std::fs::File::open(device).is_ok());
    (!readable).then(|| {
        format!(
            "{} input devices were found, but the kiosk may read none of them: \
             the sayso user must be in the input group (the package does this; \
             check /etc/group).",
            devices.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_input_device_is_told_and_one_that_can_be_read_is_enough() {
        let dir = tempfile::tempdir().unwrap();
        let told = input_problem(dir.path()).expect("an empty /dev/input is a problem");
        assert!(told.contains("No touch screen"), "{told}");
        std::fs::write(dir.path().join("mice"), "").unwrap();
        assert!(
            input_problem(dir.path()).is_some(),
            "only event devices count"
        );
        std::fs::write(dir.path().join("event0"), "").unwrap();
        assert_eq!(input_problem(dir.path()), None);
    }

    #[test]
    fn a_missing_input_folder_is_the_same_as_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(input_problem(&dir.path().join("input")).is_some());
    }
}
