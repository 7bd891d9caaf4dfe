//! The one-page profile.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::Markup;
use serde::Deserialize;

use crate::core::PersonId;
use crate::store::ProfileSection;
use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;

// --- The one-page profile ---------------------------------------------------

pub(super) async fn profile_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let id = PersonId::new(person);
    let (resident, profile, views) = state
        .with_plan(move |plan| {
            let resident = plan
                .house()
                .residents()?
                .into_iter()
                .find(|r| r.person.id == id);
            Ok((resident, plan.profile(&id)?, plan.views(&id)?))
        })
        .await?;
    let resident = resident.ok_or(WebError::NotFound)?;
    Ok(pages::profile(
        &signed_in.session,
        &resident,
        (&profile, &views),
    ))
}

#[derive(Deserialize)]
pub(super) struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    appreciate: String,
    #[serde(default)]
    important: String,
    #[serde(default)]
    support: String,
    #[serde(default)]
    communication: String,
}

pub(super) async fn save_profile(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let mut sections = Vec::new();
    for (section, text) in [
        (ProfileSection::Appreciate, &form.appreciate),
        (ProfileSection::Important, &form.important),
        (ProfileSection::Support, &form.support),
        (ProfileSection::Communication, &form.communication),
    ] {
        sections.push((section, note(section.heading(), text, false)?));
    }
    let id = PersonId::new(person.clone());
    let whose = id.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        for (section, body) in &sections {
            plan.set_profile(&whose, *section, body, by, now)?;
        }
        Ok(true)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}/profile",
        crate::web::html::path_part(&person)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct ProfileLineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    line: String,
}

/// Adds one line (a confirmed view, offered on the page) to a section.
pub(super) async fn add_profile_line(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ProfileLineForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let section = ProfileSection::parse(&form.section)
        .ok_or_else(|| WebError::BadInput("Choose a section of the profile.".into()))?;
    let line = short("The line", &form.line, true)?;
    let id = PersonId::new(person.clone());
    let whose = id.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.add_profile_line(&whose, section, &line, by, now)?;
        Ok(true)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}/profile",
        crate::web::html::path_part(&person)
    ))
    .into_response())
}
