/**
 * The recorded `itertrace live` runs (fixtures/live/*.jsonl): every case's trace, replayed by
 * the model in the recorded kernel's era, must give what the real kernel gave (the syscall's
 * return and /proc/vmstat's pins acquired and released). CI is not root and runs no kernel:
 * the kernel side is the recording.
 */
import assert from "node:assert/strict";
import { modelOutcomeOfTrace } from "../src/live/to_trace.ts";

const DIR = new URL("../fixtures/live/", import.meta.url);

const files: string[] = [];
for (const e of Deno.readDirSync(DIR)) if (e.name.endsWith(".jsonl")) files.push(e.name);
files.sort();

Deno.test("fixtures/live holds a recorded run of at least 300 random cases", () => {
  let most = 0;
  for (const f of files) {
    const lines = Deno.readTextFileSync(new URL(f, DIR)).trim().split("\n");
    most = Math.max(most, lines.length - 1);
  }
  assert.ok(most >= 300, `largest recorded run has ${most} cases`);
});

for (const f of files) {
  Deno.test(`live recording ${f}: the model agrees with the kernel on every case`, async () => {
    const lines = Deno.readTextFileSync(new URL(f, DIR)).trim().split("\n");
    const head = JSON.parse(lines[0]);
    assert.deepEqual(head.itertrace_live, 1);
    let unaligned = 0;
    const bad: string[] = [];
    for (const line of lines.slice(1)) {
      const rec = JSON.parse(line);
      if (!/^aligned/.test(rec.shape.kind)) unaligned++;
      const got = await modelOutcomeOfTrace(rec.trace, rec.shape.syscall);
      const k = rec.kernel;
      if (got.ret !== k.ret || got.acquired !== k.acquired || got.released !== k.released) {
        bad.push(
          `#${rec.case} ${rec.shape.kind}: kernel ${k.ret} ${k.acquired}/${k.released}, model ${got.ret} ${got.acquired}/${got.released}`,
        );
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(unaligned > 0, "the recording includes unaligned cases");
  });
}
