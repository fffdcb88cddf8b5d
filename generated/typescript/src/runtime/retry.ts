/**
 * Retry rules, backoff schedules, the retry decision and the retry budget.
 * Mirrors the Rust crate's retry runtime, semantics version 2: the checks run
 * in the same order and give the same answers, delays in milliseconds.
 * @module
 */

/** A catalog entry's retry rule: what a client should do after this error. */
export type Rule =
  | { readonly kind: "never" }
  | { readonly kind: "backoff" }
  | { readonly kind: "retry_after" }
  | { readonly kind: "idempotent" }
  | { readonly kind: "until_reset" }
  | { readonly kind: "after"; readonly action: string };

/** The `never` rule, shared by every table row that has it. */
export const NEVER: Rule = Object.freeze({ kind: "never" });
/** The `backoff` rule. */
export const BACKOFF: Rule = Object.freeze({ kind: "backoff" });
/** The `retry_after` rule. */
export const RETRY_AFTER: Rule = Object.freeze({ kind: "retry_after" });
/** The `idempotent` rule. */
export const IDEMPOTENT: Rule = Object.freeze({ kind: "idempotent" });
/** The `until_reset` rule: wait until the vendor's rate-limit reset header says. */
export const UNTIL_RESET: Rule = Object.freeze({ kind: "until_reset" });
/** The rule to retry only after the user has done `action`. */
export function after(action: string): Rule {
  return Object.freeze({ kind: "after", action });
}

/** How a backoff delay is randomised. */
export type Jitter =
  | { readonly kind: "none" }
  | { readonly kind: "full" }
  | { readonly kind: "proportional"; readonly fraction: number }
  | { readonly kind: "additive"; readonly ms: number };

/** A vendor's exponential backoff schedule. */
export interface Backoff {
  /** The delay before the first retry, before jitter, in milliseconds. */
  readonly initialMs: number;
  /** The factor the delay grows by per retry. */
  readonly multiplier: number;
  /** The longest delay, when the reference gives one. */
  readonly maxMs: number | null;
  /** How delays are randomised. */
  readonly jitter: Jitter;
  /** Attempts in all, the first included, when the reference gives a limit. */
  readonly maxAttempts: number | null;
}

/** A vendor's retry guidance as data. */
export interface Policy {
  /** The backoff schedule and attempt limit. */
  readonly backoff: Backoff;
  /** The header carrying the server's requested delay, such as `Retry-After`. */
  readonly delayHeader: string | null;
  /** The longest server-requested wait the reference says to honour, in milliseconds. */
  readonly maxServerDelayMs: number | null;
  /** The methods always safe to repeat, upper case. */
  readonly safeMethods: readonly string[];
  /** The vendor's idempotency key, if it has one. */
  readonly idempotencyKey: string | null;
  /** The header whose `true` or `false` overrides a code's rule, if the vendor sends one. */
  readonly shouldRetryHeader: string | null;
}

/** The request that failed, as far as the decision needs it. */
export interface Request {
  /** The HTTP method, compared case-insensitively. */
  readonly method: string;
  /** Whether the request carries the vendor's idempotency key. */
  readonly idempotencyKey?: boolean;
}

/** A failure before a response arrived. */
export type TransportFailure = "connect" | "timeout" | "reset";

/** What a failed attempt gave: a response, or a transport failure. */
export type Outcome =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly rule: Rule;
      readonly anyMethod: boolean;
      readonly retryAfterMs: number | null;
      /** The code's shortest wait before a retry, in milliseconds. */
      readonly minDelayMs?: number | null;
      /** The wait until the rate limit resets, in milliseconds, as the vendor's reset header gives it. */
      readonly resetMs?: number | null;
      /** The vendor's should-retry header: `true`, `false`, or `null` when absent or neither. */
      readonly shouldRetry?: boolean | null;
    }
  | { readonly kind: "transport"; readonly failure: TransportFailure };

/**
 * The client's own limits. A limit left out (or `undefined`) keeps errcat's
 * default ({@link DEFAULT_LIMITS}), a number sets it (higher or lower), `null`
 * removes it. The reference's own numbers always apply, and no wait is longer
 * than {@link TIMER_MAX_MS}, what `setTimeout` holds.
 */
export interface Limits {
  /** Attempts in all, the first included; the default applies only where the reference gives none. */
  readonly maxAttempts?: number | null | undefined;
  /** The longest single wait accepted, in milliseconds. */
  readonly maxWaitMs?: number | null | undefined;
  /** The overall time from the first attempt, in milliseconds. */
  readonly deadlineMs?: number | null | undefined;
}

/**
 * errcat's defaults, where neither the reference nor the client gives a
 * number: 3 attempts (as AWS's standard mode) where the reference gives no
 * limit; a longest single wait of 60 s (raised to the reference's own caps
 * where they are longer), so a longer `Retry-After` is a give-up, not a sleep;
 * 5 minutes for the whole call.
 */
