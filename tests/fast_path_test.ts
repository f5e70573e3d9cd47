/**
 * The loader's fast path (src/trace/fast.ts, and the regex-free number, address and page
 * scanners of src/trace/num.ts) against the zod schema and the format's grammar it stands in
 * for: whatever the fast path accepts, the schema accepts with the very same value (key order
 * and types included), and the loader reports the same problems, word for word, with the
 * fast path on or off.
 *
 * Reproduce a failure with FC_SEED=<seed>; FC_RUNS overrides the number of runs.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { fastParse, fastParseInPlace, useFastPath } from "../src/trace/fast.ts";
import { OP_NAMES, opSchema } from "../src/trace/schema.ts";
import {
  isAddrExpr,
  isPageExpr,
  parseAddrExpr,
  parseBig,
  parseNum,
  parsePageExpr,
  scanSafeInt,
} from "../src/trace/num.ts";
import { corpusFiles, current } from "./_bad_corpus.ts";
import { workloadOps } from "../bench/workload.ts";
import { streamJsonl } from "../src/trace/load.ts";
import type { TraceIssue } from "../src/errors.ts";
import { Memory } from "../src/model/memory.ts";
import { Resolver } from "../src/trace/resolve.ts";
import { fileSpec, kernelRegion, memSpec, userRegion } from "./_helpers.ts";

const runs = Number(Deno.env.get("FC_RUNS") ?? 300);
const seed = Deno.env.get("FC_SEED");
const params = { numRuns: runs, ...(seed ? { seed: Number(seed) } : {}) };

// ------------------------------------------------------------------ the grammar's oracle

/** parseAddrExpr as the format's grammar writes it (the regex version it replaced). */
function addrOracle(v: unknown) {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return { abs: BigInt(v) };
  if (typeof v !== "string") return undefined;
  if (/^0x[0-9a-fA-F]+$/.test(v)) return { abs: BigInt(v) };
  const m = /^([A-Za-z_][\w.-]*?)(?:\+(.+))?$/.exec(v);
  if (!m) return undefined;
  if (m[2] === undefined) return { region: m[1], offset: 0 };
  const off = parseBig(m[2]);
  if (off === undefined || off < 0n || off > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { region: m[1], offset: Number(off) };
}

/** parsePageExpr as the format's grammar writes it. */
function pageOracle(v: unknown) {
  if (typeof v === "object" && v !== null && "pfn" in v) {
    const n = parseBig((v as { pfn: unknown }).pfn);
    return n !== undefined && n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? { pfn: Number(n) }
      : undefined;
  }
  if (typeof v !== "string") return undefined;
  if (v === "zero_page") return { alloc: v };
  const m = /^([A-Za-z_][\w.-]*)\[(\w+)\]$/.exec(v);
  if (m) {
    const i = parseBig(m[2]);
    return i !== undefined && i >= 0n ? { region: m[1], index: Number(i) } : undefined;
  }
  if (/^[A-Za-z_][\w.-]*:\d+$/.test(v)) return { alloc: v };
  return undefined;
}

/** Strings near the format's number, address and page spellings. */
const tricky = fc.stringMatching(
  /^-?(0x)?[0-9a-fA-F]{0,17}[KMGTx]?$|^[ a-z_0-9.+\[\]:-]{0,12}$|^(buf|pg|a\.b-c)(\+|\[)( ?-?0x[0-9a-f]{0,14}| ?-?[0-9]{0,17}|-E[A-Z]{2,6})[KMGT]?\]?\n?$/,
);
const numbers = fc.oneof(
  fc.integer(),
  fc.constantFrom(-0, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1.5, NaN, Infinity),
  fc.double(),
);

Deno.test("scanSafeInt agrees with parseBig wherever it answers", () => {
  fc.assert(
    fc.property(fc.oneof(tricky, numbers), (v) => {
      const n = scanSafeInt(v);
      const b = parseBig(v);
      if (n !== undefined) {
        assert.ok(Number.isSafeInteger(n) && !Object.is(n, -0));
        assert.equal(b, BigInt(n), `${JSON.stringify(v)}`);
      }
      const p = parseNum(v);
      if (b === undefined) assert.equal(p, undefined);
      else assert.equal(BigInt(p!), b);
      if (typeof p === "bigint") assert.ok(!Number.isSafeInteger(Number(p)));
    }),
    params,
  );
  // the spellings the format documents, and the edges of the scan
  for (
    const [v, want] of [["0x1f00", 0x1f00], ["4K", 4096], ["2M", 2 << 20], ["-0", 0], [
      "0x1fffffffffffff",
      2 ** 53 - 1,
    ], ["999999999999999", 999999999999999]] as const
  ) {
    assert.equal(parseNum(v), want);
  }
  assert.equal(parseNum("9007199254740993"), 9007199254740993n);
  assert.equal(parseNum("0xffffffffffffffff"), 0xffffffffffffffffn);
  assert.equal(parseNum("-EFAULT"), -14);
  assert.equal(scanSafeInt(" 5"), undefined);
  assert.equal(parseNum(" 5"), 5);
});

Deno.test("parseAddrExpr, parsePageExpr, isAddrExpr and isPageExpr agree with the format's grammar", () => {
  fc.assert(
    fc.property(fc.oneof(tricky, numbers), (v) => {
      assert.deepEqual(parseAddrExpr(v), addrOracle(v), JSON.stringify(v));
      assert.deepEqual(parsePageExpr(v), pageOracle(v), JSON.stringify(v));
      assert.equal(isAddrExpr(v), addrOracle(v) !== undefined, JSON.stringify(v));
      assert.equal(isPageExpr(v), pageOracle(v) !== undefined, JSON.stringify(v));
    }),
    params,
  );
});

// ------------------------------------------------------------------ ops: fast path vs zod

/** Every op written in the bundled traces, and the workload generator's. */
async function corpusOps(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        try {
          const doc = parseYaml(await Deno.readTextFile(p), { intAsBigInt: false });
          for (const o of doc?.ops ?? []) if (o && typeof o === "object") out.push(o);
        } catch { /* a deliberately broken trace */ }
      }
    }
  };
  await walk("traces");
  for (const line of workloadOps(2000, 7)) out.push(JSON.parse(line));
  return out;
}

