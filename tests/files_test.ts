/**
 * File-system situations: directories, FIFOs and devices given as traces, outputs that are
 * inputs, existing outputs, missing or unwritable directories, goldens that are directories,
 * and encodings. Each is a one-line message and exit 2, never an internal error, and no run
 * loses a file.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { denoIo, type Io, lineBatches, linesOf } from "../src/cli/io.ts";

/** The real Io with captured output. */
function realIo(env: Record<string, string> = {}): Io & { out: string; err: string } {
  const io = {
    ...denoIo(),
    out: "",
    err: "",
    color: false,
    env: (n: string) => env[n],
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}

const TRACE = `itertrace: 1
name: small
memory: { kernel: [{ region: k, kind: kmalloc, size: 4K }] }
ops:
  - { op: iov_iter_kvec, iter: kv, dir: source, kvec: [{ base: k, len: 16 }], expect: { ret: 16 } }
`;

async function run(args: string[], env: Record<string, string> = {}) {
  const io = realIo(env);
  const code = await runCli(args, io);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
  return { code, out: io.out, err: io.err };
}

async function tmpDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "itertrace-files-" });
}

Deno.test("a directory, a FIFO or a device given as a trace is refused by name", async () => {
  const d = await tmpDir();
  await Deno.mkdir(`${d}/dir.yaml`);
  const fifo = `${d}/x.yaml`;
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  for (
    const [path, re] of [
      [`${d}/dir.yaml`, /dir\.yaml: is a directory|no traces found under .*dir\.yaml/],
      [fifo, /x\.yaml: is not a regular file \(a FIFO, device or socket\)/],
      ["/dev/zero", /\/dev\/zero: is not a regular file/],
    ] as const
  ) {
    for (const cmd of ["replay", "validate", "report"]) {
      const r = await run(cmd === "report" ? [cmd, path, "-o", `${d}/o.html`] : [cmd, path]);
      assert.equal(r.code, 2, `${cmd} ${path}: ${r.err}`);
      assert.match(r.err, re);
    }
  }
  // check walks the folder: the FIFO is an error entry, never opened (opening would block)
  await Deno.writeTextFile(`${d}/ok.yaml`, TRACE);
  const r = await run(["check", d]);
  assert.equal(r.code, 2);
  assert.match(r.out, /pass .*ok\.yaml/);
  assert.match(r.out, /ERROR .*x\.yaml\n.*is not a regular file/);
  await Deno.remove(d, { recursive: true });
});

