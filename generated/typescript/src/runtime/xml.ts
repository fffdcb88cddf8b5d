/**
 * XML error bodies, read with the `saxes` parser and bounded: a document that
 * is not well-formed XML 1.0, has a document type declaration, or nests more
 * than {@link MAX_DEPTH} elements is refused, only the five predefined
 * entities and character references are expanded, and nothing is fetched.
 * Mirrors the Rust crate's XML envelope reader.
 * @module
 */

import { SaxesParser } from "saxes";

/** The most elements open at once in an XML body that is read; deeper bodies are unreadable. */
export const MAX_DEPTH = 127;

/** An XML element: its local name, the text directly inside it, and its child elements. */
export interface XmlElement {
  /** The name without its namespace prefix. */
  readonly name: string;
  /** Character data and CDATA directly inside the element, concatenated, not trimmed. */
  readonly text: string;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
}

/** An element while it is open. */
interface Open {
  name: string;
  text: string;
  children: XmlElement[];
}

/** Thrown by the handlers to stop a read; caught in {@link readXml}. */
class Refused extends Error {}

/** The state of the read under way (reads are synchronous, so one suffices). */
let stack: Open[] = [];
let root: XmlElement | null = null;

/** A name without its namespace prefix. */
function local(name: string): string {
  const colon = name.lastIndexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/** A parser with the handlers that build the tree; made again after a refused document. */
function makeParser(): SaxesParser<{ position: false }> {
  const parser = new SaxesParser({ position: false });
  parser.on("doctype", () => {
    throw new Refused("a document type declaration");
  });
  parser.on("opentag", (tag) => {
    // An empty element is a level too.
    if (stack.length >= MAX_DEPTH) throw new Refused("elements nest too deep");
    if (tag.isSelfClosing) return;
    stack.push({ name: local(tag.name), text: "", children: [] });
  });
  parser.on("closetag", (tag) => {
    const element: XmlElement = tag.isSelfClosing ? { name: local(tag.name), text: "", children: [] } : (stack.pop() as Open);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(element);
    else root = element;
  });
  // Text outside the root element is whitespace: saxes refuses any other.
  parser.on("text", (text: string) => {
    const open = stack[stack.length - 1];
    if (open !== undefined) open.text += text;
  });
  parser.on("cdata", (text: string) => {
    const open = stack[stack.length - 1];
    if (open !== undefined) open.text += text;
  });
  return parser;
}

let shared: SaxesParser<{ position: false }> | null = null;

/**
 * The root element of an XML document (its one byte order mark already
 * removed), or `null` when it is not well-formed XML 1.0, has a document type
 * declaration, has a second byte order mark or nests more than
 * {@link MAX_DEPTH} elements. Never throws.
 */
export function readXml(text: string): XmlElement | null {
  if (text.charCodeAt(0) === 0xfeff) return null;
  const parser = shared ?? makeParser();
  shared = null;
  stack = [];
  root = null;
  try {
    parser.write(text).close();
  } catch {
    // The parser stopped half-way; a fresh one serves the next read.
    stack = [];
    root = null;
    return null;
  }
  shared = parser;
  const found = root;
  stack = [];
  root = null;
  return found;
}

/**
 * The element at an XML path (`/Root/Child/Leaf`: element names from the
 * root down, compared by local name, each step the first child of that name
 * in document order), or `null`.
 */
export function xmlElement(root: XmlElement, steps: readonly string[] | null): XmlElement | null {
  if (steps === null || steps.length === 0 || steps[0] !== root.name) return null;
  let at: XmlElement | undefined = root;
  for (let i = 1; i < steps.length && at !== undefined; i++) {
    const step = steps[i];
    at = at.children.find((c) => c.name === step);
  }
  return at ?? null;
}

/** The steps of an XML path, or `null` for a path that is not one (not starting with `/`, or an empty step). */
export function xmlSteps(path: string): readonly string[] | null {
  if (path[0] !== "/") return null;
  const steps = path.slice(1).split("/");
  return steps.every((s) => s !== "") ? steps : null;
}