const ops = await corpusOps();

/** A value with its types and key order spelled out, for an exact comparison. */
function exact(v: unknown): unknown {
  if (typeof v === "bigint") return { bigint: v.toString() };
  if (typeof v === "number" && Object.is(v, -0)) return { negzero: true };
  if (Array.isArray(v)) return v.map(exact);
  if (v && typeof v === "object") {
    return Object.entries(v).map(([k, x]) => [k, exact(x)]);
  }
  return v;
}

/** The value the fast path gives, checked against zod's; whether the fast path answered. */
function agree(op: unknown): boolean {
  const name = (op as { op?: unknown })?.op;
  const schema = typeof name === "string" ? opSchema(name) : undefined;
  if (!schema) return false;
  const fast = fastParse(schema, op);
  if (fast === undefined) return false;
  const r = schema.safeParse(op);
  assert.ok(r.success, `fast path accepted what zod rejects: ${JSON.stringify(op)}`);
  assert.deepEqual(exact(fast), exact(r.data), JSON.stringify(op));
  return true;
}

Deno.test("the fast path yields zod's value for every op of the bundled traces", () => {
  assert.ok(ops.length > 500, `${ops.length} ops`);
  let answered = 0;
  for (const op of ops) if (agree(op)) answered++;
  // the fast path serves most ops (not only the workload's): a regression would show here
  assert.ok(answered > ops.length * 0.6, `fast path answered ${answered} of ${ops.length}`);
});

