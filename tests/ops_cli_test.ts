/**
 * `itertrace ops [NAME]` lists every declared op and shows each one's arguments with their
 * descriptions, its eras and the kernel function it follows.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { DECLARED_OPS, opDecl } from "../src/trace/ops/mod.ts";
import { fakeIo } from "./_io.ts";

Deno.test("ops lists every op with its eras and kernel function", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["ops"], io), 0);
  const rows = io.out.split("\n").filter((l) => /^\w/.test(l) && !l.startsWith("itertrace"));
  assert.deepEqual(rows.map((l) => l.split(/\s+/)[0]), [...DECLARED_OPS]);
  assert.match(io.out, /^iov_iter_pipe\s+<6\.5\s+lib\/iov_iter\.c iov_iter_pipe\(\)$/m);
  assert.match(io.out, /^iov_iter_is_aligned\s+>=6\.0 <6\.18\s+/m);
  assert.match(io.out, /^fill\s+all\s+\(trace only\)$/m);
});

Deno.test("ops NAME shows every argument's description and the variables", async () => {
  for (const name of ["iov_iter_extract_pages", "sg_alloc_append_table_from_pages"]) {
    const io = fakeIo();
    assert.equal(await runCli(["ops", name], io), 0);
    for (const arg of Object.keys(opDecl(name)!.args)) {
      assert.match(io.out, new RegExp(`^  ${arg} +\\S`, "m"), `${name} ${arg}`);
    }
  }
  const io = fakeIo();
  await runCli(["ops", "sg_alloc_append_table_from_pages"], io);
  assert.match(io.out, /left_pages +pages later calls will append .* \(default 0\)/);
  assert.match(io.out, /^ {2}reads pages \(pages\)$/m);
  assert.match(io.out, /^ {2}opens sgt \(sgt\)$/m);
  assert.match(io.out, /follows: sg_alloc_append_table_from_pages\(\) in lib\/scatterlist\.c/);
});

Deno.test("ops -f json and an unknown op", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["ops", "-f", "json", "iov_iter_ubuf"], io), 0);
  const info = JSON.parse(io.out);
  assert.equal(info.eras, ">=6.0");
  assert.equal(info.row, "iter_ubuf");
  assert.deepEqual(info.vars, [{ arg: "iter", use: "creates", type: "iter" }]);
  const bad = fakeIo();
  assert.equal(await runCli(["ops", "iov_iter_advanse"], bad), 2);
  assert.match(bad.err, /unknown op "iov_iter_advanse" \(did you mean "iov_iter_advance"\?\)/);
});
