//! A kiosk's sync, route by route: each the device port's call of the same
//! name, for the kiosk the token says, at the hub's time.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Json;
use base64::Engine;

use super::kiosk_requests::{as_kiosk, as_kiosk_with, for_kiosk, kiosk_of, read_json, ApiError};
use crate::core::told_back::ToldBack;
use crate::core::{PersonRef, SessionId};
use crate::library::picture;
use crate::store::accounts::KioskPin;
use crate::store::journal::{PartialMat, Stream};
use crate::store::ops::{HomeBinding, PlanOp};
use crate::store::pictures::{is_picture_hash, NewPicture};
use crate::store::set_versions::{NewestSet, SetVersion};
use crate::store::Faults;
use crate::sync::hub::received::as_received;
use crate::sync::hub::wire::*;
use crate::web::AppState;

type Answer<T> = Result<Json<T>, ApiError>;

pub(super) async fn check(State(state): State<AppState>, headers: HeaderMap) -> Answer<()> {
    as_kiosk(&state, &headers, |plan, _, _| {
        Ok(plan.check_integrity_once()?)
    })
    .await
}

pub(super) async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Answer<Option<String>> {
    as_kiosk(&state, &headers, |plan, _, _| Ok(plan.home_id()?)).await
}

pub(super) async fn settle_home(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<HomeBinding> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, _, asked: SettleHome| {
            Ok(plan.settle_home(asked.journal_home.as_deref(), &asked.fresh)?)
        },
    )
    .await
}

pub(super) async fn people(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Answer<Vec<PersonRef>> {
    as_kiosk(&state, &headers, |plan, _, _| Ok(plan.people()?)).await
}

pub(super) async fn mats_known(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<HashSet<SessionId>> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, _, asked: SessionIds| {
            let ids: Vec<&SessionId> = asked.ids.iter().collect();
            Ok(plan.synced_among(&ids)?)
        },
    )
    .await
}

pub(super) async fn writes(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<usize> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, device, now, ops: Vec<PlanOp>| {
            let ops =
                as_received(ops, device, now).map_err(|e| ApiError::BadRequest(e.to_string()))?;
            Ok(plan.execute(&ops, &mut Faults::default())?)
        },
    )
    .await
}

pub(super) async fn mark(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(stream): Path<Stream>,
) -> Answer<Option<Mark>> {
    as_kiosk(&state, &headers, move |plan, device, _| {
        let mark = plan.device_mark(device, stream)?;
        Ok(mark.map(|(row, key)| Mark { row, key }))
    })
    .await
}

pub(super) async fn set_mark(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(stream): Path<Stream>,
    body: Bytes,
) -> Answer<()> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, device, _, mark: Mark| {
            Ok(plan.set_device_mark(device, stream, mark.row, &mark.key)?)
        },
    )
    .await
}

pub(super) async fn check_in_known(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<bool> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, _, asked: CheckInKey| Ok(plan.has_check_in(&asked.person, &asked.key)?),
    )
    .await
}

pub(super) async fn partial_mats(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<()> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, device, now, mats: Vec<PartialMat>| {
            Ok(plan.set_partial_mats(device, &mats, now)?)
        },
    )
    .await
}

pub(super) async fn told_back(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<Vec<ToldBack>> {
    as_kiosk_with(&state, &headers, body, move |plan, _, _, asked: People| {
        Ok(plan.told_back_for(&asked.people)?)
    })
    .await
}

pub(super) async fn house_questions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<Vec<crate::core::house_question::QuestionForKiosk>> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, now, asked: People| Ok(plan.house_questions_for(&asked.people, now)?),
    )
    .await
}

/// A picture of a house question's card, as base64 (`null`: no card of
/// the house's questions shows it).
pub(super) async fn house_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(hash): Path<String>,
) -> Answer<Option<String>> {
    if !is_picture_hash(&hash) {
        kiosk_of(&state, &headers).await?;
        return Err(ApiError::BadRequest("that is not a picture's hash".into()));
    }
    as_kiosk(&state, &headers, move |plan, _, _| {
        let picture = plan.house_picture(&hash)?;
        Ok(picture.map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes)))
    })
    .await
}

pub(super) async fn told_back_answered(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<Vec<i64>> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, _, asked: ActionIds| Ok(plan.answered_told_back(&asked.action_ids)?),
    )
    .await
}

pub(super) async fn staff_line(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<()> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, device, now, line: StaffLine| {
            Ok(plan.report_device(device, &line.problems, now)?)
        },
    )
    .await
}

