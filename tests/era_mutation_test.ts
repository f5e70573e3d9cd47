/**
 * The era-mutation test (issue 10): every row of the era table moved one release earlier or
 * later at either end, and each of its stable backports moved one point release, must make
 * some bundled trace fail `check` in the release the move changes. Moves no replay can reach
 * (every function the row changes is an op that does not exist in that release, or a
 * backport the model cannot observe) are reported as equivalent, not as unguarded.
 */
import assert from "node:assert/strict";
import { denoIo } from "../src/cli/io.ts";
import { type CheckRun, checkTrace, collectTraces } from "../src/cli/check.ts";
import { describeMutation, mutations, runMutations, unguarded } from "../src/check/era_mutation.ts";
import { type Feature, FEATURES, releaseName } from "../src/profile.ts";

Deno.test("every move of every era row is noticed by a bundled trace", async () => {
  const io = denoIo();
  const files = await collectTraces(io, ["traces/"]);
  // every trace is checked in many releases: read each once
  const run: CheckRun = { updated: [], kept: [], sources: new Map() };
  const results = await runMutations(
    files,
    async (f, r) => (await checkTrace(io, f, { format: "text" }, run, r))!.status,
  );
  const open = unguarded(results);
  const list = [...open].map(([row, ms]) => `${row}: ${ms.map(describeMutation).join(", ")}`);
  assert.deepEqual(list, []);
  // the table is unchanged afterwards, and every row with an end was moved
  const rows = new Set(results.map((r) => r.mutation.row));
  for (const [name, f] of Object.entries(FEATURES) as [string, Feature][]) {
    if (f.since || f.until) assert.ok(rows.has(name), `${name} was not moved`);
  }
});

Deno.test("mutations move each end one release each way and name the changed release", () => {
  const ms = mutations({
    demo: {
      since: [6, 19],
      until: [7, 2],
      what: "",
      functions: [],
      audit: { verdict: "new", note: "" },
    },
  });
  assert.deepEqual(ms.map((m) => [m.end, m.dir, m.release.join(".")]), [
    ["since", -1, "6.18"],
    ["since", 1, "6.19"],
    ["until", -1, "7.1"],
    ["until", 1, "7.2"],
  ]);
  assert.deepEqual(ms[1].moved.since, [7, 0]);
});

Deno.test("mutations move each stable backport one point release each way", () => {
  const ms = mutations({
    demo: {
      since: [7, 1],
      what: "",
      functions: [],
      introduced: {
        subject: "",
        release: "7.1",
        backports: ["6.12.88", "7.0.1"],
        evidence: "",
      },
      audit: { verdict: "new", note: "" },
    },
  }).filter((m) => m.backport);
  assert.deepEqual(ms.map((m) => [m.backport, m.dir, m.release.join(".")]), [
    ["6.12.88", -1, "6.12.87"],
    ["6.12.88", 1, "6.12.88"],
    // 7.0.1 one earlier would be mainline 7.0
    ["7.0.1", 1, "7.0.1"],
  ]);
  assert.deepEqual(ms[0].moved.introduced?.backports, ["6.12.87", "7.0.1"]);
  assert.equal(
    describeMutation({ ...ms[1], row: "netfs_limit_kvec" }),
    "since backport 6.12.88 -> 6.12.89",
  );
});

Deno.test("a recorded linux-next entry moves to the modelled snapshot before and after it", () => {
  const demo: Feature = {
    since: [6, 13],
    what: "",
    functions: [],
    introduced: { subject: "", release: "6.13", next: "next-20241101", evidence: "" },
    audit: { verdict: "new", note: "" },
  };
  const ms = mutations({ demo });
  const moves = ms.filter((m) => m.next).map((
    m,
  ) => [describeMutation({ ...m, row: "demo" }), releaseName(m.release)]);
  assert.deepEqual(moves, [
    ["since linux-next entry next-20241101 -> next-20241031", "next-20241031"],
    ["since linux-next entry next-20241101 -> next-20241104", "next-20241101"],
  ]);
  // moving since from 6.13 to 6.12 also reaches the 6.12 snapshots the row was not in
  const early = ms.find((m) => !m.next && m.end === "since" && m.dir < 0)!;
  assert.equal(releaseName(early.release), "6.12");
  assert.deepEqual(early.also?.map(releaseName), ["next-20241030", "next-20241031"]);
});
