//! Staff and family accounts in the support plan, and their signed-in
//! browser sessions. Passphrases and PINs are kept as argon2id hashes; set-up
//! codes and session tokens as SHA-256 hashes (they are long and random, so
//! a fast hash is enough), so a copy of the plan file signs nobody in.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::plan::Plan;
use super::ports::AccountsPlan;
use super::secrets::{
    hash_secret, new_setup_code, normal_setup_code, random_hex, secret_matches, sha256_hex,
};
use super::{parse_timestamp, timestamp};
use crate::core::PersonId;

/// How long a set-up code can be used.
pub const SETUP_VALID_FOR: Duration = Duration::days(7);
/// How long a browser stays signed in: one long shift.
pub const SESSION_LASTS: Duration = Duration::hours(12);
/// Wrong passphrases allowed before a name is slowed down, or a client
/// address made to wait.
pub const FREE_TRIES: i64 = 5;
/// A client address's first wait; each further wrong passphrase doubles
/// it, up to an hour.
pub const FIRST_LOCKOUT: Duration = Duration::seconds(30);
const LONGEST_LOCKOUT: Duration = Duration::hours(1);
/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Staff,
    Family,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Family => "family",
        }
    }

    fn parse(text: &str) -> Role {
        if text == "family" {
            Role::Family
        } else {
            Role::Staff
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// A family account's one person.
    pub person: Option<PersonId>,
    pub last_looked: Option<DateTime<Utc>>,
    /// A home manager: makes the house's questions, and other managers.
    pub manages_home: bool,
}

impl Account {
    /// Whether this account may see people's views and act on them. A
    /// family account edits its person's picture sets and sees no views.
    pub fn sees_views(&self) -> bool {
        self.role == Role::Staff
    }

    /// Whether this account may change `owner`'s picture sets: staff
    /// anyone's, a family account its own person's.
    pub fn may_change_sets_of(&self, owner: &PersonId) -> bool {
        self.sees_views() || self.person.as_ref() == Some(owner)
    }

    /// Whether this account may make questions for the whole house.
    pub fn manages(&self) -> bool {
        self.sees_views() && self.manages_home
    }
}

/// Whose a PIN typed on the kiosk is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KioskPin {
    /// This staff member's.
    Of(String),
    Wrong,
    /// No staff member has a PIN.
    NoneSet,
}

/// The outcome of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Welcome(Account),
    /// Wrong name or passphrase (which one is not said).
    Wrong,
}

/// What checking a sign-in needs, read from the plan in one go; the costly
/// part (the passphrase against its hash) is done after, away from the plan.
#[derive(Debug, Clone)]
pub struct SignInCheck {
    /// `None`: no such name, or an account never set up.
    pub account: Option<Account>,
    /// The hash to check the passphrase against: the account's, or a
    /// stand-in that costs the same, so that the time taken says nothing
    /// of which names exist or have a passphrase.
    pub hash: String,
}

/// The argon2id hash a passphrase is checked against when there is no
/// account's own: made once, as costly to check as any.
fn stand_in_hash() -> &'static str {
    static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NOBODY.get_or_init(|| hash_secret("no such account"))
}

/// Whether `secret` is the one `hash` was made from (argon2id: about 19 MiB
/// and tens of milliseconds: run it where that cannot hold others up).
pub fn passphrase_matches(secret: &str, hash: &str) -> bool {
    secret_matches(secret, hash)
}

/// A signed-in browser: the account, and the token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub account: Account,
    pub csrf_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("there is already an account called {0}")]
    NameTaken(String),
    #[error("a name is needed (at most 80 characters)")]
    BadName,
    #[error("there is nobody with id {0} in the support plan")]
    NoSuchPerson(String),
    #[error("that set-up code is not known, was used already, or is more than 7 days old")]
    BadSetupCode,
    #[error("the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters")]
    ShortPassphrase,
    #[error("a PIN is 4 to 8 digits")]
    BadPin,
    #[error("there is no account called {0}")]
    NoSuchAccount(String),
    #[error("you cannot end your own account: ask another member of staff")]
    OwnAccount,
    #[error("only a staff account can be a home manager")]
    FamilyCannotManage,
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> AccountError {
        AccountError::Store(e.into())
    }
}

