/**
 * Extraction of the error fields from an HTTP error response, driven by the
 * vendor's envelope described as data. Mirrors the Rust crate's `RawError`.
 * @module
 */

import { header, headerPairs, serverDelayMs, type HeadersInput } from "./headers.js";
import { readXml, xmlElement, xmlSteps } from "./xml.js";

// The encoding APIs are globals in every JavaScript runtime this package
// targets; declared here so the package needs no DOM or Node type library.
declare const TextDecoder: new (label?: string, options?: { fatal?: boolean }) => {
  decode(input: Uint8Array): string;
};
declare const TextEncoder: new () => { encode(input: string): Uint8Array };

/** A response body: text, or the bytes as received. */
export type Body = string | Uint8Array;

/** The largest body, in UTF-8 bytes, that is parsed as JSON; larger bodies only yield an excerpt. */
export const MAX_BODY = 1 << 20;
/** The number of bytes of the body an excerpt keeps at most, before the ellipsis. */
export const EXCERPT_LEN = 200;
/** The longest message or request id kept from a body, in UTF-8 bytes; longer ones are cut. */
export const MAX_MESSAGE = 4096;

/**
 * Where a vendor puts each error field: JSON pointers (RFC 6901) for a JSON
 * body, element paths (`/Error/Code`) for an XML body, and header names.
 */
export interface Envelope {
  /** The body's format. */
  readonly format: "json" | "xml";
  /** The paths to the machine-readable code, tried in order; empty when the vendor has none. */
  readonly code: readonly string[];
  /** The path to the vendor's type of error, if it has types. */
  readonly type: string | null;
  /** The path to the sub-code, if the vendor sends one. */
  readonly subcode: string | null;
  /** The path to the vendor's docs link for the error, if the body carries one. */
  readonly docUrl: string | null;
  /** The documented extra fields: name and path. */
  readonly fields: Readonly<Record<string, string>>;
  /** The path to the human-readable message. */
  readonly message: string;
  /** The path to the request id in the body, if the vendor puts it there. */
  readonly requestId: string | null;
  /** The response header carrying the request id, if the vendor sends one. */
  readonly requestIdHeader: string | null;
  /** The path to the structured details, if the vendor has them. */
  readonly details: string | null;
}

/** The fields of an error response, before they are mapped to a vendor's code. */
export interface RawError {
  /** The HTTP status. */
  readonly status: number;
  /** The machine-readable code: the first of the code paths that holds a non-empty one; `null` when none does. */
  readonly code: string | null;
  /** The message, or an excerpt of the body when it has none. */
  readonly message: string;
  /** The message as the body has it, uncut; `null` when it has none. */
  readonly bodyMessage: string | null;
  /** The request id from the body or the request-id header. */
  readonly requestId: string | null;
  /** The structured details, of any JSON type (`undefined` when absent; a string in an XML body). */
  readonly details: unknown;
  /** The vendor's type of error as the body gives it (non-empty), else `null`. */
  readonly type: string | null;
  /** The sub-code as the body gives it (non-empty), else `null`. */
  readonly subcode: string | null;
  /** The docs link the body carries (non-empty), else `null`. */
  readonly docUrl: string | null;
  /** The documented extra fields the body has, by name: any JSON value (`null` included), or a string in an XML body. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The server's requested delay in milliseconds, from the delay header. */
  readonly retryAfterMs: number | null;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** Unicode White_Space, as Rust's `str::trim` and `split_whitespace` use it. */
const SPACE_RUN = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const SPACE_AT = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const SPACE_ENDS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Whether the UTF-16 unit at `i` is Unicode White_Space (printable ASCII never is). */
function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c > 0x20 && c < 0x7f ? false : SPACE_AT.test(text[i] ?? "");
}

/** The shared empty fields. */
const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Extracts the error fields from a response; it never throws and its work is
 * bounded. `nowMs` (Unix milliseconds, default the clock, read only when
 * needed) measures delays given as dates.
 *
 * The body (after an optional byte order mark) is read only when it is valid
 * UTF-8 of at most {@link MAX_BODY} bytes: as JSON, or for an envelope of
 * format `xml` as XML under the rules of {@link readXml}; a body that cannot
 * be read has no fields. The code is the first of the code paths that holds a
 * non-empty string (or in JSON a number, as its decimal text); the message
 * the string at its path, else an {@link excerpt} of the body; the request
 * id the string or number at its path (trimmed, non-empty), else the
 * request-id header; the details whatever value is at their path; the type,
 * sub-code and docs link non-empty strings; the fields each value found.
 */
