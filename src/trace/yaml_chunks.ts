/**
 * A YAML trace in the block style every bundled trace uses (top-level keys at column 0, and
 * `ops:` followed by a block sequence of ops) is split into its header and chunks of whole
 * op items, so that each chunk is parsed as its own small document: the parser's syntax
 * tree, about 150 times the text's size, then exists for one chunk at a time instead of for
 * the whole file. Lines and columns are kept (a chunk starts at the start of a line; its
 * line offset is known; header lines after the ops are shifted back by the lines removed), so
 * every position is the one the whole document would give.
 *
 * Anything the split cannot vouch for is left to the whole-document parse: anchors, aliases
 * and tags in the ops (an alias may name an anchor of another chunk), directives and document
 * markers, tab indentation, an `ops:` that is not a plain block key, or lines that fit
 * neither an item nor a top-level key.
 *
 * @module
 */

/** A run of whole op items: text offsets and where it starts. */
export interface OpChunk {
  /** Offset of the chunk's first character (the start of a line). */
  readonly start: number;
  /** Offset just past the chunk's last character. */
  readonly end: number;
  /** Lines before the chunk (its line offset). */
  readonly lineOffset: number;
  /** Index of its first op in the trace. */
  readonly firstOp: number;
}

/**
 * The split: the header text (the file without its op lines) and the op chunks in order. A
 * header line after `ops:` (line `opsLine`) is line `removed` further down in the file.
 */
export interface SplitTrace {
  readonly header: string;
  readonly opsLine: number;
  readonly removed: number;
  readonly chunks: readonly OpChunk[];
}

/** Characters a chunk aims at (several items each; an item is never cut). */
export const CHUNK_CHARS = 64 * 1024;

/**
 * Splits `text`, or returns undefined when it is not in the plain block style (then the
 * whole document is parsed, as before).
 */
export function splitBlockOps(text: string, chunkChars = CHUNK_CHARS): SplitTrace | undefined {
  if (/^(%|---|\.\.\.)/m.test(text)) return undefined;
  const opsKey = /^ops:[ ]*(#.*)?$/gm;
  const first = opsKey.exec(text);
  if (!first || opsKey.exec(text)) return undefined;
  // the op region: from the line after `ops:` to the next top-level line that is not an item
  let pos = text.indexOf("\n", first.index);
  if (pos < 0) return undefined;
  pos++;
  const regionStart = pos;
  let line = 0; // lines before regionStart
  for (let i = text.indexOf("\n"); i >= 0 && i < regionStart; i = text.indexOf("\n", i + 1)) line++;
  const regionLine = line;
  let indent = -1;
  let itemsEnd = regionStart; // end of the last item line
  let endLine = line;
  const itemStarts: { offset: number; line: number }[] = [];
  while (pos < text.length) {
    let eol = text.indexOf("\n", pos);
    if (eol < 0) eol = text.length;
    // the common line, indented by spaces to a printable ASCII character, is read in place
    // (no slice, trim or pattern per line of a trace of millions); any other line as it is
    let k = pos;
    while (k < eol && text.charCodeAt(k) === 32) k++;
    const c = k < eol ? text.charCodeAt(k) : 0;
    let lead: number, blank: boolean, isItem: boolean, trimmed = "";
    if (k > pos && c > 32 && c < 127) {
      lead = k - pos;
      blank = c === 35;
      isItem = c === 45 && (k + 1 === eol || text.charCodeAt(k + 1) === 32);
    } else {
      const l = text.slice(pos, eol);
      trimmed = l.trimStart();
      lead = l.length - trimmed.length;
      if (/^[ ]*\t/.test(l)) return undefined;
      blank = trimmed === "" || trimmed.startsWith("#");
      isItem = /^-( |$)/.test(trimmed);
    }
    if (blank) {
      // blank or comment: belongs to the region only if an item follows
    } else if (indent < 0) {
      if (!isItem) return undefined;
      indent = lead;
      itemStarts.push({ offset: pos, line });
      itemsEnd = eol;
      endLine = line;
    } else if (lead === indent && isItem) {
      itemStarts.push({ offset: pos, line });
      itemsEnd = eol;
      endLine = line;
    } else if (lead > indent) {
      itemsEnd = eol;
      endLine = line;
    } else if (lead === 0) {
      // a top-level key after the ops; an item out at column 0 after indented ones is a
      // syntax error of the whole document, which the header alone would read as the ops
      // (a line at column 0 always takes the second way: trimmed is set)
      if (/^-(\s|$)/.test(trimmed)) return undefined;
      break;
    } else return undefined;
    pos = eol + 1;
    line++;
  }
  if (!itemStarts.length) return undefined;
  const region = text.slice(regionStart, itemsEnd);
  if (/[&*!]/.test(region)) return undefined;
  const chunks: OpChunk[] = [];
  for (let i = 0; i < itemStarts.length;) {
    const s = itemStarts[i];
    let j = i + 1;
    while (j < itemStarts.length && itemStarts[j].offset - s.offset < chunkChars) j++;
    const end = j < itemStarts.length ? itemStarts[j].offset : itemsEnd;
    chunks.push({ start: s.offset, end, lineOffset: s.line, firstOp: i });
    i = j;
  }
  // the header is the file without the op lines (regionLine..endLine)
  const header = text.slice(0, regionStart) + text.slice(itemsEnd + 1);
  return { header, opsLine: regionLine, removed: endLine - regionLine + 1, chunks };
}
