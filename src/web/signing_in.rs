//! Signing in under load: passphrases are checked (argon2id, about 19 MiB
//! and tens of milliseconds each) by a small fixed pool of workers away
//! from the plan's lock, with a queue that refuses when full; and each
//! client address that keeps getting passphrases wrong waits longer each
//! time. A name (any name, known or not, so that the wait says nothing of
//! which exist) is only ever slowed down, never refused, so that nobody who
//! knows a name can keep its owner out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::store::accounts::{lockout_after, passphrase_matches, FREE_TRIES};

/// The first wait for a name after [`FREE_TRIES`] wrong passphrases.
pub const FIRST_NAME_DELAY: std::time::Duration = std::time::Duration::from_millis(500);
/// The longest a name's sign-in waits.
pub const LONGEST_NAME_DELAY: std::time::Duration = std::time::Duration::from_secs(8);
/// Names remembered; beyond this the oldest counts are forgotten.
const NAMES_KEPT: usize = 10_000;

/// Passphrases checked at once: two, so that a flood of sign-ins can take
/// at most two hashes' worth of memory and two cores.
pub const HASHING_WORKERS: usize = 2;
/// Sign-ins waiting for a worker before more are refused ("busy, try again
/// in a moment").
pub const HASHING_QUEUE: usize = 16;
/// Addresses remembered; beyond this the ones not waiting are forgotten.
const ADDRESSES_KEPT: usize = 10_000;

/// Too many sign-ins at once: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

struct Job {
    passphrase: String,
    hash: String,
    answer: tokio::sync::oneshot::Sender<bool>,
}

/// The workers that check passphrases.
#[derive(Clone)]
pub struct PassphraseChecker {
    jobs: SyncSender<Job>,
}

impl PassphraseChecker {
    pub fn start() -> PassphraseChecker {
        let (jobs, queue) = sync_channel::<Job>(HASHING_QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for worker in 0..HASHING_WORKERS {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("passphrases-{worker}"))
                .spawn(move || loop {
                    let job = {
                        let queue = queue.lock().unwrap_or_else(|p| p.into_inner());
                        queue.recv()
                    };
                    let Ok(job) = job else {
                        return;
                    };
                    let right = passphrase_matches(&job.passphrase, &job.hash);
                    let _ = job.answer.send(right);
                });
            if let Err(e) = started {
                tracing::error!("no thread to check passphrases with: {e}");
            }
        }
        PassphraseChecker { jobs }
    }

    /// Queues a check at once: its answer to come, or [`Busy`] when the
    /// queue is full.
    fn submit(
        &self,
        passphrase: &str,
        hash: &str,
    ) -> Result<tokio::sync::oneshot::Receiver<bool>, Busy> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job = Job {
            passphrase: passphrase.to_string(),
            hash: hash.to_string(),
            answer,
        };
        match self.jobs.try_send(job) {
            Ok(()) => Ok(answered),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// Whether `passphrase` is the one `hash` was made from, or [`Busy`]
    /// when the queue is full.
    pub async fn matches(&self, passphrase: &str, hash: &str) -> Result<bool, Busy> {
        self.submit(passphrase, hash)?.await.map_err(|_| Busy)
    }
}

/// Wrong passphrases by name, known or not, since its last right one.
#[derive(Clone, Default)]
pub struct NameDelays {
    by_name: Arc<Mutex<HashMap<String, i64>>>,
}

impl NameDelays {
    fn key(name: &str) -> String {
        name.trim().to_lowercase()
    }

    /// How long a sign-in for `name` waits before it is checked: nothing for
    /// the first few wrong passphrases, then half a second, doubling up to
    /// eight. A wait, never a refusal.
    pub fn delay(&self, name: &str) -> std::time::Duration {
        let map = self.by_name.lock().unwrap_or_else(|p| p.into_inner());
        let over = map.get(&Self::key(name)).copied().unwrap_or(0) - FREE_TRIES;
        if over < 0 {
            return std::time::Duration::ZERO;
        }
        (FIRST_NAME_DELAY * (1u32 << over.min(8))).min(LONGEST_NAME_DELAY)
    }

