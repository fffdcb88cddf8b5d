/**
 * HTTP header lookup and `Retry-After` parsing: delta-seconds and the three
 * RFC 9110 HTTP-date forms. Mirrors the Rust crate's `errcat::headers`.
 * @module
 */

/** A `Headers`-like object: the Fetch API's `Headers`, or anything with its `forEach`. */
export interface HeadersLike {
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Response headers in any of the shapes JavaScript HTTP clients use: a Fetch
 * `Headers`, a plain record (Node's `IncomingHttpHeaders`, whose values may
 * be arrays), or a list of name/value pairs. Names compare case-insensitively.
 */
export type HeadersInput =
  | HeadersLike
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ReadonlyArray<readonly [string, string]>;

/** The headers as name/value pairs in order, a repeated header once per value (a list of pairs as it is). */
export function headerPairs(headers: HeadersInput): ReadonlyArray<readonly [string, string]> {
  if (Array.isArray(headers)) return headers as ReadonlyArray<readonly [string, string]>;
  const out: Array<[string, string]> = [];
  if (typeof (headers as HeadersLike).forEach === "function") {
    (headers as HeadersLike).forEach((value, name) => out.push([name, value]));
  } else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (typeof value === "string") {
        out.push([name, value]);
      } else if (Array.isArray(value)) {
        for (const v of value as readonly string[]) out.push([name, String(v)]);
      }
    }
  }
  return out;
}

/** Whether two header names are equal, ASCII-case-insensitively. */
export function sameName(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** Header names in ASCII lower case, by name: a vendor has one or two. */
const LOWER = new Map<string, string>();

/**
 * `name` in ASCII lower case, as HTTP/2, Fetch and Node give header names:
 * compared first, it spares a case-insensitive comparison in the usual case.
 */
function lowerName(name: string): string {
  let lower = LOWER.get(name);
  if (lower === undefined) {
    lower = name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    if (LOWER.size < 256) LOWER.set(name, lower);
  }
  return lower;
}

/** Strips the spaces and tabs HTTP allows around a field value. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** A space or a tab. */
function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The trimmed value of the first header named `name`, or `null`. */
export function header(pairs: ReadonlyArray<readonly [string, string]>, name: string): string | null {
  const lower = lowerName(name);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (pair[0] === lower || sameName(pair[0], name)) return trimOws(pair[1]);
  }
  return null;
}

/** The longest delay a `Retry-After` value gives, in seconds (`u32::MAX` in Rust, about 136 years). */
export const MAX_DELAY_SECS = 4_294_967_295;

const SHORT_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LONG_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const DIGITS = /^[0-9]+$/;
const IMF = /^([A-Za-z]*), ([0-9]{2}) ([A-Za-z]*) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([A-Za-z]*)$/;
const RFC850 = /^([A-Za-z]*), ([0-9]{2})-([A-Za-z]*)-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([A-Za-z]*)$/;
const ASCTIME = /^([A-Za-z]*) ([A-Za-z]*) (?: ([0-9])|([0-9]{2})) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([0-9]{4})$/;

/**
 * Parses one `Retry-After` value into the wait in milliseconds, measured from
 * `nowMs` (Unix milliseconds; default the clock). Delta-seconds are ASCII digits only (above
 * {@link MAX_DELAY_SECS} they saturate there); an HTTP-date may be an
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) or asctime (`Sun Nov  6 08:49:37 1994`),
 * names compared case-insensitively. A past date gives 0; anything malformed
 * gives `null`.
 */
export function parseRetryAfter(value: string, nowMs?: number): number | null {
  const text = isDigits(value) ? value : trimOws(value);
  if (text === "") return null;
  if (isDigits(text)) {
    let zeros = 0;
    while (zeros < text.length - 1 && text.charCodeAt(zeros) === 0x30) zeros++;
    const digits = zeros === 0 ? text : text.slice(zeros);
    const seconds = digits.length > 10 ? MAX_DELAY_SECS : Math.min(Number(digits), MAX_DELAY_SECS);
    return seconds * 1000;
  }
  const now = nowMs ?? Date.now();
  const date = parseHttpDate(text, yearOf(now));
  if (date === null) return null;
  const waitMs = date * 1000 - now;
  return Math.min(Math.max(waitMs, 0), MAX_DELAY_SECS * 1000);
}

/**
 * The server's delay from every value of the header named `name`: a repeated
 * header, or one value that is a comma-separated list of delta-seconds (a
 * proxy folding repeats), counts as several values, and the longest valid
 * wait wins; invalid values are ignored. `null` when no value is valid.
 */
export function serverDelayMs(
  pairs: ReadonlyArray<readonly [string, string]>,
  name: string,
  nowMs?: number,
): number | null {
  let longest: number | null = null;
  const lower = lowerName(name);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (pair[0] !== lower && !sameName(pair[0], name)) continue;
    const v = pair[1];
    const digits = isDigits(v);
    if (digits && v.length <= 9) {
      // The common case, a few delta-seconds: no trimming, no cap to apply.
      const wait = Number(v) * 1000;
      if (longest === null || wait > longest) longest = wait;
      continue;
    }
    const parts = digits || !v.includes(",") ? null : v.split(",");
    const values = parts !== null && parts.length > 1 && parts.every((p) => DIGITS.test(trimOws(p))) ? parts : [v];
    for (const value of values) {
      const wait = parseRetryAfter(value, nowMs);
      if (wait !== null && (longest === null || wait > longest)) longest = wait;
    }
  }
  return longest;
}

