//! Your account: the kiosk's staff PIN.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::Markup;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;
use super::sign_in_out::busy;
use super::sign_in_out::check_passphrase;
use super::sign_in_out::PassphraseCheck;

// --- Your account -----------------------------------------------------------

pub(super) async fn account_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    let id = signed_in.session.account.id;
    let has_pin = state.with_plan(move |plan| Ok(plan.has_pin(id)?)).await?;
    Ok(pages::account(&signed_in.session, has_pin, None))
}

#[derive(Deserialize)]
pub(super) struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    again: String,
    #[serde(default)]
    passphrase: String,
}

/// Sets the account's PIN for the kiosk's staff screen. The passphrase is
/// asked again (and a wrong one counts towards the lockout), so a browser
/// left signed in cannot be used to set someone's PIN.
pub(super) async fn set_pin(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<PinForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    // The kiosk's staff screen is for staff.
    staff_only(&signed_in)?;
    let account = signed_in.session.account.clone();
    let refuse = |has_pin: bool, message: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::account(&signed_in.session, has_pin, Some((message, false))),
        )
            .into_response()
    };
    let id = account.id;
    let has_pin = state.with_plan(move |plan| Ok(plan.has_pin(id)?)).await?;
    if form.pin != form.again {
        return Ok(refuse(has_pin, "The two PINs are not the same."));
    }
    let now = state.now();
    let refusal = match check_passphrase(&state, &account.name, &form.passphrase).await? {
        PassphraseCheck::Busy => return Ok(busy()),
        PassphraseCheck::Wrong => Some("That passphrase is not right.".to_string()),
        PassphraseCheck::Right(_) => {
            let pin = form.pin.clone();
            let set = state
                .with_plan(move |plan| Ok(plan.set_pin(account.id, &pin, now)?))
                .await;
            match set {
                Ok(()) => None,
                Err(WebError::BadInput(refused)) => Some(format!("Not set: {refused}")),
                Err(e) => return Err(e),
            }
        }
    };
    Ok(match refusal {
        None => pages::account(
            &signed_in.session,
            true,
            Some(("Your PIN is set. Use it on the kiosk's staff screen.", true)),
        )
        .into_response(),
        Some(message) => refuse(has_pin, &message),
    })
}
