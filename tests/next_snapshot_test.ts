/**
 * Linux-next snapshots as releases (issue 11, bugs 10 and 16): syntax, order between the base
 * release and its first stable release, which rows are in force, refusal of an unmodelled
 * snapshot (CLI, trace header, when: condition), golden ranges around snapshots, and the
 * releases a snapshot brings into a trace's era matrix.
 */
import assert from "node:assert/strict";
import {
  compareRelease,
  featureIn,
  isSnapshot,
  kernelProfile,
  nextRelease,
  nextSnapshots,
  notInEraReason,
  parseRelease,
  prevRelease,
  type Release,
  releaseName,
  releaseProblem,
  whenHolds,
} from "../src/profile.ts";
import { lastBefore, parseRange, rangeName, traceEras } from "../src/check/eras.ts";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const r = (s: string): Release => parseRelease(s)!;

Deno.test("a snapshot sits after its base and before the base's first stable release", () => {
  const order = ["6.12", "next-20241030", "next-20241101", "next-20241104", "6.12.1", "6.13"];
  for (let i = 1; i < order.length; i++) {
    assert.ok(compareRelease(r(order[i - 1]), r(order[i])) < 0, `${order[i - 1]} < ${order[i]}`);
  }
  assert.ok(compareRelease(r("next-20230228"), r("6.2.1")) < 0);
  assert.ok(compareRelease(r("6.2"), r("next-20230227")) < 0);
  assert.equal(releaseName(r("next-20241030")), "next-20241030");
  assert.ok(isSnapshot(r("next-20241030")) && !isSnapshot(r("6.12")));
  // neighbours: the snapshots of one base in turn, then the base or its X.Y.1
  assert.equal(releaseName(prevRelease(r("next-20241030"))!), "6.12");
  assert.equal(releaseName(nextRelease(r("next-20241030"))!), "next-20241031");
  assert.equal(releaseName(nextRelease(r("next-20241104"))!), "6.12.1");
  assert.equal(releaseName(prevRelease(r("next-20230228"))!), "next-20230227");
});

Deno.test("conditions: a stable release never holds in a snapshot, the base's range does", () => {
  const s = r("next-20241030");
  assert.equal(whenHolds(">=6.12.88 <6.13", s), false);
  assert.equal(whenHolds(">=6.12 <6.13", s), true);
  assert.equal(whenHolds(">=6.13", s), false);
  assert.equal(whenHolds(">=next-20241030 <next-20241104", s), true);
  assert.equal(whenHolds(">=next-20241030 <next-20241104", r("next-20241104")), false);
  assert.equal(whenHolds("next-20241101", r("next-20241101")), true);
});

Deno.test("a snapshot has its base's rows and the next release's rows that had entered", () => {
  // e4e535bff2bc (6.13) entered next-20241030, its walk fix 341468e0ab4b next-20241104
  assert.equal(featureIn("bvec_extract_multi", r("6.12")), false);
  assert.equal(featureIn("bvec_extract_multi", r("next-20241030")), true);
  assert.equal(featureIn("bvec_extract_walk_size_fix", r("next-20241101")), false);
  assert.equal(featureIn("bvec_extract_walk_size_fix", r("next-20241104")), true);
  assert.equal(featureIn("bvec_extract_multi", r("6.12.1")), false);
  // base rows stay; a 6.13 row with no recorded linux-next entry is not in
  assert.equal(featureIn("iter_folioq", r("next-20241030")), true);
  // no stable backport in a snapshot: kvec_to_sg_len_fix is in 6.12.88, not next-2024
  assert.equal(featureIn("kvec_to_sg_len_fix", r("6.12.88")), true);
  assert.equal(featureIn("kvec_to_sg_len_fix", r("next-20241104")), false);
});

Deno.test("the 6.3 merge window's snapshots: extraction in, the user-to-sg loop fixed on 0228", () => {
  // 7d58fe731028 and 018584697533 reached master by 23 Feb 2023; 4c0421fa6df1 next-20230228
  assert.equal(featureIn("extract_pages", r("6.2")), false);
  assert.equal(featureIn("extract_pages", r("next-20230227")), true);
  assert.equal(featureIn("extract_user_to_sg_loop_fix", r("next-20230227")), false);
  assert.equal(featureIn("extract_user_to_sg_loop_fix", r("next-20230228")), true);
  assert.equal(featureIn("extract_pages", r("6.2.1")), false);
  // rows of 6.3 without a recorded linux-next entry are not in the snapshots
  assert.equal(featureIn("smb_extract_iter_to_rdma_fn", r("next-20230228")), false);
  // rows of later releases are not in them either
  assert.equal(featureIn("extract_to_sg_unpin", r("next-20230228")), false);
});

