//! The pictures of the house's questions' cards in the SQLite plan: given
//! by a home manager (a photo, or one of the home's cards' pictures), and
//! given to kiosks by hash, no other picture.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::pictures::add_picture_in;
use super::plan::{audit_change, Plan};
use super::ports::house::{CardPicture, HomeCardPicture, HouseError};

impl Plan {
    /// A card picture's file name for kiosks: `HASH.jpg` or `HASH.png`.
    pub(in crate::store) fn house_picture_name(
        &self,
        hash: &str,
    ) -> Result<Option<String>, StoreError> {
        let media_type: Option<String> = self
            .conn
            .query_row(
                "SELECT media_type FROM pictures WHERE hash = ?1",
                [hash],
                |row| row.get(0),
            )
            .optional()?;
        Ok(media_type.map(|media_type| {
            let extension = if media_type == "image/png" {
                "png"
            } else {
                "jpg"
            };
            format!("{hash}.{extension}")
        }))
    }

    /// A picture a card of one of the house's questions shows, and no
    /// other: a kiosk asks for it by hash.
    pub(in crate::store) fn house_picture_bytes(
        &self,
        hash: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes FROM pictures WHERE hash = ?1
                   AND EXISTS (SELECT 1 FROM house_question_cards WHERE picture_hash = ?1)",
                [hash],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub(in crate::store) fn list_home_card_pictures(
        &self,
    ) -> Result<Vec<HomeCardPicture>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT cp.topic_id, cp.card_id, cp.picture_hash,
                    (SELECT p.topic_title FROM preferences p WHERE p.topic_id = cp.topic_id LIMIT 1),
                    (SELECT p.card_label FROM preferences p
                     WHERE p.topic_id = cp.topic_id AND p.card_id = cp.card_id LIMIT 1)
             FROM card_pictures cp WHERE cp.topic_id NOT LIKE 'house-%'
             ORDER BY cp.topic_id, cp.card_id",
        )?;
        let rows = statement.query_map([], |row| {
            let (topic, card): (String, String) = (row.get(0)?, row.get(1)?);
            let named = |id: &str| id.replace(['-', '_'], " ");
            Ok(HomeCardPicture {
                topic: row
                    .get::<_, Option<String>>(3)?
                    .unwrap_or_else(|| named(&topic)),
                label: row
                    .get::<_, Option<String>>(4)?
                    .unwrap_or_else(|| named(&card)),
                picture: row.get(2)?,
            })
        })?;
        let mut pictures: Vec<HomeCardPicture> = Vec::new();
        for picture in rows {
            let picture = picture?;
            if !pictures.iter().any(|p| p.picture == picture.picture) {
                pictures.push(picture);
            }
        }
        Ok(pictures)
    }

    pub(in crate::store) fn keep_card_picture(
        &mut self,
        question: &str,
        card: &str,
        picture: CardPicture,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let hash = match picture {
            CardPicture::Photo(photo) => add_picture_in(&tx, photo, now)?,
            CardPicture::OfHomeCard(hash) => {
                // Only a card's picture: never a person's photo or a kept mat.
                let known: bool = tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM card_pictures
                                        WHERE picture_hash = ?1 AND topic_id NOT LIKE 'house-%')",
                        [hash],
                        |row| row.get(0),
                    )
                    .map_err(StoreError::from)?;
                if !known {
                    return Err(HouseError::NoSuchPicture);
                }
                hash.to_string()
            }
        };
        let changed = tx
            .execute(
                "UPDATE house_question_cards SET picture_hash = ?1
                 WHERE question_id = ?2 AND card_id = ?3",
                params![hash, question, card],
            )
            .map_err(StoreError::from)?;
        if changed == 0 {
            return Err(HouseError::NoSuchCard);
        }
        let after = format!("question {question}: card {card} shows picture {hash}");
        audit_change(
            &tx,
            now,
            by_whom,
            "house question card picture",
            None,
            Some(&after),
        )?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }
}
