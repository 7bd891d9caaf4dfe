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

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::Markup;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::auth::{check_same_site, SignedIn};
use super::{set_pages, AppState, WebError};
use crate::core::set_edit::{EditError, Move};
use crate::core::PersonId;
use crate::core::SetText;
use crate::library::import::label_from;
use crate::library::photo::{self, Framing, MAX_PHOTO_BYTES};
use crate::library::recording::{self, MAX_RECORDING_BYTES};
use crate::store::ports::sets::SetChange;
use crate::store::ports::WebPlan;
use crate::store::set_versions::SetSaveError;

use super::heavy::MAX_PHOTOS_AT_ONCE;
pub use super::set_pages::Editing;

/// An upload of photos, whole: beyond it the request is cut off unread.
const MAX_PHOTO_UPLOAD_BYTES: usize = 200 * 1024 * 1024;
/// A board file from another AAC app, as sent.
const MAX_BOARDS_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;
/// Text fields of a form sent with files.
const MAX_FIELD_BYTES: usize = 4 * 1024;

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
        include_str!("sets.js"),
    )
}

/// A person's sets, with their titles, oldest first.
pub fn titled_sets(
    plan: &dyn WebPlan,
    person: &PersonId,
) -> Result<Vec<(String, String)>, crate::store::StoreError> {
    let mut sets = Vec::new();
    for id in plan.sets_of(person)? {
        if let Some(saved) = plan.set_version(&id, None)? {
            let title = SetText::from_toml(&saved.set_toml)
                .map(|set| set.title)
                .unwrap_or_else(|_| id.clone());
            sets.push((id, title));
        }
    }
    Ok(sets)
}

impl From<EditError> for WebError {
    fn from(e: EditError) -> WebError {
        WebError::BadInput(e.to_string())
    }
}

impl From<SetSaveError> for WebError {
    fn from(e: SetSaveError) -> WebError {
        match e {
            SetSaveError::Store(e) => WebError::Plan(e),
            SetSaveError::NotTheirs(_) => WebError::Forbidden,
            SetSaveError::NoSuchSet(_) | SetSaveError::NoSuchVersion { .. } => WebError::NotFound,
            other => WebError::BadInput(other.to_string()),
        }
    }
}

async fn open_set(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
) -> Result<Editing, WebError> {
    let account = signed_in.session.account.clone();
    state
        .with_plan(move |plan| {
            let saved = plan.set_for(&set_id, &account)?;
            let person_name = plan
                .person(&saved.person_id)?
                .map(|p| p.name)
                .unwrap_or_default();
            let versions = plan.set_versions(&set_id)?;
            SetText::from_toml(&saved.set_toml)
                .map_err(|e| WebError::from(EditError::from(e)))
                .map(|set| Editing {
                    set_id,
                    person: saved.person_id,
                    person_name,
                    version: saved.version,
                    set,
                    files: saved.files,
                    versions,
                })
        })
        .await
}

/// A change, made to the newest version and saved as a new one with the
/// new files it brings; returns the new version's number.
async fn save_change(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
    change: SetChange<'static>,
) -> Result<u32, WebError> {
    let account = signed_in.session.account.clone();
    let now = state.now();
    state
        .with_plan(move |plan| Ok(plan.change_set(&set_id, &account, change, now)?))
        .await
}

fn back_to(set_id: &str, version: u32, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/sets/{}?saved={version}#{anchor}",
        super::html::path_part(set_id)
    ))
    .into_response()
}

/// A file's name in a set: what it is for, and a few digits of its bytes'
/// hash, so a changed photo is a new file and no version's file is changed.
fn file_name(folder: &str, card: &str, bytes: &[u8], extension: &str) -> String {
    let hash = crate::store::hex(&Sha256::digest(bytes));
    format!("{folder}/{card}-{}.{extension}", &hash[..10])
}

// --- Pages ----------------------------------------------------------------

#[derive(Deserialize)]
struct EditorQuery {
    /// The version just saved.
    saved: Option<u32>,
    /// The version that just removed something (for undo).
    removed: Option<u32>,
}

async fn editor(
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

async fn set_file(
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

/// How long drawing a preview may take before it is given up.
const PREVIEW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn preview_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic, card)): Path<(String, String, usize)>,
) -> Result<Markup, WebError> {
    let editing = open_set(&state, &signed_in, set_id).await?;
    let found = editing.set.topic(&topic).ok_or(WebError::NotFound)?;
    if card >= found.cards.len().max(1) {
        return Err(WebError::NotFound);
    }
    Ok(set_pages::preview(
        &signed_in.session,
        &editing,
        found,
        card,
    ))
}

