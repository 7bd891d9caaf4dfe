//! A card previewed as the person will see it: drawn by the kiosk's own
//! screens in a process of its own.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::core::SetText;
use crate::web::auth::SignedIn;
use crate::web::set_pages;
use crate::web::{AppState, WebError};

use super::editing::*;

/// How long drawing a preview may take before it is given up.
pub(super) const PREVIEW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub(super) async fn preview_page(
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
pub(super) async fn preview_picture(
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
pub(super) fn draw_preview(
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
