// retryingFetch against a server on 127.0.0.1 that replays scripted responses:
// attempts, waits (a recording sleep, so no test waits for real), the report,
// idempotency per request, the deadline against a hanging server, cancellation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import { retryingFetch, reportOf, classifyFetchError, DeadlineExceededError } from "../dist/runtime/fetch.js";
import { Budget } from "../dist/index.js";

const PENTIFY_429 = JSON.stringify({ error: { code: "rate_limited", message: "Slow down" } });
const PENTIFY_500 = JSON.stringify({ error: { code: "server_error", message: "Pentify internal failure." } });
const VANTA_503 = JSON.stringify({ error: { code: "SERVICE_UNAVAILABLE", message: "down", request_id: "r" } });
const NGINX_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

/**
 * Starts a server on 127.0.0.1 answering each request with the next step of
 * `script` ([status, headers, body], or "hang" to never answer); the last step
 * repeats. At most 50 requests are answered, so a runaway loop ends.
 */
async function serve(script) {
  const seen = [];
  const hanging = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method, body: Buffer.concat(chunks).toString("utf8") });
      const step = script[Math.min(seen.length - 1, script.length - 1)];
      if (step === "hang" || seen.length > 50) {
        hanging.push(res);
        return;
      }
      const [status, headers, body] = step;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/v1/scans`;
  const close = () =>
    new Promise((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      server.close(resolve);
    });
  return { url, seen, close };
}

/** A retrying fetch with a recording sleep and a fixed jitter. */
function client(vendor, options = {}) {
  const slept = [];
  const f = retryingFetch(vendor, { fetch, jitter: () => 0.5, sleep: async (ms) => void slept.push(ms), ...options });
  return { f, slept };
}

test("a GET is retried after each 503 until it succeeds; the report says how", { timeout: 10_000 }, async () => {
  const s = await serve([[503, {}, PENTIFY_500], [503, {}, PENTIFY_500], [200, {}, "{}"]]);
  try {
    const { f, slept } = client("pentify");
    let reported;
    const res = await f(s.url, { onReport: (r) => (reported = r) });
    assert.equal(res.status, 200);
    assert.equal(s.seen.length, 3);
    assert.deepEqual(slept, [1000, 2000]);
    assert.deepEqual(reportOf(res), { attempts: 3, waitsMs: [1000, 2000], decision: { retry: false, reason: { id: "not_an_error" } } });
    assert.equal(reported, reportOf(res));
  } finally {
    await s.close();
  }
});

test("Pentify: a POST marked idempotent is retried, one without the mark is not", { timeout: 10_000 }, async () => {
  const s = await serve([[500, {}, PENTIFY_500], [201, {}, "{}"]]);
  try {
    const { f } = client("pentify");
    const body = JSON.stringify({ target: "x", idempotency_key: "k-1" });
    const res = await f(s.url, { method: "POST", body, idempotent: true });
    assert.equal(res.status, 201);
    assert.equal(s.seen.length, 2);
    assert.deepEqual(s.seen.map((r) => r.body), [body, body]);
  } finally {
    await s.close();
  }
  const t = await serve([[500, {}, PENTIFY_500], [201, {}, "{}"]]);
  try {
    const { f } = client("pentify");
    const res = await f(t.url, { method: "POST", body: "{}" });
    assert.equal(res.status, 500);
    assert.equal(t.seen.length, 1);
    assert.deepEqual(reportOf(res).decision, { retry: false, reason: { id: "not_idempotent" } });
    // The body is still there for the caller.
    assert.equal(JSON.parse(await res.text()).error.code, "server_error");
  } finally {
    await t.close();
  }
});

test("with no limits set, VantaPrism's unlimited reference ends at errcat's default of 3 attempts", { timeout: 10_000 }, async () => {
  const s = await serve([[503, {}, VANTA_503]]);
  try {
    const { f, slept } = client("vantaprism");
    const res = await f(s.url);
    assert.equal(res.status, 503);
    assert.equal(s.seen.length, 3);
    assert.deepEqual(slept, [1000, 2000]);
    assert.deepEqual(reportOf(res).decision.reason, { id: "attempts_exhausted", maxAttempts: 3, limit: "default" });
  } finally {
    await s.close();
  }
});

test("a 30-day Retry-After is a give-up, not a sleep, even with every limit removed", { timeout: 10_000 }, async () => {
  const s = await serve([[429, { "retry-after": "2592000" }, VANTA_503.replace("SERVICE_UNAVAILABLE", "QUOTA_EXHAUSTED")]]);
  try {
    for (const [limits, limit] of [[undefined, "default"], [{ maxAttempts: null, maxWaitMs: null, deadlineMs: null }, "platform"]]) {
      const { f, slept } = client("vantaprism", { limits });
      const res = await f(s.url);
      assert.equal(res.status, 429);
      assert.deepEqual(slept, []);
      assert.equal(reportOf(res).decision.reason.id, "wait_too_long");
      assert.equal(reportOf(res).decision.reason.limit, limit);
    }
  } finally {
    await s.close();
  }
});

test("the deadline cancels an attempt against a hanging server", { timeout: 10_000 }, async () => {
  const s = await serve(["hang"]);
  try {
    const f = retryingFetch("vantaprism", { fetch, limits: { deadlineMs: 300 } });
    const started = Date.now();
    const error = await f(s.url).then(
      () => assert.fail("a hanging server cannot answer"),
      (e) => e,
    );
    const took = Date.now() - started;
    assert.ok(error instanceof DeadlineExceededError, String(error));
    assert.ok(took >= 290 && took < 3_000, `took ${took} ms`);
    assert.deepEqual(error.report.decision.reason, { id: "deadline_exceeded", deadlineMs: 300, limit: "client" });
    assert.equal(reportOf(error), error.report);
  } finally {
    await s.close();
  }
});

test("a refused connection is a connect failure: retried for any method, then thrown", { timeout: 10_000 }, async () => {
  const s = await serve([[200, {}, "{}"]]);
  const url = s.url;
  await s.close();
  const { f, slept } = client("vantaprism", { budget: new Budget() });
  const error = await f(url, { method: "POST" }).then(
    () => assert.fail("nothing listens"),
    (e) => e,
  );
  assert.equal(classifyFetchError(error), "connect");
  assert.deepEqual(slept, [1000, 2000]);
  assert.deepEqual(reportOf(error).decision.reason, { id: "attempts_exhausted", maxAttempts: 3, limit: "default" });
});

test("a proxy's HTML 502 is retried for a GET as the status says", { timeout: 10_000 }, async () => {
  const s = await serve([[502, { "content-type": "text/html" }, NGINX_502], [200, {}, "{}"]]);
  try {
    const { f, slept } = client("pentify");
    const res = await f(s.url);
    assert.equal(res.status, 200);
    assert.deepEqual(slept, [1000]);
  } finally {
    await s.close();
  }
});

test("the caller's signal cancels a wait and ends the call with its reason", { timeout: 10_000 }, async () => {
  const s = await serve([[503, {}, VANTA_503]]);
  try {
    const controller = new AbortController();
    const f = retryingFetch("vantaprism", { fetch, signal: controller.signal, jitter: () => 0.5 });
    const call = f(s.url);
    setTimeout(() => controller.abort(new Error("stop")), 100);
    const started = Date.now();
    await assert.rejects(call, /stop/);
    assert.ok(Date.now() - started < 900, "the 1 s wait was cancelled");
    assert.equal(s.seen.length, 1);
  } finally {
    await s.close();
  }
});

test("an unknown vendor id is refused at once", () => {
  assert.throws(() => retryingFetch("acme", { fetch }), RangeError);
});