/// The mat of one topic with one card on offer, drawn by the kiosk's own
/// screens from the newest version.
async fn preview_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic, card)): Path<(String, String, usize)>,
) -> Result<Response, WebError> {
    let account = signed_in.session.account.clone();
    let (set_toml, files, person) = state
        .with_plan(move |plan| {
            let saved = plan.set_for(&set_id, &account)?;
            let Ok(mut set) = SetText::from_toml(&saved.set_toml) else {
                return Err(WebError::NotFound);
            };
            set.topics.retain(|t| t.id == topic);
            if set.topics.is_empty() {
                return Err(WebError::NotFound);
            }
            let named = set.files();
            let mut files = Vec::new();
            for (name, hash) in &saved.files {
                if named.contains(&name.as_str()) {
                    if let Some(bytes) = plan.set_file(hash)? {
                        files.push((name.clone(), bytes));
                    }
                }
            }
            let person = plan.person(&saved.person_id)?;
            Ok((set.to_toml(), files, person))
        })
        .await?;
    let program = state.preview_program.clone();
    // As the person sees it: their theme and text size.
    let display = person
        .as_ref()
        .map(|p| state.display_of(&p.id))
        .unwrap_or_default();
    let name = person.map(|p| p.name);
    let png = tokio::task::spawn_blocking(move || {
        draw_preview(&program, &set_toml, &files, name.as_deref(), display, card)
    })
    .await
    .unwrap_or(Err(WebError::Internal))?;
    Ok(([(CONTENT_TYPE, "image/png")], png).into_response())
}

/// Writes the one-topic set into a folder of its own and has `sayso
/// preview` draw it.
fn draw_preview(
    program: &std::path::Path,
    set_toml: &str,
    files: &[(String, Vec<u8>)],
    person: Option<&str>,
    display: crate::core::Display,
    card: usize,
) -> Result<Vec<u8>, WebError> {
    let failed = |what: &str| {
        tracing::warn!("a set's preview could not be drawn: {what}");
        WebError::BadInput(
            "The preview could not be drawn. The set is saved as it is; see its problems on \
             the set's page."
                .into(),
        )
    };
    let dir = tempfile::tempdir().map_err(|e| failed(&e.to_string()))?;
    for folder in ["pictures", "clips"] {
        std::fs::create_dir_all(dir.path().join(folder)).map_err(|e| failed(&e.to_string()))?;
    }
    for (name, bytes) in files {
        if crate::store::set_versions::is_set_file_name(name) {
            std::fs::write(dir.path().join(name), bytes).map_err(|e| failed(&e.to_string()))?;
        }
    }
    let set_path = dir.path().join(crate::library::SET_FILE);
    std::fs::write(&set_path, set_toml).map_err(|e| failed(&e.to_string()))?;
    let out = dir.path().join("preview.png");
    let mut command = std::process::Command::new(program);
    command
        .arg("--set")
        .arg(&set_path)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("preview")
        .arg(&out)
        .arg("--card")
        .arg(card.to_string())
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(name) = person {
        command.arg("--person").arg(name);
    }
    if display.high_contrast {
        command.arg("--high-contrast");
    }
    if display.large_text {
        command.arg("--large-text");
    }
    let mut child = command.spawn().map_err(|e| failed(&e.to_string()))?;
    let deadline = std::time::Instant::now() + PREVIEW_TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(|e| failed(&e.to_string()))? {
            Some(status) => break status,
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed("it took too long"));
            }
            None => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    if !status.success() {
        return Err(failed(&format!("sayso preview ended with {status}")));
    }
    std::fs::read(&out).map_err(|e| failed(&e.to_string()))
}

// --- Forms ----------------------------------------------------------------

#[derive(Deserialize)]
struct NewSetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
}

async fn new_set(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<NewSetForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let person = PersonId::new(person);
    let account = signed_in.session.account.clone();
    if !account.may_change_sets_of(&person) {
        return Err(WebError::Forbidden);
    }
    let now = state.now();
    let set_id = state
        .with_plan(move |plan| {
            if plan.person(&person)?.is_none() {
                return Err(WebError::NotFound);
            }
            Ok(plan.start_set(&person, &form.title, &account, now)?)
        })
        .await?;
    Ok(Redirect::to(&format!("/sets/{}", super::html::path_part(&set_id))).into_response())
}