pub(super) async fn picture_from(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(source): Path<String>,
) -> Answer<Option<String>> {
    as_kiosk(&state, &headers, move |plan, _, _| {
        Ok(plan.picture_for_source(&source)?)
    })
    .await
}

/// A picture, decoded and written again here (off the plan's lock) before
/// it is kept: nothing a kiosk sends reaches a browser as it came.
pub(super) async fn add_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<String> {
    let device = kiosk_of(&state, &headers).await?;
    let up: PictureUp = read_json(&headers, &body)?;
    if !is_picture_hash(&up.source_hash) {
        return Err(ApiError::BadRequest(
            "a source hash is 64 hex digits".into(),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(up.bytes)
        .map_err(|_| ApiError::BadRequest("the picture is not base64".into()))?;
    let prepared = tokio::task::spawn_blocking(move || {
        let file = tempfile::NamedTempFile::new().map_err(|_| ApiError::Internal)?;
        std::fs::write(file.path(), &bytes).map_err(|_| ApiError::Internal)?;
        picture::received_for_plan(file.path())
            .map_err(|e| ApiError::BadRequest(format!("the picture cannot be used: {e}")))
    })
    .await
    .map_err(|_| ApiError::Internal)??;
    for_kiosk(&state, device, move |plan, _, now| {
        let kept = NewPicture {
            source_hash: &up.source_hash,
            media_type: prepared.media_type,
            width: prepared.width,
            height: prepared.height,
            bytes: &prepared.bytes,
        };
        Ok(plan.add_picture(kept, now)?)
    })
    .await
}

pub(super) async fn card_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<bool> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, now, card: CardPicture| {
            Ok(plan.set_card_picture(&card.topic_id, &card.card_id, &card.hash, now)?)
        },
    )
    .await
}

pub(super) async fn person_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<bool> {
    as_kiosk_with(&state, &headers, body, move |plan, _, _, photo: PersonPhoto| {
        Ok(plan.set_person_photo(&photo.person, &photo.hash)?)
    })
    .await
}

pub(super) async fn mats_awaiting_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Answer<Vec<(SessionId, String)>> {
    as_kiosk(&state, &headers, |plan, device, _| {
        Ok(plan.mats_awaiting_picture(device)?)
    })
    .await
}

/// Only the kiosk that recorded a mat gives its picture.
pub(super) async fn mat_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<()> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, device, _, mat: MatPicture| {
            let awaiting = plan.mats_awaiting_picture(device)?;
            if !awaiting.iter().any(|(session, _)| *session == mat.session) {
                return Err(ApiError::BadRequest(
                    "no mat of this kiosk awaits that picture".into(),
                ));
            }
            Ok(plan.set_mat_picture_hash(&mat.session, &mat.hash)?)
        },
    )
    .await
}

pub(super) async fn newest_sets(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Answer<Vec<NewestSet>> {
    as_kiosk(&state, &headers, |plan, _, _| Ok(plan.newest_sets()?)).await
}

pub(super) async fn set_version(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<Option<SetVersion>> {
    as_kiosk_with(
        &state,
        &headers,
        body,
        move |plan, _, _, wanted: SetVersionWanted| {
            Ok(plan.set_version(&wanted.set_id, wanted.version)?)
        },
    )
    .await
}

/// A set's file, as base64 (`null`: the hub has none by that hash).
pub(super) async fn set_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(hash): Path<String>,
) -> Answer<Option<String>> {
    as_kiosk(&state, &headers, move |plan, _, _| {
        let file = plan.set_file(&hash)?;
        Ok(file.map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes)))
    })
    .await
}

/// A PIN typed on the kiosk's staff screen: whose it is.
pub(super) async fn staff_pin(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<KioskPin> {
    let kiosk = kiosk_of(&state, &headers).await?;
    let now = state.now();
    if let Some(until) = state.kiosk_pin_waits().waiting(&kiosk, now) {
        let minutes = (until - now).num_seconds().div_euclid(60) + 1;
        return Err(ApiError::TooManyPins(minutes));
    }
    let typed: PinTyped = read_json(&headers, &body)?;
    let whose = state
        .with_plan(move |plan| Ok(plan.kiosk_pin(&typed.pin)?))
        .await?;
    let counted = match &whose {
        KioskPin::Of(_) => Some(true),
        KioskPin::Wrong => Some(false),
        KioskPin::NoneSet => None,
    };
    if let Some(right) = counted {
        state.kiosk_pin_waits().record(&kiosk, right, now);
    }
    Ok(Json(whose))
}
