//! The hub's kiosks: a pairing code to add one, the list, revoking one.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::Markup;

use crate::web::api::{give_home_file, GiveError};
use crate::web::auth::SignedIn;
use crate::web::pages::{self, HomeFileShown, HubShown, KioskShown};
use crate::web::{AppState, Reach, WebError};

use super::checks::*;
use super::sign_in_out::CsrfForm;

/// How kiosks reach this hub, as the pages show it.
fn hub_shown(state: &AppState) -> HubShown {
    let url = match state.reach() {
        Reach::ThisMachineOnly { url } | Reach::Network { url } => url.trim_end_matches('/'),
    };
    HubShown {
        url: url.to_string(),
        key_words: state
            .hub_key()
            .map(crate::sync::hub::pinning::fingerprint_words),
        key: state.hub_key().map(str::to_string),
    }
}

pub(super) async fn kiosks_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let kiosks = state
        .with_plan(|plan| {
            let mut known = plan.devices()?;
            let paired = plan.kiosks().paired_kiosks()?;
            Ok(paired
                .into_iter()
                .map(|entry| {
                    let health = known
                        .iter()
                        .position(|d| d.device_id == entry.device_id)
                        .map(|at| known.swap_remove(at));
                    KioskShown { entry, health }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let home = home_file_shown(&state).await?;
    Ok(pages::kiosks(
        &signed_in.session,
        (&hub_shown(&state), &home),
        &kiosks,
        state.now(),
    ))
}

/// The hub's home file as the kiosks take it, looked at afresh (a change
/// is given to them now).
async fn home_file_shown(state: &AppState) -> Result<HomeFileShown, WebError> {
    let refused = match give_home_file(state).await {
        Ok(()) => None,
        Err(GiveError::File(e)) => Some(e.to_string()),
        Err(GiveError::Web(e)) => return Err(e),
    };
    let given = state
        .with_plan(|plan| Ok(plan.kiosks().given_home()?))
        .await?;
    let path = state.home_file();
    Ok(HomeFileShown {
        path: path.map_or_else(String::new, |p| p.display().to_string()),
        exists: path.is_some_and(std::path::Path::is_file),
        refused,
        given,
    })
}

/// Staff press "Add a kiosk": a code for one kiosk, good for 15 minutes.
pub(super) async fn new_pairing_code(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Markup, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let hub = hub_shown(&state);
    if hub.key.is_none() {
        return Err(WebError::BadInput(
            "Kiosks reach the hub over HTTPS only: start the web app with `sayso serve --listen 0.0.0.0:8470`.".into(),
        ));
    }
    let by = signed_in.name().to_string();
    let now = state.now();
    let code = state
        .with_plan(move |plan| Ok(plan.kiosks().new_pairing_code(&by, now)?))
        .await?;
    Ok(pages::pairing_code(&signed_in.session, &hub, &code))
}

pub(super) async fn revoke_kiosk(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(device): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let revoked = state
        .with_plan(move |plan| Ok(plan.kiosks().revoke_kiosk(&device, &by, now)?))
        .await?;
    if !revoked {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/kiosks").into_response())
}
