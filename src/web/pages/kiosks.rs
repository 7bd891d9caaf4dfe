//! The hub's kiosks: adding one with a pairing code, and revoking one.

use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped};

use super::whats_new::kiosk_health;
use crate::store::accounts::WebSession;
use crate::store::ports::kiosks::{GivenHome, KioskEntry, PairingCode};
use crate::store::ports::staff::DeviceHealth;
use crate::web::html::{layout, local_time, path_part};
use crate::web::invite::qr_svg;

/// How this hub is reached by a kiosk: its address and its key's words
/// (`None`: it is not serving HTTPS, so no kiosk can pair).
pub struct HubShown {
    pub url: String,
    pub key_words: Option<String>,
    pub key: Option<String>,
}

/// The home file this hub gives its kiosks, as staff see it.
pub struct HomeFileShown {
    /// Where the hub's own home file is (or would be).
    pub path: String,
    pub exists: bool,
    /// Why the hub's file cannot be given to the kiosks now.
    pub refused: Option<String>,
    /// The newest version the kiosks take.
    pub given: Option<GivenHome>,
}

/// A paired kiosk, and what the plan knows of it once it has synced.
pub struct KioskShown {
    pub entry: KioskEntry,
    pub health: Option<DeviceHealth>,
}

pub fn kiosks(
    session: &WebSession,
    (hub, home): (&HubShown, &HomeFileShown),
    kiosks: &[KioskShown],
    now: DateTime<Utc>,
) -> Markup {
    layout(
        "Kiosks",
        Some(session),
        html! {
            h1 { "Kiosks of this home" }
            p { "Each kiosk sends the mats it records here, to the home's support plan, and takes the picture sets, the home file and \"you said, we did\" from here." }
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
                    @let revoke = revoke_or_revoked(session, &kiosk.entry);
                    @if let Some(health) = &kiosk.health {
                        (kiosk_health(session, health, now, "kiosks", revoke))
                    } @else {
                        li {
                            "Kiosk " code { (kiosk.entry.device_id.chars().take(8).collect::<String>()) }
                            ": paired " (local_time(kiosk.entry.paired_at)) ", not synced yet."
                            (revoke)
                        }
                    }
                }
            }
            p.hint { "Revoke a kiosk that is lost, stolen or given away: its next sync is refused, and its staff screen says so." }
            (home_file(home))
        },
    )
}

/// Which people and settings the kiosks take from this hub.
fn home_file(home: &HomeFileShown) -> Markup {
    html! {
        h2 { "The home file" }
        @if let Some(why) = &home.refused {
            p.problem {
                strong { "The home file on this hub cannot be given to the kiosks: " }
                (why) ". "
                @if let Some(given) = &home.given {
                    "They keep version " (given.version) " until it is mended."
                } @else {
                    "Each kiosk keeps its own until it is mended."
                }
            }
        }
        @if let Some(given) = &home.given {
            p { "Every kiosk of this home takes its people, their settings and check-ins from this hub's home file ("
                code { (home.path) } "): version " (given.version) ", saved " (local_time(given.saved_at)) "." }
            @for problem in &given.problems {
                p.problem { (problem) }
            }
            p.hint { "Change the file on this hub. Each kiosk takes the new version at its next sync (within five minutes) and starts using it when nobody is using it." }
        } @else if !home.exists {
            p.quiet { "This hub has no home file, so each kiosk keeps its own. Put " code { "home.toml" }
                ", with the photos it names, at " code { (home.path) } " to give every kiosk of the home the same people and settings." }
        }
    }
}

/// Revoking a kiosk, or when and by whom it was revoked.
fn revoke_or_revoked(session: &WebSession, entry: &KioskEntry) -> Markup {
    html! {
        p.quiet { "Paired " (local_time(entry.paired_at)) "." }
        @if let Some((at, by)) = &entry.revoked {
            p.problem {
                strong { "Revoked " (local_time(*at)) " by " (by) }
                ": it can send nothing until it is paired again."
            }
        } @else {
            form.line method="post" action={ "/kiosks/" (path_part(&entry.device_id)) "/revoke" } {
                input type="hidden" name="csrf" value=(session.csrf_token);
                button type="submit" { "Revoke this kiosk" }
            }
        }
    }
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
            dl.pairing {
                dt { "Pairing code" }
                dd { strong.code { (code.code) } }
                dt { "Good until" }
                dd { (local_time(code.expires_at)) " (15 minutes, and for one kiosk)" }
            }
            (hub_address(hub))
            h2 { "On the kiosk's staff screen" }
            p { "Hold the top right corner of the kiosk's screen for three seconds, type your PIN, press "
                strong { "Join a home" } ", then type this hub's address and the code. "
                "Join only if the kiosk shows the same four words as this page." }
            h2 { "Or on the kiosk's command line" }
            p { "With a keyboard plugged in, or over SSH, as the kiosk's own user:" }
            p { code.pair-command { "sayso pair " (hub.url) " " (code.code) } }
            p.hint { "On a Raspberry Pi with the sayso package: " code.pair-command { "sudo -u sayso sayso --data-dir /var/lib/sayso pair " (hub.url) " " (code.code) } }
            @if let Some(svg) = qr_svg(&format!("sayso pair {} {}", hub.url, code.code)) {
                figure.qr {
                    (PreEscaped(svg))
                    figcaption { "The same command as a QR code, to copy it from a phone." }
                }
            }
            p { a href="/kiosks" { "Back to the kiosks" } }
        },
    )
}
