// Runs every case of generated/conformance/ against the TypeScript package:
// each must give exactly the expected answer (delays to the millisecond).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

import * as errcat from "../dist/index.js";

const { parse, decide, Budget, VENDOR_IDS } = errcat;
const dir = new URL("../../conformance/", import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, dir), "utf8")).cases;
/** Each vendor's namespace by id: the namespace is the id in lower camel case. */
const vendors = Object.fromEntries(
  VENDOR_IDS.map((id) => [id, errcat[id.replace(/[-_]([a-z0-9])/g, (_, c) => c.toUpperCase())]]),
);
/** The time the generated parse cases are computed at: 1700000000 s (Tue, 14 Nov 2023 22:13:20 GMT). */
const NOW_MS = 1_700_000_000_000;

/** A parse in the cases' terms, with the keys the case expects (the original four always). */
export function parsed(c) {
  const err = parse(c.vendor, c.status, c.headers, c.body, (c.now ?? NOW_MS / 1000) * 1000);
  const rl = err.rateLimit;
  const all = {
    code: err.code,
    message: err.message,
    request_id: err.requestId,
    kind: err.kind,
    type: err.type,
    subcode: err.subcode,
    fields: { ...err.fields },
    vendor_docs_url: err.vendorDocsUrl,
    rate_limit: rl === null ? null : { limit: rl.limit, remaining: rl.remaining, used: rl.used, reset_ms: rl.resetMs },
  };
  return Object.fromEntries(Object.keys(c.expect).map((k) => [k, all[k]]));
}

/** The decision a case gives, in the cases' own terms. */
export function run(c) {
  const policy = vendors[c.vendor].VENDOR.policy;
  const request = { method: c.method, idempotencyKey: c.idempotency_key };
  const limits = {};
  if (c.limits.max_attempts !== undefined) limits.maxAttempts = c.limits.max_attempts;
  if (c.limits.max_wait_ms !== undefined) limits.maxWaitMs = c.limits.max_wait_ms;
  if (c.limits.deadline_ms !== undefined) limits.deadlineMs = c.limits.deadline_ms;
  let outcome;
  let code;
  if (c.failure !== undefined) {
    outcome = { kind: "transport", failure: c.failure };
  } else {
    const err = parse(c.vendor, c.status, c.headers, c.body, c.now * 1000);
    outcome = err.outcome();
    code = err.code;
  }
  let d = decide({ policy, outcome, request, attempt: c.attempt, limits, elapsedMs: c.elapsed_ms, jitter: c.jitter });
  if (c.budget !== undefined && d.retry) {
    const budget = new Budget({ capacity: c.budget.capacity, available: c.budget.available });
    if (!budget.tryWithdraw(outcome)) d = { retry: false, reason: { id: "budget_exhausted" } };
  }
  const got = d.retry
    ? { decision: "retry", delay_ms: Math.round(d.delayMs) }
    : { decision: "give_up", reason: d.reason.id, ...(d.reason.limit !== undefined ? { limit: d.reason.limit } : {}) };
  if (c.expect.code !== undefined) got.code = code;
  // A case may also expect parse facts; they are checked as a parse case would.
  if (c.failure === undefined) {
    const facts = parsed({ ...c, expect: Object.fromEntries(Object.keys(c.expect).filter((k) => PARSE_KEYS.includes(k) && k !== "code").map((k) => [k, 0])) });
    Object.assign(got, facts);
  }
  return got;
}

test("every vendor of the catalog has a namespace", () => {
  for (const id of VENDOR_IDS) assert.equal(vendors[id]?.VENDOR.id, id);
});

const PARSE_KEYS = ["code", "message", "request_id", "kind", "type", "subcode", "fields", "vendor_docs_url", "rate_limit"];

for (const c of load("parse.json")) {
  test(`parse.json: ${c.name}`, () => {
    assert.deepEqual(Object.keys(c.expect).sort(), [...PARSE_KEYS].sort(), "every parse case expects every key");
    assert.deepEqual(parsed(c), c.expect);
  });
}

// A case with a `decision` is run as a retry case (its `code` checked too);
// any other as a parse case, checking the keys it expects.
const files = ["retry.json", "edge.json", ...(existsSync(new URL("vendors.json", dir)) ? ["vendors.json"] : [])];
for (const file of files) {
  for (const c of load(file)) {
    test(`${file}: ${c.name}`, () => {
      if (c.expect.decision !== undefined) assert.deepEqual(run(c), c.expect);
      else assert.deepEqual(parsed(c), c.expect);
    });
  }
}
