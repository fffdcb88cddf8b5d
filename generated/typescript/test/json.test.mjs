// The strict JSON reader: serde_json's rules, checked where JSON.parse answers otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";

import { MAX_DEPTH, floatText, numberText, readJson } from "../dist/runtime/json.js";

const at = (text, ...pointers) => {
  const found = readJson(text, pointers);
  return found === null ? null : found.values;
};

test("127 levels read, 128 do not (serde_json's recursion limit of 128)", () => {
  assert.equal(MAX_DEPTH, 127);
  const nest = (n) => "[".repeat(n) + "]".repeat(n);
  assert.notEqual(readJson(nest(127), []), null);
  assert.equal(readJson(nest(128), []), null);
  assert.equal(readJson(`{"a":${nest(127)}}`, [["a"]]), null);
  assert.equal(readJson("[".repeat(100_000), []), null);
  assert.equal(readJson(nest(100_000), [[]]), null);
});

test("what JSON.parse accepts and serde_json refuses is refused", () => {
  for (const text of ['"\\ud800"', '"\\udc00x"', '"\\ud800\\u0041"', "1e400", "-1e400", `1${"0".repeat(400)}`, '{"\\udbff":1}', "\ufeff{}", "\ud800", '"\ud800"', '"a\udc00"']) {
    assert.doesNotThrow(() => JSON.parse(text.startsWith("\ufeff") ? "{}" : text.replace(/^\ud800$/, "0")));
    assert.equal(readJson(text, [[]]), null, text);
  }
  // Raw pairs and escaped pairs are one character each way.
  assert.deepEqual(at('"\\ud83d\\ude00"', []), ["\u{1f600}"]);
  assert.deepEqual(at('"\u{1f600}"', []), ["\u{1f600}"]);
});

test("the grammar is RFC 8259's, as strict as JSON.parse", () => {
  const bad = ["", " ", "[1,]", "{'a':1}", "01", "1.", ".5", "+1", "-", "1e", "[1 2]", '{"a" 1}', '{"a":1,}', "tru", "nulll", '"\t"', '"\\x"', '"\\u12"', "NaN", "Infinity", "[", "{", '"abc', "1 2", "\u00a0 1"];
  for (const text of bad) {
    assert.throws(() => JSON.parse(text), undefined, text);
    assert.equal(readJson(text, [[]]), null, text);
  }
  const good = ["0", "-0", "1.5e-3", "1E+2", ' \t\n\r{"a" : [ 1 , {"b":null} ] } ', '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"', "true", "false", "null", "[]", "{}"];
  for (const text of good) assert.deepEqual(at(text, []), [JSON.parse(text)], text);
});

test("only what a pointer reaches is built, and it is what JSON.parse builds", () => {
  const text = '{"error":{"code":"X","list":[1,{"k":"v"}],"esc\\u0061pe":true},"other":{"deep":[[[1]]]}}';
  const whole = JSON.parse(text);
  assert.deepEqual(at(text, [], ["error"], ["error", "code"], ["error", "list", "1", "k"], ["error", "escape"], ["error", "list", "01"], ["missing"], ["error", "code", "x"]), [
    whole,
    whole.error,
    "X",
    "v",
    true,
    undefined,
    undefined,
    undefined,
  ]);
});

test("of repeated keys the last counts, even when it lacks the path", () => {
  assert.deepEqual(at('{"e":{"c":"A"},"e":{"c":"B"}}', ["e", "c"]), ["B"]);
  assert.deepEqual(at('{"e":{"c":"A"},"e":5}', ["e", "c"]), [undefined]);
  assert.deepEqual(at('{"e":{"c":"A"},"e":{"d":1}}', ["e", "c"], ["e"]), [undefined, { d: 1 }]);
});

test("a __proto__ member is an own member and changes no prototype", () => {
  const [v] = at('{"__proto__":{"polluted":1},"a":1}', []);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__", "a"]);
  assert.equal({}.polluted, undefined);
});

test("a number keeps the text serde_json writes for it", () => {
  const cases = [
    ["4012", "4012"], ["-1.5", "-1.5"], ["-0", "-0.0"], ["1.0", "1.0"], ["1e2", "100.0"], ["1E+2", "100.0"], ["0e5", "0.0"],
    ["1e-5", "0.00001"], ["1e-6", "1e-6"], ["1.5e16", "1.5e+16"], ["1e15", "1000000000000000.0"], ["4e15", "4000000000000000.0"],
    ["12345678901234567890", "12345678901234567890"], ["9007199254740993", "9007199254740993"],
    ["18446744073709551615", "18446744073709551615"], ["-9223372036854775808", "-9223372036854775808"],
    ["18446744073709551616", "1.8446744073709552e+19"], ["-9223372036854775809", "-9.223372036854776e+18"], ["5e-324", "5e-324"], ["1e-400", "0.0"],
  ];
  for (const [text, written] of cases) {
    assert.equal(numberText(text), written, text);
    assert.deepEqual(readJson(`{"c":${text}}`, [["c"]])?.texts, [written], text);
  }
  assert.equal(floatText(0.1), "0.1");
  assert.equal(floatText(-123.456), "-123.456");
});

test("hostile input never throws", () => {
  let seed = 7;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', 'd', '8', '0', '1', 'e', '-', '.', ' ', 'a', 'n', 't', '\ud800', '\udc00', '\ufeff', '\u0000'];
  for (let i = 0; i < 5000; i++) {
    let text = "";
    const len = rand(40);
    for (let j = 0; j < len; j++) text += alphabet[rand(alphabet.length)];
    assert.doesNotThrow(() => readJson(text, [[], ["a"], ["0"]]));
  }
});
