//! A kiosk and its home's hub (`sayso serve`): pairing once with a code
//! staff make, then every sync over HTTPS to the hub's API, the hub's key
//! pinned. The hub alone opens the support plan.

mod client;
mod link;
pub mod pinning;
pub mod received;
pub mod wire;

pub use client::HubPlan;
pub use link::{HubLink, PairError, HUB_FILE};
use wire::{PairAnswer, PairRequest, API};

use crate::store::StoreError;

/// Pairs the kiosk `device_id` with the hub at `url` using `code`: the
/// key the hub shows now is the one trusted from then on.
pub fn pair(url: &str, code: &str, device_id: &str) -> Result<HubLink, PairError> {
    let url = url.trim().trim_end_matches('/').to_string();
    if !url.starts_with("https://") {
        return Err(PairError::NotHttps);
    }
    let (http, seen) = client::pinned_client(None)?;
    let request = PairRequest {
        code: code.to_string(),
        device_id: device_id.to_string(),
    };
    let response = http
        .post(format!("{url}{API}/pair"))
        .json(&request)
        .send()
        .map_err(|e| StoreError::HubUnreachable {
            url: url.clone(),
            cause: client::without_url(&e),
        })?;
    let key = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
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
