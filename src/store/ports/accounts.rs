//! Who may use the web app and the kiosk's staff screen: accounts, their
//! set-up codes and passphrases, signed-in sessions, and staff's PINs. A
//! refusal a person can put right (a name taken, a short passphrase, an
//! unknown code) and a plan that cannot be read are one error,
//! [`AccountError`].

use chrono::{DateTime, Utc};

use crate::core::PersonId;
use crate::store::accounts::{
    Account, AccountChange, AccountError, AccountSummary, KioskPin, Role, SignIn, SignInCheck,
    WebSession,
};
use crate::store::StoreError;

pub trait AccountsPlan: Send {
    /// Makes an account and returns its one-time set-up code.
    fn add_account(
        &mut self,
        name: &str,
        role: Role,
        person: Option<&PersonId>,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError>;

    /// Sets the passphrase of the account whose set-up code this is.
    fn redeem_setup_code(
        &mut self,
        code: &str,
        passphrase: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, AccountError>;

    /// What a sign-in for `name` is checked against; the passphrase is
    /// checked by the caller, away from the plan.
    fn sign_in_check(&self, name: &str) -> Result<SignInCheck, StoreError>;

    /// A sign-in checked here, passphrase and all (the command line).
    fn sign_in(&mut self, name: &str, passphrase: &str) -> Result<SignIn, StoreError>;

    /// A new signed-in session: its token and its form token.
    fn start_web_session(
        &mut self,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<(String, String), StoreError>;

    /// The session of this token, if it is still open.
    fn web_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<WebSession>, StoreError>;

    fn end_web_session(&mut self, token: &str) -> Result<(), StoreError>;

    /// The account looked at What's new now.
    fn mark_looked(&mut self, account_id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Whether the account has a PIN for the kiosk's staff screen.
    fn has_pin(&self, account_id: i64) -> Result<bool, StoreError>;

    fn set_pin(
        &mut self,
        account_id: i64,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError>;

    /// Whose PIN this is, typed on a kiosk's staff screen.
    fn kiosk_pin(&self, pin: &str) -> Result<KioskPin, StoreError>;

    /// Turns an account off or on, removes it, or signs it out everywhere.
    fn change_account(
        &mut self,
        name: &str,
        change: AccountChange,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError>;

    /// A new one-time code; the old passphrase and every session end.
    fn reset_passphrase(
        &mut self,
        name: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, AccountError>;

    fn account_summaries(&self, now: DateTime<Utc>) -> Result<Vec<AccountSummary>, StoreError>;

    fn accounts(&self) -> Result<Vec<Account>, StoreError>;
}
