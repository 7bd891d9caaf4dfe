//! The picture set editor's pages: a person's sets, and one set with its
//! topics and cards, each with its problems next to it. Laid out for a
//! phone first; every control works without scripts, and `sets.js` adds
//! recording in the browser where it can.

use maud::{html, Markup};

use super::heavy::MAX_PHOTOS_AT_ONCE;
use super::html::{card_anchor, layout, local_time, path_part, topic_anchor};
use crate::core::scale::{preset, PRESETS};
use crate::core::set_edit::{SetProblems, MAX_TEXT, OWN_SCALE_SYMBOLS};
use crate::core::PersonId;
use crate::core::PersonRef;
use crate::core::{Card, SetText, TopicText};
use crate::store::accounts::WebSession;
use crate::store::set_versions::KEPT_VERSIONS;

/// A set as the editor shows it.
pub struct Editing {
    pub set_id: String,
    pub person: PersonId,
    pub person_name: String,
    pub version: u32,
    pub set: SetText,
    pub files: Vec<(String, String)>,
    pub versions: Vec<crate::store::set_versions::VersionSummary>,
}

/// The picture each choice of the family's own starts with: like, not
/// sure, don't like, then want and don't want.
const FIRST_SYMBOLS: [&str; 5] = ["like", "not-sure", "dont-like", "want", "dont-want"];

/// A built-in scale, as its points read: "like / not sure / don't like".
fn scale_words(scale: &str) -> String {
    preset(scale).map_or_else(
        || scale.to_string(),
        |s| {
            s.points
                .iter()
                .map(|p| p.label.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        },
    )
}

fn scale_choice(set: &SetText, id: &str, chosen: &str) -> Markup {
    html! {
        select id=(id) name="scale" {
            @for scale in PRESETS {
                option value=(scale) selected[scale == chosen] { (scale_words(scale)) }
            }
            @for own in set.scales.keys() {
                option value=(own) selected[own == chosen] { (set.scale_words(own)) " (your own)" }
            }
        }
    }
}

fn csrf(session: &WebSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf_token); }
}

/// A person's sets, and a form to begin one: on the family's first page
/// and on the person's page for staff.
pub fn sets_section(
    session: &WebSession,
    person: &str,
    name: &str,
    sets: &[(String, String)],
) -> Markup {
    html! {
        section.sets id="sets" {
            h2 { (name) "'s picture sets" }
            @if sets.is_empty() {
                p.quiet { "No picture sets made here yet." }
            }
            ul.lines {
                @for (id, title) in sets {
                    li { a href={ "/sets/" (path_part(id)) } { (title) } }
                }
            }
            form.stack method="post" action={ "/people/" (path_part(person)) "/sets" } {
                (csrf(session))
                label for="new-set-title" { "Make a new picture set, called" }
                input id="new-set-title" name="title" required maxlength=(MAX_TEXT)
                    placeholder={ (name) "'s things" };
                button.primary type="submit" { "Make the set" }
            }
        }
    }
}

/// The form staff invite a family member with.
pub fn invite_form(session: &WebSession, person: &PersonRef) -> Markup {
    html! {
        details.invite {
            summary { "Invite a family member to make " (person.name) "'s picture sets" }
            form.stack method="post" action={ "/people/" (path_part(person.id.as_str())) "/family" } {
                (csrf(session))
                label for="family-name" { "Their name, which they will sign in with" }
                input id="family-name" name="name" required maxlength="80"
                    placeholder={ (person.name) "'s sister" };
                p.hint { "They can make " (person.name) "'s picture sets and nothing else: they see none of "
                    (person.name) "'s views unless you share them." }
                button.primary type="submit" { "Make the invitation" }
            }
        }
    }
}

/// The invitation made: the link, its code and its QR code, to give them.
pub fn invited(
    session: &WebSession,
    person: &PersonRef,
    member: &str,
    link: &str,
    code: &str,
    qr_svg: &str,
    phones_can_open: bool,
) -> Markup {
    layout(
        "Invitation made",
        Some(session),
        html! {
            h1 { "Invitation for " (member) }
            @if !phones_can_open {
                div.problem role="alert" {
                    p { strong { "A phone cannot open this link yet." } " This web app answers on \
                        this machine only. To let phones in the home open it, stop it and \
                        serve the home's network:" }
                    p { code { (super::settings::SERVE_THE_HOME) } }
                    p { "The invitation is made: the link and code below work once it does." }
                }
            }
            p { (member) " can now make " (person.name) "'s picture sets. Within 7 days, they open this \
                link on their phone (or scan the code) and choose a passphrase. It works once." }
            div.qr { (maud::PreEscaped(qr_svg)) }
            p { a.invite-link href=(link) { (link) } }
            p { "Or, on the set-up page, the code: " strong.code { (code) } }
            p { a href={ "/people/" (path_part(person.id.as_str())) "#sets" } { "Back to " (person.name) } }
        },
    )
}

