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
  const c = s.charCodeAt(0);
  // a digit, sign or dot first: an integer, or something left to the parser
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (DECIMAL.test(s)) {
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : OUT;
    }
    if (FLOATISH.test(s)) return OUT;
    if (HEX.test(s)) {
      const n = parseInt(s.slice(2), 16);
      return Number.isSafeInteger(n) ? n : OUT;
    }
  }
  if (!SCALAR.test(s)) return OUT;
  const w = word(s);
  return w === undefined ? s : w;
}

/**
 * The text's non-blank lines as offsets (start of content, end) and indentation in spaces (a
 * line ending in spaces needs no check: no key or scalar of the subset takes a space).
 */
class Lines {
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly indent: number[] = [];
  /** 0-based line number in the text. */
  readonly no: number[] = [];
  constructor(readonly text: string) {}
  static of(text: string): Lines {
    const ls = new Lines(text);
    let no = 0, pos = 0;
    while (pos <= text.length) {
      let eol = text.indexOf("\n", pos);
      if (eol < 0) eol = text.length;
      let i = pos;
      while (i < eol && text.charCodeAt(i) === 32) i++;
      if (i < eol) {
        ls.start.push(i);
        ls.end.push(eol);
        ls.indent.push(i - pos);
        ls.no.push(no);
      }
      no++;
      pos = eol + 1;
    }
    return ls;
  }
  get length(): number {
    return this.start.length;
  }
  /** Whether line `i` is a sequence item (`-` alone or `- ` and more). */
  isItem(i: number): boolean {
    const t = this.text, s = this.start[i];
    return t.charCodeAt(s) === 45 && (s + 1 === this.end[i] || t.charCodeAt(s + 1) === 32);
  }
}

/** The first `:` in text[from, end), or -1 (never looking past the line: no quadratic scan). */
function colonIn(t: string, from: number, end: number): number {
  for (let k = from; k < end; k++) if (t.charCodeAt(k) === 58) return k;
  return -1;
}

/** A cursor over the lines, reading nested blocks. */
class Reader {
  i = 0;
  constructor(readonly lines: Lines) {}

  /** A block sequence whose items' dashes are at `indent`. */
  seq(
    indent: number,
    depth: number,
    at?: { line: number; column: number }[],
  ): unknown[] | typeof OUT {
    if (depth > MAX_DEPTH) return OUT;
    const ls = this.lines, t = ls.text;
    const out: unknown[] = [];
    while (this.i < ls.length) {
      const i = this.i;
      if (ls.indent[i] < indent) break;
      if (ls.indent[i] > indent || !ls.isItem(i)) return OUT;
      // the item's content starts after "- "
      const from = ls.start[i] + 2, end = ls.end[i];
      const col = indent + 2;
      at?.push({ line: ls.no[i] + 1, column: col + 1 });
      if (from >= end || t.charCodeAt(from) === 45) return OUT;
      const colon = colonIn(t, from, end);
      let v: unknown;
      if (colon < 0) {
        v = scalar(t.slice(from, end));
        this.i++;
      } else v = this.map(col, depth + 1, from);
      if (v === OUT) return OUT;
      out.push(v);
    }
    return out;
  }

  /**
   * A block mapping whose keys are at `indent`; `first` is where its first entry starts when
   * that sits on the current line after a dash.
   */
  map(indent: number, depth: number, first?: number): Record<string, unknown> | typeof OUT {
    if (depth > MAX_DEPTH) return OUT;
    const ls = this.lines, t = ls.text;
    const out: Record<string, unknown> = {};
    let from = first;
    for (;;) {
      const i = this.i;
      if (from === undefined) {
        if (i >= ls.length || ls.indent[i] < indent) break;
        if (ls.indent[i] > indent || t.charCodeAt(ls.start[i]) === 45) return OUT;
        from = ls.start[i];
      }
      const end = ls.end[i];
      const colon = colonIn(t, from, end);
      if (colon < 0) return OUT;
      const key = t.slice(from, colon);
      // a key the core schema reads as a boolean or null (true, True, null, NULL...) is
      // named "true", "false" or "" by the parser, and two spellings of one are a key twice
      if (
        !KEY.test(key) || word(key) !== undefined || key === "__proto__" || Object.hasOwn(out, key)
      ) {
        return OUT;
      }
      this.i++;
      let v: unknown;
      if (colon + 1 === end) {
        const n = this.i;
        if (n >= ls.length || ls.indent[n] <= indent) v = null;
        else if (ls.isItem(n)) v = this.seq(ls.indent[n], depth + 1);
        else v = this.map(ls.indent[n], depth + 1);
      } else if (t.charCodeAt(colon + 1) !== 32) return OUT;
      else v = scalar(t.slice(colon + 2, end));
      if (v === OUT) return OUT;
      out[key] = v;
      from = undefined;
    }
    return out;
  }
}

/**
 * The op items of `text` (a run of `- ` items at one indent, as yaml_chunks.ts cuts them),
 * or undefined when it is not all in the plain subset.
 */
export function plainItems(text: string): PlainItems | undefined {
  const lines = Lines.of(text);
  if (!lines.length) return undefined;
  const r = new Reader(lines);
  const at: { line: number; column: number }[] = [];
  const value = r.seq(lines.indent[0], 0, at);
  if (value === OUT || r.i !== lines.length) return undefined;
  return { value, at };
}
