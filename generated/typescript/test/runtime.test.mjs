// Unit tests of the hand-written runtime and of the generated classes' shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  ApiError,
  Budget,
  DEFAULT_LIMITS,
  NO_LIMITS,
  TIMER_MAX_MS,
  backoffDelayMs,
  bounded,
  decide,
  decideWithBudget,
  excerpt,
  header,
  headerPairs,
  parse,
  Parsed,
  sameName,
  parseRaw,
  parseRetryAfter,
  resolve,
  serverDelayMs,
  pentify,
  defendis,
  vantaprism,
  certIx,
  inkog,
  stripe,
  github,
  awsS3,
  readXml,
  readRateLimit,
  MAX_DEPTH,
} from "../dist/index.js";

const NOW = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
const PENTIFY = pentify.VENDOR.policy;
const backoff = (fields) => ({ initialMs: 1000, multiplier: 2, maxMs: null, jitter: { kind: "none" }, maxAttempts: null, ...fields });

test("headers come as Fetch Headers, records with arrays, or pairs, in order", () => {
  const fetchHeaders = new Headers([["Retry-After", "7"], ["X-Request-Id", "r1"]]);
  assert.deepEqual(headerPairs(fetchHeaders), [["retry-after", "7"], ["x-request-id", "r1"]]);
  assert.deepEqual(headerPairs({ "retry-after": ["1", "2"], skipped: undefined, a: "b" }), [
    ["retry-after", "1"],
    ["retry-after", "2"],
    ["a", "b"],
  ]);
  assert.deepEqual(headerPairs([["A", "1"], ["a", "2"]]), [["A", "1"], ["a", "2"]]);
});

test("Retry-After delta-seconds: digits only, saturating", () => {
  assert.equal(parseRetryAfter("120", NOW), 120_000);
  assert.equal(parseRetryAfter(" \t0 ", NOW), 0);
  assert.equal(parseRetryAfter("00007", NOW), 7_000);
  assert.equal(parseRetryAfter("99999999999999999999999", NOW), 4_294_967_295_000);
  for (const bad of ["", " ", "-1", "+1", "1.5", "1e3", "١٢", "12 s"]) assert.equal(parseRetryAfter(bad, NOW), null, bad);
});

