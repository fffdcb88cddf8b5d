// Runs every scenario of generated/conformance/scenarios.json through retryingFetch,
// with a scripted fetch and the clock injected: waits advance it, attempts take no time.
// A "hang" step never answers until the attempt's signal aborts, on the real timer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { retryingFetch, reportOf, DeadlineExceededError } from "../dist/runtime/fetch.js";
import { Budget } from "../dist/index.js";

const file = new URL("../../conformance/scenarios.json", import.meta.url);
const scenarios = JSON.parse(readFileSync(file, "utf8")).scenarios;

/** The error undici's fetch throws for each transport failure. */
function transportError(failure) {
  const code = { connect: "ECONNREFUSED", timeout: "UND_ERR_HEADERS_TIMEOUT", reset: "ECONNRESET" }[failure];
  return new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
}

/** A fetch that answers each call with the next step of `responses` (the last repeats). */
function scripted(responses, seen) {
  return (input, init) => {
    seen.push({ method: init?.method ?? "GET", body: init?.body });
    const step = responses[Math.min(seen.length, responses.length) - 1];
    if (step.hang) {
      return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true }));
    }
    if (step.failure) return Promise.reject(transportError(step.failure));
    return Promise.resolve(new Response(step.status === 204 ? null : step.body, { status: step.status, headers: step.headers }));
  };
}

for (const s of scenarios) {
  test(`scenarios.json: ${s.name}`, { timeout: 10_000 }, async () => {
    let clock = s.now * 1000;
    const seen = [];
    const limits = {};
    for (const [from, to] of [["max_attempts", "maxAttempts"], ["max_wait_ms", "maxWaitMs"], ["deadline_ms", "deadlineMs"]]) {
      if (from in s.limits) limits[to] = s.limits[from];
    }
    const hangs = s.responses.some((step) => step.hang);
    const f = retryingFetch(s.vendor, {
      fetch: scripted(s.responses, seen),
      limits,
      ...(s.budget ? { budget: new Budget(s.budget) } : {}),
      jitter: () => s.jitter,
      // A hanging server is cancelled on the real timer, so the clock is the real one there.
      ...(hangs ? {} : { now: () => clock, sleep: async (ms) => void (clock += ms) }),
    });
    const init = { method: s.request.method, ...(s.request.body ? { body: s.request.body } : {}), ...(s.request.idempotent ? { idempotent: true } : {}) };
    let last;
    let report;
    try {
      const res = await f("https://api.example.test/v1/things", init);
      last = { status: res.status };
      report = reportOf(res);
    } catch (error) {
      last = { error: error instanceof DeadlineExceededError ? "deadline" : (error.cause?.code === "ECONNREFUSED" ? "connect" : error.cause?.code === "ECONNRESET" ? "reset" : "timeout") };
      report = reportOf(error);
    }
    const d = report.decision;
    const got = {
      attempts: report.attempts,
      waits_ms: report.waitsMs.map((ms) => Math.round(ms)),
      decision: d.retry ? "retry" : "give_up",
      reason: d.reason.id,
      ...(d.reason.limit !== undefined ? { limit: d.reason.limit } : {}),
      last,
    };
    assert.deepEqual(got, s.expect);
    assert.equal(seen.length, s.expect.attempts, "the server saw every attempt");
    if (s.request.body) assert.ok(seen.every((r) => r.body === s.request.body), "each attempt sent the same body");
  });
}
