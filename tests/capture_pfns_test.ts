/**
 * Captures with page frames (`capture.sh -p`: /proc/PID/pagemap read after each buffer call)
 * replay to the bios the kernel built in the same run. fixtures/captures/<name>.blk.txt holds
 * what the block layer saw (traces/capture/bpftrace-blk.bt): each O_DIRECT write bio's size
 * as submitted (block_bio_queue) and where the queue split it (block_split, at max_segments
 * physical segments). The model's bios, built from the captured frames, must have the same
 * sizes in the same order, and the same split points: the kernel merges physically
 * contiguous pages into one bvec (one segment), so both depend on the frames. Without the
 * frames (the scattered layout) the sizes differ: the frames are what makes them agree.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const DIR = "fixtures/captures";
const { workloads } = JSON.parse(await Deno.readTextFile(`${DIR}/kernel-pins.json`)) as {
  workloads: { workload: string; pfns?: boolean; pins_acquired: number; pins_released: number }[];
};
const withFrames = workloads.filter((w) => w.pfns);

interface ModelBio {
  sectors: number;
  bvecLens: number[];
}

/** Imports a capture, replays it, returns the bios in the order they were built, and pins. */
async function modelBios(capture: string) {
  const files: Record<string, string> = { "cap.txt": capture };
  const io = fakeIo(files);
  assert.equal(await runCli(["import", "bpftrace", "cap.txt", "-o", "out.yaml"], io), 0, io.err);
  const io2 = fakeIo(files);
  assert.equal(await runCli(["replay", "-f", "json", "out.yaml"], io2), 0, io2.err);
  const r = JSON.parse(io2.out);
  const bios: ModelBio[] = [];
  for (const s of r.steps) {
    if (s.op !== "bio_iov_iter_get_pages") continue;
    for (const c of s.changes) {
      if (!c.path.startsWith("bio.") || c.before !== null) continue;
      bios.push({
        sectors: c.after.size / 512,
        bvecLens: (c.after.bvec as string[]).map((b) => parseInt(b.split("len ")[1], 16)),
      });
    }
  }
  return { bios, pins: r.summary.pins, trace: files["out.yaml"] };
}

/** The kernel's O_DIRECT write bios ("WS": REQ_SYNC writes) with their split points. */
function kernelBios(text: string) {
  const maxSegments = Number(/max_segments=(\d+)/.exec(text)?.[1]);
  const bios: { sector: number; sectors: number; splitAt?: number }[] = [];
  for (const l of text.split("\n")) {
    const [k, a, b, rwbs] = l.split(" ");
    if (rwbs !== "WS") continue;
    if (k === "Q") bios.push({ sector: Number(a), sectors: Number(b) });
    // a split bio is queued again from its remainder: the first split of a bio is the one
    if (k === "S") {
      const q = bios.findLast((x) => x.sector === Number(a));
      if (q && q.splitAt === undefined) q.splitAt = Number(b) - Number(a);
    }
  }
  // the remainder of a split is queued again (block_bio_queue): keep the bios as built
  const built = bios.filter((x, i) =>
    !bios.slice(0, i).some((y) => y.splitAt !== undefined && y.sector + y.splitAt === x.sector)
  );
  return { maxSegments, bios: built };
}

Deno.test("there are frame captures of dd and fio", () => {
  const names = withFrames.map((w) => w.workload);
  assert.ok(names.includes("dd-write-pfns") && names.includes("fio-write-pfns"), `${names}`);
});

for (const w of withFrames) {
  Deno.test(`${w.workload}: the model's bios from the captured frames are the kernel's (sizes, splits) and pin ${w.pins_acquired}`, async () => {
    const capture = await Deno.readTextFile(`${DIR}/${w.workload}.bt.txt`);
    const kernel = kernelBios(await Deno.readTextFile(`${DIR}/${w.workload}.blk.txt`));
    assert.ok(kernel.maxSegments > 0 && kernel.bios.length > 0, "the block recording is usable");
    const m = await modelBios(capture);
    assert.deepEqual(m.bios.map((b) => b.sectors), kernel.bios.map((b) => b.sectors), "bio sizes");
    kernel.bios.forEach((k, i) => {
      const lens = m.bios[i].bvecLens;
      if (k.splitAt === undefined) {
        assert.ok(
          lens.length <= kernel.maxSegments,
          `bio ${i}: not split, so at most max_segments bvecs`,
        );
      } else {
        const first = lens.slice(0, kernel.maxSegments).reduce((s, n) => s + n, 0) / 512;
        assert.equal(first, k.splitAt, `bio ${i}: split after max_segments segments`);
      }
    });
    assert.equal(m.pins.acquired, w.pins_acquired);
    assert.equal(m.pins.released, w.pins_released);
  });

  Deno.test(`${w.workload}: without the frames the model's bios are not the kernel's`, async () => {
    const capture = (await Deno.readTextFile(`${DIR}/${w.workload}.bt.txt`))
      .split("\n").filter((l) => !/ pfns va=/.test(l)).join("\n");
    const kernel = kernelBios(await Deno.readTextFile(`${DIR}/${w.workload}.blk.txt`));
    const m = await modelBios(capture);
    assert.match(m.trace, /no two pages are physically adjacent/);
    assert.notDeepEqual(m.bios.map((b) => b.sectors), kernel.bios.map((b) => b.sectors));
  });
}

