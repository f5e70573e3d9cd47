/**
 * The view of a pipe.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import type { Pipe } from "../../model/pipe.ts";

/** A pipe as `expect: pipe` compares it. */
export function pipeView(mem: Memory, p: Pipe): Record<string, unknown> {
  const bufs: unknown[] = [];
  for (let h = p.tail; h < p.head; h++) {
    const b = p.bufs.get(h);
    if (b) bufs.push({ page: mem.pageName(b.pfn), offset: b.offset, len: b.len });
  }
  return { head: p.head, tail: p.tail, bufs };
}
