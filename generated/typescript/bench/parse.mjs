// `parse` against `JSON.parse` of the same body, per vendor: each vendor's
// envelope example (and, where it has them, its first code example) with its
// status and a Retry-After header. Times are the median of 15 rounds of
// 20,000 calls each, the two measured in alternation so load hits both;
// the ratio is parse's time over JSON.parse's. Run: `npm run bench`.
import { parse, VENDOR_IDS } from "../dist/index.js";
import { readFileSync } from "node:fs";

const retry = JSON.parse(readFileSync(new URL("../../conformance/parse.json", import.meta.url), "utf8")).cases;
const cases = VENDOR_IDS.map((vendor) => {
  const example = retry.find((c) => c.vendor === vendor);
  if (example) return { vendor, status: example.status, body: example.body };
  const body = `{"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded.","request_id":"req_1"},"success":false,"code":"RATE_LIMITED"}`;
  return { vendor, status: 429, body };
});
const headers = [["Retry-After", "7"], ["Content-Type", "application/json"]];
const ROUNDS = 15;
const N = 20_000;
let sink = 0;

function time(f) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += f() ? 1 : 0;
  return Number(process.hrtime.bigint() - start) / N;
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

console.log("| vendor | body bytes | JSON.parse (ns) | parse (ns) | × JSON.parse |");
console.log("|---|---|---|---|---|");
for (const c of cases) {
  const bare = () => JSON.parse(c.body) !== null;
  const ours = () => parse(c.vendor, c.status, headers, c.body).status === c.status;
  for (let i = 0; i < 3; i++) { time(bare); time(ours); }
  const a = [];
  const b = [];
  const r = [];
  for (let i = 0; i < ROUNDS; i++) {
    const x = time(bare);
    const y = time(ours);
    a.push(x); b.push(y); r.push(y / x);
  }
  console.log(`| ${c.vendor} | ${Buffer.byteLength(c.body)} | ${median(a).toFixed(0)} | ${median(b).toFixed(0)} | ${median(r).toFixed(2)} |`);
}
if (sink === 0) console.log("");