/** `op` with its keys in the order `perm` (a permutation seed) picks, nested objects too. */
function shuffled(v: unknown, perm: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffled(x, perm));
  if (!v || typeof v !== "object") return v;
  const entries = Object.entries(v);
  const out: Record<string, unknown> = {};
  for (let i = 0; entries.length; i++) {
    const [k, x] = entries.splice((perm + i * 7) % entries.length, 1)[0];
    Object.defineProperty(out, k, {
      value: shuffled(x, perm),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** fastParseInPlace on a copy of `op` answers when fastParse does, with the same value. */
function agreeInPlace(op: unknown): void {
  const name = (op as { op?: unknown })?.op;
  const schema = typeof name === "string" ? opSchema(name) : undefined;
  if (!schema) return;
  const copy = fastParse(schema, op);
  const inPlace = fastParseInPlace(schema, structuredClone(op));
  assert.deepEqual(exact(inPlace), exact(copy), JSON.stringify(op));
}

Deno.test("in place, the fast path yields zod's value, whatever the key order", () => {
  let answered = 0;
  for (const op of ops) {
    for (const perm of [0, 1, 2, 5]) {
      const o = perm ? shuffled(op, perm) : op;
      agreeInPlace(o);
      if (agree(o)) answered++;
    }
  }
  assert.ok(answered > ops.length * 2, `fast path answered ${answered} of ${ops.length * 4}`);
  // defaults filled in after the keys given, and before them (a fresh object, in order)
  const schema = opSchema("bio_iov_iter_get_pages")!;
  const op = "bio_iov_iter_get_pages", iter = "i", bio = "b", max_vecs = "4", lbs = 512;
  for (
    const o of [
      { op, iter, bio, max_vecs, lbs },
      { op, iter, bio, max_vecs, lbs, p2p: true },
      { op, iter, bio, max_vecs, lbs, dma_alignment: "0x1ff" },
      { bio, op, iter, lbs, max_vecs },
    ]
  ) {
    assert.ok(agree(o));
    agreeInPlace(o);
    const given = structuredClone(o);
    const got = fastParseInPlace(schema, given) as Record<string, unknown>;
    // the op itself, converted, unless its key order asks for a fresh one
    const keys = Object.keys(o);
    assert.equal(got === given, keys.indexOf("op") === 0 && !("p2p" in o), JSON.stringify(o));
    assert.equal(got.max_vecs, 4);
  }
});

const values = fc.oneof(
  // just past the bounds the schema puts on fields (orders, SGEs, entries, moves, pfns)
  fc.constantFrom(-1, 19, 65537, 2 ** 20 + 1, "0x100001", 2 ** 28 + 1, "256M", 2 ** 40 + 1),
  tricky,
  numbers,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("dest", "source", "to_device", "p2pdma", "buf+0x200", "pg[1]", "it", "a b"),
  fc.constant([]),
  fc.constant({}),
  fc.constant([{ base: "buf", len: 512 }]),
  fc.constant([{ base: "buf", len: 512, extra: 1 }]),
  fc.constant([{ page: "pg[0]", offset: 0, len: "4K" }]),
  fc.constant({ pfn: 5 }),
);

Deno.test("ops with one field changed: the fast path never accepts what zod rejects", () => {
  fc.assert(
    fc.property(
      fc.nat(ops.length - 1),
      fc.oneof(
        fc.record({ kind: fc.constant("set"), value: values, pick: fc.nat() }),
        fc.record({ kind: fc.constant("drop"), pick: fc.nat() }),
        fc.record({
          kind: fc.constant("add"),
          key: fc.constantFrom("bogus", "__proto__", "id", "when", "expect"),
          value: values,
        }),
        fc.record({ kind: fc.constant("op"), value: fc.constantFrom(...OP_NAMES) }),
      ),
      (i, m) => {
        const op: Record<string, unknown> = structuredClone(ops[i]);
        const keys = Object.keys(op).filter((k) => k !== "op");
        if (m.kind === "set" && keys.length) op[keys[m.pick % keys.length]] = m.value;
        if (m.kind === "drop" && keys.length) delete op[keys[m.pick % keys.length]];
        if (m.kind === "add") {
          Object.defineProperty(op, m.key, { value: m.value, enumerable: true, writable: true });
        }
        if (m.kind === "op") op.op = m.value;
        agree(op);
      },
    ),
    { ...params, numRuns: runs * 5 },
  );
});

Deno.test("JSON Lines: the loader reports the same problems with the fast path on and off", async () => {
  const header = JSON.stringify({
    itertrace: 1,
    name: "t",
    memory: { user: [{ region: "buf", size: "64K" }] },
  });
  const load = async (lines: string[]) => {
    const issues: TraceIssue[] = [];
    const got: unknown[] = [];
    async function* src() {
      yield* lines;
    }
    for await (const n of streamJsonl(src(), "t.jsonl", issues)) {
      got.push("args" in n ? exact(n.args) : n.header);
    }
    return { got, issues };
  };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(ops.length - 1), values, fc.nat(), fc.nat(7)), { maxLength: 8 }),
      async (edits) => {
        const lines = [
          header,
          ...edits.map(([i, v, k, perm]) => {
            let op: Record<string, unknown> = structuredClone(ops[i]);
            const keys = Object.keys(op).filter((x) => x !== "op");
            if (keys.length && k % 2) op[keys[k % keys.length]] = v;
            // a field dropped (a default then filled in), keys in another order
            if (keys.length && k % 3 === 0) delete op[keys[(k >> 2) % keys.length]];
            if (perm) op = shuffled(op, perm) as Record<string, unknown>;
            return JSON.stringify(op, (_k, x) => typeof x === "bigint" ? x.toString() : x);
          }),
        ];
        const on = await load(lines);
        const was = useFastPath(false);
        try {
          assert.deepEqual(on, await load(lines));
        } finally {
          useFastPath(was);
        }
      },
    ),
    { ...params, numRuns: Math.max(20, runs / 5) },
  );
});

