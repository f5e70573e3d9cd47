/**
 * What start-up no longer loads up front is still there when a run needs it: the YAML parser
 * for YAML and JSON traces, positions inside a bad JSON Lines line (found without it),
 * colours for a terminal, npm:diff for a golden that differs, node:crypto for a sha256
 * expectation, each command's module.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";

const HEADER =
  '{"itertrace":1,"name":"lazy","kernel":"6.18","memory":{"user":[{"region":"buf","size":8192}]}}';
const UBUF = '{"op":"iov_iter_ubuf","iter":"a","dir":"dest","addr":"buf+0x10","len":100}';

Deno.test("JSON Lines: a bad field and a bad reference are placed at line:column", async () => {
  const bad = '{"op":"iov_iter_ubuf","iter":"a","dir":"dest","addr":"buf+0x10","len":"z"}';
  const io = fakeIo({ "t.jsonl": `${HEADER}\n${bad}\n` });
  assert.equal(await runCli(["validate", "t.jsonl"], io), 2);
  assert.equal(io.err, 't.jsonl:2:71: len: expected a number (123, "0x1f00", "4K"), got "z"\n');
  // a problem found while replaying (the op passed the fast path): its position comes from
  // the line's JSON only when asked for
  const gone = '  {"op":"iov_iter_advance", "iter":"b","bytes":5}';
  const io2 = fakeIo({ "t.jsonl": `${HEADER}\n${UBUF}\n${gone}\n` });
  assert.equal(await runCli(["replay", "-q", "t.jsonl"], io2), 2);
  assert.equal(io2.err, 't.jsonl:3:36: unknown iterator "b"\n');
  // a key twice: no position inside the line, as before
  const twice = '{"op":"iov_iter_ubuf","op":"iov_iter_ubuf","iter":"a","dir":"x","addr":0,"len":1}';
  const io3 = fakeIo({ "t.jsonl": `${HEADER}\n${twice}\n` });
  assert.equal(await runCli(["validate", "t.jsonl"], io3), 2);
  assert.match(io3.err, /^t\.jsonl:2:1: dir: /);
});

/** A YAML trace (flow-style op, so the YAML parser reads it) of one UBUF of length `len`. */
function ubufYaml(len: string): string {
  return [
    "itertrace: 1",
    "name: lazy",
    "memory:",
    "  user: [{region: buf, size: 8192}]",
    "ops:",
    `  - {op: iov_iter_ubuf, iter: a, dir: dest, addr: buf+0x10, len: ${len}}`,
    "",
  ].join("\n");
}

Deno.test("YAML and JSON traces still load (the YAML parser is imported when needed)", async () => {
  const io = fakeIo({ "t.yaml": ubufYaml("nope") });
  assert.equal(await runCli(["validate", "t.yaml"], io), 2);
  assert.match(io.err, /^t\.yaml:6:66: ops\[0\]\.len: expected a number/);
  const json = JSON.stringify({ ...JSON.parse(HEADER), ops: [JSON.parse(UBUF)] });
  const io2 = fakeIo({ "t.json": json });
  assert.equal(await runCli(["replay", "-q", "t.json"], io2), 0, io2.err);
  assert.match(io2.out, /summary/);
});

/** The escape character that starts an ANSI colour sequence. */
const ESC = String.fromCharCode(0x1b);
/** An ANSI colour sequence, the codes given (any when none). */
const sgr = (codes = "\\d+") => new RegExp(`${ESC}\\[${codes}m`, "g");

Deno.test("replay to a terminal is coloured, to a pipe plain", async () => {
  const t = `${HEADER}\n${UBUF}\n`;
  const plain = fakeIo({ "t.jsonl": t });
  assert.equal(await runCli(["replay", "t.jsonl"], plain), 0);
  assert.doesNotMatch(plain.out, sgr());
  const tty = Object.assign(fakeIo({ "t.jsonl": t }), { color: true });
  assert.equal(await runCli(["replay", "t.jsonl"], tty), 0);
  assert.ok(tty.out.includes(`${ESC}[1mitertrace replay t.jsonl${ESC}[22m`));
  assert.equal(tty.out.replace(sgr(), ""), plain.out);
});

Deno.test("check shows a unified diff against a golden that differs", async () => {
  const files: Record<string, string> = { "g.yaml": ubufYaml("100") };
  assert.equal(await runCli(["check", "--update", "g.yaml"], fakeIo(files)), 0);
  const golden = files["g.yaml.expected"];
  assert.ok(golden, "the golden was written");
  files["g.yaml.expected"] = golden.replace("iov_iter_ubuf(", "iov_iter_ubuf_was(");
  const io = fakeIo(files);
  assert.equal(await runCli(["check", "g.yaml"], io), 1);
  assert.match(io.out, /--- g\.yaml\.expected\n\s*\+\+\+ replay\n\s*@@ /);
  assert.match(io.out, /-\s*#0\s+iov_iter_ubuf_was\(/);
  assert.match(io.out, /\+\s*#0\s+iov_iter_ubuf\(/);
});

Deno.test("every command's module loads when the command runs", async () => {
  for (
    const argv of [["explain", "pin_leak"], ["ops", "fill"], ["eras", "iov_iter_zero"], [
      "completions",
      "bash",
    ], ["schema"]]
  ) {
    const io = fakeIo();
    assert.equal(await runCli(argv, io), 0, `${argv.join(" ")}: ${io.err}`);
    assert.ok(io.out.length > 0, argv.join(" "));
  }
});

Deno.test("a sha256 expectation is checked (node:crypto is loaded when one is)", async () => {
  const trace = (sha: string) =>
    [
      "itertrace: 1",
      "name: lazy",
      "memory:",
      "  kernel: [{region: kbuf, kind: kmalloc, size: 4096}]",
      "ops:",
      "  - {op: fill, at: kbuf, len: 16, pattern: zero}",
      `  - {op: expect, memory: [{at: kbuf, len: 16, sha256: "${sha}"}]}`,
      "",
    ].join("\n");
  // SHA-256 of 16 zero bytes
  const zeros = "374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb";
  const ok = fakeIo({ "s.yaml": trace(zeros) });
  assert.equal(await runCli(["replay", "-q", "s.yaml"], ok), 0, ok.out + ok.err);
  const bad = fakeIo({ "s.yaml": trace("0".repeat(64)) });
  assert.equal(await runCli(["replay", "-q", "s.yaml"], bad), 1);
  assert.match(bad.out, new RegExp(`memory\\[0\\]\\.sha256: expected 0{64}, got ${zeros}`));
});
