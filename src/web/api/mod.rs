//! The hub's API for its kiosks (`/api/v1`): pairing with a code staff
//! made, then each sync's requests, every one behind the kiosk's token and
//! answered for that kiosk alone. The wire's words are in
//! [`crate::sync::hub::wire`]; nothing a kiosk sends is written as sent
//! without [`crate::sync::hub::received`].

mod device;
mod home_settings;
mod kiosk_requests;
mod pairing;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

use super::AppState;
use crate::sync::hub::wire::{API, MAX_REQUEST_BYTES};
use kiosk_requests::ApiError;

pub(crate) use home_settings::{give_home_file, GiveError};

use device::*;

/// Answers larger than this go gzipped.
const GZIP_ANSWERS_FROM: u16 = 8 * 1024;

pub fn routes() -> Router<AppState> {
    let api = Router::new()
        .route("/pair", post(pairing::pair))
        .route("/check", post(check))
        .route("/home", get(home).post(settle_home))
        .route("/people", get(people))
        .route("/mats/known", post(mats_known))
        .route("/mats/awaiting-picture", get(mats_awaiting_picture))
        .route("/writes", post(writes))
        .route("/marks/{stream}", get(mark).post(set_mark))
        .route("/check-ins/known", post(check_in_known))
        .route("/partial-mats", post(partial_mats))
        .route("/told-back", post(told_back))
        .route("/told-back/answered", post(told_back_answered))
        .route("/house-questions", post(house_questions))
        .route("/house-pictures/{hash}", get(house_picture))
        .route("/staff-line", post(staff_line))
        .route("/staff-pin", post(staff_pin))
        .route("/pictures/from/{source}", get(picture_from))
        .route("/pictures", post(add_picture))
        .route("/card-pictures", post(card_picture))
        .route("/person-photos", post(person_photo))
        .route("/mat-pictures", post(mat_picture))
        .route("/sets/newest", get(newest_sets))
        .route("/sets/version", post(set_version))
        .route("/files/{hash}", get(set_file))
        .route("/home-settings", get(home_settings::home_settings))
        .route("/home-photos/{hash}", get(home_settings::home_photo))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        // A month offline is caught up in large answers: gzipped for a
        // kiosk that accepts it (every kiosk does), as its requests are.
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(GZIP_ANSWERS_FROM))),
        );
    Router::new().nest(API, api)
}