Deno.test("fixtures/bad: every message is the same with the fast path off", async () => {
  for (const name of corpusFiles()) {
    const on = await current(name);
    const was = useFastPath(false);
    try {
      assert.deepEqual(await current(name), on, name);
    } finally {
      useFastPath(was);
    }
  }
});

Deno.test("JSON Lines: an integer beyond 2^53 stays exact where the fast path reads the line", async () => {
  const lines = [
    JSON.stringify({ itertrace: 1, name: "t", memory: { user: [{ region: "buf", size: "64K" }] } }),
    // an id beyond 2^53: its exact text, as the reviver reads it (the fast path gives up)
    '{"op":"import_iovec","id":9007199254740993,"iter":"c0","dir":"dest","iov":[{"len":512,"base":"buf+0x200"}]}',
    // a length beyond 2^53: the schema's message, with the exact number
    '{"op":"import_iovec","iter":"c1","dir":"dest","iov":[{"base":"buf","len":9007199254740993}]}',
  ];
  async function* src() {
    yield* lines;
  }
  const issues: TraceIssue[] = [];
  const got: unknown[] = [];
  for await (const n of streamJsonl(src(), "t.jsonl", issues)) {
    if ("args" in n) got.push({ id: n.id, args: exact(n.args) });
  }
  assert.deepEqual(got, [{
    id: "9007199254740993",
    args: exact({
      op: "import_iovec",
      id: "9007199254740993",
      iter: "c0",
      dir: "dest",
      // the segment's keys in the schema's order, as zod gives them
      iov: [{ base: "buf+0x200", len: 512 }],
    }),
  }]);
  assert.equal(issues.length, 1);
  assert.match(issues[0].message, /9007199254740993/);
  assert.equal(issues[0].line, 3);
});

/** Every path to a value inside `v` (leaves, arrays and objects alike), the root left out. */
function valuePaths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...valuePaths(x, [...at, i])));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) if (k !== "op") out.push(...valuePaths(x, [...at, k]));
  }
  return out;
}

/** JSON texts JSON.stringify never writes: integers past 2^53 as written, other spellings. */
const rawTokens = fc.constantFrom(
  "9007199254740993",
  "-9007199254740993",
  "9007199254740992",
  "18446744073709551615",
  "18446744073709551617",
  "123456789012345678901234567890",
  "1e400",
  "1e21",
  "4E3",
  "-0",
  "512.0",
  "[9007199254740993]",
  '{"pfn":9007199254740993}',
  '{"base":"buf","len":9007199254740993}',
  '"9007199254740993"',
);

