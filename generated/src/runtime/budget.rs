//! A retry budget: a token bucket shared by every request to a vendor, so that retries
//! cannot multiply the load on a vendor that is already failing.
//!
//! The rule, in the manner of the AWS SDKs' standard retry mode: the bucket starts full
//! (500 tokens); a retry withdraws 5 tokens, a retry after a timeout or a reset 10; a
//! retry that finds too few tokens is not made. Every successful response deposits 1
//! token, never above the capacity. Withdrawn tokens are not returned when the retry
//! succeeds: only successes refill the bucket, one token each, so after an outage the
//! budget recovers at the pace of the traffic that works.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::outcome::{Outcome, TransportFailure};

/// The default number of tokens in a full bucket.
pub const DEFAULT_CAPACITY: u32 = 500;
/// The default cost of a retry after an error response or a connect failure.
pub const DEFAULT_RETRY_COST: u32 = 5;
/// The default cost of a retry after a timeout or a reset connection.
pub const DEFAULT_TIMEOUT_COST: u32 = 10;
/// The default number of tokens a successful response deposits.
pub const DEFAULT_SUCCESS_DEPOSIT: u32 = 1;

/// A token bucket that limits retries across every request that shares it.
///
/// Cloning is cheap and every clone is the same bucket (the tokens sit behind an
/// [`Arc`] and change atomically), so one `Budget` per vendor can be handed to every
/// client and task: it is `Send + Sync`. The `with_*` methods configure a budget before
/// it is shared: [`Budget::with_capacity`] and [`Budget::with_available`] start a new
/// bucket that earlier clones do not see.
///
/// ```
/// use errcat::{Budget, Outcome, TransportFailure};
///
/// let budget = Budget::new().with_capacity(20);
/// let shared = budget.clone();
/// assert!(budget.try_withdraw(&Outcome::Transport(TransportFailure::Timeout)));
/// assert_eq!(shared.available(), 10);
/// shared.deposit_success();
/// assert_eq!(budget.available(), 11);
/// ```
#[derive(Clone, Debug)]
pub struct Budget {
    tokens: Arc<AtomicU32>,
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_deposit: u32,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}

impl Budget {
    /// Returns a full bucket of 500 tokens; a retry costs 5, a retry after a timeout or a
    /// reset 10, and a success deposits 1.
    pub fn new() -> Budget {
        Budget {
            tokens: Arc::new(AtomicU32::new(DEFAULT_CAPACITY)),
            capacity: DEFAULT_CAPACITY,
            retry_cost: DEFAULT_RETRY_COST,
            timeout_cost: DEFAULT_TIMEOUT_COST,
            success_deposit: DEFAULT_SUCCESS_DEPOSIT,
        }
    }

    /// Returns a new, full bucket holding `capacity` tokens (at least 1), with this
    /// budget's costs.
    pub fn with_capacity(self, capacity: u32) -> Budget {
        let capacity = capacity.max(1);
        Budget {
            tokens: Arc::new(AtomicU32::new(capacity)),
            capacity,
            ..self
        }
    }

    /// Returns a new bucket of the same capacity holding `available` tokens (at most the capacity).
    pub fn with_available(self, available: u32) -> Budget {
        Budget {
            tokens: Arc::new(AtomicU32::new(available.min(self.capacity))),
            ..self
        }
    }

    /// Sets the cost of a retry after an error response or a connect failure; a cost
    /// above the capacity counts as the capacity.
    pub fn with_retry_cost(self, cost: u32) -> Budget {
        Budget {
            retry_cost: cost,
            ..self
        }
    }

    /// Sets the cost of a retry after a timeout or a reset connection; a cost above the
    /// capacity counts as the capacity.
    pub fn with_timeout_cost(self, cost: u32) -> Budget {
        Budget {
            timeout_cost: cost,
            ..self
        }
    }

    /// Sets how many tokens a successful response deposits; the bucket never holds more
    /// than its capacity.
    pub fn with_success_deposit(self, deposit: u32) -> Budget {
        Budget {
            success_deposit: deposit,
            ..self
        }
    }

