/**
 * The model checks what the kernel checks: GUP refuses ranges beyond TASK_SIZE_MAX, declared
 * pfns cannot alias the zero page or the pages a replay allocates, a second kfree/vfree is a
 * double free, and freeing an undeclared region is a positioned error, not a crash.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { FIRST_ALLOC_PFN, Memory } from "../src/model/memory.ts";
import { kernelRegion, memSpec } from "./_helpers.ts";

const H = "itertrace: 1\nname: t\n";

async function replay(trace: string) {
  const io = fakeIo({ "t.yaml": trace });
  const code = await runCli(["replay", "t.yaml"], io);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
  return { code, out: io.out, err: io.err };
}

Deno.test("gup_fast_fallback: a user range ending beyond TASK_SIZE_MAX is -EFAULT, nothing pinned", async () => {
  const top = `${H}memory: { user: [{ region: u, size: 8K, addr: "0x7ffffffff000" }] }\nops:\n` +
    `  - { op: iov_iter_ubuf, iter: a, dir: source, addr: u, len: 8K }\n` +
    `  - { op: iov_iter_extract_pages, iter: a, maxsize: 8K, maxpages: 4, as: p, expect: { ret: -EFAULT } }\n`;
  const r = await replay(top);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /pins acquired 0, released 0, outstanding 0/);
  // just below the boundary the same range pins
  const ok = await replay(
    top.replace("0x7ffffffff000", "0x7fffffffd000").replace("ret: -EFAULT", "ret: 8K"),
  );
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /pins acquired 2/);
});

Deno.test("declared pfns: the zero page is refused; allocations come after every declared pfn", async () => {
  const r = await replay(
    `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 8K, pfns: [0xffe, 0xfff] }] }\nops: []\n`,
  );
  assert.equal(r.code, 2);
  assert.match(r.err, /t\.yaml:3:9: memory: pfn 0xfff of "k" is the model's shared zero page/);
  const mem = new Memory(
    memSpec({
      kernel: [kernelRegion("k", 8192, { pfns: [FIRST_ALLOC_PFN, FIRST_ALLOC_PFN + 1] })],
    }),
  );
  const [p] = mem.allocPages("pipe", 1);
  assert.ok(p >= FIRST_ALLOC_PFN + 2, `allocated ${p.toString(16)} aliases a declared page`);
  assert.equal(mem.pageLoc(p)?.region.name, "pipe:0");
});

Deno.test("kfree and vfree twice: double_free (BUG, slab) and double_vfree (WARN); undeclared: positioned error", async () => {
  const t =
    `${H}memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }, { region: v, kind: vmalloc, size: 8K }] }\nops:\n` +
    `  - { op: kfree, region: k }\n  - { op: kfree, region: k }\n  - { op: vfree, region: v }\n  - { op: vfree, region: v }\n`;
  const r = await replay(t);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /! double_free \(bug\) \(cause #0\) {2}kfree of "k" again \(freed at #0\)/);
  assert.match(
    r.out,
    /! double_vfree \(warn\) \(cause #2\) {2}vfree of "v" again .*Trying to vfree\(\) nonexistent vm area/,
  );
  for (const op of ["kfree", "vfree", "munmap"]) {
    const u = await replay(`${H}ops:\n  - { op: ${op}, region: nope }\n`);
    assert.equal(u.code, 2, op);
    assert.match(u.err, /t\.yaml:4:\d+: unknown region "nope"/);
  }
});

Deno.test("iov_iter_bvec: a bvec past its region or across scattered pfns is bvec_past_region; one inside is clean", async () => {
  const mem = `memory: { kernel: [{ region: k, kind: kmalloc, size: 6K }, ` +
    `{ region: s, kind: page_alloc, size: 8K, pfns: [0x5000, 0x7000] }] }\n`;
  const past = await replay(
    `${H}${mem}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "k[0]", offset: 0x200, len: 6K }] }\n`,
  );
  assert.equal(past.code, 0, past.err);
  assert.match(
    past.out,
    /! bvec_past_region \(bug\) {2}bvec\[0\]: 0x1800 bytes from k\[0\] \+0x200 end 0x200 bytes past the end of "k" \(0x1800 bytes\)/,
  );
  const scattered = await replay(
    `${H}${mem}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "s[0]", offset: 0, len: 8K }] }\n`,
  );
  assert.match(scattered.out, /bvec_past_region .*reach pfn 0x5001, which is not page 1 of "s"/);
  const queued = await replay(
    `${H}kernel: "7.4"\n${mem}ops:\n  - { op: iov_iter_bvec_queue, iter: q, dir: dest, count: 6K, ` +
      `queue: [{ bvec: [{ page: "k[1]", offset: 0, len: 6K }] }] }\n`,
  );
  assert.match(queued.out, /bvec_past_region .*queue\[0\]\.bvec\[0\]: 0x1800 bytes from k\[1\]/);
  const inside = await replay(
    `${H}${mem}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "k[0]", offset: 0x200, len: 0x1600 }] }\n`,
  );
  assert.equal(inside.code, 0, inside.err);
  assert.doesNotMatch(inside.out, /bvec_past_region/);
});
