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
import { Classifier } from "../src/import/classify.ts";
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

async function importIo(files: Record<string, string>, argv: string[]) {
  const io = fakeIo(files);
  const code = await runCli(["import", ...argv], io);
  return { code, err: io.err, out: io.out };
}

const V2 = "# itertrace-capture v2 clock=monotonic_ns filter=\n";
const OPEN = "1 5 5 openat dfd=-100 flags=0x4002 comm=t\n1 5 5 path /d/data.bin\n1 5 5 ret 3\n";

Deno.test("import: lengths are exact; 2^64-1 is the kernel's -EINVAL, 400 digits a positioned error", async () => {
  const max = await importIo({
    "c.txt":
      `${V2}${OPEN}2 5 5 write fd=3 base=0x1000 len=0xffffffffffffffff comm=t\n2 5 5 ret -22\n`,
  }, ["bpftrace", "c.txt"]);
  assert.equal(max.code, 1, max.err);
  assert.match(max.err, /iovec length of 2\^63 or more: the kernel fails with -EINVAL/);
  const huge = await importIo({
    "c.txt": `${V2}${OPEN}2 5 5 write fd=3 base=0x1000 len=${"9".repeat(400)} comm=t\n`,
  }, ["bpftrace", "c.txt"]);
  assert.equal(huge.code, 2);
  assert.match(huge.err, /^c\.txt:5:34: write len: 9{37}\.\.\. does not fit in 64 bits$/m);
  const zz = await importIo({ "c.txt": `${V2}2 5 5 write fd=3 base=0xZZ len=0x10 comm=t\n` }, [
    "bpftrace",
    "c.txt",
  ]);
  assert.equal(zz.code, 2);
  assert.match(zz.err, /c\.txt:2:23: write base: expected a number, got "0xZZ"/);
  const st = await importIo({
    "s.txt": `7 pwrite64(3</d>, ""..., ${"9".repeat(400)}, 0) = 5\n`,
  }, ["strace", "s.txt"]);
  assert.equal(st.code, 2);
  assert.match(st.err, /s\.txt:1:\d+: count: 9+\.\.\. does not fit in 64 bits/);
  assert.doesNotMatch(huge.err + zz.err + st.err, /\n\s+at /, "no stack trace");
});

Deno.test("import: -o is never the capture, and an existing -o needs --force", async () => {
  const cap =
    `${V2}${OPEN}2 5 5 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=t\n2 5 5 ret 4096\n`;
  const files: Record<string, string> = { "c.txt": cap, "old.yaml": "keep" };
  const same = await importIo(files, ["bpftrace", "c.txt", "-o", "c.txt"]);
  assert.equal(same.code, 2);
  assert.match(same.err, /is the capture being imported/);
  assert.equal(files["c.txt"], cap);
  const exists = await importIo(files, ["bpftrace", "c.txt", "-o", "old.yaml"]);
  assert.equal(exists.code, 2);
  assert.match(exists.err, /old\.yaml exists: pass --force/);
  assert.equal(files["old.yaml"], "keep");
  const forced = await importIo(files, ["bpftrace", "c.txt", "-o", "old.yaml", "--force"]);
  assert.equal(forced.code, 0, forced.err);
  assert.match(files["old.yaml"], /op: bio_iov_iter_get_pages/);
});

Deno.test("import: nothing modelled says why and exits 1; filters say what they left out", async () => {
  const cap =
    `${V2}${OPEN}2 5 5 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=t\n2 5 5 ret 4096\n` +
    "3 6 6 read fd=0 base=0x7f0000000000 len=0x1000 comm=u\n3 6 6 ret 4096\n";
  const none = await importIo({ "c.txt": cap }, ["bpftrace", "--pid", "9", "c.txt"]);
  assert.equal(none.code, 1);
  assert.match(none.err, /pid is not 9 \(--pid\)/);
  assert.match(none.err, /nothing in c\.txt was modelled/);
  const files: Record<string, string> = { "c.txt": cap };
  const one = await importIo(files, ["bpftrace", "--file", "data.bin", "c.txt", "-o", "t.yaml"]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.err, /1 modelled \(1 pwrite64\)/);
  assert.match(one.err, /not on data\.bin \(--file\)/);
  assert.match(files["t.yaml"], /not on data\.bin \(--file\)/, "the summary is in the description");
});

Deno.test("parseStrace joins <unfinished ...> and <... resumed>, and reads preadv2's position (not its flags)", async () => {
  const calls = await collect(parseStrace(
    lines([
      '11 1.0 preadv2(3</d>, [{iov_base=""..., iov_len=4096}], 1, 8192, RWF_HIPRI <unfinished ...>',
      "12 1.1 close(5</x> <unfinished ...>",
      "11 1.2 <... preadv2 resumed>) = 4096 <0.000100>",
      "12 1.3 <... close resumed>) = 0",
      '11 1.4 pwritev2(3</d>, [{iov_base=""..., iov_len=512}], 1, -1, RWF_DSYNC) = -1 EFAULT (Bad address)',
    ].join("\n")),
    "s",
  ));
  assert.deepEqual(calls.map((c) => [c.syscall, c.pid, c.pos, c.flags, c.ret, c.line]), [
    ["preadv2", 11, 8192n, 1n, 4096n, 1],
    ["close", 12, undefined, undefined, 0n, 2],
    ["pwritev2", 11, -1n, 2n, -14n, 5],
  ]);
  await assert.rejects(
    collect(parseStrace(lines("11 1.2 <... preadv2 resumed>) = 4096\n"), "s")),
    /s:1:1: "preadv2 resumed" without its "<unfinished \.\.\.>" line/,
  );
});

