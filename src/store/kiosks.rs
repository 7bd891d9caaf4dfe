//! The SQLite plan's kiosks ([`KiosksPlan`]): pairing codes and kiosk
//! tokens, each kept only as its SHA-256, and every pairing and revocation
//! in the audit log.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::db::StoreError;
use super::plan::{audit_change, Plan};
use super::ports::kiosks::{
    GivenHome, HomeForKiosks, KioskEntry, KiosksPlan, PairedKiosk, PairingCode, PairingError,
    TokenRefused, PAIRING_CODE_MINUTES,
};
use super::secrets::{new_setup_code, normal_setup_code, random_hex, sha256_hex};
use super::{parse_timestamp, timestamp};

impl KiosksPlan for Plan {
    fn new_pairing_code(
        &mut self,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<PairingCode, StoreError> {
        let code = new_setup_code();
        let expires_at = now + Duration::minutes(PAIRING_CODE_MINUTES);
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO pairing_codes (code_hash, made_by, made_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                sha256_hex(&normal_setup_code(&code)),
                by,
                timestamp(now),
                timestamp(expires_at)
            ],
        )?;
        audit_change(&tx, now, by, "kiosk pairing code made", None, None)?;
        tx.commit()?;
        Ok(PairingCode { code, expires_at })
    }

    fn pair_kiosk(
        &mut self,
        code: &str,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<String, PairingError> {
        let code_hash = sha256_hex(&normal_setup_code(code));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let found: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT expires_at, used_at FROM pairing_codes WHERE code_hash = ?1",
                [&code_hash],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(StoreError::from)?;
        let Some((expires_at, used_at)) = found else {
            return Err(PairingError::UnknownCode);
        };
        if used_at.is_some() {
            return Err(PairingError::Used);
        }
        if parse_timestamp(&expires_at)? <= now {
            return Err(PairingError::Expired);
        }
        let active: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM paired_kiosks
                                WHERE device_id = ?1 AND revoked_at IS NULL)",
                [device_id],
                |row| row.get(0),
            )
            .map_err(StoreError::from)?;
        if active {
            return Err(PairingError::AlreadyPaired);
        }
        let token = random_hex(32);
        let write = || -> Result<(), StoreError> {
            tx.execute(
                "UPDATE pairing_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
                params![code_hash, timestamp(now), device_id],
            )?;
            tx.execute(
                "INSERT INTO paired_kiosks (device_id, token_hash, paired_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE
                 SET token_hash = ?2, paired_at = ?3, revoked_at = NULL, revoked_by = NULL",
                params![device_id, sha256_hex(&token), timestamp(now)],
            )?;
            audit_change(
                &tx,
                now,
                device_id,
                &format!("kiosk {device_id} paired"),
                None,
                None,
            )
        };
        write()?;
        tx.commit().map_err(StoreError::from)?;
        Ok(token)
    }

    fn kiosk_of_token(&self, token: &str) -> Result<Option<PairedKiosk>, StoreError> {
        let found: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT device_id, paired_at FROM paired_kiosks
                 WHERE token_hash = ?1 AND revoked_at IS NULL",
                [sha256_hex(token)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        found
            .map(|(device_id, paired_at)| {
                Ok(PairedKiosk {
                    device_id,
                    paired_at: parse_timestamp(&paired_at)?,
                })
            })
            .transpose()
    }

    fn refuse_token(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenRefused, StoreError> {
        let revoked: Option<String> = self
            .conn
            .query_row(
                "SELECT device_id FROM paired_kiosks
                 WHERE token_hash = ?1 AND revoked_at IS NOT NULL",
                [sha256_hex(token)],
                |row| row.get(0),
            )
            .optional()?;
        let tx = self.conn.transaction()?;
        let refused = match revoked {
            Some(device_id) => {
                let action = format!("revoked kiosk {device_id} refused");
                audit_change(&tx, now, "hub", &action, None, None)?;
                TokenRefused::Revoked
            }
            None => {
                let minute_ago = timestamp(now - Duration::minutes(1));
                let said_lately = tx
                    .prepare_cached(
                        "SELECT 1 FROM audit_log
                         WHERE action = 'unknown kiosk refused' AND at > ?1",
                    )?
                    .exists([minute_ago])?;
                if !said_lately {
                    audit_change(&tx, now, "hub", "unknown kiosk refused", None, None)?;
                }
                TokenRefused::Unknown
            }
        };
        tx.commit()?;
        Ok(refused)
    }

    fn paired_kiosks(&self) -> Result<Vec<KioskEntry>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT device_id, paired_at, revoked_at, revoked_by FROM paired_kiosks
             ORDER BY paired_at DESC, device_id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut kiosks = Vec::new();
        for row in rows {
            let (device_id, paired_at, revoked_at, revoked_by) = row?;
            let revoked = match revoked_at {
                Some(at) => Some((parse_timestamp(&at)?, revoked_by.unwrap_or_default())),
                None => None,
            };
            kiosks.push(KioskEntry {
                device_id,
                paired_at: parse_timestamp(&paired_at)?,
                revoked,
            });
        }
        Ok(kiosks)
    }

    fn revoke_kiosk(
        &mut self,
        device_id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let revoked = tx.execute(
            "UPDATE paired_kiosks SET revoked_at = ?2, revoked_by = ?3
             WHERE device_id = ?1 AND revoked_at IS NULL",
            params![device_id, timestamp(now), by],
        )?;
        if revoked == 0 {
            return Ok(false);
        }
        audit_change(
            &tx,
            now,
            by,
            &format!("kiosk {device_id} revoked"),
            None,
            None,
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn given_home(&self) -> Result<Option<GivenHome>, StoreError> {
        self.given_home_settings()
    }

    fn publish_home(
        &mut self,
        home: &HomeForKiosks,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        self.publish_home_settings(home, now)
    }
}