#[derive(Deserialize)]
struct TopicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    scale: String,
}

async fn add_topic(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<TopicForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let added = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let slot = added.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let id = set.add_topic(&form.title, &form.question, &form.scale)?;
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = id;
            Ok(Vec::new())
        }),
    )
    .await?;
    let id = added.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(back_to(&set_id, version, &super::html::topic_anchor(&id)))
}

fn direction(action: &str) -> Option<Move> {
    match action {
        "up" => Some(Move::Up),
        "down" => Some(Move::Down),
        _ => None,
    }
}

async fn change_topic(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic)): Path<(String, String)>,
    Form(form): Form<TopicForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let action = form.action.clone();
    let id = topic.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            match (form.action.as_str(), direction(&form.action)) {
                (_, Some(way)) => set.move_topic(&id, way)?,
                ("remove", _) => {
                    set.remove_topic(&id)?;
                }
                _ => set.change_topic(&id, &form.title, &form.question, &form.scale)?,
            }
            Ok(Vec::new())
        }),
    )
    .await?;
    if action == "remove" {
        return Ok(Redirect::to(&format!(
            "/sets/{}?removed={version}",
            super::html::path_part(&set_id)
        ))
        .into_response());
    }
    Ok(back_to(
        &set_id,
        version,
        &super::html::topic_anchor(&topic),
    ))
}

#[derive(Deserialize)]
struct CardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    says: String,
}

async fn change_card(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    Form(form): Form<CardForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let action = form.action.clone();
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            match (form.action.as_str(), direction(&form.action)) {
                (_, Some(way)) => set.move_card(&topic_id, &card_id, way)?,
                ("remove", _) => {
                    set.remove_card(&topic_id, &card_id)?;
                }
                ("no-recording", _) => set.set_card_clip(&topic_id, &card_id, None)?,
                _ => set.change_card(&topic_id, &card_id, &form.label, &form.says)?,
            }
            Ok(Vec::new())
        }),
    )
    .await?;
    if action == "remove" {
        return Ok(Redirect::to(&format!(
            "/sets/{}?removed={version}#{}",
            super::html::path_part(&set_id),
            super::html::topic_anchor(&topic)
        ))
        .into_response());
    }
    Ok(back_to(
        &set_id,
        version,
        &super::html::card_anchor(&topic, &card),
    ))
}

/// A scale of the family's own: up to five choices' words and pictures.
async fn add_scale(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<FormTexts>,
) -> Result<Response, WebError> {
    signed_in.check_form(form.get("csrf").map_or("", String::as_str))?;
    let choices: Vec<(String, String)> = (1..=5)
        .map(|n| {
            (
                form.get(&format!("label{n}")).cloned().unwrap_or_default(),
                form.get(&format!("symbol{n}")).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            set.add_own_scale(&choices)?;
            Ok(Vec::new())
        }),
    )
    .await?;
    Ok(back_to(&set_id, version, "topics"))
}

#[derive(Deserialize)]
struct VersionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: u32,
}

/// Takes back the change that made `version`, if nothing was saved since.
async fn undo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(set_id): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let editing = open_set(&state, &signed_in, set_id.clone()).await?;
    if editing.version != form.version || form.version < 2 {
        return Err(WebError::BadInput(
            "The set was changed again since, so this cannot be undone here.".into(),
        ));
    }
    let version = go_back_to(&state, &signed_in, set_id.clone(), form.version - 1).await?;
    Ok(back_to(&set_id, version, "topics"))
}

/// Staff take a set back to an older version (saved again as the newest).
async fn go_back(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((set_id, version)): Path<(String, u32)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    if !signed_in.session.account.sees_views() {
        return Err(WebError::Forbidden);
    }
    open_set(&state, &signed_in, set_id.clone()).await?;
    let version = go_back_to(&state, &signed_in, set_id.clone(), version).await?;
    Ok(back_to(&set_id, version, "versions"))
}