test("Retry-After HTTP-dates in all three forms, relative to now", () => {
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", NOW), 10_000);
  assert.equal(parseRetryAfter("Sunday, 06-Nov-94 08:50:37 GMT", NOW), 60_000);
  assert.equal(parseRetryAfter("Sun Nov  6 08:49:40 1994", NOW), 3_000);
  assert.equal(parseRetryAfter("SUN, 06 NOV 1994 08:49:47 gmt", NOW), 10_000);
  assert.equal(parseRetryAfter("Mon, 07 Nov 1994 08:49:37 GMT", NOW), 86_400_000, "the day name need not match");
  assert.equal(parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", NOW), 0, "past dates wait 0");
  assert.equal(parseRetryAfter("Sun, 29 Feb 1995 08:49:37 GMT", NOW), null, "no 29 Feb in 1995");
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:60 GMT", NOW), 23_000, "a leap second counts into the next minute");
  assert.equal(parseRetryAfter("Sun, 06 Nov 1994 08:49:47 UTC", NOW), null);
  assert.equal(parseRetryAfter("Sun, 6 Nov 1994 08:49:47 GMT", NOW), null);
  assert.equal(parseRetryAfter("Sun Nov 6 08:49:40 1994", NOW), null, "asctime pads a one-digit day with a space");
});

test("RFC 850 two-digit years resolve to within 50 years of now", () => {
  const now2030 = Date.UTC(2030, 0, 1);
  assert.equal(parseRetryAfter("Friday, 01-Jan-80 00:00:10 GMT", Date.UTC(2080, 0, 1)), 10_000);
  assert.equal(parseRetryAfter("Tuesday, 01-Jan-30 00:00:10 GMT", now2030), 10_000);
  assert.equal(parseRetryAfter("Monday, 01-Jan-81 00:00:10 GMT", now2030), 0, "2081 is more than 50 years ahead: 1981");
});

test("several Retry-After values: the longest valid one wins", () => {
  assert.equal(serverDelayMs([["Retry-After", "5"], ["retry-after", "9"], ["Retry-After", "x"]], "Retry-After", NOW), 9_000);
  assert.equal(serverDelayMs([["Retry-After", "45, 60"]], "retry-after", NOW), 60_000);
  assert.equal(serverDelayMs([["Retry-After", "45, x"]], "Retry-After", NOW), null);
  assert.equal(serverDelayMs([["Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT"]], "Retry-After", NOW), 10_000);
  assert.equal(serverDelayMs([["Other", "5"]], "Retry-After", NOW), null);
});

test("JSON pointers follow RFC 6901", () => {
  const v = { a: { "b/c": [10, { "~d": "x" }], "": 1, 0: "zero" }, list: [1, 2, 3] };
  assert.equal(resolve(v, ""), v);
  assert.equal(resolve(v, "/a/b~1c/1/~0d"), "x");
  assert.equal(resolve(v, "/a/"), 1);
  assert.equal(resolve(v, "/a/0"), "zero");
  assert.equal(resolve(v, "/list/2"), 3);
  for (const p of ["/list/3", "/list/01", "/list/-", "/list/+1", "/nope", "a", "/a/b~1c/1/~0d/deeper", "/a/toString"]) {
    assert.equal(resolve(v, p), undefined, p);
  }
  assert.equal(resolve(JSON.parse('{"__proto__": {"x": 1}}'), "/__proto__/x"), 1);
  for (const p of ["/__proto__", "/constructor", "/hasOwnProperty", "/valueOf", "/a/__proto__"]) {
    assert.equal(resolve(v, p), undefined, `${p} is not read from Object.prototype`);
  }
  assert.equal(resolve(JSON.parse('{"constructor": "own"}'), "/constructor"), "own");
});

test("excerpts collapse whitespace, cut at a character boundary and mark the cut", () => {
  assert.equal(excerpt("  a \n\t b  "), "a b");
  assert.equal(excerpt(""), "");
  assert.equal(excerpt("x".repeat(200)), "x".repeat(200));
  assert.equal(excerpt("a".repeat(201)), `${"a".repeat(200)}…`);
  assert.equal(excerpt(`${"a".repeat(199)}€`), `${"a".repeat(199)}…`);
  assert.equal(excerpt(new Uint8Array([0x61, 0xff, 0x62])), "a\ufffdb");
  assert.equal(bounded("€€", 4), "€…");
  assert.equal(bounded("short", 4096), "short");
});

test("parseRaw takes fields from the envelope, falls back to an excerpt and the header", () => {
  const env = pentify.VENDOR.envelope;
  const body = '{"error":{"code":"rate_limited","message":"Too many","request_id":" req_1 ","details":{"a":1}}}';
  const raw = parseRaw(env, "Retry-After", 429, [["retry-after", "12"]], new TextEncoder().encode(body), NOW);
  assert.deepEqual(raw, {
    status: 429,
    code: "rate_limited",
    message: "Too many",
    bodyMessage: "Too many",
    requestId: "req_1",
    details: { a: 1 },
    type: null,
    subcode: null,
    docUrl: null,
    fields: {},
    retryAfterMs: 12_000,
  });
  const numeric = parseRaw(env, null, 400, {}, '{"error":{"code":42,"message":7,"request_id":9}}');
  assert.equal(numeric.code, "42");
  assert.equal(numeric.message, '{"error":{"code":42,"message":7,"request_id":9}}', "a non-string message gives the excerpt");
  assert.equal(numeric.requestId, "9");
  const viaHeader = parseRaw(defendis.VENDOR.envelope, null, 401, { "X-Request-ID": "hdr" }, '{"error":"no"}');
  assert.equal(viaHeader.requestId, "hdr");
  const bom = parseRaw(env, null, 500, [], new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"error":{"code":"x","message":"m"}}')]));
  assert.equal(bom.code, "x");
  const invalid = parseRaw(env, null, 500, [], new Uint8Array([0x7b, 0xff, 0x7d]));
  assert.equal(invalid.code, null);
  const huge = `{"error":{"code":"x","message":"m"},"pad":"${"p".repeat(1 << 20)}"}`;
  assert.equal(parseRaw(env, null, 500, [], huge).code, null, "bodies over 1 MiB are not parsed");
  assert.equal(parseRaw(env, null, 500, [], `{"error":{"code":"x","message":"${"m".repeat(5000)}"}}`).message.length, 4097);
});

test("backoff doubles from the start, jitters, caps and saturates", () => {
  const p = PENTIFY.backoff;
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelayMs(p, n, 0.5)), [1000, 2000, 4000, 8000]);
  assert.equal(backoffDelayMs(p, 1, 0), 750);
  assert.equal(backoffDelayMs(p, 10, 0.5), 30_000);
  assert.equal(backoffDelayMs(p, 0, 0.5), 1000);
  assert.equal(backoffDelayMs(p, 1, NaN), 750);
  assert.equal(backoffDelayMs(p, 1, 7), 1250);
  const d = defendis.VENDOR.policy.backoff;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(d, n, 0)), [500, 1000, 2000, 4000, 8000, 16000, 30000]);
  assert.equal(backoffDelayMs(d, 6, 0.999), 16_249.75);
  assert.equal(backoffDelayMs(backoff({ multiplier: 10 }), 4_294_967_295, 0.5), 18_446_744_073_709.55);
  assert.equal(backoffDelayMs(backoff({ multiplier: NaN }), 9, 0), 1000);
  assert.equal(backoffDelayMs(backoff({ initialMs: 100, multiplier: 3 }), 3, 0), 900);
});

