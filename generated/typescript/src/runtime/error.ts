/**
 * What every vendor module shares: the code table row, the vendor's facts and
 * `ApiError`, the base of every vendor's error classes.
 * @module
 */

import { headerEquals, headerPairs, sameName, readRateLimit, shouldRetry, type HeadersInput, type RateLimit, type RateLimitHeaders } from "./headers.js";
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
  /** The deprecation note (since when, why, what replaces it) when the vendor deprecated or removed the code. */
  readonly deprecated: string | null;
  /** True when the vendor deprecated or removed the code. */
  readonly isDeprecated: boolean;
  /** True when the vendor no longer sends the code; it still parses. */
  readonly removed: boolean;
  /** The code that replaces this one, when the catalog names it. */
  readonly replacedBy: string | null;
  /** The URL of the code's section of the published reference, when the catalog says where it is published. */
  readonly docsUrl: string | null;
  /** The vendor's type of error the code belongs to, if the catalog says. */
  readonly type: string | null;
  /** The shortest wait before a retry of the code, in milliseconds, when the reference gives one. */
  readonly minDelayMs: number | null;
  /** The documented sub-codes and what each means. */
  readonly subcodes: readonly SubCode[];
}

/** A documented sub-code of a code (such as a card decline code). */
export interface SubCode {
  /** The sub-code as sent. */
  readonly code: string;
  /** What it means. */
  readonly meaning: string;
}

/** The facts of a {@link CodeInfo} that most codes lack; each defaults to none. */
export interface CodeExtras {
  /** Other spellings of the code. */
  readonly aliases?: readonly string[];
  /** The deprecation note, when the vendor deprecated or removed the code. */
  readonly deprecated?: string;
  /** True when the vendor no longer sends the code. */
  readonly removed?: boolean;
  /** The code that replaces this one. */
  readonly replacedBy?: string;
  /** The URL of the code's section of the published reference. */
  readonly docsUrl?: string;
  /** The vendor's type of error. */
  readonly type?: string;
  /** The shortest wait before a retry, in milliseconds. */
  readonly minDelayMs?: number;
  /** The documented sub-codes. */
  readonly subcodes?: readonly SubCode[];
}

/** A frozen table row; generated tables call this once per code (`extras` defaults to none). */
export function codeInfo(
  code: string,
  statuses: readonly number[],
  kind: string,
  retry: Rule,
  anyMethod: boolean,
  meaning: string,
  message: string | null,
  resolution: string | null,
  extras: CodeExtras = {},
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
    aliases: Object.freeze((extras.aliases ?? []).slice()),
    deprecated: extras.deprecated ?? null,
    isDeprecated: extras.deprecated !== undefined,
    removed: extras.removed ?? false,
    replacedBy: extras.replacedBy ?? null,
    docsUrl: extras.docsUrl ?? null,
    type: extras.type ?? null,
    minDelayMs: extras.minDelayMs ?? null,
    subcodes: Object.freeze((extras.subcodes ?? []).map((s) => Object.freeze({ code: s.code, meaning: s.meaning }))),
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
  /** The headers the rate limit is read from; `null` when the vendor declares none. */
  readonly rateLimit: RateLimitHeaders | null;
  /** A URL with `{code}` where the vendor documents each code, if it has one. */
  readonly docUrlTemplate: string | null;
}

/**
 * A condition a response without a readable code must meet to be a code:
 * some value of a header, trimmed, equals a text; a header is present; the
 * message read from the body contains a text, ignoring ASCII case.
 */
export type Condition =
  | { readonly header: string; readonly equals: string }
  | { readonly headerPresent: string }
  | { readonly messageContains: string };

