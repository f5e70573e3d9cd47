/**
 * The warning catalogue: one severity per code, typed fields per code, the fields in JSON
 * output, expectations written before a split still matching, and `--fail-on` judged by the
 * code's severity.
 */
import assert from "node:assert/strict";
import {
  codeMatches,
  FIELDS,
  makeWarning,
  type WarnFn,
  type WarningInfo,
  WARNINGS,
} from "../src/check/warnings.ts";
import { SEVERITY_ORDER } from "../src/cli/severity.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const entries = Object.entries(WARNINGS) as [string, WarningInfo][];

Deno.test("every code names known fields, once each, and a severity of the order", () => {
  for (const [code, w] of entries) {
    assert.ok(SEVERITY_ORDER.includes(w.severity), code);
    assert.ok(w.fields.length > 0, `${code} carries no fields`);
    assert.equal(new Set(w.fields).size, w.fields.length, `${code} repeats a field`);
    for (const f of w.fields) assert.ok(Object.hasOwn(FIELDS, f), `${code}: unknown field ${f}`);
  }
  // every field of the dictionary is carried by some code (no stale documentation)
  const used = new Set(entries.flatMap(([, w]) => w.fields));
  assert.deepEqual(Object.keys(FIELDS).filter((f) => !used.has(f as never)), []);
});

Deno.test("a split code names a code of another severity, and expectations of it still match", () => {
  const splits = entries.filter(([, w]) => w.was !== undefined);
  assert.ok(splits.length >= 8);
  for (const [code, w] of splits) {
    const parent: WarningInfo | undefined = WARNINGS[w.was as keyof typeof WARNINGS];
    assert.ok(parent, `${code} was ${w.was}, which is not a code`);
    assert.notEqual(parent.severity, w.severity, `${code} needs no split from ${w.was}`);
    assert.ok(codeMatches(w.was!, code), `${w.was} matches ${code}`);
    // the other way round does not hold: naming the new code is exact
    assert.equal(codeMatches(code, w.was!), false);
  }
  assert.ok(codeMatches("pin_leak", "pin_leak"));
  assert.equal(codeMatches("pin_leak", "double_unpin"), false);
});

Deno.test("a warning takes its code's severity; the emitter takes fields, never a severity", () => {
  const w = makeWarning("revert_too_large", { iter: "u", unroll: 0x80000000 }, "m", 3, {
    cause: 1,
  });
  assert.deepEqual(w, {
    code: "revert_too_large",
    severity: "warn",
    message: "m",
    step: 3,
    cause: 1,
    fields: { iter: "u", unroll: 0x80000000 },
  });
  const got: unknown[] = [];
  const warn: WarnFn = (code, fields, message, detail) =>
    got.push({ code, fields, message, detail });
  warn("double_free", { region: "k" }, "again");
  // @ts-expect-error: a field the code does not carry
  warn("double_free", { region: "k", page: "p" }, "again");
  // @ts-expect-error: a field of the wrong type
  warn("revert_too_large", { iter: "u", unroll: "0x10" }, "m");
  // @ts-expect-error: a missing field
  warn("frwr_gap", { sgt: "s", entry: 1 }, "m");
  // @ts-expect-error: no severity can be passed
  warn("double_free", { region: "k" }, "again", { severity: "warn" });
  assert.equal(got.length, 5);
});

const REVERT = (bytes: string) =>
  `itertrace: 1\nname: r\nkernel: "6.12"\nmemory: { user: [{ region: buf, size: 4K }] }\nops:\n` +
  `  - { op: iov_iter_ubuf, iter: u, dir: dest, addr: buf, len: 0x1000 }\n` +
  `  - { op: iov_iter_revert, iter: u, bytes: ${bytes} }\n`;

Deno.test("replay -f json and jsonl carry each warning's fields", async () => {
  const io = fakeIo({ "r.yaml": REVERT("0x200") });
  assert.equal(await runCli(["replay", "-f", "json", "r.yaml"], io), 0, io.err);
  const doc = JSON.parse(io.out);
  const [w] = doc.steps[1].warnings;
  assert.equal(w.code, "revert_beyond_origin");
  assert.equal(w.severity, "bug");
  // a fresh UBUF reverted by 0x200 goes 0x200 before its start
  assert.deepEqual(w.fields, { iter: "u", kind: "ubuf", unroll: 0x200, beyond: 0x200 });
  const io2 = fakeIo({ "r.yaml": REVERT("0x7ffff001") });
  assert.equal(await runCli(["replay", "-f", "jsonl", "r.yaml"], io2), 0, io2.err);
  const step = JSON.parse(io2.out.split("\n")[1]);
  assert.deepEqual(step.warnings.map((x: { code: string }) => x.code), ["revert_too_large"]);
  assert.deepEqual(step.warnings[0].fields, { iter: "u", unroll: 0x7ffff001 });
});

Deno.test("--fail-on judges by the code's one severity", async () => {
  const run = async (bytes: string, min: string) => {
    const io = fakeIo({ "r.yaml": REVERT(bytes) });
    return await runCli(["replay", "-q", "--fail-on", min, "r.yaml"], io);
  };
  // revert_too_large is a WARN: below bug, at warn
  assert.equal(await run("0x7ffff001", "bug"), 0);
  assert.equal(await run("0x7ffff001", "warn"), 1);
  // the same op reverting before the start is revert_beyond_origin, a BUG
  assert.equal(await run("0x200", "bug"), 1);
});

Deno.test("explain CODE lists the code's fields and what it was split from", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["explain", "ref_underflow"], io), 0);
  assert.match(io.out, /^ref_underflow \(bug\): /);
  assert.match(io.out, /Fields \(in JSON output, a warning's "fields"\):\n {2}fn {4}string/);
  assert.match(io.out, /Split from release_mismatch: an expectation naming release_mismatch/);
});