const response = (status, rule, retryAfterMs = null, anyMethod = false) => ({ kind: "response", status, rule, anyMethod, retryAfterMs });
const run = (outcome, fields = {}) => decide({ policy: PENTIFY, outcome, request: { method: "GET" }, jitter: 0.5, ...fields });

test("decide: the checks run in the agreed order", () => {
  assert.deepEqual(run(response(200, { kind: "backoff" })), { retry: false, reason: { id: "not_an_error" } });
  assert.deepEqual(run(response(500, { kind: "never" }), { attempt: 99 }), { retry: false, reason: { id: "not_retryable" } });
  assert.deepEqual(run(response(402, { kind: "after", action: "top up" })), { retry: false, reason: { id: "after_action", action: "top up" } });
  assert.deepEqual(run(response(429, { kind: "backoff" }), { attempt: 5, request: { method: "POST" } }), {
    retry: false,
    reason: { id: "attempts_exhausted", maxAttempts: 5, limit: "reference" },
  });
  assert.deepEqual(run(response(500, { kind: "backoff" }), { request: { method: "POST" } }), { retry: false, reason: { id: "not_idempotent" } });
  assert.deepEqual(run(response(500, { kind: "backoff" }, null, true), { request: { method: "POST" } }), { retry: true, delayMs: 1000 });
  assert.deepEqual(run(response(409, { kind: "idempotent" }), { request: { method: "POST", idempotencyKey: true } }), { retry: true, delayMs: 1000 });
  assert.deepEqual(run(response(429, { kind: "retry_after" }, 7000), { attempt: 3 }), { retry: true, delayMs: 7000 });
  assert.deepEqual(run(response(429, { kind: "backoff" }, 1000), { attempt: 3 }), { retry: true, delayMs: 4000 });
  assert.deepEqual(run(response(429, { kind: "retry_after" }, 5000), { limits: { maxWaitMs: 4000 } }), {
    retry: false,
    reason: { id: "wait_too_long", waitMs: 5000, capMs: 4000, limit: "client" },
  });
  assert.deepEqual(run(response(429, { kind: "retry_after" }, 5000), { limits: { deadlineMs: 10_000 }, elapsedMs: 5001 }), {
    retry: false,
    reason: { id: "deadline_exceeded", deadlineMs: 10_000, limit: "client" },
  });
  const capped = { ...PENTIFY, maxServerDelayMs: 30_000 };
  assert.deepEqual(decide({ policy: capped, outcome: response(429, { kind: "retry_after" }, 31_000), request: { method: "GET" }, jitter: 0.5 }), {
    retry: false,
    reason: { id: "wait_too_long", waitMs: 31_000, capMs: 30_000, limit: "reference" },
  });
});

