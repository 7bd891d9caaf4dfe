//! Heavy work bounded together: reading and decoding uploaded photos,
//! recordings and board packages takes tens to hundreds of megabytes each,
//! so one is done at a time and a few more wait their turn; beyond that the
//! sender is asked to try again in a moment. Memory under any mix of
//! uploads stays that of one (measured in `tests/web/family_sets.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::WebError;

/// Uploads worked on at once.
pub const AT_ONCE: usize = 1;
/// Uploads waiting their turn before more are turned away.
pub const WAITING: usize = 8;
/// Photos one upload may carry (a family member picking several at once).
pub const MAX_PHOTOS_AT_ONCE: usize = 20;

#[derive(Clone)]
pub struct HeavyWork {
    turns: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
}

impl Default for HeavyWork {
    fn default() -> HeavyWork {
        HeavyWork {
            turns: Arc::new(Semaphore::new(AT_ONCE)),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// Leaves the queue however the wait ends (a dropped request included).
struct InQueue(Arc<AtomicUsize>);

impl Drop for InQueue {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HeavyWork {
    /// Waits for this upload's turn; held until the returned permit goes.
    /// [`WebError::Busy`] when too many are waiting already.
    pub async fn turn(&self) -> Result<OwnedSemaphorePermit, WebError> {
        if let Ok(permit) = self.turns.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(WebError::Busy);
        }
        let _queued = InQueue(self.waiting.clone());
        self.turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| WebError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_at_a_time_a_few_waiting_and_the_rest_told_to_come_back() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let heavy = HeavyWork::default();
            let first = heavy.turn().await.unwrap();
            // Each waiter queues as soon as it is polled.
            let mut waiters = Vec::new();
            for _ in 0..WAITING {
                let heavy = heavy.clone();
                waiters.push(tokio::spawn(async move { heavy.turn().await.is_ok() }));
            }
            while heavy.waiting.load(Ordering::SeqCst) < WAITING {
                tokio::task::yield_now().await;
            }
            assert!(matches!(heavy.turn().await, Err(WebError::Busy)));
            drop(first);
            for waiter in waiters {
                assert!(waiter.await.unwrap(), "each waiter has its turn");
            }
            assert_eq!(heavy.waiting.load(Ordering::SeqCst), 0);
        });
    }
}
