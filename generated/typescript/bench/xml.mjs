// `awsS3.parse` of the S3 reference's XML example against saxes's own plain
// parse of the same body (a fresh SaxesParser, no handlers, write and close),
// and for scale `JSON.parse` of a JSON body of the same fields. errcat's parse
// is timed as a caller gets it (status, headers, body: the code mapped to its
// class, the message, request id and Resource field read) and the XML reading
// alone (`readXml`). Times are the median of 15 rounds of 20,000 calls each,
// measured in alternation; each ratio is the median of the rounds' own ratios
// to saxes's plain parse. Run: `npm run bench:xml`.
import { SaxesParser } from "saxes";
import { awsS3, readXml } from "../dist/index.js";

const body = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>
`;
const json = JSON.stringify({ Code: "NoSuchKey", Message: "The resource you requested does not exist", Resource: "/mybucket/myfoto.jpg", RequestId: "4442587FB7D0A2F9" });
const headers = [["x-amz-request-id", "4442587FB7D0A2F9"], ["Content-Type", "application/xml"]];
if (awsS3.parse(404, headers, body).code !== "NoSuchKey") throw new Error("the example does not parse");
const ROUNDS = 15;
const N = 20_000;
let sink = 0;

function time(f) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += f() ? 1 : 0;
  return Number(process.hrtime.bigint() - start) / N;
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

const fs = [
  ["saxes plain parse", () => new SaxesParser().write(body).close() !== null],
  ["awsS3.parse", () => awsS3.parse(404, headers, body).status === 404],
  ["readXml", () => readXml(body) !== null],
  ["JSON.parse (same fields)", () => JSON.parse(json) !== null],
];
for (let i = 0; i < 3; i++) fs.forEach(([, f]) => time(f));
const times = fs.map(() => []);
const ratios = fs.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const t = fs.map(([, f]) => time(f));
  t.forEach((x, k) => {
    times[k].push(x);
    ratios[k].push(x / t[0]);
  });
}
console.log(`S3 XML example, ${Buffer.byteLength(body)} bytes; node ${process.version}`);
console.log("| what | ns per call | × saxes plain parse |");
console.log("|---|---|---|");
fs.forEach(([name], k) => console.log(`| ${name} | ${median(times[k]).toFixed(0)} | ${median(ratios[k]).toFixed(2)} |`));
if (sink === 0) console.log("");
