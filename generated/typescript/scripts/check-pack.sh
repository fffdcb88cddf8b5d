#!/usr/bin/env bash
# Packs the package with `npm pack`, installs the tarball into a clean temporary
# project (no registry access), imports it from JavaScript and type-checks a
# TypeScript consumer against its declarations. Run from anywhere.
set -euo pipefail
package="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(cd "$package" && npm pack --silent --pack-destination "$tmp" | tail -n 1)"
mkdir "$tmp/consumer"
cd "$tmp/consumer"
printf '{"name":"consumer","version":"0.0.0","private":true,"type":"module"}\n' > package.json
npm install --offline --no-audit --no-fund --silent "$tmp/$tarball"
node --input-type=module -e '
import { parse, pentify, ApiError } from "errcat";
const err = parse("pentify", 429, { "Retry-After": "2" }, "{\"error\":{\"code\":\"rate_limited\",\"message\":\"Slow down\"}}").toError();
if (!(err instanceof pentify.RateLimitedError) || !(err instanceof ApiError)) throw new Error("wrong class: " + err.name);
const d = err.retryDecision(1, { method: "GET" });
if (!d.retry || d.delayMs !== 2000) throw new Error("wrong decision: " + JSON.stringify(d));
console.log("packed errcat imports: " + err.name + ", retry after " + d.delayMs + " ms");
const { retryingFetch } = await import("errcat/fetch");
if (typeof retryingFetch("pentify", { fetch }) !== "function") throw new Error("errcat/fetch gives no function");
'
# CommonJS: require(esm), on every Node version `engines` names.
node --no-warnings -e 'const { parse } = require("errcat"); if (parse("inkog", 500, [], "").status !== 500) throw new Error("require gives no parse"); console.log("packed errcat loads with require")'
for file in LICENSE-MIT LICENSE-APACHE dist/index.d.ts.map; do
    test -f "node_modules/errcat/$file" || { echo "the tarball has no $file"; exit 1; }
done
cat > consumer.ts <<'TS'
import { parse, pentify, type Decision, type Parsed } from "errcat";
const err: pentify.PentifyError = pentify.fromResponse(503, new Map([["retry-after", "1"]]), new Uint8Array());
const code: pentify.Code = "rate_limited";
const decision: Decision = err.retryDecision(1, { method: "GET" }, 0.5);
const parsed: Parsed<pentify.PentifyError> = pentify.parse(429, [["Retry-After", "2"]], "{}");
const thrown: pentify.PentifyError = parsed.toError();
export const seen: [string, string, boolean, string] = [parse("inkog", 500, [], "").code, code, decision.retry, thrown.name];
import { retryingFetch, type Report } from "errcat/fetch";
const fake = async (_input: string, _init?: { method?: string; body?: string }) =>
  ({ status: 200, headers: [] as [string, string][], clone: () => ({ arrayBuffer: async () => new ArrayBuffer(0) }) });
const call = retryingFetch("pentify", { fetch: fake, limits: { maxAttempts: null, deadlineMs: 10_000 } });
export const pending: Promise<{ status: number }> = call("https://x", { method: "POST", idempotent: true, onReport: (r: Report) => void r.attempts });
TS
printf '{"compilerOptions":{"strict":true,"module":"NodeNext","moduleResolution":"NodeNext","target":"ES2022","noEmit":true,"types":[]},"files":["consumer.ts"]}\n' > tsconfig.json
"$package/node_modules/.bin/tsc" -p tsconfig.json
echo "packed errcat type-checks in a TypeScript consumer"
