/**
 * Static reference checks: every variable an op uses was created by an earlier op (and not
 * freed), every region, file and pipe named exists. Run by `validate`; the replay checks
 * the same at run time.
 *
 * @module
 */
import type { TraceIssue } from "../errors.ts";
import { type LoadedHeader, type OpNode, showPath } from "./load.ts";
import { parseAddrExpr, parsePageExpr } from "./num.ts";
import { suggest } from "./suggest.ts";
import { Memory } from "../model/memory.ts";
import { memorySpec } from "./memory_spec.ts";
import { kernelProfile, notInEraReason, whenHolds } from "../profile.ts";
import { memFields, opDecl, varUses } from "./ops/mod.ts";

/** Checks references; returns every problem found. */
export function checkRefs(h: LoadedHeader, ops: Iterable<OpNode>): TraceIssue[] {
  const c = new RefChecker(h);
  for (const node of ops) c.op(node);
  return c.finish();
}

/**
 * The reference checks of one trace, fed one op at a time, so that a JSON Lines trace is
 * checked as it streams: what it keeps is the names in scope, the op ids (a warning cause may
 * name a later op's id, so those causes are judged at the end) and the problems found.
 */
export class RefChecker {
  private readonly issues: (TraceIssue | { cause: string; issue: TraceIssue })[] = [];
  private readonly ids = new Set<string>();
  private readonly op_: (node: OpNode) => void;

  constructor(h: LoadedHeader) {
    this.op_ = refCheck(h, this.issues);
  }

  /** Checks the next op. */
  op(node: OpNode): void {
    if (node.id !== undefined) this.ids.add(node.id);
    this.op_(node);
  }

  /** Every problem found, in the order of the ops. */
  finish(): TraceIssue[] {
    const out: TraceIssue[] = [];
    for (const i of this.issues) {
      if (!("cause" in i)) out.push(i);
      else if (!this.ids.has(i.cause)) out.push(i.issue);
    }
    return out;
  }
}

