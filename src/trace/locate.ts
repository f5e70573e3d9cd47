/**
 * Source positions for parsed documents: a YAML/JSON document keeps its syntax tree, so any
 * path into the value maps back to a line and column.
 *
 * @module
 */
import { type Document, isMap, isNode, isPair, isScalar, LineCounter, type Node } from "yaml";

/** A path into a parsed value. */
export type Path = readonly (string | number)[];

/** Maps a path to a 1-based (line, column); missing paths fall back to their nearest parent. */
export type Locator = (path: Path, key?: boolean) => { line: number; column: number };

/** A locator over a yaml Document; `lineOffset` shifts lines (JSON Lines). */
export function documentLocator(doc: Document, lc: LineCounter, lineOffset = 0): Locator {
  return (path, key) => {
    let node: unknown = doc.contents;
    let best: Node | undefined = doc.contents ?? undefined;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (!isNode(node) && !isPair(node)) break;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        if (i === path.length - 1 && key && isNode(pair.key)) keyNode = pair.key;
        node = pair.value;
      } else if (node && typeof node === "object" && "items" in node) {
        node = (node as { items: unknown[] }).items[Number(seg)];
      } else break;
      if (isNode(node)) best = node;
    }
    const target = keyNode ?? best;
    const offset = target?.range?.[0] ?? 0;
    const pos = lc.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
}

export { LineCounter };
