//! The one-page profile, and the review-meeting report.

use maud::{html, Markup};

use super::person::mat_outcome;
use super::person::status_word;
use crate::core::Standing;
use crate::report::readable_date as local_date;
use crate::store::accounts::WebSession;
use crate::store::ports::house::Resident;
use crate::store::ports::staff::{MatRow, TopicViews};
use crate::store::ProfileSection;
use crate::web::html::{layout, local_time, path_part};

/// Confirmed views, as lines a profile can take, in the person's own
/// words: "I like pizza."
pub(super) fn confirmed_lines(views: &[TopicViews]) -> Vec<String> {
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
    resident: &Resident,
    (sections, views): (&[(ProfileSection, String)], &[TopicViews]),
) -> Markup {
    let person = &resident.person;
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
            (residents_meetings(session, resident, &base))
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

/// Whether the person agreed to their answers to the house's questions
/// being shown by name at residents' meetings, and who recorded it; and,
/// for a manager, whether they have left the home.
fn residents_meetings(session: &WebSession, resident: &Resident, base: &str) -> Markup {
    let person = &resident.person;
    html! {
        h2 id="meetings" { "Residents' meetings" }
        @if let Some((by, at)) = &resident.left_home {
            p { (person.name) " left the home (recorded by " (by) ", " (local_time(*at)) "). \
                Their answers to the house's questions stay counted, never shown with their name, \
                and no new question is made for them." }
        } @else {
            form.sharing method="post" action={ (base) "/meetings-consent" } {
                input type="hidden" name="csrf" value=(session.csrf_token);
                @if let Some((by, at)) = &resident.named_at_meetings {
                    p { (person.name) " agreed that their answers to the house's questions are shown with their name at meetings (recorded by " (by) ", " (local_time(*at)) ")." }
                    input type="hidden" name="given" value="no";
                    button type="submit" { "They no longer agree" }
                } @else {
                    p { (person.name) "'s answers to the house's questions are counted at meetings, never shown with their name." }
                    input type="hidden" name="given" value="yes";
                    button type="submit" { "Record that they agree to be named" }
                }
            }
        }
        @if session.account.manages() {
            form.sharing method="post" action={ (base) "/left-home" } {
                input type="hidden" name="csrf" value=(session.csrf_token);
                @if resident.left_home.is_some() {
                    input type="hidden" name="given" value="no";
                    button type="submit" { "Recorded by mistake: " (person.name) " lives here" }
                } @else {
                    input type="hidden" name="given" value="yes";
                    button type="submit" { "Record that " (person.name) " has left the home" }
                }
            }
        }
    }
}
