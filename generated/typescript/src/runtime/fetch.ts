/**
 * `retryingFetch`: a function with `fetch`'s signature that retries as the
 * vendor's reference says, within the client's limits (errcat's defaults
 * where it sets none) and a shared budget. The same model as the Rust
 * crate's `Retrier`: the policy, limits, budget, a jitter source, an
 * injectable sleep and clock, cancellation, idempotency marked per request
 * and the outcome returned. Imported from `errcat/fetch`.
 * @module
 */

import { parse, type VendorId, VENDOR_IDS } from "../index.js";
import type { HeadersInput } from "./headers.js";
import { headerPairs } from "./headers.js";
import {
  Budget,
  DEFAULT_LIMITS,
  decide,
  decideWithBudget,
  jitterSample,
  type Attempt,
  type Decision,
  type Limits,
  type Outcome,
  type Policy,
  type TransportFailure,
} from "./retry.js";

/** An `AbortSignal`, as far as the adapter uses one. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** A `Response`, as far as the adapter uses one. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: HeadersInput;
  clone(): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** What a retrying call did: attempts made, the wait before each retry, and the decision that ended it. */
export interface Report {
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** The wait before each retry, in milliseconds, in order. */
  readonly waitsMs: readonly number[];
  /**
   * The decision that ended the call: `not_an_error` after a success, the
   * reason given up otherwise; null when the last attempt ended in an error
   * the adapter does not decide on (cancelled by the caller, an error that is
   * not a transport failure, a body that can be sent once only).
   */
  readonly decision: Decision | null;
}

/** What each call may add to `fetch`'s own options. */
export interface RetryInit {
  /**
   * The request carries the vendor's idempotency key (in its body, query or a
   * header), so it is repeated as safely as a safe method. A header of the
   * key's name is recognised without it.
   */
  readonly idempotent?: boolean | undefined;
  /** Called with the call's {@link Report} when it ends, with a response or an error. */
  readonly onReport?: ((report: Report) => void) | undefined;
}

/** Any function shaped like `fetch`: its own input and init types are kept. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFetch = (input: any, init?: any) => Promise<FetchResponse>;

/** The options of {@link retryingFetch}; each but `fetch` is optional. */
export interface RetryingFetchOptions<F extends AnyFetch> {
  /** The `fetch` to call for each attempt (the global one, undici's, a test double). */
  readonly fetch: F;
  /** The client's limits; errcat's defaults ({@link DEFAULT_LIMITS}) where left out. */
  readonly limits?: Limits | undefined;
  /** A retry budget, shared by every client of the vendor. */
  readonly budget?: Budget | undefined;
  /** Waits `ms` milliseconds (default a timer, cancelled by the signals); replace it in tests. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Cancels every call of this client: its waits and its request in flight. */
  readonly signal?: AbortSignalLike | undefined;
  /** A jitter sample in [0, 1) per decision (default `Math.random`). */
  readonly jitter?: (() => number) | undefined;
  /** The clock, in milliseconds since the epoch (default `Date.now`); elapsed time and HTTP dates are read from it. */
  readonly now?: (() => number) | undefined;
}

/** The error a call ends with when an attempt would have run past the deadline: it was cancelled. */
export class DeadlineExceededError extends Error {
  /** The deadline, in milliseconds from the first attempt. */
  readonly deadlineMs: number;
  /** The call's report; its decision is `deadline_exceeded`. */
  readonly report: Report;

  constructor(deadlineMs: number, report: Report) {
    super(`errcat: the attempt was cancelled at the ${deadlineMs} ms deadline`);
    this.name = "DeadlineExceededError";
    this.deadlineMs = deadlineMs;
    this.report = report;
  }
}

interface Platform {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  AbortController: new () => { readonly signal: AbortSignalLike; abort(reason?: unknown): void };
}

const platform = globalThis as unknown as Platform;

const reports = new WeakMap<object, Report>();

