/**
 * What every vendor module shares: the code table row, the vendor's facts and
 * `ApiError`, the base of every vendor's error classes.
 * @module
 */

import type { HeadersInput } from "./headers.js";
import { parseRaw, type Body, type Envelope, type RawError } from "./response.js";
import {
  decide,
  decideWithBudget,
  ruleForUnknown,
  type Budget,
  type Decision,
  type Limits,
  type Outcome,
  type Policy,
  type Request,
  type Rule,
} from "./retry.js";

/** What the catalog records about one code, as a frozen table row. */
export interface CodeInfo {
  /** The wire string. */
  readonly code: string;
  /** The documented HTTP statuses. */
  readonly statuses: readonly number[];
  /** The canonical kind id, such as `rate_limited`. */
  readonly kind: string;
  /** The retry rule. */
  readonly retry: Rule;
  /** Whether the reference declares the code safe to retry whatever the method. */
  readonly anyMethod: boolean;
  /** What the code means. */
  readonly meaning: string;
  /** The message template with its `{placeholders}`, when the reference gives one. */
  readonly message: string | null;
  /** What to do about it, when the reference says. */
  readonly resolution: string | null;
  /** Other spellings the vendor has sent for the code, which parse to it. */
  readonly aliases: readonly string[];
}

/** A frozen table row; generated tables call this once per code (`aliases` default to none). */
export function codeInfo(
  code: string,
  statuses: readonly number[],
  kind: string,
  retry: Rule,
  anyMethod: boolean,
  meaning: string,
  message: string | null,
  resolution: string | null,
  aliases: readonly string[] = [],
): CodeInfo {
  return Object.freeze({
    code,
    statuses: Object.freeze(statuses.slice()),
    kind,
    retry,
    anyMethod,
    meaning,
    message,
    resolution,
    aliases: Object.freeze(aliases.slice()),
  });
}

/** One vendor's facts. */
export interface VendorInfo {
  /** The catalog id, such as `cert-ix`. */
  readonly id: string;
  /** The display name. */
  readonly name: string;
  /** Where the fields sit in an error body. */
  readonly envelope: Envelope;
  /** The retry guidance. */
  readonly policy: Policy;
}

/** The meaning reported for a code the catalog does not know. */
export const UNKNOWN_MEANING = "A code the catalog does not know yet.";

/** Options of {@link ApiError.retryDecision} beyond the attempt, request and jitter. */
export interface DecisionOptions {
  /** The client's own limits; errcat's defaults where left out. */
  readonly limits?: Limits | undefined;
  /** Milliseconds since the first attempt was sent (used with a deadline). */
  readonly elapsedMs?: number | undefined;
  /** A retry budget to withdraw from when the decision is to retry. */
  readonly budget?: Budget | undefined;
}

/** The fields of a parsed error response, as {@link Parsed} declares them; {@link ApiError} has them too. */
export type ErrorFields = Pick<
  Parsed,
  "vendor" | "status" | "code" | "info" | "message" | "requestId" | "details" | "retryAfterMs"
>;

/** What {@link Parsed} and {@link ApiError} both answer, from their fields. */
export interface ErrorFacts {
  /** The canonical kind id (`unknown` for a code the catalog does not know). */
  readonly kind: string;
  /** What the code means. */
  readonly meaning: string;
  /** The retry rule in force: the code's, or for an unknown code the status's. */
  readonly retryRule: Rule;
  /** Whether the reference declares the code safe to retry whatever the method. */
  readonly anyMethod: boolean;
  /** This response as the outcome of an attempt, the input of `decide`. */
  outcome(): Outcome;
  /**
   * Whether and when to retry after `attempt` attempts (including this one),
   * deterministic given a `jitter` sample in [0, 1) (default a fresh one).
   */
  retryDecision(attempt: number, request: Request, jitter?: number, options?: DecisionOptions): Decision;
}

/** The one implementation of {@link ErrorFacts}, put on both classes' prototypes below. */
const FACTS: ErrorFacts & ThisType<ErrorFields & ErrorFacts> = {
  get kind(): string {
    return this.info?.kind ?? "unknown";
  },
  get meaning(): string {
    return this.info?.meaning ?? UNKNOWN_MEANING;
  },
  get retryRule(): Rule {
    return this.info?.retry ?? ruleForUnknown(this.status, this.vendor.policy);
  },
  get anyMethod(): boolean {
    return this.info?.anyMethod ?? false;
  },
  outcome(): Outcome {
    return { kind: "response", status: this.status, rule: this.retryRule, anyMethod: this.anyMethod, retryAfterMs: this.retryAfterMs };
  },
  retryDecision(attempt: number, request: Request, jitter?: number, options: DecisionOptions = {}): Decision {
    const input = {
      policy: this.vendor.policy,
      outcome: this.outcome(),
      request,
      attempt,
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
      ...(options.elapsedMs !== undefined ? { elapsedMs: options.elapsedMs } : {}),
      ...(jitter !== undefined ? { jitter } : {}),
    };
    return options.budget !== undefined ? decideWithBudget(input, options.budget) : decide(input);
  },
};

