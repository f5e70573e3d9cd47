/**
 * The CLI's stdout, stderr and exit code for representative runs, compared with snapshots in
 * tests/__snapshots__/cli_snapshot.json. `UPDATE_SNAPSHOTS=1 deno task test` rewrites them;
 * review the diff like code.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const SNAP = "tests/__snapshots__/cli_snapshot.json";
const update = Deno.env.get("UPDATE_SNAPSHOTS") === "1";
const snaps: Record<string, { code: number; stdout: string; stderr: string }> = await Deno
  .readTextFile(SNAP)
  .then(JSON.parse).catch(() => ({}));
const seen: Record<string, { code: number; stdout: string; stderr: string }> = {};

const TRACE = `itertrace: 1
name: snap
kernel: "6.12"
memory:
  user: [{ region: buf, size: 16K }]
ops:
  - op: import_iovec
    iter: u
    dir: dest
    iov: [{ base: "buf+0x200", len: 0x1e00 }]
  - op: iov_iter_extract_pages
    iter: u
    maxsize: 64K
    maxpages: 4
    as: p
    expect: { ret: 0x1e00, offset0: 0x200 }
  - op: put_page
    pages: p
expect:
  warnings: [release_mismatch, release_mismatch, pin_leak, pin_leak]
`;
const FAILING = TRACE.replace("ret: 0x1e00", "ret: 0x1f00");
const GOLDEN_STALE = "itertrace replay snap   (kernel 6.12)\n\n (an older replay)\n";

const CASES: [string, string[], Record<string, string>][] = [
  ["help", ["--help"], {}],
  ["replay help", ["replay", "--help"], {}],
  ["check help", ["check", "--help"], {}],
  ["replay success", ["replay", "t.yaml"], { "t.yaml": TRACE }],
  ["check expectation failure", ["check", "t.yaml"], { "t.yaml": FAILING }],
  ["check golden mismatch", ["check", "t.yaml"], {
    "t.yaml": TRACE,
    "t.yaml.expected": GOLDEN_STALE,
  }],
  ["usage error: unknown command", ["replya", "t.yaml"], {}],
  ["usage error: bad option value", ["check", "--format", "xml", "t.yaml"], {}],
  ["invalid trace", ["validate", "fixtures/bad/many-problems.yaml"], {}],
  ["replay of an invalid trace", ["replay", "fixtures/bad/dangling.yaml"], {}],
];

for (const [name, argv, files] of CASES) {
  Deno.test(`CLI snapshot: ${name}`, async () => {
    const io = fakeIo({ ...files });
    const code = await runCli(argv, io);
    const got = { code, stdout: io.out, stderr: io.err };
    seen[name] = got;
    if (update) return;
    assert.ok(snaps[name], `no snapshot for "${name}": run with UPDATE_SNAPSHOTS=1`);
    assert.deepEqual(got, snaps[name]);
  });
}

Deno.test({
  name: "CLI snapshot: write (UPDATE_SNAPSHOTS=1)",
  ignore: !update,
  fn: async () => {
    await Deno.writeTextFile(SNAP, JSON.stringify(seen, null, 2) + "\n");
  },
});
