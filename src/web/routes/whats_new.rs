//! What's new since staff last looked, and naming a kiosk.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::Markup;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;
use super::sign_in_out::CsrfForm;

// --- What's new -----------------------------------------------------------

pub(super) async fn whats_new(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    if !signed_in.session.account.sees_views() {
        let Some(id) = signed_in.session.account.person.clone() else {
            return Ok(pages::family_home(
                &signed_in.session,
                None,
                None,
                None,
                &[],
            ));
        };
        let (person, photo, shared, sets) = state
            .with_plan(move |plan| {
                let shared = if plan.views_shared(&id)? {
                    Some(plan.views(&id)?)
                } else {
                    None
                };
                let sets = crate::web::sets::titled_sets(plan, &id)?;
                Ok((plan.person(&id)?, plan.photo(&id)?, shared, sets))
            })
            .await?;
        return Ok(pages::family_home(
            &signed_in.session,
            person.as_ref(),
            photo.as_deref(),
            shared.as_deref(),
            &sets,
        ));
    }
    let since = signed_in.session.account.last_looked;
    let now = state.now();
    let today = now.with_timezone(&chrono::Local).date_naive();
    let (people, devices) = state
        .with_plan(move |plan| Ok((plan.whats_new(since, today)?, plan.devices()?)))
        .await?;
    Ok(pages::whats_new(&signed_in.session, &people, &devices, now))
}

pub(super) async fn seen(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let now = state.now();
    let account = signed_in.session.account.id;
    state
        .with_plan(move |plan| Ok(plan.mark_looked(account, now)?))
        .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
pub(super) struct KioskNameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// The page the form was on: back to it.
    #[serde(default)]
    from: String,
}

/// Staff name a kiosk ("Lounge") so What's new says which one is quiet.
pub(super) async fn name_kiosk(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(device): Path<String>,
    Form(form): Form<KioskNameForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let name = short("The kiosk's name", &form.name, true)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let named = state
        .with_plan(move |plan| Ok(plan.name_device(&device, &name, &by, now)?))
        .await?;
    if !named {
        return Err(WebError::NotFound);
    }
    let back = if form.from == "kiosks" {
        "/kiosks"
    } else {
        "/#kiosks"
    };
    Ok(Redirect::to(back).into_response())
}
