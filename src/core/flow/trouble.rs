//! Why a sync could not reach the support plan, in the staff line's words.

/// Why a sync could not reach the support plan, as staff need to know it:
/// waiting helps with some, only they can mend others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanTrouble {
    /// Another device or staff tool was writing to it for a long while.
    Busy,
    /// Not there: a drive or share not mounted.
    Missing,
    /// Damaged, or not a support plan at all.
    Damaged,
    /// Written by a newer version of sayso.
    Newer,
    /// The plan of another home.
    OtherHome,
    /// The home's hub cannot be reached (down, or the network is).
    HubUnreachable,
    /// The hub refused this kiosk: revoked, or paired again elsewhere.
    HubRefused,
    /// The hub showed another key than the one paired with.
    HubCertificate,
    /// Anything else (the log says what).
    Other,
}

impl PlanTrouble {
    /// The staff line's words.
    pub fn notice(self) -> &'static str {
        match self {
            PlanTrouble::Busy => {
                "Support plan busy (another device or staff are writing to it): tried again in a minute"
            }
            PlanTrouble::Missing => {
                "Support plan not found (is its drive or network share there?): mats are kept here until it is"
            }
            PlanTrouble::Damaged => {
                "Support plan damaged: nothing was written to it; mats are kept here. Restore it from a backup (see the log)"
            }
            PlanTrouble::Newer => {
                "Support plan written by a newer version of sayso: update this kiosk; mats are kept here"
            }
            PlanTrouble::OtherHome => {
                "Support plan of another home: nothing was written to it (see the log: sayso plan join)"
            }
            PlanTrouble::HubUnreachable => {
                "Home's hub not reached: mats are kept here and sent when it answers (is it on, and this kiosk on the home's network?)"
            }
            PlanTrouble::HubRefused => {
                "Home's hub refused this kiosk (revoked?): mats are kept here. Pair it again with a code from the web app's Kiosks page"
            }
            PlanTrouble::HubCertificate => {
                "Home's hub showed a different key: nothing was sent. If the hub was replaced, pair this kiosk again"
            }
            PlanTrouble::Other => super::SYNC_NOTICE,
        }
    }
}
