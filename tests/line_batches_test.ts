/**
 * The chunked line splitter (lineBatches) and the JSON Lines trace read a batch at a time
 * (openJsonlBatches, and `replay` through the real Io): the same lines as the line-by-line
 * reader for any chunking (CRLF, a byte-order mark, a last line without a newline, a line
 * split across many reads, a line over the limit), and positions in errors still right.
 */
import assert from "node:assert/strict";
import { fileChunks, lineBatches, linesOf, MAX_LINE, readWhole } from "../src/cli/io.ts";
import { openJsonlBatches, streamJsonl } from "../src/trace/load.ts";
import type { TraceIssue } from "../src/errors.ts";
import { runCli } from "../src/cli/mod.ts";
import { denoIo } from "../src/cli/io.ts";

const enc = new TextEncoder();

/** A stream handing out `bytes` cut at the given offsets. */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    parts.push(bytes.slice(at, c));
    at = c;
  }
  return new ReadableStream({
    pull(ctl) {
      const p = parts.shift();
      if (p === undefined) ctl.close();
      else ctl.enqueue(p);
    },
  });
}

async function batchesOf(s: ReadableStream<Uint8Array>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const b of lineBatches(s)) out.push(b);
  return out;
}

Deno.test("lineBatches: CRLF, a byte-order mark and a last line without newline, for every cut", async () => {
  const text = "\uFEFFa\r\nbb\n\n\r\nccc\r\nd";
  const bytes = enc.encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (let cut2 = cut; cut2 <= bytes.length; cut2 += 3) {
      const bs = await batchesOf(chunked(bytes, [cut, cut2]));
      assert.deepEqual(bs.flat(), ["a", "bb", "", "", "ccc", "d"], `cuts ${cut}, ${cut2}`);
      // a batch is what one read completes: never empty
      assert.ok(bs.every((b) => b.length > 0));
    }
  }
  // one read: one batch with every line
  assert.deepEqual(await batchesOf(chunked(enc.encode("x\ny\n"), [])), [["x", "y"]]);
});

Deno.test("lineBatches: UTF-16 with a byte-order mark, and a line split over many reads", async () => {
  const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0, 0x0d, 0, 0x0a, 0, 0x62, 0]);
  assert.deepEqual((await batchesOf(chunked(utf16, [1, 3, 5]))).flat(), ["a", "b"]);
  const long = "x".repeat(100_000);
  const bytes = enc.encode(`a\n${long}\nb`);
  const cuts = Array.from({ length: 40 }, (_, k) => 1 + k * 2500);
  assert.deepEqual((await batchesOf(chunked(bytes, cuts))).flat(), ["a", long, "b"]);
});

Deno.test("lineBatches: a 50 MB line is refused after the lines before it, memory bounded by the limit", async () => {
  const mb = 2 ** 20;
  let sent = 0;
  const s = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (sent === 0) ctl.enqueue(enc.encode('{"a":1}\r\n{"b":2}\n'));
      else if (sent > 50 * mb) ctl.close();
      else ctl.enqueue(new Uint8Array(mb).fill(0x78));
      sent += mb;
    },
  });
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const b of lineBatches(s)) got.push(...b);
  }, new RegExp(`a line longer than ${MAX_LINE / mb} MiB`));
  assert.deepEqual(got, ['{"a":1}', '{"b":2}']);
  // refused as soon as the limit is passed, not at the end of the line
  assert.ok(sent <= MAX_LINE + 4 * mb, `read ${sent / mb} MiB`);
});

Deno.test("lineBatches: invalid UTF-8 names its line, after the lines of earlier reads", async () => {
  const bytes = new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0x63, 0xff, 0x0a]);
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const b of lineBatches(chunked(bytes, [4]))) got.push(...b);
  }, /not valid UTF-8 \(byte 0xff in line 3\)/);
  assert.deepEqual(got, ["a", "b"]);
  // linesOf is the same splitter, line by line
  const lines: string[] = [];
  for await (const l of linesOf(chunked(enc.encode("p\r\nq"), [2]))) lines.push(l);
  assert.deepEqual(lines, ["p", "q"]);
});

const HEADER = JSON.stringify({
  itertrace: 1,
  name: "b",
  memory: { user: [{ region: "buf", vma: "anon", prot: "rw", size: 16384 }] },
});
const OP = (i: number) =>
  JSON.stringify({
    op: "import_iovec",
    iter: `u${i}`,
    dir: "dest",
    iov: [{ base: `buf+${512 * (i % 8)}`, len: 512 }],
  });

/** Ops and issues of a JSON Lines text read by openJsonlBatches with the given cuts. */
async function viaBatches(text: string, cuts: number[]) {
  const issues: TraceIssue[] = [];
  const o = await openJsonlBatches(lineBatches(chunked(enc.encode(text), cuts)), "t.jsonl", issues);
  const ops: { index: number; line: number; op: string }[] = [];
  if (o.header) {
    for await (const b of o.ops) {
      for (const n of b) ops.push({ index: n.index, line: n.line, op: n.op });
    }
  }
  return { header: o.header !== undefined, ops, issues };
}

