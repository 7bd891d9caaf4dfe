//! What every change to a set goes through: opening the newest version
//! for the account, saving a change as a new version, and the names the
//! editor gives files and pages.

use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::core::set_edit::EditError;
use crate::core::PersonId;
use crate::core::SetText;
use crate::store::ports::sets::SetChange;
use crate::store::ports::WebPlan;
use crate::store::set_versions::SetSaveError;
use crate::web::auth::SignedIn;
use crate::web::set_pages::Editing;
use crate::web::{AppState, WebError};

/// A person's sets, with their titles, oldest first.
pub fn titled_sets(
    plan: &dyn WebPlan,
    person: &PersonId,
) -> Result<Vec<(String, String)>, crate::store::StoreError> {
    let mut sets = Vec::new();
    for id in plan.sets_of(person)? {
        if let Some(saved) = plan.set_version(&id, None)? {
            let title = SetText::from_toml(&saved.set_toml)
                .map(|set| set.title)
                .unwrap_or_else(|_| id.clone());
            sets.push((id, title));
        }
    }
    Ok(sets)
}

impl From<EditError> for WebError {
    fn from(e: EditError) -> WebError {
        WebError::BadInput(e.to_string())
    }
}

impl From<SetSaveError> for WebError {
    fn from(e: SetSaveError) -> WebError {
        match e {
            SetSaveError::Store(e) => WebError::Plan(e),
            SetSaveError::NotTheirs(_) => WebError::Forbidden,
            SetSaveError::NoSuchSet(_) | SetSaveError::NoSuchVersion { .. } => WebError::NotFound,
            other => WebError::BadInput(other.to_string()),
        }
    }
}

pub(super) async fn open_set(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
) -> Result<Editing, WebError> {
    let account = signed_in.session.account.clone();
    state
        .with_plan(move |plan| {
            let saved = plan.set_for(&set_id, &account)?;
            let person_name = plan
                .person(&saved.person_id)?
                .map(|p| p.name)
                .unwrap_or_default();
            let versions = plan.set_versions(&set_id)?;
            SetText::from_toml(&saved.set_toml)
                .map_err(|e| WebError::from(EditError::from(e)))
                .map(|set| Editing {
                    set_id,
                    person: saved.person_id,
                    person_name,
                    version: saved.version,
                    set,
                    files: saved.files,
                    versions,
                })
        })
        .await
}

/// A change, made to the newest version and saved as a new one with the
/// new files it brings; returns the new version's number.
pub(super) async fn save_change(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
    change: SetChange<'static>,
) -> Result<u32, WebError> {
    let account = signed_in.session.account.clone();
    let now = state.now();
    state
        .with_plan(move |plan| Ok(plan.change_set(&set_id, &account, change, now)?))
        .await
}

pub(super) fn back_to(set_id: &str, version: u32, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/sets/{}?saved={version}#{anchor}",
        crate::web::html::path_part(set_id)
    ))
    .into_response()
}

/// A file's name in a set: what it is for, and a few digits of its bytes'
/// hash, so a changed photo is a new file and no version's file is changed.
pub(super) fn file_name(folder: &str, card: &str, bytes: &[u8], extension: &str) -> String {
    let hash = crate::store::hex(&Sha256::digest(bytes));
    format!("{folder}/{card}-{}.{extension}", &hash[..10])
}
