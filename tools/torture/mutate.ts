/**
 * Seeded mutations of the bundled traces (traces/**) and captures (fixtures/captures/*):
 * lines deleted, duplicated, swapped and re-indented, numbers replaced by extremes, names by
 * other names, bytes inserted, the file truncated. The same seed gives the same cases.
 *
 * @module
 */
import type { TortureCase } from "./case.ts";

/** mulberry32: a small seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES = [
  "0",
  "-1",
  "1",
  "4294967296",
  "18446744073709551616",
  "9".repeat(30),
  "1T",
  "16E",
  "0x7fffffffffffffff",
  "1.5",
  "-0x1000",
  ".nan",
  "1e400",
  "0xZZ",
  "4095",
  "4097",
];
const INSERTS = [
  "\u0000",
  "{",
  "[",
  "}",
  "]",
  ":",
  "'",
  '"',
  "&a ",
  "*a",
  "\t",
  "#",
  "- ",
  "\ufeff",
  "é",
  "\r",
  "\\",
  ",",
  "!!",
  "%",
  "@",
];
const NAMES = ["nosuch", "UBUF", "", "a b", "x/y", "u", "k", "it", "zero_page"];

type Mutator = (text: string, r: () => number) => string;

const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)];

const MUTATORS: Record<string, Mutator> = {
  deleteLine(t, r) {
    const ls = t.split("\n");
    ls.splice(Math.floor(r() * ls.length), 1);
    return ls.join("\n");
  },
  duplicateLine(t, r) {
    const ls = t.split("\n");
    const i = Math.floor(r() * ls.length);
    ls.splice(i, 0, ls[i]);
    return ls.join("\n");
  },
  swapLines(t, r) {
    const ls = t.split("\n");
    const i = Math.floor(r() * ls.length), j = Math.floor(r() * ls.length);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return ls.join("\n");
  },
  reindent(t, r) {
    const ls = t.split("\n");
    const i = Math.floor(r() * ls.length);
    ls[i] = r() < 0.5 ? `  ${ls[i]}` : ls[i].replace(/^ {1,2}/, "");
    return ls.join("\n");
  },
  number(t, r) {
    const ms = [...t.matchAll(/(?<![\w.])(0x[0-9a-fA-F]+|\d+[KMGT]?)(?![\w.])/g)];
    if (!ms.length) return t;
    const m = pick(ms, r);
    return t.slice(0, m.index) + pick(EXTREMES, r) + t.slice(m.index! + m[0].length);
  },
  name(t, r) {
    const ms = [
      ...t.matchAll(
        /\b(iter|sgt|bio|as|region|file|pages|of|var|pipe|from|to|at|addr|base|page): ("?)([A-Za-z_][\w.]*)/g,
      ),
    ];
    if (!ms.length) return t;
    const m = pick(ms, r);
    const start = m.index! + m[0].length - m[3].length;
    const repl = r() < 0.5 ? pick(NAMES, r) : m[3].toUpperCase();
    return t.slice(0, start) + repl + t.slice(start + m[3].length);
  },
  opName(t, r) {
    const ms = [...t.matchAll(/\bop"?: ?"?([a-z_0-9]+)/g)];
    if (!ms.length) return t;
    const m = pick(ms, r);
    const start = m.index! + m[0].length - m[1].length;
    const w = m[1];
    const repl = [w.toUpperCase(), w.slice(0, -1), w + "s", w.replace(/_/g, "-"), "expect"][
      Math.floor(r() * 5)
    ];
    return t.slice(0, start) + repl + t.slice(start + w.length);
  },
  insert(t, r) {
    const i = Math.floor(r() * (t.length + 1));
    return t.slice(0, i) + pick(INSERTS, r) + t.slice(i);
  },
  deleteChar(t, r) {
    const i = Math.floor(r() * t.length);
    return t.slice(0, i) + t.slice(i + 1);
  },
  truncate(t, r) {
    return t.slice(0, Math.floor(r() * t.length));
  },
  duplicateBlock(t, r) {
    const ls = t.split("\n");
    const i = Math.floor(r() * ls.length), n = 1 + Math.floor(r() * 5);
    const j = Math.floor(r() * ls.length);
    ls.splice(j, 0, ...ls.slice(i, i + n));
    return ls.join("\n");
  },
  keyword(t, r) {
    // a field's key misspelt or changed in case
    const ms = [...t.matchAll(/\b([a-z_]{3,}):/g)];
    if (!ms.length) return t;
    const m = pick(ms, r);
    const k = m[1];
    const repl = r() < 0.5 ? k.toUpperCase() : k.slice(0, -1);
    return t.slice(0, m.index) + repl + t.slice(m.index! + k.length);
  },
};

/** Applies 1 to 3 mutators chosen by `seed`; returns the text and the mutators' names. */
export function mutate(text: string, seed: number): { text: string; how: string[] } {
  const r = rng(seed);
  const names = Object.keys(MUTATORS);
  const how: string[] = [];
  let t = text;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const m = pick(names, r);
    how.push(m);
    t = MUTATORS[m](t, r);
  }
  return { text: t, how };
}

