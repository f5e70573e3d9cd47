/**
 * Every command the README shows, run as a developer would: from a directory outside the
 * repository (holding a copy of the traces and captures the commands name), through the
 * installed-style invocation (`deno run --config <repo>/deno.json <repo>/main.ts`) with only
 * the documented permissions: `--allow-read`, plus `--allow-write` for `-o` and `--update`.
 * No command may crash, ask for another permission or print a stack trace. The README's
 * `deno install` line is run too (into a temporary root) and the installed command used.
 */
import assert from "node:assert/strict";

const REPO = Deno.cwd();
const README = await Deno.readTextFile(`${REPO}/README.md`);

/** The README's runnable itertrace command lines, as argument lists. */
function readmeCommands(): string[][] {
  const out: string[][] = [];
  for (const line of README.split("\n")) {
    const m = /^ {4}(?:npx -y deno@2 task )?itertrace (.*)$/.exec(line);
    if (!m) continue;
    const args = m[1].replace(/\s+#.*$/, "").trim().split(/\s+/);
    out.push(args.map((a) => a === "TRACE" ? "traces/examples/jsonl-direct-read.jsonl" : a));
  }
  return out;
}

async function run(
  cmd: string,
  args: string[],
  cwd: string,
  stdin?: string,
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const o = await child.output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** A developer's tree outside the repository, with the files the README's commands name. */
async function devTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "itertrace-dev-" });
  for (const sub of ["traces", "fixtures"]) {
    const r = await run("cp", ["-r", `${REPO}/${sub}`, `${dir}/${sub}`], "/");
    assert.equal(r.code, 0, r.err);
  }
  await Deno.copyFile(
    `${REPO}/traces/examples/kvec-to-sg-short-table.yaml`,
    `${dir}/my-trace.yaml`,
  );
  return dir;
}

function judge(args: string[], r: { code: number; out: string; err: string }): void {
  const what = `itertrace ${args.join(" ")}\n${r.err}`;
  assert.doesNotMatch(r.err, /internal error|NotCapable|Requires \w+ access|^\s+at /m, what);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${what}`);
}

Deno.test({
  name: "every README command runs from outside the repository under the documented permissions",
  sanitizeResources: false,
  fn: async () => {
    const dir = await devTree();
    const cmds = readmeCommands();
    assert.ok(cmds.length >= 8, `found ${cmds.length} README commands`);
    let ran = 0;
    for (const args of cmds) {
      // a command reading what a root-only step before it captured (sudo capture.sh) cannot
      // run here: said, and skipped
      const missing = [];
      for (const a of args) {
        if (/\.(txt|strace|yaml|yml|jsonl|json)$/.test(a) && args[args.indexOf(a) - 1] !== "-o") {
          if (!(await Deno.stat(`${dir}/${a}`).then(() => true, () => false))) missing.push(a);
        }
      }
      if (missing.length) {
        console.log(
          `skipped: itertrace ${args.join(" ")} (needs ${
            missing.join(", ")
          } from a root-only capture)`,
        );
        continue;
      }
      ran++;
      const writes = args.includes("-o") || args.includes("--update") || args.includes("-u");
      const perms = writes ? ["--allow-read", "--allow-write"] : ["--allow-read"];
      const r = await run(
        Deno.execPath(),
        ["run", ...perms, "--config", `${REPO}/deno.json`, `${REPO}/main.ts`, ...args],
        dir,
      );
      judge(args, r);
      const o = args.indexOf("-o");
      if (o >= 0) assert.ok((await Deno.stat(`${dir}/${args[o + 1]}`)).isFile, args.join(" "));
    }
    assert.ok(ran >= 8, `ran ${ran} README commands`);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "-o without --allow-write is a one-line error; read-only commands need nothing more",
  sanitizeResources: false,
  fn: async () => {
    const dir = await devTree();
    const base = ["run", "--allow-read", "--config", `${REPO}/deno.json`, `${REPO}/main.ts`];
    const r = await run(
      Deno.execPath(),
      [...base, "report", "traces/examples/jsonl-direct-read.jsonl", "-o", "r.html"],
      dir,
    );
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^error: r\.html: cannot write: .*--allow-write/m);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    // a trace on standard input, YAML and JSON Lines
    const yaml = await Deno.readTextFile(
      `${REPO}/traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml`,
    );
    const y = await run(Deno.execPath(), [...base, "replay", "-q", "-"], dir, yaml);
    assert.equal(y.code, 0, y.err);
    assert.match(y.out, /verdict: 3 hazards/);
    const jsonl = await Deno.readTextFile(`${REPO}/traces/examples/jsonl-direct-read.jsonl`);
    const j = await run(Deno.execPath(), [...base, "replay", "-"], dir, jsonl);
    assert.equal(j.code, 0, j.err);
    assert.match(j.out, /#1 +bio_iov_iter_get_pages/);
    const bad = await run(Deno.execPath(), [...base, "replay", "-"], dir, "ops: [\n");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^<stdin>:1:\d+: /);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "the README's deno install line gives an itertrace that works from any directory",
  sanitizeResources: false,
  fn: async () => {
    const line = README.split("\n").find((l) => /^ {4}deno install -g /.test(l));
    assert.ok(line, "the README documents deno install");
    const root = await Deno.makeTempDir({ prefix: "itertrace-root-" });
    const args = line.trim().split(/\s+/).slice(1);
    // into a temporary root instead of ~/.deno
    args.splice(args.indexOf("-g") + 1, 0, "--root", root);
    const inst = await run(Deno.execPath(), args, REPO);
    assert.equal(inst.code, 0, inst.err);
    const dir = await devTree();
    const r = await run(`${root}/bin/itertrace`, [
      "replay",
      "-q",
      "traces/examples/jsonl-direct-read.jsonl",
    ], dir);
    judge(["replay"], r);
    assert.match(r.out, /verdict: clean/);
    const w = await run(`${root}/bin/itertrace`, [
      "report",
      "traces/examples/jsonl-direct-read.jsonl",
      "-o",
      "out.html",
    ], dir);
    judge(["report"], w);
    assert.ok((await Deno.stat(`${dir}/out.html`)).size > 1000);
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(root, { recursive: true });
  },
});
