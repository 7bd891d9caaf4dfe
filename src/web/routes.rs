//! The web app's routes: each reads a request, asks the plan, and hands a
//! page what to show. Input is checked here (lengths, dates, choices) before
//! anything is written; pages only lay out.

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, NaiveDate, Utc};
use maud::Markup;
use serde::Deserialize;

use super::auth::{self, ClientAddress, SignedIn};
use super::{pages, AppState, WebError};
use crate::core::{PersonId, Verdict};
use crate::store::ports::staff::{Judgement, NewAction, PracticeChange, Settlement};
use crate::store::ports::WebPlan;
use crate::store::StoreError;
use crate::store::{ActionStatus, ProfileSection};

/// Forms are short: anything bigger is refused before it is read.
const MAX_FORM_BYTES: usize = 32 * 1024;
const MAX_NOTE_CHARS: usize = 2000;
const MAX_SHORT_CHARS: usize = 200;
/// Mats shown on a person's page.
const MATS_SHOWN: usize = 50;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(whats_new))
        .route("/static/sayso.css", get(stylesheet))
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/setup", get(setup_page).post(set_up))
        .route("/signout", post(sign_out))
        .route("/seen", post(seen))
        .route("/kiosks/{device}/name", post(name_kiosk))
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

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("sayso.css"),
    )
}

fn short(field: &str, text: &str, needed: bool) -> Result<String, WebError> {
    let text = text.trim();
    if needed && text.is_empty() {
        return Err(WebError::BadInput(format!("{field} is needed.")));
    }
    if text.chars().count() > MAX_SHORT_CHARS {
        return Err(WebError::BadInput(format!(
            "{field} is too long (at most {MAX_SHORT_CHARS} characters)."
        )));
    }
    Ok(text.to_string())
}

fn note(field: &str, text: &str, needed: bool) -> Result<String, WebError> {
    let text = text.trim();
    if needed && text.is_empty() {
        return Err(WebError::BadInput(format!("{field} is needed.")));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(WebError::BadInput(format!(
            "{field} is too long (at most {MAX_NOTE_CHARS} characters)."
        )));
    }
    Ok(text.to_string())
}

fn staff_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.session.account.sees_views() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Carries out one change to a person's plan as the signed-in staff member,
/// at the server's time. The person must be in the plan, and `change` says
/// whether what it changes was there (a card, an action): if not, "not found".
async fn change_plan(
    state: &AppState,
    signed_in: &SignedIn,
    person: &PersonId,
    change: impl FnOnce(&mut dyn WebPlan, &str, DateTime<Utc>) -> Result<bool, StoreError>
        + Send
        + 'static,
) -> Result<(), WebError> {
    let by = signed_in.name().to_string();
    let now = state.now();
    let person = person.clone();
    let changed = state
        .with_plan(move |plan| {
            if plan.person(&person)?.is_none() {
                return Ok(false);
            }
            Ok(change(plan, &by, now)?)
        })
        .await?;
    if changed {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

// --- Signing in -----------------------------------------------------------

async fn sign_in_page() -> Markup {
    pages::sign_in(None)
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    passphrase: String,
}

fn signed_in_response(token: &str, state: &AppState) -> Response {
    let mut response = Redirect::to("/").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::session_cookie(token, state.secure_cookies)) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    auth::check_same_site(&headers, state.secure_cookies)?;
    let now = state.now();
    if let Some(until) = state.address_waits().waiting(address, now) {
        tracing::info!(%address, "sign-in refused: this address must wait");
        return Ok(must_wait(until, now));
    }
    let account = match check_passphrase(&state, &form.name, &form.passphrase).await? {
        PassphraseCheck::Busy => return Ok(busy()),
        PassphraseCheck::Right(account) => Some(account),
        PassphraseCheck::Wrong => None,
    };
    state
        .address_waits()
        .record(address, account.is_some(), now);
    let Some(account) = account else {
        tracing::info!(%address, "sign-in refused: wrong name or passphrase");
        if let Some(until) = state.address_waits().waiting(address, now) {
            return Ok(must_wait(until, now));
        }
        return Ok((
            StatusCode::UNAUTHORIZED,
            pages::sign_in(Some("That name and passphrase do not match.")),
        )
            .into_response());
    };
    tracing::info!(account = account.id, %address, "signed in");
    let (token, _) = state
        .with_plan(move |plan| Ok(plan.start_web_session(&account, now)?))
        .await?;
    Ok(signed_in_response(&token, &state))
}

/// What checking a passphrase came to.
enum PassphraseCheck {
    Right(crate::store::accounts::Account),
    /// A wrong name or passphrase (never which).
    Wrong,
    /// Too many checks waiting: try again shortly.
    Busy,
}

/// Checks a passphrase the way every sign-in is checked: read from the
/// plan, the name's own wait, the costly check away from the plan's lock,
/// and the outcome counted for the name.
async fn check_passphrase(
    state: &AppState,
    name: &str,
    passphrase: &str,
) -> Result<PassphraseCheck, WebError> {
    let looked_up = name.to_string();
    let check = state
        .with_plan(move |plan| Ok(plan.sign_in_check(&looked_up)?))
        .await?;
    tokio::time::sleep(state.name_delays().delay(name)).await;
    let Ok(right) = state.passphrases().matches(passphrase, &check.hash).await else {
        return Ok(PassphraseCheck::Busy);
    };
    let account = check.account.filter(|_| right);
    state.name_delays().record(name, account.is_some());
    Ok(account.map_or(PassphraseCheck::Wrong, PassphraseCheck::Right))
}

/// Too many sign-ins at once: a moment's wait, said so.
fn busy() -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        pages::sign_in(Some(
            "Many people are signing in at once. Try again in a moment.",
        )),
    )
        .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

