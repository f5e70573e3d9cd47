/**
 * The model agrees with a real kernel: fixtures/pins/vmstat-6.18.json holds the
 * nr_foll_pin_acquired/released deltas /proc/vmstat reported for O_DIRECT preadv/pwritev
 * (and vmsplice) with several iovec shapes on a 6.18 kernel (fixtures/pins/measure.sh).
 * Each case is replayed as the equivalent trace and every count must match.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

interface Case {
  case: string;
  syscall: string;
  pins_acquired: number;
  pins_released: number;
  iov: { offset_in_buffer: number; len: number }[];
  buffer: { touched: boolean; thp: boolean; zero_page: boolean; size: number };
  env: { cmdline_pvm_no_zero_page?: boolean };
}

const cases: Case[] = JSON.parse(await Deno.readTextFile("fixtures/pins/vmstat-6.18.json"));

/** The trace a measured case corresponds to. */
function traceFor(c: Case): string {
  // A never-touched private anon page is the shared zero page for a read fault, unless the
  // machine boots with pvm_no_zero_page (recorded in env), which allocates a fresh page.
  const populated = c.buffer.touched || !!c.env.cmdline_pvm_no_zero_page;
  const region = [
    `region: buf`,
    `size: ${c.buffer.size}`,
    `populated: ${populated && !c.buffer.zero_page}`,
    ...(c.buffer.thp ? [`folio_order: 9`] : []),
  ].join(", ");
  const iov = c.iov.map((v) => `{ base: "buf+${v.offset_in_buffer}", len: ${v.len} }`).join(", ");
  const dir = c.syscall === "preadv" ? "dest" : "source";
  const ops = c.syscall === "vmsplice"
    // vmsplice takes page refs with get_user_pages (iov_iter_get_pages2), never pins
    ? [
      `- { op: import_iovec, iter: it, dir: source, iov: [${iov}] }`,
      `- { op: iov_iter_get_pages_alloc2, iter: it, maxsize: 1M, maxpages: 0, as: p }`,
      `- { op: put_page, pages: p }`,
    ]
    : [
      `- { op: import_iovec, iter: it, dir: ${dir}, iov: [${iov}] }`,
      `- { op: bio_iov_iter_get_pages, iter: it, bio: b, max_vecs: 256, lbs: 512, pos: 0 }`,
      `- { op: io_complete, of: b }`,
      `- { op: bio_release_pages, bio: b, dirty: ${dir === "dest"} }`,
    ];
  return `itertrace: 1
name: vmstat-${c.case}-${c.syscall}
kernel: "6.18"
memory:
  user:
    - { ${region} }
ops:
${ops.map((o) => `  ${o}`).join("\n")}
`;
}

for (const c of cases.filter((c) => c.iov.length)) {
  Deno.test(`pins of ${c.syscall} case ${c.case} match /proc/vmstat on 6.18 (${c.pins_acquired} acquired, ${c.pins_released} released)`, async () => {
    const io = fakeIo({ "t.yaml": traceFor(c) });
    const code = await runCli(["replay", "-q", "-f", "json", "t.yaml"], io);
    assert.equal(code, 0, io.err);
    const { summary } = JSON.parse(io.out);
    assert.equal(summary.pins.acquired, c.pins_acquired, "acquired");
    assert.equal(summary.pins.released, c.pins_released, "released");
    assert.equal(summary.pins.outstanding, 0);
  });
}
