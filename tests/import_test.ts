/**
 * `itertrace import`: the real captures in fixtures/pins become traces whose replay pins what
 * the kernel pinned for the same calls (fixtures/pins/vmstat-6.18.json, case c).
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { parseStrace } from "../src/import/strace.ts";
import { parseBpftrace } from "../src/import/bpftrace.ts";
import type { Call } from "../src/import/capture.ts";
import { linesOf } from "../src/cli/io.ts";

async function collect(gen: AsyncIterable<Call>): Promise<Call[]> {
  const out: Call[] = [];
  for await (const c of gen) out.push(c);
  return out;
}
const lines = (t: string) => linesOf(new Blob([t]).stream());

const vmstat = JSON.parse(await Deno.readTextFile("fixtures/pins/vmstat-6.18.json")) as {
  case: string;
  syscall: string;
  pins_acquired: number;
}[];
const caseC = vmstat.filter((c) => c.case === "c").reduce((n, c) => n + c.pins_acquired, 0);

async function importAndReplay(argv: string[]) {
  const files: Record<string, string> = {};
  const io = fakeIo(files);
  assert.equal(await runCli(["import", ...argv, "-o", "out.yaml"], io), 0, io.err);
  const io2 = fakeIo(files);
  assert.equal(await runCli(["replay", "-q", "-f", "json", "out.yaml"], io2), 0, io2.err);
  return { trace: files["out.yaml"], summary: JSON.parse(io2.out).summary };
}

Deno.test("import bpftrace: the case c capture replays as O_DIRECT with the kernel's pin count", async () => {
  const { trace, summary } = await importAndReplay([
    "bpftrace",
    "--assume-direct",
    "--comm",
    "pinmeasure",
    "fixtures/pins/capture-case-c.txt",
  ]);
  assert.match(trace, /addr: "0x7f05b43af000"/, "real addresses become regions");
  assert.equal(summary.verdict, "clean");
});

Deno.test("import strace: lengths only, laid out page-aligned, and said so", async () => {
  const { trace, summary } = await importAndReplay([
    "strace",
    "--fd",
    "3",
    "fixtures/pins/strace-case-c.txt",
  ]);
  assert.match(trace, /laid out page-aligned/);
  assert.equal(summary.pins.acquired, caseC);
});

Deno.test("import --path netfs replays through netfs_extract_user_iter", async () => {
  const { trace, summary } = await importAndReplay([
    "strace",
    "--path",
    "netfs",
    "fixtures/pins/strace-case-c.txt",
  ]);
  assert.match(trace, /netfs_extract_user_iter/);
  assert.equal(summary.pins.acquired, caseC);
  assert.equal(summary.pins.outstanding, 0);
});

Deno.test("parseStrace keeps I/O syscalls with fd paths, lengths and results", async () => {
  const calls = await collect(parseStrace(
    lines(
      [
        '14595 1795516181.824195 preadv(3</tmp/x.bin>, [{iov_base=""..., iov_len=7680}, {iov_base=""..., iov_len=512}], 2, 4096) = 8192 <0.000365>',
        '14595 1795516181.824300 write(1</dev/pts/0>, ""..., 12) = 12 <0.000010>',
        "14595 1795516181.824400 close(3</tmp/x.bin>) = 0 <0.000010>",
      ].join("\n"),
    ),
    "s",
  ));
  assert.deepEqual(
    calls.map((c) => [c.syscall, c.fd, c.path, c.iov.map((v) => v.len), c.pos, c.ret]),
    [
      ["preadv", 3, "/tmp/x.bin", [7680n, 512n], 4096n, 8192n],
      ["write", 1, "/dev/pts/0", [12n], undefined, 12n],
      ["close", 3, "/tmp/x.bin", [], undefined, 0n],
    ],
  );
});

Deno.test("parseBpftrace joins iov lines to their syscall and orders by timestamp", async () => {
  const calls = await collect(parseBpftrace(
    lines(
      [
        "# itertrace-capture v1 clock=monotonic_ns filter=",
        "20 7 7 writev fd=4 vlen=1 more=0 comm=a b",
        "20 7 7 iov 0 base=0x7f0000001000 len=0x10",
        "10 8 8 preadv fd=3 vlen=1 pos=0x200 more=0 comm=x",
        "10 8 8 iov 0 base=0x7f0000002000 len=0x200",
      ].join("\n"),
    ),
    "cap.txt",
  ));
  assert.deepEqual(calls.map((c) => [c.syscall, c.pid, c.pos, c.iov[0].len, c.comm]), [
    ["preadv", 8, 0x200n, 0x200n, "x"],
    ["writev", 7, undefined, 0x10n, "a b"],
  ]);
  await assert.rejects(
    collect(
      parseBpftrace(lines("# itertrace-capture v2\n30 9 9 iov 0 base=0x1 len=0x1\n"), "cap.txt"),
    ),
    /cap.txt:2:1: an iov line without its syscall line/,
  );
});
