/**
 * How deep a document's flow collections ([ and {) nest, checked before any parser recurses
 * into them.
 *
 * @module
 */

/** Deepest flow nesting ([ and {) accepted; no trace needs more than a handful. */
export const MAX_FLOW_DEPTH = 1000;

/**
 * Where flow collections nest deeper than MAX_FLOW_DEPTH, found by one scan that skips
 * quoted strings and comments, so that the parser never recurses that deep (where a stack
 * overflow would be reported at a position that depends on the stack).
 */
export function flowDepthProblem(
  text: string,
): { line: number; column: number; message: string } | undefined {
  let depth = 0, line = 1, lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    } else if (c === '"' || c === "'") {
      // a quoted scalar: skip to its end (\" escapes in double quotes, '' in single)
      for (i++; i < text.length; i++) {
        if (text[i] === "\n") line++, lineStart = i + 1;
        if (c === '"' && text[i] === "\\") i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      if (++depth > MAX_FLOW_DEPTH) {
        return {
          line,
          column: i - lineStart + 1,
          message: `the document nests more than ${MAX_FLOW_DEPTH} levels deep`,
        };
      }
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}