async fn go_back_to(
    state: &AppState,
    signed_in: &SignedIn,
    set_id: String,
    version: u32,
) -> Result<u32, WebError> {
    let account = signed_in.session.account.clone();
    let now = state.now();
    state
        .with_plan(move |plan| Ok(plan.go_back_as(&set_id, version, &account, now)?))
        .await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Staff invite a family member for one person: their account, and a
/// one-time link (with its QR code) to choose a passphrase with.
async fn invite_family(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(person): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Markup, WebError> {
    signed_in.check_form(&form.csrf)?;
    if !signed_in.session.account.sees_views() {
        return Err(WebError::Forbidden);
    }
    let person = PersonId::new(person);
    let by = signed_in.name().to_string();
    let now = state.now();
    let name = form.name.trim().to_string();
    let member = name.clone();
    let (person, code) = state
        .with_plan(move |plan| {
            let Some(found) = plan.person(&person)? else {
                return Err(WebError::NotFound);
            };
            let made = plan.add_account(
                &member,
                crate::store::accounts::Role::Family,
                Some(&person),
                &by,
                now,
            )?;
            Ok((found, made))
        })
        .await?;
    let (link, phones_can_open) = setup_link(&state, &headers, &code);
    let qr = super::invite::qr_svg(&link).unwrap_or_default();
    Ok(set_pages::invited(
        &signed_in.session,
        &person,
        &name,
        &link,
        &code,
        &qr,
        phones_can_open,
    ))
}

/// The set-up link for a one-time code, and whether a phone can open it:
/// built from the address the staff member's own device reached, when that
/// is on the home's network; else the server's address for people.
pub(super) fn setup_link(state: &AppState, headers: &HeaderMap, code: &str) -> (String, bool) {
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .filter(|h| !is_this_machine(h));
    let (base, phones_can_open) = match (state.reach(), host) {
        (super::Reach::Network { .. }, Some(host)) => (format!("{scheme}://{host}"), true),
        (super::Reach::Network { url }, None) => (url.clone(), true),
        (super::Reach::ThisMachineOnly { url }, _) => (url.clone(), false),
    };
    (format!("{base}/setup?code={code}"), phones_can_open)
}

/// Whether a Host header names this machine's own loopback address.
fn is_this_machine(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

// --- Uploads --------------------------------------------------------------

/// A file as it arrived: the name the browser gave it (only ever a label),
/// its type, and its bytes.
struct Upload {
    file_name: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// A form's text fields by name.
type FormTexts = std::collections::HashMap<String, String>;

/// A form sent with files, read field by field as it arrives: texts up to
/// [`MAX_FIELD_BYTES`], each file up to `max_file` bytes (refused as soon as
/// it passes that, without reading the rest), at most `max_files` files.
/// Each file is handed over on its own, so only one is held at a time.
struct UploadForm {
    multipart: Multipart,
    /// The session's form token: it comes before the files (it is the
    /// form's first field), so nothing is worked on for a forged form.
    token: String,
    file_field: &'static str,
    max_file: u64,
    max_files: usize,
    too_big: fn(u64) -> String,
    files: usize,
    texts: FormTexts,
}

fn cut_off(_: axum::extract::multipart::MultipartError) -> WebError {
    WebError::BadInput(
        "The upload did not arrive whole (it may be too large, or the connection dropped).".into(),
    )
}

impl UploadForm {
    fn new(
        signed_in: &SignedIn,
        multipart: Multipart,
        file_field: &'static str,
        max_file: u64,
        max_files: usize,
        too_big: fn(u64) -> String,
    ) -> UploadForm {
        UploadForm {
            multipart,
            token: signed_in.session.csrf_token.clone(),
            file_field,
            max_file,
            max_files,
            too_big,
            files: 0,
            texts: std::collections::HashMap::new(),
        }
    }

    /// The next file of the form, once it has arrived; the texts before it
    /// are kept in `texts`.
    async fn next_file(&mut self) -> Result<Option<Upload>, WebError> {
        while let Some(mut field) = self.multipart.next_field().await.map_err(cut_off)? {
            let name = field.name().unwrap_or_default().to_string();
            if name != self.file_field {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(cut_off)? {
                    if text.len() + chunk.len() > MAX_FIELD_BYTES {
                        return Err(WebError::BadInput(
                            "A field of the form is too long.".into(),
                        ));
                    }
                    text.extend_from_slice(&chunk);
                }
                self.texts
                    .insert(name, String::from_utf8_lossy(&text).into_owned());
                continue;
            }
            let sent = self.texts.get("csrf").map_or("", String::as_str);
            if !super::auth::same_token(&self.token, sent) {
                return Err(WebError::Forgery);
            }
            let file_name = field.file_name().unwrap_or_default().to_string();
            let content_type = field.content_type().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(cut_off)? {
                let size = (bytes.len() + chunk.len()) as u64;
                if size > self.max_file {
                    return Err(WebError::BadInput((self.too_big)(size)));
                }
                bytes.extend_from_slice(&chunk);
            }
            // A file input left empty still sends a part, with no name.
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            self.files += 1;
            if self.files > self.max_files {
                return Err(WebError::BadInput(format!(
                    "That is more than {} files at once. Send them in smaller groups.",
                    self.max_files
                )));
            }
            return Ok(Some(Upload {
                file_name,
                content_type,
                bytes,
            }));
        }
        Ok(None)
    }

    /// The rest of the form, once every file is taken; checks its token.
    async fn finish(mut self, signed_in: &SignedIn) -> Result<FormTexts, WebError> {
        while self.next_file().await?.is_some() {}
        signed_in.check_form(self.texts.get("csrf").map_or("", String::as_str))?;
        Ok(self.texts)
    }
}

/// A form with one file (a photo, a recording, a board file): the file,
/// refused with `missing` if none was sent, and the form's texts.
async fn one_file(
    signed_in: &SignedIn,
    multipart: Multipart,
    field: &'static str,
    max_file: u64,
    too_big: fn(u64) -> String,
    missing: &str,
) -> Result<(Upload, FormTexts), WebError> {
    let mut form = UploadForm::new(signed_in, multipart, field, max_file, 1, too_big);
    let sent = form.next_file().await?;
    let texts = form.finish(signed_in).await?;
    let upload = sent.ok_or_else(|| WebError::BadInput(missing.to_string()))?;
    Ok((upload, texts))
}

/// A card's label from the name a phone gave a file (never used as a path).
fn label_of_file(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    label_from(stem)
}

fn photo_too_big(bytes: u64) -> String {
    photo::PhotoError::TooLarge {
        megabytes: bytes.div_ceil(1024 * 1024),
    }
    .to_string()
}

/// Makes a card's photo off the async threads (decoding takes a while).
async fn prepare_photo(bytes: Vec<u8>, framing: Framing) -> Result<photo::CardPhoto, WebError> {
    tokio::task::spawn_blocking(move || photo::prepare(&bytes, framing))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))
}

/// Adds a card, or one card for each photo sent (labelled from the photo's
/// name when several are sent at once).
async fn add_cards(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    // The set is checked before any photo is worked on.
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let mut photos: Vec<(String, photo::CardPhoto)> = Vec::new();
    let mut form = UploadForm::new(
        &signed_in,
        multipart,
        "photos",
        MAX_PHOTO_BYTES,
        MAX_PHOTOS_AT_ONCE,
        photo_too_big,
    );
    while let Some(upload) = form.next_file().await? {
        // The square crop, if asked for, is made afterwards from the
        // upright photo: the form's fields may come after its files.
        let prepared = prepare_photo(upload.bytes, Framing::AsTaken)
            .await
            .map_err(|e| named(e, &upload.file_name))?;
        photos.push((label_of_file(&upload.file_name), prepared));
    }
    let texts = form.finish(&signed_in).await?;
    let label = texts.get("label").cloned().unwrap_or_default();
    let says = texts.get("says").cloned().unwrap_or_default();
    let square = texts.get("square").is_some_and(|v| v == "yes");
    let mut ready = Vec::new();
    for (file_label, photo) in photos {
        let photo = if square {
            prepare_photo(photo.bytes, Framing::Square).await?
        } else {
            photo
        };
        ready.push((file_label, photo));
    }
    let topic_id = topic.clone();
    let one = ready.len() <= 1;
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let mut files = Vec::new();
            if ready.is_empty() {
                set.add_card(&topic_id, &label, &says, None)?;
            }
            for (file_label, photo) in ready {
                let card_label = if one && !label.trim().is_empty() {
                    label.clone()
                } else {
                    file_label
                };
                let card =
                    set.add_card(&topic_id, &card_label, if one { &says } else { "" }, None)?;
                let name = file_name("pictures", &card, &photo.bytes, photo.extension);
                set.set_card_picture(&topic_id, &card, Some(name.clone()))?;
                files.push((name, photo.bytes));
            }
            Ok(files)
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &super::html::topic_anchor(&topic),
    ))
}