pub fn editor(
    session: &WebSession,
    editing: &Editing,
    problems: &SetProblems,
    saved: Option<u32>,
    removed: Option<u32>,
) -> Markup {
    let set_path = format!("/sets/{}", path_part(&editing.set_id));
    let back = if session.account.sees_views() {
        format!("/people/{}#sets", path_part(editing.person.as_str()))
    } else {
        "/#sets".to_string()
    };
    layout(
        &editing.set.title,
        Some(session),
        html! {
            p { a href=(back) { "← " (editing.person_name) "'s picture sets" } }
            h1 { (editing.set.title) }
            p.hint { "A picture set for " (editing.person_name)
                ". Each change is saved at once; the kiosk takes it the next time it syncs, \
                 and shows it from the next time " (editing.person_name) " chooses a topic." }
            @if let Some(version) = saved {
                p.done role="status" { "Saved (version " (version) ")." }
            }
            @if let Some(version) = removed {
                form.sharing method="post" action={ (set_path) "/undo" } {
                    (csrf(session))
                    input type="hidden" name="version" value=(version);
                    span role="status" { "Removed." }
                    button type="submit" { "Undo" }
                }
            }
            @for problem in &problems.set {
                p.problem { (problem) }
            }
            section id="topics" {
                @for (index, topic) in editing.set.topics.iter().enumerate() {
                    (topic_section(session, &set_path, editing, topic, problems.of_topic(&topic.id), index))
                }
            }
            section.add-topic {
                h2 { "Add a topic" }
                form.stack method="post" action={ (set_path) "/topics" } {
                    (csrf(session))
                    label for="topic-title" { "Title (what the topic is about)" }
                    input id="topic-title" name="title" required maxlength=(MAX_TEXT)
                        placeholder="My things";
                    label for="topic-question" { "The question the kiosk asks (leave empty for “What do you think about …?”)" }
                    input id="topic-question" name="question" maxlength=(MAX_TEXT);
                    label for="topic-scale" { "The choices across the top" }
                    (scale_choice(&editing.set, "topic-scale", "like"))
                    button.primary type="submit" { "Add the topic" }
                }
            }
            details.own-scale {
                summary { "Make choices of your own for the top of the mat (2 to 5)" }
                form.stack method="post" action={ (set_path) "/scales" } {
                    (csrf(session))
                    p.hint { "From left to right, the words of each choice and its picture. Leave the ones you do not need empty." }
                    @for n in 1..=5 {
                        fieldset.choice {
                            legend { "Choice " (n) }
                            label for={ "choice-" (n) } { "Words" }
                            input id={ "choice-" (n) } name={ "label" (n) } maxlength=(MAX_TEXT);
                            label for={ "symbol-" (n) } { "Picture" }
                            select id={ "symbol-" (n) } name={ "symbol" (n) } {
                                @for (stem, _, shows) in OWN_SCALE_SYMBOLS {
                                    option value=(stem) selected[stem == FIRST_SYMBOLS[n - 1]] { (shows) }
                                }
                            }
                        }
                    }
                    button type="submit" { "Make these choices" }
                }
            }
            section.add-boards {
                h2 { "Boards from another AAC app" }
                form.stack method="post" action={ (set_path) "/boards" } enctype="multipart/form-data" {
                    (csrf(session))
                    label for="boards-file" { "A board file exported from Cboard, CoughDrop, AsTeRICS Grid or another app (.obf or .obz): each board becomes a topic, each button a card" }
                    input id="boards-file" name="boards" type="file" accept=".obf,.obz,application/zip,application/json";
                    button type="submit" { "Add these boards" }
                }
            }
            (versions_section(session, &set_path, editing))
            script src="/static/sets.js" {}
        },
    )
}