/// This address got too many passphrases wrong: it waits until `until`.
fn must_wait(until: DateTime<Utc>, now: DateTime<Utc>) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        pages::sign_in(Some(&format!(
            "Too many wrong passphrases from this device. Try again after {}.",
            super::html::local_time(until)
        ))),
    )
        .into_response();
    let seconds = (until - now).num_seconds().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

#[derive(Deserialize)]
struct SetupQuery {
    #[serde(default)]
    code: String,
}

async fn setup_page(Query(query): Query<SetupQuery>) -> Markup {
    pages::setup(&query.code, None)
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    again: String,
}

async fn set_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    auth::check_same_site(&headers, state.secure_cookies)?;
    if form.passphrase != form.again {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::setup(&form.code, Some("The two passphrases are not the same.")),
        )
            .into_response());
    }
    let now = state.now();
    let code = form.code.clone();
    let outcome = state
        .with_plan(move |plan| {
            let account = plan.redeem_setup_code(&form.code, &form.passphrase, now)?;
            Ok(plan.start_web_session(&account, now)?.0)
        })
        .await;
    Ok(match outcome {
        Ok(token) => signed_in_response(&token, &state),
        Err(WebError::BadInput(refused)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::setup(&code, Some(&capitalised(&refused))),
        )
            .into_response(),
        Err(e) => return Err(e),
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let token = signed_in.token.clone();
    state
        .with_plan(move |plan| Ok(plan.end_web_session(&token)?))
        .await?;
    let mut response = Redirect::to("/signin").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::cleared_cookie()) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    Ok(response)
}

// --- What's new -----------------------------------------------------------

async fn whats_new(State(state): State<AppState>, signed_in: SignedIn) -> Result<Markup, WebError> {
    if !signed_in.session.account.sees_views() {
        let Some(id) = signed_in.session.account.person.clone() else {
            return Ok(pages::family_home(
                &signed_in.session,
                None,
                None,
                None,
                &[],
            ));
        };
        let (person, photo, shared, sets) = state
            .with_plan(move |plan| {
                let shared = if plan.views_shared(&id)? {
                    Some(plan.views(&id)?)
                } else {
                    None
                };
                let sets = super::sets::titled_sets(plan, &id)?;
                Ok((plan.person(&id)?, plan.photo(&id)?, shared, sets))
            })
            .await?;
        return Ok(pages::family_home(
            &signed_in.session,
            person.as_ref(),
            photo.as_deref(),
            shared.as_deref(),
            &sets,
        ));
    }
    let since = signed_in.session.account.last_looked;
    let now = state.now();
    let today = now.with_timezone(&chrono::Local).date_naive();
    let (news, devices) = state
        .with_plan(move |plan| Ok((plan.news(since, today)?, plan.devices()?)))
        .await?;
    Ok(pages::whats_new(&signed_in.session, &news, &devices, now))
}

