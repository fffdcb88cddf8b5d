// Unit tests of the real-vendor model: XML envelopes and their limits, code
// paths in order, types, sub-codes, fields, docs links, the rate limit, match
// conditions and fallbacks, and the retry rules they bring.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  ApiError,
  BACKOFF,
  MAX_BODY,
  MAX_DEPTH,
  NEVER,
  UNTIL_RESET,
  awsS3,
  backoffDelayMs,
  codeInfo,
  decide,
  github,
  parseVendor,
  readRateLimit,
  readXml,
  stripe,
} from "../dist/index.js";

const NOW = 1_700_000_000_000;
const S3 = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>`;
const s3 = (body, status = 404, headers = []) => awsS3.parse(status, headers, body, NOW);

test("an S3 XML body gives its code, message, request id and fields", () => {
  const p = s3(S3);
  assert.deepEqual(
    [p.code, p.message, p.requestId, p.kind, p.fields, p.field("resource"), p.field("nope"), p.rateLimit],
    ["NoSuchKey", "The resource you requested does not exist", "4442587FB7D0A2F9", "not_found", { resource: "/mybucket/myfoto.jpg" }, "/mybucket/myfoto.jpg", undefined, null],
  );
  assert.ok(p.toError() instanceof awsS3.NoSuchKeyError);
  const bytes = s3(new TextEncoder().encode(S3));
  assert.equal(bytes.code, "NoSuchKey", "bytes read as the text");
});

test("XML: text is concatenated, not trimmed, entities and CDATA read, prefixes ignored", () => {
  const p = s3('<a:Error xmlns:a="urn:x"><a:Code>No&#83;uch&amp;Key<![CDATA[<x>]]></a:Code><a:Message> m <b>skipped</b>n </a:Message></a:Error>');
  assert.equal(p.code, "NoSuch&Key<x>", "char refs, the amp entity, CDATA");
  assert.equal(p.message, " m n ", "child elements ignored, spaces kept");
  const first = s3("<Error><Code>First</Code><Code>Second</Code><Message>m</Message></Error>");
  assert.equal(first.code, "First", "the first child of a name");
  const wrongRoot = s3("<Other><Code>NoSuchKey</Code><Message>m</Message></Other>");
  assert.equal(wrongRoot.code, "", "the path starts at the root's name");
});

test("XML: a DOCTYPE makes the body unreadable, even one that declares nothing", () => {
  for (const body of [
    '<!DOCTYPE Error><Error><Code>NoSuchKey</Code><Message>m</Message></Error>',
    '<!DOCTYPE Error [<!ENTITY e "NoSuchKey">]><Error><Code>&e;</Code><Message>m</Message></Error>',
    '<?xml version="1.0"?><!DOCTYPE Error SYSTEM "http://example.invalid/x.dtd"><Error><Code>NoSuchKey</Code></Error>',
  ]) {
    const p = s3(body);
    assert.equal(p.code, "", body);
    assert.equal(p.kind, "unknown", body);
    assert.ok(p.message.startsWith("<"), "the message is an excerpt of the body");
    assert.deepEqual(p.fields, {});
  }
  assert.equal(readXml("<!DOCTYPE x><x/>"), null);
});

test("XML: only the five predefined entities and character references are expanded", () => {
  assert.equal(s3("<Error><Code>&lt;&gt;&amp;&apos;&quot;&#x41;&#66;</Code></Error>").code, "<>&'\"AB");
  for (const body of ["<Error><Code>&nbsp;</Code></Error>", "<Error><Code>&e;</Code></Error>", "<Error><Code>&#0;</Code></Error>", "<Error><Code>&#xD800;</Code></Error>"]) {
    assert.equal(s3(body).code, "", body);
  }
});

test("XML: nesting deeper than 127 elements is unreadable, 127 is read", () => {
  assert.equal(MAX_DEPTH, 127);
  const nest = (n) => "<Error><Code>NoSuchKey</Code>" + "<a>".repeat(n - 1) + "</a>".repeat(n - 1) + "</Error>";
  assert.equal(s3(nest(127)).code, "NoSuchKey");
  assert.equal(s3(nest(128)).code, "");
  assert.equal(s3(nest(100_000)).code, "", "very deep nesting neither throws nor recurses");
});

test("XML: bodies over 1 MiB are not read", () => {
  const pad = (n) => `<Error><Code>NoSuchKey</Code><Message>m</Message><P>${"p".repeat(n)}</P></Error>`;
  const fits = pad(MAX_BODY - pad(0).length);
  assert.equal(new TextEncoder().encode(fits).length, MAX_BODY);
  assert.equal(s3(fits).code, "NoSuchKey");
  assert.equal(s3(pad(MAX_BODY - pad(0).length + 1)).code, "");
  assert.equal(s3(new TextEncoder().encode(pad(MAX_BODY))).code, "");
});

test("XML: what is not well-formed is unreadable, and nothing throws", () => {
  for (const body of [
    "",
    "NoSuchKey",
    "<Error><Code>NoSuchKey</Code>",
    "<Error><Code>NoSuchKey</Error></Code>",
    "<Error><Code>NoSuchKey</Code></Error><Error/>",
    "<Error><Code>NoSuchKey</Code></Error>junk",
    "<Error a='1' a='2'><Code>NoSuchKey</Code></Error>",
    "<Error><Code>\u0001</Code></Error>",
    "\ufeff\ufeff<Error><Code>NoSuchKey</Code></Error>",
    '{"Error":{"Code":"NoSuchKey"}}',
  ]) {
    assert.equal(s3(body).code, "", JSON.stringify(body));
  }
  assert.equal(s3(new Uint8Array([0x3c, 0x45, 0xff, 0x3e])).code, "", "invalid UTF-8");
  assert.equal(s3("\ufeff<Error><Code>NoSuchKey</Code></Error>").code, "NoSuchKey", "one byte order mark");
  // A refused document leaves the reader as it was for the next.
  assert.equal(s3("<Error><Code>x</Code>").code, "");
  assert.equal(s3(S3).code, "NoSuchKey");
});

test("code paths are tried in order, the first non-empty wins", () => {
  const body = (code, type) => JSON.stringify({ error: { code, type, message: "m" } });
  assert.equal(stripe.parse(402, [], body("card_declined", "card_error"), NOW).code, "card_declined");
  assert.equal(stripe.parse(400, [], body(null, "invalid_request_error"), NOW).code, "invalid_request_error");
  assert.equal(stripe.parse(400, [], body("", "invalid_request_error"), NOW).code, "invalid_request_error", "an empty code is none");
  assert.equal(stripe.parse(400, [], body(null, null), NOW).code, "", "no code, no fallback: unknown");
});

test("types: the body's, else the code's; each type a class between the vendor's and the code's", () => {
  const body = JSON.stringify({
    error: { code: "card_declined", type: "card_error", decline_code: "insufficient_funds", param: "amount", doc_url: "https://stripe.com/docs/error-codes/card-declined", message: "Your card was declined." },
  });
  const p = stripe.parse(402, [], body, NOW);
  assert.deepEqual(
    [p.code, p.type, p.subcode, p.field("param"), p.vendorDocsUrl, p.kind],
    ["card_declined", "card_error", "insufficient_funds", "amount", "https://stripe.com/docs/error-codes/card-declined", "payment_declined"],
  );
  assert.equal(p.fields.charge, undefined, "a field the body lacks is not there");
  const err = p.toError();
  assert.ok(err instanceof stripe.CardDeclinedError && err instanceof stripe.StripeCardError && err instanceof stripe.StripeError && err instanceof ApiError);
  assert.ok(!(err instanceof stripe.StripeInvalidRequestError));
  assert.equal(stripe.StripeCardError.TYPE, "card_error");
  assert.equal(Object.getPrototypeOf(stripe.StripeCardError), stripe.StripeError);
  const noType = stripe.parse(402, [], JSON.stringify({ error: { code: "card_declined", message: "m" } }), NOW);
  assert.equal(noType.type, "card_error", "the code's catalog type");
  const other = stripe.parse(402, [], JSON.stringify({ error: { code: "card_declined", type: "api_error", message: "m" } }), NOW);
  assert.equal(other.type, "api_error", "the body's type wins");
  const unknown = stripe.parse(400, [], JSON.stringify({ error: { code: "brand_new", message: "m" } }), NOW);
  assert.deepEqual([unknown.type, unknown.subcode, unknown.vendorDocsUrl], [null, null, null]);
  const nullField = stripe.parse(400, [], JSON.stringify({ error: { code: "x", param: null, message: "m" } }), NOW);
  assert.ok(Object.hasOwn(nullField.fields, "param") && nullField.field("param") === null, "a null field is found");
  assert.equal(nullField.field("constructor"), undefined, "only the body's fields");
  assert.ok(Object.isFrozen(p.fields));
});

test("vendorDocsUrl: the body's link, else the template with a known code", () => {
  const vendor = {
    ...stripe.VENDOR,
    envelope: { ...stripe.VENDOR.envelope, docUrl: "/error/doc_url" },
    docUrlTemplate: "https://example.test/{code}#{code}",
  };
  const row = codeInfo("a$&b", [400], "invalid_request", NEVER, false, "m", null, null);
  const table = new Map([["a$&b", [row, stripe.StripeError]]]);
  const p = (body) => parseVendor(vendor, table, [], new Map(), false, stripe.StripeError, 400, [], body, NOW);
  assert.equal(p('{"error":{"code":"a$&b"}}').vendorDocsUrl, "https://example.test/a$&b#a$&b");
  assert.equal(p('{"error":{"code":"a$&b","doc_url":"https://x.test/"}}').vendorDocsUrl, "https://x.test/");
  assert.equal(p('{"error":{"code":"a$&b","doc_url":""}}').vendorDocsUrl, "https://example.test/a$&b#a$&b", "an empty link is none");
  assert.equal(p('{"error":{"code":"other"}}').vendorDocsUrl, null, "unknown codes get no link");
});

test("the rate limit: counts of 1 to 18 digits, the reset from now, null when the vendor declares none", () => {
  const headers = [
    ["X-RateLimit-Limit", "5000"],
    ["x-ratelimit-remaining", " 0\t"],
    ["x-ratelimit-used", "-1"],
    ["x-ratelimit-used", "12"],
    ["x-ratelimit-reset", String(NOW / 1000 + 60)],
  ];
  const p = github.parse(403, headers, '{"message":"API rate limit exceeded"}', NOW);
  assert.deepEqual(p.rateLimit, { limit: 5000, remaining: 0, used: 12, resetMs: 60_000 });
  assert.deepEqual(github.parse(403, [], "{}", NOW).rateLimit, { limit: null, remaining: null, used: null, resetMs: null });
  assert.equal(github.parse(403, [["x-ratelimit-reset", "1"]], "{}", NOW).rateLimit.resetMs, 0, "a past reset waits 0");
  assert.equal(github.parse(403, [["x-ratelimit-limit", "1".repeat(19)]], "{}", NOW).rateLimit.limit, null, "19 digits");
  assert.equal(github.parse(403, [["x-ratelimit-limit", "+5"]], "{}", NOW).rateLimit.limit, null);
  assert.equal(stripe.parse(429, headers, "{}", NOW).rateLimit, null);
  const seconds = { limit: null, remaining: null, used: null, reset: "reset", resetFormat: "seconds" };
  assert.equal(readRateLimit([["reset", "30"]], seconds, NOW).resetMs, 30_000);
});

test("match conditions in catalog order, then the fallback, else the status (keyed by status)", () => {
  const reset = ["x-ratelimit-reset", String(NOW / 1000 + 60)];
  const secondary = '{"message":"You have exceeded a SECONDARY RATE LIMIT."}';
  const code = (status, headers, body) => github.parse(status, headers, body, NOW).code;
  assert.equal(code(403, [["x-ratelimit-remaining", "0"], reset], secondary), "primary_rate_limit", "the first entry first");
  assert.equal(code(403, [["x-ratelimit-remaining", "1"]], secondary), "secondary_rate_limit", "ASCII case ignored");
  assert.equal(code(403, [["x-ratelimit-remaining", "00"]], '{"message":"no"}'), "403");
  assert.equal(code(429, [], '{"message":"slow"}'), "429");
  assert.equal(code(404, [["x-ratelimit-remaining", "0"]], "{}"), "404", "conditions only for their statuses");
  assert.equal(code(403, [], '{"message":7,"x":"secondary rate limit"}'), "403", "only the message is searched");
  assert.equal(code(500, [], "<html>"), "500");
  const p = github.parse(403, [["x-ratelimit-remaining", "0"], reset], "{}", NOW);
  assert.ok(p.toError() instanceof github.PrimaryRateLimitError);
  const s3Unknown = s3("<Error><Message>m</Message></Error>", 503);
  assert.deepEqual([s3Unknown.code, s3Unknown.kind], ["", "unknown"], "no invented identity");
});

const decision = (p, method = "GET", jitter = 0.5, attempt = 1) => p.retryDecision(attempt, { method }, jitter);

test("until_reset waits for the reset, else backs off", () => {
  const at = (secs) => [["x-ratelimit-remaining", "0"], ["x-ratelimit-reset", String(NOW / 1000 + secs)]];
  assert.deepEqual(decision(github.parse(403, at(60), "{}", NOW)), { retry: true, delayMs: 60_000 });
  assert.deepEqual(decision(github.parse(403, at(-5), "{}", NOW)), { retry: true, delayMs: 0 });
  const noReset = github.parse(403, [["x-ratelimit-remaining", "0"]], "{}", NOW);
  assert.equal(noReset.code, "primary_rate_limit");
  assert.deepEqual(decision(noReset), { retry: true, delayMs: 1000 });
  assert.equal(UNTIL_RESET.kind, "until_reset");
  const outcome = { kind: "response", status: 429, rule: UNTIL_RESET, anyMethod: false, retryAfterMs: 5000, resetMs: 9000 };
  const policy = { ...github.VENDOR.policy, maxServerDelayMs: 8000 };
  assert.deepEqual(decide({ policy, outcome, request: { method: "GET" }, jitter: 0.5 }), {
    retry: false,
    reason: { id: "wait_too_long", waitMs: 9000, capMs: 8000, limit: "reference" },
  });
  assert.deepEqual(decide({ policy, outcome: { ...outcome, resetMs: null }, request: { method: "GET" }, jitter: 0.5 }), { retry: true, delayMs: 5000 });
});

test("min_delay raises the wait, then the client's limits apply", () => {
  const p = github.parse(403, [["retry-after", "5"]], '{"message":"secondary rate limit"}', NOW);
  assert.equal(p.info.minDelayMs, 60_000);
  assert.deepEqual(decision(p), { retry: true, delayMs: 60_000 });
  const longer = github.parse(403, [["retry-after", "90"]], '{"message":"secondary rate limit"}', NOW);
  // A longer server delay is honoured once the client lifts errcat's default longest wait (60 s).
  assert.deepEqual(longer.retryDecision(1, { method: "GET" }, 0.5, { limits: { maxWaitMs: null } }), { retry: true, delayMs: 90_000 });
  assert.deepEqual(decision(longer), {
    retry: false,
    reason: { id: "wait_too_long", waitMs: 90_000, capMs: 60_000, limit: "default" },
  });
  assert.deepEqual(p.retryDecision(1, { method: "GET" }, 0.5, { limits: { maxWaitMs: 30_000 } }), {
    retry: false,
    reason: { id: "wait_too_long", waitMs: 60_000, capMs: 30_000, limit: "client" },
  });
});

test("the should-retry header overrides the rule either way", () => {
  const body = (code) => JSON.stringify({ error: { code, type: "api_error", message: "m" } });
  const parse = (status, code, value) => stripe.parse(status, value === undefined ? [] : [["stripe-should-retry", value]], body(code), NOW);
  assert.deepEqual(decision(parse(500, "api_error", "false"), "GET"), { retry: false, reason: { id: "server_declined" } });
  assert.deepEqual(decision(parse(429, "rate_limit", "False"), "GET"), { retry: false, reason: { id: "server_declined" } });
  assert.deepEqual(decision(parse(500, "api_error", " TRUE "), "POST"), { retry: true, delayMs: 1000 }, "unsafe, retried");
  assert.deepEqual(decision(parse(500, "api_error", undefined), "POST"), { retry: false, reason: { id: "not_idempotent" } });
  assert.deepEqual(decision(parse(400, "parameter_missing", "true"), "POST"), { retry: true, delayMs: 1000 }, "never becomes backoff");
  assert.deepEqual(decision(parse(400, "parameter_missing", "yes"), "POST"), { retry: false, reason: { id: "not_retryable" } });
  assert.deepEqual(decision(parse(302, "parameter_missing", "true"), "GET"), { retry: false, reason: { id: "not_an_error" } });
  assert.deepEqual(decision(parse(400, "brand_new", "true"), "POST"), { retry: true, delayMs: 1000 }, "unknown codes too");
  const limited = parse(400, "parameter_missing", "true").retryDecision(3, { method: "GET" }, 0.5, { limits: { maxAttempts: 3 } });
  assert.deepEqual(limited, { retry: false, reason: { id: "attempts_exhausted", maxAttempts: 3, limit: "client" } });
  assert.equal(decide({ policy: stripe.VENDOR.policy, outcome: { kind: "response", status: 500, rule: NEVER, anyMethod: false, retryAfterMs: null, shouldRetry: true }, request: { method: "POST" }, jitter: 0 }).retry, true);
});

test("full jitter is the sample times the capped delay", () => {
  const b = { initialMs: 1000, multiplier: 2, maxMs: 20_000, jitter: { kind: "full" }, maxAttempts: 3 };
  assert.equal(backoffDelayMs(b, 1, 0.5), 500);
  assert.equal(backoffDelayMs(b, 2, 0.5), 1000);
  assert.equal(backoffDelayMs(b, 1, 0), 0);
  assert.equal(backoffDelayMs(b, 10, 0.25), 5000, "capped at 20 s first");
  assert.equal(backoffDelayMs({ ...b, maxMs: null }, 10, 0.25), 128_000);
  const slow = s3("<Error><Code>SlowDown</Code><Message>m</Message></Error>", 503);
  assert.deepEqual(decision(slow, "GET", 0.5, 2), { retry: true, delayMs: 1000 });
  assert.equal(BACKOFF.kind, "backoff");
});