export const DEFAULT_LIMITS = Object.freeze({ maxAttempts: 3, maxWaitMs: 60_000, deadlineMs: 300_000 });

/** Every limit removed: only the reference's numbers and the platform's timer remain. */
export const NO_LIMITS: Limits = Object.freeze({ maxAttempts: null, maxWaitMs: null, deadlineMs: null });

/** The longest wait `setTimeout` holds, 2^31 − 1 ms (about 24.8 days); no setting lifts it. */
export const TIMER_MAX_MS = 2_147_483_647;

/** Which limit a give-up hit: the vendor's reference, the client's, errcat's default, or the platform's timer. */
export type Limit = "reference" | "client" | "default" | "platform";

/** A limit as the client left it: its number and whose it is, or null when removed. */
function resolve(value: number | null | undefined, fallback: number): [number, Limit] | null {
  if (value === null) return null;
  return value === undefined ? [fallback, "default"] : [value, "client"];
}

/** Why a failed request should not be retried now; `id` is the stable snake_case id. */
export type GiveUpReason =
  | { readonly id: "not_an_error" }
  | { readonly id: "not_retryable" }
  | { readonly id: "after_action"; readonly action: string }
  | { readonly id: "attempts_exhausted"; readonly maxAttempts: number; readonly limit: Limit }
  | { readonly id: "not_idempotent" }
  | { readonly id: "wait_too_long"; readonly waitMs: number; readonly capMs: number; readonly limit: Limit }
  | { readonly id: "deadline_exceeded"; readonly deadlineMs: number; readonly limit: Limit }
  | { readonly id: "budget_exhausted" }
  | { readonly id: "server_declined" };

/** What to do after a failed attempt. */
export type Decision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: GiveUpReason };

/** The one input of {@link decide}. */
export interface Attempt {
  /** The vendor's policy. */
  readonly policy: Policy;
  /** What the attempt gave. */
  readonly outcome: Outcome;
  /** The request. */
  readonly request: Request;
  /** Attempts already made, including the one that failed (0 counts as 1); default 1. */
  readonly attempt?: number | undefined;
  /** The client's limits; errcat's defaults where left out. */
  readonly limits?: Limits | undefined;
  /** Milliseconds since the first attempt was sent (used with a deadline). */
  readonly elapsedMs?: number | undefined;
  /** A jitter sample in [0, 1); default a fresh {@link jitterSample}. */
  readonly jitter?: number | undefined;
}

/** The largest delay, in nanoseconds, as Rust's `Duration` saturates it (`u64::MAX`). */
const MAX_NANOS = 18_446_744_073_709_551_615;

/** Nanoseconds as a float to whole nanoseconds: NaN and negatives give 0, huge values saturate. */
function wholeNanos(nanos: number): number {
  if (!(nanos > 0)) return 0;
  return nanos >= MAX_NANOS ? MAX_NANOS : Math.round(nanos);
}

/**
 * The delay before retry number `retry` (from 1; 0 counts as 1) with a jitter
 * sample in [0, 1] (clamped, NaN is 0), in milliseconds:
 * `initial × multiplier^(retry − 1)`, jittered, capped at `maxMs` when there
 * is one; full jitter is the sample times the capped delay. Computed in whole
 * nanoseconds exactly as the Rust crate does.
 */
export function backoffDelayMs(backoff: Backoff, retry: number, jitter: number): number {
  const sample = Number.isNaN(jitter) ? 0 : Math.min(Math.max(jitter, 0), 1);
  const exponent = Math.max(Math.floor(retry), 1) - 1;
  const multiplier = Number.isNaN(backoff.multiplier) || backoff.multiplier < 0 ? 1 : backoff.multiplier;
  const growth = exponent === 0 ? 1 : Math.pow(multiplier, exponent);
  const base = backoff.initialMs * 1e6 * growth;
  let nanos: number;
  const j = backoff.jitter;
  if (j.kind === "proportional") {
    const fraction = Number.isNaN(j.fraction) ? 0 : Math.min(Math.max(j.fraction, 0), 1);
    nanos = wholeNanos(base * (1 + fraction * (2 * sample - 1)));
  } else if (j.kind === "full") {
    nanos = wholeNanos(sample * (backoff.maxMs !== null ? Math.min(base, backoff.maxMs * 1e6) : base));
  } else if (j.kind === "additive") {
    nanos = wholeNanos(base) + wholeNanos(j.ms * 1e6 * sample);
  } else {
    nanos = wholeNanos(base);
  }
  if (backoff.maxMs !== null) nanos = Math.min(nanos, backoff.maxMs * 1e6);
  return nanos / 1e6;
}