    /// Counts a sign-in for `name`: a right one clears its count.
    pub fn record(&self, name: &str, right: bool) {
        let mut map = self.by_name.lock().unwrap_or_else(|p| p.into_inner());
        let key = Self::key(name);
        if right {
            map.remove(&key);
            return;
        }
        if map.len() >= NAMES_KEPT && !map.contains_key(&key) {
            // A flood of made-up names: keep the ones tried most.
            map.retain(|_, count| *count >= FREE_TRIES);
            if map.len() >= NAMES_KEPT {
                return;
            }
        }
        *map.entry(key).or_default() += 1;
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: i64,
    wait_until: Option<DateTime<Utc>>,
}

/// Wrong tries by whoever made them: after [`FREE_TRIES`] in a row, they
/// wait 30 seconds, doubling with each further one, up to an hour.
#[derive(Clone)]
pub struct Waits<K> {
    by_address: Arc<Mutex<HashMap<K, Failures>>>,
}

impl<K> Default for Waits<K> {
    fn default() -> Self {
        Waits {
            by_address: Arc::default(),
        }
    }
}

/// Wrong sign-ins by client address.
pub type AddressWaits = Waits<IpAddr>;

/// Wrong PINs typed on each kiosk (by its device id), checked by the hub:
/// a kiosk's token alone cannot try every PIN.
pub type KioskPinWaits = Waits<String>;

impl<K: std::hash::Hash + Eq + Clone> Waits<K> {
    /// Until when `address` must wait before it may try again, if it must.
    pub fn waiting(&self, address: &K, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let map = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        map.get(address)
            .and_then(|f| f.wait_until)
            .filter(|until| *until > now)
    }

    /// Counts a try from `address`: a right one forgets its wrong ones.
    pub fn record(&self, address: &K, right: bool, now: DateTime<Utc>) {
        let mut map = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        if right {
            map.remove(address);
            return;
        }
        if map.len() >= ADDRESSES_KEPT && !map.contains_key(address) {
            map.retain(|_, f| f.wait_until.is_some_and(|until| until > now));
            if map.len() >= ADDRESSES_KEPT {
                // Still full of waiting addresses: an attack from many;
                // the names' own slowing-down still holds.
                return;
            }
        }
        let failures = map.entry(address.clone()).or_insert(Failures {
            count: 0,
            wait_until: None,
        });
        failures.count += 1;
        failures.wait_until = lockout_after(failures.count).map(|wait| now + wait);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::store::accounts::FIRST_LOCKOUT;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
    }

    #[test]
    fn an_address_waits_after_its_free_tries_and_longer_each_time() {
        let waits = AddressWaits::default();
        let attacker: IpAddr = "192.0.2.7".parse().unwrap();
        let jo: IpAddr = "192.0.2.8".parse().unwrap();
        for _ in 1..FREE_TRIES {
            waits.record(&attacker, false, now());
            assert_eq!(waits.waiting(&attacker, now()), None);
        }
        waits.record(&attacker, false, now());
        assert_eq!(waits.waiting(&attacker, now()), Some(now() + FIRST_LOCKOUT));
        waits.record(&attacker, false, now());
        assert_eq!(
            waits.waiting(&attacker, now()),
            Some(now() + FIRST_LOCKOUT * 2)
        );
        assert_eq!(waits.waiting(&jo, now()), None, "another address is free");
        assert_eq!(
            waits.waiting(&attacker, now() + FIRST_LOCKOUT * 2),
            None,
            "the wait ends"
        );
        waits.record(&attacker, true, now());
        assert_eq!(waits.waiting(&attacker, now()), None);
    }

    #[test]
    fn a_name_is_slowed_down_never_refused_known_or_not() {
        let names = NameDelays::default();
        for name in ["Jo", "nobody"] {
            for _ in 0..FREE_TRIES {
                assert_eq!(names.delay(name), std::time::Duration::ZERO);
                names.record(name, false);
            }
            assert_eq!(names.delay(name), FIRST_NAME_DELAY, "{name}");
            names.record(name, false);
            assert_eq!(names.delay(name), FIRST_NAME_DELAY * 2, "the wait doubles");
            for _ in 0..20 {
                names.record(name, false);
            }
            assert_eq!(names.delay(name), LONGEST_NAME_DELAY);
        }
        assert_eq!(names.delay("JO "), LONGEST_NAME_DELAY, "as typed");
        names.record("Jo", true);
        assert_eq!(names.delay("Jo"), std::time::Duration::ZERO, "cleared");
    }

    #[test]
    fn a_full_queue_says_busy_and_a_free_one_answers() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let checker = PassphraseChecker::start();
        let hash = crate::store::secrets::hash_for_tests("right one");
        runtime.block_on(async {
            assert_eq!(checker.matches("right one", &hash).await, Ok(true));
            assert_eq!(checker.matches("wrong one", &hash).await, Ok(false));
            // More at once than the workers and the queue hold: some are
            // told to come back, none is lost or answered wrongly.
            let many: Vec<_> = (0..HASHING_WORKERS + HASHING_QUEUE + 8)
                .map(|_| checker.submit("right one", &hash))
                .collect();
            assert!(many.iter().any(Result::is_err), "some are busy");
            for queued in many.into_iter().flatten() {
                assert_eq!(queued.await, Ok(true));
            }
        });
    }
}