export function parseRaw(
  envelope: Envelope,
  delayHeader: string | null,
  status: number,
  headers: HeadersInput,
  body: Body,
  nowMs?: number,
): RawError {
  const pairs = headerPairs(headers);
  let text: string | null;
  let bytes: Uint8Array | null = null;
  if (typeof body === "string") {
    text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
    if (text.length > MAX_BODY || (text.length * 3 > MAX_BODY && encoder.encode(text).length > MAX_BODY)) {
      bytes = encoder.encode(text);
      text = null;
    }
  } else {
    bytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
    text = null;
    if (bytes.length <= MAX_BODY) {
      try {
        text = decoder.decode(bytes);
      } catch {
        text = null;
      }
    }
  }
  const paths = compiled(envelope);
  let get: (path: readonly string[] | null) => unknown;
  if (envelope.format === "xml") {
    const root = text === null ? null : readXml(text);
    get = (steps) => {
      if (root === null) return undefined;
      const element = xmlElement(root, steps);
      return element === null ? undefined : element.text;
    };
  } else {
    let json: unknown = undefined;
    if (text !== null) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    json = walk(json, paths.base);
    get = (tokens) => walk(json, tokens);
  }
  let code: string | null = null;
  for (let i = 0; i < paths.code.length && code === null; i++) {
    const found = scalar(get(paths.code[i]!), true);
    if (found !== null && found !== "") code = found;
  }
  const found = scalar(get(paths.message), false);
  const message = found !== null ? bounded(found, MAX_MESSAGE) : excerpt(bytes ?? text ?? "");
  let requestId = scalar(get(paths.requestId), true);
  if (requestId !== null && requestId !== "" && (isSpace(requestId, 0) || isSpace(requestId, requestId.length - 1))) {
    requestId = requestId.replace(SPACE_ENDS, "");
  }
  if (requestId === null || requestId === "") {
    const fromHeader = envelope.requestIdHeader === null ? null : header(pairs, envelope.requestIdHeader);
    requestId = fromHeader === null || fromHeader === "" ? null : fromHeader;
  }
  let fields = NO_FIELDS;
  for (const [name, path] of paths.fields) {
    const value = get(path);
    if (value === undefined) continue;
    if (fields === NO_FIELDS) fields = {};
    (fields as Record<string, unknown>)[name] = value;
  }
  return {
    status,
    code,
    message,
    bodyMessage: found,
    requestId: requestId === null ? null : bounded(requestId, MAX_MESSAGE),
    details: get(paths.details),
    type: nonEmpty(get(paths.type)),
    subcode: nonEmpty(get(paths.subcode)),
    docUrl: nonEmpty(get(paths.docUrl)),
    fields: fields === NO_FIELDS ? fields : Object.freeze(fields),
    retryAfterMs: delayHeader === null ? null : serverDelayMs(pairs, delayHeader, nowMs),
  };
}

/** A non-empty string, else `null`. */
function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * The value at an RFC 6901 JSON pointer in a JSON value (as `JSON.parse`
 * makes it): `""` is the whole value, a pointer not starting with `/` matches
 * nothing, array indices are decimal without a leading zero, and only an
 * object's own members count. `undefined` when nothing is there.
 */
export function resolve(value: unknown, pointer: string | null): unknown {
  return pointer === null ? undefined : walk(value, tokensOf(pointer));
}

/**
 * An envelope's paths split into tokens or steps (`null`: matches nothing).
 * For JSON each comes after the tokens all of them start with (`base`), which
 * are walked once; for XML `base` is empty.
 */
interface Paths {
  readonly base: readonly string[];
  readonly code: ReadonlyArray<readonly string[] | null>;
  readonly message: readonly string[] | null;
  readonly requestId: readonly string[] | null;
  readonly details: readonly string[] | null;
  readonly type: readonly string[] | null;
  readonly subcode: readonly string[] | null;
  readonly docUrl: readonly string[] | null;
  readonly fields: ReadonlyArray<readonly [string, readonly string[] | null]>;
}

/** Each envelope's paths, split once. */
const PATHS = new WeakMap<Envelope, Paths>();

