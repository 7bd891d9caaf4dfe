//! Staff invite a family member for one person, with a link to set up
//! their account.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Form;
use maud::Markup;
use serde::Deserialize;

use crate::core::PersonId;
use crate::web::auth::SignedIn;
use crate::web::set_pages;
use crate::web::{AppState, WebError};

#[derive(Deserialize)]
pub(super) struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Staff invite a family member for one person: their account, and a
/// one-time link (with its QR code) to choose a passphrase with.
pub(super) async fn invite_family(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(person): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Markup, WebError> {
    signed_in.check_form(&form.csrf)?;
    if !signed_in.session.account.sees_views() {
        return Err(WebError::Forbidden);
    }
    let person = PersonId::new(person);
    let by = signed_in.name().to_string();
    let now = state.now();
    let name = form.name.trim().to_string();
    let member = name.clone();
    let (person, code) = state
        .with_plan(move |plan| {
            let Some(found) = plan.person(&person)? else {
                return Err(WebError::NotFound);
            };
            let made = plan.add_account(
                &member,
                crate::store::accounts::Role::Family,
                Some(&person),
                &by,
                now,
            )?;
            Ok((found, made))
        })
        .await?;
    let (link, phones_can_open) = setup_link(&state, &headers, &code);
    let qr = crate::web::invite::qr_svg(&link).unwrap_or_default();
    Ok(set_pages::invited(
        &signed_in.session,
        &person,
        &name,
        &link,
        &code,
        &qr,
        phones_can_open,
    ))
}

/// The set-up link for a one-time code, and whether a phone can open it:
/// built from the address the staff member's own device reached, when that
/// is on the home's network; else the server's address for people.
pub(in crate::web) fn setup_link(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
) -> (String, bool) {
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .filter(|h| !is_this_machine(h));
    let (base, phones_can_open) = match (state.reach(), host) {
        (crate::web::Reach::Network { .. }, Some(host)) => (format!("{scheme}://{host}"), true),
        (crate::web::Reach::Network { url }, None) => (url.clone(), true),
        (crate::web::Reach::ThisMachineOnly { url }, _) => (url.clone(), false),
    };
    (format!("{base}/setup?code={code}"), phones_can_open)
}

/// Whether a Host header names this machine's own loopback address.
pub(super) fn is_this_machine(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