    /// Returns how many tokens a retry after `outcome` costs.
    pub fn cost(&self, outcome: &Outcome) -> u32 {
        let cost = match outcome {
            Outcome::Transport(TransportFailure::Timeout | TransportFailure::Reset) => {
                self.timeout_cost
            }
            Outcome::Transport(TransportFailure::Connect) | Outcome::Response { .. } => {
                self.retry_cost
            }
        };
        cost.min(self.capacity)
    }

    /// Withdraws the cost of a retry after `outcome`; returns false, withdrawing nothing,
    /// when the bucket holds fewer tokens than that.
    pub fn try_withdraw(&self, outcome: &Outcome) -> bool {
        let cost = self.cost(outcome);
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Records a successful response: deposits its tokens, up to the capacity.
    pub fn deposit_success(&self) {
        let (deposit, capacity) = (self.success_deposit, self.capacity);
        // The closure always returns `Some`, so the update cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(deposit).min(capacity))
            });
    }

    /// Returns the tokens in the bucket now.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// Returns the tokens a full bucket holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Retry;

    const RESPONSE: Outcome = Outcome::response(503, Retry::Backoff);
    const TIMEOUT: Outcome = Outcome::Transport(TransportFailure::Timeout);
    const RESET: Outcome = Outcome::Transport(TransportFailure::Reset);
    const CONNECT: Outcome = Outcome::Transport(TransportFailure::Connect);

    fn is_send_sync<T: Send + Sync>() {}

    #[test]
    fn defaults_follow_the_standard_retry_mode() {
        is_send_sync::<Budget>();
        let budget = Budget::new();
        assert_eq!(budget.capacity(), 500);
        assert_eq!(budget.available(), 500);
        assert_eq!(budget.cost(&RESPONSE), 5);
        assert_eq!(budget.cost(&CONNECT), 5);
        assert_eq!(budget.cost(&TIMEOUT), 10);
        assert_eq!(budget.cost(&RESET), 10);
        assert_eq!(Budget::default().capacity(), 500);
    }

    #[test]
    fn withdrawals_stop_when_the_bucket_runs_low() {
        let budget = Budget::new().with_capacity(23);
        assert!(budget.try_withdraw(&TIMEOUT));
        assert!(budget.try_withdraw(&RESPONSE));
        assert_eq!(budget.available(), 8);
        assert!(!budget.try_withdraw(&RESET), "10 > 8 left");
        assert_eq!(budget.available(), 8, "a refused withdrawal takes nothing");
        assert!(budget.try_withdraw(&CONNECT));
        assert_eq!(budget.available(), 3);
        assert!(!budget.try_withdraw(&RESPONSE));
    }

    #[test]
    fn successes_refill_up_to_the_capacity() {
        let budget = Budget::new().with_capacity(12).with_success_deposit(4);
        assert!(budget.try_withdraw(&TIMEOUT));
        budget.deposit_success();
        assert_eq!(budget.available(), 6);
        budget.deposit_success();
        budget.deposit_success();
        assert_eq!(budget.available(), 12);
    }

    #[test]
    fn clones_share_one_bucket() {
        let budget = Budget::new();
        let clone = budget.clone();
        assert!(clone.try_withdraw(&RESPONSE));
        assert_eq!(budget.available(), 495);
        budget.deposit_success();
        assert_eq!(clone.available(), 496);
        let separate = clone.clone().with_capacity(500);
        assert!(separate.try_withdraw(&TIMEOUT));
        assert_eq!(budget.available(), 496, "with_capacity starts a new bucket");
    }

    #[test]
    fn setters_clamp() {
        let budget = Budget::new()
            .with_capacity(0)
            .with_retry_cost(u32::MAX)
            .with_timeout_cost(7);
        assert_eq!(budget.capacity(), 1);
        assert_eq!(
            budget.cost(&RESPONSE),
            1,
            "a cost above the capacity is the capacity"
        );
        assert_eq!(budget.cost(&TIMEOUT), 1);
        let budget = Budget::new()
            .with_success_deposit(u32::MAX)
            .with_available(9_999);
        assert_eq!(budget.available(), 500);
        let low = budget.with_available(3);
        assert_eq!(low.available(), 3);
        low.deposit_success();
        assert_eq!(low.available(), 500);
        let free = Budget::new()
            .with_capacity(1)
            .with_available(0)
            .with_retry_cost(0);
        assert!(
            free.try_withdraw(&RESPONSE),
            "a retry that costs nothing is always allowed"
        );
    }
}
