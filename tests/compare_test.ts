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

const ASYNC_DIO = "traces/seed/IOVEC+async_dio+convert_before_return-clean.yaml";

Deno.test("compare 6.1 vs 6.3 of the async DIO seed: refs where 6.3 takes pins is a divergence", async () => {
  const io = fakeIo();
  const code = await runCli(["compare", "--kernel", "6.1", "--kernel", "6.3", ASYNC_DIO], io);
  assert.equal(code, 1, io.out + io.err);
  // the first step both eras run after their own conversions holds different retentions
  assert.match(io.out, /#5 {2}expect\(.*\(retention\) {3}<- first divergence/);
  assert.match(io.out, / 6\.1 {2}retention: pin none; ref buf\[0\.\.1\] x2 buf\[4\]\n/);
  assert.match(io.out, / 6\.3 {2}retention: pin buf\[0\.\.1\] x2 buf\[4\]; ref none\n/);
  assert.match(io.out, /1 divergent step, first at #5 \(expect\)/);
  assert.match(
    io.out,
    /summaries differ: pins acquired 0 vs 3, pins released 0 vs 3, refs acquired 3 vs 0/,
  );
  const json = fakeIo();
  await runCli(["compare", "-f", "json", "--kernel", "6.1", "--kernel", "6.3", ASYNC_DIO], json);
  const doc = JSON.parse(json.out);
  assert.equal(doc.first, 5);
  assert.deepEqual(doc.divergences.find((d: { index: number }) => d.index === 5).aspects, [
    "retention",
  ]);
  assert.ok(doc.summary.includes("refs acquired 3 vs 0"));
});

Deno.test("compare of two traces shows both sides' calls and values in hex", async () => {
  const base =
    `itertrace: 1\nname: NAME\nkernel: "6.12"\nmemory: { kernel: [{ region: k, kind: kmalloc, size: 64K }] }\nops:\n  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: k, len: 0x8000 }] }\n  - { op: OP, iter: kv, bytes: 0x1200 }\n`;
  const io = fakeIo({
    "a.yaml": base.replace("NAME", "a").replace("OP", "iov_iter_advance"),
    "b.yaml": base.replace("NAME", "b").replace("OP", "iov_iter_zero"),
  });
  assert.equal(await runCli(["compare", "a.yaml", "b.yaml"], io), 1);
  assert.match(io.out, /#1 {2}iov_iter_advance {2}\(ret/);
  assert.match(io.out, / a\.yaml {2}iov_iter_advance\(iter=kv, bytes=0x1200\)\n/);
  assert.match(io.out, / b\.yaml {2}iov_iter_zero\(iter=kv, bytes=0x1200\)\n/);
  assert.match(io.out, /ret: 0x1200/);
  assert.doesNotMatch(io.out, /4608/, "no decimal values");
});