/**
 * An error response from a vendor, parsed into plain data: what `parse` and
 * each vendor's `parse` return. No `Error` is made until {@link Parsed.toError}:
 * a JavaScript `Error` captures a stack trace when it is constructed, which
 * costs several times the parsing itself, and a retry loop needs only the data.
 */
export class Parsed<E extends ApiError = ApiError> implements ErrorFields {
  /** The vendor's facts. */
  readonly vendor: VendorInfo;
  /** The HTTP status. */
  readonly status: number;
  /** The code as sent (an alias as its code's own spelling); for a body without one, the code documented for the status, else `""` (the status as text for a vendor keyed by status). */
  readonly code: string;
  /** The catalog's row for the code, `null` for a code the catalog does not know. */
  readonly info: CodeInfo | null;
  /** The message from the body, or an excerpt of a body that was not the envelope. */
  readonly message: string;
  /** The request id, from the body or the vendor's request-id header. */
  readonly requestId: string | null;
  /** The endpoint-specific details from the body. */
  readonly details: unknown;
  /** The server's requested delay in milliseconds, from the vendor's delay header. */
  readonly retryAfterMs: number | null;
  /** The class {@link Parsed.toError} makes: the code's, or the vendor's base class for a code the catalog does not know. */
  readonly errorClass: ErrorClass<E>;

  constructor(vendor: VendorInfo, raw: RawError, code: string, info: CodeInfo | null, errorClass: ErrorClass<E>) {
    this.vendor = vendor;
    this.status = raw.status;
    this.code = code;
    this.info = info;
    this.message = raw.message;
    this.requestId = raw.requestId;
    this.details = raw.details;
    this.retryAfterMs = raw.retryAfterMs;
    this.errorClass = errorClass;
  }

  /** This response as an `Error` to throw: an instance of {@link Parsed.errorClass}, its stack trace taken here. */
  toError(): E {
    return new this.errorClass(this);
  }
}

/**
 * An error response from a vendor, as an `Error` to throw. Each vendor module
 * has a base class extending this one and a class per code extending that;
 * `message` is the message from the body (or an excerpt of a body that was not
 * the envelope). Made by each vendor's `fromResponse` and by
 * {@link Parsed.toError}.
 */
export class ApiError extends Error implements ErrorFields {
  /** The vendor's facts. */
  readonly vendor: VendorInfo;
  /** The HTTP status. */
  readonly status: number;
  /** The code as sent (an alias as its code's own spelling); for a body without one, the code documented for the status, else `""` (the status as text for a vendor keyed by status). */
  readonly code: string;
  /** The catalog's row for the code, `null` for a code the catalog does not know. */
  readonly info: CodeInfo | null;
  /** The request id, from the body or the vendor's request-id header. */
  readonly requestId: string | null;
  /** The endpoint-specific details from the body. */
  readonly details: unknown;
  /** The server's requested delay in milliseconds, from the vendor's delay header. */
  readonly retryAfterMs: number | null;

  constructor(parsed: ErrorFields) {
    super(parsed.message);
    this.name = new.target.name;
    this.vendor = parsed.vendor;
    this.status = parsed.status;
    this.code = parsed.code;
    this.info = parsed.info;
    this.requestId = parsed.requestId;
    this.details = parsed.details;
    this.retryAfterMs = parsed.retryAfterMs;
  }
}

// Each class answers ErrorFacts, implemented once by FACTS.
export interface Parsed<E extends ApiError = ApiError> extends ErrorFacts {}
export interface ApiError extends ErrorFacts {}
for (const proto of [Parsed.prototype, ApiError.prototype]) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(FACTS))) {
    // Not enumerable, as a class's own methods and accessors are.
    Object.defineProperty(proto, name, { ...descriptor, enumerable: false });
  }
}

/** A vendor's error class: made from a parsed response, like {@link ApiError}. */
export type ErrorClass<E extends ApiError> = new (parsed: ErrorFields) => E;

/**
 * Parses a vendor's error response and maps it to its code: the code from
 * the body, else the code documented for the status alone (`byStatus`), else
 * an unknown code (`""`, or the status as text for a vendor keyed by status),
 * whose error class is the vendor's base class. `table` holds each code and
 * each alias (an exact spelling); a known code's result carries its row's
 * code, so an alias gives the code's own spelling.
 */
export function parseVendor<E extends ApiError>(
  vendor: VendorInfo,
  table: ReadonlyMap<string, readonly [CodeInfo, ErrorClass<E>]>,
  byStatus: ReadonlyMap<number, string>,
  keyedByStatus: boolean,
  base: ErrorClass<E>,
  status: number,
  headers: HeadersInput,
  body: Body,
  nowMs?: number,
): Parsed<E> {
  const raw = parseRaw(vendor.envelope, vendor.policy.delayHeader, status, headers, body, nowMs);
  const code = raw.code ?? byStatus.get(status) ?? (keyedByStatus ? String(status) : "");
  const row = table.get(code);
  return row !== undefined ? new Parsed(vendor, raw, row[0].code, row[0], row[1]) : new Parsed(vendor, raw, code, null, base);
}