Deno.test("report -o: never the input, never an existing file without --force, atomic", async () => {
  const d = await tmpDir();
  const t = `${d}/t.yaml`;
  await Deno.writeTextFile(t, TRACE);
  let r = await run(["report", t, "-o", t]);
  assert.equal(r.code, 2);
  assert.match(r.err, /t\.yaml: is also the input .*t\.yaml; choose another output file/);
  // also through another spelling of the same path
  r = await run(["report", t, "-o", `${d}/./t.yaml`, "--force"]);
  assert.equal(r.code, 2);
  assert.equal(await Deno.readTextFile(t), TRACE, "the trace is untouched");

  const out = `${d}/r.html`;
  await Deno.writeTextFile(out, "old");
  r = await run(["report", t, "-o", out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /r\.html: already exists; use --force to replace it/);
  assert.equal(await Deno.readTextFile(out), "old");
  r = await run(["report", t, "-o", out, "--force"]);
  assert.equal(r.code, 0, r.err);
  assert.match(await Deno.readTextFile(out), /<html/i);
  // no temporary file is left behind
  assert.deepEqual([...Deno.readDirSync(d)].map((e) => e.name).sort(), ["r.html", "t.yaml"]);

  for (
    const [o, re] of [
      [`${d}/missing/r.html`, /cannot write: the directory .*missing does not exist/],
      [`${d}/t.yaml/r.html`, /cannot write: .*t\.yaml is not a directory/],
      [d, /is a directory; give a file name for the output/],
    ] as const
  ) {
    r = await run(["report", t, "-o", o]);
    assert.equal(r.code, 2, `${o}: ${r.err}`);
    assert.match(r.err, re);
  }
  // a read-only folder (root writes anyway: then there is nothing to refuse)
  await Deno.mkdir(`${d}/ro`);
  await Deno.chmod(`${d}/ro`, 0o555);
  const rootly = await Deno.writeTextFile(`${d}/ro/probe`, "").then(() => true, () => false);
  if (!rootly) {
    r = await run(["report", t, "-o", `${d}/ro/r.html`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /ro\/r\.html: cannot write: permission denied/);
  }
  await Deno.chmod(`${d}/ro`, 0o755);
  await Deno.remove(d, { recursive: true });
});

Deno.test("check --update: a golden that is a directory, a failing trace keeps its golden", async () => {
  const d = await tmpDir();
  await Deno.writeTextFile(`${d}/a.yaml`, TRACE);
  await Deno.mkdir(`${d}/a.yaml.expected`);
  let r = await run(["check", d]);
  assert.equal(r.code, 2);
  assert.match(r.out, /ERROR .*a\.yaml\n.*a\.yaml\.expected: is a directory/);
  r = await run(["check", "--update", d]);
  assert.equal(r.code, 2);
  await Deno.remove(`${d}/a.yaml.expected`);

  r = await run(["check", "--update", d]);
  assert.equal(r.code, 0, r.err);
  const golden = await Deno.readTextFile(`${d}/a.yaml.expected`);
  // the trace's own expectation now fails: --update leaves the golden alone and says so
  await Deno.writeTextFile(`${d}/a.yaml`, TRACE.replace("ret: 16", "ret: 17"));
  r = await run(["check", "--update", d]);
  assert.equal(r.code, 1);
  assert.match(r.err, /not updated .*a\.yaml\.expected: the trace's own expectations fail/);
  assert.equal(await Deno.readTextFile(`${d}/a.yaml.expected`), golden);
  await Deno.remove(d, { recursive: true });
});

Deno.test("check: --filter matching nothing fails, globs are linear, one name per folder", async () => {
  const d = await tmpDir();
  await Deno.writeTextFile(`${d}/a.yaml`, TRACE);
  let r = await run(["check", "--filter", "NO-SUCH*", d]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--filter 'NO-SUCH\*' matches none of the 1 traces/);
  // a glob that a backtracking regex would take exponential time over
  r = await run(["check", "--filter", `${"*a".repeat(40)}*b`, d]);
  assert.equal(r.code, 2);
  r = await run(["check", "--filter", "sm?ll", d]);
  assert.equal(r.code, 0, r.err);
  r = await run(["check", "--filter", "x".repeat(5000), d]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /characters of a --filter glob are limited to 1024.*ITERTRACE_LIMITS=glob_chars=/,
  );

  await Deno.writeTextFile(`${d}/b.yaml`, TRACE);
  r = await run(["check", d]);
  assert.equal(r.code, 2);
  assert.match(r.out, /b\.yaml:2:7: name: "small" is also the name of .*a\.yaml/);
  await Deno.remove(d, { recursive: true });
});

Deno.test("encodings: UTF-8 and UTF-16 byte-order marks decode; UTF-32, gzip, binary are named", async () => {
  const d = await tmpDir();
  const enc = new TextEncoder();
  const utf16le = (s: string) => {
    const b = new Uint8Array(2 + s.length * 2);
    b.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) b[2 + 2 * i] = s.charCodeAt(i);
    return b;
  };
  const files: [string, Uint8Array, RegExp | undefined][] = [
    ["bom8.yaml", new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(TRACE)]), undefined],
    ["bom16.yaml", utf16le(TRACE), undefined],
    ["bom16.jsonl", utf16le('{"itertrace":1,"name":"j"}\n{"op":"fork"}\n'), undefined],
    ["u32.yaml", new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), /is UTF-32 encoded/],
    [
      "u32.jsonl",
      new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]),
      /u32\.jsonl:1:1: the input is UTF-32 encoded/,
    ],
    ["gz.yaml", new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), /gz\.yaml: is gzip-compressed/],
    [
      "bin.yaml",
      new Uint8Array([0x69, 0x74, 0, 1, 2, 3, 0x41, 0x42, 0x43, 0x44]),
      /is binary \(a NUL byte at offset 2\)/,
    ],
    [
      "nobom16.yaml",
      utf16le(TRACE).subarray(2),
      /looks like UTF-16 or UTF-32 text without a byte-order mark/,
    ],
    [
      "latin1.yaml",
      enc.encode(TRACE.replace("small", "sm\u00e9ll")).map((x, i, a) =>
        a[i - 1] === 0xc3 ? 0xe9 : x
      ).filter((x) => x !== 0xc3),
      /latin1\.yaml:2:9: not valid UTF-8 \(byte 0xe9 at offset 21\)/,
    ],
  ];
  for (const [name, bytes, re] of files) {
    await Deno.writeFile(`${d}/${name}`, bytes);
    const r = await run(["validate", `${d}/${name}`]);
    if (!re) assert.equal(r.code, 0, `${name}: ${r.err}`);
    else {
      assert.equal(r.code, 2, name);
      assert.match(r.err, re);
    }
  }
  await Deno.remove(d, { recursive: true });
});

