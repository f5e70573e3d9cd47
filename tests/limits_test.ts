/**
 * Values that would make the model build one object per page, folio or entry are bounded
 * before anything is built: each refusal is positioned at its op, names the limit and says
 * how to raise it, and comes quickly in bounded memory. Raising the limit lifts it.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { limit, setLimits } from "../src/limits.ts";

const H = "itertrace: 1\nname: t\n";

async function refused(trace: string, re: RegExp, env?: string) {
  const io = fakeIo({ "t.yaml": trace });
  if (env) io.env = (n: string) => (n === "ITERTRACE_LIMITS" ? env : undefined);
  const t0 = performance.now();
  const code = await runCli(["replay", "-q", "t.yaml"], io);
  assert.equal(code, 2, io.err);
  assert.match(io.err, re);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
  setLimits(undefined);
  return performance.now() - t0;
}

Deno.test("iov_iter_folio_queue over a 1 TiB file is refused by folioq_folios, not built", async () => {
  await refused(
    `${H}kernel: "7.0"\nmemory: { files: [{ name: f, size: 1T }] }\nops:\n  - { op: iov_iter_folio_queue, iter: q, dir: dest, folios: f, count: 4K }\n`,
    /t\.yaml:6:5: folios one folio queue holds are limited to 1048576; this needs 268435456 \(raise with ITERTRACE_LIMITS=folioq_folios=268435456\)/,
  );
  // a file with a few explicit folios far apart is cheap whatever its size
  const io = fakeIo({
    "s.yaml":
      `${H}kernel: "7.0"\nmemory: { files: [{ name: f, size: 1T, folios: [{ index: 0, order: 0 }, { index: 0x8000000, order: 2 }] }] }\nops:\n  - { op: iov_iter_folio_queue, iter: q, dir: dest, folios: f, count: 8K, expect: { iter: { count: 8K } } }\n`,
  });
  assert.equal(await runCli(["replay", "-q", "s.yaml"], io), 0, io.err);
});

Deno.test("sg_alloc_table, extractions and netfs_extract_user_iter are bounded", async () => {
  await refused(
    `${H}ops:\n  - { op: sg_alloc_table, sgt: s, nents: 1048576 }\n`,
    /t\.yaml:4:5: entries of one scatterlist table are limited to 65536; this needs 1048576 \(raise with ITERTRACE_LIMITS=sg_entries=1048576\)/,
  );
  const user =
    `${H}memory: { user: [{ region: u, size: 1T }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: source, addr: u, len: 1T }\n`;
  // iov_iter_extract_pages clips maxsize to MAX_RW_COUNT first: 524287 pages, not 2^28
  await refused(
    `${user}  - { op: iov_iter_extract_pages, iter: a, maxsize: 1T, maxpages: 100000000, as: p }\n`,
    /t\.yaml:6:5: pages one extraction or conversion lists are limited to 65536; this needs 524287/,
  );
  await refused(
    `${user}  - { op: netfs_extract_user_iter, iter: a, len: 1T, new: bv }\n`,
    /t\.yaml:6:5: pages one extraction .* this needs 268435456/,
  );
  // raised, a larger table is built
  await refused(
    `${H}ops:\n  - { op: sg_alloc_table, sgt: s, nents: 70000 }\n  - { op: sg_alloc_table, sgt: s, nents: 1 }\n`,
    /t\.yaml:5:\d+: .*"s" already exists/,
    "sg_entries=70000",
  );
});

Deno.test("written page data is bounded by page_data", async () => {
  await refused(
    `${H}memory: { kernel: [{ region: k, kind: vmalloc, size: 64K }] }\nops:\n  - { op: fill, at: k, len: 64K, pattern: index }\n`,
    /t\.yaml:5:5: bytes of written page data one replay holds are limited to 32768; this needs 36864 \(raise with ITERTRACE_LIMITS=page_data=36864\)/,
    "page_data=32K",
  );
  assert.equal(limit("page_data"), 256 * 2 ** 20, "reset after the run");
});

Deno.test("ITERTRACE_LIMITS takes the limits' own names only, and a reset restores every default", () => {
  for (const name of ["constructor", "__proto__", "tostring", "nope"]) {
    assert.match(setLimits(`${name}=5`) ?? "", /cannot read/, name);
  }
  assert.equal(setLimits("sg_entries=5,extract_pages=2K"), undefined);
  assert.equal(limit("sg_entries"), 5);
  assert.equal(limit("extract_pages"), 2048);
  setLimits(undefined);
  assert.equal(limit("sg_entries"), 1 << 16);
  assert.equal(limit("extract_pages"), 1 << 16);
});
