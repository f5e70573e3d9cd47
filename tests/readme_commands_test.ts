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

/** A command line split into words, with the README's `TRACE` placeholder filled in. */
function words(text: string): string[] {
  const args = text.replace(/\s+#.*$/, "").trim().split(/\s+/);
  return args.map((a) => a === "TRACE" ? "traces/examples/jsonl-direct-read.jsonl" : a);
}

/**
 * The README's runnable itertrace commands, in order, each a pipeline of argument lists: the
 * indented command lines, and the commands quoted in the prose that have arguments (a bare
 * `itertrace check` there names the command; the Commands table covers every command bare).
 */
function readmeCommands(): string[][][] {
  const out: string[][][] = [];
  for (const line of README.split("\n")) {
    const m = /^ {4}(?:npx -y deno@2 task )?itertrace (.*)$/.exec(line);
    if (m) out.push([words(m[1])]);
    if (/^ {4}|^\|/.test(line)) continue;
    for (const q of line.matchAll(/`(itertrace [^`]*)`/g)) {
      const stages = q[1].split(/\s+\|\s+/).map((s) => s.replace(/^itertrace\s+/, ""));
      if (stages.every((s) => /^\S+\s+\S/.test(s))) out.push(stages.map(words));
    }
  }
  return out;
}

/**
 * Every row of the README's Commands table, by its first cell, run with the placeholders
 * filled in (each alternative, each optional argument with and without). A row added to the
 * README without an entry here fails the test; `live` needs root and a kernel (its own tests
 * drive it through a fake kernel), so it is named and skipped.
 */
const TABLE: Record<string, string[][] | "root"> = {
  "`itertrace replay TRACE`": [
    ["replay", "traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml"],
    ["replay", "--format", "md", "--expand", "my-trace.yaml"],
  ],
  "`itertrace check PATH...`": [["check", "traces/examples", "my-trace.yaml"]],
  "`itertrace live [TRACE...] [--random N] [--seed S]`": "root",
  "`itertrace validate PATH...`": [["validate", "traces/examples", "my-trace.yaml"]],
  "`itertrace compare TRACE --kernel A --kernel B` / `compare A B`": [
    [
      "compare",
      "traces/seed/IOVEC+async_dio+convert_before_return-clean.yaml",
      "--kernel",
      "6.1",
      "--kernel",
      "6.3",
    ],
    ["compare", "traces/examples/kvec-to-sg-short-table.yaml", "my-trace.yaml"],
  ],
  "`itertrace report TRACE -o out.html`": [["report", "my-trace.yaml", "-o", "out.html"]],
  "`itertrace import bpftrace\\|strace\\|syz FILE`": [
    ["import", "bpftrace", "cap.txt"],
    ["import", "strace", "run.strace"],
    ["import", "syz", "repro.syz"],
  ],
  "`itertrace eras [FUNCTION]`": [["eras"], ["eras", "iov_iter_extract_pages"]],
  "`itertrace lab [TRACE...]`": [["lab"], ["lab", "my-trace.yaml"]],
  "`itertrace ops [NAME]`": [["ops"], ["ops", "iov_iter_ubuf"]],
  "`itertrace explain [CODE]`": [["explain"], ["explain", "pin_leak"]],
  "`itertrace schema`": [["schema"]],
  "`itertrace completions bash\\|zsh\\|fish`": [
    ["completions", "bash"],
    ["completions", "zsh"],
    ["completions", "fish"],
  ],
  "`itertrace export kunit TRACE... --kernel ERA`": [
    ["export", "kunit", "my-trace.yaml", "--kernel", "6.12"],
  ],
};

/** The first cells of the README's Commands table (a `\\|` inside a cell is not a border). */
function tableRows(): string[] {
  return README.split("\n").filter((l) => l.startsWith("| `itertrace "))
    .map((l) => l.split(/(?<!\\)\|/)[1].trim());
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
  // the developer's own trace and captures, as the README's commands name them
  const own: Record<string, string> = {
    "my-trace.yaml": "traces/examples/kvec-to-sg-short-table.yaml",
    "cap.txt": "fixtures/captures/dd-read.bt.txt",
    "run.strace": "fixtures/captures/dd-read.strace.txt",
    "repro.syz": "fixtures/captures/syz/vmsplice-pipe.syz",
  };
  for (const [to, from] of Object.entries(own)) {
    await Deno.copyFile(`${REPO}/${from}`, `${dir}/${to}`);
  }
  return dir;
}

function judge(args: string[], r: { code: number; out: string; err: string }): void {
  const what = `itertrace ${args.join(" ")}\n${r.err}`;
  assert.doesNotMatch(r.err, /internal error|NotCapable|Requires \w+ access|^\s+at /m, what);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${what}`);
}

/**
 * Runs one pipeline of itertrace commands in `dir` under the documented permissions (each
 * stage's standard output is the next one's input) and judges every stage.
 */
async function pipeline(stages: string[][], dir: string): Promise<void> {
  let input: string | undefined;
  for (const args of stages) {
    const writes = args.includes("-o") || args.includes("--update") || args.includes("-u");
    const perms = writes ? ["--allow-read", "--allow-write"] : ["--allow-read"];
    const r = await run(
      Deno.execPath(),
      ["run", ...perms, "--config", `${REPO}/deno.json`, `${REPO}/main.ts`, ...args],
      dir,
      input,
    );
    judge(args, r);
    const o = args.indexOf("-o");
    if (o >= 0) assert.ok((await Deno.stat(`${dir}/${args[o + 1]}`)).size > 0, args.join(" "));
    else assert.ok(r.out.length > 0, `itertrace ${args.join(" ")} printed nothing`);
    input = r.out;
  }
}

Deno.test({
  name: "every README command runs from outside the repository under the documented permissions",
  sanitizeResources: false,
  fn: async () => {
    const dir = await devTree();
    const cmds = readmeCommands();
    const shown = cmds.map((c) => c.map((a) => a.join(" ")).join(" | "));
    // the commands of the tour, the report, capturing, stdin and the prose are all found
    for (
      const want of [
        "replay --expand traces/examples/jsonl-direct-read.jsonl",
        "import bpftrace cap.txt -o job.yaml",
        "replay -q job.yaml",
        "import strace run.strace | replay -",
        "import syz repro.syz -o repro.yaml",
        "check --update traces/",
        "lab --kernel 6.12",
      ]
    ) assert.ok(shown.includes(want), `README command not found: ${want}\n${shown.join("\n")}`);
    for (const stages of cmds) {
      if (stages[0][0] === "live") {
        console.log(`skipped: itertrace ${stages[0].join(" ")} (needs root and a kernel)`);
        continue;
      }
      await pipeline(stages, dir);
    }
    assert.ok(cmds.length >= 20, `ran ${cmds.length} README commands`);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "every command of the README's Commands table runs outside the repository",
  sanitizeResources: false,
  fn: async () => {
    const dir = await devTree();
    const rows = tableRows();
    assert.ok(rows.length >= 14, `found ${rows.length} rows`);
    for (const row of rows) {
      const runs = TABLE[row];
      assert.ok(runs, `the README's Commands table row ${row} has no run in this test`);
      if (runs === "root") {
        console.log(`skipped: ${row} (needs root and a kernel)`);
        continue;
      }
      for (const args of runs) await pipeline([args], dir);
    }
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

Deno.test("the README's deno install line launches the CLI with deno task itertrace's V8 flags", async () => {
  const v8 = (cmd: string) => cmd.split(/\s+/).filter((w) => w.startsWith("--v8-flags="));
  const task = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`)).tasks.itertrace;
  const line = README.split("\n").find((l) => /^ {4}deno install -g /.test(l)) ?? "";
  assert.deepEqual(v8(line), v8(task));
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