const SMALL = `# itertrace-capture v3 clock=monotonic_ns filter=t pfns=pagemap
100 7 7 openat dfd=-100 flags=0x4002 comm=t
100 7 7 path /data
100 7 7 ret 3
200 7 7 pwrite64 fd=3 base=0x7f0000000000 len=0x3000 pos=0 comm=t
200 7 7 ret 12288
201 7 7 pfns va=0x7f0000000000 5000,5001,-
`;

Deno.test("pfns lines: captured frames are used as they are, missing pages get frames of their own, adjacent ones merge", async () => {
  const m = await modelBios(SMALL);
  assert.match(m.trace, /pagemap \(2 of 3 pages; the others, never seen present/);
  assert.match(m.trace, /pfns:\n\s+- "0x5000"\n\s+- "0x5001"\n\s+- "0x5003"/);
  // 0x5000 and 0x5001 are contiguous: one bvec of 8 KiB, then the third page on its own
  assert.deepEqual(m.bios.map((b) => b.bvecLens), [[0x2000, 0x1000]]);
});

Deno.test("pfns lines: a frame seen under two pages is given to the first only, and said", async () => {
  const m = await modelBios(
    SMALL.replace("5000,5001,-", "5000,5001,5000") +
      "300 7 7 pfns va=0x7f0000000000 6000\n",
  );
  assert.match(
    m.trace,
    /2 pages whose frame changed during the capture or was seen under another page/,
  );
  assert.deepEqual(m.pins, { acquired: 3, released: 3, outstanding: 0 });
});

Deno.test("pfns lines: malformed ones are positioned errors (exit 2); v4 is refused", async () => {
  const cases: [string, RegExp][] = [
    [SMALL.replace("5000,5001,-", "5000,xyz"), /cap\.txt:7:37: pfn "xyz": expected hex or -/],
    [
      SMALL.replace("va=0x7f0000000000 5000", "va=0x7f0000000010 5000"),
      /cap\.txt:7:\d+: pfns va 0x7f0000000010 is not page-aligned/,
    ],
    [
      SMALL.replace("201 7 7 pfns va=0x7f0000000000 5000,5001,-", "201 7 7 pfns 5000"),
      /cap\.txt:7:\d+: expected: pfns va=/,
    ],
    [
      SMALL.replace("v3", "v4"),
      /cap\.txt:1:1: itertrace-capture v4 is newer than this importer \(v3\)/,
    ],
  ];
  for (const [text, want] of cases) {
    const io = fakeIo({ "cap.txt": text });
    assert.equal(await runCli(["import", "bpftrace", "cap.txt"], io), 2, text);
    assert.match(io.err, want);
  }
});

/** Whether a command runs here. */
async function has(cmd: string): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args: ["--version"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "pagemap.py: reads the frames of a stopped process's buffers, drops the stop line, continues the process",
  ignore: !(await has("python3")) || Deno.build.os !== "linux",
  fn: async () => {
    // a process to read: its stack is mapped and present
    const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
    try {
      // (Deno asks for --allow-all to read /proc/PID files itself; cat is a plain run)
      const maps = new TextDecoder().decode(
        (await new Deno.Command("cat", { args: [`/proc/${child.pid}/maps`] }).output()).stdout,
      );
      const stack = /^([0-9a-f]+)-([0-9a-f]+) .*\[stack\]$/m.exec(maps)!;
      const top = BigInt(`0x${stack[2]}`) - 0x1000n;
      const pid = child.pid;
      const input = [
        "# itertrace-capture v2 clock=monotonic_ns filter=sleep",
        `10 ${pid} ${pid} read fd=0 base=0x${(top + 0x10n).toString(16)} len=0x20 comm=sleep`,
        `10 ${pid} ${pid} ret 32`,
        `11 ${pid} ${pid} stop`,
        "",
      ].join("\n");
      const p = new Deno.Command("python3", {
        args: ["traces/capture/pagemap.py"],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const w = p.stdin.getWriter();
      await w.write(new TextEncoder().encode(input));
      await w.close();
      const out = new TextDecoder().decode((await p.output()).stdout).split("\n");
      assert.equal(out[0], "# itertrace-capture v3 clock=monotonic_ns filter=sleep pfns=pagemap");
      assert.ok(!out.some((l) => / stop$/.test(l)), "the stop line is not part of the capture");
      const line = out.find((l) => l.includes(" pfns "));
      assert.ok(line, out.join("\n"));
      // one page; root reads its frame, others read no frame
      assert.match(
        line,
        new RegExp(`^11 ${pid} ${pid} pfns va=0x${top.toString(16)} ([0-9a-f]+|-)$`),
      );
      const uid = new TextDecoder().decode(
        (await new Deno.Command("id", { args: ["-u"] }).output()).stdout,
      ).trim();
      if (uid === "0") assert.match(line, / [0-9a-f]+$/, "root sees the frame");
    } finally {
      child.kill();
      await child.status;
    }
  },
});