/// An account as the list of accounts shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub account: Account,
    /// Turned off, and since when.
    pub disabled_at: Option<DateTime<Utc>>,
    /// A passphrase set (else a set-up or reset code is waiting).
    pub set_up: bool,
    /// Browsers signed in now.
    pub sessions: i64,
}

/// What is done to an account that has to stop, or start again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    /// Signs in nowhere, its PIN opens no kiosk, its sessions end.
    Disable,
    /// In use again.
    Enable,
    /// Gone; what it did stays in the audit log under its name.
    Remove,
    /// Every browser signed in as it is signed out.
    EndSessions,
    /// A home manager from now on.
    MakeManager,
    /// No longer a home manager.
    EndManager,
}

impl AccountChange {
    fn audited(self) -> &'static str {
        match self {
            AccountChange::Disable => "account turned off",
            AccountChange::Enable => "account turned on",
            AccountChange::Remove => "account removed",
            AccountChange::EndSessions => "account's sessions ended",
            AccountChange::MakeManager => "account made a home manager",
            AccountChange::EndManager => "account no longer a home manager",
        }
    }
}

/// How long a client address waits after `failures` wrong sign-ins in a
/// row: nothing for the first few, then 30 seconds, doubling up to an hour.
pub fn lockout_after(failures: i64) -> Option<Duration> {
    let over = failures - FREE_TRIES;
    (over >= 0).then(|| {
        let factor = 1i32 << over.min(10);
        (FIRST_LOCKOUT * factor).min(LONGEST_LOCKOUT)
    })
}

const ACCOUNT_COLUMNS: &str = "a.id, a.name, a.role, a.person_id, a.last_looked, a.manages_home";

fn account_from_row(row: &rusqlite::Row) -> rusqlite::Result<(Account, Option<String>)> {
    Ok((
        Account {
            id: row.get(0)?,
            name: row.get(1)?,
            role: Role::parse(&row.get::<_, String>(2)?),
            person: row.get::<_, Option<String>>(3)?.map(PersonId::new),
            last_looked: None,
            manages_home: row.get(5)?,
        },
        row.get(4)?,
    ))
}

fn with_last_looked(
    (mut account, last_looked): (Account, Option<String>),
) -> Result<Account, StoreError> {
    account.last_looked = last_looked.as_deref().map(parse_timestamp).transpose()?;
    Ok(account)
}

