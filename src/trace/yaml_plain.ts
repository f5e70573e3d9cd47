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

/** At most 256 characters: YAML limits an implicit key to 1024. */
const KEY_MAX = 256;
/** Nesting beyond this is left to the parser (and keeps this reader's recursion shallow). */
const MAX_DEPTH = 64;
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

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** Whether t[from, end) is a key of the subset: an identifier of at most KEY_MAX characters. */
export function isKey(t: string, from: number, end: number): boolean {
  if (end - from < 1 || end - from > KEY_MAX) return false;
  const c0 = t.charCodeAt(from);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return false;
  for (let k = from + 1; k < end; k++) {
    const c = t.charCodeAt(k);
    if (!(isAlnum(c) || c === 95)) return false;
  }
  return true;
}

/**
 * Whether t[from, end) is a plain scalar of the subset: no indicator first, no space, no `:`
 * or `,` anywhere, that is `[A-Za-z0-9_./][A-Za-z0-9_./@+\-[\]#()=]*`, read a character at a
 * time (a test holds the two to agree).
 */
export function isPlainScalar(t: string, from: number, end: number): boolean {
  if (from >= end) return false;
  const c0 = t.charCodeAt(from);
  if (!(isAlnum(c0) || c0 === 95 || c0 === 46 || c0 === 47)) return false;
  for (let k = from + 1; k < end; k++) {
    const c = t.charCodeAt(k);
    // _ . / @ + - [ ] # ( ) =
    if (
      !(isAlnum(c) || c === 95 || c === 46 || c === 47 || c === 64 || c === 43 || c === 45 ||
        c === 91 || c === 93 || c === 35 || c === 40 || c === 41 || c === 61)
    ) return false;
  }
  return true;
}

/**
 * The value of the integer t[from, end) spells when it is `[-+]?[0-9]+` (the core schema's
 * decimal) of at most 15 digits, read in place; undefined for anything else.
 */
function decimalAt(t: string, from: number, end: number): number | undefined {
  let k = from;
  const c0 = t.charCodeAt(k);
  const neg = c0 === 45;
  if (neg || c0 === 43) k++;
  if (k === end || end - k > 15) return undefined;
  let n = 0;
  for (; k < end; k++) {
    const c = t.charCodeAt(k);
    if (!isDigit(c)) return undefined;
    n = n * 10 + (c - 48);
  }
  return neg ? -n : n;
}

/**
 * The value of `0x` and at most 13 hex digits at t[from, end) (below 2^52), read in place;
 * undefined for anything else.
 */
function hexAt(t: string, from: number, end: number): number | undefined {
  if (end - from < 3 || end - from > 15) return undefined;
  if (t.charCodeAt(from) !== 48 || t.charCodeAt(from + 1) !== 120) return undefined;
  let n = 0;
  for (let k = from + 2; k < end; k++) {
    const c = t.charCodeAt(k);
    const d = isDigit(c) ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return undefined;
    n = n * 16 + d;
  }
  return n;
}

/**
 * The core schema's value of the plain scalar t[from, end), or OUT; a number is read in
 * place, and only a string value is cut out of the text.
 */
function scalar(t: string, from: number, end: number): unknown {
  const c = t.charCodeAt(from);
  // a digit, sign or dot first: an integer, or something left to the parser
  if (isDigit(c) || c === 43 || c === 45 || c === 46) {
    const d = decimalAt(t, from, end);
    if (d !== undefined) return d;
    const s = t.slice(from, end);
    if (/^[-+]?[0-9]+$/.test(s)) {
      // 16 digits or more
      const n = Number(s);
      return Number.isSafeInteger(n) ? n : OUT;
    }
    if (FLOATISH.test(s)) return OUT;
    const h = hexAt(t, from, end);
    if (h !== undefined) return h;
    if (/^0x[0-9a-fA-F]+$/.test(s)) {
      const n = parseInt(s.slice(2), 16);
      return Number.isSafeInteger(n) ? n : OUT;
    }
  }
  if (!isPlainScalar(t, from, end)) return OUT;
  const s = t.slice(from, end);
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

/**
 * The keys a reader has met, by length: a trace spells the same few dozen keys over and over,
 * and a key found here is the string met before (no new string cut out of the text, and a
 * property key V8 has already internalized).
 */
const KEYS: string[][] = [];

/** The key t[from, end) as a string, the one met before when there was one. */
function keyAt(t: string, from: number, end: number): string {
  const n = end - from;
  const seen = KEYS[n] ??= [];
  for (let k = 0; k < seen.length; k++) if (t.startsWith(seen[k], from)) return seen[k];
  const key = t.slice(from, end);
  // a few per length are enough for an op trace's keys (and keep the search short)
  if (seen.length < 8) seen.push(key);
  return key;
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
        v = scalar(t, from, end);
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
      if (!isKey(t, from, colon)) return OUT;
      const key = keyAt(t, from, colon);
      // a key the core schema reads as a boolean or null (true, True, null, NULL...) is
      // named "true", "false" or "" by the parser, and two spellings of one are a key twice
      if (word(key) !== undefined || key === "__proto__" || Object.hasOwn(out, key)) return OUT;
      this.i++;
      let v: unknown;
      if (colon + 1 === end) {
        const n = this.i;
        if (n >= ls.length || ls.indent[n] <= indent) v = null;
        else if (ls.isItem(n)) v = this.seq(ls.indent[n], depth + 1);
        else v = this.map(ls.indent[n], depth + 1);
      } else if (t.charCodeAt(colon + 1) !== 32) return OUT;
      else v = scalar(t, colon + 2, end);
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