/** Whether `text` is one or more ASCII digits. */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The 1-based position of `word` among `names`, case-insensitively, or 0. */
function lookup(names: readonly string[], word: string): number {
  return names.indexOf(word.toLowerCase()) + 1;
}

/** Parses an HTTP-date into Unix seconds; `currentYear` resolves RFC 850's two-digit years. */
function parseHttpDate(text: string, currentYear: number): number | null {
  let m = IMF.exec(text);
  if (m) {
    if (!lookup(SHORT_DAYS, m[1]!) || m[8]!.toLowerCase() !== "gmt") return null;
    return unixSeconds(Number(m[4]), lookup(MONTHS, m[3]!), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = RFC850.exec(text);
  if (m) {
    if (!lookup(LONG_DAYS, m[1]!) || m[8]!.toLowerCase() !== "gmt") return null;
    const year = expandYear(Number(m[4]), currentYear);
    return unixSeconds(year, lookup(MONTHS, m[3]!), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = ASCTIME.exec(text);
  if (m) {
    if (!lookup(SHORT_DAYS, m[1]!)) return null;
    const day = Number(m[3] ?? m[4]);
    return unixSeconds(Number(m[8]), lookup(MONTHS, m[2]!), day, Number(m[5]), Number(m[6]), Number(m[7]));
  }
  return null;
}

/** A two-digit year more than 50 years ahead is the most recent past year with those digits (RFC 9110). */
function expandYear(shortYear: number, currentYear: number): number {
  const year = Math.floor(currentYear / 100) * 100 + shortYear;
  const horizon = currentYear + 50;
  if (year > horizon) return year - 100;
  if (year + 100 <= horizon) return year + 100;
  return year;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Validates the fields (a leap second of 60 is accepted) and returns Unix seconds. */
function unixSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number | null {
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 60;
  if (!valid) return null;
  return daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
}

/** Howard Hinnant's `days_from_civil`: days from 1970-01-01. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The Gregorian year containing `nowMs` (Howard Hinnant's `civil_from_days`). */
function yearOf(nowMs: number): number {
  const days = Math.floor(Math.floor(nowMs / 1000) / 86_400);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

/** Where a vendor's rate limit is read: the header of each role, `null` for a role it does not declare. */
export interface RateLimitHeaders {
  /** The header with the number of requests allowed in the window. */
  readonly limit: string | null;
  /** The header with the number of requests left in the window. */
  readonly remaining: string | null;
  /** The header with the number of requests made in the window. */
  readonly used: string | null;
  /** The header with the time the window resets. */
  readonly reset: string | null;
  /** How the reset header writes its time: Unix epoch seconds, or seconds from now. */
  readonly resetFormat: "epoch_seconds" | "seconds" | null;
}

/** A response's rate limit, as its headers give it; each member `null` when no header value parses. */
export interface RateLimit {
  /** Requests allowed in the window. */
  readonly limit: number | null;
  /** Requests left in the window. */
  readonly remaining: number | null;
  /** Requests made in the window. */
  readonly used: number | null;
  /** Milliseconds until the window resets, measured from the parse's `now` (never negative). */
  readonly resetMs: number | null;
}

/** The first value of the header named `name` that is 1 to 18 ASCII digits once trimmed, as a number; else `null`. */
export function headerCount(pairs: ReadonlyArray<readonly [string, string]>, name: string | null): number | null {
  if (name === null) return null;
  const lower = lowerName(name);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (pair[0] !== lower && !sameName(pair[0], name)) continue;
    const text = trimOws(pair[1]);
    if (text.length >= 1 && text.length <= 18 && isDigits(text)) return Number(text);
  }
  return null;
}

/**
 * The rate limit the headers give, from the headers `spec` names: counts as
 * {@link headerCount} reads them, and the reset as a wait from `nowMs` (Unix
 * milliseconds, default the clock, read only for an epoch reset): for
 * `epoch_seconds` `max(0, reset × 1000 − now)`, for `seconds` `reset × 1000`.
 */
export function readRateLimit(
  pairs: ReadonlyArray<readonly [string, string]>,
  spec: RateLimitHeaders,
  nowMs?: number,
): RateLimit {
  const reset = headerCount(pairs, spec.reset);
  let resetMs: number | null = null;
  if (reset !== null && spec.resetFormat === "seconds") resetMs = reset * 1000;
  else if (reset !== null && spec.resetFormat === "epoch_seconds") resetMs = Math.max(0, reset * 1000 - (nowMs ?? Date.now()));
  return {
    limit: headerCount(pairs, spec.limit),
    remaining: headerCount(pairs, spec.remaining),
    used: headerCount(pairs, spec.used),
    resetMs,
  };
}

/**
 * Whether the header named `name` says to retry: `true` or `false` (trimmed,
 * ASCII case-insensitive) in its first value; `null` when absent or any other value.
 */
export function shouldRetry(pairs: ReadonlyArray<readonly [string, string]>, name: string | null): boolean | null {
  if (name === null) return null;
  const value = header(pairs, name);
  if (value === null) return null;
  const lower = value.length === 4 || value.length === 5 ? value.toLowerCase() : "";
  return lower === "true" ? true : lower === "false" ? false : null;
}

/** Whether some value of the header named `name`, trimmed of spaces and tabs, is exactly `text`. */
export function headerEquals(pairs: ReadonlyArray<readonly [string, string]>, name: string, text: string): boolean {
  const lower = lowerName(name);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if ((pair[0] === lower || sameName(pair[0], name)) && trimOws(pair[1]) === text) return true;
  }
  return false;
}
