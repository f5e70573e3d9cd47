/**
 * Folding of per-page runs in text output (src/render/fold.ts) and the CLI behaviour built
 * on it: one line per run of pages, `--expand` for every page, long lists one entry per line,
 * JSON untouched; failures with file:line; a `when:`-skipped expect marked skipped.
 */
import assert from "node:assert/strict";
import { foldPageList, foldRuns } from "../src/render/fold.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const texts = (lines: string[]) => foldRuns(lines).map((f) => `${f.text} x${f.count}`);

Deno.test("foldRuns() folds lines whose page index steps by one into a range", () => {
  const lines = Array.from({ length: 7 }, (_, i) => `pins.buf[${i}]  0 -> 1`);
  assert.deepEqual(texts(lines), ["pins.buf[0..6]  0 -> 1 x7"]);
});

Deno.test("foldRuns() keeps lines apart where another number changes", () => {
  const lines = ["pins.buf[0]  0 -> 1", "pins.buf[1]  0 -> 1", "pins.buf[2]  1 -> 2"];
  assert.deepEqual(texts(lines), ["pins.buf[0..1]  0 -> 1 x2", "pins.buf[2]  1 -> 2 x1"]);
});

Deno.test("foldRuns() writes a step other than one, and never folds a decreasing run", () => {
  const sge = [0, 1, 2, 3].map((i) => `0x${(0x1000 + i * 0x1000).toString(16)} len 0x1000`);
  assert.deepEqual(texts(sge), ["0x1000..0x4000 step 0x1000 len 0x1000 x4"]);
  const down = ["buf[2]", "buf[1]", "buf[0]"];
  assert.deepEqual(texts(down), ["buf[2] x1", "buf[1] x1", "buf[0] x1"]);
});

Deno.test("foldRuns() folds two lines only when just a bracketed index steps by one", () => {
  assert.deepEqual(texts(["buf[3]", "buf[4]"]), ["buf[3..4] x2"]);
  // two entries whose offsets and lengths both change are different entries, not a run
  const two = ["buf[0] +0x200 len 0xe00", "buf[1] +0x400 len 0xf00"];
  assert.deepEqual(texts(two), ["buf[0] +0x200 len 0xe00 x1", "buf[1] +0x400 len 0xf00 x1"]);
});

Deno.test("foldRuns() folds identical lines and leaves numbers glued to letters alone", () => {
  assert.deepEqual(texts(["pfn -0x1 +0x0 len 0x0", "pfn -0x1 +0x0 len 0x0"]), [
    "pfn -0x1 +0x0 len 0x0 x2",
  ]);
  assert.deepEqual(texts(["p1 x", "p2 x", "p3 x"]), ["p1 x x1", "p2 x x1", "p3 x x1"]);
});

Deno.test("foldPageList() folds page names, pfns and released runs", () => {
  assert.equal(
    foldPageList("buf[0] buf[1] buf[2] pfn 0x2000 pfn 0x2001 zero_page"),
    "buf[0..2] x3 pfn 0x2000..0x2001 x2 zero_page",
  );
  assert.equal(
    foldPageList("buf[0] (released) buf[1] (released) buf[2]"),
    "buf[0..1] (released) x2 buf[2]",
  );
});

const LEAK = `itertrace: 1
name: leak
kernel: "6.12"
memory:
  user: [{ region: buf, size: 64K }]
ops:
  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: "buf+0x100", len: 0x6e00 }
  - { op: iov_iter_extract_pages, iter: u, maxsize: 0x6e00, maxpages: 16, as: p }
  - op: expect
    when: "<6.3"
    pins: { acquired: 0 }
  - op: iov_iter_advance
    iter: u
    bytes: 0
    expect: { when: "<6.0", ret: 1 }
  - op: expect
    pins:
      acquired: 9
`;

