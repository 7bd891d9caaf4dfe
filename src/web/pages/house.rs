//! The house's questions: the list, the form a home manager makes one
//! with, and the residents' meeting page.

use chrono::{DateTime, Duration, Local, NaiveDate, Utc};
use maud::{html, Markup};

use crate::core::house_question::{Count, MOST_CARDS};
use crate::core::scale::{self, Scale};
use crate::core::PersonId;
use crate::report::meeting::MeetingReport;
use crate::store::accounts::WebSession;
use crate::store::ports::house::{
    Decision, HomeCardPicture, HouseQuestion, QuestionListed, Resident,
};
use crate::store::ActionStatus;
use crate::web::html::{card_anchor, layout, local_time, path_part};

/// The new-question form's fields, as shown (again, with a problem, when
/// the question was refused: nothing typed is lost).
pub struct QuestionForm {
    pub title: String,
    pub question: String,
    pub scale: String,
    /// One card a line.
    pub cards: String,
    pub people: Vec<PersonId>,
    pub opens: NaiveDate,
    pub closes: NaiveDate,
    pub asks_again: Option<String>,
}

/// A window as the days it covers: from the start of its first to the end
/// of its last, in this machine's time zone.
fn days(opens: DateTime<Utc>, closes: DateTime<Utc>) -> String {
    let day = |at: DateTime<Utc>| at.with_timezone(&Local).format("%a %-d %b %Y").to_string();
    format!("{} to {}", day(opens), day(closes - Duration::seconds(1)))
}

fn window(opens: DateTime<Utc>, closes: DateTime<Utc>, now: DateTime<Utc>) -> Markup {
    let words = if now < opens {
        "not open yet"
    } else if now < closes {
        "open now"
    } else {
        "closed"
    };
    html! {
        span.quiet { "Offered " (days(opens, closes)) " · " strong { (words) } }
    }
}

pub fn house_questions(
    session: &WebSession,
    questions: &[QuestionListed],
    now: DateTime<Utc>,
) -> Markup {
    layout(
        "The house's questions",
        Some(session),
        html! {
            h1 { "The house's questions" }
            p { "A question for everyone who lives here, for the residents' meeting. Each \
                 resident answers it on the kiosk, alone and at their own pace, while its \
                 window is open. The meeting sees how many put each card where, never who, \
                 unless a resident agreed to be named." }
            @if session.account.manages() {
                p { a.button href="/house/new" { "Ask the house a question" } }
            } @else {
                p.hint { "A home manager asks the house's questions." }
            }
            @if questions.is_empty() {
                p.quiet { "No question has been asked yet." }
            }
            ul.questions {
                @for q in questions {
                    li {
                        a href={ "/house/" (path_part(&q.id)) } { strong { (q.title) } }
                        br;
                        (window(q.opens, q.closes, now))
                        br;
                        span { (q.answered) " of " (q.asked) " residents answered" }
                    }
                }
            }
            @if session.account.manages() {
                (evidence_form(now))
            }
        },
    )
}

/// A period's evidence for an inspector, the last three months unless the
/// manager chooses other days.
fn evidence_form(now: DateTime<Utc>) -> Markup {
    let today = now.with_timezone(&Local).date_naive();
    html! {
        h2 id="evidence" { "Evidence for inspection" }
        p { "For a period: the questions asked, how many answered, what their answers came to, \
             what the meetings decided and what became of it, and every step as the plan's \
             audit log keeps it. Nobody is named, and no number under 3 is shown." }
        form.stack method="get" action="/house/evidence.pdf" {
            label for="evidence-from" { "From" }
            input id="evidence-from" name="from" type="date" required value=(date_value(today - Duration::days(90)));
            label for="evidence-to" { "Until the end of" }
            input id="evidence-to" name="to" type="date" required value=(date_value(today));
            button type="submit" { "Make the PDF" }
        }
    }
}

