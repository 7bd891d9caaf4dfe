//! Whether there is anywhere to draw the kiosk: a desktop to open a window
//! on, or a screen device to draw on without one. Asked before Slint is,
//! so a kiosk with neither says so in plain words at once.

use std::path::{Path, PathBuf};

/// Where device nodes are: `/dev`, unless `SAYSO_DEV_DIR` names another
/// folder (a machine's screens hidden, to see what the kiosk says without).
pub fn device_dir() -> PathBuf {
    std::env::var_os("SAYSO_DEV_DIR").map_or_else(|| PathBuf::from("/dev"), PathBuf::from)
}

/// A desktop session to open a window in (X11 or Wayland).
pub fn has_desktop() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// A screen the kiosk can draw on without a desktop: a DRM card
/// (`dri/card*`) or a framebuffer (`fb0`) under `dev`.
pub fn has_screen_device(dev: &Path) -> bool {
    std::fs::read_dir(dev.join("dri"))
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("card"))
        })
        .unwrap_or(false)
        || dev.join("fb0").exists()
}

/// Why the kiosk window could not open, in a sentence, before the
/// backend's own details.
pub fn no_screen_said_plainly(desktop: bool, screen_device: bool) -> String {
    match (desktop, screen_device) {
        (false, false) => "cannot show the kiosk window: there is no desktop (DISPLAY, \
             WAYLAND_DISPLAY) and no screen device (/dev/dri/card*, /dev/fb0) on this machine"
            .to_string(),
        (false, true) => "cannot show the kiosk window on the screen: is this user in the \
             video, render and input groups, with a seat (see docs/raspberry-pi.md)?"
            .to_string(),
        (true, _) => "cannot show the kiosk window".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screen_device_is_a_drm_card_or_a_framebuffer() {
        let dev = tempfile::tempdir().unwrap();
        assert!(!has_screen_device(dev.path()));
        std::fs::create_dir(dev.path().join("dri")).unwrap();
        std::fs::write(dev.path().join("dri/renderD128"), "").unwrap();
        assert!(
            !has_screen_device(dev.path()),
            "a render node draws no screen"
        );
        std::fs::write(dev.path().join("dri/card0"), "").unwrap();
        assert!(has_screen_device(dev.path()));
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("fb0"), "").unwrap();
        assert!(has_screen_device(other.path()));
    }

    #[test]
    fn each_case_without_a_window_is_said_in_its_own_words() {
        let neither = no_screen_said_plainly(false, false);
        assert!(neither.contains("no desktop") && neither.contains("no screen device"));
        let no_access = no_screen_said_plainly(false, true);
        assert!(no_access.contains("video, render and input groups"));
        assert_eq!(
            no_screen_said_plainly(true, false),
            "cannot show the kiosk window"
        );
    }
}
