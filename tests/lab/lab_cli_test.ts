/**
 * `itertrace lab` from the command line: formats, user traces, errors.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { fakeIo } from "../_io.ts";

const USER = `itertrace: 1
name: my-rdma
kernel: "6.12"
memory:
  kernel:
    - { region: pg, kind: page_alloc, size: 8K }
ops:
  - { op: iov_iter_bvec, iter: b, dir: source, bvec: [{ page: "pg[0]", offset: 0, len: 0x2000 }] }
  - { op: smb_extract_iter_to_rdma, iter: b, len: 0x2000, rdma: r, max_sge: 4, lkey: 1, dma_dir: to_device }
`;

Deno.test("itertrace lab runs a user's trace and prints one block per conversion", async () => {
  const io = fakeIo({ "/virtual/my.yaml": USER });
  const code = await runCli(["lab", "/virtual/my.yaml"], io);
  assert.equal(code, 0, io.err);
  assert.match(io.out, /my-rdma#1 {2}RDMA SGEs from BVEC \(source\), 0x2000 bytes, kernel 6\.12/);
  for (const id of ["a", "b", "c", "d", "e", "f"]) {
    assert.match(io.out, new RegExp(`^  ${id} `, "m"));
  }
});

Deno.test("itertrace lab --format md prints a Markdown table with a verdict per strategy", async () => {
  const io = fakeIo({ "/virtual/my.yaml": USER });
  assert.equal(await runCli(["lab", "--format", "md", "/virtual/my.yaml"], io), 0);
  assert.match(io.out, /^\| workload \| \| pins \| refs \|/m);
  const rows = io.out.split("\n").filter((l) => /^\| [^|]*\| [a-f]( \(7\.4\))? \|/.test(l));
  assert.equal(rows.length, 6);
  for (const r of rows) {
    assert.ok(r.trimEnd().endsWith("|") && r.split("|").at(-2)!.trim().length > 0);
  }
});

Deno.test("itertrace lab output is deterministic", async () => {
  const a = fakeIo(), b = fakeIo();
  await runCli(["lab", "--format", "json"], a);
  await runCli(["lab", "--format", "json"], b);
  assert.equal(a.out, b.out);
  assert.ok(!a.out.includes("/work/"), "gallery paths are shown relative to the repository");
});

Deno.test("itertrace lab refuses a malformed era, a trace without conversions and a broken trace (exit 2)", async () => {
  let io = fakeIo();
  assert.equal(await runCli(["lab", "--kernel", "six", "traces/lab/BVEC+rdma.yaml"], io), 2);
  assert.match(io.err, /invalid --kernel: "six" is not a release/);
  io = fakeIo();
  assert.equal(await runCli(["lab", "--kernel", "5.10", "traces/lab/BVEC+rdma.yaml"], io), 2);
  assert.match(io.err, /kernel 5\.10 is not modelled/);

  io = fakeIo({ "/virtual/none.yaml": USER.replace(/ {2}- \{ op: smb_extract.*\n/, "") });
  assert.equal(await runCli(["lab", "/virtual/none.yaml"], io), 2);
  assert.match(io.err, /no conversions found/);

  io = fakeIo({ "/virtual/bad.yaml": USER.replace('page: "pg[0]"', 'page: "nope[0]"') });
  assert.equal(await runCli(["lab", "/virtual/bad.yaml"], io), 2);
  assert.match(io.err, /\/virtual\/bad\.yaml:8:1: iov_iter_bvec: unknown page "nope\[0\]"/);
});

Deno.test("README's design-lab table is what itertrace lab --format summary prints for the gallery", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["lab", "--format", "summary"], io), 0, io.err);
  const readme = await Deno.readTextFile("README.md");
  const start = readme.indexOf("| workload | (a)");
  assert.ok(start > 0, "README has no lab table");
  const table = readme.slice(start, readme.indexOf("\n\n", start)) + "\n";
  assert.equal(table, io.out);
});