/// A date for a date field: empty where none was given.
fn date_value(date: NaiveDate) -> String {
    if date == NaiveDate::MIN {
        String::new()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

fn scale_choice(name: &str) -> String {
    scale::preset(name).map_or_else(String::new, |s| {
        s.points
            .iter()
            .map(|p| p.label.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    })
}

pub fn question_form(
    session: &WebSession,
    form: &QuestionForm,
    residents: &[Resident],
    problem: Option<&str>,
) -> Markup {
    layout(
        "Ask the house a question",
        Some(session),
        html! {
            h1 { "Ask the house a question" }
            p { a href="/house" { "Back to the house's questions" } }
            @if let Some(problem) = problem {
                p.problem role="alert" { (problem) }
            }
            form.stack method="post" action="/house" {
                input type="hidden" name="csrf" value=(session.csrf_token);
                @if let Some(earlier) = &form.asks_again {
                    input type="hidden" name="asks_again" value=(earlier);
                    p.hint { "Asked again: the meeting page shows what changed since the last time." }
                }
                label for="title" { "Title, for the list and the meeting" }
                input id="title" name="title" maxlength="80" required value=(form.title) placeholder="The garden";
                label for="question" { "The question the kiosk asks" }
                input id="question" name="question" maxlength="200" required value=(form.question)
                    placeholder="What shall we plant in the garden?";
                label for="cards" { "Cards: one on each line (at most " (MOST_CARDS) ")" }
                textarea id="cards" name="cards" rows="6" placeholder="Tomatoes\nRoses\nHerbs" { (form.cards) }
                p.hint { "Everyone also has \"something else\" and \"skip\", as on every mat." }
                label for="scale" { "The scale, the same for everyone" }
                select id="scale" name="scale" {
                    @for name in scale::PRESETS {
                        option value=(name) selected[form.scale == name] { (scale_choice(name)) }
                    }
                }
                fieldset {
                    legend { "Who it is for" }
                    @for resident in residents {
                        label.check {
                            input type="checkbox" name="person" value=(resident.person.id)
                                checked[form.people.contains(&resident.person.id)];
                            " " (resident.person.name)
                        }
                    }
                    @if residents.is_empty() {
                        p.quiet { "Nobody yet: residents appear here once their kiosk has synced." }
                    }
                }
                label for="opens" { "Offered from" }
                input id="opens" name="opens" type="date" required value=(date_value(form.opens));
                label for="closes" { "Until the end of" }
                input id="closes" name="closes" type="date" required value=(date_value(form.closes));
                button.primary type="submit" { "Ask the house" }
            }
        },
    )
}

/// A count under its column's words (which a phone shows before it).
fn count_cell(count: Count, column: &str) -> Markup {
    match count {
        Count::Shown(n) => html! { td.count data-label=(column) { (n) } },
        Count::FewerThanThree => html! { td.count.hidden-count data-label=(column) { (count) } },
    }
}

/// The scale's points as column headings: symbol and words.
fn point_heading(scale: &Scale) -> Markup {
    html! {
        @for point in &scale.points {
            th scope="col" {
                @if let Some(symbol) = point.symbol.strip_prefix("bundled:scales/") {
                    img.symbol src={ "/static/scales/" (symbol) } alt="";
                }
                // The symbol and the words, as on the kiosk: the page's
                // security policy allows no inline colour, and none is needed.
                (point.label)
            }
        }
    }
}

pub fn meeting(
    session: &WebSession,
    shown: &MeetingReport,
    home_pictures: &[HomeCardPicture],
    now: DateTime<Utc>,
) -> Markup {
    let question = &shown.question;
    let counts = &shown.counts;
    let scale = &shown.scale;
    layout(
        &question.title,
        Some(session),
        html! {
            p.no-print { a href="/house" { "Back to the house's questions" } }
            h1 { (question.title) }
            p.period { "\u{201c}" (question.question) "\u{201d}" }
            p { (window(question.opens, question.closes, now)) }
            p.participation {
                strong { (counts.answered) " of " (counts.asked) " residents answered" }
                " · on their own: " (counts.alone) " · with help: " (counts.helped)
                " · said \u{201c}not now\u{201d} or let it pass: " (counts.declined)
            }
            p.hint { "Each resident's newest answer counts once. A number under 3 is not shown, \
                      so that nobody's answer can be told from this page." }
            p.no-print.buttons {
                a.button href={ "/house/" (path_part(&question.id)) "/meeting.pdf" } { "Easy-read PDF for the meeting" }
                a.button href={ "/house/" (path_part(&question.id)) "/meeting.csv" } { "The counts as CSV" }
            }
            table.views.meeting {
                thead { tr { th scope="col" { "Card" } (point_heading(scale)) th scope="col" { "skipped" } th scope="col" { "\u{201c}tell me more\u{201d}" } } }
                tbody {
                    @for card in &counts.cards {
                        tr {
                            th scope="row" {
                                @if let Some(hash) = shown.picture_of(&card.card) {
                                    img.card-thumb src={ "/pictures/" (hash) } alt="";
                                }
                                (card.label)
                                @if card.removed { br; span.quiet { "taken off the question; its answers kept" } }
                            }
                            @for (cell, point) in card.points.iter().zip(&scale.points) { (count_cell(*cell, &point.label)) }
                            (count_cell(card.skipped, "skipped"))
                            (count_cell(card.tell_me_more, "tell me more"))
                        }
                    }
                    tr {
                        th scope="row" { "Something else" }
                        @for (cell, point) in counts.something_else.iter().zip(&scale.points) { (count_cell(*cell, &point.label)) }
                    }
                }
            }
            @if let Some((before, change)) = &shown.change {
                h2 { "Since it was last asked" }
                p.quiet { "Then: " (days(before.opens, before.closes)) ". Each cell: then \u{2192} now." }
                table.views.meeting {
                    thead { tr { th scope="col" { "Card" } (point_heading(scale)) } }
                    tbody {
                        @for card in change {
                            tr {
                                th scope="row" { (card.label) }
                                @for ((then, now), point) in card.points.iter().zip(&scale.points) {
                                    td data-label=(point.label) { (then) " \u{2192} " (now) }
                                }
                            }
                        }
                    }
                }
            }
            (last_time(shown))
            (decisions(session, shown))
            h2 { "Named answers" }
            @if counts.named.is_empty() {
                p.quiet { "Nobody who answered has agreed to be named: their answers are only counted. \
                           Consent is recorded on a resident's profile." }
            }
            @for named in &counts.named {
                h3 { (shown.name_of(&named.person)) }
                p.quiet {
                    "Answered " (local_time(named.finished_at))
                    @if named.helped { ", with help" }
                    "."
                }
                ul {
                    @for placed in &named.placements {
                        li {
                            (placed.label) ": "
                            @match placed.point.and_then(|p| scale.points.get(p)) {
                                Some(point) => { (point.label) }
                                None => { "skipped" }
                            }
                            @if placed.tell_me_more { " (tell me more)" }
                        }
                    }
                }
            }
            @if session.account.manages() {
                p.no-print { a.button href={ "/house/new?again=" (path_part(&question.id)) } { "Ask this again" } }
                (card_pictures(session, question, home_pictures))
                (take_cards_off(session, question))
            }
            p.quiet { "Asked by " (question.made_by) " on " (local_time(question.made_at)) "." }
        },
    )
}

/// What became of the last meeting's decisions on the same question: the
/// share done, and those still open.
fn last_time(report: &MeetingReport) -> Markup {
    let earlier = &report.earlier_decisions;
    let done = earlier
        .iter()
        .filter(|d| d.status == ActionStatus::Done)
        .count();
    let open: Vec<&Decision> = earlier
        .iter()
        .filter(|d| d.status == ActionStatus::Open)
        .collect();
    html! {
        @if !earlier.is_empty() {
            h2 { "What the last meeting decided" }
            p.participation { strong { (done) " of " (earlier.len()) " done" } }
            @if !open.is_empty() {
                p { "Still open:" }
                ul {
                    @for d in open {
                        li { (report.label_of(&d.card)) ": " (d.what) " (" (d.who)
                            @if let Some(due) = d.due { ", by " (due.format("%-d %b %Y")) }
                            ")" }
                    }
                }
            }
        }
    }
}

fn status_words(decision: &Decision) -> String {
    match decision.status {
        ActionStatus::Open => "open".to_string(),
        ActionStatus::Dropped => format!(
            "dropped: {}",
            decision.outcome_note.as_deref().unwrap_or_default()
        ),
        ActionStatus::Done => match &decision.tell_residents {
            Some(words) => format!(
                "done; told on the kiosk: \u{201c}{words}\u{201d} (heard and answered by {} of them)",
                Count::of(decision.told)
            ),
            None => "done".to_string(),
        },
    }
}

/// The decisions on this question, each settled here, and the form that
/// records one.
fn decisions(session: &WebSession, report: &MeetingReport) -> Markup {
    let (question, decided) = (&report.question, &report.decisions);
    let base = format!("/house/{}/decisions", path_part(&question.id));
    html! {
        h2 id="decisions" { "What the meeting decided" }
        @if decided.is_empty() {
            p.quiet { "Nothing yet. Record each decision with the card it answers: when it is done, \
                       every resident who placed that card hears it on their kiosk." }
        }
        @for d in decided {
            div.action {
                p { strong { (report.label_of(&d.card)) ": " (d.what) } }
                p.quiet { (d.who)
                    @if let Some(due) = d.due { ", by " (due.format("%-d %b %Y")) }
                    " · for the residents who placed the card (" (Count::of(d.residents)) ") · " (status_words(d)) }
                @if d.status == ActionStatus::Open {
                    form.stack method="post" action={ (base) "/" (d.id) "/status" } {
                        input type="hidden" name="csrf" value=(session.csrf_token);
                        label for={ "note-" (d.id) } { "What was done, or why it was dropped" }
                        input id={ "note-" (d.id) } name="note" maxlength="2000";
                        label for={ "tell-" (d.id) } { "When it is done: what to tell the residents on the kiosk (optional, e.g. \u{201c}We planted them on Tuesday.\u{201d})" }
                        input id={ "tell-" (d.id) } name="tell" maxlength="200";
                        div.buttons {
                            button type="submit" name="status" value="done" { "Done" }
                            button type="submit" name="status" value="dropped" { "Dropped" }
                        }
                    }
                }
            }
        }
        details {
            summary { "Record a decision" }
            form.stack method="post" action=(base) {
                input type="hidden" name="csrf" value=(session.csrf_token);
                label for="decision-card" { "The card it answers" }
                select id="decision-card" name="card" {
                    @for card in &question.cards { option value=(card.id) { (card.label) } }
                }
                label for="decision-what" { "What was decided" }
                input id="decision-what" name="what" maxlength="200" required placeholder="Plant tomatoes by the patio";
                label for="decision-who" { "Who does it" }
                input id="decision-who" name="who" maxlength="200" required;
                label for="decision-due" { "By (optional)" }
                input id="decision-due" name="due" type="date";
                button.primary type="submit" { "Record the decision" }
            }
        }
    }
}

/// A manager gives each card a picture: a photo, or one of the home's.
fn card_pictures(
    session: &WebSession,
    question: &HouseQuestion,
    home_pictures: &[HomeCardPicture],
) -> Markup {
    let base = format!("/house/{}/cards", path_part(&question.id));
    let mut topics: Vec<&str> = Vec::new();
    for picture in home_pictures {
        if !topics.contains(&picture.topic.as_str()) {
            topics.push(&picture.topic);
        }
    }
    html! {
        details.no-print id="pictures" {
            summary { "Pictures for the cards" }
            p.hint { "A card with a picture is easier to know on the kiosk. The kiosks show a                       new picture from their next sync." }
            @for card in question.cards.iter().filter(|c| !c.removed) {
                section.question-card id=(card_anchor("house", card.id.as_str())) {
                    h3 { (card.label) }
                    @match &card.picture {
                        Some(hash) => { img.card-thumb.large src={ "/pictures/" (hash) } alt={ "The picture of " (card.label) }; }
                        None => { p.quiet { "No picture yet: the kiosk shows its words." } }
                    }
                    form.stack method="post" action={ (base) "/" (path_part(&card.id)) "/photo" } enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(session.csrf_token);
                        label for={ "photo-" (card.id) } { "A photo" }
                        input id={ "photo-" (card.id) } type="file" name="photo" accept="image/jpeg,image/png,image/webp";
                        button type="submit" { "Use this photo" }
                    }
                    @if !home_pictures.is_empty() {
                        form.stack method="post" action={ (base) "/" (path_part(&card.id)) "/picture" } {
                            input type="hidden" name="csrf" value=(session.csrf_token);
                            label for={ "picture-" (card.id) } { "Or the picture of one of the home's cards" }
                            select id={ "picture-" (card.id) } name="picture" {
                                @for topic in &topics {
                                    optgroup label=(topic) {
                                        @for picture in home_pictures.iter().filter(|p| p.topic == *topic) {
                                            option value=(picture.picture) selected[card.picture.as_deref() == Some(picture.picture.as_str())] { (picture.label) }
                                        }
                                    }
                                }
                            }
                            button type="submit" { "Use this picture" }
                        }
                    }
                }
            }
        }
    }
}

/// A manager's way to take off a card that turned out not to be possible.
fn take_cards_off(session: &WebSession, question: &HouseQuestion) -> Markup {
    html! {
        details.no-print {
            summary { "Take a card off the question" }
            p.hint { "The kiosks stop offering it; the answers that placed it stay counted." }
            @for card in question.cards.iter().filter(|c| !c.removed) {
                form.inline method="post" action={ "/house/" (path_part(&question.id)) "/cards/" (path_part(&card.id)) "/off" } {
                    input type="hidden" name="csrf" value=(session.csrf_token);
                    button type="submit" { "Take \u{201c}" (card.label) "\u{201d} off" }
                }
            }
        }
    }
}
