/**
 * The progress line: drawn on a terminal stderr only, after a second, never with CI set,
 * and erased at the end; CLI runs in tests (no terminal) never print it.
 */
import assert from "node:assert/strict";
import { Progress } from "../src/cli/progress.ts";
import { runCli } from "../src/cli/mod.ts";
import type { Io } from "../src/cli/io.ts";
import { fakeIo } from "./_io.ts";

function termIo(env: Record<string, string> = {}) {
  let t = 0;
  const io = fakeIo() as Io & { err: string };
  return {
    io: Object.assign(io, {
      stderrTerminal: true,
      now: () => t,
      env: (k: string) => env[k],
    }),
    at: (ms: number) => t = ms,
  };
}

Deno.test("Progress draws after a second on a terminal, throttled, and erases itself", () => {
  const { io, at } = termIo();
  const p = new Progress(io, "check");
  at(500);
  p.tick(1, 10, "a.yaml");
  assert.equal(io.err, "", "nothing in the first second");
  at(1500);
  p.tick(2, 10, "b.yaml");
  // deno-lint-ignore no-control-regex
  assert.match(io.err, /^\r\x1b\[Kcheck \[#####-+\] 2\/10 2 s b\.yaml$/);
  const drawn = io.err;
  at(1550);
  p.tick(3, 10, "c.yaml");
  assert.equal(io.err, drawn, "at most ten redraws a second");
  p.end();
  assert.ok(io.err.endsWith("\r\x1b[K"));
});

Deno.test("Progress stays silent with CI set, off a terminal, or when not wanted", () => {
  for (const make of [() => termIo({ CI: "true" }).io, () => termIo().io]) {
    const io = make();
    const off = io.env("CI") ? new Progress(io, "x") : new Progress(io, "x", false);
    (io as { now: () => number }).now = () => 5000;
    off.tick(1, 2);
    off.end();
    assert.equal(io.err, "");
  }
  const plain = fakeIo();
  const p = new Progress(plain, "x");
  p.tick(1, 2);
  assert.equal(plain.err, "");
});

Deno.test("check in a pipe (as in tests and CI) prints no progress line", async () => {
  const io = fakeIo();
  await runCli(["check", "traces/examples"], io);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(io.out + io.err, /\r|\x1b/);
});

Deno.test("replay -q on a terminal draws the line, reading the clock once per 1024 steps", async () => {
  const { longTrace } = await import("../bench/_long_trace.ts");
  const { io } = termIo();
  let reads = 0;
  // each clock read is a second later, so every tick that reads it draws
  (io as { now: () => number }).now = () => ++reads * 1000;
  const files = { "long.jsonl": longTrace(3000) };
  const run = Object.assign(fakeIo(files), { stderrTerminal: true, now: io.now, env: io.env });
  assert.equal(await runCli(["replay", "-q", "long.jsonl"], run), 0, run.err);
  // the constructor's read, then steps 1, 1025 and 2049
  assert.equal(reads, 4);
  assert.match(run.err, /replay 2049 \d+ s steps/);
  assert.ok(run.err.endsWith("\r\x1b[K"), "erased at the end");
});
