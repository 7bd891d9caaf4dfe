//! The editor's page, and a set's files as its pictures and recordings.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::set_pages;
use crate::web::{AppState, WebError};

use super::editing::*;

// --- Pages ----------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct EditorQuery {
    /// The version just saved.
    saved: Option<u32>,
    /// The version that just removed something (for undo).
    removed: Option<u32>,
}

pub(super) async fn editor(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Query(query): Query<EditorQuery>,
) -> Result<Markup, WebError> {
    let editing = open_set(&state, &signed_in, set_id).await?;
    let names: Vec<String> = editing.files.iter().map(|(n, _)| n.clone()).collect();
    let problems = editing.set.problems(|file| names.iter().any(|n| n == file));
    Ok(set_pages::editor(
        &signed_in.session,
        &editing,
        &problems,
        query.saved,
        query.removed.filter(|v| *v == editing.version),
    ))
}

pub(super) async fn set_file(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, folder, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let name = format!("{folder}/{file}");
    let is_svg = name.ends_with(".svg");
    let media_type = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("wav") => "audio/wav",
        // A symbol from another AAC app's board, kept as it came.
        Some("svg") => "image/svg+xml",
        _ => return Err(WebError::NotFound),
    };
    let account = signed_in.session.account.clone();
    let bytes = state
        .with_plan(move |plan| {
            let Some(owner) = plan.set_owner(&set_id)? else {
                return Err(WebError::NotFound);
            };
            if !account.may_change_sets_of(&owner) {
                return Err(WebError::Forbidden);
            }
            // Any kept version's file of that name: a page open on an
            // older version still shows its pictures.
            let mut found = None;
            for summary in plan.set_versions(&set_id)? {
                let Some(version) = plan.set_version(&set_id, Some(summary.version))? else {
                    continue;
                };
                if let Some((_, hash)) = version.files.iter().find(|(n, _)| *n == name) {
                    found = plan.set_file(hash)?;
                    break;
                }
            }
            found.ok_or(WebError::NotFound)
        })
        .await?;
    // Not kept in the browser's cache (every response is `no-store`): a
    // family member's photos and voice stay off a shared device.
    let mut response = ([(CONTENT_TYPE, media_type)], bytes).into_response();
    if is_svg {
        // Shown in pages as a picture (where it runs nothing); opened on
        // its own, saved rather than shown as a document of this site.
        response.headers_mut().insert(
            axum::http::header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static("attachment"),
        );
    }
    Ok(response)
}
