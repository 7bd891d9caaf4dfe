//! Staff's verdicts on a card, and the actions that follow, settled.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::core::{PersonId, Verdict};
use crate::store::ports::staff::{Judgement, NewAction, Settlement};
use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;
use super::person::render_person_page;

#[derive(Deserialize)]
pub(super) struct JudgeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    body: String,
}

pub(super) async fn judge_card(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, topic, card)): Path<(String, String, String)>,
    Form(form): Form<JudgeForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let verdict = match form.verdict.as_str() {
        "confirm" => Some(Verdict::Confirmed),
        "dispute" => Some(Verdict::Disputed),
        "note" => None,
        _ => {
            return Err(WebError::BadInput(
                "Choose confirm, dispute or note.".into(),
            ))
        }
    };
    let body = match verdict {
        Some(Verdict::Disputed) => note("A reason for disputing", &form.body, true),
        None => note("The note", &form.body, true),
        Some(Verdict::Confirmed) => note("The note", &form.body, false),
    };
    // Said at the card, with what was typed kept: never a page of its own
    // whose only way on leads away.
    let body = match body {
        Ok(body) => body,
        Err(WebError::BadInput(message)) => {
            let problem = pages::CardProblem {
                topic: topic.clone(),
                card: card.clone(),
                message,
                typed: form.body.clone(),
            };
            let page = render_person_page(&state, &signed_in, person, Some(&problem)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e),
    };
    let judgement = Judgement {
        person: PersonId::new(person.clone()),
        topic: topic.clone(),
        card: card.clone(),
        verdict,
        body,
    };
    let id = judgement.person.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.judge(&judgement, by, now)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}#{}",
        crate::web::html::path_part(&person),
        crate::web::html::card_anchor(&topic, &card)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    due: String,
    /// "topic/card", or empty for an action about no one card.
    #[serde(default)]
    card: String,
}

pub(super) fn parse_due(text: &str) -> Result<Option<NaiveDate>, WebError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            WebError::BadInput("The date is not a date (it should look like 2026-12-31).".into())
        })
}

pub(super) async fn add_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let action = NewAction {
        person: PersonId::new(person.clone()),
        card: form
            .card
            .split_once('/')
            .map(|(topic, card)| (topic.to_string(), card.to_string())),
        what: short("What will be done", &form.what, true)?,
        who: short("Who will do it", &form.who, true)?,
        due: parse_due(&form.due)?,
    };
    let id = action.person.clone();
    if let Some((topic, card)) = action.card.clone() {
        // Only a card the person has a view of: never one made up in the form.
        let whose = id.clone();
        let known = state
            .with_plan(move |plan| {
                Ok(plan.views(&whose)?.iter().any(|views| {
                    views.topic_id == topic && views.cards.iter().any(|c| c.card_id == card)
                }))
            })
            .await?;
        if !known {
            return Err(WebError::BadInput(
                "That card is not one this person has a view of: choose one from the list.".into(),
            ));
        }
    }
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.add_action(&action, by, now).map(|_| true)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}#actions",
        crate::web::html::path_part(&person)
    ))
    .into_response())
}

pub(super) async fn settle_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, action)): Path<(String, i64)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let (status, outcome) = form.settled()?;
    let settlement = Settlement {
        person: PersonId::new(person.clone()),
        action,
        status,
        note: outcome,
        tell_person: short("What to tell the person", &form.tell, false)?,
    };
    let id = settlement.person.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.settle_action(&settlement, by, now)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}#actions",
        crate::web::html::path_part(&person)
    ))
    .into_response())
}