function refCheck(
  h: LoadedHeader,
  issues: (TraceIssue | { cause: string; issue: TraceIssue })[],
): (node: OpNode) => void {
  const m = h.header.memory;
  const regions = new Set<string>([
    ...(m.user ?? []).map((r) => r.region),
    ...(m.tasks ?? []).flatMap((t) => t.user.map((r) => r.region)),
    ...(m.kernel ?? []).map((r) => r.region),
  ]);
  const files = new Set((m.files ?? []).map((f) => f.name));
  const pipes = new Set((m.pipes ?? []).map((p) => p.name));
  const vars = new Set<string>();
  const memNames = new Set([...regions, ...files]);
  // the layout the replay would build: overlapping addresses or pfns, bad pfn lists, folios
  const mem = new Memory(memorySpec(h.header), h.header.page_size);
  for (const p of mem.problems) {
    issues.push({ file: h.file, ...h.locate(["memory"]), message: `memory: ${p.message}` });
  }
  const profile = kernelProfile(h.header.kernel, h.header.page_size);
  const sizeOf = (name: string) => mem.regions.get(name)?.size ?? 0;

  const causes = (list: unknown, at: (i: number) => (string | number)[], node?: OpNode) => {
    (list as { cause?: unknown }[] | undefined)?.forEach((w, i) => {
      const c = typeof w === "object" && w ? w.cause : undefined;
      if (c === undefined || typeof c === "number" || /^\d+$/.test(String(c))) return;
      const pos = node ? node.locate(at(i)) : h.locate(at(i));
      // judged once every op id is known (finish)
      issues.push({
        cause: String(c),
        issue: {
          file: h.file,
          ...pos,
          message: `warning cause "${c}" is neither a step index nor an op id`,
        },
      });
    });
  };
  causes(h.header.expect?.warnings, (i) => ["expect", "warnings", i, "cause"]);
  return (node: OpNode) => {
    causes(
      (node.args as { expect?: { warnings?: unknown } }).expect?.warnings,
      (i) => ["expect", "warnings", i, "cause"],
      node,
    );
    const a = node.args as Record<string, unknown>;
    const bad = (path: (string | number)[], what: string, name: string, pool: Iterable<string>) => {
      const hint = suggest(name, pool);
      issues.push({
        file: h.file,
        ...node.locate(path),
        message: `ops[${node.index}].${path.join(".")}: unknown ${what} "${name}"${
          hint ? ` (did you mean "${hint}"?)` : ""
        }`,
      });
    };
    const use = (key: string, what = "variable") => {
      const v = a[key];
      if (typeof v === "string" && !vars.has(v)) bad([key], what, v, vars);
    };
    const problem = (path: (string | number)[], message: string) =>
      issues.push({
        file: h.file,
        ...node.locate(path),
        message: `${showPath(["ops", node.index, ...path])}: ${message}`,
      });
    const addr = (v: unknown, path: (string | number)[], len?: number) => {
      const e = parseAddrExpr(v);
      if (e && "region" in e) {
        if (!memNames.has(e.region)) bad(path, "region", e.region, memNames);
        else if (len !== undefined && e.offset + len > sizeOf(e.region)) {
          problem(
            path,
            `${len} bytes from +0x${e.offset.toString(16)} run past the end of "${e.region}"`,
          );
        }
      }
    };
    const page = (v: unknown, path: (string | number)[]) => {
      const p = parsePageExpr(v);
      if (p && "region" in p) {
        if (!memNames.has(p.region)) bad(path, "region", p.region, memNames);
        else if (p.index >= mem.regions.get(p.region)!.npages) {
          problem(
            path,
            `"${p.region}" has ${mem.regions.get(p.region)!.npages} pages, no page ${p.index}`,
          );
        }
      }
    };
    const define = (name: string, path: (string | number)[]) => {
      if (vars.has(name)) problem(path, `"${name}" already exists; free it first`);
      vars.add(name);
    };
    // an op whose `when:` excludes the trace's era is another era's path: not checked here
    if (a.when && !whenHolds(a.when as string, profile.release)) return;
    const feature = opDecl(node.op)?.era;
    if (feature) {
      const why = notInEraReason(feature, profile);
      if (why) problem(["op"], `not_in_era: ${node.op} does not exist in this era (${why})`);
    }
    // the fields the op's declaration says name memory
    for (const f of memFields(node.op)) {
      at(a, f.path, [], (v, path) => {
        switch (f.ref.kind) {
          case "addr":
            return addr(v, path, f.ref.len === undefined ? undefined : a[f.ref.len] as number);
          case "page":
            return page(v, path);
          case "file":
            if (typeof v === "string" && !files.has(v)) bad(path, "file", v, files);
            return;
          case "mem":
            if (typeof v === "string" && !memNames.has(v)) {
              bad(path, "region or file", v, memNames);
            }
            return;
          case "pipe":
            if (typeof v === "string" && !pipes.has(v)) bad(path, "pipe", v, pipes);
            return;
          case "region":
            if (typeof v === "string" && !regions.has(v)) bad(path, "region", v, regions);
        }
      });
    }

    if (node.op === "expect") {
      for (const k of ["iter", "sgt", "rdma", "mr", "bio"]) {
        for (const name of Object.keys((a[k] as object | undefined) ?? {})) {
          if (!vars.has(name)) bad([k, name], "variable", name, vars);
        }
      }
      (a.memory as { at: unknown; len: number }[] | undefined)?.forEach((e, i) =>
        addr(e.at, ["memory", i, "at"], e.len)
      );
      return;
    }
    // the variables the op's declaration says it reads, creates, opens and releases
    for (const u of varUses(node.op)) {
      const v = a[u.key];
      const what = u.type === "iter" ? "iterator" : "variable";
      if (Array.isArray(v)) {
        v.forEach((n, i) => {
          if (!vars.has(n)) bad([u.key, i], what, n, vars);
        });
        continue;
      }
      if (typeof v !== "string") continue;
      if (u.use === "reads" || u.use === "releases") use(u.key, what);
      if (u.use === "creates") define(v, [u.key]);
      // an op that opens a variable creates it at its first use and appends to it after
      if (u.use === "opens") vars.add(v);
      if (u.use === "releases") vars.delete(v);
    }
  };
}

/** Calls `fn` on every value at `path` in `v` (`*` walks an array), with its concrete path. */
function at(
  v: unknown,
  path: readonly (string | "*")[],
  prefix: (string | number)[],
  fn: (v: unknown, path: (string | number)[]) => void,
): void {
  if (v === undefined || v === null) return;
  if (!path.length) return fn(v, prefix);
  const [head, ...rest] = path;
  if (head === "*") {
    if (Array.isArray(v)) v.forEach((x, i) => at(x, rest, [...prefix, i], fn));
    return;
  }
  at((v as Record<string, unknown>)[head], rest, [...prefix, head], fn);
}
