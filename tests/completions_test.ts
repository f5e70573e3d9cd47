/**
 * `itertrace completions bash|zsh|fish`: the scripts are generated from the real commander
 * program. The bash one is run in bash (its completion function is called as bash would
 * call it); the zsh and fish ones are checked for each command and for options that take
 * a value (which must not be completed as flags or files).
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

async function script(shell: string): Promise<string> {
  const io = fakeIo();
  assert.equal(await runCli(["completions", shell], io), 0, io.err);
  return io.out;
}

/** Runs the bash script's _itertrace on the words given, the last one being completed. */
async function bashComplete(words: string[]): Promise<string[]> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/itertrace.bash`;
    await Deno.writeTextFile(file, await script("bash"));
    const arr = words.map((w) => `'${w}'`).join(" ");
    const cmd = `cd '${dir}' && source '${file}' && COMP_WORDS=(${arr}) && ` +
      `COMP_CWORD=${words.length - 1}; _itertrace; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = await new Deno.Command("bash", { args: ["-c", cmd] }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const COMMANDS = ["replay", "check", "compare", "report", "import", "validate", "explain", "ops"];

Deno.test("bash: the script parses, and completes commands, options and option values", async () => {
  const s = await script("bash");
  const syntax = await new Deno.Command("bash", { args: ["-n", "-c", s] }).output();
  assert.equal(syntax.code, 0, new TextDecoder().decode(syntax.stderr));
  assert.deepEqual(await bashComplete(["itertrace", "re"]), ["replay", "report"]);
  assert.deepEqual(await bashComplete(["itertrace", "replay", "--format", ""]), [
    "text",
    "json",
    "jsonl",
  ]);
  assert.deepEqual(await bashComplete(["itertrace", "check", "-f", "j"]), ["json", "junit"]);
  assert.deepEqual(await bashComplete(["itertrace", "replay", "--fail-on", "h"]), ["hazard"]);
  const opts = await bashComplete(["itertrace", "replay", "--q"]);
  assert.deepEqual(opts, ["--quiet"]);
});

Deno.test("zsh: every command described; value options take a value, choices are offered", async () => {
  const s = await script("zsh");
  assert.match(s, /^#compdef itertrace\n/);
  for (const c of COMMANDS) assert.match(s, new RegExp(`\\n {4}'${c}:[^']+'\\n`), c);
  assert.match(s, /\{-f,--format\}'\[output format\]:value:\(text json jsonl\)'/);
  // --kernel takes a release: without ":value:" zsh would complete a file name after it
  assert.match(s, /\{-k,--kernel\}'\[kernel era to replay as [^\]]*\]:value: '/);
  // a flag takes nothing
  assert.match(s, /\{-q,--quiet\}'\[print the summary only\]' \\/);
});

Deno.test("fish: every command, choices as exclusive arguments, value options require one", async () => {
  const s = await script("fish");
  for (const c of COMMANDS) {
    assert.match(s, new RegExp(`-n '__fish_use_subcommand' -a ${c} -d '`), c);
  }
  assert.match(
    s,
    /-n '__fish_seen_subcommand_from replay' -s f -l format -x -a 'text json jsonl' -d /,
  );
  assert.match(s, /-n '__fish_seen_subcommand_from replay' -s k -l kernel -r -d /);
  assert.match(s, /-n '__fish_seen_subcommand_from replay' -s q -l quiet -d /);
});
