/**
 * Fuzzing the CLI's input paths: traces generated from the format's grammar (YAML, JSON,
 * JSON Lines) and seeded mutations of the bundled traces, each run through `validate` and
 * `replay`. Whatever the input: the exit code is 0, 1 or 2; nothing escapes as an internal
 * error or a stack trace; every exit-2 line names the file (with line:column where the
 * input has one); output stays bounded. Limits are set low so that no case can take long.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { runCli } from "../../src/cli/mod.ts";
import { fakeIo } from "../_io.ts";

const LIMITS =
  "page_data=4M,extract_pages=4096,sg_entries=4096,folioq_folios=4096,suggest_work=200000";
const MAX_OUTPUT = 4 * 2 ** 20;

/** Runs validate and replay over one input; asserts the contract; returns the exit codes. */
async function contract(file: string, text: string): Promise<number[]> {
  const codes: number[] = [];
  for (const args of [["validate", file], ["replay", "-q", file]]) {
    const io = fakeIo({ [file]: text });
    io.env = (n: string) => (n === "ITERTRACE_LIMITS" ? LIMITS : undefined);
    let code: number;
    try {
      code = await runCli(args, io);
    } catch (e) {
      throw new Error(
        `${args[0]} threw ${e instanceof Error ? e.stack : e}\n--- input ---\n${
          text.slice(0, 2000)
        }`,
      );
    }
    assert.ok([0, 1, 2].includes(code), `exit ${code}`);
    assert.doesNotMatch(io.err, /internal error|\n\s+at /);
    assert.ok(io.out.length + io.err.length < MAX_OUTPUT, "output bounded");
    if (code === 2) {
      for (const line of io.err.trimEnd().split("\n")) {
        assert.ok(
          line.startsWith(`${file}:`) || line.startsWith(`error: ${file}`) ||
            line.startsWith("error: "),
          `an exit-2 line that names nothing: ${line}\n--- input ---\n${text.slice(0, 2000)}`,
        );
        if (line.startsWith(`${file}:`) && !line.startsWith(`${file}: `)) {
          assert.match(line, /^[^:]+:\d+:\d+: /, `a position that is not line:column: ${line}`);
        }
      }
    }
    codes.push(code);
  }
  return codes;
}

// ------------------------------------------------------------------ the trace grammar

const name = fc.constantFrom("a", "b", "k", "u", "f", "p", "buf", "kv", "Ghost", "x.y-z", "");
const number = fc.oneof(
  fc.integer({ min: -5, max: 70000 }),
  fc.constantFrom(0, 1, 4096, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -1, 1.5),
  fc.constantFrom(
    "4K",
    "1M",
    "1T",
    "0x1f00",
    "0xZZ",
    "-EFAULT",
    "-ENOPE",
    "12Q",
    "",
    "9".repeat(40),
  ),
);
const scalar = fc.oneof(number, name, fc.boolean(), fc.constant(null));
const addr = fc.oneof(name, fc.tuple(name, number).map(([n, o]) => `${n}+${o}`), scalar);
const seg = fc.record({ base: addr, len: number }, { requiredKeys: [] });
const bseg = fc.record({
  page: fc.oneof(name.map((n) => `${n}[0]`), scalar),
  offset: number,
  len: number,
}, {
  requiredKeys: [],
});
const OPS = [
  "iov_iter_ubuf",
  "iov_iter_init",
  "import_iovec",
  "iov_iter_kvec",
  "iov_iter_bvec",
  "iov_iter_xarray",
  "iov_iter_folio_queue",
  "iov_iter_discard",
  "iov_iter_advance",
  "iov_iter_revert",
  "iov_iter_truncate",
  "iov_iter_reexpand",
  "iov_iter_count",
  "iov_iter_npages",
  "fill",
  "copy_to_iter",
  "copy_from_iter",
  "iov_iter_zero",
  "iov_iter_get_pages2",
  "iov_iter_extract_pages",
  "unpin_user_pages",
  "put_page",
  "netfs_extract_user_iter",
  "sg_alloc_table",
  "extract_iter_to_sg",
  "kfree",
  "vfree",
  "munmap",
  "truncate",
  "fork",
  "free",
  "expect",
  "IOV_ITER_KVEC",
  "no_such_op",
];
const op = fc.record({
  op: fc.constantFrom(...OPS),
  iter: name,
  dir: fc.constantFrom("source", "dest", "sideways"),
  addr,
  len: number,
  count: number,
  bytes: number,
  maxsize: number,
  maxpages: number,
  as: name,
  pages: name,
  region: name,
  file: name,
  folios: name,
  at: addr,
  pattern: fc.constantFrom("zero", "index", { byte: 7 }, "plaid"),
  iov: fc.array(seg, { maxLength: 3 }),
  kvec: fc.array(seg, { maxLength: 3 }),
  bvec: fc.array(bseg, { maxLength: 3 }),
  sgt: name,
  nents: number,
  sg_max: number,
  new: name,
  var: name,
  start: number,
  size: number,
  expect: fc.record({
    ret: scalar,
    warnings: fc.array(fc.constantFrom("pin_leak", "PIN_LEAK", "nope")),
  }, {
    requiredKeys: [],
  }),
  when: fc.constantFrom(">=6.1", "<7.0", "soon"),
}, { requiredKeys: ["op"] });
const region = fc.record({
  region: name,
  size: number,
  kind: fc.constantFrom("kmalloc", "vmalloc", "slab", "nope"),
  vma: fc.constantFrom("anon", "file", "io", "unmapped"),
  folio_order: fc.integer({ min: 0, max: 20 }),
  pfns: fc.array(number, { maxLength: 3 }),
  fill: fc.constantFrom("zero", "index"),
}, { requiredKeys: ["region"] });
const trace = fc.record({
  itertrace: fc.constantFrom(1, 1, 1, 2, "1"),
  name: fc.oneof(name, fc.constant("fuzz")),
  kernel: fc.constantFrom("6.1", "6.12", "7.0", "latest", "99.9", "2.6", 6.1),
  memory: fc.record({
    user: fc.array(region, { maxLength: 2 }),
    kernel: fc.array(region, { maxLength: 2 }),
    files: fc.array(fc.record({ name, size: number }, { requiredKeys: ["name"] }), {
      maxLength: 1,
    }),
  }, { requiredKeys: [] }),
  ops: fc.array(op, { maxLength: 6 }),
}, { requiredKeys: ["itertrace", "name", "ops"] });

