//! The hub's kiosks: adding one with a pairing code, and revoking one.

use maud::{html, Markup};

use crate::store::accounts::WebSession;
use crate::store::ports::kiosks::{KioskEntry, PairingCode};
use crate::web::html::{layout, local_time, path_part};

/// How this hub is reached by a kiosk: its address and its key's words
/// (`None`: it is not serving HTTPS, so no kiosk can pair).
pub struct HubShown {
    pub url: String,
    pub key_words: Option<String>,
    pub key: Option<String>,
}

/// A paired kiosk, with the name staff gave it, if any.
pub struct KioskShown {
    pub entry: KioskEntry,
    pub name: String,
}

pub fn kiosks(session: &WebSession, hub: &HubShown, kiosks: &[KioskShown]) -> Markup {
    layout(
        "Kiosks",
        Some(session),
        html! {
            h1 { "Kiosks of this home" }
            p { "Each kiosk sends the mats it records here, to the home's support plan, and takes the picture sets and \"you said, we did\" from here." }
            (hub_address(hub))
            @if hub.key_words.is_some() {
                form method="post" action="/kiosks/pairing-code" {
                    input type="hidden" name="csrf" value=(session.csrf_token);
                    button.primary type="submit" { "Add a kiosk" }
                }
            }
            h2 { "Paired kiosks" }
            @if kiosks.is_empty() {
                p.quiet { "No kiosk is paired with this hub yet." }
            }
            ul.devices {
                @for kiosk in kiosks {
                    @let short_id = kiosk.entry.device_id.chars().take(8).collect::<String>();
                    li class=@if kiosk.entry.revoked.is_some() { "warn" } @else { "" } {
                        @if kiosk.name.is_empty() { "Kiosk " code { (short_id) } }
                        @else { strong { (kiosk.name) } " " span.quiet { "(" code { (short_id) } ")" } }
                        ": paired " (local_time(kiosk.entry.paired_at))
                        @if let Some((at, by)) = &kiosk.entry.revoked {
                            " — " strong { "revoked " (local_time(*at)) " by " (by) }
                            ": it can send nothing until it is paired again."
                        } @else {
                            form.line method="post" action={ "/kiosks/" (path_part(&kiosk.entry.device_id)) "/revoke" } {
                                input type="hidden" name="csrf" value=(session.csrf_token);
                                button type="submit" { "Revoke this kiosk" }
                            }
                        }
                    }
                }
            }
            p.hint { "Revoke a kiosk that is lost, stolen or given away: its next sync is refused, and its staff screen says so." }
        },
    )
}

fn hub_address(hub: &HubShown) -> Markup {
    html! {
        @if let (Some(words), Some(key)) = (&hub.key_words, &hub.key) {
            p { "This hub's address: " strong { (hub.url) } }
            p { "This hub's key: " strong.key-words { (words) } }
            p.hint { "The kiosk shows the same words when it pairs; if they differ, it is not talking to this hub: stop and ask for help. (In full: " code.key-in-full { (key) } ")" }
        } @else {
            p.problem {
                "Kiosks reach the hub over HTTPS only, and this web app is not served over HTTPS. "
                "Start it as the home's hub with " code { "sayso serve --listen 0.0.0.0:8470" } "."
            }
        }
    }
}

pub fn pairing_code(session: &WebSession, hub: &HubShown, code: &PairingCode) -> Markup {
    layout(
        "Add a kiosk",
        Some(session),
        html! {
            h1 { "Add a kiosk" }
            p { "On the kiosk (a keyboard plugged in, or over SSH), as the kiosk's own user:" }
            p { code.pair-command { "sayso pair " (hub.url) " " (code.code) } }
            p.hint { "On a Raspberry Pi with the sayso package: " code.pair-command { "sudo -u sayso sayso --data-dir /var/lib/sayso pair " (hub.url) " " (code.code) } }
            dl.pairing {
                dt { "Pairing code" }
                dd { strong.code { (code.code) } }
                dt { "Good until" }
                dd { (local_time(code.expires_at)) " (15 minutes, and for one kiosk)" }
            }
            (hub_address(hub))
            p { a href="/kiosks" { "Back to the kiosks" } }
        },
    )
}