/** The same through the line-by-line streamJsonl, stopping at the first op after a problem. */
async function viaLines(text: string) {
  const issues: TraceIssue[] = [];
  const ops: { index: number; line: number; op: string }[] = [];
  let header = false;
  for await (const v of streamJsonl(linesOf(chunked(enc.encode(text), [])), "t.jsonl", issues)) {
    if ("header" in v) {
      header = true;
      continue;
    }
    if (issues.length) break;
    ops.push({ index: v.index, line: v.line, op: v.op });
  }
  return { header, ops, issues };
}

Deno.test("openJsonlBatches gives the ops and positioned problems streamJsonl gives, for any cut", async () => {
  const texts = [
    [HEADER, OP(0), "", OP(1), OP(2)].join("\r\n") + "\r\n",
    [HEADER, OP(0), OP(1), "{not json", "", '{"op":"nope"}', OP(2), OP(3)].join("\n"),
    [HEADER, OP(0), '{"op":"import_iovec","iter":"x","dir":"up","iov":[]}', OP(1)]
      .join("\n"),
    ["", JSON.stringify({ itertrace: 1, name: "b", ops: [] }), OP(0)].join("\n"),
    '{"itertrace": "x"}\n' + OP(0),
    "\n\n",
    "",
  ];
  for (const text of texts) {
    const want = await viaLines(text);
    const n = enc.encode(text).length;
    for (let cut = 0; cut <= n; cut += 7) {
      const got = await viaBatches(text, [cut, Math.min(n, cut + 50)]);
      assert.deepEqual(got, want, `${JSON.stringify(text)} cut at ${cut}`);
    }
  }
  // the problems are where they are
  const r = await viaBatches(texts[1], [30]);
  assert.deepEqual(r.ops.map((o) => o.line), [2, 3]);
  assert.deepEqual(r.issues.map((i) => `${i.line}:${i.column}`), ["4:2", "6:7"]);
});

Deno.test("replay of a JSON Lines file read in batches: the ops before a bad line run, then file:line:column", async () => {
  const d = await Deno.makeTempDir();
  const good = Array.from(
    { length: 3000 },
    (_, i) => [OP(i), JSON.stringify({ op: "free", var: `u${i}` })],
  )
    .flat();
  const f = `${d}/t.jsonl`;
  const io = () => {
    const o = { ...denoIo(), out: "", err: "", color: false };
    o.stdout = (t: string) => void (o.out += t);
    o.stderr = (t: string) => void (o.err += t);
    return o;
  };
  // long enough to take several reads; CRLF endings
  await Deno.writeTextFile(f, [HEADER, ...good].join("\r\n") + "\r\n");
  let x = io();
  assert.equal(await runCli(["replay", "-q", f], x), 0, x.err);
  await Deno.writeTextFile(f, [HEADER, ...good, '{"op":"free","var":"u0",}', OP(9)].join("\r\n"));
  x = io();
  assert.equal(await runCli(["replay", f], x), 2);
  assert.match(x.err, new RegExp(`t\\.jsonl:${good.length + 2}:25: not a JSON value`));
  // every op before the bad line ran and printed
  assert.match(x.out, new RegExp(`#${good.length - 1}\\b`));
  await Deno.remove(d, { recursive: true });
});

Deno.test("fileChunks: a real file read in small synchronous reads gives every line, across every read boundary, and reads into one reused buffer", async () => {
  const lines = Array.from(
    { length: 500 },
    (_, i) => `{"op":"free","var":"v${i}${"é".repeat(i % 7)}"}`,
  );
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, lines.join("\r\n") + "\n");
    for (const size of [1, 3, 64, 4096]) {
      const got: string[] = [];
      const seen = new Set<ArrayBufferLike>();
      const f = await Deno.open(path);
      const chunks = (function* () {
        for (const c of fileChunks(f, size)) {
          seen.add(c.buffer);
          yield c;
        }
      })();
      for await (const b of lineBatches(chunks)) got.push(...b);
      assert.deepEqual(got, lines, `reads of ${size} bytes`);
      assert.equal(seen.size, 1, "one buffer for every read");
      // the generator closed the file when the lines ran out
      assert.throws(() => f.readSync(new Uint8Array(1)), Deno.errors.BadResource);
    }
    // abandoning the lines part way closes the file too
    const f = await Deno.open(path);
    for await (const _ of lineBatches(fileChunks(f, 64))) break;
    assert.throws(() => f.readSync(new Uint8Array(1)), Deno.errors.BadResource);
    // and the real Io reads it the same way
    const viaIo: string[] = [];
    for await (const b of denoIo().readLineBatches(path)) viaIo.push(...b);
    assert.deepEqual(viaIo, lines);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readWhole: a file's bytes in one buffer, empty or not, and the file closed after", async () => {
  const path = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    for (const size of [0, 1, 65536, 200_003]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 131 + 7) & 0xff);
      await Deno.writeFile(path, bytes);
      const f = await Deno.open(path);
      const got = readWhole(f);
      assert.deepEqual(got, bytes);
      assert.throws(() => f.readSync(new Uint8Array(1)), Deno.errors.BadResource);
    }
  } finally {
    await Deno.remove(path);
  }
});
