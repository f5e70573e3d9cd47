/**
 * `itertrace live` end to end on a fake kernel (tests/live_fake_kernel.ts): the command's own
 * code (src/live/command.ts, kernel.ts, vmstat.ts, libc.ts) runs unchanged, meeting a machine
 * the test controls instead of root, FFI and a block device. Played by the recorded kernel
 * (fixtures/live), the command reproduces the recorded run; played by a kernel that disagrees,
 * it reports the disagreement and exits 1; on a machine it cannot judge, it refuses with one
 * line and exit 2, leaving nothing behind.
 */
import assert from "node:assert/strict";
import { runCliOn } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import {
  type Answer,
  FakeKernel,
  type FakeOptions,
  type LiveRec,
  loadRecording,
  plainAnswer,
  recordedAnswer,
} from "./live_fake_kernel.ts";

const REC = loadRecording("6.18.44-seed1.jsonl");
const FACTS = REC.head.facts as { uname: string };
const TEST_FILE = "/tmp/itertrace-live.4242";

function errnoName(r: number): string {
  return r === -22 ? "-EINVAL" : r === -14 ? "-EFAULT" : r < 0 ? String(r) : `0x${r.toString(16)}`;
}

/** The line `live` prints for a case, from the record alone. */
function caseLine(rec: LiveRec, label: string, model = rec.model): string {
  const k = rec.kernel;
  const ok = model.ret === k.ret && model.acquired === k.acquired &&
    model.released === k.released;
  return `${
    ok ? "agree   " : "DISAGREE"
  } ${label} ${rec.shape.syscall} ${rec.shape.segs.length} segs ${rec.shape.kind}: kernel ${
    errnoName(k.ret)
  } pins ${k.acquired}/${k.released}${k.stable ? "" : " (runs never agreed)"}, model ${
    errnoName(model.ret)
  } pins ${model.acquired}/${model.released}`;
}

async function live(args: string[], opts: FakeOptions = {}, files: Record<string, string> = {}) {
  const k = new FakeKernel({ answer: recordedAnswer(REC.recs), ...opts });
  const io = fakeIo(files);
  const code = await runCliOn(["live", ...args], io, k.system);
  return { code, out: io.out, err: io.err, k, files };
}

/** Nothing left behind: the test file removed, every fd closed, every mapping unmapped. */
function clean(k: FakeKernel) {
  assert.deepEqual([...k.files.keys()], [], "files left behind");
  assert.equal(k.openFds(), 0, "descriptors left open");
  assert.deepEqual(k.mappings, [], "mappings left behind");
}

Deno.test("live on the recorded kernel: the first 30 cases of seed 1 agree, as recorded, and --record writes them back", async () => {
  const n = 30;
  const { code, out, err, k, files } = await live(
    ["--random", String(n), "--seed", "1", "--record", "/rec.jsonl"],
  );
  assert.equal(code, 0, out + err);
  const recs = REC.recs.slice(0, n);
  const lines = out.split("\n");
  assert.equal(
    lines[0],
    `itertrace live   kernel ${FACTS.uname} (replayed as 6.18.44), ext4 on vda`,
  );
  assert.equal(
    lines[1],
    "  read faults map the zero page: no (mm_forbids_zeropage: traces say no_zero_page)",
  );
  assert.equal(lines[2], "  dma_alignment 511, logical block 512");
  assert.equal(lines[3], `  ${n} random cases, seed 1`);
  assert.deepEqual(lines.slice(5, 5 + n), recs.map((r) => caseLine(r, `#${r.case}`)));
  assert.equal(lines[5 + n + 1], `${n}/${n} agree (seed 1), kernel ${FACTS.uname}`);
  assert.equal(err, "recorded /rec.jsonl\n");
  // the recording made on the fake is the real one: the same shapes, kernel answers (runs
  // included: case 25's runs never agreed), frames, model answers and traces
  const written = files["/rec.jsonl"].trim().split("\n").map((l) => JSON.parse(l));
  const { pins_now, ...head } = written[0];
  const { pins_now: _, ...recHead } = REC.head;
  assert.deepEqual(head, { ...recHead, count: n, agree: n });
  assert.deepEqual(pins_now, k.shown);
  assert.deepEqual(written.slice(1), recs);
  assert.ok(recs.some((r) => !r.kernel.stable) && recs.some((r) => r.shape.thp));
  assert.ok(recs.some((r) => r.shape.syscall === "vmsplice"));
  // every file I/O was O_DIRECT on the test file, which is gone afterwards
  assert.ok(k.calls.every((c) => c.syscall === "vmsplice" || (c.direct && c.path === TEST_FILE)));
  assert.deepEqual(k.removed, [TEST_FILE]);
  clean(k);
});