/// Adds the boards of an `.obf` or `.obz` file (from Cboard, CoughDrop,
/// AsTeRICS Grid…) to the set as topics.
async fn import_boards(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(set_id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    fn too_big(bytes: u64) -> String {
        format!(
            "This file is too large ({} MB). Board files up to {} MB can be used.",
            bytes.div_ceil(1024 * 1024),
            MAX_BOARDS_UPLOAD_BYTES / 1024 / 1024
        )
    }
    let (upload, _) = one_file(
        &signed_in,
        multipart,
        "boards",
        MAX_BOARDS_UPLOAD_BYTES,
        too_big,
        "Choose a board file first.",
    )
    .await?;
    let bytes = upload.bytes;
    let imported = tokio::task::spawn_blocking(move || crate::library::obf::import(bytes))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))?;
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| crate::library::obf::add_to_set(set, imported.topics, file_name)),
    )
    .await?;
    Ok(back_to(&set_id, version, "topics"))
}

/// Says which photo a problem is about, when several were sent.
fn named(error: WebError, file_name: &str) -> WebError {
    match error {
        WebError::BadInput(message) if !file_name.is_empty() => {
            WebError::BadInput(format!("{}: {message}", label_of_file(file_name)))
        }
        other => other,
    }
}

async fn card_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let (upload, texts) = one_file(
        &signed_in,
        multipart,
        "photo",
        MAX_PHOTO_BYTES,
        photo_too_big,
        "Choose a photo first.",
    )
    .await?;
    let bytes = upload.bytes;
    let framing = if texts.get("square").is_some_and(|v| v == "yes") {
        Framing::Square
    } else {
        Framing::AsTaken
    };
    let photo = prepare_photo(bytes, framing).await?;
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name("pictures", &card_id, &photo.bytes, photo.extension);
            set.set_card_picture(&topic_id, &card_id, Some(name.clone()))?;
            Ok(vec![(name, photo.bytes)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &super::html::card_anchor(&topic, &card),
    ))
}

