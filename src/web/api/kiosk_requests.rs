//! A kiosk's request as the hub reads it: its token, its JSON body
//! (gzipped or not), and why it was refused.

use std::io::Read;

use axum::body::Bytes;
use axum::http::header::{AUTHORIZATION, CONTENT_ENCODING};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::store::ports::kiosks::TokenRefused;
use crate::store::ports::DevicePlan;
use crate::store::StoreError;
use crate::sync::hub::wire::MAX_REQUEST_BYTES;
use crate::web::{AppState, WebError};

/// Why a request from a kiosk was not carried out; nothing of it was
/// written.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no kiosk token was sent")]
    NoToken,
    #[error("{}", refused_words(*.0))]
    Refused(TokenRefused),
    #[error("{0}")]
    BadRequest(String),
    #[error("no such route in this version of the API")]
    NotFound,
    #[error("too many wrong PINs on this kiosk: try again in {0} minute(s)")]
    TooManyPins(i64),
    #[error("{0}")]
    Plan(StoreError),
    #[error("the hub could not do that now")]
    Internal,
}

fn refused_words(why: TokenRefused) -> &'static str {
    match why {
        TokenRefused::Revoked => "staff revoked this kiosk",
        TokenRefused::Unknown => "this kiosk is not paired with this hub",
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        match e {
            WebError::Plan(e) => ApiError::Plan(e),
            WebError::BadInput(said) => ApiError::BadRequest(said),
            _ => ApiError::Internal,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Plan(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::NoToken | ApiError::Refused(_) => StatusCode::UNAUTHORIZED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::TooManyPins(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Plan(StoreError::DifferentHome { .. }) => StatusCode::CONFLICT,
            ApiError::Plan(_) | ApiError::Internal => StatusCode::SERVICE_UNAVAILABLE,
        };
        if let ApiError::Plan(e) = &self {
            tracing::warn!("a kiosk's request could not be carried out: {e}");
        }
        // The plan's own words name its file on the hub: the kiosk is told
        // only that the hub's plan could not take it.
        let said = match &self {
            ApiError::Plan(StoreError::DifferentHome { .. }) => {
                "this kiosk belongs to another home".to_string()
            }
            ApiError::Plan(e) if e.is_busy() => "the hub's plan is busy".to_string(),
            ApiError::Plan(_) => "the hub's support plan cannot be used now".to_string(),
            other => other.to_string(),
        };
        (status, said).into_response()
    }
}

/// A JSON body, gzipped or not; at most [`MAX_REQUEST_BYTES`] once unpacked.
pub(super) fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, ApiError> {
    let gzipped = headers
        .get(CONTENT_ENCODING)
        .is_some_and(|e| e.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let unpacked;
    let json: &[u8] = if gzipped {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .take(MAX_REQUEST_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| ApiError::BadRequest("the body is not gzip".into()))?;
        if out.len() > MAX_REQUEST_BYTES {
            return Err(ApiError::BadRequest(
                "the body is too large once unpacked".into(),
            ));
        }
        unpacked = out;
        &unpacked
    } else {
        body
    };
    serde_json::from_slice(json)
        .map_err(|e| ApiError::BadRequest(format!("the body is not what this route takes: {e}")))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// The kiosk whose token came with the request; a token that opens
/// nothing is refused (and the refusal audited) before anything else of
/// the request is read.
pub(super) async fn kiosk_of(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = bearer(headers).ok_or(ApiError::NoToken)?;
    let now = state.now();
    state
        .with_plan(move |plan| {
            let kiosks = plan.kiosks();
            Ok(match kiosks.kiosk_of_token(&token)? {
                Some(kiosk) => Ok(kiosk.device_id),
                None => Err(ApiError::Refused(kiosks.refuse_token(&token, now)?)),
            })
        })
        .await?
}

/// Runs `work` for the kiosk `device`, with the plan and the hub's time.
pub(super) async fn for_kiosk<T: Serialize + Send + 'static>(
    state: &AppState,
    device: String,
    work: impl FnOnce(&mut dyn DevicePlan, &str, DateTime<Utc>) -> Result<T, ApiError> + Send + 'static,
) -> Result<Json<T>, ApiError> {
    let now = state.now();
    let done = state
        .with_plan(move |plan| Ok(work(plan.device(), &device, now)))
        .await?;
    done.map(Json)
}

/// A request without a body, for the kiosk whose token came with it.
pub(super) async fn as_kiosk<T: Serialize + Send + 'static>(
    state: &AppState,
    headers: &HeaderMap,
    work: impl FnOnce(&mut dyn DevicePlan, &str, DateTime<Utc>) -> Result<T, ApiError> + Send + 'static,
) -> Result<Json<T>, ApiError> {
    let device = kiosk_of(state, headers).await?;
    for_kiosk(state, device, work).await
}

/// A request with a JSON body, read once the token has opened the way.
pub(super) async fn as_kiosk_with<B, T>(
    state: &AppState,
    headers: &HeaderMap,
    body: Bytes,
    work: impl FnOnce(&mut dyn DevicePlan, &str, DateTime<Utc>, B) -> Result<T, ApiError>
        + Send
        + 'static,
) -> Result<Json<T>, ApiError>
where
    B: DeserializeOwned + Send + 'static,
    T: Serialize + Send + 'static,
{
    let device = kiosk_of(state, headers).await?;
    let asked: B = read_json(headers, &body)?;
    for_kiosk(state, device, move |plan, device, now| {
        work(plan, device, now, asked)
    })
    .await
}