test("decide: transport failures back off; only a connect failure is safe for any method", () => {
  const post = { request: { method: "POST" } };
  assert.deepEqual(run({ kind: "transport", failure: "connect" }, post), { retry: true, delayMs: 1000 });
  assert.deepEqual(run({ kind: "transport", failure: "timeout" }, post), { retry: false, reason: { id: "not_idempotent" } });
  assert.deepEqual(run({ kind: "transport", failure: "reset" }, { attempt: 2 }), { retry: true, delayMs: 2000 });
  const noLimit = { ...PENTIFY, backoff: { ...PENTIFY.backoff, maxAttempts: null } };
  const connect = { policy: noLimit, outcome: { kind: "transport", failure: "connect" }, request: { method: "GET" }, jitter: 0.5 };
  // Without the reference's limit, errcat's default of 3 attempts ends it; removed, the
  // backoff (capped at 30 s) goes on; a client's number replaces the default.
  assert.deepEqual(decide({ ...connect, attempt: 3 }).reason, { id: "attempts_exhausted", maxAttempts: 3, limit: "default" });
  assert.equal(decide({ ...connect, attempt: 40, limits: { maxAttempts: null } }).retry, true);
  assert.equal(decide({ ...connect, attempt: 40, limits: { maxAttempts: 41 } }).retry, true);
  assert.deepEqual(run({ kind: "transport", failure: "connect" }, { attempt: 2, limits: { maxAttempts: 2 } }).reason, {
    id: "attempts_exhausted",
    maxAttempts: 2,
    limit: "client",
  });
});

test("decide: nothing unbounded by default, no wait past the platform's timer", () => {
  const silent = { ...PENTIFY, maxServerDelayMs: null, backoff: { ...PENTIFY.backoff, maxAttempts: null, maxMs: null, jitter: { kind: "none" } } };
  const at = (retryAfterMs, limits, extra = {}) =>
    decide({ policy: silent, outcome: response(429, { kind: "retry_after" }, retryAfterMs), request: { method: "GET" }, jitter: 0.5, limits, ...extra });
  // The references' 45 s and 60 s are honoured; 61 s is past the default longest wait.
  assert.deepEqual(at(45_000), { retry: true, delayMs: 45_000 });
  assert.deepEqual(at(60_000), { retry: true, delayMs: 60_000 });
  assert.deepEqual(at(61_000).reason, { id: "wait_too_long", waitMs: 61_000, capMs: 60_000, limit: "default" });
  // A 30-day Retry-After is past setTimeout's 2^31 - 1 ms even with every limit removed.
  assert.deepEqual(at(2_592_000_000, NO_LIMITS).reason, { id: "wait_too_long", waitMs: 2_592_000_000, capMs: TIMER_MAX_MS, limit: "platform" });
  // An hour, without the longest wait, still passes the default deadline; both removed, it is honoured.
  assert.equal(at(3_600_000, { maxWaitMs: null }).reason.id, "deadline_exceeded");
  assert.deepEqual(at(3_600_000, { maxWaitMs: null, deadlineMs: null }), { retry: true, delayMs: 3_600_000 });
  // The default deadline of 5 minutes counts the elapsed time.
  assert.deepEqual(at(45_000, undefined, { elapsedMs: 255_000 }), { retry: true, delayMs: 45_000 });
  assert.deepEqual(at(45_000, undefined, { elapsedMs: 255_001 }).reason, { id: "deadline_exceeded", deadlineMs: 300_000, limit: "default" });
  assert.deepEqual(DEFAULT_LIMITS, { maxAttempts: 3, maxWaitMs: 60_000, deadlineMs: 300_000 });
});

test("the budget withdraws 5 per retry, 10 after a timeout, and refills by 1 up to capacity", () => {
  const budget = new Budget({ capacity: 20 });
  assert.equal(budget.available, 20);
  assert.equal(budget.tryWithdraw({ kind: "transport", failure: "timeout" }), true);
  assert.equal(budget.available, 10);
  assert.equal(budget.tryWithdraw(response(500, { kind: "backoff" })), true);
  assert.equal(budget.tryWithdraw({ kind: "transport", failure: "reset" }), false);
  assert.equal(budget.available, 5);
  budget.depositSuccess();
  assert.equal(budget.available, 6);
  for (let i = 0; i < 100; i++) budget.depositSuccess();
  assert.equal(budget.available, 20);
  const empty = new Budget({ available: 4 });
  assert.deepEqual(decideWithBudget({ policy: PENTIFY, outcome: response(429, { kind: "backoff" }), request: { method: "GET" }, jitter: 0.5 }, empty), {
    retry: false,
    reason: { id: "budget_exhausted" },
  });
  assert.equal(empty.available, 4);
});