Deno.test("standard input that is not UTF-8 text is refused as a file is: one line, exit 2", async () => {
  const enc = new TextEncoder();
  const cases: [Uint8Array<ArrayBuffer>, RegExp][] = [
    [new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), /^error: -: is gzip-compressed/],
    [new Uint8Array([0x00, 0x61, 0x00, 0x3a]), /^error: -: looks like UTF-16 or UTF-32/],
    [
      new Uint8Array([...enc.encode("itertrace: 1\n"), 0xff, 0x0a]),
      /^error: -: not valid UTF-8 \(byte 0xff in line 2\)/,
    ],
    // a JSON Lines header, then a bad byte in the same read: refused before any op
    [
      new Uint8Array([...enc.encode('{"itertrace": 1}\n'), 0xff, 0x0a]),
      /^error: -: not valid UTF-8/,
    ],
  ];
  for (const [bytes, re] of cases) {
    const io = realIo();
    io.stdinLineBatches = () => lineBatches(new Blob([bytes]).stream());
    const code = await runCli(["replay", "-"], io);
    assert.doesNotMatch(io.err, /internal error/);
    assert.equal(code, 2, io.err);
    assert.match(io.err, re);
    assert.equal(io.err.trim().split("\n").length, 1, io.err);
  }
});

Deno.test("linesOf splits any chunking the same way and names a bad encoding", async () => {
  const text = "a\r\nbb\n\nccc";
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const s = new Blob([bytes.subarray(0, cut), bytes.subarray(cut)]).stream();
    const lines: string[] = [];
    for await (const l of linesOf(s)) lines.push(l);
    assert.deepEqual(lines, ["a", "bb", "", "ccc"], `cut at ${cut}`);
  }
  const bad = new Blob([new Uint8Array([0x61, 0x0a, 0xff, 0x0a])]).stream();
  await assert.rejects(async () => {
    for await (const _ of linesOf(bad)) { /* drain */ }
  }, /not valid UTF-8 \(byte 0xff in line 2\)/);
});