/** A code told apart by conditions: its statuses and the conditions that must all hold. */
export interface Match {
  /** The code. */
  readonly code: string;
  /** The statuses it applies to. */
  readonly statuses: readonly number[];
  /** The conditions, all of which must hold. */
  readonly conditions: readonly Condition[];
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
  | "vendor"
  | "status"
  | "code"
  | "info"
  | "message"
  | "requestId"
  | "details"
  | "retryAfterMs"
  | "type"
  | "subcode"
  | "fields"
  | "vendorDocsUrl"
  | "rateLimit"
  | "shouldRetry"
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
  /** The value of the documented extra field `name` the body has (`undefined` when it has none). */
  field(name: string): unknown;
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
  field(name: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.fields, name) ? this.fields[name] : undefined;
  },
  outcome(): Outcome {
    return {
      kind: "response",
      status: this.status,
      rule: this.retryRule,
      anyMethod: this.anyMethod,
      retryAfterMs: this.retryAfterMs,
      minDelayMs: this.info?.minDelayMs ?? null,
      resetMs: this.rateLimit?.resetMs ?? null,
      shouldRetry: this.shouldRetry,
    };
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
  /** The vendor's type of error: the body's, else the code's in the catalog, else `null`. */
  readonly type: string | null;
  /** The sub-code the body gives (such as a card decline code), else `null`. */
  readonly subcode: string | null;
  /** The documented extra fields the body has, by name (see {@link ApiError.field}). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The vendor's docs link for the error: the body's, else the vendor's template with a known code, else `null`. */
  readonly vendorDocsUrl: string | null;
  /** The rate limit the response's headers give; `null` when the vendor declares no rate-limit headers. */
  readonly rateLimit: RateLimit | null;
  /** The vendor's should-retry header: `true`, `false`, or `null` when absent, neither, or not sent by the vendor. */
  readonly shouldRetry: boolean | null;
  /** The class {@link Parsed.toError} makes: the code's, or the vendor's base class for a code the catalog does not know. */
  readonly errorClass: ErrorClass<E>;

  constructor(
    vendor: VendorInfo,
    raw: RawError,
    code: string,
    info: CodeInfo | null,
    errorClass: ErrorClass<E>,
    rateLimit: RateLimit | null = null,
    shouldRetry: boolean | null = null,
  ) {
    this.vendor = vendor;
    this.status = raw.status;
    this.code = code;
    this.info = info;
    this.message = raw.message;
    this.requestId = raw.requestId;
    this.details = raw.details;
    this.retryAfterMs = raw.retryAfterMs;
    this.type = raw.type ?? info?.type ?? null;
    this.subcode = raw.subcode;
    this.fields = raw.fields;
    const template = vendor.docUrlTemplate;
    this.vendorDocsUrl = raw.docUrl ?? (info !== null && template !== null ? template.replaceAll("{code}", () => info.code) : null);
    this.rateLimit = rateLimit;
    this.shouldRetry = shouldRetry;
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
  /** The vendor's type of error: the body's, else the code's in the catalog, else `null`. */
  readonly type: string | null;
  /** The sub-code the body gives (such as a card decline code), else `null`. */
  readonly subcode: string | null;
  /** The documented extra fields the body has, by name (see {@link ApiError.field}). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The vendor's docs link for the error: the body's, else the vendor's template with a known code, else `null`. */
  readonly vendorDocsUrl: string | null;
  /** The rate limit the response's headers give; `null` when the vendor declares no rate-limit headers. */
  readonly rateLimit: RateLimit | null;
  /** The vendor's should-retry header: `true`, `false`, or `null` when absent, neither, or not sent by the vendor. */
  readonly shouldRetry: boolean | null;

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
    this.type = parsed.type;
    this.subcode = parsed.subcode;
    this.fields = parsed.fields;
    this.vendorDocsUrl = parsed.vendorDocsUrl;
    this.rateLimit = parsed.rateLimit;
    this.shouldRetry = parsed.shouldRetry;
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

/** Whether a condition holds for a response with these headers and body message. */
function holds(c: Condition, pairs: ReadonlyArray<readonly [string, string]>, message: string | null): boolean {
  if ("header" in c) return headerEquals(pairs, c.header, c.equals);
  if ("headerPresent" in c) return pairs.some((p) => sameName(p[0], c.headerPresent));
  return message !== null && asciiLower(message).includes(asciiLower(c.messageContains));
}

/** `text` with ASCII letters in lower case, and nothing else changed. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Parses a vendor's error response and maps it to its code. The code is the
 * body's (the first of the envelope's code paths that holds one); for a body
 * without one, the first of `matches` (in catalog order) whose statuses
 * include the status and whose conditions all hold, else the status's
 * fallback (`fallbacks`), else an unknown code (`""`, or the status as text
 * for a vendor keyed by status, its error class the vendor's base class).
 * `table` holds each code and each alias (an exact spelling); a known code's
 * result carries its row's code, so an alias gives the code's own spelling.
 * `nowMs` (Unix milliseconds, default the clock) measures delays given as
 * dates and the wait until a rate limit resets.
 */
export function parseVendor<E extends ApiError>(
  vendor: VendorInfo,
  table: ReadonlyMap<string, readonly [CodeInfo, ErrorClass<E>]>,
  matches: readonly Match[],
  fallbacks: ReadonlyMap<number, string>,
  keyedByStatus: boolean,
  base: ErrorClass<E>,
  status: number,
  headers: HeadersInput,
  body: Body,
  nowMs?: number,
): Parsed<E> {
  const pairs = headerPairs(headers);
  const raw = parseRaw(vendor.envelope, vendor.policy.delayHeader, status, pairs, body, nowMs);
  let code = raw.code;
  if (code === null) {
    for (let i = 0; i < matches.length && code === null; i++) {
      const m = matches[i]!;
      if (m.statuses.includes(status) && m.conditions.every((c) => holds(c, pairs, raw.bodyMessage))) code = m.code;
    }
  }
  code ??= fallbacks.get(status) ?? (keyedByStatus ? String(status) : "");
  const rateLimit = vendor.rateLimit === null ? null : readRateLimit(pairs, vendor.rateLimit, nowMs);
  const told = shouldRetry(pairs, vendor.policy.shouldRetryHeader);
  const row = table.get(code);
  return row !== undefined
    ? new Parsed(vendor, raw, row[0].code, row[0], row[1], rateLimit, told)
    : new Parsed(vendor, raw, code, null, base, rateLimit, told);
}