/** The report of the call that returned `response` or threw `error`, if a retrying fetch made it. */
export function reportOf(responseOrError: unknown): Report | undefined {
  return typeof responseOrError === "object" && responseOrError !== null ? reports.get(responseOrError) : undefined;
}

/**
 * Names the transport failure behind a `fetch` error: a connection refused or
 * not made is `connect` (never sent, safe to repeat), a timeout is `timeout`,
 * a reset or closed connection is `reset`; null for anything else (a bad URL,
 * a cancellation by the caller), which is not retried.
 */
export function classifyFetchError(error: unknown): TransportFailure | null {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 8; depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === "TimeoutError") return "timeout";
    if (typeof code === "string") {
      if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) return "connect";
      if (/^(ETIMEDOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/.test(code)) return "timeout";
      if (/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) return "reset";
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Whether `init` or `input` carries a body that cannot be sent twice (a stream). */
function sentOnce(input: unknown, init: object): boolean {
  const body = (init as { body?: unknown }).body ?? (typeof input === "object" && input !== null ? (input as { body?: unknown }).body : undefined);
  return body !== null && body !== undefined && typeof (body as { getReader?: unknown }).getReader === "function";
}

/**
 * A function with `fetch`'s signature that retries calls to `vendorId` as its
 * reference says: waits (backoff, `Retry-After`, the reference's caps),
 * attempt limits, which methods are safe to repeat, failures without a
 * response, the client's limits (errcat's defaults where it sets none: 3
 * attempts where the reference gives none, 60 s longest wait, 5 minutes for
 * the whole call, an attempt still running then is cancelled) and a budget.
 *
 * A response of 400 or more is returned when the retries are over, its body
 * unread (it was read from a clone). Each call may pass `idempotent: true` and
 * `onReport` beside `fetch`'s own options; {@link reportOf} gives the report
 * of a returned response or a thrown error. A request whose body is a stream
 * is sent once.
 */
export function retryingFetch<F extends AnyFetch>(
  vendorId: VendorId,
  options: RetryingFetchOptions<F>,
): (input: Parameters<F>[0], init?: NonNullable<Parameters<F>[1]> & RetryInit) => Promise<Awaited<ReturnType<F>>> {
  if (!(VENDOR_IDS as readonly string[]).includes(vendorId)) {
    throw new RangeError(`errcat: no vendor ${JSON.stringify(vendorId)} in the catalog`);
  }
  // The vendor's facts, as any parse of one of its responses carries them.
  const policy: Policy = parse(vendorId, 500, [], "").vendor.policy;
  const limits: Limits = options.limits ?? {};
  const now = options.now ?? Date.now;
  const jitter = options.jitter ?? jitterSample;
  const budget = options.budget;
  const deadlineMs = limits.deadlineMs === undefined ? DEFAULT_LIMITS.deadlineMs : limits.deadlineMs;
  const keyHeader = policy.idempotencyKey?.toLowerCase() ?? null;

  type Res = Awaited<ReturnType<F>>;
  return async (input, init): Promise<Res> => {
    const { idempotent, onReport, ...fetchInit } = (init ?? {}) as NonNullable<Parameters<F>[1]> & RetryInit & { signal?: AbortSignalLike | null; method?: string; headers?: HeadersInput };
    const method = String(fetchInit.method ?? (typeof input === "object" && input !== null ? (input as { method?: unknown }).method : undefined) ?? "GET").toUpperCase();
    const keyed =
      idempotent === true ||
      (keyHeader !== null && fetchInit.headers !== undefined && headerPairs(fetchInit.headers).some(([name]) => name.toLowerCase() === keyHeader));
    const request = { method, idempotencyKey: keyed };
    const once = sentOnce(input, fetchInit);
    const signals = [options.signal, fetchInit.signal ?? undefined].filter((s): s is AbortSignalLike => s !== undefined);
    const started = now();
    let attempts = 0;
    const waitsMs: number[] = [];
    const snapshot = (decision: Decision | null): Report => Object.freeze({ attempts, waitsMs: Object.freeze(waitsMs.slice()), decision });
    const end = <T>(decision: Decision | null, value: T, report: Report = snapshot(decision)): T => {
      if (typeof value === "object" && value !== null) reports.set(value, report);
      onReport?.(report);
      return value;
    };
    // The error of an attempt the deadline cancelled, with its report.
    const cancelled = (): DeadlineExceededError => {
      const limit = limits.deadlineMs === undefined ? "default" : "client";
      const report = snapshot({ retry: false, reason: { id: "deadline_exceeded", deadlineMs: deadlineMs ?? 0, limit } });
      return end(report.decision, new DeadlineExceededError(deadlineMs ?? 0, report), report);
    };
    const decideAfter = (outcome: Outcome): Decision => {
      const attempt: Attempt = { policy, outcome, request, attempt: attempts, limits, elapsedMs: now() - started, jitter: jitter() };
      return budget !== undefined ? decideWithBudget(attempt, budget) : decide(attempt);
    };
    for (;;) {
      const aborted = signals.find((s) => s.aborted);
      if (aborted !== undefined) throw end(null, aborted.reason);
      attempts += 1;
      // One controller per attempt: the caller's signals and the deadline cancel it.
      const controller = new platform.AbortController();
      let pastDeadline = false;
      const abort = (): void => controller.abort(signals.find((s) => s.aborted)?.reason);
      for (const s of signals) s.addEventListener("abort", abort, { once: true });
      let timer: unknown;
      if (deadlineMs !== null) {
        const remaining = Math.max(deadlineMs - (now() - started), 0);
        timer = platform.setTimeout(() => {
          pastDeadline = true;
          controller.abort();
        }, Math.min(remaining, 2_147_483_647));
      }
      const release = (): void => {
        if (timer !== undefined) platform.clearTimeout(timer);
        for (const s of signals) s.removeEventListener("abort", abort);
      };
      const attemptInput = typeof input === "object" && input !== null && typeof (input as { clone?: unknown }).clone === "function" && !once
        ? (input as { clone(): unknown }).clone()
        : input;
      let decision: Decision | undefined;
      let failed: { error: unknown } | undefined;
      let response: Res | undefined;
      try {
        response = (await options.fetch(attemptInput, { ...fetchInit, signal: controller.signal })) as Res;
      } catch (error) {
        release();
        if (pastDeadline) {
          throw cancelled();
        }
        const failure = signals.some((s) => s.aborted) || once ? null : classifyFetchError(error);
        if (failure === null) throw end(null, error);
        failed = { error };
        decision = decideAfter({ kind: "transport", failure });
      }
      if (response !== undefined) {
        if (response.status < 400) {
          release();
          budget?.depositSuccess();
          return end({ retry: false, reason: { id: "not_an_error" } }, response);
        }
        if (once) {
          release();
          return end(null, response);
        }
        let body: Uint8Array;
        try {
          body = new Uint8Array(await response.clone().arrayBuffer());
        } catch (error) {
          release();
          if (pastDeadline) {
              throw cancelled();
          }
          failed = { error };
          decision = decideAfter({ kind: "transport", failure: classifyFetchError(error) ?? "reset" });
          body = new Uint8Array(0);
        }
        release();
        if (failed === undefined) {
          decision = decideAfter(parse(vendorId, response.status, response.headers, body, now()).outcome());
        }
      }
      if (decision === undefined) throw end(null, failed?.error);
      if (!decision.retry) {
        if (failed !== undefined) throw end(decision, failed.error);
        return end(decision, response as Res);
      }
      waitsMs.push(decision.delayMs);
      await (options.sleep ?? ((ms: number) => sleep(ms, signals)))(decision.delayMs);
    }
  };
}

/** Waits `ms` on a timer, rejecting with the reason when a signal aborts. */
function sleep(ms: number, signals: readonly AbortSignalLike[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      platform.clearTimeout(timer);
      reject(signals.find((s) => s.aborted)?.reason);
    };
    const timer = platform.setTimeout(() => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
  });
}
