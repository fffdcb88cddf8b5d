// Runs every case of generated/conformance/ against the TypeScript package:
// each must give exactly the expected answer (delays to the millisecond).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { parse, decide, Budget, VENDOR_IDS, certIx, defendis, inkog, pentify, vantaprism } from "../dist/index.js";

const dir = new URL("../../conformance/", import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, dir), "utf8")).cases;
const vendors = { "cert-ix": certIx, defendis, inkog, pentify, vantaprism };

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
  return got;
}

test("every vendor of the catalog has a namespace", () => {
  assert.deepEqual([...VENDOR_IDS].sort(), Object.keys(vendors).sort());
});

for (const file of ["parse.json"]) {
  for (const c of load(file)) {
    test(`${file}: ${c.name}`, () => {
      const err = parse(c.vendor, c.status, c.headers, c.body, 0);
      assert.deepEqual(
        { code: err.code, message: err.message, request_id: err.requestId, kind: err.kind },
        c.expect,
      );
    });
  }
}

/** What a budget case's steps give: the capacity, the start and each step's answer. */
export function runBudget(c) {
  const b = c.budget;
  const budget = new Budget({
    capacity: b.capacity,
    available: b.available,
    retryCost: b.retry_cost,
    timeoutCost: b.timeout_cost,
    successDeposit: b.success_deposit,
  });
  const start = budget.available;
  const response = { kind: "response", status: 503, rule: { kind: "backoff" }, anyMethod: false, retryAfterMs: null };
  const steps = c.steps.map((step) => {
    if (step === "success") {
      budget.depositSuccess();
      return { available: budget.available };
    }
    const outcome = step === "response" ? response : { kind: "transport", failure: step };
    const allowed = budget.tryWithdraw(outcome);
    return { allowed, available: budget.available };
  });
  return { capacity: budget.capacity, available: start, steps };
}

for (const c of load("budget.json")) {
  test(`budget.json: ${c.name}`, () => {
    assert.deepEqual(runBudget(c), c.expect);
  });
}

for (const file of ["retry.json", "edge.json"]) {
  for (const c of load(file)) {
    test(`${file}: ${c.name}`, () => {
      assert.deepEqual(run(c), c.expect);
    });
  }
}
