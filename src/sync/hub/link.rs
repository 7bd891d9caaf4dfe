//! Where a paired kiosk keeps its hub: `hub.toml` in its data directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::pinning;
use crate::store::private_file::write_private;
use crate::store::StoreError;

/// Where a paired kiosk keeps its hub: address, token and pinned key.
pub const HUB_FILE: &str = "hub.toml";

/// The hub a kiosk is paired with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubLink {
    /// `https://HOST:PORT`
    pub url: String,
    /// What the kiosk syncs with; the hub keeps only its hash.
    pub token: String,
    /// The SHA-256 of the hub's public key ([`pinning::key_fingerprint`]).
    pub key: String,
}

/// Why a kiosk could not pair with a hub, in words for staff.
#[derive(Debug, thiserror::Error)]
pub enum PairError {
    #[error("the hub's address must start with https:// (for example https://hub.local:8470)")]
    NotHttps,
    #[error("the hub refused the code: {0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl HubLink {
    /// The hub this kiosk is paired with, if it is (`hub.toml` in `data_dir`).
    pub fn load(data_dir: &Path) -> Result<Option<HubLink>, StoreError> {
        let path = data_dir.join(HUB_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StoreError::HubFile {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::HubFile {
                path,
                reason: e.message().to_string(),
            })
    }

    /// Kept in `data_dir`, readable by this user alone (the token opens
    /// the home's plan to whoever has it).
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, PairError> {
        let path = data_dir.join(HUB_FILE);
        let text = toml::to_string(self).unwrap_or_default();
        write_private(&path, text.as_bytes()).map_err(|cause| PairError::Write {
            path: path.clone(),
            cause,
        })?;
        Ok(path)
    }

    /// The key's words, as the hub's page shows them.
    pub fn key_words(&self) -> String {
        pinning::fingerprint_words(&self.key)
    }
}