function render(t: Record<string, unknown>, fmt: "yaml" | "json" | "jsonl"): string {
  if (fmt === "yaml") return stringify(t);
  if (fmt === "json") return JSON.stringify(t);
  const { ops, ...h } = t as { ops: unknown[] };
  return [JSON.stringify(h), ...ops.map((o) => JSON.stringify(o))].join("\n") + "\n";
}

Deno.test("fuzz: traces from the format's grammar, in YAML, JSON and JSON Lines", async () => {
  await fc.assert(
    fc.asyncProperty(
      trace,
      fc.constantFrom("yaml", "json", "jsonl") as fc.Arbitrary<"yaml" | "json" | "jsonl">,
      async (t, fmt) => {
        await contract(`fuzz.${fmt}`, render(t, fmt));
      },
    ),
    { numRuns: 600, seed: 16 },
  );
});

// ------------------------------------------------------------------ mutations of real traces

const bundled: string[] = [];
for (const dir of ["traces/examples", "traces/seed", "traces/copy", "traces/explain"]) {
  for (const e of Deno.readDirSync(dir)) {
    if (e.name.endsWith(".yaml")) bundled.push(Deno.readTextFileSync(`${dir}/${e.name}`));
  }
}
bundled.sort();

const TOKENS = [
  ":",
  "[",
  "]",
  "{",
  "}",
  "- ",
  "*a",
  "&a ",
  "\t",
  "\n",
  "'",
  '"',
  "#",
  ",",
  "0x",
  "-1",
  "99999999999999999999",
  ".nan",
  "1T",
  "!!binary ",
  "? ",
  "|",
  "~",
  "\u0000",
  "\ufeff",
  "é",
];
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    n: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    tok: fc.constantFrom(...TOKENS),
  }),
  fc.record({ kind: fc.constant("dupline" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("number" as const),
    at: fc.nat(),
    v: fc.constantFrom("0", "-5", "1T", "2M", "0xffffffffffffffff", "4096", "9007199254740993"),
  }),
);

interface Mutation {
  kind: string;
  at: number;
  n?: number;
  tok?: string;
  v?: string;
}

function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % t.length : 0;
    if (m.kind === "delete") t = t.slice(0, at) + t.slice(at + m.n!);
    else if (m.kind === "insert") t = t.slice(0, at) + m.tok! + t.slice(at);
    else if (m.kind === "dupline") {
      const lines = t.split("\n");
      const k = m.at % lines.length;
      lines.splice(k, 0, lines[k]);
      t = lines.join("\n");
    } else {
      const nums = [...t.matchAll(/\b(?:0x[0-9a-fA-F]+|\d+[KMG]?)\b/g)];
      if (nums.length) {
        const hit = nums[m.at % nums.length];
        t = t.slice(0, hit.index!) + m.v! + t.slice(hit.index! + hit[0].length);
      }
    }
  }
  return t;
}

Deno.test("fuzz: seeded mutations of the bundled traces", async () => {
  assert.ok(bundled.length > 20);
  await fc.assert(
    fc.asyncProperty(
      fc.nat(bundled.length - 1),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      async (i, ms) => {
        await contract("mutant.yaml", mutate(bundled[i], ms));
      },
    ),
    { numRuns: 900, seed: 16 },
  );
});

