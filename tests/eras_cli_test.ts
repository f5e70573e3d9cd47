/**
 * `itertrace eras [FUNCTION]` and release errors on the command line.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

Deno.test("eras: the table in release order with commits and evidence", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["eras"], io), 0);
  assert.match(io.out, /"latest" is 7\.4/);
  const at = (s: string) => io.out.indexOf(s);
  assert.ok(at("7.0    + netfs_limit_kvec") > 0);
  assert.ok(at("6.14   + slab_refcount_frozen") > 0);
  assert.ok(at("6.14   + slab_refcount_frozen") < at("7.0    + netfs_limit_kvec"));
  assert.match(io.out, /67e467a11f62 "netfs: Fix kernel BUG in netfs_limit_iter\(\)/);
  assert.match(io.out, /stable {5}6\.6\.140, 6\.12\.88, 6\.18\.30, 7\.0\.7/);
  assert.match(io.out, /7\.4 {4}- iter_folioq/);
});

Deno.test("eras FUNCTION: only the rows that touch it; unknown names get a suggestion", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["eras", "netfs_limit_iter"], io), 0);
  assert.match(io.out, /1 change touching netfs_limit_iter/);
  assert.doesNotMatch(io.out, /slab_refcount_frozen/);
  const bad = fakeIo();
  assert.equal(await runCli(["eras", "netfs_limit_ite"], bad), 2);
  assert.match(bad.err, /did you mean "netfs_limit_iter"/);
  const js = fakeIo();
  assert.equal(await runCli(["eras", "-f", "json", "extract_iter_to_sg"], js), 0);
  const doc = JSON.parse(js.out);
  assert.equal(doc.latest, "7.4");
  assert.ok(
    doc.events.every((e: { functions: string[] }) => e.functions.includes("extract_iter_to_sg")),
  );
});

Deno.test("--kernel: point releases run; unknown releases are usage errors naming the range", async () => {
  const trace = `itertrace: 1
name: t
kernel: "6.12"
memory:
  kernel: [{ region: kbuf, kind: vmalloc, size: 16K }]
ops:
  - op: iov_iter_kvec
    iter: k
    dir: source
    kvec: [{ base: kbuf, len: 0x10 }]
`;
  const io = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "-q", "--kernel", "6.12.88", "t.yaml"], io), 0);
  const bad = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "--kernel", "6.20", "t.yaml"], bad), 2);
  assert.match(bad.err, /6\.20 is not modelled: the modelled releases are 5\.15 to 7\.4/);
  const hdr = fakeIo({ "t.yaml": trace.replace('"6.12"', '"6.21"') });
  assert.equal(await runCli(["replay", "t.yaml"], hdr), 2);
  assert.match(hdr.err, /t\.yaml:3:\d+: .*6\.21 is not modelled/);
});
