//! A person's page: their views, mats, notes and sets; marking a mat as
//! practice, sharing views with family, and the pictures pages show.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::Markup;
use serde::Deserialize;

use crate::core::PersonId;
use crate::store::ports::staff::PracticeChange;
use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;

/// Mats shown on a person's page.
pub(super) const MATS_SHOWN: usize = 50;
// --- A person -------------------------------------------------------------

pub(super) async fn person_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
) -> Result<Markup, WebError> {
    render_person_page(&state, &signed_in, person, None).await
}

#[derive(Deserialize)]
pub(super) struct NotesQuery {
    /// From 1.
    #[serde(default)]
    page: Option<usize>,
}

/// Every note on one card, a page at a time.
pub(super) async fn card_notes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, topic, card)): Path<(String, String, String)>,
    Query(query): Query<NotesQuery>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let id = PersonId::new(person);
    let (found, views) = state
        .with_plan(move |plan| Ok((plan.person(&id)?, plan.views(&id)?)))
        .await?;
    let person = found.ok_or(WebError::NotFound)?;
    let topic = views
        .iter()
        .find(|t| t.topic_id == topic)
        .ok_or(WebError::NotFound)?;
    let card = topic
        .cards
        .iter()
        .find(|c| c.card_id == card)
        .ok_or(WebError::NotFound)?;
    let page = query.page.unwrap_or(1).max(1) - 1;
    if page * pages::NOTES_PER_PAGE >= card.notes.len().max(1) {
        return Err(WebError::NotFound);
    }
    Ok(pages::card_notes(
        &signed_in.session,
        &person,
        topic,
        card,
        page,
    ))
}

/// A person's page, with a form that could not be taken shown at its card.
pub(super) async fn render_person_page(
    state: &AppState,
    signed_in: &SignedIn,
    person: String,
    card_problem: Option<&pages::CardProblem>,
) -> Result<Markup, WebError> {
    staff_only(signed_in)?;
    let id = PersonId::new(person);
    let (found, (photo, views_shared), views, mats, (actions, sets)) = state
        .with_plan(move |plan| {
            Ok((
                plan.person(&id)?,
                (plan.photo(&id)?, plan.views_shared(&id)?),
                plan.views(&id)?,
                plan.mats(&id, MATS_SHOWN)?,
                (
                    plan.actions(&id)?,
                    crate::web::sets::titled_sets(plan, &id)?,
                ),
            ))
        })
        .await?;
    let person = found.ok_or(WebError::NotFound)?;
    let today = state.now().with_timezone(&chrono::Local).date_naive();
    Ok(pages::person(
        &signed_in.session,
        &pages::PersonPage {
            person: &person,
            photo: photo.as_deref(),
            views_shared,
            views: &views,
            mats: &mats,
            actions: &actions,
            today,
            sets: &sets,
            card_problem,
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct PracticeForm {
    #[serde(default)]
    csrf: String,
    /// "yes": a practice mat, not counted; "no": counted.
    #[serde(default)]
    practice: String,
}

pub(super) async fn mark_practice(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, session)): Path<(String, String)>,
    Form(form): Form<PracticeForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let practice = match form.practice.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(WebError::BadInput(
                "Say whether the mat was practice.".into(),
            ))
        }
    };
    let id = PersonId::new(person.clone());
    let (by, now) = (signed_in.name().to_string(), state.now());
    // Marking it again as it already is changes nothing, and is no error.
    let change = state
        .with_plan(move |plan| Ok(plan.set_practice(&id, &session, practice, &by, now)?))
        .await?;
    if change == PracticeChange::NoSuchMat {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/people/{}#mats",
        crate::web::html::path_part(&person)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct SharingForm {
    #[serde(default)]
    csrf: String,
    /// "yes": the family accounts see the person's views; "no": they do not.
    #[serde(default)]
    shared: String,
}

pub(super) async fn share_views(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<SharingForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let shared = match form.shared.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(WebError::BadInput("Say whether to share the views.".into())),
    };
    let id = PersonId::new(person.clone());
    let target = id.clone();
    // Sharing what is shared already changes nothing, and is no error.
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.share_views(&target, shared, by, now).map(|_| true)
    })
    .await?;
    Ok(Redirect::to(&format!("/people/{}", crate::web::html::path_part(&person))).into_response())
}

/// A picture the pages show (cards, photos, kept mats), by its name: the
/// same name is always the same bytes, so the browser may keep it. Staff
/// see every picture; a family account its person's (see
/// [`StaffPlan::family_may_see`]).
pub(super) async fn picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(hash): Path<String>,
) -> Result<Response, WebError> {
    if !crate::store::pictures::is_picture_hash(&hash) {
        return Err(WebError::NotFound);
    }
    let account = signed_in.session.account.clone();
    let picture = state
        .with_plan(move |plan| {
            if !account.sees_views() {
                let allowed = match &account.person {
                    Some(person) => plan.family_may_see(person, &hash)?,
                    None => false,
                };
                if !allowed {
                    return Err(WebError::Forbidden);
                }
            }
            plan.picture(&hash)?.ok_or(WebError::NotFound)
        })
        .await?;
    // Not kept in the browser's cache (every response is `no-store`): a
    // shared phone or tablet keeps no care picture after signing out.
    Ok(([(CONTENT_TYPE, picture.media_type)], picture.bytes).into_response())
}
