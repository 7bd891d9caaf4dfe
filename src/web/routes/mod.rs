//! The web app's routes: each reads a request, asks the plan, and hands a
//! page what to show. Input is checked here (lengths, dates, choices) before
//! anything is written; pages only lay out.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{AppState, WebError};

/// Forms are short: anything bigger is refused before it is read.
const MAX_FORM_BYTES: usize = 32 * 1024;

mod account;
mod checks;
mod house;
mod house_evidence;
mod house_pictures;
mod kiosks;
mod person;
mod profile;
mod report;
mod sign_in_out;
mod views_and_actions;
mod whats_new;

use account::*;
use house::*;
use house_evidence::*;
use house_pictures::*;
use kiosks::*;
use person::*;
use profile::*;
use report::*;
use sign_in_out::*;
use views_and_actions::*;
use whats_new::*;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(whats_new))
        .route("/static/sayso.css", get(stylesheet))
        .route("/static/scales/{symbol}", get(scale_symbol))
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/setup", get(setup_page).post(set_up))
        .route("/signout", post(sign_out))
        .route("/seen", post(seen))
        .route("/kiosks", get(kiosks_page))
        .route("/kiosks/pairing-code", post(new_pairing_code))
        .route("/kiosks/{device}/name", post(name_kiosk))
        .route("/kiosks/{device}/revoke", post(revoke_kiosk))
        .route("/house", get(house_page).post(make_question))
        .route("/house/new", get(new_question_page))
        .route("/house/evidence.pdf", get(evidence_pdf))
        .route("/house/{question}", get(meeting_page))
        .route("/house/{question}/meeting.pdf", get(meeting_pdf))
        .route("/house/{question}/meeting.csv", get(meeting_csv))
        .route("/house/{question}/decisions", post(record_decision))
        .route("/house/{question}/cards/{card}/off", post(take_card_off))
        .route(
            "/house/{question}/cards/{card}/photo",
            post(card_photo).layer(DefaultBodyLimit::max(MAX_CARD_PHOTO_UPLOAD)),
        )
        .route("/house/{question}/cards/{card}/picture", post(card_picture))
        .route(
            "/house/{question}/decisions/{decision}/status",
            post(settle_decision),
        )
        .route("/people/{person}/meetings-consent", post(meeting_consent))
        .route("/people/{person}/left-home", post(left_home))
        .route("/account", get(account_page))
        .route("/account/pin", post(set_pin))
        .route("/people/{person}", get(person_page))
        .route("/people/{person}/cards/{topic}/{card}", post(judge_card))
        .route(
            "/people/{person}/cards/{topic}/{card}/notes",
            get(card_notes),
        )
        .route(
            "/people/{person}/profile",
            get(profile_page).post(save_profile),
        )
        .route("/people/{person}/profile/lines", post(add_profile_line))
        .route("/people/{person}/report", get(review_report))
        .route("/people/{person}/report.pdf", get(review_report_pdf))
        .route("/people/{person}/actions", post(add_action))
        .route(
            "/people/{person}/mats/{session}/practice",
            post(mark_practice),
        )
        .route("/pictures/{hash}", get(picture))
        .route("/people/{person}/sharing", post(share_views))
        .route(
            "/people/{person}/actions/{action}/status",
            post(settle_action),
        )
        .merge(super::sets::routes())
        .merge(super::accounts::routes())
        .merge(super::api::routes())
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Every response: no scripts or styles from anywhere else, no framing, no
/// caching of care data, no referrer (with ids in it) sent to other sites.
/// ("no-referrer" would make browsers send `Origin: null` with this site's
/// own forms, which the same-site check then refuses.)
async fn security_headers(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if state.secure_cookies {
        // Over HTTPS, a browser that has been here once never tries plain
        // HTTP for a year.
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data: blob:; \
             script-src 'self'; media-src 'self' blob:; connect-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The bundled scales' symbols, for the pages that show a scale as the
/// kiosk does.
async fn scale_symbol(axum::extract::Path(symbol): axum::extract::Path<String>) -> Response {
    let found = crate::library::bundled::scale_symbol(&symbol);
    match found {
        Some(svg) => (
            [
                (CONTENT_TYPE, "image/svg+xml"),
                (CACHE_CONTROL, "max-age=3600"),
            ],
            svg,
        )
            .into_response(),
        None => WebError::NotFound.into_response(),
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../sayso.css"),
    )
}
