//! The home file as the hub gives it to its kiosks, kept in the plan: a
//! version each time the hub's own file or one of its photos changes, the
//! photos kept with the plan's other pictures.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::plan::{audit_change, Plan};
use super::ports::device::HomeSettings;
use super::ports::kiosks::{GivenHome, HomeForKiosks};
use super::{parse_timestamp, timestamp};

impl Plan {
    pub(in crate::store) fn newest_home_settings(
        &self,
    ) -> Result<Option<HomeSettings>, StoreError> {
        let newest = self
            .conn
            .query_row(
                "SELECT version, home_toml FROM home_settings ORDER BY version DESC LIMIT 1",
                [],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
            )
            .optional()?;
        let Some((version, home_toml)) = newest else {
            return Ok(None);
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT hash FROM home_settings_photos WHERE version = ?1 ORDER BY hash",
        )?;
        let photos = statement
            .query_map([version], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(Some(HomeSettings {
            version,
            home_toml,
            photos,
        }))
    }

    pub(in crate::store) fn newest_home_photo(
        &self,
        hash: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT p.bytes FROM pictures p
                 JOIN home_settings_photos h ON h.hash = p.hash
                 WHERE p.hash = ?1
                   AND h.version = (SELECT MAX(version) FROM home_settings)",
                [hash],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub(in crate::store) fn given_home_settings(&self) -> Result<Option<GivenHome>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT version, source_hash, saved_at, problems FROM home_settings
                 ORDER BY version DESC LIMIT 1",
                [],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(version, source_hash, saved_at, problems)| {
            Ok(GivenHome {
                version,
                source_hash,
                saved_at: parse_timestamp(&saved_at)?,
                problems: problems.lines().map(str::to_string).collect(),
            })
        })
        .transpose()
    }

    pub(in crate::store) fn publish_home_settings(
        &mut self,
        home: &HomeForKiosks,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let tx = self.conn.transaction()?;
        let newest_source: Option<String> = tx
            .query_row(
                "SELECT source_hash FROM home_settings ORDER BY version DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()?;
        if newest_source.as_deref() == Some(home.source_hash.as_str()) {
            return Ok(None);
        }
        // A file put back as it was before is a new version all the same:
        // kiosks take the newest.
        tx.execute(
            "DELETE FROM home_settings_photos WHERE version IN
             (SELECT version FROM home_settings WHERE source_hash = ?1)",
            [&home.source_hash],
        )?;
        tx.execute(
            "DELETE FROM home_settings WHERE source_hash = ?1",
            [&home.source_hash],
        )?;
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM home_settings",
            [],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO home_settings (version, source_hash, home_toml, saved_at, problems)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                version,
                home.source_hash,
                home.home_toml,
                timestamp(now),
                home.problems.join("\n")
            ],
        )?;
        for person in &home.people {
            tx.execute(
                "INSERT OR IGNORE INTO people (id, name) VALUES (?1, ?2)",
                params![person.id.as_str(), person.name],
            )?;
        }
        for photo in &home.photos {
            let hash = super::pictures::add_picture_in(&tx, *photo, now)?;
            tx.execute(
                "INSERT OR IGNORE INTO home_settings_photos (version, hash) VALUES (?1, ?2)",
                params![version, hash],
            )?;
        }
        audit_change(
            &tx,
            now,
            "hub",
            "home file given to kiosks",
            None,
            Some(&format!("version {version}")),
        )?;
        tx.commit()?;
        Ok(Some(version))
    }
}
