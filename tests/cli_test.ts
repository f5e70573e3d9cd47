/**
 * The CLI run in-process: exit codes, output shapes, error positions.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const TRACE = `itertrace: 1
name: cli-trace
kernel: "6.12"
memory:
  user: [{ region: buf, size: 64K }]
  kernel: [{ region: scratch, kind: kmalloc, size: 16K, fill: index }]
ops:
  - op: import_iovec
    iter: user
    dir: dest
    iov: [{ base: "buf+0x200", len: 0x1e00 }, { base: "buf+0x4000", len: 0x1000 }]
    expect: { ret: 0x2e00, iter: { count: 0x2e00, nr_segs: 2 } }
  - op: copy_to_iter
    iter: user
    from: scratch
    bytes: 0x2000
    expect: { ret: 0x2000, iter: { count: 0xe00, nr_segs: 1, iov_offset: 0x200 } }
  - op: copy_from_iter
    iter: user
    to: scratch
    bytes: 16
    expect: { ret: 0, warnings: [direction_mismatch] }
  - op: expect
    memory: [{ at: "buf+0x200", len: 0x1e00, pattern: index }]
expect:
  warnings: [direction_mismatch]
`;

Deno.test("replay prints each step's changes and warnings, exit 0", async () => {
  const io = fakeIo({ "t.yaml": TRACE });
  const code = await runCli(["replay", "t.yaml"], io);
  assert.equal(code, 0, io.err);
  assert.match(io.out, /#1 {2}copy_to_iter\(iter=user, from=scratch, bytes=0x2000\) = 0x2000/);
  assert.match(io.out, /iter\.user\.count {2}0x2e00 -> 0xe00/);
  assert.match(io.out, /memory\.buf\+0x200 {2}\+ 0x1e00 bytes written/);
  assert.match(io.out, /! direction_mismatch \(warn\) \(cause #0\)/);
  assert.match(io.out, /verdict: 1 warning/);
});

Deno.test("replay --format json carries steps with changes and the summary object", async () => {
  const io = fakeIo({ "t.yaml": TRACE });
  assert.equal(await runCli(["replay", "--format", "json", "t.yaml"], io), 0);
  const doc = JSON.parse(io.out);
  assert.equal(doc.steps.length, 4);
  assert.deepEqual(doc.steps[1].changes[0], {
    path: "iter.user.count",
    before: 0x2e00,
    after: 0xe00,
  });
  assert.equal(doc.steps[2].warnings[0].code, "direction_mismatch");
  assert.equal(doc.steps[2].warnings[0].severity, "warn");
  assert.equal(doc.steps[2].warnings[0].cause, 0);
  assert.deepEqual(doc.summary.warnings, { direction_mismatch: 1 });
});

Deno.test("replay --format jsonl prints one line per step and a summary line", async () => {
  const io = fakeIo({ "t.yaml": TRACE });
  assert.equal(await runCli(["replay", "-f", "jsonl", "t.yaml"], io), 0);
  const lines = io.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.equal(lines[0].op, "import_iovec");
  assert.ok(lines[4].summary);
});

Deno.test("replay --fail-on warn exits 1 when a WARN-level warning appears", async () => {
  const io = fakeIo({ "t.yaml": TRACE });
  assert.equal(await runCli(["replay", "-q", "--fail-on", "warn", "t.yaml"], io), 1);
  const io2 = fakeIo({ "t.yaml": TRACE });
  assert.equal(await runCli(["replay", "-q", "--fail-on", "bug", "t.yaml"], io2), 0);
});

Deno.test("check --format json prints the documented shape and exit 1 on a failed expectation", async () => {
  const bad = TRACE.replace(
    "expect: { ret: 0x2000, iter: { count: 0xe00",
    "expect: { ret: 0x2000, iter: { count: 0xf00",
  );
  const io = fakeIo({ "good.yaml": TRACE, "bad.yaml": bad });
  const code = await runCli(["check", "--format", "json", "good.yaml", "bad.yaml"], io);
  assert.equal(code, 1);
  const doc = JSON.parse(io.out);
  assert.equal(doc.passed, 1);
  assert.equal(doc.failed, 1);
  assert.equal(doc.errors, 0);
  assert.deepEqual(doc.traces[1].failures, [
    // `line` extends the documented shape: where the failed expectation is written
    { step: 1, path: "ops[1].expect.iter.count", expected: 0xf00, actual: 0xe00, line: 17 },
  ]);
  assert.equal(doc.traces[0].status, "pass");
  assert.equal(doc.traces[1].name, "cli-trace");
});

Deno.test("validate reports every problem with file:line:column and exits 2", async () => {
  const io = fakeIo();
  const code = await runCli(["validate", "fixtures/bad/many-problems.yaml"], io);
  assert.equal(code, 2);
  const lines = io.err.trim().split("\n");
  assert.deepEqual(lines, [
    "fixtures/bad/many-problems.yaml:7:13: memory.user[0].size: must be at most 1099511627776 (1 TiB), got 18446744073709551616",
    "fixtures/bad/many-problems.yaml:16:35: ops[0].kvec[0].len: must be at least 0, got -5",
    'fixtures/bad/many-problems.yaml:17:9: ops[1].op: unknown op "iov_iter_advnce" (did you mean "iov_iter_advance"?)',
    "fixtures/bad/many-problems.yaml:20:5: ops[2].bytes: missing required field",
    'fixtures/bad/many-problems.yaml:25:5: ops[3].colour: unknown key "colour"',
  ]);
});

Deno.test("validate catches dangling names, bad YAML, alias bombs and numeric kernel releases", async () => {
  const cases: [string, RegExp][] = [
    [
      "fixtures/bad/dangling.yaml",
      /dangling\.yaml:12:11: ops\[1\]\.iter: unknown iterator "kw" \(did you mean "kv"\?\)/,
    ],
    ["fixtures/bad/bad-yaml.yaml", /bad-yaml\.yaml:4:1: /],
    ["fixtures/bad/alias-bomb.yaml", /alias-bomb\.yaml:\d+:\d+: .*alias/i],
    [
      "fixtures/bad/kernel-number.yaml",
      /kernel-number\.yaml:3:9: kernel: expected a quoted release/,
    ],
    ["fixtures/bad/bad-header.jsonl", /bad-header\.jsonl:1:\d+: kernel: expected a quoted release/],
  ];
  for (const [file, re] of cases) {
    const io = fakeIo();
    assert.equal(await runCli(["validate", file], io), 2, file);
    assert.match(io.err, re);
    assert.doesNotMatch(io.err, /\n\s+at /, "no stack trace");
  }
});

Deno.test("replay of a trace with a dangling name exits 2 with its position", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["replay", "fixtures/bad/dangling.yaml"], io), 2);
  assert.match(io.err, /dangling\.yaml:12:11: unknown iterator "kw"/);
});

Deno.test("an op missing from the era stops with not_in_era and exit 2", async () => {
  const t =
    `itertrace: 1\nname: era\nkernel: "5.19"\nmemory: { user: [{ region: u, size: 4K }] }\nops:\n  - { op: iov_iter_ubuf, iter: x, dir: dest, addr: u, len: 16 }\n`;
  const io = fakeIo({ "e.yaml": t });
  assert.equal(await runCli(["replay", "e.yaml"], io), 2);
  assert.match(
    io.err,
    /e\.yaml:6:11: not_in_era: iov_iter_ubuf does not exist in this era \(added in 6\.0, kernel is 5\.19\)/,
  );
  const io2 = fakeIo({ "e.yaml": t });
  assert.equal(await runCli(["replay", "--kernel", "6.0", "e.yaml"], io2), 0, io2.err);
});

Deno.test("usage errors exit 2 and suggest the closest command", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["replya", "x.yaml"], io), 2);
  assert.match(io.err, /replay/);
  const io2 = fakeIo();
  assert.equal(await runCli(["replay", "--format", "xml", "x.yaml"], io2), 2);
  const io3 = fakeIo();
  assert.equal(await runCli(["replay", "--kernel", "6.x", "t.yaml"], io3), 2);
});

Deno.test("explain lists the catalogue and describes one code", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["explain"], io), 0);
  assert.match(io.out, /^pin_leak +hazard/m);
  const io2 = fakeIo();
  assert.equal(await runCli(["explain", "direction_mismatch"], io2), 0);
  assert.match(io2.out, /_copy_to_iter/);
  const io3 = fakeIo();
  assert.equal(await runCli(["explain", "pin_leek"], io3), 2);
  assert.match(io3.err, /did you mean "pin_leak"/);
});

Deno.test("schema prints a JSON Schema with every op", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["schema"], io), 0);
  const js = JSON.parse(io.out);
  const text = JSON.stringify(js);
  for (const op of ["import_iovec", "copy_to_iter", "extract_iter_to_sg", "expect"]) {
    assert.ok(text.includes(op), op);
  }
});

Deno.test("a JSON Lines trace streams through replay", async () => {
  const t = [
    '{"itertrace":1,"name":"j","kernel":"6.18","memory":{"kernel":[{"region":"k","kind":"kmalloc","size":"8K","fill":"index"}]}}',
    '{"op":"iov_iter_kvec","iter":"it","dir":"source","kvec":[{"base":"k+0x10","len":"0x1000"}]}',
    '{"op":"iov_iter_advance","iter":"it","bytes":16,"expect":{"iter":{"count":"0xff0","iov_offset":16}}}',
  ].join("\n");
  const io = fakeIo({ "j.jsonl": t });
  assert.equal(await runCli(["replay", "-f", "jsonl", "j.jsonl"], io), 0, io.err);
  assert.equal(io.out.trim().split("\n").length, 3);
});

Deno.test("the README's example trace passes check as written", async () => {
  const readme = await Deno.readTextFile("README.md");
  const m = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(readme);
  assert.ok(m, "README has a yaml example");
  const io = fakeIo({ "readme.yaml": m[1] });
  assert.equal(await runCli(["check", "readme.yaml"], io), 0, io.out);
});
