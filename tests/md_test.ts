/**
 * `--format md` of replay, check and compare, judged against Markdown goldens in tests/md/
 * (`UPDATE_SNAPSHOTS=1 deno task test` rewrites them). Each is also run twice: Markdown output
 * is deterministic (no colour, no timings without a clock).
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { cell } from "../src/render/markdown.ts";
import { fakeIo } from "./_io.ts";

const update = Deno.env.get("UPDATE_SNAPSHOTS") === "1";

const FAILING = `itertrace: 1
name: md-failing
kernel: "6.12"
memory:
  user: [{ region: buf, size: 64K }]
ops:
  - op: iov_iter_ubuf
    iter: u
    dir: dest
    addr: "buf+0x100"
    len: 0x6e00
    expect: { ret: 0x6f00 }
  - { op: iov_iter_extract_pages, iter: u, maxsize: 0x6e00, maxpages: 16, as: p }
  - op: expect
    when: "<6.3"
    pins: { acquired: 0 }
expect:
  warnings: [pin_leak]
`;

async function golden(name: string, argv: string[], files: Record<string, string> = {}) {
  const run = async () => {
    const io = fakeIo({ ...files });
    const code = await runCli(argv, io);
    return { code, out: io.out, err: io.err };
  };
  const got = await run();
  assert.equal(got.err, "", got.err);
  assert.deepEqual(await run(), got, "the same run twice gives the same Markdown");
  // `.md.expected`, not `.md`: deno fmt would realign the tables
  const path = `tests/md/${name}.md.expected`;
  if (update) await Deno.writeTextFile(path, got.out);
  assert.equal(got.out, await Deno.readTextFile(path), `${path} differs (UPDATE_SNAPSHOTS=1)`);
  return got;
}

Deno.test("replay --format md: a step table with folded pages and a summary", async () => {
  const r = await golden("replay-pin_leak", [
    "replay",
    "-f",
    "md",
    "traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml",
  ]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^\| # \| call \| ret \| what changed \| warnings and failures \|$/m);
  assert.match(r.out, /`pins\.buf\[0\.\.2\] 0 -> 1 x3`/);
  assert.match(r.out, /- outstanding pin buf\[0\.\.2\] \(taken at #2\) x3/);
});

Deno.test("replay --format md: failures with file:line, skipped expects marked", async () => {
  const r = await golden("replay-failures", ["replay", "-f", "md", "f.yaml"], {
    "f.yaml": FAILING,
  });
  assert.equal(r.code, 1);
  assert.match(r.out, /\*\*x expect\*\* f\.yaml:12: ops\[0\]\.expect\.ret: expected 0x6f00/);
  assert.match(r.out, /\| 2 \| `expect\(pins=\{acquired: 0\}\)` \| skipped \(when <6\.3\) \|/);
  assert.match(r.out, /- \*\*x expect\*\* f\.yaml:18: expect\.warnings/);
});

Deno.test("check --format md: one row per trace with its eras and failures", async () => {
  // one era, so the golden does not change when the era matrix grows
  const r = await golden(
    "check",
    ["check", "-f", "md", "-k", "6.12", "traces/examples/async-dio-iovec-to-bvec.yaml", "f.yaml"],
    {
      "f.yaml": FAILING,
    },
  );
  assert.equal(r.code, 1);
  assert.match(
    r.out,
    /\| \*\*FAIL\*\* \| `f\.yaml` \| 6\.12 \| {2}\| f\.yaml:12: ops\[0\]\.expect\.ret/,
  );
  assert.match(r.out, /\*\*1 passed, 1 failed\*\*/);
});

Deno.test("compare --format md: divergent steps side by side and the summaries", async () => {
  const r = await golden("compare-async-dio", [
    "compare",
    "-f",
    "md",
    "--kernel",
    "6.1",
    "--kernel",
    "6.3",
    "traces/seed/IOVEC+async_dio+convert_before_return-clean.yaml",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.out, /\| retention \*\*\(first\)\*\* \|/);
  assert.match(r.out, /summaries differ: pins acquired 0 vs 3/);
});

Deno.test("cell() keeps a table cell one cell: pipes escaped, newlines as <br>", () => {
  assert.equal(cell("a | b\nc"), "a \\| b<br>c");
  assert.equal(cell("x   y"), "x y");
});