Deno.test("replay folds one forgotten unpin of 7 pages into one line each", async () => {
  const io = fakeIo({ "leak.yaml": LEAK });
  assert.equal(await runCli(["replay", "leak.yaml"], io), 1);
  assert.match(io.out, /pages\.p {2}\+ \{pages: buf\[0\.\.6\] x7, retention: pin/);
  assert.match(io.out, /pins\.buf\[0\.\.6\] {2}0 -> 1 {3}x7\n/);
  assert.match(io.out, /! pin_leak x7 \(hazard\) \(cause #1\) {2}buf\[0\.\.6\] is still pinned/);
  assert.match(io.out, /outstanding pin buf\[0\.\.6\] \(taken at #1\) {2}x7\n/);
  assert.equal(io.out.match(/pin_leak/g)?.length, 2, "one folded warning, one summary count");
  const expanded = fakeIo({ "leak.yaml": LEAK });
  await runCli(["replay", "--expand", "leak.yaml"], expanded);
  assert.equal(expanded.out.match(/! pin_leak \(hazard\)/g)?.length, 7);
  assert.equal(expanded.out.match(/outstanding pin buf\[\d\]/g)?.length, 7);
});

Deno.test("replay: failures carry file:line, when:-skipped expects are marked skipped", async () => {
  const io = fakeIo({ "leak.yaml": LEAK });
  await runCli(["replay", "leak.yaml"], io);
  assert.match(io.out, /#2 {2}expect\(pins=\{acquired: 0\}\) {3}\(skipped: when <6\.3\)/);
  assert.match(
    io.out,
    /#3 {2}iov_iter_advance\(iter=u, bytes=0\)\n {5}expect skipped \(when <6\.0\)/,
  );
  // the failing field is `acquired: 9`, on line 18
  assert.match(io.out, /x expect leak\.yaml:18: pins\.acquired: expected 9, got 7/);
  const json = fakeIo({ "leak.yaml": LEAK });
  await runCli(["replay", "-f", "json", "leak.yaml"], json);
  const doc = JSON.parse(json.out);
  assert.equal(doc.steps[2].skipped, "when <6.3");
  assert.equal(doc.steps[3].expect_skipped, "when <6.0");
  // JSON is never folded: one change per page
  assert.equal(
    doc.steps[1].changes.filter((c: { path: string }) => c.path.startsWith("pins.")).length,
    7,
  );
  const check = fakeIo({ "leak.yaml": LEAK });
  assert.equal(await runCli(["check", "--kernel", "6.12", "leak.yaml"], check), 1);
  assert.match(check.out, /leak\.yaml:18: pins\.acquired: expected 9, got 7/);
});

Deno.test("replay wraps a list too wide for a line one entry per line", async () => {
  const sparse = `itertrace: 1
name: sparse
kernel: "6.12"
memory:
  kernel: [{ region: kbuf, kind: kmalloc, size: 1M }]
ops:
  - op: iov_iter_kvec
    iter: k
    dir: source
    kvec:
${
    Array.from({ length: 12 }, (_, i) =>
      `      - { base: "kbuf+0x${(i * 0x3100 + (i % 3) * 0x40).toString(16)}", len: 0x${
        (0x100 + ((i * 7) % 5) * 0x10).toString(16)
      } }`).join("\n")
  }
  - { op: smb_extract_iter_to_rdma, iter: k, len: 1M, rdma: r, max_sge: 16, lkey: 7, dma_dir: to_device }
`;
  const io = fakeIo({ "s.yaml": sparse });
  assert.equal(await runCli(["replay", "s.yaml"], io), 0, io.err);
  for (const line of io.out.split("\n")) {
    // change lines (not the op's head line of scalars, nor warnings' messages) fit
    if (/^ {5}[^ !]/.test(line)) assert.ok(line.length <= 100, `too wide: ${line}`);
  }
  // the SGEs one per line under the list's scalar fields
  assert.match(
    io.out,
    /rdma\.r {2}\+ \{nr_sge: 0xc\}\n {9}sge: \[12\]\n {11}0x1000000 len 0x100 lkey 0x7\n {11}0x1003140 len 0x120 lkey 0x7\n/,
  );
  const wide = fakeIo({ "s.yaml": sparse });
  await runCli(["replay", "-f", "json", "s.yaml"], wide);
  assert.equal(JSON.parse(wide.out).steps[1].changes.at(-1).after.sge.length, 12);
});

Deno.test("check: a when:-skipped expect is listed in JSON and is a <skipped/> JUnit test", async () => {
  const json = fakeIo({ "leak.yaml": LEAK });
  await runCli(["check", "-f", "json", "--kernel", "6.12", "leak.yaml"], json);
  const t = JSON.parse(json.out).traces[0];
  assert.deepEqual(t.skipped_expects, [
    { step: 2, line: 9, when: "when <6.3", eras: ["6.12"], all: true },
    { step: 3, line: 12, when: "when <6.0", eras: ["6.12"], all: true },
  ]);
  const junit = fakeIo({ "leak.yaml": LEAK });
  await runCli(["check", "-f", "junit", "--kernel", "6.12", "leak.yaml"], junit);
  assert.match(
    junit.out,
    /<testsuites name="itertrace" tests="3" failures="1" errors="0" skipped="2"/,
  );
  assert.match(
    junit.out,
    /<testcase classname="itertrace" name="leak #2 expect" file="leak\.yaml" line="9" time="0\.000">\n {6}<skipped message="when &lt;6\.3 \(6\.12\)"\/>/,
  );
});