test("a budget setting that is not a whole number from 0 to 4294967295 throws, naming it", () => {
  for (const [name, value] of [
    ["retryCost", -5],
    ["available", -50],
    ["capacity", NaN],
    ["capacity", Infinity],
    ["timeoutCost", 2.5],
    ["successDeposit", 4294967296],
  ]) {
    assert.throws(() => new Budget({ [name]: value }), (e) => e instanceof RangeError && e.message.includes(name), `${name}: ${value}`);
  }
  const small = new Budget({ capacity: 3 });
  assert.equal(small.tryWithdraw(response(500, { kind: "backoff" })), true, "a cost above the capacity counts as the capacity");
  assert.equal(small.available, 0);
  assert.equal(new Budget({ capacity: 0 }).capacity, 1);
});

test("each code has its class, extending the vendor's base class and ApiError", () => {
  const err = pentify.fromResponse(429, { "Retry-After": "2" }, '{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}');
  assert.ok(err instanceof pentify.RateLimitedError);
  assert.ok(err instanceof pentify.PentifyError);
  assert.ok(err instanceof ApiError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "RateLimitedError");
  assert.equal(err.message, "Slow down");
  assert.equal(err.kind, "rate_limited");
  assert.equal(err.retryAfterMs, 2000);
  assert.deepEqual(err.retryDecision(1, { method: "GET" }), { retry: true, delayMs: 2000 });
  assert.equal(pentify.RateLimitedError.CODE, "rate_limited");
  assert.ok(pentify.fromResponse(403, [], '{"error":{"code":"insufficient_scope","message":"m"}}') instanceof pentify.InsufficientScopeError);
  const unknown = pentify.fromResponse(418, [], '{"error":{"code":"brand_new","message":"m"}}');
  assert.equal(unknown.constructor, pentify.PentifyError);
  assert.equal(unknown.code, "brand_new");
  assert.equal(unknown.kind, "unknown");
  assert.equal(defendis.fromResponse(429, [], "{}").constructor, defendis.Code429Error);
  assert.ok(certIx.fromResponse(401, [], "") instanceof ApiError);
});

test("tables are frozen", () => {
  assert.ok(Object.isFrozen(pentify.CODES));
  assert.ok(Object.isFrozen(pentify.CODES.rate_limited));
  assert.ok(Object.isFrozen(pentify.CODES.rate_limited.statuses));
  assert.ok(Object.isFrozen(vantaprism.VENDOR.policy.backoff));
  assert.throws(() => {
    "use strict";
    pentify.CODES.rate_limited.kind = "x";
  }, TypeError);
});

test("parse dispatches on the vendor id, gives data, and refuses an unknown id", () => {
  const body = '{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"m","request_id":"r9"}}';
  const parsed = parse("vantaprism", 429, { "retry-after": "45" }, body);
  assert.ok(parsed instanceof Parsed);
  assert.ok(!(parsed instanceof Error), "parsing makes no Error");
  assert.equal(parsed.errorClass, vantaprism.RateLimitExceededError);
  assert.deepEqual(
    [parsed.status, parsed.code, parsed.message, parsed.requestId, parsed.retryAfterMs, parsed.kind],
    [429, "RATE_LIMIT_EXCEEDED", "m", "r9", 45_000, "rate_limited"],
  );
  assert.deepEqual(parsed.retryDecision(1, { method: "GET" }, 0), { retry: true, delayMs: 45_000 });
  const err = parsed.toError();
  assert.ok(err instanceof vantaprism.RateLimitExceededError);
  assert.ok(err.stack.includes("RateLimitExceededError: m"));
  for (const key of ["vendor", "status", "code", "info", "message", "requestId", "details", "retryAfterMs", "type", "subcode", "fields", "vendorDocsUrl", "rateLimit", "shouldRetry", "kind", "meaning", "retryRule", "anyMethod"]) {
    assert.deepEqual(err[key], parsed[key], key);
  }
  assert.deepEqual(err.outcome(), parsed.outcome());
  const listed = [];
  for (const key in parsed) listed.push(key);
  assert.deepEqual(listed.sort(), [
    "code",
    "details",
    "errorClass",
    "fields",
    "info",
    "message",
    "rateLimit",
    "requestId",
    "retryAfterMs",
    "shouldRetry",
    "status",
    "subcode",
    "type",
    "vendor",
    "vendorDocsUrl",
  ]);
  const unknown = vantaprism.parse(418, [], '{"error":{"code":"NEW","message":"m"}}');
  assert.equal(unknown.errorClass, vantaprism.VantaprismError);
  assert.equal(unknown.toError().constructor, vantaprism.VantaprismError);
  assert.throws(() => parse("nope", 500, [], ""), RangeError);
  assert.throws(() => parse("__proto__", 500, [], ""), RangeError);
});