/** The envelope's paths, split into tokens (after their common start) or steps. */
function compiled(envelope: Envelope): Paths {
  let paths = PATHS.get(envelope);
  if (paths === undefined) {
    const xml = envelope.format === "xml";
    const names = Object.keys(envelope.fields);
    const all = [
      envelope.message,
      envelope.requestId,
      envelope.details,
      envelope.type,
      envelope.subcode,
      envelope.docUrl,
      ...envelope.code,
      ...names.map((n) => envelope.fields[n]!),
    ].map((p) => (p === null ? null : xml ? xmlSteps(p) : tokensOf(p)));
    let shared = 0;
    const used = all.filter((t): t is readonly string[] => t !== null);
    const first = used[0] ?? [];
    if (!xml) {
      // The longest start every pointer shares, leaving each at least one token.
      const limit = used.length === 0 ? 0 : Math.min(...used.map((t) => t.length - 1));
      while (shared < limit && used.every((t) => t[shared] === first[shared])) shared++;
    }
    const rest = (t: readonly string[] | null | undefined) => (t === null || t === undefined ? null : t.slice(shared));
    const codes = envelope.code.length;
    paths = {
      base: first.slice(0, shared),
      message: rest(all[0]),
      requestId: rest(all[1]),
      details: rest(all[2]),
      type: rest(all[3]),
      subcode: rest(all[4]),
      docUrl: rest(all[5]),
      code: all.slice(6, 6 + codes).map(rest),
      fields: names.map((n, i) => [n, rest(all[6 + codes + i])] as const),
    };
    PATHS.set(envelope, paths);
  }
  return paths;
}

/** The value the tokens of a pointer lead to, or `undefined`. */
function walk(value: unknown, tokens: readonly string[] | null): unknown {
  if (tokens === null || value === undefined) return undefined;
  let current: unknown = value;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (Array.isArray(current)) {
      const index = arrayIndex(token);
      if (index < 0 || index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === "object") {
      // Only the body's own members count. Object.prototype's are functions
      // but for `__proto__`, and a JSON value is never a function nor
      // `undefined`: only those need the slower check of ownership.
      const next = (current as Record<string, unknown>)[token];
      if (
        next === undefined ||
        ((typeof next === "function" || token === "__proto__") && !Object.prototype.hasOwnProperty.call(current, token))
      ) {
        return undefined;
      }
      current = next;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Each pointer's unescaped tokens, split once: a vendor has a handful of pointers. */
const TOKENS = new Map<string, readonly string[] | null>();

/** The unescaped reference tokens of a pointer; `null` for one that matches nothing. */
function tokensOf(pointer: string): readonly string[] | null {
  let tokens = TOKENS.get(pointer);
  if (tokens === undefined) {
    if (pointer === "") tokens = [];
    else if (pointer[0] !== "/") tokens = null;
    else {
      tokens = pointer
        .slice(1)
        .split("/")
        .map((t) => (t.includes("~") ? t.replace(/~1/g, "/").replace(/~0/g, "~") : t));
    }
    if (TOKENS.size < 1024) TOKENS.set(pointer, tokens);
  }
  return tokens;
}

/** The array index a token names (decimal digits without a leading zero), or -1. */
function arrayIndex(token: string): number {
  if (token.length === 0 || (token.length > 1 && token.charCodeAt(0) === 0x30)) return -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return Number(token);
}

/** A string, or with `numbers` a number's decimal text; else `null`. */
function scalar(value: unknown, numbers: boolean): string | null {
  if (typeof value === "string") return value;
  if (numbers && typeof value === "number") return String(value);
  return null;
}

/** The length of `text` in UTF-8 bytes. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** `text` cut to at most `max` UTF-8 bytes at a character boundary, with `…` when cut. */
export function bounded(text: string, max: number): string {
  if (text.length <= max / 3 || utf8Length(text) <= max) return text;
  let n = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (n + size > max) break;
    n += size;
    end += ch.length;
  }
  return `${text.slice(0, end)}…`;
}

/**
 * A short, single-line excerpt of a body: the lossy UTF-8 decoding of at most
 * the first {@link EXCERPT_LEN} bytes, cut back to a character boundary, every
 * run of whitespace collapsed to one space and the ends trimmed; `…` is
 * appended when the body was longer.
 */
export function excerpt(body: Body): string {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const cut = bytes.length > EXCERPT_LEN;
  let end = Math.min(bytes.length, EXCERPT_LEN);
  if (cut) {
    for (let i = 0; i < 3; i++) {
      const b = bytes[end];
      if (b !== undefined && (b & 0xc0) === 0x80 && end > 0) end -= 1;
      else break;
    }
  }
  const collapsed = lossy.decode(bytes.subarray(0, end)).replace(SPACE_RUN, " ").replace(SPACE_ENDS, "");
  const out = bounded(collapsed, EXCERPT_LEN);
  return cut && !out.endsWith("…") ? `${out}…` : out;
}