Deno.test("an unmodelled snapshot is refused, naming the modelled ones", async () => {
  const why = releaseProblem("next-20241105")!;
  assert.match(why, /next-20241105: this linux-next snapshot is not modelled/);
  for (const n of nextSnapshots()) assert.ok(why.includes(n), n);
  assert.equal(parseRelease("next-20241105"), undefined);
  assert.equal(releaseProblem("next-20241030"), undefined);
  assert.match(releaseProblem("next-2024")!, /"next-2024" is not a release: .*next-YYYYMMDD/);
  const io = fakeIo();
  assert.equal(
    await runCli([
      "replay",
      "--kernel",
      "next-20241105",
      "traces/gallery/10-e4e535bff2bc-BVEC-extract-over_return.yaml",
    ], io),
    2,
  );
  assert.match(
    io.err,
    /next-20241105: this linux-next snapshot is not modelled .*; modelled linux-next snapshots: next-20230227/,
  );
});

Deno.test("a trace naming an unmodelled snapshot is refused at its position", async () => {
  const text = (kernel: string, when: string) =>
    `itertrace: 1\nname: t\nkernel: "${kernel}"\nmemory:\n  kernel: [{ region: k, kind: kmalloc, size: 4K }]\nops:\n  - op: iov_iter_kvec\n    iter: a\n    dir: source\n    kvec: [{ base: k, len: 16 }]\n    expect: { when: "${when}", ret: 16 }\n`;
  const dir = await Deno.makeTempDir();
  try {
    for (const [k, w, line] of [["next-20241105", ">=6.3", 3], ["6.12", "<next-20241105", 11]]) {
      const f = `${dir}/t.yaml`;
      await Deno.writeTextFile(f, text(k as string, w as string));
      const io = fakeIo();
      assert.equal(await runCli(["check", f], io), 2, `${k} ${w}`);
      assert.match(io.out + io.err, new RegExp(`t\\.yaml:${line}:\\d+: .*next-20241105`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("golden ranges around snapshots: X.Y.0 before them, snapshot names inside", () => {
  assert.equal(rangeName({ from: r("6.3"), to: lastBefore(r("next-20241030")) }), "6.3-6.12.0");
  assert.deepEqual(parseRange("6.3-6.12.0"), { from: r("6.3"), to: [6, 12, 0] });
  assert.equal(
    rangeName({ from: r("next-20241030"), to: lastBefore(r("next-20241104")) }),
    "next-20241030-next-20241101",
  );
  assert.equal(
    rangeName({ from: r("next-20241104"), to: lastBefore(r("6.12.1")) }),
    "next-20241104",
  );
  const p = parseRange("next-20241030-next-20241101")!;
  assert.equal(releaseName(p.from), "next-20241030");
  assert.equal(releaseName(p.to), "next-20241101");
  // a series range still covers its snapshots
  const series = parseRange("6.3-6.12")!;
  assert.ok(compareRelease(r("next-20241104"), series.to) < 0);
});

Deno.test("a trace naming a snapshot is checked in every one, with its base and X.Y.1", () => {
  const names = (rs: Release[]) => rs.map(releaseName);
  const with_ = names(traceEras(undefined, "next-20241101", [">=next-20241030 <next-20241104"]));
  for (const n of [...nextSnapshots(), "6.2", "6.2.1", "6.12", "6.12.1"]) {
    assert.ok(with_.includes(n), n);
  }
  // no snapshot named: none in the matrix
  const without = names(traceEras(undefined, "6.12", [">=6.13"]));
  assert.ok(!without.some((n) => n.startsWith("next-")));
});

Deno.test("check skips a snapshot for a trace that names none", async () => {
  const io = fakeIo();
  await runCli([
    "check",
    "--format",
    "json",
    "--kernel",
    "next-20241030",
    "traces/gallery/06-eea815a087cd-BVEC-extract-maxpages0.yaml",
  ], io);
  const t = JSON.parse(io.out).traces[0];
  assert.equal(t.status, "skip");
  assert.match(t.error, /linux-next snapshot and the trace names none/);
});

Deno.test("not_in_era in a snapshot names its base and the row's linux-next entry", () => {
  const why = (f: Parameters<typeof notInEraReason>[0], k: string) =>
    notInEraReason(f, kernelProfile(k));
  // a row of the release after the base with no recorded linux-next entry
  assert.equal(
    why("smb_extract_iter_to_rdma_fn", "next-20230228"),
    "added in 6.3, kernel is next-20230228, a linux-next snapshot on 6.2; " +
      "no linux-next entry is recorded for its commit",
  );
  // a row of the release after the base whose commit entered linux-next later
  assert.equal(
    why("bvec_extract_walk_size_fix", "next-20241101"),
    "added in 6.13, kernel is next-20241101, a linux-next snapshot on 6.12; " +
      "its commit entered linux-next in next-20241104",
  );
  // a row of a later release: the base says enough
  assert.equal(
    why("iter_folioq", "next-20230227"),
    "added in 6.12, kernel is next-20230227, a linux-next snapshot on 6.2",
  );
  // releases read as before
  assert.equal(why("iter_folioq", "6.2"), "added in 6.12, kernel is 6.2");
  assert.equal(why("bvec_extract_walk_size_fix", "next-20241104"), undefined);
});