impl AccountsPlan for Plan {
    /// Makes an account with no passphrase, and returns the one-time code
    /// its owner sets one with. Audited.
    fn add_account(
        &mut self,
        name: &str,
        role: Role,
        person: Option<&PersonId>,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(AccountError::BadName);
        }
        let tx = self.conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE name = ?1)",
            [name],
            |row| row.get(0),
        )?;
        if taken {
            return Err(AccountError::NameTaken(name.to_string()));
        }
        if let Some(person) = person {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
                [person.as_str()],
                |row| row.get(0),
            )?;
            if !known {
                return Err(AccountError::NoSuchPerson(person.to_string()));
            }
        }
        let code = new_setup_code();
        tx.execute(
            "INSERT INTO accounts (name, role, person_id, setup_code, setup_expires, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                name,
                role.as_str(),
                person.map(PersonId::as_str),
                sha256_hex(&normal_setup_code(&code)),
                timestamp(now + SETUP_VALID_FOR),
                timestamp(now)
            ],
        )?;
        let after = format!("{} account {name}", role.as_str());
        super::plan::audit_change(&tx, now, by_whom, "account added", None, Some(&after))?;
        tx.commit()?;
        Ok(code)
    }

    /// Sets the passphrase of the account a set-up code was made for; the
    /// code cannot be used again.
    fn redeem_setup_code(
        &mut self,
        code: &str,
        passphrase: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, AccountError> {
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(AccountError::ShortPassphrase);
        }
        let tx = self.conn.transaction()?;
        let found = tx
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, a.setup_expires FROM accounts a
                     WHERE a.setup_code = ?1"
                ),
                [sha256_hex(&normal_setup_code(code))],
                |row| Ok((account_from_row(row)?, row.get::<_, Option<String>>(6)?)),
            )
            .optional()?;
        let Some((account, expires)) = found else {
            return Err(AccountError::BadSetupCode);
        };
        let expired = match expires.as_deref().map(parse_timestamp).transpose()? {
            Some(expires) => expires < now,
            None => true,
        };
        if expired {
            return Err(AccountError::BadSetupCode);
        }
        let account = with_last_looked(account)?;
        tx.execute(
            "UPDATE accounts SET passphrase = ?1, setup_code = NULL, setup_expires = NULL,
                    failed_signins = 0, locked_until = NULL
             WHERE id = ?2",
            params![hash_secret(passphrase), account.id],
        )?;
        super::plan::audit_change(
            &tx,
            now,
            &account.name,
            "passphrase set",
            None,
            Some("with a set-up code"),
        )?;
        tx.commit()?;
        Ok(account)
    }

    /// What a sign-in for `name` is checked against (see [`SignInCheck`]).
    fn sign_in_check(&self, name: &str) -> Result<SignInCheck, StoreError> {
        let found = self
            .conn
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, a.passphrase FROM accounts a
                     WHERE a.name = ?1 AND a.disabled_at IS NULL"
                ),
                [name.trim()],
                |row| Ok((account_from_row(row)?, row.get::<_, Option<String>>(6)?)),
            )
            .optional()?;
        Ok(match found {
            Some((account, Some(hash))) => SignInCheck {
                account: Some(with_last_looked(account)?),
                hash,
            },
            // Unknown, or never set up: no passphrase can be right, and it
            // takes the same time to find that out.
            _ => SignInCheck {
                account: None,
                hash: stand_in_hash().to_string(),
            },
        })
    }

    /// Checks a name and passphrase here and now (the web app checks the
    /// passphrase away from the plan, and counts wrong ones itself).
    fn sign_in(&mut self, name: &str, passphrase: &str) -> Result<SignIn, StoreError> {
        let check = self.sign_in_check(name)?;
        let right = secret_matches(passphrase, &check.hash);
        Ok(match check.account {
            Some(account) if right => SignIn::Welcome(account),
            _ => SignIn::Wrong,
        })
    }

    /// Starts a signed-in session; returns the cookie's token and the
    /// session's CSRF token.
    fn start_web_session(
        &mut self,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<(String, String), StoreError> {
        let token = random_hex(32);
        let csrf = random_hex(32);
        self.conn.execute(
            "DELETE FROM web_sessions WHERE expires_at < ?1",
            [timestamp(now)],
        )?;
        self.conn.execute(
            "INSERT INTO web_sessions (token_hash, account_id, csrf_token, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                sha256_hex(&token),
                account.id,
                csrf,
                timestamp(now),
                timestamp(now + SESSION_LASTS)
            ],
        )?;
        Ok((token, csrf))
    }

    /// The session a cookie's token belongs to, if it has not expired.
    fn web_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<WebSession>, StoreError> {
        let found = self
            .conn
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, s.csrf_token, s.expires_at
                     FROM web_sessions s JOIN accounts a ON a.id = s.account_id
                     WHERE s.token_hash = ?1 AND a.disabled_at IS NULL"
                ),
                [sha256_hex(token)],
                |row| {
                    Ok((
                        account_from_row(row)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((account, csrf_token, expires)) = found else {
            return Ok(None);
        };
        if parse_timestamp(&expires)? <= now {
            return Ok(None);
        }
        Ok(Some(WebSession {
            account: with_last_looked(account)?,
            csrf_token,
        }))
    }

    fn end_web_session(&mut self, token: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM web_sessions WHERE token_hash = ?1",
            [sha256_hex(token)],
        )?;
        Ok(())
    }

    /// "What's new" for this account is what comes after `at`.
    fn mark_looked(&mut self, account_id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE accounts SET last_looked = ?1 WHERE id = ?2",
            params![timestamp(at), account_id],
        )?;
        Ok(())
    }

    /// Sets the PIN of the kiosk's staff screen for an account.
    fn set_pin(
        &mut self,
        account_id: i64,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(AccountError::BadPin);
        }
        let tx = self.conn.transaction()?;
        let name: String = tx.query_row(
            "SELECT name FROM accounts WHERE id = ?1",
            [account_id],
            |row| row.get(0),
        )?;
        tx.execute(
            "UPDATE accounts SET pin = ?1 WHERE id = ?2",
            params![hash_secret(pin), account_id],
        )?;
        super::plan::audit_change(&tx, now, &name, "PIN set", None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Whose PIN this is, for the kiosk's staff screen. Every staff PIN is
    /// tried (a kiosk has no name field); the kiosk itself locks out
    /// guessing.
    fn kiosk_pin(&self, pin: &str) -> Result<KioskPin, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT name, pin FROM accounts
             WHERE role = 'staff' AND pin IS NOT NULL AND disabled_at IS NULL ORDER BY id",
        )?;
        let pins: Vec<(String, String)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if pins.is_empty() {
            return Ok(KioskPin::NoneSet);
        }
        Ok(pins
            .into_iter()
            .find(|(_, stored)| secret_matches(pin, stored))
            .map_or(KioskPin::Wrong, |(name, _)| KioskPin::Of(name)))
    }

    /// Turns an account off or on, removes it, or ends its sessions; every
    /// one audited, and every session of an account turned off or removed
    /// ended at once. Nobody ends their own account (`by_whom`).
    fn change_account(
        &mut self,
        name: &str,
        change: AccountChange,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let tx = self.conn.transaction()?;
        let found: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT id, name, role FROM accounts WHERE name = ?1",
                [name.trim()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((id, name, role)) = found else {
            return Err(AccountError::NoSuchAccount(name.trim().to_string()));
        };
        let ends_it = matches!(change, AccountChange::Disable | AccountChange::Remove);
        if ends_it && name.eq_ignore_ascii_case(by_whom.trim()) {
            return Err(AccountError::OwnAccount);
        }
        let managing = matches!(
            change,
            AccountChange::MakeManager | AccountChange::EndManager
        );
        if managing && Role::parse(&role) != Role::Staff {
            return Err(AccountError::FamilyCannotManage);
        }
        if !managing {
            tx.execute("DELETE FROM web_sessions WHERE account_id = ?1", [id])?;
        }
        match change {
            AccountChange::Disable => {
                tx.execute(
                    "UPDATE accounts SET disabled_at = ?1 WHERE id = ?2",
                    params![timestamp(now), id],
                )?;
            }
            AccountChange::Enable => {
                tx.execute("UPDATE accounts SET disabled_at = NULL WHERE id = ?1", [id])?;
            }
            AccountChange::Remove => {
                tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
            }
            AccountChange::EndSessions => {}
            AccountChange::MakeManager | AccountChange::EndManager => {
                tx.execute(
                    "UPDATE accounts SET manages_home = ?1 WHERE id = ?2",
                    params![change == AccountChange::MakeManager, id],
                )?;
            }
        }
        super::plan::audit_change(&tx, now, by_whom, change.audited(), None, Some(&name))?;
        tx.commit()?;
        Ok(())
    }

    /// A new one-time code for an account whose passphrase is forgotten or
    /// may be known to others: the old passphrase stops working and every
    /// session ends at once. Audited.
    fn reset_passphrase(
        &mut self,
        name: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError> {
        let tx = self.conn.transaction()?;
        let found: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, name FROM accounts WHERE name = ?1",
                [name.trim()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((id, name)) = found else {
            return Err(AccountError::NoSuchAccount(name.trim().to_string()));
        };
        let code = new_setup_code();
        tx.execute(
            "UPDATE accounts SET passphrase = NULL, setup_code = ?1, setup_expires = ?2
             WHERE id = ?3",
            params![
                sha256_hex(&normal_setup_code(&code)),
                timestamp(now + SETUP_VALID_FOR),
                id
            ],
        )?;
        tx.execute("DELETE FROM web_sessions WHERE account_id = ?1", [id])?;
        super::plan::audit_change(&tx, now, by_whom, "passphrase reset", None, Some(&name))?;
        tx.commit()?;
        Ok(code)
    }

    /// Every account, as the list of accounts shows it.
    fn account_summaries(&self, now: DateTime<Utc>) -> Result<Vec<AccountSummary>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS}, a.disabled_at, a.passphrase IS NOT NULL,
                    (SELECT count(*) FROM web_sessions s
                     WHERE s.account_id = a.id AND s.expires_at > ?1)
             FROM accounts a ORDER BY a.role DESC, a.name"
        ))?;
        let rows = statement.query_map([timestamp(now)], |row| {
            Ok((
                account_from_row(row)?,
                row.get::<_, Option<String>>(6)?,
                row.get::<_, bool>(7)?,
                row.get::<_, i64>(8)?,
            ))
        })?;
        let mut summaries = Vec::new();
        for row in rows {
            let (account, disabled_at, set_up, sessions) = row?;
            summaries.push(AccountSummary {
                account: with_last_looked(account)?,
                disabled_at: disabled_at.as_deref().map(parse_timestamp).transpose()?,
                set_up,
                sessions,
            });
        }
        Ok(summaries)
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.name"
        ))?;
        let rows = statement.query_map([], account_from_row)?;
        rows.map(|row| with_last_looked(row?)).collect()
    }

    fn has_pin(&self, account_id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT pin IS NOT NULL FROM accounts WHERE id = ?1",
            [account_id],
            |row| row.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
    }

    fn plan_with_jo() -> (tempfile::TempDir, Plan, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = Plan::create(&dir.path().join("plan.sqlite")).unwrap();
        let code = plan
            .add_account("Jo", Role::Staff, None, "cli", now())
            .unwrap();
        (dir, plan, code)
    }

    #[test]
    fn an_account_has_no_passphrase_until_its_set_up_code_is_used_once() {
        let (_dir, mut plan, code) = plan_with_jo();
        assert_eq!(
            plan.sign_in("Jo", "").unwrap(),
            SignIn::Wrong,
            "no default password"
        );
        let typed = code.to_lowercase().replace('-', " ");
        let jo = plan
            .redeem_setup_code(&typed, "correct horse battery", now())
            .unwrap();
        assert_eq!(jo.name, "Jo");
        assert!(
            matches!(
                plan.redeem_setup_code(&code, "another passphrase", now()),
                Err(AccountError::BadSetupCode)
            ),
            "used once"
        );
        assert!(matches!(
            plan.sign_in("jo", "correct horse battery").unwrap(),
            SignIn::Welcome(account) if account.name == "Jo"
        ));
    }

    #[test]
    fn a_set_up_code_expires_and_a_short_passphrase_is_refused() {
        let (_dir, mut plan, code) = plan_with_jo();
        assert!(matches!(
            plan.redeem_setup_code(&code, "short", now()),
            Err(AccountError::ShortPassphrase)
        ));
        let later = now() + SETUP_VALID_FOR + Duration::minutes(1);
        assert!(matches!(
            plan.redeem_setup_code(&code, "long enough passphrase", later),
            Err(AccountError::BadSetupCode)
        ));
    }

    #[test]
    fn unknown_names_and_accounts_never_set_up_are_checked_against_a_hash_too() {
        let (_dir, plan, _code) = plan_with_jo();
        for name in ["Jo", "Nobody"] {
            let check = plan.sign_in_check(name).unwrap();
            assert!(check.account.is_none(), "{name}");
            assert!(
                check.hash.starts_with("$argon2id$"),
                "{name}: {}",
                check.hash
            );
        }
    }

    #[test]
    fn an_account_turned_off_removed_or_reset_is_signed_out_at_once() {
        let (_dir, mut plan, code) = plan_with_jo();
        let jo = plan
            .redeem_setup_code(&code, "correct horse battery", now())
            .unwrap();
        plan.set_pin(jo.id, "4821", now()).unwrap();
        let (token, _) = plan.start_web_session(&jo, now()).unwrap();

        // Nobody ends their own account.
        assert!(matches!(
            plan.change_account("Jo", AccountChange::Disable, "jo", now()),
            Err(AccountError::OwnAccount)
        ));
        plan.change_account("Jo", AccountChange::Disable, "Priya", now())
            .unwrap();
        assert!(
            plan.web_session(&token, now()).unwrap().is_none(),
            "signed out"
        );
        assert_eq!(
            plan.sign_in("Jo", "correct horse battery").unwrap(),
            SignIn::Wrong
        );
        assert_eq!(plan.kiosk_pin("4821").unwrap(), KioskPin::NoneSet);
        plan.change_account("Jo", AccountChange::Enable, "Priya", now())
            .unwrap();
        assert!(matches!(
            plan.sign_in("Jo", "correct horse battery").unwrap(),
            SignIn::Welcome(_)
        ));

        // A reset: the old passphrase stops, the new code works once.
        let (token, _) = plan.start_web_session(&jo, now()).unwrap();
        let code = plan.reset_passphrase("jo", "Priya", now()).unwrap();
        assert!(plan.web_session(&token, now()).unwrap().is_none());
        assert_eq!(
            plan.sign_in("Jo", "correct horse battery").unwrap(),
            SignIn::Wrong
        );
        plan.redeem_setup_code(&code, "a new long passphrase", now())
            .unwrap();
        assert!(matches!(
            plan.redeem_setup_code(&code, "another long one", now()),
            Err(AccountError::BadSetupCode)
        ));
        assert!(matches!(
            plan.sign_in("Jo", "a new long passphrase").unwrap(),
            SignIn::Welcome(_)
        ));

        let (token, _) = plan.start_web_session(&jo, now()).unwrap();
        plan.change_account("Jo", AccountChange::Remove, "Priya", now())
            .unwrap();
        assert!(plan.web_session(&token, now()).unwrap().is_none());
        assert!(plan.accounts().unwrap().is_empty());
        assert!(matches!(
            plan.change_account("Jo", AccountChange::Enable, "Priya", now()),
            Err(AccountError::NoSuchAccount(found)) if found == "Jo"
        ));
        let audited: Vec<String> = plan
            .conn
            .prepare("SELECT action FROM audit_log ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for action in [
            "account turned off",
            "account turned on",
            "passphrase reset",
            "account removed",
        ] {
            assert!(
                audited.iter().any(|a| a == action),
                "{action} in {audited:?}"
            );
        }
    }

    #[test]
    fn a_session_expires_and_ends_and_only_its_token_hash_is_kept() {
        let (_dir, mut plan, code) = plan_with_jo();
        let jo = plan
            .redeem_setup_code(&code, "correct horse battery", now())
            .unwrap();
        let (token, csrf) = plan.start_web_session(&jo, now()).unwrap();
        let session = plan.web_session(&token, now()).unwrap().unwrap();
        assert_eq!(session.account.name, "Jo");
        assert_eq!(session.csrf_token, csrf);
        assert!(!plan.contents().unwrap().contains(&token));
        assert!(plan
            .web_session(&token, now() + SESSION_LASTS)
            .unwrap()
            .is_none());
        plan.end_web_session(&token).unwrap();
        assert!(plan.web_session(&token, now()).unwrap().is_none());
    }
}
