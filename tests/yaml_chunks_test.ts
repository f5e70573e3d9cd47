/**
 * A block-style YAML trace read in chunks (src/trace/yaml_chunks.ts) is the trace the whole
 * document gives: the same header, ops, positions and issues, for every bundled trace and for
 * seeded mutations of them; and the parse limit stops a document before the parser sees it.
 */
import assert from "node:assert/strict";
import { loadDocument, loadYamlTrace } from "../src/trace/load.ts";
import { splitBlockOps } from "../src/trace/yaml_chunks.ts";
import { mutate } from "../tools/torture/mutate.ts";
import { LIMITS_ENV, setLimits } from "../src/limits.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

function yamlTraces(dir: string, out: string[] = []): string[] {
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yamlTraces(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** What a load gives, with every op's and header field's position. */
function shape(text: string, file: string, chunkChars: number) {
  const r = loadDocument(text, file, chunkChars);
  if (!r.trace) return { issues: r.issues };
  const t = r.trace;
  return {
    header: t.header,
    headerPos: Object.keys(t.header).map((k) => t.locate([k], true)),
    ops: t.ops.map((o) => ({
      index: o.index,
      op: o.op,
      id: o.id,
      line: o.line,
      column: o.column,
      args: o.args,
      fields: Object.keys(o.args).map((k) => [o.locate([k]), o.locate([k], true)]),
      whole: t.locate(["ops", o.index, "op"]),
    })),
  };
}

const traces = yamlTraces("traces");

Deno.test("chunked loading gives what the whole document gives, for every bundled YAML trace", () => {
  let split = 0;
  for (const f of traces) {
    const text = Deno.readTextFileSync(f);
    if (splitBlockOps(text, 1)) split++;
    const whole = shape(text, f, 0);
    assert.deepEqual(shape(text, f, 1), whole, `${f}, one op per chunk`);
    assert.deepEqual(shape(text, f, 200), whole, `${f}, a few ops per chunk`);
  }
  // the split must apply to the bundled style, or this test tests nothing
  assert.ok(split > traces.length * 0.8, `only ${split} of ${traces.length} traces split`);
});

Deno.test("chunked loading gives the same issues as the whole document for mutated traces", () => {
  let n = 0, failed = 0;
  for (const [i, f] of traces.entries()) {
    const text = Deno.readTextFileSync(f);
    for (let s = 0; s < 4; s++) {
      const m = mutate(text, i * 16 + s).text;
      const whole = shape(m, "m.yaml", 0);
      assert.deepEqual(shape(m, "m.yaml", 1), whole, `${f} mutated with seed ${i * 16 + s}`);
      n++;
      if ("issues" in whole) failed++;
    }
  }
  assert.ok(failed > n / 4, `${failed} of ${n} mutants rejected: the mutations are too mild`);
});

Deno.test("the split keeps what it cannot vouch for whole: aliases, tags, markers, tabs, flow ops", () => {
  const H = "itertrace: 1\nname: t\n";
  const op = "  - { op: iov_iter_discard, iter: a, count: 1 }\n";
  assert.ok(splitBlockOps(`${H}ops:\n${op}${op}`));
  assert.ok(splitBlockOps(`${H}ops:\n${op}# c\n${op}expect: { pins: { outstanding: 0 } }\n`));
  for (
    const bad of [
      `---\n${H}ops:\n${op}`,
      `${H}ops:\n  - &a { op: iov_iter_discard, iter: a, count: 1 }\n  - *a\n`,
      `${H}ops:\n  - !!map { op: fork }\n`,
      `${H}ops:\n\t- { op: fork }\n`,
      `${H}ops: [{ op: fork }]\n`,
      `${H}ops:\n${op}ops:\n${op}`,
      `${H}ops:\n${op} - { op: fork }\n`,
      `${H}ops:\n${op}- { op: fork }\n`,
      `${H}ops:\n${op}-\t{ op: fork }\n`,
      `${H}ops:\r\n${op.replace("\n", "\r\n")}-\r\n`,
    ]
  ) {
    assert.equal(splitBlockOps(bad), undefined, bad);
  }
});

Deno.test("a document beyond document_bytes is refused before parsing, at the character where it crosses the limit", () => {
  try {
    setLimits("document_bytes=64");
    const json = `{"itertrace": 1, "name": "t",\n "ops": [${
      '{"op": "fork"}, '.repeat(8)
    }{"op": "fork"}]}\n`;
    const r = loadDocument(json, "t.json");
    assert.equal(r.trace, undefined);
    assert.equal(r.issues.length, 1);
    assert.deepEqual([r.issues[0].line, r.issues[0].column], [2, 35]);
    assert.match(
      r.issues[0].message,
      /YAML or JSON parsed as one document .* are limited to 64; this needs \d+ \(raise with ITERTRACE_LIMITS=document_bytes=\d+\).*JSON Lines/,
    );
    // a block-style trace of many small ops is read op by op under the same limit
    const H = "itertrace: 1\nname: t\n";
    const block = `${H}ops:\n${"  - { op: fork }\n".repeat(50)}`;
    const b = loadDocument(block, "b.yaml", 32);
    assert.equal(b.trace?.ops.length, 50, JSON.stringify(b.issues));
    // one op beyond the limit is refused where it crosses it
    const big = `${H}ops:\n  - { op: fork }\n  - { op: fork, id: ${"x".repeat(100)} }\n`;
    const g = loadDocument(big, "g.yaml", 32);
    assert.equal(g.trace, undefined);
    assert.deepEqual([g.issues[0].line, g.issues[0].column], [5, 48]);
  } finally {
    setLimits(undefined);
  }
});

Deno.test("beyond document_bytes, a block-style trace's ops are read again at each iteration: the same ops, the same positions", () => {
  try {
    const f = "traces/examples/async-dio-iovec-to-bvec.yaml";
    const text = Deno.readTextFileSync(f);
    const whole = loadDocument(text, f, 0).trace!;
    setLimits("document_bytes=1K");
    const r = loadYamlTrace(text, f);
    assert.ok(r.trace && !Array.isArray(r.ops), "streamed");
    const view = (ops: Iterable<{ index: number; args: unknown; line: number; column: number }>) =>
      [...ops].map((o) => [o.index, o.args, o.line, o.column]);
    const first = view(r.ops as Iterable<typeof whole.ops[0]>);
    assert.deepEqual(first, view(whole.ops));
    assert.deepEqual(view(r.ops as Iterable<typeof whole.ops[0]>), first, "a second pass");
    const op = [...(r.ops as Iterable<typeof whole.ops[0]>)].at(-1)!;
    assert.deepEqual(op.locate(["op"]), whole.ops.at(-1)!.locate(["op"]));
    // a problem is found before any op is handed out
    const at = text.lastIndexOf("- op: ") + 6;
    const bad = text.slice(0, at) + "no_such_op" + text.slice(at).replace(/^\w+/, "");
    assert.notEqual(bad, text);
    const b = loadYamlTrace(bad, f);
    assert.equal(b.trace, undefined);
    assert.match(
      (b as { issues: { message: string }[] }).issues[0].message,
      /unknown op "no_such_op"/,
    );
  } finally {
    setLimits(undefined);
  }
});

Deno.test("check reads a trace beyond document_bytes once and replays its ops from the loaded trace in every era", async () => {
  const f = "traces/examples/async-dio-iovec-to-bvec.yaml";
  const io = fakeIo();
  io.env = (n) => n === LIMITS_ENV ? "document_bytes=1K" : undefined;
  const read = io.readTextFile;
  let reads = 0;
  io.readTextFile = (p) => {
    if (p === f) reads++;
    return read(p);
  };
  let code: number;
  try {
    code = await runCli(["check", f], io);
  } finally {
    setLimits(undefined);
  }
  assert.equal(code, 0, io.out + io.err);
  assert.match(io.out, /1 passed/);
  // its goldens differ by era, so more than one era was replayed
  assert.ok(Deno.statSync(`${f}@5.15-6.2.expected`).isFile);
  assert.equal(reads, 1);
});
