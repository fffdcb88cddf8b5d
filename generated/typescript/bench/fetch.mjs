// retryingFetch's overhead on loopback: Node's fetch bare and through
// retryingFetch("pentify", { fetch }), against a server in a child process on
// 127.0.0.1 that answers every GET 200 with a small JSON body. Each round times
// REQUESTS GETs (body read) through each client in turn; it prints each
// round's µs per request and the median over the rounds of the rate ratio
// (errcat ÷ bare), the figure BENCHMARKS.md records.
// Run: `npm run build && node bench/fetch.mjs` (`--quick` for a short run).
import { spawn } from "node:child_process";
import { once } from "node:events";

import { retryingFetch } from "../dist/runtime/fetch.js";

const quick = process.argv.includes("--quick");
const [REQUESTS, ROUNDS] = quick ? [200, 3] : [1000, 15];

const server = spawn(process.execPath, [
  "-e",
  `const s = require("node:http").createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end('{"ok":true}'); });
   s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
]);
const [chunk] = await once(server.stdout, "data");
const url = `http://127.0.0.1:${String(chunk).trim()}/v1/things`;

const clients = { fetch, "fetch+errcat": retryingFetch("pentify", { fetch }) };

async function timed(f, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const res = await f(url);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await res.text();
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

try {
  for (const f of Object.values(clients)) await timed(f, 100);
  const ratios = [];
  console.log(`round  ${Object.keys(clients).map((k) => k.padStart(14)).join("  ")}  (µs per request)`);
  for (let round = 1; round <= ROUNDS; round++) {
    const us = {};
    for (const [name, f] of Object.entries(clients)) us[name] = await timed(f, REQUESTS);
    console.log(`${String(round).padStart(5)}  ${Object.keys(clients).map((k) => us[k].toFixed(1).padStart(14)).join("  ")}`);
    ratios.push(us.fetch / us["fetch+errcat"]);
  }
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)];
  console.log(`fetch: errcat's rate ÷ bare, median of ${ROUNDS} rounds: ${median.toFixed(3)} (range ${ratios[0].toFixed(3)} to ${ratios.at(-1).toFixed(3)})`);
} finally {
  server.kill();
}
