//! Signing in (with waits after wrong passphrases), setting up an
//! account from its one-time link, and signing out.

use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use maud::Markup;
use serde::Deserialize;

use crate::web::auth::{self, ClientAddress, SignedIn};
use crate::web::{pages, AppState, WebError};

// --- Signing in -----------------------------------------------------------

pub(super) async fn sign_in_page() -> Markup {
    pages::sign_in(None)
}

#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    passphrase: String,
}

pub(super) fn signed_in_response(token: &str, state: &AppState) -> Response {
    let mut response = Redirect::to("/").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::session_cookie(token, state.secure_cookies)) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    auth::check_same_site(&headers, state.secure_cookies)?;
    let now = state.now();
    if let Some(until) = state.address_waits().waiting(&address, now) {
        tracing::info!(%address, "sign-in refused: this address must wait");
        return Ok(must_wait(until, now));
    }
    let account = match check_passphrase(&state, &form.name, &form.passphrase).await? {
        PassphraseCheck::Busy => return Ok(busy()),
        PassphraseCheck::Right(account) => Some(account),
        PassphraseCheck::Wrong => None,
    };
    state
        .address_waits()
        .record(&address, account.is_some(), now);
    let Some(account) = account else {
        tracing::info!(%address, "sign-in refused: wrong name or passphrase");
        if let Some(until) = state.address_waits().waiting(&address, now) {
            return Ok(must_wait(until, now));
        }
        return Ok((
            StatusCode::UNAUTHORIZED,
            pages::sign_in(Some("That name and passphrase do not match.")),
        )
            .into_response());
    };
    tracing::info!(account = account.id, %address, "signed in");
    let (token, _) = state
        .with_plan(move |plan| Ok(plan.start_web_session(&account, now)?))
        .await?;
    Ok(signed_in_response(&token, &state))
}

/// What checking a passphrase came to.
pub(super) enum PassphraseCheck {
    Right(crate::store::accounts::Account),
    /// A wrong name or passphrase (never which).
    Wrong,
    /// Too many checks waiting: try again shortly.
    Busy,
}

/// Checks a passphrase the way every sign-in is checked: read from the
/// plan, the name's own wait, the costly check away from the plan's lock,
/// and the outcome counted for the name.
pub(super) async fn check_passphrase(
    state: &AppState,
    name: &str,
    passphrase: &str,
) -> Result<PassphraseCheck, WebError> {
    let looked_up = name.to_string();
    let check = state
        .with_plan(move |plan| Ok(plan.sign_in_check(&looked_up)?))
        .await?;
    tokio::time::sleep(state.name_delays().delay(name)).await;
    let Ok(right) = state.passphrases().matches(passphrase, &check.hash).await else {
        return Ok(PassphraseCheck::Busy);
    };
    let account = check.account.filter(|_| right);
    state.name_delays().record(name, account.is_some());
    Ok(account.map_or(PassphraseCheck::Wrong, PassphraseCheck::Right))
}

/// Too many sign-ins at once: a moment's wait, said so.
pub(super) fn busy() -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        pages::sign_in(Some(
            "Many people are signing in at once. Try again in a moment.",
        )),
    )
        .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

/// This address got too many passphrases wrong: it waits until `until`.
pub(super) fn must_wait(until: DateTime<Utc>, now: DateTime<Utc>) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        pages::sign_in(Some(&format!(
            "Too many wrong passphrases from this device. Try again after {}.",
            crate::web::html::local_time(until)
        ))),
    )
        .into_response();
    let seconds = (until - now).num_seconds().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

#[derive(Deserialize)]
pub(super) struct SetupQuery {
    #[serde(default)]
    code: String,
}

pub(super) async fn setup_page(Query(query): Query<SetupQuery>) -> Markup {
    pages::setup(&query.code, None)
}

#[derive(Deserialize)]
pub(super) struct SetupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    again: String,
}

pub(super) async fn set_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    auth::check_same_site(&headers, state.secure_cookies)?;
    if form.passphrase != form.again {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::setup(&form.code, Some("The two passphrases are not the same.")),
        )
            .into_response());
    }
    let now = state.now();
    let code = form.code.clone();
    let outcome = state
        .with_plan(move |plan| {
            let account = plan.redeem_setup_code(&form.code, &form.passphrase, now)?;
            Ok(plan.start_web_session(&account, now)?.0)
        })
        .await;
    Ok(match outcome {
        Ok(token) => signed_in_response(&token, &state),
        Err(WebError::BadInput(refused)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::setup(&code, Some(&capitalised(&refused))),
        )
            .into_response(),
        Err(e) => return Err(e),
    })
}

pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    pub(super) csrf: String,
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let token = signed_in.token.clone();
    state
        .with_plan(move |plan| Ok(plan.end_web_session(&token)?))
        .await?;
    let mut response = Redirect::to("/signin").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::cleared_cookie()) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    Ok(response)
}
