/**
 * The bug gallery (traces/gallery) replayed in every modelled release and on both sides of
 * every era boundary, stable point releases included: each trace's expectations are guarded
 * by `when` conditions naming the releases of the kernel's history, so a row of the era
 * table that moves by one release makes a trace here fail. A trace that names a linux-next
 * snapshot (bugs no tag carried) is replayed in every modelled snapshot too, and in the
 * releases each snapshot sits between (its base and the base's first stable release);
 * `check` skips snapshots for the others.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { collectTraces } from "../src/cli/check.ts";
import { boundaryReleases, modelledEras, nextSnapshots, parseRelease } from "../src/profile.ts";
import { fakeIo } from "./_io.ts";

const files = await collectTraces(fakeIo(), ["traces/gallery"]);
const releases = [...new Set([...modelledEras(), ...boundaryReleases()])];
const snapshots = nextSnapshots().flatMap((n) => {
  const [x, y] = parseRelease(n)!;
  return [`${x}.${y}`, n, `${x}.${y}.1`];
});

Deno.test("the gallery holds traces, each with expectations on both sides of its fix", async () => {
  assert.ok(files.length >= 6);
  for (const f of files) {
    const text = await Deno.readTextFile(f);
    assert.ok((text.match(/\bwhen: /g) ?? []).length >= 2, `${f}: needs era-guarded expectations`);
  }
});

for (const file of files) {
  Deno.test(`gallery ${file} in every release`, async () => {
    const bad: string[] = [];
    let ran = 0;
    const named = /\bnext-\d{8}\b/.test(await Deno.readTextFile(file));
    for (const k of named ? [...new Set([...releases, ...snapshots])] : releases) {
      const io = fakeIo();
      await runCli(["check", "--format", "json", "--kernel", k, file], io);
      const t = JSON.parse(io.out).traces[0];
      if (t.status === "pass") ran++;
      else if (t.status !== "skip") {
        bad.push(`${k}: ${t.status} ${JSON.stringify(t.failures ?? t.error)}`);
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(ran >= 2, `${file} ran in ${ran} releases`);
  });
}
