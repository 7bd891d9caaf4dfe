//! A kiosk pairs with the hub: the code staff made, once, for a token.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Json;

use super::kiosk_requests::{read_json, ApiError};
use crate::store::ports::kiosks::PairingError;
use crate::sync::hub::wire::{PairAnswer, PairRequest};
use crate::web::AppState;

pub(super) async fn pair(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PairAnswer>, ApiError> {
    let asked: PairRequest = read_json(&headers, &body)?;
    let device_id = asked.device_id.trim().to_string();
    if device_id.is_empty() || device_id.len() > 100 {
        return Err(ApiError::BadRequest(
            "a kiosk's id is 1 to 100 characters".into(),
        ));
    }
    let now = state.now();
    let paired = state
        .with_plan(move |plan| {
            Ok(
                match plan.kiosks().pair_kiosk(&asked.code, &device_id, now) {
                    Ok(token) => Ok(token),
                    Err(PairingError::Store(e)) => Err(ApiError::Plan(e)),
                    Err(refused) => Err(ApiError::BadRequest(refused.to_string())),
                },
            )
        })
        .await??;
    Ok(Json(PairAnswer { token: paired }))
}
