/**
 * `itertrace compare`: eras of one trace and two traces, aligned by step.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const CORRUPTION = "traces/seed/PIPE+odirect-splice+truncate-corruption.yaml";

Deno.test("compare 6.2 vs 6.5 on the splice corruption shows the release under I/O at the revert", async () => {
  const io = fakeIo();
  const code = await runCli([
    "compare",
    "-f",
    "json",
    "--kernel",
    "6.2",
    "--kernel",
    "6.5",
    CORRUPTION,
  ], io);
  assert.equal(code, 1);
  const doc = JSON.parse(io.out);
  const revert = doc.divergences.find((d: { op: string }) => d.op === "iov_iter_revert");
  assert.ok(revert.aspects.includes("warnings"));
  // the pipe's pages are still reffed by the bio: data lost, not a write into freed pages
  assert.match(revert.a, /pipe_buffer_under_io x3/);
  assert.match(revert.b, /warnings: none/);
  assert.equal(doc.a.summary.verdict, "3 hazards");
  assert.equal(doc.b.summary.verdict, "clean");
  // the pipe-only steps are era-specific paths, not result divergences
  const pipeStep = doc.divergences.find((d: { op: string }) => d.op === "iov_iter_pipe");
  assert.deepEqual(pipeStep.aspects, ["path"]);
});

Deno.test("compare of one trace in two eras with identical results exits 0", async () => {
  const t =
    `itertrace: 1\nname: same\nmemory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }\nops:\n  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: k, len: 16 }] }\n  - { op: iov_iter_advance, iter: kv, bytes: 4 }\n`;
  const io = fakeIo({ "s.yaml": t });
  assert.equal(
    await runCli(["compare", "--kernel", "6.1", "--kernel", "6.12", "s.yaml"], io),
    0,
    io.out + io.err,
  );
  assert.match(io.out, /no divergence/);
});

Deno.test("compare of two traces reports a different return value and exits 1", async () => {
  const base =
    `itertrace: 1\nname: NAME\nkernel: "6.12"\nmemory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }\nops:\n  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: k, len: LEN }] }\n`;
  const io = fakeIo({
    "a.yaml": base.replace("NAME", "a").replace("LEN", "16"),
    "b.yaml": base.replace("NAME", "b").replace("LEN", "32"),
  });
  assert.equal(await runCli(["compare", "a.yaml", "b.yaml"], io), 1);
  assert.match(io.out, /#0 {2}iov_iter_kvec {2}\(ret, lists\)/);
});

Deno.test("compare usage errors exit 2", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["compare", "--kernel", "6.1", CORRUPTION], io), 2);
  assert.match(io.err, /--kernel A --kernel B/);
});
