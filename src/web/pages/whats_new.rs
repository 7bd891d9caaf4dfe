//! What's new since staff last looked: what is new for each person, and each
//! kiosk's health.

use chrono::{DateTime, Utc};
use maud::{html, Markup};

use crate::store::accounts::WebSession;
use crate::store::ports::staff::{DeviceHealth, WhatsNew};
use crate::web::html::{layout, local_time, path_part};

/// A kiosk not heard from for a day is flagged on What's new.
pub(super) const QUIET_DEVICE_HOURS: i64 = 24;
pub(super) fn count_line(n: i64, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

pub fn whats_new(
    session: &WebSession,
    people: &[WhatsNew],
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
            @if people.is_empty() {
                p { "Nobody's answers have reached the support plan yet. They arrive when a kiosk syncs." }
            }
            ul.people {
                @for item in people {
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
            @if !people.is_empty() {
                form method="post" action="/seen" {
                    input type="hidden" name="csrf" value=(session.csrf_token);
                    button type="submit" { "I've seen these" }
                }
            }
            h2 #kiosks { "Kiosks" }
            p { a href="/kiosks" { "Add a kiosk, or revoke one" } }
            @if devices.is_empty() {
                p.quiet { "No kiosk has synced into this plan yet." }
            }
            ul.devices {
                @for device in devices {
                    (kiosk_health(session, device, now, "whats-new", html! {}))
                }
            }
        },
    )
}

/// One kiosk as the plan knows it: its name, its last sync (flagged after
/// a quiet day), what its staff line said, and a form to name it. `from`
/// says which page the form comes back to; `more` ends the item.
pub(super) fn kiosk_health(
    session: &WebSession,
    device: &DeviceHealth,
    now: DateTime<Utc>,
    from: &str,
    more: Markup,
) -> Markup {
    let quiet = (now - device.last_sync).num_hours() >= QUIET_DEVICE_HOURS;
    let short_id = device.device_id.chars().take(8).collect::<String>();
    html! {
        li class=@if quiet || !device.problems.is_empty() { "warn" } @else { "" } {
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
                input type="hidden" name="from" value=(from);
                label {
                    @if device.name.is_empty() { "Name this kiosk " } @else { "Rename " }
                    input type="text" name="name" maxlength="40" required value=(device.name)
                        placeholder="e.g. Lounge";
                }
                " "
                button type="submit" { "Save name" }
            }
            (more)
        }
    }
}
