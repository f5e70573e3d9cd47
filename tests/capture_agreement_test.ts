/**
 * Captured workloads agree with the kernel: every capture in fixtures/captures (bpftrace and
 * strace, recorded on a real 6.18 machine by fixtures/captures/record.sh) is imported with no
 * options, replayed, and its pin totals must equal what /proc/vmstat counted for plain runs
 * of the same command (kernel-pins.json).
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

interface Workload {
  workload: string;
  command: string;
  kernel: string;
  stable: boolean;
  pins_acquired: number;
  pins_released: number;
  /** Captured with `capture.sh -p` (page frames): bpftrace only, no strace recording. */
  pfns?: boolean;
}

const DIR = "fixtures/captures";
const { workloads } = JSON.parse(await Deno.readTextFile(`${DIR}/kernel-pins.json`)) as {
  workloads: Workload[];
};

async function importAndReplay(kind: string, file: string) {
  const files: Record<string, string> = {};
  const io = fakeIo(files);
  const code = await runCli(["import", kind, file, "-o", "out.yaml"], io);
  assert.equal(code, 0, io.err);
  assert.match(io.err, /captured calls: \d+ modelled/, "the summary is on stderr");
  const io2 = fakeIo(files);
  assert.equal(await runCli(["replay", "-q", "-f", "json", "out.yaml"], io2), 0, io2.err);
  return { trace: files["out.yaml"], summary: JSON.parse(io2.out).summary, err: io.err };
}

/**
 * strace sees io_uring_enter but not the requests in the submission ring: a plain io_uring
 * workload cannot be modelled from it, and the import must say so and exit 1.
 */
const NOT_CAPTURABLE: Record<string, RegExp> = {
  "fio-io_uring.strace":
    /submissions are modelled from the io_uring tracepoints.*strace cannot see them/,
};

for (const w of workloads) {
  const kinds = w.pfns
    ? [["bpftrace", "bt.txt"]]
    : [["bpftrace", "bt.txt"], ["strace", "strace.txt"]];
  for (const [kind, ext] of kinds) {
    const why = NOT_CAPTURABLE[`${w.workload}.${kind}`];
    if (why) {
      Deno.test(`${w.workload} (${kind}): cannot be modelled, and the import says why (exit 1)`, async () => {
        const io = fakeIo({});
        const code = await runCli(
          ["import", kind, `${DIR}/${w.workload}.${ext}`, "-o", "out.yaml"],
          io,
        );
        assert.equal(code, 1);
        assert.match(io.err, why);
        assert.match(io.err, /nothing in .* was modelled/);
      });
      continue;
    }
    Deno.test(`${w.workload} (${kind}): the model pins what the kernel pinned (${w.pins_acquired}/${w.pins_released})`, async () => {
      assert.ok(w.stable, `the kernel's counts for ${w.workload} varied between runs`);
      const { summary, trace } = await importAndReplay(kind, `${DIR}/${w.workload}.${ext}`);
      assert.equal(summary.pins.acquired, w.pins_acquired, "pins acquired");
      assert.equal(summary.pins.released, w.pins_released, "pins released");
      assert.equal(summary.pins.outstanding, 0);
      assert.match(
        trace,
        w.pfns
          ? /Physical layout: the page frames the capture read from \/proc\/PID\/pagemap \((\d+) of \1 pages\)/
          : /Physical layout: .*no two pages are physically adjacent/,
      );
    });
  }
}

Deno.test("every workload of the issue has a recording", () => {
  const names = workloads.map((w) => w.workload);
  for (
    const n of [
      "dd-write",
      "dd-read",
      "fio-psync",
      "fio-pvsync",
      "fio-pvsync2",
      "fio-splice",
      "fio-io_uring",
      "fio-io_uring-fixedbufs",
      "python-preadv2",
      "vmsplice",
    ]
  ) assert.ok(names.includes(n), n);
});
