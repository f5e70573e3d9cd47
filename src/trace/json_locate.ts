/**
 * Positions inside one line of a JSON Lines trace, found by scanning the JSON text itself:
 * the line:column the YAML parser's syntax tree gives (locate.ts documentLocator over
 * npm:yaml), without loading or running that parser for a JSON line. A line the YAML parse
 * refuses (a mapping with a key twice; a carriage return after a list, mapping or string;
 * more than the document size or the nesting the loader accepts) has no locator here either.
 * tests/json_locate_test.ts holds the two to the same answers.
 *
 * Two differences, both for lines no writer of JSON Lines produces: a bare carriage return
 * inside the line is JSON white space here, where the YAML lexer takes it for text (placing
 * the value after it one column early, or seeing an item in `[\r]`); and a line nesting
 * hundreds of levels deep (within MAX_FLOW_DEPTH) is located here, where the YAML parser
 * could run out of stack, depending on how deep the call was, and place it at its start.
 *
 * @module
 */
import type { Locator } from "./locate.ts";
import { flowDepthProblem } from "./flow_depth.ts";
import { limit } from "../limits.ts";

/** A value of the line: where it starts, and its members or items when it has them. */
interface Value {
  readonly start: number;
  readonly members?: readonly Member[];
  readonly items?: readonly Value[];
}

/** A member of an object: its key (decoded), where the key starts, its value. */
interface Member {
  readonly name: string;
  readonly at: number;
  readonly value: Value;
}

/** A JSON text that does not scan (not JSON, or refused as the YAML parse refused it). */
class Refused extends Error {}

/**
 * The locator of a JSON text (one JSON Lines line, after `lineOffset` lines), or undefined
 * where the YAML parse gave none: then the caller places everything at the line's start.
 */
export function jsonLocator(text: string, lineOffset = 0): Locator | undefined {
  if (text.length > limit("document_bytes") || flowDepthProblem(text)) return undefined;
  let root: Value;
  try {
    const s = new Scan(text);
    root = s.value();
    s.space();
    if (s.i !== text.length) throw new Refused();
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
  // a carriage return after a list, a mapping or a string starts another node for the YAML
  // lexer (its "Unexpected scalar at node end"); after a number, true, false or null it is
  // more of the same plain scalar
  const plain = !root.members && !root.items && text[root.start] !== '"';
  if (!plain && /\r[ \t\r]*$/.test(text)) return undefined;
  const line = 1 + lineOffset;
  return (path, key) => {
    let node: Value | undefined = root;
    let best = root;
    let keyAt: number | undefined;
    for (let i = 0; i < path.length; i++) {
      if (!node) break;
      const seg = path[i];
      if (node.members) {
        const name = String(seg);
        const m: Member | undefined = node.members.find((x) => x.name === name);
        if (!m) break;
        if (i === path.length - 1 && key) keyAt = m.at;
        node = m.value;
      } else if (node.items) {
        node = node.items[Number(seg)];
      } else break;
      if (node) best = node;
    }
    return { line, column: (keyAt ?? best.start) + 1 };
  };
}

/** A JSON number, true, false or null, matched where the scan is. */
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null/y;

/** A scan of a JSON text into Values. */
class Scan {
  i = 0;
  constructor(private readonly t: string) {}

  /** Skips JSON white space (space, tab, carriage return, line feed). */
  space(): void {
    const t = this.t;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 13 || c === 10) this.i++;
      else return;
    }
  }

  value(): Value {
    this.space();
    const t = this.t, start = this.i;
    const c = t[start];
    if (c === "{") return this.object(start);
    if (c === "[") return this.array(start);
    if (c === '"') {
      this.string();
      return { start };
    }
    // a number, true, false or null
    SCALAR.lastIndex = start;
    if (!SCALAR.test(t)) throw new Refused();
    this.i = SCALAR.lastIndex;
    return { start };
  }

  /** The string at `i` (its decoded text); `i` moves past it. */
  string(): string {
    const t = this.t, start = this.i;
    let j = start + 1;
    for (;;) {
      const k = t.indexOf('"', j);
      if (k < 0) throw new Refused();
      let bs = 0;
      for (let b = k - 1; t[b] === "\\"; b--) bs++;
      j = k + 1;
      if (bs % 2 === 0) break;
    }
    this.i = j;
    try {
      return JSON.parse(t.slice(start, j));
    } catch {
      throw new Refused();
    }
  }

  object(start: number): Value {
    const t = this.t;
    const members: Member[] = [];
    const names = new Set<string>();
    this.i++;
    this.space();
    if (t[this.i] === "}") {
      this.i++;
      return { start, members };
    }
    for (;;) {
      this.space();
      if (t[this.i] !== '"') throw new Refused();
      const at = this.i;
      const name = this.string();
      // the YAML parse (uniqueKeys) refuses a mapping with a key twice
      if (names.has(name)) throw new Refused();
      names.add(name);
      this.space();
      if (t[this.i] !== ":") throw new Refused();
      this.i++;
      members.push({ name, at, value: this.value() });
      this.space();
      const c = t[this.i++];
      if (c === "}") return { start, members };
      if (c !== ",") throw new Refused();
    }
  }

  array(start: number): Value {
    const t = this.t;
    const items: Value[] = [];
    this.i++;
    this.space();
    if (t[this.i] === "]") {
      this.i++;
      return { start, items };
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = t[this.i++];
      if (c === "]") return { start, items };
      if (c !== ",") throw new Refused();
    }
  }
}
