/**
 * `check` in its CI formats, read back by real consumers: TAP 14 by tap-parser, JUnit XML
 * by junit2json; goldens written by --update and compared with a readable diff.
 */
import assert from "node:assert/strict";
import { Parser } from "tap-parser";
import { parse as parseJunit } from "junit2json";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const GOOD = `itertrace: 1
name: good
kernel: "6.12"
memory: { kernel: [{ region: k, kind: kmalloc, size: 8K }] }
ops:
  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: "k+0x10", len: 0x100 }] }
  - { op: iov_iter_advance, iter: kv, bytes: 0x10, expect: { iter: { count: 0xf0 } } }
`;
const BAD = GOOD.replace("name: good", "name: bad").replace("count: 0xf0", "count: 0xf1");
const ERA = `itertrace: 1
name: era
kernel: "6.12"
memory: { user: [{ region: u, size: 4K }] }
ops:
  - { op: iov_iter_ubuf, iter: x, dir: dest, addr: u, len: 16 }
`;

function tapResult(
  text: string,
): Promise<{ ok: boolean; pass: number; fail: number; skip: number; count: number }> {
  return new Promise((resolve) => {
    const p = new Parser((
      r: { ok: boolean; pass: number; fail: number; skip: number; count: number },
    ) => resolve(r));
    p.end(text);
  });
}

Deno.test("check --format tap is read by tap-parser: pass, fail and era SKIP", async () => {
  const io = fakeIo({ "a-good.yaml": GOOD, "b-bad.yaml": BAD, "c-era.yaml": ERA });
  const code = await runCli([
    "check",
    "-f",
    "tap",
    "--kernel",
    "5.19",
    "a-good.yaml",
    "b-bad.yaml",
    "c-era.yaml",
  ], io);
  // 5.19 has no iov_iter_ubuf: the era trace is skipped, the others run
  const r = await tapResult(io.out);
  assert.equal(r.count, 3);
  assert.equal(r.pass, 2);
  assert.equal(r.fail, 1);
  assert.equal(r.skip, 1);
  assert.equal(r.ok, false);
  assert.equal(code, 1);
});

Deno.test("check --format junit is read by junit2json with failures and skips", async () => {
  const io = fakeIo({ "a-good.yaml": GOOD, "b-bad.yaml": BAD, "c-era.yaml": ERA });
  await runCli([
    "check",
    "-f",
    "junit",
    "--kernel",
    "5.19",
    "a-good.yaml",
    "b-bad.yaml",
    "c-era.yaml",
  ], io);
  const doc = await parseJunit(io.out) as {
    tests: number;
    failures: number;
    skipped: number;
    testsuite: {
      testcase: {
        name: string;
        failure?: { message: string; inner: string }[];
        skipped?: unknown[];
      }[];
    }[];
  };
  assert.equal(doc.tests, 3);
  assert.equal(doc.failures, 1);
  assert.equal(doc.skipped, 1);
  const cases = doc.testsuite[0].testcase;
  assert.equal(cases[1].name, "b-bad");
  assert.match(
    cases[1].failure![0].inner,
    /ops\[1\]\.expect\.iter\.count: expected 0xf1, got 0xf0/,
  );
  assert.ok(cases[2].skipped);
});

Deno.test("check --update writes the golden; a changed replay then fails with a diff", async () => {
  const files: Record<string, string> = { "g.yaml": GOOD };
  const io = fakeIo(files);
  assert.equal(await runCli(["check", "--update", "g.yaml"], io), 0);
  assert.match(io.err, /updated g\.yaml\.expected/);
  assert.match(files["g.yaml.expected"], /iter\.kv\.count {2}0x100 -> 0xf0/);
  const io2 = fakeIo(files);
  assert.equal(await runCli(["check", "g.yaml"], io2), 0, io2.out);
  files["g.yaml"] = GOOD.replace("bytes: 0x10, expect: { iter: { count: 0xf0 } }", "bytes: 0x20");
  const io3 = fakeIo(files);
  assert.equal(await runCli(["check", "g.yaml"], io3), 1);
  assert.match(io3.out, /FAIL {2}g\.yaml/);
  assert.match(io3.out, /-\s+iter\.kv\.count {2}0x100 -> 0xf0/);
  assert.match(io3.out, /\+\s+iter\.kv\.count {2}0x100 -> 0xe0/);
});

Deno.test("check --filter selects traces by name glob", async () => {
  const io = fakeIo({ "a-good.yaml": GOOD, "b-bad.yaml": BAD });
  assert.equal(
    await runCli(["check", "-f", "json", "--filter", "go*", "a-good.yaml", "b-bad.yaml"], io),
    0,
  );
  const doc = JSON.parse(io.out);
  assert.equal(doc.traces.length, 1);
  assert.equal(doc.traces[0].name, "good");
});
