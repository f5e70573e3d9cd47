/**
 * The op items of a block-style YAML trace read without the YAML parser, when they are written
 * in the plain subset every generated and imported trace uses: a block sequence of block
 * mappings, nested block mappings and sequences, keys that are identifiers and values that
 * are plain scalars without spaces. The value is the one npm:yaml (YAML 1.2, core schema)
 * would give; anything outside the subset, or whose value could differ, is left to the parser
 * (undefined), which then gives the value, the positions and the wording of every problem:
 * quotes, flow collections, block scalars, comments, anchors, tags, multi-line scalars,
 * duplicate keys, floats, octal, `~`, integers beyond 2^53, tabs and carriage returns (no
 * key or scalar of the subset holds a space, tab, carriage return, quote or indicator, so
 * each of these fails the line it is on).
 *
 * The parser builds a syntax tree of about 150 times the text and then walks it twice; for
 * the ops of a large trace that was nearly all of the time. Positions are not kept: the
 * caller asks the parser for them when a problem needs one (each item's own position, which
 * every op needs for its line, is returned).
 *
 * @module
 */

/** A parsed run of op items: their values, and where each item's mapping starts. */
export interface PlainItems {
  readonly value: unknown[];
  /** 1-based line (within the text) and column of each item's first key or scalar. */
  readonly at: readonly { line: number; column: number }[];
}

/** A plain scalar of the subset: no indicator first, no space, no `:` or `,` anywhere. */
const SCALAR = /^[A-Za-z0-9_./][A-Za-z0-9_./@+\-[\]#()=]*$/;
/** At most 256 characters: YAML limits an implicit key to 1024. */
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
/** Nesting beyond this is left to the parser (and keeps this reader's recursion shallow). */
const MAX_DEPTH = 64;
const DECIMAL = /^[-+]?[0-9]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
/** Core-schema floats (and `.inf`/`.nan`), octal: left to the parser. */
const FLOATISH = /^[-+]?(?:\.[0-9]|[0-9]+\.|[0-9]+[eE]|\.)|^0o/;

/** Says "outside the subset". */
const OUT = Symbol("out");

/**
 * The core schema's boolean or null a plain scalar spells, or undefined (a switch: a Map
 * would hash every scalar and key the reader sees).
 */
function word(s: string): boolean | null | undefined {
  switch (s) {
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    case "null":
    case "Null":
    case "NULL":
      return null;
  }
  return undefined;
}

/** The core schema's value of a plain scalar, or OUT. */
function scalar(s: string): unknown {
  if (DECIMAL.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : OUT;
  }
  if (FLOATISH.test(s)) return OUT;
  if (HEX.test(s)) {
    const n = parseInt(s.slice(2), 16);
    return Number.isSafeInteger(n) ? n : OUT;
  }
  if (!SCALAR.test(s)) return OUT;
  const w = word(s);
  return w === undefined ? s : w;
}

/** A non-blank line: its indentation in spaces and what follows. */
interface Line {
  readonly indent: number;
  readonly text: string;
  /** 0-based line number in the text. */
  readonly no: number;
}

/** The text's non-blank lines; undefined when one ends in a space (the parser trims it). */
function linesOf(text: string): Line[] | undefined {
  const out: Line[] = [];
  let no = 0, pos = 0;
  while (pos <= text.length) {
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = text.length;
    let i = pos;
    while (i < eol && text.charCodeAt(i) === 32) i++;
    if (i < eol) {
      if (text.charCodeAt(eol - 1) === 32) return undefined;
      out.push({ indent: i - pos, text: text.slice(i, eol), no });
    }
    no++;
    pos = eol + 1;
  }
  return out;
}

/** A cursor over the lines, reading nested blocks. */
class Reader {
  i = 0;
  constructor(readonly lines: Line[]) {}

  /** A block sequence whose items' dashes are at `indent`. */
  seq(
    indent: number,
    depth: number,
    at?: { line: number; column: number }[],
  ): unknown[] | typeof OUT {
    if (depth > MAX_DEPTH) return OUT;
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const l = this.lines[this.i];
      if (l.indent < indent) break;
      if (l.indent > indent || !(l.text === "-" || l.text.startsWith("- "))) return OUT;
      const rest = l.text.slice(2);
      const col = indent + 2;
      at?.push({ line: l.no + 1, column: col + 1 });
      if (rest === "" || rest.startsWith("-")) return OUT;
      const colon = rest.indexOf(":");
      let v: unknown;
      if (colon < 0) {
        v = scalar(rest);
        this.i++;
      } else v = this.map(col, depth + 1, rest);
      if (v === OUT) return OUT;
      out.push(v);
    }
    return out;
  }

  /**
   * A block mapping whose keys are at `indent`; `first` is the content of its first entry
   * when that sits on the current line after a dash.
   */
  map(indent: number, depth: number, first?: string): Record<string, unknown> | typeof OUT {
    if (depth > MAX_DEPTH) return OUT;
    const out: Record<string, unknown> = {};
    let content = first;
    for (;;) {
      if (content === undefined) {
        const l = this.lines[this.i];
        if (l === undefined || l.indent < indent) break;
        if (l.indent > indent || l.text.startsWith("-")) return OUT;
        content = l.text;
      }
      const colon = content.indexOf(":");
      if (colon < 0) return OUT;
      const key = content.slice(0, colon);
      // a key the core schema reads as a boolean or null (true, True, null, NULL...) is
      // named "true", "false" or "" by the parser, and two spellings of one are a key twice
      if (
        !KEY.test(key) || word(key) !== undefined || key === "__proto__" || Object.hasOwn(out, key)
      ) {
        return OUT;
      }
      const after = content.slice(colon + 1);
      this.i++;
      let v: unknown;
      if (after === "") {
        const next = this.lines[this.i];
        if (next === undefined || next.indent <= indent) v = null;
        else if (next.text === "-" || next.text.startsWith("- ")) {
          v = this.seq(next.indent, depth + 1);
        } else v = this.map(next.indent, depth + 1);
      } else if (after.charCodeAt(0) !== 32) return OUT;
      else v = scalar(after.slice(1));
      if (v === OUT) return OUT;
      out[key] = v;
      content = undefined;
    }
    return out;
  }
}

/**
 * The op items of `text` (a run of `- ` items at one indent, as yaml_chunks.ts cuts them),
 * or undefined when it is not all in the plain subset.
 */
export function plainItems(text: string): PlainItems | undefined {
  const lines = linesOf(text);
  if (!lines?.length) return undefined;
  const r = new Reader(lines);
  const at: { line: number; column: number }[] = [];
  const value = r.seq(lines[0].indent, 0, at);
  if (value === OUT || r.i !== lines.length) return undefined;
  return { value, at };
}
