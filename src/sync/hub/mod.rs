//! A kiosk and its home's hub (`sayso serve`): pairing once with a code
//! staff make, then every sync over HTTPS to the hub's API, the hub's key
//! pinned. The hub alone opens the support plan.

mod client;
mod link;
pub mod pinning;
pub mod received;
pub mod wire;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub use client::HubPlan;
pub use link::{HubLink, PairError, HUB_FILE};
use wire::{PairAnswer, PairRequest, API};

use super::join::JoinError;
use super::SyncReport;
use crate::store::{Journal, StoreError};

fn https_url(url: &str) -> Result<String, PairError> {
    let url = url.trim().trim_end_matches('/').to_string();
    if !url.starts_with("https://") {
        return Err(PairError::NotHttps);
    }
    Ok(url)
}

/// The key the hub at `url` shows, before anything is given to it: for
/// staff to compare its words with the hub's Kiosks page.
pub fn read_key(url: &str) -> Result<String, PairError> {
    let url = https_url(url)?;
    let (http, seen) = client::pinned_client(None)?;
    let asked = http.get(format!("{url}{API}/")).send();
    let key = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match (key, asked) {
        // Whatever the hub answers: its key was shown in the handshake.
        (Some(key), _) => Ok(key),
        (None, Err(e)) => Err(StoreError::HubUnreachable {
            url,
            cause: client::without_url(&e),
        }
        .into()),
        (None, Ok(_)) => Err(StoreError::HubAnswer {
            url,
            said: "it showed no key".into(),
        }
        .into()),
    }
}

/// Pairs the kiosk `device_id` with the hub at `url` using `code`: the
/// key the hub shows now is the one trusted from then on. With
/// `expected_key`, the code goes to a hub showing that key only.
pub fn pair(
    url: &str,
    code: &str,
    device_id: &str,
    expected_key: Option<&str>,
) -> Result<HubLink, PairError> {
    let url = https_url(url)?;
    let (http, seen) = client::pinned_client(expected_key.map(str::to_string))?;
    let request = PairRequest {
        code: code.to_string(),
        device_id: device_id.to_string(),
    };
    let response = http.post(format!("{url}{API}/pair")).json(&request).send();
    let key = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let response = match (response, expected_key) {
        (Ok(response), _) => response,
        (Err(_), Some(expected)) if key.as_deref().is_some_and(|key| key != expected) => {
            return Err(StoreError::HubCertificate { url }.into())
        }
        (Err(e), _) => {
            return Err(StoreError::HubUnreachable {
                url,
                cause: client::without_url(&e),
            }
            .into())
        }
    };
    let response = match client::answered(response, &url) {
        Ok(response) => response,
        Err(StoreError::HubAnswer { said, .. }) => {
            // The hub's words, without the HTTP status before them.
            let words = said
                .split_once(": ")
                .map_or(said.as_str(), |(_, words)| words);
            return Err(PairError::Refused(words.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let answer: PairAnswer = response.json().map_err(|e| StoreError::HubAnswer {
        url: url.clone(),
        said: e.to_string(),
    })?;
    Ok(HubLink {
        url,
        token: answer.token,
        key: key.unwrap_or_default(),
    })
}

/// A kiosk that joined its home's hub: the hub, where it is kept, and
/// what of this kiosk's history was brought to it.
pub struct Joined {
    pub hub: HubLink,
    pub saved: PathBuf,
    pub report: SyncReport,
}

/// Pairs the kiosk whose journal is `journal` with the hub at `url`, then
/// brings its history there, exactly once, and keeps the hub in
/// `data_dir`. A kiosk whose people do not match the hub's by id is not
/// kept paired: nothing of it is sent.
pub fn join_home(
    data_dir: &Path,
    journal: &Journal,
    url: &str,
    code: &str,
    expected_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Joined, JoinHomeError> {
    let hub = pair(url, code, journal.device_id(), expected_key)?;
    let mut plan = HubPlan::connect(hub.clone())?;
    let joined = match super::join(journal, &mut plan, now) {
        Err(mismatch @ JoinError::PersonMismatch { .. }) => {
            return Err(JoinHomeError::People(mismatch))
        }
        joined => joined,
    };
    let saved = hub.save(data_dir)?;
    let report = joined.map_err(|e| JoinHomeError::History {
        saved: saved.clone(),
        cause: e,
    })?;
    Ok(Joined { hub, saved, report })
}

/// Why a kiosk did not join its home's hub, in words for staff.
#[derive(Debug, thiserror::Error)]
pub enum JoinHomeError {
    #[error(transparent)]
    Pair(#[from] PairError),
    #[error(
        "{0}. This kiosk was not kept paired: staff revoke it on the hub's Kiosks page, and it \
         pairs again with a new code"
    )]
    People(JoinError),
    /// Paired and kept; its history comes with the next sync.
    #[error("paired (kept in {saved}), but this kiosk's history is not all there yet: {cause}")]
    History { saved: PathBuf, cause: JoinError },
}

impl From<StoreError> for JoinHomeError {
    fn from(e: StoreError) -> Self {
        JoinHomeError::Pair(e.into())
    }
}
