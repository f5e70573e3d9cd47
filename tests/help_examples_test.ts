/**
 * Every `--help` example that names a file of the repository (under traces/ or fixtures/)
 * names one that exists, so a developer can paste it: a renamed trace or capture breaks here.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

async function help(argv: string[]): Promise<string> {
  const io = fakeIo();
  await runCli([...argv, "--help"], io);
  return io.out;
}

/** The command names a help text lists under `Commands:`. */
function commands(text: string): string[] {
  const list = text.slice(text.indexOf("\nCommands:\n"));
  return [...list.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== "help");
}

Deno.test("every --help example names a trace or fixture that exists", async () => {
  const cmds = commands(await help([])).map((c) => [c]);
  for (const sub of commands(await help(["export"]))) cmds.push(["export", sub]);
  const naming = new Set<string>();
  for (const cmd of cmds) {
    const text = await help(cmd);
    const at = text.indexOf("\nExamples:\n");
    if (at < 0) continue;
    const examples = text.slice(at);
    for (const m of examples.matchAll(/(?<=\s)(?:traces|fixtures)\/\S*/g)) {
      naming.add(cmd.join(" "));
      const file = m[0].replace(/\/$/, "");
      const found = await Deno.stat(file).then(() => true, () => false);
      assert.ok(found, `itertrace ${cmd.join(" ")} --help names ${m[0]}, which does not exist`);
    }
  }
  // the commands whose examples name files of the repository were all read
  for (const c of ["replay", "check", "compare", "report", "import", "lab", "validate"]) {
    assert.ok(naming.has(c), `no example path read from itertrace ${c} --help`);
  }
});
