//! What handlers check before anything is written: a field's length,
//! that the account is staff's, and one change to a person's plan.

use chrono::{DateTime, Utc};

use crate::core::PersonId;
use crate::store::ports::WebPlan;
use crate::store::StoreError;
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
