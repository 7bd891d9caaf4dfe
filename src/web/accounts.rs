//! Staff manage the accounts of the home: who can sign in, turned off and
//! on, removed, signed out everywhere, and a new one-time code for a
//! forgotten passphrase. Every one audited; an account turned off or
//! removed is signed out at once.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::SignedIn;
use super::html::{layout, local_time};
use super::{AppState, WebError};
use crate::store::accounts::{AccountChange, AccountSummary, Role};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(accounts_page))
        .route("/accounts/{id}/{change}", post(change_account))
}

fn staff_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.session.account.sees_views() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn accounts_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let now = state.now();
    let (accounts, people) = state
        .with_plan(move |plan| Ok((plan.account_summaries(now)?, plan.people()?)))
        .await?;
    let names: Vec<(String, String)> = people
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    Ok(page(&signed_in, &accounts, &names))
}

#[derive(Deserialize)]
struct ChangeForm {
    #[serde(default)]
    csrf: String,
}

async fn change_account(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((id, change)): Path<(i64, String)>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let change = match change.as_str() {
        "disable" => Some(AccountChange::Disable),
        "enable" => Some(AccountChange::Enable),
        "remove" => Some(AccountChange::Remove),
        "end-sessions" => Some(AccountChange::EndSessions),
        "make-manager" => Some(AccountChange::MakeManager),
        "end-manager" => Some(AccountChange::EndManager),
        "reset" => None,
        _ => return Err(WebError::NotFound),
    };
    let managing = matches!(
        change,
        Some(AccountChange::MakeManager | AccountChange::EndManager)
    );
    if managing && !signed_in.session.account.manages() {
        // Only a home manager makes (or unmakes) another.
        return Err(WebError::Forbidden);
    }
    let by = signed_in.name().to_string();
    let now = state.now();
    let outcome = state
        .with_plan(move |plan| {
            let Some(found) = plan
                .account_summaries(now)?
                .into_iter()
                .find(|a| a.account.id == id)
            else {
                return Err(WebError::NotFound);
            };
            let name = found.account.name;
            match change {
                Some(change) => {
                    plan.change_account(&name, change, &by, now)?;
                    Ok(None)
                }
                None => {
                    let code = plan.reset_passphrase(&name, &by, now)?;
                    Ok(Some((name, code)))
                }
            }
        })
        .await?;
    match outcome {
        None => Ok(Redirect::to("/accounts").into_response()),
        Some((name, code)) => {
            let (link, phones_can_open) = super::sets::setup_link(&state, &headers, &code);
            let qr = super::invite::qr_svg(&link).unwrap_or_default();
            Ok(reset_page(&signed_in, &name, &link, &code, &qr, phones_can_open).into_response())
        }
    }
}

fn what_it_is(summary: &AccountSummary, names: &[(String, String)]) -> String {
    match (&summary.account.role, &summary.account.person) {
        (Role::Family, Some(person)) => {
            let name = names
                .iter()
                .find(|(id, _)| id == person.as_str())
                .map_or("their person", |(_, name)| name.as_str());
            format!("family of {name}")
        }
        _ if summary.account.manages() => "staff · home manager".to_string(),
        _ => "staff".to_string(),
    }
}

fn page(signed_in: &SignedIn, accounts: &[AccountSummary], names: &[(String, String)]) -> Markup {
    let session = &signed_in.session;
    layout(
        "Accounts",
        Some(session),
        html! {
            h1 { "Accounts" }
            p.hint { "Everyone who can sign in. Turn off an account whose work here has \
                      stopped for now (an agency week, a family visit ended); remove one that \
                      has stopped for good. Either signs them out at once. Every change is \
                      kept in the audit log." }
            ul.accounts {
                @for summary in accounts {
                    @let own = summary.account.id == session.account.id;
                    @let base = format!("/accounts/{}", summary.account.id);
                    li id={ "account-" (summary.account.id) } {
                        strong { (summary.account.name) }
                        " · " (what_it_is(summary, names))
                        @if own { " · " em { "you" } }
                        br;
                        span.quiet {
                            @if let Some(at) = summary.disabled_at {
                                "Turned off since " (local_time(at)) "."
                            } @else if !summary.set_up {
                                "Waiting for a passphrase to be chosen with a one-time code."
                            } @else if summary.sessions == 1 {
                                "Signed in on 1 browser."
                            } @else {
                                "Signed in on " (summary.sessions) " browsers."
                            }
                        }
                        div.account-actions {
                            @if summary.sessions > 0 {
                                (button(&base, "end-sessions", "Sign out everywhere", &session.csrf_token))
                            }
                            (button(&base, "reset", "New one-time code", &session.csrf_token))
                            @if !own {
                                @if session.account.manages() && summary.account.sees_views() {
                                    @if summary.account.manages() {
                                        (button(&base, "end-manager", "No longer a home manager", &session.csrf_token))
                                    } @else {
                                        (button(&base, "make-manager", "Make a home manager", &session.csrf_token))
                                    }
                                }
                                @if summary.disabled_at.is_some() {
                                    (button(&base, "enable", "Turn on again", &session.csrf_token))
                                } @else {
                                    (button(&base, "disable", "Turn off", &session.csrf_token))
                                }
                                details {
                                    summary { "Remove…" }
                                    p { "Removing " (summary.account.name) " cannot be undone: to let them \
                                         back in, make a new account." }
                                    (button(&base, "remove", &format!("Yes, remove {}", summary.account.name), &session.csrf_token))
                                }
                            }
                        }
                    }
                }
            }
            p { "To add staff: " code { "sayso staff add NAME" } ". Family members are \
                 invited from their person's page." }
        },
    )
}

fn button(base: &str, change: &str, words: &str, csrf: &str) -> Markup {
    html! {
        form.inline method="post" action={ (base) "/" (change) } {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (words) }
        }
    }
}

fn reset_page(
    signed_in: &SignedIn,
    name: &str,
    link: &str,
    code: &str,
    qr_svg: &str,
    phones_can_open: bool,
) -> Markup {
    layout(
        "New one-time code",
        Some(&signed_in.session),
        html! {
            h1 { "A new one-time code for " (name) }
            @if !phones_can_open {
                div.problem role="alert" {
                    p { strong { "A phone cannot open this link yet." } " This web app answers on \
                        this machine only. To let phones in the home open it, serve the \
                        home's network:" }
                    p { code { (super::settings::SERVE_THE_HOME) } }
                }
            }
            p { (name) "'s old passphrase no longer works, and every browser they were signed \
                 in on is signed out. Within 7 days, they open this link (or scan the code) \
                 and choose a new passphrase. It works once." }
            div.qr { (maud::PreEscaped(qr_svg)) }
            p { a.invite-link href=(link) { (link) } }
            p { "Or, on the set-up page, the code: " strong.code { (code) } }
            p { a href="/accounts" { "Back to the accounts" } }
        },
    )
}