/** Whether repeating `request` cannot cause a side effect twice. */
export function isSafe(policy: Policy, request: Request): boolean {
  const method = request.method.toUpperCase();
  return (
    policy.safeMethods.some((m) => m.toUpperCase() === method) ||
    (request.idempotencyKey === true && policy.idempotencyKey !== null)
  );
}

/** The rule for a code the catalog does not know, from its status alone. */
export function ruleForUnknown(status: number, policy: Policy): Rule {
  if (status === 429) return policy.delayHeader !== null ? RETRY_AFTER : BACKOFF;
  if (status >= 500 && status <= 599) return IDEMPOTENT;
  return NEVER;
}

function giveUp(reason: GiveUpReason): Decision {
  return { retry: false, reason };
}

/**
 * Decides whether to retry. The checks run in this order, the first that
 * applies wins: a status below 400 is not an error; the vendor's
 * should-retry header saying `false` gives up (`server_declined`); a `never`
 * or `after` rule gives up; the attempt limit (the smaller of the
 * reference's and the client's, the reference's on a tie); request safety (a
 * 5xx status or an `idempotent` rule unless the code is safe for any method,
 * or a timeout or reset, need a safe request); the wait (a `retry_after` rule
 * waits exactly the server's delay, an `until_reset` rule exactly the wait
 * until the reset, or without one backs off, other rules the longer of the
 * server's delay and the backoff; then at least the code's `minDelayMs`);
 * the reference's cap on the server's delay, then the client's longest wait
 * (or errcat's default, raised to the reference's caps), then the platform's
 * timer ({@link TIMER_MAX_MS}); the deadline (the client's or the default).
 * A transport failure behaves like a `backoff` rule. Where neither the
 * reference nor the client gives a number, {@link DEFAULT_LIMITS} apply.
 *
 * The should-retry header saying `true` makes any response retryable
 * whatever its rule, method or status: a rule that retries keeps its delay,
 * any other becomes `backoff`, and no safe request is needed.
 */
export function decide(input: Attempt): Decision {
  const { policy, outcome, request } = input;
  const limits = input.limits ?? {};
  const attempt = Math.max(Math.floor(input.attempt ?? 1), 1);
  const jitter = input.jitter ?? jitterSample();
  let rule: Rule;
  let needsSafe: boolean;
  let serverDelay: number | null = null;
  let minDelay = 0;
  if (outcome.kind === "response") {
    if (outcome.status < 400) return giveUp({ id: "not_an_error" });
    rule = outcome.rule;
    const told = outcome.shouldRetry ?? null;
    if (told === false) return giveUp({ id: "server_declined" });
    if (told === true && rule.kind !== "backoff" && rule.kind !== "retry_after" && rule.kind !== "until_reset") {
      rule = BACKOFF;
    }
    if (rule.kind === "never") return giveUp({ id: "not_retryable" });
    if (rule.kind === "after") return giveUp({ id: "after_action", action: rule.action });
    needsSafe =
      told !== true && ((outcome.status >= 500 && outcome.status <= 599) || rule.kind === "idempotent") && !outcome.anyMethod;
    serverDelay = outcome.retryAfterMs;
    if (rule.kind === "until_reset") {
      const reset = outcome.resetMs ?? null;
      if (reset !== null) serverDelay = reset;
      else rule = BACKOFF;
    }
    minDelay = outcome.minDelayMs ?? 0;
  } else {
    rule = BACKOFF;
    needsSafe = outcome.failure !== "connect";
  }
  const reference = policy.backoff.maxAttempts;
  const client = resolve(limits.maxAttempts, DEFAULT_LIMITS.maxAttempts);
  // The reference's number is never replaced by the default; a client's applies when lower.
  let attemptLimit: [number, Limit] | null;
  if (reference === null) attemptLimit = client;
  else if (client !== null && client[1] === "client" && Math.max(Math.floor(client[0]), 1) < reference) attemptLimit = client;
  else attemptLimit = [reference, "reference"];
  if (attemptLimit !== null) {
    const effective = Math.max(Math.floor(attemptLimit[0]), 1);
    if (attempt >= effective) {
      return giveUp({ id: "attempts_exhausted", maxAttempts: effective, limit: attemptLimit[1] });
    }
  }
  if (needsSafe && !isSafe(policy, request)) return giveUp({ id: "not_idempotent" });
  const backoff = backoffDelayMs(policy.backoff, attempt, jitter);
  let wait = backoff;
  if (serverDelay !== null) {
    wait = rule.kind === "retry_after" || rule.kind === "until_reset" ? serverDelay : Math.max(serverDelay, backoff);
    if (policy.maxServerDelayMs !== null && serverDelay > policy.maxServerDelayMs) {
      return giveUp({ id: "wait_too_long", waitMs: serverDelay, capMs: policy.maxServerDelayMs, limit: "reference" });
    }
  }
  wait = Math.max(wait, minDelay);
  const maxWait = resolve(limits.maxWaitMs, DEFAULT_LIMITS.maxWaitMs);
  if (maxWait !== null) {
    let [cap, limit] = maxWait;
    if (limit === "default") cap = Math.max(cap, policy.backoff.maxMs ?? 0, policy.maxServerDelayMs ?? 0);
    if (wait > cap) return giveUp({ id: "wait_too_long", waitMs: wait, capMs: cap, limit });
  }
  if (wait > TIMER_MAX_MS) {
    return giveUp({ id: "wait_too_long", waitMs: wait, capMs: TIMER_MAX_MS, limit: "platform" });
  }
  const deadline = resolve(limits.deadlineMs, DEFAULT_LIMITS.deadlineMs);
  if (deadline !== null && (input.elapsedMs ?? 0) + wait > deadline[0]) {
    return giveUp({ id: "deadline_exceeded", deadlineMs: deadline[0], limit: deadline[1] });
  }
  return { retry: true, delayMs: wait };
}

