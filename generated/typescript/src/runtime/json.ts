/**
 * A strict JSON reader that answers as the Rust crate's `serde_json` does,
 * so a body means the same thing in every language errcat generates.
 *
 * It refuses what `serde_json` refuses and `JSON.parse` accepts: nesting
 * deeper than {@link MAX_DEPTH} arrays and objects, a lone surrogate (escaped
 * or, in a string body, raw), and a number out of the float range (`1e400`).
 * It builds only the values the wanted pointers reach; the rest of the body
 * is checked and skipped. A number a pointer ends at also keeps the text
 * `serde_json` writes for it ({@link numberText}), as a code or a request id
 * is read from a number in Rust and Python. It never throws.
 * @module
 */

/** The deepest nesting of arrays and objects a body may have (`serde_json`'s recursion limit of 128, less one). */
export const MAX_DEPTH = 127;

/** What {@link readJson} found: for each pointer, the value there (`undefined`: none) and, for a number, its text. */
export interface JsonFound {
  /** The value at each pointer, as `JSON.parse` would build it; `undefined` when there is none. */
  readonly values: unknown[];
  /** For a pointer that ends at a number, the text `serde_json` writes for it; else `null`. */
  readonly texts: (string | null)[];
}

/** Thrown inside the reader only, caught by {@link readJson}: carries no stack. */
const FAIL: { readonly fail: true } = Object.freeze({ fail: true });

/** The array index a token names (decimal digits without a leading zero), or -1. */
export function arrayIndex(token: string): number {
  if (token.length === 0 || token.length > 15 || (token.length > 1 && token.charCodeAt(0) === 0x30)) return -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return Number(token);
}

/**
 * Reads `text` as one JSON value under `serde_json`'s rules and returns what
 * each pointer (its unescaped tokens; `null` finds nothing) reaches, or
 * `null` when `text` is not JSON as `serde_json` reads it. Of repeated keys
 * the last one counts.
 */
export function readJson(text: string, pointers: ReadonlyArray<readonly string[] | null>): JsonFound | null {
  const values: unknown[] = new Array(pointers.length).fill(undefined);
  const texts: (string | null)[] = new Array(pointers.length).fill(null);
  const reader = new Reader(text, pointers, values, texts);
  const active: number[] = [];
  for (let k = 0; k < pointers.length; k++) if (pointers[k] !== null) active.push(k);
  try {
    reader.space();
    reader.value(0, active, false);
    reader.space();
    if (reader.i !== text.length) return null;
  } catch (e) {
    if (e === FAIL) return null;
    // Only a stack overflow on an exotic engine could land here; it is no JSON either.
    return null;
  }
  return { values, texts };
}

