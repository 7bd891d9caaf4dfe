//! Pictures in the support plan, content-addressed: each kept once, named by
//! the SHA-256 of its bytes, and pointed at by the cards, people and mats
//! that show it. Preparing a picture (decoding, scaling) is the library's
//! work; this module only keeps what it is given.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::db::StoreError;
use super::plan::Plan;
use super::ports::staff::StoredPicture;
use super::timestamp;
use crate::core::{PersonId, SessionId};

/// A picture to keep: made from a file whose SHA-256 is `source_hash`.
#[derive(Debug, Clone, Copy)]
pub struct NewPicture<'a> {
    pub source_hash: &'a str,
    pub media_type: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: &'a [u8],
}

/// Each card's picture, by card id.
pub type CardPictures = std::collections::HashMap<String, String>;

/// Whether `text` is a picture's name: 64 lowercase hex digits.
pub fn is_picture_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Plan {
    /// The picture already made from a file with these bytes, if any.
    pub(in crate::store) fn picture_for_source(
        &self,
        source_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash FROM pictures WHERE source_hash = ?1 LIMIT 1",
                [source_hash],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Keeps a picture (once: the same bytes again change nothing) and
    /// returns its name.
    pub(in crate::store) fn add_picture(
        &mut self,
        picture: NewPicture,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        add_picture_in(&self.conn, picture, now)
    }

    /// A picture by its name.
    pub(in crate::store) fn picture(
        &self,
        hash: &str,
    ) -> Result<Option<StoredPicture>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT media_type, bytes FROM pictures WHERE hash = ?1",
                [hash],
                |row| {
                    Ok(StoredPicture {
                        media_type: row.get(0)?,
                        bytes: row.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// The picture a card shows now; written only when it changed.
    pub(in crate::store) fn set_card_picture(
        &mut self,
        topic_id: &str,
        card_id: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "INSERT INTO card_pictures (topic_id, card_id, picture_hash, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (topic_id, card_id) DO UPDATE
                 SET picture_hash = excluded.picture_hash, updated_at = excluded.updated_at
                 WHERE picture_hash <> excluded.picture_hash",
            )?
            .execute(params![topic_id, card_id, hash, timestamp(now)])?;
        Ok(changed > 0)
    }

    /// The picture each card of a topic shows now, as a `card_id → hash` lookup.
    pub(in crate::store) fn card_pictures(
        &self,
        topic_id: &str,
    ) -> Result<CardPictures, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT card_id, picture_hash FROM card_pictures WHERE topic_id = ?1",
        )?;
        let rows = statement.query_map([topic_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A person's photo; written only when it changed. A person the plan
    /// does not know yet (no mat synced) is left for a later sync.
    pub(in crate::store) fn set_person_photo(
        &mut self,
        person: &PersonId,
        hash: &str,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE people SET photo_hash = ?2 WHERE id = ?1 AND photo_hash IS NOT ?2",
            params![person.as_str(), hash],
        )?;
        Ok(changed > 0)
    }

    /// This device's mats whose kept picture is named but not yet in the plan:
    /// (session, the picture's path relative to the device's data directory).
    pub(in crate::store) fn mats_awaiting_picture(
        &self,
        device_id: &str,
    ) -> Result<Vec<(SessionId, String)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT session_id, mat_picture FROM synced_sessions
             WHERE device_id = ?1 AND mat_picture IS NOT NULL AND mat_picture_hash IS NULL",
        )?;
        let rows = statement.query_map([device_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(in crate::store) fn set_mat_picture_hash(
        &mut self,
        session: &SessionId,
        hash: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE synced_sessions SET mat_picture_hash = ?2 WHERE session_id = ?1",
            params![session.as_str(), hash],
        )?;
        Ok(())
    }
}

/// [`Plan::add_picture`], inside a transaction of the caller's.
pub(in crate::store) fn add_picture_in(
    conn: &rusqlite::Connection,
    picture: NewPicture,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let hash = super::hex(&Sha256::digest(picture.bytes));
    conn.prepare_cached(
        "INSERT OR IGNORE INTO pictures
         (hash, source_hash, media_type, width, height, bytes, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        hash,
        picture.source_hash,
        picture.media_type,
        picture.width,
        picture.height,
        picture.bytes,
        timestamp(now),
    ])?;
    Ok(hash)
}
