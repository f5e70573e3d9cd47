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

/** A temporary copy of a bundled trace and its goldens. */
async function copied(trace: string): Promise<{ dir: string; file: string }> {
  const dir = await Deno.makeTempDir({ prefix: "itertrace-golden-" });
  const slash = trace.lastIndexOf("/");
  const base = trace.slice(slash + 1);
  for await (const e of Deno.readDir(trace.slice(0, slash))) {
    if (e.name === base || e.name.startsWith(`${base}.`) || e.name.startsWith(`${base}@`)) {
      await Deno.copyFile(`${trace.slice(0, slash)}/${e.name}`, `${dir}/${e.name}`);
    }
  }
  return { dir, file: `${dir}/${base}` };
}

Deno.test("check --kernel V compares the golden covering V and --update --kernel V writes it", async () => {
  // 6.18 runs the trace (main golden); 6.1 cannot (netfs_extract_user_iter is 6.3's): its
  // era-range golden says why, and is compared all the same
  const { dir, file } = await copied("traces/examples/async-dio-iovec-to-bvec.yaml");
  const cases: [string, string, RegExp][] = [
    ["6.18", `${file}.expected`, /iter\.bv {2}\+ \{kind: bvec/],
    [
      "6.1",
      `${file}@5.15-6.2.expected`,
      /not_in_era: netfs_extract_user_iter .* \(added in 6\.3\)/,
    ],
  ];
  for (const [era, golden, line] of cases) {
    const good = await Deno.readTextFile(golden);
    assert.match(good, line);
    assert.equal(await code(["check", "--kernel", era, file]), 0, `${era} matches its golden`);
    await Deno.writeTextFile(golden, good.replace(line, "something else"));
    const io = fakeIo();
    assert.equal(await runCli(["check", "--kernel", era, file], io), 1, `${era}: ${io.out}`);
    assert.match(io.out, /^FAIL /m);
    assert.ok(io.out.includes(`--- ${golden}`), io.out);
    const written: Record<string, string> = {};
    const up = fakeIo(written);
    assert.equal(await runCli(["check", "--update", "--kernel", era, file], up), 0, up.err);
    assert.ok(up.err.includes(`updated ${golden}`), up.err);
    assert.deepEqual(Object.keys(written), [golden], "only the golden covering the era");
    assert.equal(written[golden], good, `${era}: --update restores the golden`);
    await Deno.writeTextFile(golden, good);
  }
  await Deno.remove(dir, { recursive: true });
});