/** A run of string characters that need no check: not a quote, a backslash, a control character or a surrogate. */
const PLAIN = /[^"\\\x00-\x1f\ud800-\udfff]*/y;

/** Wants nothing: the routing list of a part no pointer reaches. */
const NONE: readonly number[] = [];

class Reader {
  i = 0;
  /** The text of the last number read. */
  private numText = "";
  /** Whether the last string read had an escape. */
  private escaped = false;

  constructor(
    private readonly s: string,
    private readonly pointers: ReadonlyArray<readonly string[] | null>,
    private readonly values: unknown[],
    private readonly texts: (string | null)[],
  ) {}

  /** Skips JSON whitespace: space, tab, line feed, carriage return. */
  space(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  /**
   * Reads one value at nesting `depth`. `active` are the pointers that lead
   * to or into it (each has consumed `depth` tokens); the value is built when
   * `build` or when one of them ends here.
   */
  value(depth: number, active: readonly number[], build: boolean): unknown {
    let ends = false;
    let goesOn = false;
    for (let n = 0; n < active.length; n++) {
      if (this.pointers[active[n]!]!.length === depth) ends = true;
      else goesOn = true;
    }
    const make = build || ends;
    const c = this.s.charCodeAt(this.i);
    let v: unknown;
    let number = false;
    if (c === 0x7b) v = this.object(depth + 1, goesOn ? active : NONE, make);
    else if (c === 0x5b) v = this.array(depth + 1, goesOn ? active : NONE, make);
    else if (c === 0x22) v = this.string(make);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      v = this.number();
      number = true;
    } else v = this.literal();
    if (ends) {
      for (let n = 0; n < active.length; n++) {
        const k = active[n]!;
        if (this.pointers[k]!.length === depth) {
          this.values[k] = v;
          this.texts[k] = number ? numberText(this.numText) : null;
        }
      }
    }
    return v;
  }

  /** The pointers of `active` whose token at `depth - 1` is `key` (or an index equal to `index`). */
  private route(
    depth: number,
    active: readonly number[],
    key: string | null,
    index: number,
    start: number,
    end: number,
  ): readonly number[] {
    let sub: number[] | null = null;
    for (let n = 0; n < active.length; n++) {
      const k = active[n]!;
      const token = this.pointers[k]![depth - 1]!;
      const matches =
        index >= 0
          ? arrayIndex(token) === index
          : key !== null
            ? token === key
            : token.length === end - start && this.s.startsWith(token, start);
      if (matches) {
        (sub ??= []).push(k);
        // A repeated key: what an earlier member gave is gone.
        this.values[k] = undefined;
        this.texts[k] = null;
      }
    }
    return sub ?? NONE;
  }

  private object(depth: number, active: readonly number[], make: boolean): unknown {
    if (depth > MAX_DEPTH) throw FAIL;
    const s = this.s;
    const out: Record<string, unknown> | undefined = make ? {} : undefined;
    this.i++;
    this.space();
    if (s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (s.charCodeAt(this.i) !== 0x22) throw FAIL;
      const start = this.i + 1;
      // A key without escapes is compared where it stands, and made only for an object being built.
      let key = this.string(make);
      const end = this.i - 1;
      if (key === undefined && this.escaped && active.length > 0) key = this.string(true, start - 1);
      this.space();
      if (s.charCodeAt(this.i) !== 0x3a) throw FAIL;
      this.i++;
      this.space();
      const sub = active.length > 0 ? this.route(depth, active, key ?? null, -1, start, end) : NONE;
      const v = this.value(depth, sub, make);
      if (out !== undefined && key !== undefined) {
        if (key === "__proto__") {
          Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
        } else out[key] = v;
      }
      this.space();
      const c = s.charCodeAt(this.i);
      this.i++;
      if (c === 0x2c) this.space();
      else if (c === 0x7d) return out;
      else throw FAIL;
    }
  }

  private array(depth: number, active: readonly number[], make: boolean): unknown {
    if (depth > MAX_DEPTH) throw FAIL;
    const s = this.s;
    const out: unknown[] | undefined = make ? [] : undefined;
    this.i++;
    this.space();
    if (s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (let index = 0; ; index++) {
      const sub = active.length > 0 ? this.route(depth, active, null, index, 0, 0) : NONE;
      const v = this.value(depth, sub, make);
      if (out !== undefined) out.push(v);
      this.space();
      const c = s.charCodeAt(this.i);
      this.i++;
      if (c === 0x2c) this.space();
      else if (c === 0x5d) return out;
      else throw FAIL;
    }
  }

  /**
   * Reads the string at `from` (default: where the reader is); its value when
   * `make`, else `undefined`. `escaped` tells whether it had an escape.
   */
  private string(make: boolean, from = this.i): string | undefined {
    const s = this.s;
    let i = from + 1;
    this.escaped = false;
    let start = i;
    let out = "";
    for (;;) {
      // The run of characters that stand for themselves, at native speed.
      PLAIN.lastIndex = i;
      PLAIN.test(s);
      i = PLAIN.lastIndex;
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        this.escaped = true;
        if (make) out += s.slice(start, i);
        const e = s.charCodeAt(i + 1);
        i += 2;
        let ch: string;
        switch (e) {
          case 0x22: ch = '"'; break;
          case 0x5c: ch = "\\"; break;
          case 0x2f: ch = "/"; break;
          case 0x62: ch = "\b"; break;
          case 0x66: ch = "\f"; break;
          case 0x6e: ch = "\n"; break;
          case 0x72: ch = "\r"; break;
          case 0x74: ch = "\t"; break;
          case 0x75: {
            const u = hex4(s, i);
            i += 4;
            if (u >= 0xdc00 && u <= 0xdfff) throw FAIL;
            if (u >= 0xd800 && u <= 0xdbff) {
              // A leading surrogate must be followed by an escaped trailing one.
              if (s.charCodeAt(i) !== 0x5c || s.charCodeAt(i + 1) !== 0x75) throw FAIL;
              const low = hex4(s, i + 2);
              if (low < 0xdc00 || low > 0xdfff) throw FAIL;
              i += 6;
              ch = String.fromCharCode(u, low);
            } else ch = String.fromCharCode(u);
            break;
          }
          default:
            throw FAIL;
        }
        if (make) out += ch;
        start = i;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) throw FAIL;
      if (c >= 0xd800 && c <= 0xdfff) {
        // A raw surrogate (only a string body can hold one) must be a pair: UTF-8 has no other.
        const d = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw FAIL;
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i + 1;
    if (!make) return undefined;
    return out === "" ? s.slice(start, i) : out + s.slice(start, i);
  }

  /** Reads a number as `serde_json` does: its value, which must be finite; its text is kept in `numText`. */
  private number(): number {
    const s = this.s;
    const begin = this.i;
    let i = begin;
    if (s.charCodeAt(i) === 0x2d) i++;
    let c = s.charCodeAt(i);
    if (c === 0x30) i++;
    else if (c >= 0x31 && c <= 0x39) {
      i++;
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    } else throw FAIL;
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      c = s.charCodeAt(i);
      if (!(c >= 0x30 && c <= 0x39)) throw FAIL;
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    }
    c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      i++;
      c = s.charCodeAt(i);
      if (c === 0x2b || c === 0x2d) i++;
      c = s.charCodeAt(i);
      if (!(c >= 0x30 && c <= 0x39)) throw FAIL;
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    }
    this.i = i;
    const text = s.slice(begin, i);
    const v = Number(text);
    // Out of the float range: serde_json's "number out of range".
    if (!Number.isFinite(v)) throw FAIL;
    this.numText = text;
    return v;
  }

  private literal(): unknown {
    const s = this.s;
    const i = this.i;
    if (s.startsWith("true", i)) {
      this.i = i + 4;
      return true;
    }
    if (s.startsWith("false", i)) {
      this.i = i + 5;
      return false;
    }
    if (s.startsWith("null", i)) {
      this.i = i + 4;
      return null;
    }
    throw FAIL;
  }
}

/** The value of four hex digits at `i`; fails on anything else. */
function hex4(s: string, i: number): number {
  let u = 0;
  for (let n = 0; n < 4; n++) {
    const c = s.charCodeAt(i + n);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else throw FAIL;
    u = u * 16 + d;
  }
  return u;
}

const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;

/**
 * The text `serde_json` writes for the JSON number whose text is `text`: an
 * integer that fits 64 bits (signed or not) as it is; any other number (a
 * fraction, an exponent, `-0`, a larger integer) as the float it reads, in
 * the shortest digits that read back to it, plainly from 1e-5 up to below
 * 1e16 (`100.0`, `0.00001`), else as `1.5e+16` or `1e-6`.
 */
export function numberText(text: string): string {
  let integer = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e || c === 0x65 || c === 0x45) {
      integer = false;
      break;
    }
  }
  if (integer && text !== "-0") {
    if (text.length < 19) return text;
    const big = BigInt(text);
    if (big >= I64_MIN && big <= U64_MAX) return text;
  }
  return floatText(Number(text));
}

/** A finite float as `serde_json` writes it (see {@link numberText}). */
export function floatText(number: number): string {
  if (number === 0) return Object.is(number, -0) ? "-0.0" : "0.0";
  const sign = number < 0 ? "-" : "";
  // The shortest digits that read back to the same float, and the exponent of the first.
  const [mantissa, expText] = Math.abs(number).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  // The decimal point sits after `point` digits of `digits`.
  const point = Number(expText) + 1;
  const length = digits.length;
  if (point >= 0 && point <= 16 && length <= point) return `${sign}${digits}${"0".repeat(point - length)}.0`;
  if (point > 0 && point <= 16) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  if (point > -5 && point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  const rest = length > 1 ? `.${digits.slice(1)}` : "";
  const exp = point - 1;
  return `${sign}${digits[0]}${rest}e${exp < 0 ? "-" : "+"}${Math.abs(exp)}`;
}
