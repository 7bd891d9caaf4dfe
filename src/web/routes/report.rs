//! The review-meeting report, as a page and as a PDF.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

use crate::core::PersonId;
use crate::web::auth::SignedIn;
use crate::web::{pages, AppState, WebError};

use super::checks::*;
use super::views_and_actions::parse_due;

// --- The review-meeting report ----------------------------------------------

#[derive(Deserialize)]
pub(super) struct ReportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A printable report for a review meeting; by default the last three months.
pub(super) async fn review_report(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Markup, WebError> {
    let report = gather_report(&state, &signed_in, person, &query).await?;
    Ok(pages::review_report(&signed_in.session, &report))
}

pub(super) async fn gather_report(
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
pub(super) async fn review_report_pdf(
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