fn topic_section(
    session: &WebSession,
    set_path: &str,
    editing: &Editing,
    topic: &TopicText,
    problems: &[String],
    index: usize,
) -> Markup {
    let topic_path = format!("{set_path}/topics/{}", path_part(&topic.id));
    let last = editing.set.topics.len().saturating_sub(1);
    html! {
        section.topic.editing id=(topic_anchor(&topic.id)) {
            h2 {
                @if let Some(picture) = &topic.picture {
                    img.photo.big src={ (set_path) "/files/" (picture) } alt="";
                }
                (topic.title)
            }
            p.hint { "“" (topic.question) "” · " (editing.set.scale_words(&topic.scale)) }
            @if !problems.is_empty() {
                ul.problems {
                    @for problem in problems { li.problem { (problem) } }
                }
            }
            ol.cards {
                @for (card_index, card) in topic.cards.iter().enumerate() {
                    (card_entry(session, &topic_path, topic, card, card_index))
                }
            }
            @if !topic.cards.is_empty() {
                p { a.button href={ (set_path) "/preview/" (path_part(&topic.id)) "/0" } { "See it as the kiosk shows it" } }
            }
            details.add-card open[topic.cards.is_empty()] {
                summary { "Add cards to “" (topic.title) "”" }
                form.stack method="post" action={ (topic_path) "/cards" } enctype="multipart/form-data" {
                    (csrf(session))
                    label for={ "camera-" (topic.id) } { "Take a photo" }
                    input id={ "camera-" (topic.id) } name="photos" type="file" accept="image/*" capture="environment";
                    label for={ "photos-" (topic.id) } { "Or choose photos (up to " (MAX_PHOTOS_AT_ONCE) " at once: a card for each)" }
                    input id={ "photos-" (topic.id) } name="photos" type="file" accept="image/*" multiple;
                    label.check { input type="checkbox" name="square" value="yes"; " Keep only the middle square of each photo" }
                    label for={ "label-" (topic.id) } { "The card's words (for one card; with several photos, each is named after its photo)" }
                    input id={ "label-" (topic.id) } name="label" maxlength=(MAX_TEXT) placeholder="My red mug";
                    label for={ "says-" (topic.id) } { "What the kiosk says, if not the words above (optional)" }
                    input id={ "says-" (topic.id) } name="says" maxlength=(MAX_TEXT);
                    button.primary type="submit" { "Add" }
                }
            }
            details {
                summary { "Change or remove the topic “" (topic.title) "”" }
                form.stack method="post" action=(topic_path) {
                    (csrf(session))
                    label for={ "title-" (topic.id) } { "Title" }
                    input id={ "title-" (topic.id) } name="title" value=(topic.title) required maxlength=(MAX_TEXT);
                    label for={ "question-" (topic.id) } { "The question the kiosk asks" }
                    input id={ "question-" (topic.id) } name="question" value=(topic.question) required maxlength=(MAX_TEXT);
                    label for={ "scale-" (topic.id) } { "The choices across the top" }
                    (scale_choice(&editing.set, &format!("scale-{}", topic.id), &topic.scale))
                    div.buttons {
                        button.primary type="submit" name="action" value="save" { "Save" }
                        @if index > 0 { button type="submit" name="action" value="up" { "Move up" } }
                        @if index < last { button type="submit" name="action" value="down" { "Move down" } }
                        button type="submit" name="action" value="remove" { "Remove the topic" }
                    }
                }
                form.stack method="post" action={ (topic_path) "/picture" } enctype="multipart/form-data" {
                    (csrf(session))
                    label for={ "topic-photo-" (topic.id) } { "The topic's picture, on the list of topics" }
                    input id={ "topic-photo-" (topic.id) } name="photo" type="file" accept="image/*" required;
                    button type="submit" { "Use this picture" }
                }
            }
        }
    }
}