/** A pseudo-random jitter sample in [0, 1). */
export function jitterSample(): number {
  return Math.random();
}

/**
 * The token bucket's settings; each is optional and, when given, a whole
 * number from 0 to 4294967295 (anything else throws a `RangeError`).
 */
export interface BudgetOptions {
  /** Tokens the bucket holds at most (default 500; 0 counts as 1). */
  readonly capacity?: number;
  /** Tokens it holds at the start (default: full; more than the capacity counts as the capacity). */
  readonly available?: number;
  /** Tokens a retry withdraws (default 5; more than the capacity counts as the capacity). */
  readonly retryCost?: number;
  /** Tokens a retry after a timeout or reset withdraws (default 10; more than the capacity counts as the capacity). */
  readonly timeoutCost?: number;
  /** Tokens each success deposits (default 1). */
  readonly successDeposit?: number;
}

/** The largest setting a budget takes, the same in every language (Rust's `u32::MAX`). */
const BUDGET_MAX = 4294967295;

/** `value` when it is a whole number from 0 to {@link BUDGET_MAX}, `fallback` when it is absent; throws otherwise. */
function budgetSetting(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > BUDGET_MAX) {
    throw new RangeError(`Budget ${name} must be a whole number from 0 to ${BUDGET_MAX}, not ${String(value)}`);
  }
  return value;
}

/**
 * A retry budget shared by the requests of one client: a token bucket. A
 * retry withdraws 5 tokens, a retry after a timeout or reset 10; when the
 * bucket holds fewer, the retry is refused. Each success deposits 1, never
 * above capacity; withdrawn tokens are not returned. A capacity of 0 counts
 * as 1, and a cost above the capacity counts as the capacity.
 */
export class Budget {
  /** Tokens the bucket holds at most. */
  readonly capacity: number;
  /** Tokens a retry withdraws. */
  readonly retryCost: number;
  /** Tokens a retry after a timeout or reset withdraws. */
  readonly timeoutCost: number;
  /** Tokens each success deposits. */
  readonly successDeposit: number;
  #available: number;

  constructor(options: BudgetOptions = {}) {
    this.capacity = Math.max(budgetSetting("capacity", options.capacity, 500), 1);
    this.retryCost = Math.min(budgetSetting("retryCost", options.retryCost, 5), this.capacity);
    this.timeoutCost = Math.min(budgetSetting("timeoutCost", options.timeoutCost, 10), this.capacity);
    this.successDeposit = budgetSetting("successDeposit", options.successDeposit, 1);
    this.#available = Math.min(budgetSetting("available", options.available, this.capacity), this.capacity);
  }

  /** Tokens in the bucket now. */
  get available(): number {
    return this.#available;
  }

  /** Withdraws the cost of a retry after `outcome`; false (and nothing withdrawn) when too few remain. */
  tryWithdraw(outcome: Outcome): boolean {
    const slow = outcome.kind === "transport" && outcome.failure !== "connect";
    const cost = slow ? this.timeoutCost : this.retryCost;
    if (this.#available < cost) return false;
    this.#available -= cost;
    return true;
  }

  /** Deposits a success's tokens, never above capacity. */
  depositSuccess(): void {
    this.#available = Math.min(this.#available + this.successDeposit, this.capacity);
  }
}

/** {@link decide}, then a retry withdraws from `budget`: too few tokens give up with `budget_exhausted`. */
export function decideWithBudget(input: Attempt, budget: Budget): Decision {
  const decision = decide(input);
  if (decision.retry && !budget.tryWithdraw(input.outcome)) return giveUp({ id: "budget_exhausted" });
  return decision;
}