Deno.test("a .json trace is strict JSON; the same text as .yaml is YAML", async () => {
  const d = await tmpDir();
  const lenient = `{"itertrace": 1, "name": "j", // a comment\n "ops": [],}\n`;
  await Deno.writeTextFile(`${d}/t.json`, lenient);
  let r = await run(["validate", `${d}/t.json`]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /t\.json:1:31: not strict JSON: expected a double-quoted key, found a comment \(JSON has none\) \(a \.json trace is JSON/,
  );
  await Deno.writeTextFile(`${d}/t.json`, `{"itertrace": 1, "name": 'j', "ops": []}`);
  r = await run(["validate", `${d}/t.json`]);
  assert.match(r.err, /t\.json:1:26: not strict JSON: expected a value, found a single quote/);
  await Deno.writeTextFile(`${d}/t.json`, `{"itertrace": 1, "name": "j", "ops": []}`);
  r = await run(["validate", `${d}/t.json`]);
  assert.equal(r.code, 0, r.err);
  await Deno.remove(d, { recursive: true });
});

Deno.test("ITERTRACE_LIMITS: a bad setting is a usage error; file_bytes bounds a YAML trace", async () => {
  const d = await tmpDir();
  await Deno.writeTextFile(`${d}/t.yaml`, TRACE);
  let r = await run(["validate", `${d}/t.yaml`], { ITERTRACE_LIMITS: "nonsense=3" });
  assert.equal(r.code, 2);
  assert.match(r.err, /ITERTRACE_LIMITS: cannot read "nonsense=3"/);
  r = await run(["validate", `${d}/t.yaml`], { ITERTRACE_LIMITS: "file_bytes=100" });
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /bytes of a YAML or JSON trace file are limited to 100; this needs \d+ \(raise with ITERTRACE_LIMITS=file_bytes=\d+\)/,
  );
  r = await run(["validate", `${d}/t.yaml`]);
  assert.equal(r.code, 0);
  await Deno.remove(d, { recursive: true });
});

Deno.test("replay --from after --to is a usage error", async () => {
  const d = await tmpDir();
  await Deno.writeTextFile(`${d}/t.yaml`, TRACE);
  const r = await run(["replay", "--from", "5", "--to", "2", `${d}/t.yaml`]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--from 5 is after --to 2/);
  await Deno.remove(d, { recursive: true });
});

Deno.test("import -o: a missing folder or a file as folder is a named failure, exit 2, nothing left behind", async () => {
  const d = await tmpDir();
  const cap = `${d}/cap.bt.txt`;
  await Deno.writeTextFile(
    cap,
    "# itertrace-capture v2 clock=monotonic_ns\n1 10 10 openat dfd=4294967196 flags=0x4000 comm=dd\n1 10 10 path /data.bin\n1 10 10 ret 3\n2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
  );
  for (
    const [o, re] of [
      [`${d}/missing/x.yaml`, /cannot write: the directory .*missing does not exist/],
      [`${d}/cap.bt.txt/x.yaml`, /cannot write: .*cap\.bt\.txt is not a directory/],
    ] as const
  ) {
    for (const f of [[], ["-f", "jsonl"]]) {
      const r = await run(["import", "bpftrace", cap, "-o", o, "--force", ...f]);
      assert.equal(r.code, 2, `${o}: ${r.err}`);
      assert.match(r.err, re);
    }
  }
  const ok = await run(["import", "bpftrace", cap, "-o", `${d}/x.jsonl`, "-f", "jsonl"]);
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual([...Deno.readDirSync(d)].map((e) => e.name).sort(), ["cap.bt.txt", "x.jsonl"]);
  await Deno.remove(d, { recursive: true });
});

Deno.test("export kunit -o: never one of the traces, never an existing file without --force", async () => {
  const d = await tmpDir();
  const t = `${d}/t.yaml`;
  await Deno.writeTextFile(t, TRACE);
  let r = await run(["export", "kunit", "-k", "6.12", t, "-o", t, "--force"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /t\.yaml: is also the input .*t\.yaml; choose another output file/);
  assert.equal(await Deno.readTextFile(t), TRACE, "the trace is untouched");
  await Deno.writeTextFile(`${d}/k.c`, "old");
  r = await run(["export", "kunit", "-k", "6.12", t, "-o", `${d}/k.c`]);
  assert.equal(r.code, 2);
  assert.match(r.err, /k\.c: already exists; use --force to replace it/);
  assert.equal(await Deno.readTextFile(`${d}/k.c`), "old");
  r = await run(["export", "kunit", "-k", "6.12", t, "-o", `${d}/k.c`, "--force"]);
  assert.equal(r.code, 0, r.err);
  assert.match(await Deno.readTextFile(`${d}/k.c`), /KUNIT|kunit/);
  await Deno.remove(d, { recursive: true });
});