/** The commands a mutated trace is run with, one chosen per case. */
const TRACE_COMMANDS: string[][] = [
  ["replay", "-q"],
  ["replay", "-q"],
  ["validate"],
  ["check"],
  ["replay", "-q", "-k", "6.1"],
  ["replay", "-f", "json"],
  ["compare", "-k", "6.1", "-k", "7.0"],
  ["report", "-o", "r.html"],
  ["export", "kunit", "-k", "6.12"],
];

function walk(dir: string, keep: (p: string) => boolean, out: string[] = []): string[] {
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) walk(p, keep, out);
    else if (e.isFile && keep(p)) out.push(p);
  }
  return out;
}

/** Mutation cases: `perTrace` per bundled trace, `perCapture` per capture. */
export function mutationCases(
  repo: string,
  seed: number,
  perTrace: number,
  perCapture: number,
): TortureCase[] {
  const out: TortureCase[] = [];
  const traces = walk(`${repo}/traces`, (p) => /\.(ya?ml|json|jsonl)$/.test(p));
  const r = rng(seed);
  for (const path of traces) {
    const text = Deno.readTextFileSync(path);
    const rel = path.slice(repo.length + 1);
    const ext = path.slice(path.lastIndexOf("."));
    for (let k = 0; k < perTrace; k++) {
      const s = Math.floor(r() * 2 ** 31);
      const m = mutate(text, s);
      const cmd = pick(TRACE_COMMANDS, r);
      const file = `m${ext}`;
      out.push({
        id: `mut/${rel}#${s}`,
        files: { [file]: m.text },
        argv: [...cmd, file],
        input: file,
        pos: "auto",
      });
    }
  }
  const caps = walk(`${repo}/fixtures/captures`, (p) => /\.(bt|strace)\.txt$|\.syz$/.test(p));
  for (const path of caps) {
    const text = Deno.readTextFileSync(path);
    const rel = path.slice(repo.length + 1);
    const kind = path.endsWith(".bt.txt") ? "bpftrace" : path.endsWith(".syz") ? "syz" : "strace";
    for (let k = 0; k < perCapture; k++) {
      const s = Math.floor(r() * 2 ** 31);
      const m = mutate(text, s);
      const extra = pick([[], ["-f", "jsonl"], ["--path", "netfs"], ["--assume-direct"]], r);
      const toFile = k % 2 === 1;
      const out_ = extra.includes("jsonl") ? "out.jsonl" : "out.yaml";
      out.push({
        id: `mut/${rel}#${s}`,
        files: { "cap.txt": m.text },
        argv: ["import", kind, "cap.txt", ...extra, ...(toFile ? ["-o", out_] : [])],
        input: "cap.txt",
        pos: "auto",
        ...(toFile ? { then: ["validate", out_] } : {}),
      });
    }
  }
  return out;
}