Deno.test("JSON Lines: any value of an op written as raw JSON text loads the same with the fast path on and off", async () => {
  const header = JSON.stringify({
    itertrace: 1,
    name: "t",
    memory: { user: [{ region: "buf", size: "64K" }] },
  });
  const mark = "\u0001raw\u0001";
  const load = async (lines: string[], paths: (string | number)[][]) => {
    const issues: TraceIssue[] = [];
    const got: unknown[] = [];
    async function* src() {
      yield* lines;
    }
    for await (const n of streamJsonl(src(), "t.jsonl", issues)) {
      if (!("args" in n)) continue;
      got.push({
        index: n.index,
        op: n.op,
        id: n.id,
        line: n.line,
        column: n.column,
        args: exact(n.args),
        at: paths.map((p) => [n.locate(p), n.locate(p, true)]),
      });
    }
    return { got, issues };
  };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(ops.length - 1), fc.nat(), rawTokens), {
        minLength: 1,
        maxLength: 6,
      }),
      async (edits) => {
        const paths: (string | number)[][] = [["op"]];
        const lines = [
          header,
          ...edits.map(([i, k, raw]) => {
            const op = structuredClone(ops[i]);
            const all = valuePaths(op);
            const text = JSON.stringify(op, (_k, x) => typeof x === "bigint" ? x.toString() : x);
            if (!all.length) return text;
            const path = all[k % all.length];
            paths.push(path);
            let parent: Record<string | number, unknown> = op;
            for (const p of path.slice(0, -1)) parent = parent[p] as typeof parent;
            parent[path[path.length - 1]] = mark;
            return JSON.stringify(op, (_k, x) => typeof x === "bigint" ? x.toString() : x)
              .replace(JSON.stringify(mark), raw);
          }),
        ];
        const on = await load(lines, paths);
        const was = useFastPath(false);
        try {
          assert.deepEqual(on, await load(lines, paths), lines.join("\n"));
        } finally {
          useFastPath(was);
        }
      },
    ),
    { ...params, numRuns: runs },
  );
});

Deno.test("Resolver.vaddr: an address after one in the same region resolves as it does first", () => {
  const mem = new Memory(memSpec({
    user: [userRegion("buf", 64 * 1024), userRegion("buf2", 8192), userRegion("b", 4096)],
    kernel: [kernelRegion("kv", 8192, { kind: "vmalloc" }), kernelRegion("km", 4096)],
    files: [fileSpec("f", 8192)],
  }));
  const fail = (message: string): never => {
    throw new Error(message);
  };
  /** What vaddr says of `v`: an address or the message it fails with. */
  const ask = (r: Resolver, v: unknown) => {
    try {
      return r.vaddr(v, ["base"]);
    } catch (e) {
      return (e as Error).message;
    }
  };
  const spelled = fc.oneof(
    tricky,
    fc.tuple(
      fc.constantFrom("buf", "buf2", "b", "kv", "km", "f", "bu", "buf+", "0x"),
      fc.constantFrom("", "+", "+ ", "++", "+-"),
      fc.oneof(
        fc.nat(70000).map(String),
        fc.nat(70000).map((n) => `0x${n.toString(16)}`),
        fc.constantFrom("64K", "4K", "8K", "65536", "65537", "-0", "0x", "9007199254740993", "1e3"),
      ),
    ).map(([r, p, o]) => r + p + o),
  );
  fc.assert(
    fc.property(fc.array(spelled, { minLength: 1, maxLength: 6 }), (vs) => {
      // one resolver answers all in turn (each one after the region the last one named);
      // a fresh one answers each from scratch
      const warm = new Resolver(mem, fail, "t");
      for (const v of vs) {
        if (!isAddrExpr(v)) continue;
        assert.equal(ask(warm, v), ask(new Resolver(mem, fail, "t"), v), JSON.stringify(vs));
      }
    }),
    { ...params, numRuns: runs * 3 },
  );
});
