//! The picture set editor: a family member (for their one person) or staff
//! (for anyone) make a person's picture sets from a phone or a laptop.
//! Every change is applied to the newest version and saved as a new one
//! (see [`crate::store::set_versions`]); kiosks take it at their next sync.
//!
//! Everything sent here is untrusted: each text is checked for length,
//! each upload for size while it arrives, photos and recordings are made
//! anew by sayso (nothing of the original file is kept), file names sent by
//! the browser only ever become a card's label, never a path, and a change
//! that fails leaves the set as it was.

use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

use super::AppState;
use crate::library::photo::MAX_PHOTO_BYTES;
use crate::library::recording::MAX_RECORDING_BYTES;

mod editing;
mod forms;
mod invite;
mod pages;
mod preview;
mod uploads;

pub use editing::titled_sets;
use forms::*;
use invite::invite_family;
pub(super) use invite::setup_link;
use pages::*;
use preview::*;
use uploads::*;
pub(super) use uploads::{one_photo, prepare_photo};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{person}/sets", post(new_set))
        .route("/sets/{set}", get(editor))
        .route("/sets/{set}/topics", post(add_topic))
        .route("/sets/{set}/topics/{topic}", post(change_topic))
        .route(
            "/sets/{set}/topics/{topic}/cards",
            post(add_cards).layer(DefaultBodyLimit::max(MAX_PHOTO_UPLOAD_BYTES)),
        )
        .route(
            "/sets/{set}/topics/{topic}/picture",
            post(topic_picture).layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES as usize + 64 * 1024)),
        )
        .route("/sets/{set}/topics/{topic}/cards/{card}", post(change_card))
        .route(
            "/sets/{set}/topics/{topic}/cards/{card}/picture",
            post(card_picture).layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES as usize + 64 * 1024)),
        )
        .route(
            "/sets/{set}/topics/{topic}/cards/{card}/recording",
            post(card_recording).layer(DefaultBodyLimit::max(
                MAX_RECORDING_BYTES as usize + 64 * 1024,
            )),
        )
        .route(
            "/sets/{set}/boards",
            post(import_boards).layer(DefaultBodyLimit::max(
                MAX_BOARDS_UPLOAD_BYTES as usize + 64 * 1024,
            )),
        )
        .route("/sets/{set}/scales", post(add_scale))
        .route("/sets/{set}/undo", post(undo))
        .route("/sets/{set}/versions/{version}", post(go_back))
        .route("/sets/{set}/files/{folder}/{file}", get(set_file))
        .route("/sets/{set}/preview/{topic}/{card}", get(preview_page))
        .route(
            "/sets/{set}/preview/{topic}/{card}/mat.png",
            get(preview_picture),
        )
        .route("/static/sets.js", get(script))
        .route("/people/{person}/family", post(invite_family))
}

async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../sets.js"),
    )
}