async fn seen(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let now = state.now();
    let account = signed_in.session.account.id;
    state
        .with_plan(move |plan| Ok(plan.mark_looked(account, now)?))
        .await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
struct KioskNameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Staff name a kiosk ("Lounge") so What's new says which one is quiet.
async fn name_kiosk(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(device): Path<String>,
    Form(form): Form<KioskNameForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let name = short("The kiosk's name", &form.name, true)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let named = state
        .with_plan(move |plan| Ok(plan.name_device(&device, &name, &by, now)?))
        .await?;
    if !named {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/#kiosks").into_response())
}

// --- Your account -----------------------------------------------------------

async fn account_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    let id = signed_in.session.account.id;
    let has_pin = state.with_plan(move |plan| Ok(plan.has_pin(id)?)).await?;
    Ok(pages::account(&signed_in.session, has_pin, None))
}

#[derive(Deserialize)]
struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    again: String,
    #[serde(default)]
    passphrase: String,
}

/// Sets the account's PIN for the kiosk's staff screen. The passphrase is
/// asked again (and a wrong one counts towards the lockout), so a browser
/// left signed in cannot be used to set someone's PIN.
async fn set_pin(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<PinForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    // The kiosk's staff screen is for staff.
    staff_only(&signed_in)?;
    let account = signed_in.session.account.clone();
    let refuse = |has_pin: bool, message: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::account(&signed_in.session, has_pin, Some((message, false))),
        )
            .into_response()
    };
    let id = account.id;
    let has_pin = state.with_plan(move |plan| Ok(plan.has_pin(id)?)).await?;
    if form.pin != form.again {
        return Ok(refuse(has_pin, "The two PINs are not the same."));
    }
    let now = state.now();
    let refusal = match check_passphrase(&state, &account.name, &form.passphrase).await? {
        PassphraseCheck::Busy => return Ok(busy()),
        PassphraseCheck::Wrong => Some("That passphrase is not right.".to_string()),
        PassphraseCheck::Right(_) => {
            let pin = form.pin.clone();
            let set = state
                .with_plan(move |plan| Ok(plan.set_pin(account.id, &pin, now)?))
                .await;
            match set {
                Ok(()) => None,
                Err(WebError::BadInput(refused)) => Some(format!("Not set: {refused}")),
                Err(e) => return Err(e),
            }
        }
    };
    Ok(match refusal {
        None => pages::account(
            &signed_in.session,
            true,
            Some(("Your PIN is set. Use it on the kiosk's staff screen.", true)),
        )
        .into_response(),
        Some(message) => refuse(has_pin, &message),
    })
}

// --- A person -------------------------------------------------------------

async fn person_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
) -> Result<Markup, WebError> {
    render_person_page(&state, &signed_in, person, None).await
}

#[derive(Deserialize)]
struct NotesQuery {
    /// From 1.
    #[serde(default)]
    page: Option<usize>,
}

/// Every note on one card, a page at a time.
async fn card_notes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, topic, card)): Path<(String, String, String)>,
    Query(query): Query<NotesQuery>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let id = PersonId::new(person);
    let (found, views) = state
        .with_plan(move |plan| Ok((plan.person(&id)?, plan.views(&id)?)))
        .await?;
    let person = found.ok_or(WebError::NotFound)?;
    let topic = views
        .iter()
        .find(|t| t.topic_id == topic)
        .ok_or(WebError::NotFound)?;
    let card = topic
        .cards
        .iter()
        .find(|c| c.card_id == card)
        .ok_or(WebError::NotFound)?;
    let page = query.page.unwrap_or(1).max(1) - 1;
    if page * pages::NOTES_PER_PAGE >= card.notes.len().max(1) {
        return Err(WebError::NotFound);
    }
    Ok(pages::card_notes(
        &signed_in.session,
        &person,
        topic,
        card,
        page,
    ))
}