/// The topic's own picture, shown on the list of topics.
async fn topic_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let (upload, _) = one_file(
        &signed_in,
        multipart,
        "photo",
        MAX_PHOTO_BYTES,
        photo_too_big,
        "Choose a photo first.",
    )
    .await?;
    let photo = prepare_photo(upload.bytes, Framing::Square).await?;
    let topic_id = topic.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name(
                "pictures",
                &format!("topic-{topic_id}"),
                &photo.bytes,
                photo.extension,
            );
            set.set_topic_picture(&topic_id, Some(name.clone()))?;
            Ok(vec![(name, photo.bytes)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &super::html::topic_anchor(&topic),
    ))
}

/// What kind of recording a file is, from its name or the type the browser
/// gave: a hint for the decoder, which looks at the bytes anyway.
fn recording_kind(upload: &Upload) -> Option<String> {
    let from_name = upload
        .file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let from_type = match upload.content_type.split(';').next().unwrap_or("").trim() {
        "audio/webm" | "video/webm" => Some("webm"),
        "audio/mp4" | "audio/x-m4a" | "audio/aac" | "video/mp4" => Some("m4a"),
        "audio/ogg" | "audio/opus" => Some("ogg"),
        "audio/mpeg" | "audio/mp3" => Some("mp3"),
        "audio/wav" | "audio/x-wav" | "audio/wave" => Some("wav"),
        "audio/flac" => Some("flac"),
        _ => None,
    };
    from_name
        .filter(|ext| ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .or(from_type.map(str::to_string))
}

async fn card_recording(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    fn too_big(bytes: u64) -> String {
        recording::RecordingError::TooLarge {
            megabytes: bytes.div_ceil(1024 * 1024),
        }
        .to_string()
    }
    let (upload, _) = one_file(
        &signed_in,
        multipart,
        "recording",
        MAX_RECORDING_BYTES,
        too_big,
        &recording::RecordingError::Empty.to_string(),
    )
    .await?;
    let kind = recording_kind(&upload);
    let bytes = upload.bytes;
    let clip = tokio::task::spawn_blocking(move || recording::prepare(bytes, kind.as_deref()))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))?;
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name("clips", &card_id, &clip.wav, "wav");
            set.set_card_clip(&topic_id, &card_id, Some(name.clone()))?;
            Ok(vec![(name, clip.wav)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &super::html::card_anchor(&topic, &card),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_name_never_comes_from_what_the_browser_sent() {
        let name = file_name("pictures", "my-red-mug", b"bytes", "jpg");
        assert!(
            crate::store::set_versions::is_set_file_name(&name),
            "{name}"
        );
        let upload = Upload {
            file_name: "../../etc/passwd".into(),
            content_type: "audio/webm;codecs=opus".into(),
            bytes: Vec::new(),
        };
        assert_eq!(recording_kind(&upload), Some("webm".into()));
        let upload = Upload {
            file_name: "Voice 001.M4A".into(),
            content_type: String::new(),
            bytes: Vec::new(),
        };
        assert_eq!(recording_kind(&upload), Some("m4a".into()));
    }
}
