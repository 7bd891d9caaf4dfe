//! The pages, as HTML. They lay out what the routes give them and hold no
//! rules; maud escapes every value, so a label or note of `<script>` shows as
//! text.

use chrono::{DateTime, NaiveDate, Utc};
use maud::{html, Markup};

use super::html::{card_anchor, layout, local_time, path_part};
use crate::core::{MatOutcome, PersonRef, Standing};
use crate::report::readable_date as local_date;
use crate::store::accounts::WebSession;
use crate::store::ports::staff::{
    ActionRow, CardView, DeviceHealth, MatRow, PersonNews, TopicViews,
};
use crate::store::{ActionStatus, ProfileSection};

/// A kiosk not heard from for this long is flagged on What's new.
const QUIET_DEVICE_HOURS: i64 = 36;

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

fn count_line(n: i64, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

pub fn whats_new(
    session: &WebSession,
    news: &[PersonNews],
    devices: &[DeviceHealth],
    now: DateTime<Utc>,
) -> Markup {
    let since = session.account.last_looked;
    layout(
        "What's new",
        Some(session),
        html! {
            h1 { "What's new" }
            p.hint {
                @match since {
                    Some(at) => { "Since you last marked things as seen, " (local_time(at)) "." }
                    None => { "Everything so far: you have not marked anything as seen yet." }
                }
            }
            @if news.is_empty() {
                p { "Nobody's answers have reached the support plan yet. They arrive when a kiosk syncs." }
            }
            ul.people {
                @for item in news {
                    @let base = format!("/people/{}", path_part(item.person.id.as_str()));
                    @let missed: Vec<String> = item.missed_check_ins.iter()
                        .map(|(topic, opens)| format!("{topic}, {}", local_time(*opens)))
                        .collect();
                    @let missed_line = count_line(item.check_ins_missed, "check-in nobody offered", "check-ins nobody offered")
                        .map(|line| if missed.is_empty() { line } else { format!("{line}: {}", missed.join("; ")) });
                    // Each line leads to where it can be acted on.
                    @let lines: Vec<(String, &str, &str)> = [
                        (count_line(item.new_mats, "new mat", "new mats"), "news", "#mats"),
                        (count_line(item.changed_views, "view changed", "views changed"), "change", "#views"),
                        (count_line(item.tell_me_more, "“tell me more” to follow up", "“tell me more” to follow up"), "news", "#views"),
                        (missed_line, "warn", "#mats"),
                        (count_line(item.check_ins_declined, "check-in declined", "check-ins declined"), "news", "#mats"),
                        (count_line(item.actions_overdue, "action overdue", "actions overdue"), "warn", "#actions"),
                        (count_line(item.actions_due_soon, "action due this week", "actions due this week"), "news", "#actions"),
                        (count_line(item.unconfirmed, "view not confirmed yet", "views not confirmed yet"), "news", "#views"),
                    ].into_iter().filter_map(|(line, kind, at)| line.map(|l| (l, kind, at))).collect();
                    li.person-news {
                        h2 {
                            a href=(base) {
                                @if let Some(hash) = &item.photo {
                                    img.photo src={ "/pictures/" (hash) } alt="";
                                }
                                (item.person.name)
                            }
                        }
                        @if lines.is_empty() {
                            p.quiet { "Nothing new." }
                        } @else {
                            ul.badges {
                                @for (line, kind, at) in &lines {
                                    li class=(kind) {
                                        a href={ (base) (at) } {
                                            @if *kind == "warn" { span.mark aria-hidden="true" { "! " } }
                                            (line)
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(at) = item.last_mat {
                            p.quiet { "Last mat: " (local_time(at)) }
                        }
                    }
                }
            }
            @if !news.is_empty() {
                form method="post" action="/seen" {
                    input type="hidden" name="csrf" value=(session.csrf_token);
                    button type="submit" { "I've seen these" }
                }
            }
            h2 #kiosks { "Kiosks" }
            @if devices.is_empty() {
                p.quiet { "No kiosk has synced into this plan yet." }
            }
            ul.devices {
                @for device in devices {
                    @let quiet = (now - device.last_sync).num_hours() >= QUIET_DEVICE_HOURS;
                    li class=@if quiet || !device.problems.is_empty() { "warn" } @else { "" } {
                        @let short_id = device.device_id.chars().take(8).collect::<String>();
                        @if device.name.is_empty() {
                            "Kiosk " code { (short_id) }
                        } @else {
                            strong { (device.name) } " " span.quiet { "(" code { (short_id) } ")" }
                        }
                        ": last synced " (local_time(device.last_sync))
                        " (" (count_line(device.mats, "mat", "mats").unwrap_or_else(|| "no mats".into())) ")"
                        @if quiet {
                            " " strong { "— nothing for " ((now - device.last_sync).num_hours()) " hours: is it switched on and connected?" }
                        }
                        @if !device.problems.is_empty() {
                            ul.problems {
                                @for problem in &device.problems { li { span.mark aria-hidden="true" { "! " } (problem) } }
                            }
                        }
                        form.line.kiosk-name method="post" action={ "/kiosks/" (path_part(&device.device_id)) "/name" } {
                            input type="hidden" name="csrf" value=(session.csrf_token);
                            label {
                                @if device.name.is_empty() { "Name this kiosk " } @else { "Rename " }
                                input type="text" name="name" maxlength="40" required value=(device.name)
                                    placeholder="e.g. Lounge";
                            }
                            " "
                            button type="submit" { "Save name" }
                        }
                    }
                }
            }
        },
    )
}

fn standing_badge(standing: Standing) -> Markup {
    let class = match standing {
        Standing::Unconfirmed => "badge unconfirmed",
        Standing::Confirmed => "badge confirmed",
        Standing::Disputed => "badge disputed",
    };
    html! { span class=(class) { (standing.as_str()) } }
}

/// One card of a person's views: for staff, with their notes and forms
/// (`csrf`); `None`: as shared with the family, to read only, without
/// staff's notes.
/// A confirm, dispute or note that could not be taken, shown at its card
/// with what was typed.
#[derive(Debug, Clone)]
pub struct CardProblem {
    pub topic: String,
    pub card: String,
    pub message: String,
    pub typed: String,
}

/// Notes shown on a card of a person's page, newest first; the rest are a
/// link away (a card can gather thousands over the years).
pub const NOTES_ON_A_CARD: usize = 3;

fn notes_list(notes: &[crate::store::ports::staff::StaffNote]) -> Markup {
    html! {
        ul.notes {
            @for note in notes {
                li {
                    strong { (note.kind) } " by " (note.by_whom) ", " (local_date(note.at))
                    @if !note.body.is_empty() { ": " (note.body) }
                }
            }
        }
    }
}

/// Every note on one card, newest first, a page at a time.
pub fn card_notes(
    session: &WebSession,
    person: &PersonRef,
    topic: &TopicViews,
    card: &CardView,
    page: usize,
) -> Markup {
    let topic_title = topic.title.as_str();
    let pages = card.notes.len().div_ceil(NOTES_PER_PAGE).max(1);
    let back = format!(
        "/people/{}#{}",
        path_part(person.id.as_str()),
        card_anchor(&topic.topic_id, &card.card_id)
    );
    let start = page * NOTES_PER_PAGE;
    let shown =
        &card.notes[start.min(card.notes.len())..(start + NOTES_PER_PAGE).min(card.notes.len())];
    layout(
        &format!("Notes on {}", card.label),
        Some(session),
        html! {
            p { a href=(back) { "← " (person.name) } }
            h1 { "Notes on " (card.label) " (" (topic_title) ")" }
            p.quiet { (card.notes.len()) " notes, newest first." }
            (notes_list(shown))
            @if pages > 1 {
                nav.pages aria-label="Pages of notes" {
                    @if page > 0 { a href={ "?page=" (page) } { "← Newer" } " " }
                    "Page " (page + 1) " of " (pages)
                    @if page + 1 < pages { " " a href={ "?page=" (page + 2) } { "Older →" } }
                }
            }
        },
    )
}

/// Notes on one page of a card's notes.
pub const NOTES_PER_PAGE: usize = 100;

fn card_box(
    person: &PersonRef,
    topic: &TopicViews,
    card: &CardView,
    csrf: Option<&str>,
    problem: Option<&CardProblem>,
) -> Markup {
    let problem = problem.filter(|p| p.topic == topic.topic_id && p.card == card.card_id);
    let action = format!(
        "/people/{}/cards/{}/{}",
        path_part(person.id.as_str()),
        path_part(&topic.topic_id),
        path_part(&card.card_id)
    );
    html! {
        article.card id=(card_anchor(&topic.topic_id, &card.card_id)) {
            // The label says it: the picture is not read out twice.
            @if let Some(hash) = &card.picture {
                img.card-picture src={ "/pictures/" (hash) } alt="" loading="lazy";
            }
            h4 { (card.label) }
            p.said {
                "Said " (card.times_said) " time" @if card.times_said != 1 { "s" }
                " out of " (card.times_asked) ", since " (local_date(card.since))
            }
            (super::trend::chart(&card.label, &topic.points, &card.history))
            @if let Some(before) = &card.changed_from {
                p.change {
                    strong { "Changed: " }
                    "was " em { (before) }
                    @if let Some(until) = card.changed_until { " until " (local_date(until)) }
                }
            }
            @if card.tell_me_more { p.more { "Asked to tell more" } }
            p { (standing_badge(card.standing)) }
            @if csrf.is_some() && !card.notes.is_empty() {
                (notes_list(&card.notes[..card.notes.len().min(NOTES_ON_A_CARD)]))
                @if card.notes.len() > NOTES_ON_A_CARD {
                    p { a href={ (action) "/notes" } {
                        "All " (card.notes.len()) " notes on " (card.label)
                    } }
                }
            }
            @if let Some(csrf) = csrf {
                details open[problem.is_some()] {
                    summary { "Confirm, dispute or add a note" }
                    form.stack method="post" action=(action) {
                        input type="hidden" name="csrf" value=(csrf);
                        @if let Some(problem) = problem {
                            p.problem role="alert" { (problem.message) }
                        }
                        label for={ "body-" (card_anchor(&topic.topic_id, &card.card_id)) } { "Note or reason (needed to dispute)" }
                        textarea id={ "body-" (card_anchor(&topic.topic_id, &card.card_id)) } name="body" rows="2" maxlength="2000" {
                            @if let Some(problem) = problem { (problem.typed) }
                        }
                        div.buttons {
                            button type="submit" name="verdict" value="confirm" { "Confirm" }
                            button type="submit" name="verdict" value="dispute" { "Dispute" }
                            button type="submit" name="verdict" value="note" { "Add note" }
                        }
                    }
                }
                // An action about this card, from the card itself.
                @let anchor = card_anchor(&topic.topic_id, &card.card_id);
                details.card-action {
                    summary { "Add an action about " (card.label) }
                    form.stack method="post" action={ "/people/" (path_part(person.id.as_str())) "/actions" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="card" value={ (topic.topic_id) "/" (card.card_id) };
                        label for={ "what-" (anchor) } { "What will be done" }
                        input id={ "what-" (anchor) } name="what" required maxlength="200";
                        label for={ "who-" (anchor) } { "Who will do it" }
                        input id={ "who-" (anchor) } name="who" required maxlength="200";
                        label for={ "due-" (anchor) } { "By when (optional)" }
                        input id={ "due-" (anchor) } name="due" type="date";
                        button type="submit" { "Add this action" }
                    }
                }
            }
        }
    }
}

fn topic_mat(
    person: &PersonRef,
    topic: &TopicViews,
    csrf: Option<&str>,
    problem: Option<&CardProblem>,
) -> Markup {
    let unplaced: Vec<&CardView> = topic.cards.iter().filter(|c| c.point.is_none()).collect();
    let columns = (topic.points.len() + usize::from(!unplaced.is_empty())).clamp(1, 6);
    html! {
        section.topic aria-labelledby={ "topic-" (card_anchor(&topic.topic_id, "")) } {
            h3 id={ "topic-" (card_anchor(&topic.topic_id, "")) } { (topic.title) }
            // A class, not a style attribute: the page's CSP forbids inline styles.
            div class={ "mat points-" (columns) } {
                @for (i, point) in topic.points.iter().enumerate() {
                    div.point {
                        h4.point-label { (point) }
                        @for card in topic.cards.iter().filter(|c| c.point == Some(i)) {
                            (card_box(person, topic, card, csrf, problem))
                        }
                    }
                }
                @if !unplaced.is_empty() {
                    div.point {
                        h4.point-label { "Other" }
                        @for card in unplaced { (card_box(person, topic, card, csrf, problem)) }
                    }
                }
            }
        }
    }
}

/// "the bus (Going out)", from the ids an action keeps.
fn card_name(views: &[TopicViews], topic: &str, card: &str) -> String {
    views
        .iter()
        .find(|t| t.topic_id == topic)
        .and_then(|t| {
            t.cards
                .iter()
                .find(|c| c.card_id == card)
                .map(|c| format!("{} ({})", c.label, t.title))
        })
        .unwrap_or_else(|| format!("{card} ({topic})"))
}

/// What happened on a mat, told apart: finished (and how), practice, said
/// "not now", or left part-way.
fn mat_outcome(mat: &MatRow) -> Markup {
    let seconds = |ms: i64| format!("{:.1} s", ms as f64 / 1000.0);
    html! {
        @match mat.outcome {
            MatOutcome::Declined => { "Said “not now”" }
            MatOutcome::Partial => {
                strong { "Left part-way: not counted. " }
                (mat.cards_placed) " placed before it was left."
            }
            MatOutcome::Finished => {
                @if mat.practice { strong { "Practice: not counted. " } }
                (mat.cards_placed) " placed"
                @if mat.cards_skipped > 0 { ", " (mat.cards_skipped) " skipped" }
                @if mat.tell_me_more > 0 { ", " (mat.tell_me_more) " “tell me more”" }
                @if let (Some(mean), Some(longest)) = (mat.mean_response_ms, mat.longest_response_ms) {
                    br;
                    span.quiet { "Answers took " (seconds(mean)) " on average, " (seconds(longest)) " at most." }
                }
            }
        }
    }
}

fn status_word(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Open => "open",
        ActionStatus::Done => "done",
        ActionStatus::Dropped => "dropped",
    }
}

/// What a person's page shows.
pub struct PersonPage<'a> {
    pub person: &'a PersonRef,
    pub photo: Option<&'a str>,
    /// Shared with the person's family accounts.
    pub views_shared: bool,
    pub views: &'a [TopicViews],
    pub mats: &'a [MatRow],
    pub actions: &'a [ActionRow],
    pub today: NaiveDate,
    /// The person's picture sets: id and title.
    pub sets: &'a [(String, String)],
    /// A form at one card that could not be taken, shown there.
    pub card_problem: Option<&'a CardProblem>,
}

pub fn person(session: &WebSession, page: &PersonPage) -> Markup {
    let PersonPage {
        person,
        photo,
        views_shared,
        views,
        mats,
        actions,
        today,
        sets,
        card_problem,
    } = *page;
    let csrf = &session.csrf_token;
    let base = format!("/people/{}", path_part(person.id.as_str()));
    layout(
        &person.name,
        Some(session),
        html! {
            h1 {
                @if let Some(hash) = photo { img.photo.big src={ "/pictures/" (hash) } alt=""; }
                (person.name)
            }
            nav.jump aria-label="On this page" {
                a href="#views" { "Views" } a href="#actions" { "Actions" } a href="#mats" { "Mats" }
                a href="#sets" { "Picture sets" }
                a href={ (base) "/profile" } { "One-page profile" }
                a href={ (base) "/report" } { "Review-meeting report" }
            }
            form.sharing method="post" action={ (base) "/sharing" } {
                input type="hidden" name="csrf" value=(csrf);
                @if views_shared {
                    input type="hidden" name="shared" value="no";
                    span { (person.name) "'s family accounts can see these views (not your notes). " }
                    button type="submit" { "Stop sharing with family" }
                } @else {
                    input type="hidden" name="shared" value="yes";
                    span { (person.name) "'s family accounts cannot see these views. " }
                    button type="submit" { "Share the views with family" }
                }
            }
            h2 id="views" { "What " (person.name) " says" }
            @if views.is_empty() {
                p.quiet { "No finished mats yet." }
            }
            @for topic in views { (topic_mat(person, topic, Some(csrf), card_problem)) }

            h2 id="actions" { "Actions" }
            @if actions.is_empty() { p.quiet { "No actions yet." } }
            ul.actions {
                @for action in actions {
                    @let overdue = action.status == ActionStatus::Open && action.due.is_some_and(|d| d < today);
                    li class=@if overdue { "action warn" } @else { "action" } {
                        p {
                            strong { (action.what) } " — " (action.who)
                            @if let Some(due) = action.due { ", by " (due.format("%-d %b %Y")) }
                            " · " span.status { (status_word(action.status)) }
                            @if overdue { " · " strong { "overdue" } }
                        }
                        @if let Some((topic, card)) = &action.card {
                            p.quiet { "About " (card_name(views, topic, card)) }
                        }
                        @if let Some(note) = &action.outcome_note { @if !note.is_empty() { p { (note) } } }
                        @if let Some(words) = &action.tell_person {
                            // "Told" only once a kiosk has told them, with their answer.
                            @match &action.told {
                                Some((answer, at)) => p.told {
                                    "Told " (person.name) " on the kiosk on " (local_date(*at)) ": “" (words) "” "
                                    (person.name) "'s answer: " strong { (answer) }
                                },
                                None => p.quiet {
                                    "To tell " (person.name) " on the kiosk: “" (words) "” (not told yet)"
                                },
                            }
                        }
                        @if action.status == ActionStatus::Open {
                            details {
                                summary { "Mark done or dropped" }
                                form.stack method="post" action={ (base) "/actions/" (action.id) "/status" } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    label for={ "note-" (action.id) } { "What was done, or why it was dropped" }
                                    textarea id={ "note-" (action.id) } name="note" rows="2" maxlength="2000" {}
                                    @if action.card.is_some() {
                                        label for={ "tell-" (action.id) } {
                                            "When it is done: what to tell " (person.name) " on the kiosk (optional, a short sentence with the card's picture, e.g. “Jo found a new class: trampolining.”)"
                                        }
                                        input id={ "tell-" (action.id) } name="tell" maxlength="200";
                                    }
                                    div.buttons {
                                        button type="submit" name="status" value="done" { "Done" }
                                        button type="submit" name="status" value="dropped" { "Dropped" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            details.add-action open[actions.is_empty()] {
                summary { "Add an action" }
                form.stack method="post" action={ (base) "/actions" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="what" { "What will be done" }
                    input id="what" name="what" required maxlength="200";
                    label for="who" { "Who will do it" }
                    input id="who" name="who" required maxlength="200" value=(session.account.name);
                    label for="due" { "By when (optional)" }
                    input id="due" name="due" type="date";
                    label for="card" { "About which card (optional)" }
                    select id="card" name="card" {
                        option value="" { "No one card" }
                        @for topic in views {
                            optgroup label=(topic.title) {
                                @for card in &topic.cards {
                                    option value={ (topic.topic_id) "/" (card.card_id) } { (card.label) " (" (card.view) ")" }
                                }
                            }
                        }
                    }
                    button.primary type="submit" { "Add the action" }
                }
            }

            h2 id="mats" { "Mats" }
            @if mats.is_empty() { p.quiet { "No mats yet." } }
            @else {
                table.mats {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Topic" } th scope="col" { "What happened" } th scope="col" { "With" } th scope="col" { "The mat" } } }
                    tbody {
                        @for mat in mats {
                            tr class=[mat.practice.then_some("practice")] {
                                td { (local_time(mat.finished_at)) }
                                td { (mat.topic_title) }
                                td { (mat_outcome(mat)) }
                                td {
                                    @match &mat.supporter {
                                        Some(name) => { (name) @if mat.helped { " (helped)" } }
                                        None => { "On their own" }
                                    }
                                }
                                td {
                                    @if let Some(hash) = &mat.picture {
                                        a.kept-mat-link href={ "/pictures/" (hash) } {
                                            img.kept-mat src={ "/pictures/" (hash) } loading="lazy"
                                                alt={ "The " (mat.topic_title) " mat as " (person.name) " left it, " (local_date(mat.finished_at)) };
                                        }
                                    }
                                    @if mat.outcome == MatOutcome::Finished {
                                        form.practice method="post" action={ (base) "/mats/" (path_part(&mat.session_id)) "/practice" } {
                                            input type="hidden" name="csrf" value=(csrf);
                                            @if mat.practice {
                                                input type="hidden" name="practice" value="no";
                                                button type="submit" { "Count it after all" }
                                            } @else {
                                                input type="hidden" name="practice" value="yes";
                                                button type="submit" { "It was practice: don't count it" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // The picture sets, after what the person says: staff come for
            // the views first.
            (super::set_pages::sets_section(session, person.id.as_str(), &person.name, sets))
            (super::set_pages::invite_form(session, person))
        },
    )
}

/// Confirmed views, as lines a profile can take, in the person's own
/// words: "I like pizza."
fn confirmed_lines(views: &[TopicViews]) -> Vec<String> {
    views
        .iter()
        .flat_map(|topic| {
            topic
                .cards
                .iter()
                .filter(|card| card.standing == Standing::Confirmed)
                .map(|card| crate::core::scale::view_as_sentence(&card.view, &card.label))
        })
        .collect()
}

pub fn profile(
    session: &WebSession,
    person: &PersonRef,
    sections: &[(ProfileSection, String)],
    views: &[TopicViews],
) -> Markup {
    let base = format!("/people/{}", path_part(person.id.as_str()));
    let lines = confirmed_lines(views);
    layout(
        &format!("{}'s profile", person.name),
        Some(session),
        html! {
            h1 { (person.name) "'s one-page profile" }
            p { a href=(base) { "Back to " (person.name) "'s views" } }
            form.stack method="post" action={ (base) "/profile" } {
                input type="hidden" name="csrf" value=(session.csrf_token);
                @for (section, body) in sections {
                    label for=(section.as_str()) { (section.heading()) }
                    textarea id=(section.as_str()) name=(section.as_str()) rows="5" maxlength="2000" { (body) }
                }
                button.primary type="submit" { "Save the profile" }
            }
            h2 { "Confirmed views to add" }
            @if lines.is_empty() {
                p.quiet { "None yet: views confirmed on " (person.name) "'s page are offered here." }
            }
            ul.lines {
                @for (i, line) in lines.iter().enumerate() {
                    li {
                        form.line method="post" action={ (base) "/profile/lines" } {
                            input type="hidden" name="csrf" value=(session.csrf_token);
                            input type="hidden" name="line" value=(line);
                            span { (line) }
                            label.hidden-label for={ "section-" (i) } { "Add to which section" }
                            select id={ "section-" (i) } name="section" {
                                @for (section, _) in sections {
                                    option value=(section.as_str()) selected[*section == ProfileSection::Important] { (section.heading()) }
                                }
                            }
                            button type="submit" { "Add" }
                        }
                    }
                }
            }
        },
    )
}

pub fn review_report(session: &WebSession, report: &crate::report::review::ReviewReport) -> Markup {
    let person = &report.person;
    let base = format!("/people/{}", path_part(person.id.as_str()));
    let period = format!(
        "{} to {}",
        report.from.format("%-d %b %Y"),
        report.to.format("%-d %b %Y")
    );
    layout(
        &format!("{}: review-meeting report", person.name),
        Some(session),
        html! {
            div.report {
                h1 { (person.name) ": review-meeting report" }
                p.period { (period) }
                form.no-print.period-form method="get" action={ (base) "/report" } {
                    label for="from" { "From" }
                    input id="from" name="from" type="date" value=(report.from);
                    label for="to" { "To" }
                    input id="to" name="to" type="date" value=(report.to);
                    button type="submit" { "Show" }
                    a.button href={ (base) "/report.pdf?from=" (report.from) "&to=" (report.to) } { "Download as PDF" }
                    span.hint { "Or print this page (Ctrl+P) for the meeting." }
                }

                h2 { "One-page profile" }
                @let written: Vec<_> = report.profile.iter().filter(|(_, body)| !body.trim().is_empty()).collect();
                @if written.is_empty() { p.quiet { "Not written yet." } }
                @for (section, body) in written {
                    h3 { (section.heading()) }
                    @for line in body.lines() { p { (line) } }
                }

                h2 { "What " (person.name) " says now" }
                @if report.views.is_empty() { p.quiet { "No views yet." } }
                @for topic in &report.views {
                    h3 { (topic.title) }
                    table.views {
                        thead { tr { th scope="col" { "Card" } th scope="col" { "View" } th scope="col" { "How often" } th scope="col" { "Since" } th scope="col" { "Staff" } } }
                        tbody {
                            @for card in &topic.cards {
                                tr {
                                    td { (card.label) }
                                    td data-label="View" { strong { (card.view) } }
                                    td data-label="How often" { (card.times_said) " of " (card.times_asked) }
                                    td data-label="Since" { (local_date(card.since)) }
                                    td data-label="Staff" { (card.standing.as_str()) }
                                }
                            }
                        }
                    }
                }

                h2 { "What changed in this period" }
                @if report.changes.is_empty() { p.quiet { "No view changed." } }
                ul {
                    @for change in &report.changes {
                        li { (change.card) " (" (change.topic) "): was " em { (change.before) } ", now " strong { (change.now) } " since " (local_date(change.since)) }
                    }
                }

                h2 { "Mats in this period" }
                p { (report.mats.len()) " mat(s)." }
                @if !report.mats.is_empty() {
                    table.mats {
                        thead { tr { th scope="col" { "When" } th scope="col" { "Topic" } th scope="col" { "What happened" } th scope="col" { "With" } } }
                        tbody {
                            @for mat in &report.mats {
                                tr {
                                    td { (local_time(mat.finished_at)) }
                                    td { (mat.topic_title) }
                                    td { (mat_outcome(mat)) }
                                    td { @match &mat.supporter { Some(name) => { (name) @if mat.helped { " (helped)" } } None => { "On their own" } } }
                                }
                            }
                        }
                    }
                }

                @let kept: Vec<&MatRow> = report.mats.iter().filter(|m| m.picture.is_some()).take(crate::report::review::KEPT_PICTURES).collect();
                @if !kept.is_empty() {
                    h3 { "Kept mats, the most recent" }
                    div.kept-mats {
                        @for mat in kept {
                            figure {
                                img.kept-mat src={ "/pictures/" (mat.picture.as_deref().unwrap_or_default()) }
                                    alt={ "The " (mat.topic_title) " mat as " (person.name) " left it" };
                                figcaption { (mat.topic_title) ", " (local_date(mat.finished_at)) }
                            }
                        }
                    }
                }

                h2 { "“Something else”: cards " (person.name) " added" }
                @if report.something_else.is_empty() { p.quiet { "None in this period." } }
                ul {
                    @for added in &report.something_else {
                        li { (added.label) " (" (added.topic) ", " (local_date(added.at)) ")" @if let Some(view) = &added.view { ": " strong { (view) } } }
                    }
                }

                h2 { "Actions" }
                @if report.actions.is_empty() { p.quiet { "No actions in this period." } }
                ul {
                    @for action in &report.actions {
                        li {
                            strong { (action.what) } " — " (action.who) ": " (status_word(action.status))
                            @if let Some(note) = &action.outcome_note { @if !note.is_empty() { ". " (note) } }
                            @if let Some(words) = &action.tell_person {
                                @match &action.told {
                                    Some((answer, _)) => { " · Told " (person.name) ": “" (words) "”, who answered: " (answer) }
                                    None => { " · To tell " (person.name) ": “" (words) "” (not told yet)" }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
