//! What every page is made with: the layout around it, times as staff read
//! them, URL path parts and the ids links point at.

use chrono::{DateTime, Local, Utc};
use maud::{html, Markup, DOCTYPE};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::store::accounts::WebSession;

/// A time as staff read it, in this machine's time zone.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// What a URL path segment may hold as it is (RFC 3986's unreserved).
const PATH_PART: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One segment of a URL path.
pub fn path_part(text: &str) -> String {
    utf8_percent_encode(text, PATH_PART).to_string()
}

/// An id as part of an HTML id: letters and digits, the rest `-`.
fn anchor_part(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The id of a card's box on a person's page or in the set editor, for
/// links back to it.
pub fn card_anchor(topic: &str, card: &str) -> String {
    format!("card-{}-{}", anchor_part(topic), anchor_part(card))
}

/// The id of a topic's section in the set editor.
pub fn topic_anchor(topic: &str) -> String {
    format!("topic-{}", anchor_part(topic))
}

/// Every page: its title, the top bar (with the signed-in account's
/// links and sign-out), and its body.
pub fn layout(title: &str, session: Option<&WebSession>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · sayso" }
                link rel="stylesheet" href="/static/sayso.css";
            }
            body {
                header.top {
                    a.brand href="/" { "sayso" }
                    @if let Some(session) = session {
                        nav aria-label="Main" {
                            a href="/" { "What's new" }
                            @if session.account.sees_views() {
                                a href="/house" { "The house" }
                            }
                            @if session.account.sees_views() {
                                a href="/accounts" { "Accounts" }
                            }
                            a href="/account" { "Your account" }
                        }
                        form.signout method="post" action="/signout" {
                            input type="hidden" name="csrf" value=(session.csrf_token);
                            span.who { "Signed in as " (session.account.name) }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" { (body) }
            }
        }
    }
}
