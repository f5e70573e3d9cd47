/**
 * CI semantics: `--fail-on` fails on its severity and every more severe one (warn < hazard <
 * bug, stated in help); JUnit carries times and readable classnames; `check` prints per-trace
 * and total time when it has a clock.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { failsOn, SEVERITY_ORDER } from "../src/cli/severity.ts";

const LEAK = "traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml"; // pin_leak: hazard
const LIMIT = "traces/explain/segment_limit.yaml"; // segment_limit: warn

async function code(args: string[]): Promise<number> {
  const io = fakeIo();
  return await runCli(args, io);
}

Deno.test("--fail-on: the named severity and everything more severe", async () => {
  for (const cmd of [["replay", "-q"], ["check"]]) {
    assert.equal(
      await code([...cmd, "--fail-on", "warn", LEAK]),
      1,
      `${cmd} warn fails on pin_leak`,
    );
    assert.equal(await code([...cmd, "--fail-on", "hazard", LEAK]), 1);
    assert.equal(await code([...cmd, "--fail-on", "bug", LEAK]), 0);
    assert.equal(await code([...cmd, "--fail-on", "warn", LIMIT]), 1);
    assert.equal(await code([...cmd, "--fail-on", "hazard", LIMIT]), 0, "a warn is below hazard");
    assert.equal(await code([...cmd, LEAK]), 0, "without --fail-on warnings do not fail");
  }
  assert.deepEqual(SEVERITY_ORDER, ["warn", "hazard", "bug"]);
  assert.ok(failsOn("bug", "warn") && !failsOn("warn", "bug"));
});

Deno.test("--fail-on help states the order", async () => {
  for (const cmd of ["replay", "check"]) {
    const io = fakeIo();
    await runCli([cmd, "--help"], io);
    assert.match(io.out.replace(/\s+/g, " "), /warn < hazard < bug/);
  }
});

/** A fake Io whose clock advances 25 ms at every reading. */
function clocked() {
  const io = fakeIo();
  let t = 0;
  return Object.assign(io, { now: () => (t += 25) });
}

Deno.test("JUnit: real times, the folder as classname, the file name as name", async () => {
  const io = clocked();
  assert.equal(await runCli(["check", "--format", "junit", "traces/examples"], io), 0, io.err);
  const cases = [
    ...io.out.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" file="[^"]*" time="([^"]*)"/g),
  ];
  assert.equal(cases.length, 4);
  for (const [, cls, name, time] of cases) {
    assert.equal(cls, "traces.examples");
    assert.doesNotMatch(name, /\//);
    assert.ok(Number(time) > 0, `time ${time}`);
  }
  assert.ok(cases.some((c) => c[2] === "jsonl-direct-read"));
  const suite = /<testsuite name="itertrace check"[^>]* time="([^"]*)"/.exec(io.out);
  assert.ok(suite && Number(suite[1]) > 0);
});

Deno.test("check text: a time per trace and in all", async () => {
  const io = clocked();
  assert.equal(await runCli(["check", "traces/examples"], io), 0, io.err);
  const lines = io.out.trim().split("\n");
  assert.equal(
    lines.filter((l) => /^pass +\d+\.\d{3} s {2}traces\/examples\/\S+$/.test(l)).length,
    4,
  );
  assert.match(lines[lines.length - 1], /^4 passed, 0 failed in \d+\.\d{3} s$/);
  // without a clock (as in goldens and snapshots) nothing time-dependent is printed
  const plain = fakeIo();
  await runCli(["check", "traces/examples"], plain);
  assert.doesNotMatch(plain.out, /\d s/);
});
