//! What handlers check before anything is written: a field's length,
//! that the account is staff's, and one change to a person's plan.

use chrono::{DateTime, Utc};

use crate::core::PersonId;
use crate::store::ports::WebPlan;
use crate::store::{ActionStatus, StoreError};
use crate::web::auth::SignedIn;
use crate::web::{AppState, WebError};

pub(super) const MAX_NOTE_CHARS: usize = 2000;
pub(super) const MAX_SHORT_CHARS: usize = 200;
pub(super) fn short(field: &str, text: &str, needed: bool) -> Result<String, WebError> {
    let text = text.trim();
    if needed && text.is_empty() {
        return Err(WebError::BadInput(format!("{field} is needed.")));
    }
    if text.chars().count() > MAX_SHORT_CHARS {
        return Err(WebError::BadInput(format!(
            "{field} is too long (at most {MAX_SHORT_CHARS} characters)."
        )));
    }
    Ok(text.to_string())
}

pub(super) fn note(field: &str, text: &str, needed: bool) -> Result<String, WebError> {
    let text = text.trim();
    if needed && text.is_empty() {
        return Err(WebError::BadInput(format!("{field} is needed.")));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(WebError::BadInput(format!(
            "{field} is too long (at most {MAX_NOTE_CHARS} characters)."
        )));
    }
    Ok(text.to_string())
}

pub(super) fn staff_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.session.account.sees_views() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Carries out one change to a person's plan as the signed-in staff member,
/// at the server's time. The person must be in the plan, and `change` says
/// whether what it changes was there (a card, an action): if not, "not found".
pub(super) async fn change_plan(
    state: &AppState,
    signed_in: &SignedIn,
    person: &PersonId,
    change: impl FnOnce(&mut dyn WebPlan, &str, DateTime<Utc>) -> Result<bool, StoreError>
        + Send
        + 'static,
) -> Result<(), WebError> {
    let by = signed_in.name().to_string();
    let now = state.now();
    let person = person.clone();
    let changed = state
        .with_plan(move |plan| {
            if plan.person(&person)?.is_none() {
                return Ok(false);
            }
            Ok(change(plan, &by, now)?)
        })
        .await?;
    if changed {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

/// What became of an action (or a meeting's decision), as its form says.
#[derive(serde::Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
    /// Words for the person (or the residents), told on the kiosk when it is done.
    #[serde(default)]
    pub tell: String,
}

impl StatusForm {
    /// The status chosen and its note: what was done, or why it was
    /// dropped (which must be said).
    pub(super) fn settled(&self) -> Result<(ActionStatus, String), WebError> {
        Ok(match self.status.as_str() {
            "done" => (
                ActionStatus::Done,
                note("What was done", &self.note, false)?,
            ),
            "dropped" => (
                ActionStatus::Dropped,
                note("Why it was dropped", &self.note, true)?,
            ),
            "open" => (ActionStatus::Open, String::new()),
            _ => return Err(WebError::BadInput("Choose done, dropped or open.".into())),
        })
    }
}