Deno.test("import -f jsonl streams a header line then one op per line, and the trace loads", async () => {
  let cap = V2 + OPEN;
  for (let i = 0; i < 500; i++) {
    cap += `${10 + i} 5 5 pread64 fd=3 base=0x7f0000000000 len=0x2000 pos=${i * 8192} comm=t\n${
      10 + i
    } 5 5 ret 8192\n`;
  }
  const files: Record<string, string> = { "c.txt": cap };
  const r = await importIo(files, ["bpftrace", "c.txt", "-f", "jsonl", "-o", "t.jsonl"]);
  assert.equal(r.code, 0, r.err);
  const out = files["t.jsonl"].trimEnd().split("\n");
  assert.equal(
    out.length,
    1 + 500 * 7,
    "import_iovec, one bio: get, complete, release; return, two frees",
  );
  assert.ok(!("ops" in JSON.parse(out[0])));
  const io = fakeIo(files);
  assert.equal(await runCli(["replay", "-q", "-f", "json", "t.jsonl"], io), 0, io.err);
  assert.equal(JSON.parse(io.out).summary.pins.acquired, 1000);
});

Deno.test("a ring registering again after unregistering needs buffer addresses like the first time", () => {
  const cls = new Classifier({});
  const call = (o: Partial<Call> & { syscall: string }): Call => ({
    pid: 1,
    tid: 1,
    fd: 5,
    iov: [],
    line: 1,
    ret: 0n,
    ...o,
  });
  const reg = (iov: Call["iov"]) => call({ syscall: "io_uring_register", opcode: 0, iov });
  assert.equal(cls.classify(call({ syscall: "io_uring_setup", fd: -1, ret: 5n })).kind, "book");
  assert.equal(cls.classify(reg([{ base: 0x7f0000000000n, len: 4096n }])).kind, "register");
  assert.equal(cls.classify(call({ syscall: "io_uring_register", opcode: 1 })).kind, "unregister");
  assert.deepEqual(cls.classify(reg([{ len: 4096n }])), {
    kind: "skip",
    reason: "buffer registration without addresses",
  });
  assert.equal(cls.classify(reg([{ base: 0x7f0000002000n, len: 4096n }])).kind, "register");
});

Deno.test("io_uring READV_FIXED: len is an iovec count, and the request is left out by name", async () => {
  const [sqe] = await collect(parseBpftrace(
    lines(
      [
        "# itertrace-capture v2 clock=monotonic_ns filter=",
        "10 7 7 sqe req=0xffff1 opcode=60 fd=3 addr=0x7f0000001000 len=0x2 pos=0 buf_index=0 sqe_flags=0x0 comm=t",
        "11 7 7 cqe req=0xffff1 res=8192",
      ].join("\n"),
    ),
    "c",
  ));
  assert.deepEqual([sqe.opcode, sqe.vlen, sqe.iov], [60, 2, []]);
  assert.deepEqual(new Classifier({}).classify(sqe), {
    kind: "skip",
    reason:
      "io_uring READV_FIXED: iovecs over a registered buffer (io_import_reg_vec, 6.15+) are not modelled",
  });
});

Deno.test("io_uring: a request on a registered file (IOSQE_FIXED_FILE) does not look its index up as an fd", async () => {
  const calls = await collect(parseBpftrace(
    lines(
      [
        "# itertrace-capture v2 clock=monotonic_ns filter=",
        "10 7 7 openat dfd=-100 flags=0x4002 comm=t",
        "10 7 7 path /tmp/f",
        "10 7 7 ret 3",
        "20 7 7 sqe req=0xa opcode=22 fd=3 addr=0x7f0000001000 len=0x1000 pos=0 buf_index=0 sqe_flags=0x400000 comm=t",
        "21 7 7 sqe req=0xb opcode=22 fd=3 addr=0x7f0000001000 len=0x1000 pos=0 buf_index=0 sqe_flags=0x400001 comm=t",
        "30 7 7 cqe req=0xa res=4096",
        "31 7 7 cqe req=0xb res=4096",
      ].join("\n"),
    ),
    "c",
  ));
  const cls = new Classifier({});
  const [open, byFd, byIndex] = calls.map((c) => cls.classify(c));
  assert.equal(open.kind, "book");
  assert.deepEqual(byFd, { kind: "uring_rw", read: true, fixed: false });
  assert.match((byIndex as { reason: string }).reason, /registered file \(IOSQE_FIXED_FILE\)/);
  assert.equal(new Classifier({ assumeDirect: true }).classify(calls[2]).kind, "uring_rw");
});