/// A person's page, with a form that could not be taken shown at its card.
async fn render_person_page(
    state: &AppState,
    signed_in: &SignedIn,
    person: String,
    card_problem: Option<&pages::CardProblem>,
) -> Result<Markup, WebError> {
    staff_only(signed_in)?;
    let id = PersonId::new(person);
    let (found, (photo, views_shared), views, mats, (actions, sets)) = state
        .with_plan(move |plan| {
            Ok((
                plan.person(&id)?,
                (plan.photo(&id)?, plan.views_shared(&id)?),
                plan.views(&id)?,
                plan.mats(&id, MATS_SHOWN)?,
                (plan.actions(&id)?, super::sets::titled_sets(plan, &id)?),
            ))
        })
        .await?;
    let person = found.ok_or(WebError::NotFound)?;
    let today = state.now().with_timezone(&chrono::Local).date_naive();
    Ok(pages::person(
        &signed_in.session,
        &pages::PersonPage {
            person: &person,
            photo: photo.as_deref(),
            views_shared,
            views: &views,
            mats: &mats,
            actions: &actions,
            today,
            sets: &sets,
            card_problem,
        },
    ))
}

#[derive(Deserialize)]
struct PracticeForm {
    #[serde(default)]
    csrf: String,
    /// "yes": a practice mat, not counted; "no": counted.
    #[serde(default)]
    practice: String,
}

async fn mark_practice(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, session)): Path<(String, String)>,
    Form(form): Form<PracticeForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let practice = match form.practice.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(WebError::BadInput(
                "Say whether the mat was practice.".into(),
            ))
        }
    };
    let id = PersonId::new(person.clone());
    let (by, now) = (signed_in.name().to_string(), state.now());
    // Marking it again as it already is changes nothing, and is no error.
    let change = state
        .with_plan(move |plan| Ok(plan.set_practice(&id, &session, practice, &by, now)?))
        .await?;
    if change == PracticeChange::NoSuchMat {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!("/people/{}#mats", super::html::path_part(&person))).into_response())
}

#[derive(Deserialize)]
struct SharingForm {
    #[serde(default)]
    csrf: String,
    /// "yes": the family accounts see the person's views; "no": they do not.
    #[serde(default)]
    shared: String,
}

async fn share_views(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<SharingForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let shared = match form.shared.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(WebError::BadInput("Say whether to share the views.".into())),
    };
    let id = PersonId::new(person.clone());
    let target = id.clone();
    // Sharing what is shared already changes nothing, and is no error.
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.share_views(&target, shared, by, now).map(|_| true)
    })
    .await?;
    Ok(Redirect::to(&format!("/people/{}", super::html::path_part(&person))).into_response())
}

/// A picture the pages show (cards, photos, kept mats), by its name: the
/// same name is always the same bytes, so the browser may keep it. Staff
/// see every picture; a family account its person's (see
/// [`StaffPlan::family_may_see`]).
async fn picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(hash): Path<String>,
) -> Result<Response, WebError> {
    if !crate::store::pictures::is_picture_hash(&hash) {
        return Err(WebError::NotFound);
    }
    let account = signed_in.session.account.clone();
    let picture = state
        .with_plan(move |plan| {
            if !account.sees_views() {
                let allowed = match &account.person {
                    Some(person) => plan.family_may_see(person, &hash)?,
                    None => false,
                };
                if !allowed {
                    return Err(WebError::Forbidden);
                }
            }
            plan.picture(&hash)?.ok_or(WebError::NotFound)
        })
        .await?;
    // Not kept in the browser's cache (every response is `no-store`): a
    // shared phone or tablet keeps no care picture after signing out.
    Ok(([(CONTENT_TYPE, picture.media_type)], picture.bytes).into_response())
}

#[derive(Deserialize)]
struct JudgeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    body: String,
}

async fn judge_card(
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
        super::html::path_part(&person),
        super::html::card_anchor(&topic, &card)
    ))
    .into_response())
}

#[derive(Deserialize)]
struct ActionForm {
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

fn parse_due(text: &str) -> Result<Option<NaiveDate>, WebError> {
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

async fn add_action(
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
        super::html::path_part(&person)
    ))
    .into_response())
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    /// Words for the person, told on the kiosk when the action is done.
    #[serde(default)]
    tell: String,
}

