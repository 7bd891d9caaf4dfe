//! The words of the hub's API (`/api/v1`), as both sides read and write
//! them: JSON, each request and answer a type of its own. Records go up as
//! the plan's writes ([`crate::store::PlanOp`]), each keyed by its id, so a
//! request sent twice changes nothing the second time.

use serde::{Deserialize, Serialize};

use crate::core::{PersonId, SessionId};

/// Where every route of this version of the API starts.
pub const API: &str = "/api/v1";

/// The largest request body a hub reads (after gzip is undone).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct PairRequest {
    pub code: String,
    pub device_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PairAnswer {
    pub token: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SettleHome {
    pub journal_home: Option<String>,
    pub fresh: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SessionIds {
    pub ids: Vec<SessionId>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Mark {
    pub row: i64,
    pub key: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CheckInKey {
    pub person: PersonId,
    pub key: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct People {
    pub people: Vec<PersonId>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ActionIds {
    pub action_ids: Vec<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct StaffLine {
    pub problems: Vec<String>,
}

/// A picture the kiosk prepared; the hub prepares it again from the bytes.
#[derive(Debug, Serialize, Deserialize)]
pub struct PictureUp {
    pub source_hash: String,
    /// Base64 of the picture's bytes.
    pub bytes: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CardPicture {
    pub topic_id: String,
    pub card_id: String,
    pub hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PersonPhoto {
    pub person: PersonId,
    pub hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MatPicture {
    pub session: SessionId,
    pub hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SetVersionWanted {
    pub set_id: String,
    pub version: Option<u32>,
}

/// A PIN typed on a paired kiosk's staff screen, checked by the hub.
#[derive(Debug, Serialize, Deserialize)]
pub struct PinTyped {
    pub pin: String,
}
