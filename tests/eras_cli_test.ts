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
  assert.match(io.out, /2 changes touching netfs_limit_iter/);
  assert.ok(
    io.out.indexOf("6.8    + netfs_limit_iter") < io.out.indexOf("7.0    + netfs_limit_kvec"),
  );
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

/** A one-op trace (a KVEC over vmalloc memory) for `kernel`, with more YAML for the op. */
function kvecTrace(kernel: string, more = ""): string {
  return `itertrace: 1
name: t
kernel: "${kernel}"
memory:
  kernel: [{ region: kbuf, kind: vmalloc, size: 16K }]
ops:
  - op: iov_iter_kvec
    iter: k
    dir: source
    kvec: [{ base: kbuf, len: 0x10 }]
${more}`;
}

Deno.test("--kernel: point releases run; unknown releases are usage errors naming the range", async () => {
  const trace = kvecTrace("6.12");
  const io = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "-q", "--kernel", "6.12.88", "t.yaml"], io), 0);
  const bad = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "--kernel", "6.20", "t.yaml"], bad), 2);
  assert.match(bad.err, /6\.20 is not modelled: the modelled releases are 5\.15 to 7\.4/);
  const hdr = fakeIo({ "t.yaml": trace.replace('"6.12"', '"6.21"') });
  assert.equal(await runCli(["replay", "t.yaml"], hdr), 2);
  assert.match(hdr.err, /t\.yaml:3:\d+: .*6\.21 is not modelled/);
});

Deno.test("release candidates: --kernel 7.3-rc2 and kernel: run, an unknown -rc is an error", async () => {
  const trace = kvecTrace("7.3-rc2", `    expect: { when: ">=7.3-rc1 <7.3-rc3", ret: 0x10 }\n`);
  const io = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "t.yaml"], io), 0);
  assert.match(io.out, /\(kernel 7\.3-rc2, page 4 KiB\)/);
  const k = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "-q", "--kernel", "7.3-rc7", "t.yaml"], k), 0);
  const bad = fakeIo({ "t.yaml": trace });
  assert.equal(await runCli(["replay", "--kernel", "7.3-rc8", "t.yaml"], bad), 2);
  assert.match(bad.err, /7\.3-rc7 is the last release candidate of 7\.3/);
  const hdr = fakeIo({ "t.yaml": trace.replace('"7.3-rc2"', '"6.12-rc3"') });
  assert.equal(await runCli(["replay", "t.yaml"], hdr), 2);
  assert.match(hdr.err, /t\.yaml:3:\d+: .*release candidates of 6\.12 are not modelled/);
  const eras = fakeIo();
  assert.equal(await runCli(["eras", "bio_iov_iter_get_pages"], eras), 0);
  assert.match(eras.out, /release candidates 7\.3-rc1 to 7\.3-rc7/);
  assert.match(eras.out, /7\.3-rc1 \+ dio_align_at_extract/);
  assert.match(eras.out, /7\.3-rc3 \+ extract_bvecs_check_fix/);
  assert.ok(eras.out.indexOf("7.3-rc1 +") < eras.out.indexOf("7.3-rc3 +"));
  assert.ok(eras.out.indexOf("7.0    + ") < eras.out.indexOf("7.3-rc1 +"));
  assert.match(eras.out, /b0d8d56b7c93 "block: Fix start and length check/);
  assert.match(eras.out, /stable {5}7\.2\.7/);
});
