// `parse` against `JSON.parse` of the same body, per vendor: the vendor's
// first example body in generated/conformance/parse.json (a made-up envelope
// body for a vendor without one), its status and a Retry-After header. Timed
// against JSON.parse: `parse` as a caller gets it (plain data, the code mapped
// to its class), `parseRaw` (the field extraction alone), and for scale
// `parse(...).toError()` (the Error a caller throws, with the stack trace it
// captures, as every Error does) and a bare `new Error`. Times are the median of 15 rounds of 20,000 calls each,
// all measured in alternation so load hits each alike; each ratio is the
// median of the rounds' own ratios. Run: `npm run bench`.
import * as errcat from "../dist/index.js";
import { readFileSync } from "node:fs";

const examples = JSON.parse(readFileSync(new URL("../../conformance/parse.json", import.meta.url), "utf8")).cases;
const { parse, parseRaw, VENDOR_IDS } = errcat;
// Each vendor's namespace: its id in lower camel case.
const modules = Object.fromEntries(VENDOR_IDS.map((id) => [id, errcat[id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())]]));
// JSON vendors only: an XML vendor is timed against saxes by bench/xml.mjs.
const cases = VENDOR_IDS.filter((vendor) => modules[vendor].VENDOR.envelope.format === "json").map((vendor) => {
  const example = examples.find((c) => c.vendor === vendor);
  if (example) return { vendor, status: example.status, body: example.body };
  // A body in the vendor's own envelope: its first code, a message and a request id.
  const { VENDOR, CODES } = modules[vendor];
  const fields = [
    [VENDOR.envelope.code[0] ?? null, Object.keys(CODES)[0]],
    [VENDOR.envelope.message, "Rate limit exceeded."],
    [VENDOR.envelope.requestId, "req_01HZXK3Q7N8YV6F3M2P9JABCDE"],
  ];
  const root = {};
  for (const [pointer, value] of fields) {
    if (pointer === null) continue;
    const keys = pointer.slice(1).split("/");
    let at = root;
    keys.slice(0, -1).forEach((k) => (at = at[k] ??= {}));
    at[keys[keys.length - 1]] = value;
  }
  return { vendor, status: 429, body: JSON.stringify(root) };
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

console.log("| vendor | body bytes | JSON.parse (ns) | parse (ns) | × | parseRaw (ns) | × | parse(...).toError() (ns) | × | new Error (ns) | × |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const c of cases) {
  const vendor = modules[c.vendor].VENDOR;
  const bare = () => JSON.parse(c.body) !== null;
  const ours = () => parse(c.vendor, c.status, headers, c.body).status === c.status;
  const raw = () => parseRaw(vendor.envelope, vendor.policy.delayHeader, c.status, headers, c.body).status === c.status;
  const thrown = () => parse(c.vendor, c.status, headers, c.body).toError().status === c.status;
  const error = () => new Error(c.body) !== null;
  const fs = [bare, ours, raw, thrown, error];
  for (let i = 0; i < 3; i++) fs.forEach(time);
  const times = fs.map(() => []);
  const ratios = fs.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    const t = fs.map(time);
    t.forEach((x, k) => {
      times[k].push(x);
      ratios[k].push(x / t[0]);
    });
  }
  const cell = (k) => `${median(times[k]).toFixed(0)} | ${median(ratios[k]).toFixed(2)}`;
  console.log(`| ${c.vendor} | ${Buffer.byteLength(c.body)} | ${median(times[0]).toFixed(0)} | ${cell(1)} | ${cell(2)} | ${cell(3)} | ${cell(4)} |`);
}
if (sink === 0) console.log("");