// ------------------------------------------------------------------ the importers' line formats

/** The bundled captures by importer, each cut to its first 120 lines to keep cases fast. */
const captures: { kind: "bpftrace" | "strace" | "syz"; text: string }[] = [];
for (
  const e of [...Deno.readDirSync("fixtures/captures")].sort((a, b) => a.name < b.name ? -1 : 1)
) {
  const kind = e.name.endsWith(".bt.txt")
    ? "bpftrace"
    : e.name.endsWith(".strace.txt")
    ? "strace"
    : undefined;
  if (kind) {
    const text = Deno.readTextFileSync(`fixtures/captures/${e.name}`);
    captures.push({ kind, text: text.split("\n").slice(0, 120).join("\n") + "\n" });
  }
}
for (
  const e of [...Deno.readDirSync("fixtures/captures/syz")].sort((a, b) => a.name < b.name ? -1 : 1)
) {
  captures.push({ kind: "syz", text: Deno.readTextFileSync(`fixtures/captures/syz/${e.name}`) });
}

/**
 * Imports `text` in-process; asserts the contract (exit 0, 1 or 2, no stack trace, exit-2 lines
 * positioned in the capture) and that a trace it writes is one `validate` accepts.
 */
async function importContract(
  kind: string,
  text: string,
  extra: readonly string[] = [],
): Promise<number> {
  const file = `cap.${kind}`;
  const io = fakeIo({ [file]: text });
  io.env = (n: string) => (n === "ITERTRACE_LIMITS" ? LIMITS : undefined);
  let code: number;
  try {
    code = await runCli(["import", kind, file, ...extra], io);
  } catch (e) {
    throw new Error(
      `import ${kind} threw ${e instanceof Error ? e.stack : e}\n${text.slice(0, 2000)}`,
    );
  }
  // 1: nothing in the capture was modelled (the reasons are listed)
  assert.ok([0, 1, 2].includes(code), `import ${kind}: exit ${code}`);
  assert.doesNotMatch(io.err, /internal error|\n\s+at /);
  if (code === 2) {
    for (const line of io.err.trimEnd().split("\n")) {
      assert.ok(
        /^cap\.\w+:\d+:\d+: /.test(line) || /^(error: )?cap\.\w+: /.test(line) ||
          line.startsWith("error: "),
        `an import error that names nothing: ${line}\n--- input ---\n${text.slice(0, 2000)}`,
      );
    }
    return code;
  }
  if (code === 1) return code;
  const fmt = extra.includes("jsonl") ? "jsonl" : "yaml";
  const v = fakeIo({ [`out.${fmt}`]: io.out });
  const vcode = await runCli(["validate", `out.${fmt}`], v);
  assert.equal(vcode, 0, `import ${kind} wrote a trace validate rejects:\n${v.err}`);
  return code;
}

Deno.test("fuzz: seeded mutations of the bundled captures through import bpftrace, strace and syz", async () => {
  assert.ok(captures.some((c) => c.kind === "syz") && captures.some((c) => c.kind === "strace"));
  await fc.assert(
    fc.asyncProperty(
      fc.nat(captures.length - 1),
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      fc.constantFrom([], ["-f", "jsonl"], ["--path", "netfs"]),
      async (i, ms, extra) => {
        await importContract(captures[i].kind, mutate(captures[i].text, ms), extra);
      },
    ),
    { numRuns: 150, seed: 16 },
  );
});

Deno.test("fuzz regression: a syzkaller value nested 10^5 deep is a positioned error, not a stack overflow", async () => {
  const deep = `write(0x3, &(0x7f0000000000)=${"{".repeat(100000)}${"}".repeat(100000)}, 0x1)\n`;
  const io = fakeIo({ "p.syz": deep });
  assert.equal(await runCli(["import", "syz", "p.syz"], io), 2);
  assert.match(io.err, /^p\.syz:1:529: values nest more than 500 levels deep\n$/);
});

Deno.test("fuzz regression: a capture holding a NUL byte is refused by name, exit 2, for every importer", async () => {
  for (const kind of ["bpftrace", "strace", "syz"]) {
    const io = fakeIo({ "cap.txt": "\u0000abc\n" });
    assert.equal(await runCli(["import", kind, "cap.txt"], io), 2, io.err);
    assert.equal(
      io.err,
      "error: cap.txt: is binary (a NUL byte at offset 0), not a text trace or capture\n",
    );
  }
});

Deno.test("fuzz regression: a negative hex number in a syzkaller program is read, not an internal error", async () => {
  const io = fakeIo({ "p.syz": "read(0x1, &(0x7f0000000000/-0x1000)=nil, -0x1)\n" });
  const code = await runCli(["import", "syz", "p.syz", "--assume-direct"], io);
  assert.ok([0, 1, 2].includes(code), io.err);
  assert.doesNotMatch(io.err, /internal error|BigInt/);
});
