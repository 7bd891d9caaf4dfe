//! Evidence for inspection: a period's questions for the house, their
//! counts, decisions and outcomes, as one PDF a home manager hands to an
//! inspector. Making it is audited.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Local, NaiveDate};
use serde::Deserialize;

use crate::report::house_evidence;
use crate::web::auth::SignedIn;
use crate::web::{AppState, WebError};

use super::checks::staff_only;
use super::house::{download, manager_only, start_of};

#[derive(Deserialize)]
pub(super) struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1970..=9999).contains(&chrono::Datelike::year(d)))
}

pub(super) async fn evidence_pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(period): Query<Period>,
) -> Result<Response, WebError> {
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    let (Some(from), Some(to)) = (day(&period.from), day(&period.to)) else {
        return Err(WebError::BadInput(
            "Give the first and last day of the period as dates.".into(),
        ));
    };
    if to < from {
        return Err(WebError::BadInput(
            "The period ends before it starts: choose a last day after the first.".into(),
        ));
    }
    let by = signed_in.name().to_string();
    let now = state.now();
    let report = state
        .with_plan(move |plan| {
            let house = plan.house();
            let report =
                house_evidence::gather(&*house, (from, to), |day| start_of(day, &Local), &by, now)?;
            house.record_evidence_made(&format!("{from} to {to}"), &by, now)?;
            Ok(report)
        })
        .await?;
    let pdf = tokio::task::spawn_blocking(move || house_evidence::evidence_pdf(&report))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| {
            tracing::warn!("the evidence for inspection could not be made: {e}");
            WebError::Internal
        })?;
    Ok(download(
        "application/pdf",
        &format!("house-evidence-{from}-to-{to}.pdf"),
        pdf,
    ))
}
