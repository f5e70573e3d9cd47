/**
 * Hostile and mistaken input: each gets a positioned message and exit 2, quickly and in
 * bounded memory; never a stack trace or an internal error.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

async function rejects(files: Record<string, string>, cmd: string, re: RegExp) {
  const name = Object.keys(files)[0];
  const io = fakeIo(files);
  const code = await runCli([cmd, name], io);
  assert.equal(code, 2, io.err.slice(0, 500));
  assert.match(io.err, re);
  assert.doesNotMatch(io.err, /\n\s+at |internal error/);
}

const H = "itertrace: 1\nname: t\n";

Deno.test("a when: condition cannot backtrack exponentially", async () => {
  const bad =
    `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }\nops:\n  - { op: iov_iter_kvec, iter: k, dir: source, kvec: [], when: "${
      "1.111".repeat(18)
    }x" }\n`;
  await rejects({ "w.yaml": bad }, "validate", /w\.yaml:5:\d+: ops\[0\]\.when: /);
});

Deno.test("JSON Lines: a line that is not JSON, and a too-long line", async () => {
  await rejects(
    { "j.jsonl": `{"itertrace":1,"name":"j"}\nop: fork\n` },
    "validate",
    /j\.jsonl:2:1: not a JSON value/,
  );
  const long = `{"itertrace":1,"name":"j"}\n{"op":"fork","id":"${"x".repeat(17 * 2 ** 20)}"}\n`;
  await rejects({ "l.jsonl": long }, "replay", /l\.jsonl:2:1: a line longer than 16 MiB/);
});

Deno.test("JSON Lines reference errors point at their own line", async () => {
  const t =
    `{"itertrace":1,"name":"j"}\n{"op":"iov_iter_advance","iter":"ghost","bytes":1}\n{"op":"fork"}\n{"op":"fork"}\n`;
  await rejects(
    { "d.jsonl": t },
    "validate",
    /d\.jsonl:2:\d+: ops\[0\]\.iter: unknown iterator "ghost"/,
  );
});

Deno.test("memory declarations: duplicate names, short pfn lists, misaligned folios", async () => {
  await rejects(
    {
      "n.yaml":
        `${H}memory: { kernel: [{ region: a, kind: kmalloc, size: 4K }], files: [{ name: a, size: 4K }] }\nops: []\n`,
    },
    "validate",
    /the name "a" is declared twice/,
  );
  await rejects(
    {
      "p.yaml":
        `${H}memory: { kernel: [{ region: a, kind: kmalloc, size: 16K, pfns: [5] }] }\nops: []\n`,
    },
    "replay",
    /"a" has 4 pages but 1 pfns/,
  );
  await rejects(
    {
      "f.yaml":
        `${H}memory: { files: [{ name: f, size: 64K, folios: [{ index: 1, order: 2 }] }] }\nops: []\n`,
    },
    "validate",
    /not aligned to its order 2/,
  );
});

Deno.test("a region fill is limited and so is the page data a replay holds", async () => {
  await rejects(
    {
      "r.yaml":
        `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 1T, fill: index }] }\nops: []\n`,
    },
    "replay",
    /a region fill is limited to 256 MiB/,
  );
});

Deno.test("validate catches what replay would stop on: era, duplicate names, ranges, page indexes", async () => {
  const t = `${H}kernel: "6.1"\nmemory: { user: [{ region: u, size: 8K }] }\nops:\n` +
    `  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 16 }\n` +
    `  - { op: iov_iter_extract_pages, iter: a, maxsize: 16, maxpages: 1, as: p }\n` +
    `  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 16 }\n` +
    `  - { op: fill, at: "u+0x1000", len: 8K, pattern: zero }\n` +
    `  - { op: iov_iter_bvec, iter: b, dir: dest, bvec: [{ page: "u[9]", offset: 0, len: 1 }] }\n`;
  const io = fakeIo({ "v.yaml": t });
  assert.equal(await runCli(["validate", "v.yaml"], io), 2);
  assert.match(io.err, /v\.yaml:7:\d+: ops\[1\]\.op: not_in_era: iov_iter_extract_pages/);
  assert.match(io.err, /v\.yaml:8:\d+: ops\[2\]\.iter: "a" already exists/);
  assert.match(
    io.err,
    /v\.yaml:9:\d+: ops\[3\]\.at: 8192 bytes from \+0x1000 run past the end of "u"/,
  );
  assert.match(io.err, /v\.yaml:10:\d+: ops\[4\]\.bvec\[0\]\.page: "u" has 2 pages, no page 9/);
});

Deno.test("expectations name real warning codes and real causes", async () => {
  const t =
    `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }\nops:\n  - op: fill\n    at: k\n    len: 1\n    pattern: zero\n    expect: { warnings: [nonsense_code] }\n`;
  const io = fakeIo({ "e.yaml": t });
  assert.equal(await runCli(["validate", "e.yaml"], io), 2);
  assert.match(io.err, /unknown warning code "nonsense_code"/);
  const io2 = fakeIo({
    "c.yaml": t.replace("[nonsense_code]", "[{ code: pin_leak, cause: nosuchid }]"),
  });
  assert.equal(await runCli(["validate", "c.yaml"], io2), 2);
  assert.match(
    io2.err,
    /c\.yaml:9:\d+: warning cause "nosuchid" is neither a step index nor an op id/,
  );
});

Deno.test("numbers that are not numbers say so", async () => {
  await rejects(
    { "n.yaml": `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: null }] }\nops: []\n` },
    "validate",
    /size: expected a number \(123, "0x1f00", "4K"\), got null/,
  );
});
