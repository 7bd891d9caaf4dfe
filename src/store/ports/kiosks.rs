//! The kiosks of a home as its hub knows them: a one-time pairing code
//! staff make, a kiosk pairing with it for a token it syncs with, and
//! staff revoking a kiosk; and the hub's home file, which every kiosk of
//! the home takes.

use chrono::{DateTime, Utc};

use crate::store::pictures::NewPicture;
use crate::store::StoreError;

/// How long a pairing code can be used for, from when it is made.
pub const PAIRING_CODE_MINUTES: i64 = 15;

/// A pairing code, shown once to the staff member who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingCode {
    /// Twelve letters and digits without look-alikes, in groups of four.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// A kiosk paired with the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedKiosk {
    pub device_id: String,
    pub paired_at: DateTime<Utc>,
}

/// A kiosk as staff see it on the hub's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskEntry {
    pub device_id: String,
    pub paired_at: DateTime<Utc>,
    /// When staff revoked it, and who.
    pub revoked: Option<(DateTime<Utc>, String)>,
}

/// Why a token opened nothing, as the kiosk that sent it is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefused {
    /// Staff revoked this kiosk.
    Revoked,
    /// Not a token this hub gave (or given before the kiosk paired again).
    Unknown,
}

/// Why a kiosk could not pair, in words for whoever typed the code.
#[derive(Debug, thiserror::Error)]
pub enum PairingError {
    #[error("that pairing code is not one this hub made: check it, or make a new one")]
    UnknownCode,
    #[error("that pairing code has expired: make a new one in the web app")]
    Expired,
    #[error("that pairing code has been used already: make a new one in the web app")]
    Used,
    #[error("this kiosk is paired already: revoke it in the web app first to pair it again")]
    AlreadyPaired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub trait KiosksPlan: Send {
    /// A new pairing code, made by `by`, good for
    /// [`PAIRING_CODE_MINUTES`] from `now` and for one kiosk.
    fn new_pairing_code(&mut self, by: &str, now: DateTime<Utc>)
        -> Result<PairingCode, StoreError>;

    /// The kiosk `device_id` pairs with `code` (as typed: case, spaces and
    /// dashes do not matter); answers the token it syncs with, which the
    /// plan keeps only hashed. A revoked kiosk pairs again with a new code.
    fn pair_kiosk(
        &mut self,
        code: &str,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<String, PairingError>;

    /// The kiosk a token is, unless it is unknown or revoked.
    fn kiosk_of_token(&self, token: &str) -> Result<Option<PairedKiosk>, StoreError>;

    /// A token that opened nothing: why, with the refusal in the audit
    /// log (an unknown token at most once a minute, so guesses cannot
    /// flood it).
    fn refuse_token(&mut self, token: &str, now: DateTime<Utc>)
        -> Result<TokenRefused, StoreError>;

    /// Every kiosk ever paired, the newest first.
    fn paired_kiosks(&self) -> Result<Vec<KioskEntry>, StoreError>;

    /// Staff revoke a kiosk: its token opens nothing from now on. `false`:
    /// no such paired kiosk, or revoked already.
    fn revoke_kiosk(
        &mut self,
        device_id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// The newest home file given to kiosks, as staff and the hub see it.
    fn given_home(&self) -> Result<Option<GivenHome>, StoreError>;

    /// Keeps the hub's home file for its kiosks as a new version, with the
    /// photos it names, in one transaction (audited). `None`: the newest
    /// version was made from the same source already.
    fn publish_home(
        &mut self,
        home: &HomeForKiosks,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
}

/// A version of the home file given to kiosks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenHome {
    pub version: i64,
    /// What it was made from (the hash of the hub's file and its photos),
    /// to know when that changed.
    pub source_hash: String,
    pub saved_at: DateTime<Utc>,
    /// Photos that could not be used.
    pub problems: Vec<String>,
}

/// The hub's home file, made ready for its kiosks.
#[derive(Debug, Clone)]
pub struct HomeForKiosks<'a> {
    /// The SHA-256 of the hub's file and its photos as read.
    pub source_hash: String,
    /// With each photo named `home-photos/HASH.EXT`.
    pub home_toml: String,
    pub photos: Vec<NewPicture<'a>>,
    /// Photos that could not be used, for staff.
    pub problems: Vec<String>,
    /// Everyone the file names, so that a resident who has not used a
    /// kiosk yet can still be asked the house's questions.
    pub people: Vec<crate::core::PersonRef>,
}
