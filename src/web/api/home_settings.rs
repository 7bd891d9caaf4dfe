//! The home file down to the kiosks: the hub's own `home.toml` (in its
//! data directory) given to every kiosk of the home as it syncs. Each time
//! a kiosk asks, the hub looks at its file; when it or one of its photos
//! changed, the photos are prepared away from the plan's lock and a new
//! version is kept in the plan. A file the hub cannot give (broken, or a
//! person without an id it cannot write in) changes nothing: the kiosks
//! keep the version they have, and the hub's log and Kiosks page say why.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use base64::Engine;
use tracing::warn;

use super::kiosk_requests::{kiosk_of, ApiError};
use crate::library::home_for_kiosks::HubHome;
use crate::store::pictures::{is_picture_hash, NewPicture};
use crate::store::ports::device::HomeSettings;
use crate::store::ports::kiosks::HomeForKiosks;
use crate::web::AppState;

pub(super) async fn home_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Option<HomeSettings>>, ApiError> {
    kiosk_of(&state, &headers).await?;
    // What is wrong with it may quote the file: the log says only that
    // something is, and the Kiosks page says what.
    if give_home_file(&state).await.is_err() {
        warn!("the hub's home file is not given to kiosks; its Kiosks page says why");
    }
    let newest = state
        .with_plan(|plan| Ok(plan.device().newest_home()?))
        .await?;
    Ok(Json(newest))
}

/// A photo of the newest home file, as base64 (`null`: no such photo).
pub(super) async fn home_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(hash): Path<String>,
) -> Result<Json<Option<String>>, ApiError> {
    kiosk_of(&state, &headers).await?;
    if !is_picture_hash(&hash) {
        return Err(ApiError::BadRequest("that is not a picture's hash".into()));
    }
    let photo = state
        .with_plan(move |plan| Ok(plan.device().home_photo(&hash)?))
        .await?;
    Ok(Json(photo.map(|bytes| {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    })))
}

/// Why the hub's home file was not given.
#[derive(Debug, thiserror::Error)]
pub enum GiveError {
    #[error(transparent)]
    File(#[from] crate::library::home_for_kiosks::HubHomeError),
    #[error(transparent)]
    Web(#[from] crate::web::WebError),
}

/// Keeps the hub's home file in the plan as a new version for its kiosks,
/// when it changed.
pub async fn give_home_file(state: &AppState) -> Result<(), GiveError> {
    let Some(path) = state.home_file().map(std::path::Path::to_path_buf) else {
        return Ok(());
    };
    let (known, given) = state
        .with_plan(|plan| {
            let known = plan.device().people()?;
            let given = plan.kiosks().given_home()?.map(|g| g.source_hash);
            Ok((known, given))
        })
        .await?;
    let read = tokio::task::spawn_blocking(move || -> Result<_, GiveError> {
        let Some(hub_home) = HubHome::read(&path, &known)? else {
            return Ok(None);
        };
        if given.as_deref() == Some(hub_home.source_hash.as_str()) {
            return Ok(None);
        }
        let ready = hub_home.for_kiosks();
        Ok(Some((hub_home.source_hash, ready)))
    })
    .await
    .map_err(|_| crate::web::WebError::Internal)??;
    let Some((source_hash, ready)) = read else {
        return Ok(());
    };
    if !ready.problems.is_empty() {
        warn!(
            photos = ready.problems.len(),
            "photos of the hub's home file not given to kiosks"
        );
    }
    let now = state.now();
    state
        .with_plan(move |plan| {
            let photos = ready
                .photos
                .iter()
                .map(|(photo_source, picture)| NewPicture {
                    source_hash: photo_source,
                    media_type: picture.media_type,
                    width: picture.width,
                    height: picture.height,
                    bytes: &picture.bytes,
                })
                .collect();
            // Every person has an id by now: the hub wrote them in.
            let people = crate::library::home::people_in(&ready.home_toml)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(id, name)| Some(crate::core::PersonRef { id: id?, name }))
                .collect();
            let home = HomeForKiosks {
                source_hash: source_hash.clone(),
                home_toml: ready.home_toml.clone(),
                photos,
                problems: ready.problems.clone(),
                people,
            };
            plan.kiosks().publish_home(&home, now)?;
            Ok(())
        })
        .await?;
    Ok(())
}
