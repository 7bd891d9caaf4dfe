//! A person's page: their views laid out like the mat with staff's
//! verdicts and notes, their actions, mats and sets.

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::core::{MatOutcome, PersonRef, Standing};
use crate::report::readable_date as local_date;
use crate::store::accounts::WebSession;
use crate::store::ports::staff::{ActionRow, CardView, MatRow, TopicViews};
use crate::store::ActionStatus;
use crate::web::html::{card_anchor, layout, local_time, path_part};

pub(super) fn standing_badge(standing: Standing) -> Markup {
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

pub(super) fn notes_list(notes: &[crate::store::ports::staff::StaffNote]) -> Markup {
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

pub(super) fn card_box(
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
            (crate::web::trend::chart(&card.label, &topic.points, &card.history))
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

pub(super) fn topic_mat(
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
pub(super) fn card_name(views: &[TopicViews], topic: &str, card: &str) -> String {
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
pub(super) fn mat_outcome(mat: &MatRow) -> Markup {
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

pub(super) fn status_word(status: ActionStatus) -> &'static str {
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
            (crate::web::set_pages::sets_section(session, person.id.as_str(), &person.name, sets))
            (crate::web::set_pages::invite_form(session, person))
        },
    )
}