fn card_entry(
    session: &WebSession,
    topic_path: &str,
    topic: &TopicText,
    card: &Card,
    index: usize,
) -> Markup {
    let card_path = format!("{topic_path}/cards/{}", path_part(&card.id));
    let set_path = topic_path.split("/topics/").next().unwrap_or_default();
    let last = topic.cards.len().saturating_sub(1);
    html! {
        li.card.editing id=(card_anchor(&topic.id, &card.id)) {
            @match &card.picture {
                Some(picture) => img.card-picture src={ (set_path) "/files/" (picture) } alt="";
                None => p.quiet { "No picture yet" }
            }
            p.label { strong { (card.label) } }
            @if let Some(says) = &card.says { p.hint { "Says: “" (says) "”" } }
            @match &card.clip {
                Some(clip) => {
                    p { "Recording: " }
                    audio controls preload="none" src={ (set_path) "/files/" (clip) } {}
                }
                None => p.quiet { "No recording: the kiosk's voice says it." }
            }
            form.stack.recording method="post" action={ (card_path) "/recording" } enctype="multipart/form-data"
                data-card=(card.label) {
                (csrf(session))
                label for={ "recording-" (card_anchor(&topic.id, &card.id)) } { "Upload a recording of “" (card.spoken()) "” from the phone's recorder" }
                input id={ "recording-" (card_anchor(&topic.id, &card.id)) } name="recording" type="file" accept="audio/*";
                button type="submit" { "Save the recording" }
            }
            details {
                summary { "Change, move or remove “" (card.label) "”" }
                form.stack method="post" action=(card_path) {
                    (csrf(session))
                    label for={ "card-label-" (card_anchor(&topic.id, &card.id)) } { "Words" }
                    input id={ "card-label-" (card_anchor(&topic.id, &card.id)) } name="label" value=(card.label) required maxlength=(MAX_TEXT);
                    label for={ "card-says-" (card_anchor(&topic.id, &card.id)) } { "What the kiosk says, if not the words (optional)" }
                    input id={ "card-says-" (card_anchor(&topic.id, &card.id)) } name="says" value=[card.says.as_deref()] maxlength=(MAX_TEXT);
                    div.buttons {
                        button.primary type="submit" name="action" value="save" { "Save" }
                        @if index > 0 { button type="submit" name="action" value="up" { "Move up" } }
                        @if index < last { button type="submit" name="action" value="down" { "Move down" } }
                        @if card.clip.is_some() { button type="submit" name="action" value="no-recording" { "Remove the recording" } }
                        button type="submit" name="action" value="remove" { "Remove the card" }
                    }
                }
                form.stack method="post" action={ (card_path) "/picture" } enctype="multipart/form-data" {
                    (csrf(session))
                    label for={ "card-photo-" (card_anchor(&topic.id, &card.id)) } { "A new photo" }
                    input id={ "card-photo-" (card_anchor(&topic.id, &card.id)) } name="photo" type="file" accept="image/*" required;
                    label.check { input type="checkbox" name="square" value="yes"; " Keep only the middle square" }
                    button type="submit" { "Use this photo" }
                }
            }
        }
    }
}

/// A topic's mat as the kiosk draws it, one card at a time.
pub fn preview(session: &WebSession, editing: &Editing, topic: &TopicText, card: usize) -> Markup {
    let set_path = format!("/sets/{}", path_part(&editing.set_id));
    let base = format!("{set_path}/preview/{}", path_part(&topic.id));
    let label = topic.cards.get(card).map_or("", |c| c.label.as_str());
    layout(
        &format!("{} on the kiosk", topic.title),
        Some(session),
        html! {
            p { a href={ (set_path) "#" (topic_anchor(&topic.id)) } { "← Back to " (editing.set.title) } }
            h1 { "“" (topic.title) "” on the kiosk" }
            p.hint { "As the kiosk shows it (800 × 480), with "
                @if topic.cards.is_empty() { "no cards yet" } @else { "card " (card + 1) " of " (topic.cards.len()) ", “" (label) "”, on offer" }
                "." }
            img.preview src={ (base) "/" (card) "/mat.png" }
                alt={ "The kiosk's mat for " (topic.title) ", showing the card " (label) };
            div.buttons {
                @if card > 0 { a.button href={ (base) "/" (card - 1) } { "Previous card" } }
                @if card + 1 < topic.cards.len() { a.button href={ (base) "/" (card + 1) } { "Next card" } }
            }
        },
    )
}

fn versions_section(session: &WebSession, set_path: &str, editing: &Editing) -> Markup {
    html! {
        section id="versions" {
            h2 { "Versions" }
            p.hint { "The newest " (KEPT_VERSIONS) " versions are kept. "
                @if session.account.sees_views() { "Going back to one saves it again as the newest, for every kiosk." }
                @else { "Staff can go back to one of them." } }
            ul.lines {
                @for version in &editing.versions {
                    li {
                        form.line method="post" action={ (set_path) "/versions/" (version.version) } {
                            (csrf(session))
                            input type="hidden" name="version" value=(version.version);
                            span { "Version " (version.version) ", " (local_time(version.saved_at)) ", by " (version.saved_by)
                                @if version.version == editing.version { " (in use)" } }
                            @if session.account.sees_views() && version.version != editing.version {
                                button type="submit" { "Go back to this version" }
                            }
                        }
                    }
                }
            }
        }
    }
}
