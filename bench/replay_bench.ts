/**
 * Replay cost against parse cost for a long JSON Lines workload: `deno task bench`.
 * Measures, never asserts.
 */
import { streamJsonl } from "../src/trace/load.ts";
import { lineBatches, linesOf } from "../src/cli/io.ts";
import { openTrace } from "../src/cli/source.ts";
import { runTrace } from "../src/cli/run_trace.ts";
import type { Io } from "../src/cli/io.ts";
import type { TraceIssue } from "../src/errors.ts";

function workload(n: number): string {
  const lines = [
    JSON.stringify({
      itertrace: 1,
      name: "bench",
      kernel: "6.12",
      memory: {
        user: [{ region: "u", size: "1M" }],
        kernel: [{ region: "k", kind: "kmalloc", size: "64K" }],
      },
    }),
  ];
  for (let i = 0; i < n; i++) {
    const it = "it";
    if (i % 4 === 3) {
      lines.push(JSON.stringify({ op: "free", var: it }));
    } else if (i % 4 === 0) {
      lines.push(JSON.stringify({
        op: "import_iovec",
        iter: it,
        dir: "dest",
        iov: [{ base: `u+${(i * 512) % 0x80000}`, len: 4096 }, { base: "u+0x90000", len: 8192 }],
      }));
    } else if (i % 4 === 1) {
      lines.push(JSON.stringify({ op: "iov_iter_advance", iter: it, bytes: 100 }));
    } else {
      lines.push(JSON.stringify({ op: "iov_iter_revert", iter: it, bytes: 50 }));
    }
  }
  return lines.join("\n");
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Blob([text]).stream();
}

const fixed = workload(20000);
const io = {
  exists: () => Promise.resolve(true),
  stat: () => Promise.resolve({ kind: "file", size: fixed.length }),
  readLineBatches: () => lineBatches(streamOf(fixed)),
} as unknown as Io;

Deno.bench("parse 20k JSONL ops", { group: "jsonl", baseline: true }, async () => {
  const issues: TraceIssue[] = [];
  for await (
    const _ of streamJsonl(linesOf(streamOf(fixed)), "bench.jsonl", issues)
  ) { /* parse only */ }
});

Deno.bench("replay -q 20k JSONL ops", { group: "jsonl" }, async () => {
  await runTrace(await openTrace(io, "bench.jsonl"), {});
});

/** A trace that pins and releases `pages` pages through extract_iter_to_sg, to check cost is linear in pages. */
function pagesTrace(pages: number): string {
  const size = pages * 4096;
  return JSON.stringify({
    itertrace: 1,
    name: "pages",
    kernel: "6.12",
    memory: { user: [{ region: "u", size }] },
    ops: [
      { op: "iov_iter_ubuf", iter: "it", dir: "dest", addr: "u", len: size },
      { op: "sg_init_table", sgt: "s", nents: pages },
      { op: "extract_iter_to_sg", iter: "it", maxsize: size, sgt: "s", sg_max: pages },
      { op: "unpin_user_pages", pages: "s" },
    ],
  });
}

for (const pages of [1000, 10000, 100000]) {
  const text = pagesTrace(pages);
  Deno.bench(`extract_iter_to_sg + unpin of ${pages} pages`, { group: "pages" }, async () => {
    const io = {
      exists: () => Promise.resolve(true),
      stat: () => Promise.resolve({ kind: "file", size: text.length }),
      readTextFile: () => Promise.resolve(text),
    } as unknown as Io;
    await runTrace(await openTrace(io, "pages.json"), {});
  });
}
