//! A house question's cards given pictures by a home manager: a photo sent
//! from a phone or laptop (made anew by sayso, as a family's photos are), or
//! the picture one of the home's cards already shows. Kiosks show it from
//! their next sync.

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::library::photo::{Framing, MAX_PHOTO_BYTES};
use crate::store::pictures::{is_picture_hash, NewPicture};
use crate::store::ports::house::{CardPicture, HouseError};
use crate::web::auth::{check_same_site, SignedIn};
use crate::web::html::{card_anchor, path_part};
use crate::web::sets::{one_photo, prepare_photo};
use crate::web::{AppState, WebError};

use super::checks::staff_only;
use super::house::manager_only;

/// An upload's largest size: one photo and the form's few words.
pub(super) const MAX_CARD_PHOTO_UPLOAD: usize = MAX_PHOTO_BYTES as usize + 64 * 1024;

/// Gives the card its picture, then back to it on the question's page.
async fn give(
    state: &AppState,
    signed_in: &SignedIn,
    question: String,
    card: String,
    picture: Picture,
) -> Result<Response, WebError> {
    let by = signed_in.name().to_string();
    let now = state.now();
    let back = format!(
        "/house/{}#{}",
        path_part(&question),
        card_anchor("house", &card)
    );
    state
        .with_plan(move |plan| {
            let picture = match &picture {
                Picture::Photo(photo, source_hash) => CardPicture::Photo(NewPicture {
                    source_hash,
                    media_type: if photo.extension == "png" {
                        "image/png"
                    } else {
                        "image/jpeg"
                    },
                    width: photo.width,
                    height: photo.height,
                    bytes: &photo.bytes,
                }),
                Picture::OfHomeCard(hash) => CardPicture::OfHomeCard(hash),
            };
            match plan
                .house()
                .give_card_picture(&question, &card, picture, &by, now)
            {
                Ok(()) => Ok(()),
                Err(HouseError::Store(e)) => Err(WebError::Plan(e)),
                Err(HouseError::NoSuchCard) => Err(WebError::NotFound),
                Err(refused) => Err(WebError::BadInput(refused.to_string())),
            }
        })
        .await?;
    Ok(Redirect::to(&back).into_response())
}

enum Picture {
    /// The photo as sayso made it, and the SHA-256 of the file as it came.
    Photo(crate::library::photo::CardPhoto, String),
    OfHomeCard(String),
}

/// A photo sent for a card.
pub(super) async fn card_photo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((question, card)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let (upload, _) = one_photo(&signed_in, multipart).await?;
    let bytes = upload.into_bytes();
    let source_hash = crate::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let photo = prepare_photo(bytes, Framing::Square).await?;
    give(
        &state,
        &signed_in,
        question,
        card,
        Picture::Photo(photo, source_hash),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct HomeCardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    picture: String,
}

/// The picture of one of the home's cards, chosen for a card.
pub(super) async fn card_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((question, card)): Path<(String, String)>,
    Form(form): Form<HomeCardForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    if !is_picture_hash(&form.picture) {
        return Err(WebError::BadInput(
            "Choose one of the home's pictures first.".into(),
        ));
    }
    give(
        &state,
        &signed_in,
        question,
        card,
        Picture::OfHomeCard(form.picture),
    )
    .await
}
