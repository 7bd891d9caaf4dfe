//! The editor's forms: a new set, topics and cards changed, moved and
//! removed, a scale of the family's own, undo and going back.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::core::set_edit::Move;
use crate::core::PersonId;
use crate::web::auth::SignedIn;
use crate::web::{AppState, WebError};

use super::editing::*;
use super::uploads::FormTexts;

// --- Forms ----------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct NewSetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
}

pub(super) async fn new_set(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<NewSetForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let person = PersonId::new(person);
    let account = signed_in.session.account.clone();
    if !account.may_change_sets_of(&person) {
        return Err(WebError::Forbidden);
    }
    let now = state.now();
    let set_id = state
        .with_plan(move |plan| {
            if plan.person(&person)?.is_none() {
                return Err(WebError::NotFound);
            }
            Ok(plan.start_set(&person, &form.title, &account, now)?)
        })
        .await?;
    Ok(Redirect::to(&format!("/sets/{}", crate::web::html::path_part(&set_id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct TopicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    scale: String,
}

pub(super) async fn add_topic(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<TopicForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let added = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let slot = added.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let id = set.add_topic(&form.title, &form.question, &form.scale)?;
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = id;
            Ok(Vec::new())
        }),
    )
    .await?;
    let id = added.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::topic_anchor(&id),
    ))
}

pub(super) fn direction(action: &str) -> Option<Move> {
    match action {
        "up" => Some(Move::Up),
        "down" => Some(Move::Down),
        _ => None,
    }
}

pub(super) async fn change_topic(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic)): Path<(String, String)>,
    Form(form): Form<TopicForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let action = form.action.clone();
    let id = topic.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            match (form.action.as_str(), direction(&form.action)) {
                (_, Some(way)) => set.move_topic(&id, way)?,
                ("remove", _) => {
                    set.remove_topic(&id)?;
                }
                _ => set.change_topic(&id, &form.title, &form.question, &form.scale)?,
            }
            Ok(Vec::new())
        }),
    )
    .await?;
    if action == "remove" {
        return Ok(Redirect::to(&format!(
            "/sets/{}?removed={version}",
            crate::web::html::path_part(&set_id)
        ))
        .into_response());
    }
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::topic_anchor(&topic),
    ))
}

#[derive(Deserialize)]
pub(super) struct CardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    says: String,
}

pub(super) async fn change_card(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    Form(form): Form<CardForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let action = form.action.clone();
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            match (form.action.as_str(), direction(&form.action)) {
                (_, Some(way)) => set.move_card(&topic_id, &card_id, way)?,
                ("remove", _) => {
                    set.remove_card(&topic_id, &card_id)?;
                }
                ("no-recording", _) => set.set_card_clip(&topic_id, &card_id, None)?,
                _ => set.change_card(&topic_id, &card_id, &form.label, &form.says)?,
            }
            Ok(Vec::new())
        }),
    )
    .await?;
    if action == "remove" {
        return Ok(Redirect::to(&format!(
            "/sets/{}?removed={version}#{}",
            crate::web::html::path_part(&set_id),
            crate::web::html::topic_anchor(&topic)
        ))
        .into_response());
    }
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::card_anchor(&topic, &card),
    ))
}

/// A scale of the family's own: up to five choices' words and pictures.
pub(super) async fn add_scale(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<FormTexts>,
) -> Result<Response, WebError> {
    signed_in.check_form(form.get("csrf").map_or("", String::as_str))?;
    let choices: Vec<(String, String)> = (1..=5)
        .map(|n| {
            (
                form.get(&format!("label{n}")).cloned().unwrap_or_default(),
                form.get(&format!("symbol{n}")).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            set.add_own_scale(&choices)?;
            Ok(Vec::new())
        }),
    )
    .await?;
    Ok(back_to(&set_id, version, "topics"))
}

#[derive(Deserialize)]
pub(super) struct VersionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: u32,
}

/// Takes back the change that made `version`, if nothing was saved since.
pub(super) async fn undo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let editing = open_set(&state, &signed_in, set_id.clone()).await?;
    if editing.version != form.version || form.version < 2 {
        return Err(WebError::BadInput(
            "The set was changed again since, so this cannot be undone here.".into(),
        ));
    }
    let version = go_back_to(&state, &signed_in, set_id.clone(), form.version - 1).await?;
    Ok(back_to(&set_id, version, "topics"))
}

/// Staff take a set back to an older version (saved again as the newest).
pub(super) async fn go_back(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, version)): Path<(String, u32)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    if !signed_in.session.account.sees_views() {
        return Err(WebError::Forbidden);
    }
    open_set(&state, &signed_in, set_id.clone()).await?;
    let version = go_back_to(&state, &signed_in, set_id.clone(), version).await?;
    Ok(back_to(&set_id, version, "versions"))
}

pub(super) async fn go_back_to(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
    version: u32,
) -> Result<u32, WebError> {
    let account = signed_in.session.account.clone();
    let now = state.now();
    state
        .with_plan(move |plan| Ok(plan.go_back_as(&set_id, version, &account, now)?))
        .await
}
