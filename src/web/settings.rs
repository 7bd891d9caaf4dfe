//! `web.toml` in the data directory: whether the kiosk serves the staff web
//! app itself, and where. Without the file, or with `enabled = false`,
//! nothing listens.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file name inside the data directory.
pub const WEB_FILE: &str = "web.toml";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSettings {
    /// Off unless staff turn it on.
    pub enabled: bool,
    /// This machine only, unless another address is given (and then HTTPS).
    pub listen: SocketAddr,
    /// HTTPS on this machine's own address too.
    pub https: bool,
    /// A certificate and its key of the organisation's; else one is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
}

impl Default for WebSettings {
    fn default() -> WebSettings {
        WebSettings {
            enabled: false,
            listen: DEFAULT_LISTEN.parse().expect("a socket address"),
            https: false,
            certificate: None,
            key: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the web app settings {path} cannot be used: {reason}")]
pub struct WebFileError {
    pub path: String,
    pub reason: String,
}

impl WebSettings {
    /// The settings in `path`; a missing file is the defaults (off).
    pub fn load(path: &Path) -> Result<WebSettings, WebFileError> {
        let error = |reason: String| WebFileError {
            path: path.display().to_string(),
            reason,
        };
        let settings: WebSettings = match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| error(e.to_string().trim().to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(WebSettings::default()),
            Err(e) => return Err(error(e.to_string())),
        };
        if settings.certificate.is_some() != settings.key.is_some() {
            return Err(error(
                "give both `certificate` and `key`, or neither".to_string(),
            ));
        }
        Ok(settings)
    }

    /// Writes the settings to `path` whole or not at all (a new file put in
    /// place of the old).
    pub fn save(&self, path: &Path) -> Result<(), WebFileError> {
        let error = |reason: String| WebFileError {
            path: path.display().to_string(),
            reason,
        };
        let text = toml::to_string(self).map_err(|e| error(e.to_string()))?;
        let text = format!(
            "# The staff web app on this kiosk (turned on or off on its staff screen).\n{text}"
        );
        let partial = path.with_extension("toml.partial");
        std::fs::write(&partial, text)
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|e| error(e.to_string()))
    }

    pub fn listen(&self) -> Listen {
        Listen {
            address: self.listen,
            https: self.https,
            certificate: self.certificate.clone().zip(self.key.clone()),
        }
    }
}

/// The address `sayso serve` listens on unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8470";

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

/// What to run so that phones in the home can open the web app's links.
pub const SERVE_THE_HOME: &str = "sayso serve --listen 0.0.0.0:8470";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_file_nothing_listens_and_a_bad_file_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(WEB_FILE);
        assert!(!WebSettings::load(&path).unwrap().enabled);

        std::fs::write(&path, "enabled = true\nlisten = \"0.0.0.0:8443\"\n").unwrap();
        let settings = WebSettings::load(&path).unwrap();
        assert!(settings.enabled);
        assert!(settings.listen().uses_https(), "beyond this machine: HTTPS");

        std::fs::write(&path, "enabled = true\nlisten = \"everywhere\"\n").unwrap();
        let error = WebSettings::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("web.toml") && error.contains("listen"),
            "{error}"
        );

        std::fs::write(
            &path,
            "enabled = true\ncertificate = \"/etc/ssl/home.pem\"\n",
        )
        .unwrap();
        let error = WebSettings::load(&path).unwrap_err().to_string();
        assert!(error.contains("both `certificate` and `key`"), "{error}");
    }
}