Deno.test("live: a kernel that pins one page more than the model on one case is reported, -q prints only it, exit 1", async () => {
  const bump = (rec: LiveRec, a: Answer) =>
    rec.case === 7 ? { ...a, acquired: a.acquired + 1, released: a.released + 1 } : a;
  const { code, out } = await live(["--random", "12", "-q"], {
    answer: recordedAnswer(REC.recs, bump),
  });
  assert.equal(code, 1);
  const r7 = REC.recs[7];
  const seen = {
    ...r7,
    kernel: { ...r7.kernel, acquired: r7.kernel.acquired + 1, released: r7.kernel.released + 1 },
  };
  const body = out.split("\n\n")[1];
  assert.equal(body, caseLine(seen, "#7"));
  assert.match(body, /^DISAGREE #7 preadv 4 segs aligned: kernel 0xfc00 pins /);
  assert.match(out, /\n11\/12 agree \(seed 1\), kernel /);
});

Deno.test("live: a kernel that fails a case the model completes (EFAULT) is a disagreement", async () => {
  const fault = (rec: LiveRec, a: Answer) =>
    rec.case === 4 ? { ...a, ret: -14, acquired: 0, released: 0 } : a;
  const { code, out, k } = await live(["--random", "5"], {
    answer: recordedAnswer(REC.recs, fault),
  });
  assert.equal(code, 1);
  const r4 = REC.recs[4];
  const seen = { ...r4, kernel: { ...r4.kernel, ret: -14, acquired: 0, released: 0 } };
  assert.ok(out.includes(`\n${caseLine(seen, "#4")}\n`), out);
  assert.match(out, /\nDISAGREE #4 preadv 2 segs aligned: kernel -EFAULT pins 0\/0, model 0x4c00 /);
  assert.match(out, /\n4\/5 agree \(seed 1\)/);
  clean(k);
});

Deno.test("live: other processes pinning during every bracket: no two quiet runs, so each case says its runs never agreed", async () => {
  const { code, out, k } = await live(["--random", "2"], { background: () => 1 });
  assert.equal(code, 1);
  const lines = out.split("\n").filter((l) => / #\d /.test(l));
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, /^DISAGREE .*\(runs never agreed\), model /);
  // six runs per case, four stat_refresh reads each, after the probe's runs
  const caseCalls = k.calls.filter((c) => c.path === TEST_FILE && c.segs.length > 1);
  assert.equal(caseCalls.length, 12);
  clean(k);
});

Deno.test("live TRACE: recorded traces run as their syscall and agree; a trace no process can perform is skipped with its reason", async () => {
  const a = REC.recs[14]; // vmsplice
  const b = REC.recs[28]; // preadv of 54 segments
  const files = {
    "/t/splice case.json": JSON.stringify(a.trace),
    "/t/read.json": JSON.stringify(b.trace),
    "/t/kvec.yaml": [
      "itertrace: 1",
      "name: kvec",
      "memory: {kernel: [{region: k, size: 4096}]}",
      "ops:",
      "  - {op: iov_iter_kvec, iter: it, dir: source, kvec: [{base: k+0, len: 512}]}",
      "",
    ].join("\n"),
  };
  // the traces' shapes are the recorded ones, so the recorded kernel answers them
  const recs = [a, b].map((r) => ({ ...r, shape: { ...r.shape, kind: "trace" } }));
  const { code, out, k, files: after } = await live(
    ["/t/splice case.json", "/t/kvec.yaml", "/t/read.json", "--record", "/r.jsonl"],
    { answer: recordedAnswer(recs) },
    files,
  );
  assert.equal(code, 0, out);
  assert.match(out, /\n {2}3 traces\n/);
  assert.match(
    out,
    /\nskip {5}\/t\/kvec\.yaml: its first iterator is not user memory \(import_iovec, iov_iter_init, iov_iter_ubuf\)\n/,
  );
  assert.ok(out.includes(`\n${caseLine(recs[0], "/t/splice case.json")}\n`), out);
  assert.ok(out.includes(`\n${caseLine(recs[1], "/t/read.json")}\n`), out);
  assert.match(out, /\n2\/2 agree, kernel 6\.18\.44-fc-v1045; 1 traces cannot run on a kernel\n$/);
  const written = after["/r.jsonl"].trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(written.slice(1).map((r) => r.trace.name), ["live-splice_case", "live-read"]);
  assert.deepEqual(written.slice(1).map((r) => r.trace.memory), [a, b].map((r) => r.trace.memory));
  clean(k);
});

Deno.test("live refuses, exit 2 with one line, where it cannot judge", async () => {
  const cases: [string[], FakeOptions, RegExp][] = [
    [["--random", "3"], { os: "darwin" }, /^error: itertrace live runs on Linux only\n$/],
    [
      ["--random", "3"],
      { uid: 1000 },
      /^error: itertrace live must run as root: .*sudo deno task live/,
    ],
    [
      ["--random", "3"],
      { vmstat: "no-pins" },
      /no nr_foll_pin_\* counters in \/proc\/vmstat \(5\.8 or later\)/,
    ],
    [["--random", "3"], { vmstat: "missing" }, /no nr_foll_pin_\* counters/],
    [[], {}, /^error: give trace files to run, or --random N\n$/],
    [["--random", "0"], {}, /--random must be a count from 1 to 100000, got "0"/],
    [["--random", "1e6"], {}, /--random must be a count from 1 to 100000, got "1e6"/],
    [["--random", "2.5"], {}, /got "2\.5"/],
    [["--random", "3", "--seed", "-1"], {}, /^error: --seed must be a whole number\n$/],
  ];
  for (const [args, opts, re] of cases) {
    const { code, out, err, k } = await live(args, opts);
    assert.equal(code, 2, `${args} ${JSON.stringify(opts)}: ${out}${err}`);
    assert.match(err, re);
    assert.equal(out, "");
    assert.equal(k.calls.length, 0, "no I/O before the checks");
    clean(k);
  }
});

Deno.test("live refuses a test file it cannot use, and removes it", async () => {
  const cases: [string[], FakeOptions, RegExp][] = [
    [
      ["--random", "1", "--dir", "/fuse/"],
      { noDirect: ["/fuse"] },
      /^error: cannot open \/fuse\/itertrace-live\.4242 with O_DIRECT \(errno 22\)\n$/,
    ],
    [
      ["--random", "1", "--dir", "/dev/shm"],
      { tmpfs: ["/dev/shm"] },
      /^error: \/dev\/shm\/itertrace-live\.4242 is not on a block device \(no \/sys\/dev\/block\/0:45\/queue\): give --dir/,
    ],
    [
      ["--random", "1"],
      { extents: () => [{ start: 0, len: 8 << 20 }, { start: 8 << 20, len: 24 << 20 }] },
      /the test file's first extent is 8388608 bytes at 0, smaller than the largest request \(16777216\)/,
    ],
    [
      ["--random", "1"],
      {
        answer: (c) =>
          c.segs.length === 1 && c.segs[0].len === 1 << 20
            ? { ret: -28, acquired: 0, released: 0 }
            : plainAnswer(c),
      },
      /^error: writing \/tmp\/itertrace-live\.4242 with O_DIRECT failed \(-28\)\n$/,
    ],
    [
      ["--random", "1"],
      // a file system that copies instead of pinning (the probe read takes no pins)
      { answer: (c) => ({ ...plainAnswer(c), acquired: 0, released: 0 }) },
      /^error: O_DIRECT on \/tmp \(ext4 on vda\) takes no pins: give --dir on a block-device file system\n$/,
    ],
    [
      ["--random", "1"],
      { release: "4.19.0-27-amd64" },
      /^error: the running kernel 4\.19\.0-27-amd64 is outside the model: /,
    ],
    [
      ["--random", "1"],
      { release: "weird" },
      /^error: cannot read a release from uname "weird"\n$/,
    ],
  ];
  for (const [args, opts, re] of cases) {
    const { code, err, k } = await live(args, opts);
    assert.equal(code, 2, `${JSON.stringify(opts)}: ${err}`);
    assert.match(err, re);
    assert.equal(k.removed.length, 1, "the test file was made and removed");
    clean(k);
  }
});

Deno.test("live: a machine whose read faults map the zero page says so, and its traces do not say no_zero_page", async () => {
  const { out, files } = await live(["--random", "1", "--record", "/z.jsonl"], {
    zeroPage: true,
    answer: plainAnswer,
  });
  assert.match(out, /\n {2}read faults map the zero page: yes\n/);
  const rec = JSON.parse(files["/z.jsonl"].split("\n")[1]);
  assert.equal(rec.trace.memory.no_zero_page, undefined);
  assert.equal(JSON.parse(files["/z.jsonl"].split("\n")[0]).facts.zeroPage, true);
});

Deno.test("live: mmap failing is an error naming errno, not a verdict, and leaves nothing behind", async () => {
  const k = new FakeKernel({ mmapFailsFrom: 1 });
  await assert.rejects(
    runCliOn(["live", "--random", "1"], fakeIo(), k.system),
    /^Error: mmap: errno 12$/,
  );
  assert.deepEqual(k.removed, [TEST_FILE]);
  clean(k);
});