async fn settle_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((person, action)): Path<(String, i64)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let (status, outcome) = match form.status.as_str() {
        "done" => (
            ActionStatus::Done,
            note("What was done", &form.note, false)?,
        ),
        "dropped" => (
            ActionStatus::Dropped,
            note("Why it was dropped", &form.note, true)?,
        ),
        "open" => (ActionStatus::Open, String::new()),
        _ => return Err(WebError::BadInput("Choose done, dropped or open.".into())),
    };
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
        super::html::path_part(&person)
    ))
    .into_response())
}

// --- The one-page profile ---------------------------------------------------

async fn profile_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let id = PersonId::new(person);
    let (found, profile, views) = state
        .with_plan(move |plan| Ok((plan.person(&id)?, plan.profile(&id)?, plan.views(&id)?)))
        .await?;
    let person = found.ok_or(WebError::NotFound)?;
    Ok(pages::profile(
        &signed_in.session,
        &person,
        &profile,
        &views,
    ))
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    appreciate: String,
    #[serde(default)]
    important: String,
    #[serde(default)]
    support: String,
    #[serde(default)]
    communication: String,
}

async fn save_profile(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let mut sections = Vec::new();
    for (section, text) in [
        (ProfileSection::Appreciate, &form.appreciate),
        (ProfileSection::Important, &form.important),
        (ProfileSection::Support, &form.support),
        (ProfileSection::Communication, &form.communication),
    ] {
        sections.push((section, note(section.heading(), text, false)?));
    }
    let id = PersonId::new(person.clone());
    let whose = id.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        for (section, body) in &sections {
            plan.set_profile(&whose, *section, body, by, now)?;
        }
        Ok(true)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}/profile",
        super::html::path_part(&person)
    ))
    .into_response())
}

#[derive(Deserialize)]
struct ProfileLineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    line: String,
}

/// Adds one line (a confirmed view, offered on the page) to a section.
async fn add_profile_line(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ProfileLineForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let section = ProfileSection::parse(&form.section)
        .ok_or_else(|| WebError::BadInput("Choose a section of the profile.".into()))?;
    let line = short("The line", &form.line, true)?;
    let id = PersonId::new(person.clone());
    let whose = id.clone();
    change_plan(&state, &signed_in, &id, move |plan, by, now| {
        plan.add_profile_line(&whose, section, &line, by, now)?;
        Ok(true)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/people/{}/profile",
        super::html::path_part(&person)
    ))
    .into_response())
}

// --- The review-meeting report ----------------------------------------------

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A printable report for a review meeting; by default the last three months.
async fn review_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Markup, WebError> {
    let report = gather_report(&state, &signed_in, person, &query).await?;
    Ok(pages::review_report(&signed_in.session, &report))
}

async fn gather_report(
    state: &AppState,
    signed_in: &SignedIn,
    person: String,
    query: &ReportQuery,
) -> Result<crate::report::review::ReviewReport, WebError> {
    staff_only(signed_in)?;
    let today = state.now().with_timezone(&chrono::Local).date_naive();
    let to = parse_due(&query.to)?.unwrap_or(today);
    let from = parse_due(&query.from)?.unwrap_or(to - chrono::Months::new(3));
    if from > to {
        return Err(WebError::BadInput(
            "The report's first day comes after its last day.".into(),
        ));
    }
    let id = PersonId::new(person);
    state
        .with_plan(move |plan| Ok(crate::report::review::review(plan, &id, from, to)?))
        .await?
        .ok_or(WebError::NotFound)
}

/// The same report as a PDF, to download.
async fn review_report_pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let report = gather_report(&state, &signed_in, person, &query).await?;
    let (from, to) = (report.from, report.to);
    let name = report.person.name.clone();
    let pdf = tokio::task::spawn_blocking(move || crate::report::pdf::review_pdf(&report))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| {
            tracing::warn!("review report PDF: {e}");
            WebError::Internal
        })?;
    // Named for the person, so that two people's reports never collide in
    // a Downloads folder: plain letters in `filename`, the name as written
    // (any script) in `filename*` (RFC 6266).
    let plain: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let plain = if plain.is_empty() {
        "person".to_string()
    } else {
        plain
    };
    let encoded: String = format!("review-{name}-{from}-{to}.pdf")
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"review-{plain}-{from}-{to}.pdf\"; filename*=UTF-8''{encoded}"
    );
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}