test("fromResponse is parse then toError, for every example body of every vendor", () => {
  const modules = { "cert-ix": certIx, defendis, inkog, pentify, vantaprism, stripe, github, "aws-s3": awsS3 };
  const cases = JSON.parse(readFileSync(new URL("../../conformance/parse.json", import.meta.url), "utf8")).cases;
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const m = modules[c.vendor];
    const err = m.fromResponse(c.status, c.headers, c.body, 0);
    const parsed = m.parse(c.status, c.headers, c.body, 0);
    assert.equal(err.constructor, parsed.errorClass, c.name);
    assert.deepEqual(
      [err.code, err.message, err.requestId, err.kind, err.type, err.subcode, err.fields, err.vendorDocsUrl, err.rateLimit],
      [parsed.code, parsed.message, parsed.requestId, parsed.kind, parsed.type, parsed.subcode, parsed.fields, parsed.vendorDocsUrl, parsed.rateLimit],
      c.name,
    );
  }
});

test("pointers sharing a start are walked alike, whatever the envelope", () => {
  const body = '{"e":{"c":"x","m":"msg","r":["r0","r1"],"d":{"k":1}},"top":"t"}';
  const envelopes = [
    { code: ["/e/c"], message: "/e/m", requestId: "/e/r/1", requestIdHeader: null, details: "/e/d" },
    { code: ["/e/c"], message: "/top", requestId: null, requestIdHeader: null, details: "" },
    { code: [], message: "/e/m", requestId: "/e/r/0", requestIdHeader: null, details: "/e/d/k" },
    { code: ["/e/c"], message: "/e/m", requestId: "/e/r/1", requestIdHeader: null, details: "/e" },
    { code: ["nope"], message: "/e/m", requestId: null, requestIdHeader: null, details: null },
  ].map((e) => ({ format: "json", type: null, subcode: null, docUrl: null, fields: {}, ...e }));
  for (const env of envelopes) {
    const raw = parseRaw(env, null, 400, [], body);
    const json = JSON.parse(body);
    const str = (v) => (typeof v === "string" ? v : null);
    assert.equal(raw.code, str(resolve(json, env.code[0] ?? null)), JSON.stringify(env));
    assert.equal(raw.message, str(resolve(json, env.message)) ?? body, JSON.stringify(env));
    assert.equal(raw.requestId, str(resolve(json, env.requestId)), JSON.stringify(env));
    assert.deepEqual(raw.details, resolve(json, env.details), JSON.stringify(env));
  }
});

test("header names compare in ASCII case only, whatever names were asked before", () => {
  assert.ok(sameName("Retry-After", "retry-after"));
  assert.ok(sameName("RETRY-AFTER", "Retry-After"));
  assert.ok(!sameName("Retry-After", "Retry-Afte"));
  assert.ok(!sameName("\u212Aey", "key"), "the Kelvin sign is not a K");
  const pairs = [["x-request-id", "a"], ["retry-after", "3"], ["X-Other", " b "]];
  for (let i = 0; i < 3; i++) {
    assert.equal(header(pairs, "X-Request-ID"), "a");
    assert.equal(serverDelayMs(pairs, "Retry-After"), 3000);
    assert.equal(header(pairs, "x-other"), "b");
    assert.equal(header(pairs, "X-Missing"), null);
  }
});
