//! The pages, as HTML. They lay out what the routes give them and hold no
//! rules; maud escapes every value, so a label or note of `<script>` shows as
//! text.

use maud::{html, Markup};

use super::html::layout;
use crate::core::PersonRef;
use crate::store::accounts::WebSession;
use crate::store::ports::staff::TopicViews;

mod house;
mod kiosks;
mod person;
mod profile;
mod whats_new;

pub use house::*;
pub use kiosks::*;
pub use person::*;
pub use profile::*;
pub use whats_new::*;

pub fn sign_in(message: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(message) = message {
                p.problem role="alert" { (message) }
            }
            form.stack method="post" action="/signin" {
                label for="name" { "Your name" }
                input id="name" name="name" autocomplete="username" required maxlength="80";
                label for="passphrase" { "Passphrase" }
                input id="passphrase" name="passphrase" type="password"
                    autocomplete="current-password" required;
                button.primary type="submit" { "Sign in" }
            }
            p.hint { "New here? Use the set-up link or code you were given: "
                a href="/setup" { "set up your account" } "." }
        },
    )
}

pub fn setup(code: &str, message: Option<&str>) -> Markup {
    layout(
        "Set up your account",
        None,
        html! {
            h1 { "Set up your account" }
            @if let Some(message) = message {
                p.problem role="alert" { (message) }
            }
            form.stack method="post" action="/setup" {
                label for="code" { "Set-up code" }
                input id="code" name="code" value=(code) required autocomplete="one-time-code"
                    maxlength="40";
                label for="passphrase" { "Choose a passphrase (at least 10 characters; a few words are easiest)" }
                input id="passphrase" name="passphrase" type="password" required
                    autocomplete="new-password" minlength="10";
                label for="again" { "The same passphrase again" }
                input id="again" name="again" type="password" required
                    autocomplete="new-password" minlength="10";
                button.primary type="submit" { "Set up and sign in" }
            }
        },
    )
}

/// The signed-in person's own account: their PIN for the kiosk's staff screen.
pub fn account(session: &WebSession, has_pin: bool, message: Option<(&str, bool)>) -> Markup {
    layout(
        "Your account",
        Some(session),
        html! {
                    h1 { "Your account" }
                    @if let Some((message, ok)) = message {
                        @if ok { p.done role="status" { (message) } }
                        @else { p.problem role="alert" { (message) } }
                    }
        @if !session.account.sees_views() {
                        p { "This account sets up a person's picture sets. The kiosk's staff screen is for their support staff." }
                    } @else {
                    h2 { "PIN for the kiosk's staff screen" }
                    p {
                        @if has_pin { "You have a PIN. A new one replaces it." }
                        @else { "You have no PIN yet. With one, you can open the staff screen on the kiosk itself." }
                    }
                    form.stack method="post" action="/account/pin" {
                        input type="hidden" name="csrf" value=(session.csrf_token);
                        label for="pin" { "New PIN (4 to 8 digits)" }
                        input id="pin" name="pin" type="password" inputmode="numeric" required
                            autocomplete="off" minlength="4" maxlength="8" pattern="[0-9]{4,8}";
                        label for="pin-again" { "The same PIN again" }
                        input id="pin-again" name="again" type="password" inputmode="numeric" required
                            autocomplete="off" minlength="4" maxlength="8" pattern="[0-9]{4,8}";
                        label for="passphrase" { "Your passphrase, to show it is you" }
                        input id="passphrase" name="passphrase" type="password" required
                            autocomplete="current-password";
                        button.primary type="submit" { "Set the PIN" }
                    }
                    }
                },
    )
}

/// A family account's first page: their person, and that person's views
/// if staff have shared them.
pub fn family_home(
    session: &WebSession,
    person: Option<&PersonRef>,
    photo: Option<&str>,
    shared_views: Option<&[TopicViews]>,
    sets: &[(String, String)],
) -> Markup {
    layout(
        "Welcome",
        Some(session),
        html! {
            h1 { "Welcome, " (session.account.name) }
            p { "This account is for setting up a person's picture sets." }
            @if let Some(person) = person {
                h2 {
                    @if let Some(hash) = photo { img.photo src={ "/pictures/" (hash) } alt=""; }
                    (person.name)
                }
                (super::set_pages::sets_section(session, person.id.as_str(), &person.name, sets))
                @match shared_views {
                    Some(views) => {
                        p.hint { "What " (person.name) " says, as their support staff have shared it with you." }
                        @if views.is_empty() { p.quiet { "No finished mats yet." } }
                        @for topic in views { (topic_mat(person, topic, None, None)) }
                    }
                    None => {
                        p { (person.name) "'s answers are kept for their support staff, who can share them with you." }
                    }
                }
            }
        },
    )
}
