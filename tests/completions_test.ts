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
    "md",
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
  assert.match(s, /\{-f,--format\}'\[output format\]:value:\(text json jsonl md\)'/);
  // --kernel takes a release: the modelled ones are offered
  assert.match(
    s,
    /\{-k,--kernel\}'\[kernel era to replay as [^\]]*\]:value:\(5\.15 [^)]*latest\)'/,
  );
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
    /-n '__fish_seen_subcommand_from replay' -s f -l format -x -a 'text json jsonl md' -d /,
  );
  assert.match(
    s,
    /-n '__fish_seen_subcommand_from replay' -s k -l kernel -x -a '5\.15 [^']*latest' -d /,
  );
  assert.match(s, /-n '__fish_seen_subcommand_from replay' -s q -l quiet -d /);
});

/** What bash would offer after `words`, the last being the word being completed. */
async function bashCompleteIn(words: string[], cwd: string): Promise<string[]> {
  const file = await Deno.makeTempFile({ suffix: ".bash" });
  await Deno.writeTextFile(file, await script("bash"));
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const prog = `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${
    words.length - 1
  }; _itertrace; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = await new Deno.Command("bash", { args: ["-c", prog], cwd, stdout: "piped" }).output();
  await Deno.remove(file);
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).sort();
}

const haveBash = await new Deno.Command("bash", { args: ["-c", "true"] }).output().then(
  (o) => o.success,
  () => false,
);

Deno.test({
  name: "bash completion offers warning codes, ops, releases, formats and trace files",
  ignore: !haveBash,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/a.yaml`, "");
      await Deno.writeTextFile(`${dir}/b.jsonl`, "");
      await Deno.writeTextFile(`${dir}/notes.txt`, "");
      await Deno.mkdir(`${dir}/sub`);
      assert.ok((await bashCompleteIn(["itertrace", "explain", "pin_"], dir)).includes("pin_leak"));
      assert.deepEqual(await bashCompleteIn(["itertrace", "ops", "iov_iter_extract_p"], dir), [
        "iov_iter_extract_pages",
      ]);
      const kernels = await bashCompleteIn(["itertrace", "replay", "--kernel", "6.1"], dir);
      assert.deepEqual(kernels, [
        "6.1",
        "6.10",
        "6.11",
        "6.12",
        "6.13",
        "6.14",
        "6.15",
        "6.16",
        "6.17",
        "6.18",
        "6.19",
      ]);
      assert.ok((await bashCompleteIn(["itertrace", "check", "-f", ""], dir)).includes("md"));
      assert.deepEqual(await bashCompleteIn(["itertrace", "replay", ""], dir), [
        "a.yaml",
        "b.jsonl",
        "sub",
      ]);
      assert.ok(
        (await bashCompleteIn(["itertrace", "replay", "--e"], dir)).includes("--expand"),
      );
      assert.ok(
        (await bashCompleteIn(["itertrace", "eras", "extract_iter_to"], dir)).includes(
          "extract_iter_to_sg",
        ),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("zsh and fish completions carry the same values", async () => {
  const zsh = await script("zsh");
  assert.match(zsh, /explain\)\n {6}_arguments \\\n {8}'\*:value:\([^)]*\bpin_leak\b/);
  assert.match(zsh, /\{-k,--kernel\}'\[[^\]]*\]:value:\(5\.15 [^)]* 6\.12 [^)]*latest\)'/);
  assert.match(zsh, /'\*:trace:_files -g "\*\.\(yaml\|yml\|json\|jsonl\)"'/);
  const fish = await script("fish");
  assert.match(fish, /__fish_seen_subcommand_from explain' -x -a '[^']*\bpin_leak\b/);
  assert.match(fish, /__fish_seen_subcommand_from ops' -x -a '[^']*\biov_iter_extract_pages\b/);
  assert.match(fish, /-s k -l kernel -x -a '5\.15 [^']*latest'/);
  assert.match(fish, /__fish_seen_subcommand_from replay' -x -a '\(__fish_complete_suffix \.yaml/);
});
