package errcat

import "sync"

// Budget is a token bucket that stops retries when too many requests are failing,
// in the manner of the AWS SDKs: a retry withdraws RetryCost tokens, a retry after
// a timeout or reset TimeoutCost; when the bucket holds fewer, the retry is
// refused. Each success deposits SuccessDeposit, never above the capacity;
// withdrawn tokens are not returned.
//
// Share one *Budget between the goroutines and clients that should draw on one
// bucket; it is safe for concurrent use. Make it with NewBudget.
type Budget struct {
	mu             sync.Mutex
	capacity       int
	retryCost      int
	timeoutCost    int
	successDeposit int
	tokens         int
}

// BudgetConfig sets a Budget's numbers; a zero field takes the default (capacity
// 500, retry cost 5, timeout cost 10, success deposit 1). Available, when not
// nil, is where the bucket starts (clamped into [0, capacity]); else it starts full.
// A negative capacity counts as 1; a cost above the capacity counts as the
// capacity. For a cost or deposit of 0, use the With methods.
type BudgetConfig struct {
	Capacity, RetryCost, TimeoutCost, SuccessDeposit int
	Available                                        *int
}

// NewBudget makes a full bucket with the default numbers: 500 tokens, 5 a retry,
// 10 after a timeout or reset, 1 back per success.
func NewBudget() *Budget { return NewBudgetWith(BudgetConfig{}) }

// NewBudgetWith makes a bucket with the given numbers.
func NewBudgetWith(c BudgetConfig) *Budget {
	or := func(v, d int) int {
		if v <= 0 {
			return d
		}
		return v
	}
	b := &Budget{
		capacity:       max(c.Capacity, 1),
		retryCost:      or(c.RetryCost, 5),
		timeoutCost:    or(c.TimeoutCost, 10),
		successDeposit: or(c.SuccessDeposit, 1),
	}
	if c.Capacity == 0 {
		b.capacity = 500
	}
	b.tokens = b.capacity
	if c.Available != nil {
		b.tokens = min(max(*c.Available, 0), b.capacity)
	}
	return b
}

// WithCapacity is a copy of b holding at most capacity tokens (0 counts as 1),
// full. Call the With methods before sharing the bucket.
func (b *Budget) WithCapacity(capacity int) *Budget {
	n := b.copy()
	n.capacity = max(capacity, 1)
	n.tokens = n.capacity
	return n
}

// WithAvailable is a copy of b starting with available tokens (clamped into
// [0, capacity]).
func (b *Budget) WithAvailable(available int) *Budget {
	n := b.copy()
	n.tokens = min(max(available, 0), n.capacity)
	return n
}

// WithRetryCost is a copy of b whose retry after an error response or a connect
// failure costs cost tokens (negative counts as 0).
func (b *Budget) WithRetryCost(cost int) *Budget {
	n := b.copy()
	n.retryCost = max(cost, 0)
	return n
}

// WithTimeoutCost is a copy of b whose retry after a timeout or reset costs cost
// tokens (negative counts as 0).
func (b *Budget) WithTimeoutCost(cost int) *Budget {
	n := b.copy()
	n.timeoutCost = max(cost, 0)
	return n
}

// WithSuccessDeposit is a copy of b whose successes deposit deposit tokens
// (negative counts as 0).
func (b *Budget) WithSuccessDeposit(deposit int) *Budget {
	n := b.copy()
	n.successDeposit = max(deposit, 0)
	return n
}

func (b *Budget) copy() *Budget {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &Budget{
		capacity:       b.capacity,
		retryCost:      b.retryCost,
		timeoutCost:    b.timeoutCost,
		successDeposit: b.successDeposit,
		tokens:         b.tokens,
	}
}

// Capacity is the most tokens the bucket holds.
func (b *Budget) Capacity() int { return b.capacity }

// Available is the tokens in the bucket now.
func (b *Budget) Available() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

// Cost is what a retry after outcome withdraws, at most the capacity.
func (b *Budget) Cost(outcome Outcome) int {
	if outcome.Failure == Timeout || outcome.Failure == Reset {
		return min(b.timeoutCost, b.capacity)
	}
	return min(b.retryCost, b.capacity)
}

// TryWithdraw takes the cost of a retry after outcome; false (and nothing taken)
// when the bucket holds less.
func (b *Budget) TryWithdraw(outcome Outcome) bool {
	cost := b.Cost(outcome)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// DepositSuccess adds the deposit for a successful request, up to the capacity.
func (b *Budget) DepositSuccess() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.capacity, b.tokens+min(b.successDeposit, b.capacity))
}
