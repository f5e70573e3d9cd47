/**
 * Messages say what was expected and show what was written: suggestions regardless of case
 * for ops, keys, warning codes and errno names; exact numbers; named .nan/.inf; aliases
 * positioned; op arguments shown as written. Suggestions stay bounded in effort.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { boundedDistance, editDistance, suggest } from "../src/trace/suggest.ts";
import fc from "fast-check";

const H = "itertrace: 1\nname: t\n";

async function validate(trace: string, file = "t.yaml") {
  const io = fakeIo({ [file]: trace });
  const code = await runCli(["validate", file], io);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
  return { code, err: io.err };
}

Deno.test("suggestions for ops, keys, warning codes and errnos, whatever the case", async () => {
  const r = await validate(
    `${H}memory: { kernel: [{ region: k, kind: kmalloc, sise: 4K }] }\nops:\n` +
      `  - { op: IOV_ITER_KVEC, iter: kv, dir: source, kvec: [] }\n` +
      `  - { op: fill, at: k, len: 1, pattern: zero, expect: { warnings: [PIN_LEAK], ret: "-EFAUL" } }\n`,
  );
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /t\.yaml:3:48: memory\.kernel\[0\]\.sise: unknown key "sise" \(did you mean "size"\?\)/,
  );
  assert.match(
    r.err,
    /t\.yaml:5:11: ops\[0\]\.op: unknown op "IOV_ITER_KVEC" \(did you mean "iov_iter_kvec"\?\)/,
  );
  assert.match(
    r.err,
    /unknown warning code "PIN_LEAK" \(did you mean "pin_leak"\? see itertrace explain\)/,
  );
  assert.match(
    r.err,
    /ops\[1\]\.expect\.ret: unknown errno name "-EFAUL" \(did you mean "-EFAULT"\?\)/,
  );
  const w = await validate(
    `${H}ops:\n  - { op: fork, expect: { ret: "-EWHATEVER" } }\n`,
  );
  assert.match(w.err, /unknown errno name "-EWHATEVER"; known: -EPERM, /);
});

Deno.test("numbers are shown exactly; .nan and .inf are named; aliases are positioned", async () => {
  const regions = `${H}memory:\n  kernel:\n` +
    `    - { region: a, kind: kmalloc, size: 9007199254740993 }\n` +
    `    - { region: b, kind: kmalloc, size: .nan }\n` +
    `    - { region: c, kind: kmalloc, size: -.inf }\n` +
    `    - { region: d, kind: kmalloc, size: 0x20000000000000001 }\n` +
    `    - { region: e, kind: kmalloc, size: ${"9".repeat(400)} }\n`;
  const r = await validate(`${regions}    - { region: f, kind: kmalloc, size: *nope }\nops: []\n`);
  assert.equal(r.code, 2);
  // an undefined alias stops parsing: it is reported alone, at the alias
  assert.equal(r.err, 't.yaml:10:41: alias "*nope" has no anchor "&nope" before it\n');
  const r2 = await validate(`${regions}ops: []\n`);
  assert.match(
    r2.err,
    /kernel\[0\]\.size: must be at most 1099511627776 \(1 TiB\), got 9007199254740993\n/,
  );
  assert.match(r2.err, /kernel\[1\]\.size: expected a number .*, got "\.nan"/);
  assert.match(r2.err, /kernel\[2\]\.size: expected a number .*, got "-\.inf"/);
  assert.match(r2.err, /kernel\[3\]\.size: .* got 36893488147419103233\n/);
  assert.match(r2.err, /kernel\[4\]\.size: .* got a 400-digit number\n/);
  const j = await validate(
    `{"itertrace":1,"name":"j","memory":{"kernel":[{"region":"k","kind":"kmalloc","size":9007199254740993}]}}\n`,
    "t.jsonl",
  );
  assert.match(j.err, /t\.jsonl:1:85: .* got 9007199254740993/);
});

Deno.test("an op argument is shown as written: len -5 is -5, not -EIO", async () => {
  const io = fakeIo({
    "n.yaml":
      `${H}memory: { user: [{ region: u, size: 8K }] }\nops:\n  - { op: import_iovec, iter: a, dir: source, iov: [{ base: u, len: -5 }], expect: { ret: -EINVAL } }\n`,
  });
  assert.equal(await runCli(["replay", "n.yaml"], io), 0, io.err);
  assert.match(
    io.out,
    /import_iovec\(iter=a, dir=source, iov=\[\{base: u, len: -5\}\]\) = -EINVAL/,
  );
});

Deno.test("a 600 KB op name is refused by its length, quickly; an 8 MB op before it is parsed", async () => {
  const r = await validate(`${H}ops:\n  - { op: ${"x".repeat(600 * 1024)} }\n`);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /t\.yaml:4:11: ops\[0\]\.op: unknown op of 614400 characters \(characters of an op name are limited to 256; this needs 614400 \(raise with ITERTRACE_LIMITS=op_name=614400\)\)/,
  );
  // one op beyond document_bytes is refused where it crosses the limit, unparsed
  const big = await validate(`${H}ops:\n  - { op: ${"x".repeat(8 * 2 ** 20)} }\n`);
  assert.equal(big.code, 2);
  assert.match(
    big.err,
    /^t\.yaml:4:1048577: characters of YAML or JSON parsed as one document .* are limited to 1048576; this needs \d+ \(raise with ITERTRACE_LIMITS=document_bytes=\d+\)/,
  );
});

Deno.test("thousands of misspelt references: suggestions stop at the budget, every reference is reported", async () => {
  const n = 3000;
  let t = `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }\nops:\n`;
  for (let i = 0; i < n; i++) {
    t +=
      `  - { op: iov_iter_kvec, iter: iterator_${i}, dir: source, kvec: [{ base: k, len: 1 }] }\n`;
  }
  for (let i = 0; i < n; i++) t += `  - { op: iov_iter_advance, iter: itrator_${i}x, bytes: 1 }\n`;
  const r = await validate(t);
  assert.equal(r.code, 2);
  assert.equal(r.err.match(/unknown iterator "itrator_\d+x"/g)?.length, n);
  const hinted = r.err.match(/did you mean "iterator_\d+"/g)?.length ?? 0;
  assert.ok(hinted > 0 && hinted < n, `${hinted} suggestions`);
});

Deno.test("boundedDistance() is the edit distance when within the bound", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 12 }),
      fc.string({ maxLength: 12 }),
      fc.nat(14),
      (a, b, max) => {
        const d = editDistance(a, b);
        const bd = boundedDistance(a, b, max);
        return d <= max ? bd === d : bd === max + 1;
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(suggest("Pin_Leak", ["pin_leak", "pin_unpinnable"]), "pin_leak");
  assert.equal(suggest("zzzzzz", ["pin_leak"]), undefined);
});
