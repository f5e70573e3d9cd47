/**
 * Static reference checks: every variable an op uses was created by an earlier op (and not
 * freed), every region, file and pipe named exists. Run by `validate`; the replay checks
 * the same at run time.
 *
 * @module
 */
import type { TraceIssue } from "../errors.ts";
import { type LoadedHeader, type OpNode, showPath } from "./valid.ts";
import { parseAddrExpr, parsePageExpr } from "./num.ts";
import { suggest } from "./suggest.ts";
import { generated } from "./generated.ts";
import { Memory } from "../model/memory.ts";
import { memorySpec } from "./memory_spec.ts";
import { kernelProfile, notInEraReason, whenHolds } from "../profile.ts";
import { type MemField, memFields, opDecl, type VarUse, varUses } from "./ops/mod.ts";

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
  /** The op ids, in order: looked up (as a set) only when some warning cause needs them. */
  private readonly ids: string[] = [];
  private readonly op_: (node: OpNode) => void;

  constructor(h: LoadedHeader) {
    this.op_ = refCheck(h, this.issues);
  }

  /** Checks the next op. */
  op(node: OpNode): void {
    if (node.id !== undefined) this.ids.push(node.id);
    this.op_(node);
  }

  /** Every problem found, in the order of the ops. */
  finish(): TraceIssue[] {
    const out: TraceIssue[] = [];
    let ids: Set<string> | undefined;
    for (const i of this.issues) {
      if (!("cause" in i)) out.push(i);
      else if (!(ids ??= new Set(this.ids)).has(i.cause)) out.push(i.issue);
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
  // what the checks need of each op name, found once per name
  const plans = new Map<string, Plan>();
  const planOf = (op: string): Plan => {
    let p = plans.get(op);
    if (!p) {
      const feature = opDecl(op)?.era;
      p = {
        why: feature ? notInEraReason(feature, profile) : undefined,
        mem: memFields(op).map(walker),
        vars: varUses(op),
      };
      plans.set(op, p);
    }
    return p;
  };
  // the helpers take the op: nothing is allocated per op unless it has a problem
  const bad = (
    node: OpNode,
    path: readonly (string | number)[],
    what: string,
    name: string,
    pool: Iterable<string>,
  ) => {
    const hint = suggest(name, pool);
    issues.push({
      file: h.file,
      ...node.locate([...path]),
      message: `ops[${node.index}].${path.join(".")}: unknown ${what} "${name}"${
        hint ? ` (did you mean "${hint}"?)` : ""
      }`,
    });
  };
  const problem = (node: OpNode, path: readonly (string | number)[], message: string) =>
    issues.push({
      file: h.file,
      ...node.locate([...path]),
      message: `${showPath(["ops", node.index, ...path])}: ${message}`,
    });
  // the common case, "<region>" or "<region>+<offset>" of a known region with no length to
  // check, is found by comparing prefixes (a region name holds no "+"): nothing allocated
  const names = memNames.size <= 16 ? [...memNames] : [];
  const knownRegion = (v: string): boolean => {
    for (let i = 0; i < names.length; i++) {
      const n = names[i];
      if (v.startsWith(n) && (v.length === n.length || v.charCodeAt(n.length) === 43)) return true;
    }
    return false;
  };
  const addr = (node: OpNode, v: unknown, path: readonly (string | number)[], len?: number) => {
    if (len === undefined && typeof v === "string" && knownRegion(v)) return;
    const e = parseAddrExpr(v);
    if (e && "region" in e) {
      if (!memNames.has(e.region)) bad(node, path, "region", e.region, memNames);
      else if (len !== undefined && e.offset + len > sizeOf(e.region)) {
        problem(
          node,
          path,
          `${len} bytes from +0x${e.offset.toString(16)} run past the end of "${e.region}"`,
        );
      }
    }
  };
  const page = (node: OpNode, v: unknown, path: readonly (string | number)[]) => {
    const p = parsePageExpr(v);
    if (p && "region" in p) {
      if (!memNames.has(p.region)) bad(node, path, "region", p.region, memNames);
      else if (p.index >= mem.regions.get(p.region)!.npages) {
        problem(
          node,
          path,
          `"${p.region}" has ${mem.regions.get(p.region)!.npages} pages, no page ${p.index}`,
        );
      }
    }
  };
  /** One value of a field naming memory, at `path` (a live stack: copied when reported). */
  const leaf = (
    node: OpNode,
    a: Record<string, unknown>,
    f: MemField,
    v: unknown,
    path: (string | number)[],
  ) => {
    switch (f.ref.kind) {
      case "addr":
        return addr(node, v, path, f.ref.len === undefined ? undefined : a[f.ref.len] as number);
      case "page":
        return page(node, v, path);
      case "file":
        if (typeof v === "string" && !files.has(v)) bad(node, path, "file", v, files);
        return;
      case "mem":
        if (typeof v === "string" && !memNames.has(v)) {
          bad(node, path, "region or file", v, memNames);
        }
        return;
      case "pipe":
        if (typeof v === "string" && !pipes.has(v)) bad(node, path, "pipe", v, pipes);
        return;
      case "region":
        if (typeof v === "string" && !regions.has(v)) bad(node, path, "region", v, regions);
    }
  };
  /** Whether a value of a field naming memory surely has no problem (else `leaf` decides). */
  const quick = (f: MemField): (v: unknown) => boolean => {
    switch (f.ref.kind) {
      case "addr":
        return f.ref.len === undefined
          ? (v) => typeof v === "string" && knownRegion(v)
          : () => false;
      case "file":
        return (v) => typeof v !== "string" || files.has(v);
      case "mem":
        return (v) => typeof v !== "string" || memNames.has(v);
      case "pipe":
        return (v) => typeof v !== "string" || pipes.has(v);
      case "region":
        return (v) => typeof v !== "string" || regions.has(v);
      default:
        return () => false;
    }
  };
  /**
   * The walk of one field naming memory: every value at `f.path` in the op's arguments (`*`
   * walks an array, null and undefined end a walk), generated for its path (see
   * generated.ts): loops and lookups unrolled, the value's path built only for `leaf`, when
   * the quick check cannot vouch for it.
   */
  const walker = (f: MemField): (node: OpNode, a: Record<string, unknown>) => void => {
    const lit = JSON.stringify;
    const path: string[] = [];
    const emit = (depth: number, x: string, skip: string): string => {
      if (depth === f.path.length) {
        return `if (!Q(${x})) L(node, a, F, ${x}, [${path.join(", ")}]);`;
      }
      const head = f.path[depth];
      const y = `x${depth}`;
      if (head === "*") {
        const i = `i${depth}`;
        path.push(i);
        const inner = emit(depth + 1, y, "continue;");
        path.pop();
        return `if (!Array.isArray(${x})) ${skip}
          for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {
            const ${y} = ${x}[${i}];
            if (${y} === undefined || ${y} === null) continue;
            ${inner}
          }`;
      }
      path.push(lit(head));
      const inner = emit(depth + 1, y, skip);
      path.pop();
      return `const ${y} = ${x}[${lit(head)}];
        if (${y} === undefined || ${y} === null) ${skip}
        ${inner}`;
    };
    const body = emit(0, "a", "return;");
    return generated(`refs.walk:${f.path.join(".")}`, ["node", "a"], body, {
      Q: quick(f),
      L: leaf,
      F: f,
    });
  };
  return (node: OpNode) => {
    const a = node.args as Record<string, unknown>;
    const warnings = (a as { expect?: { warnings?: unknown } }).expect?.warnings;
    if (warnings !== undefined) {
      causes(warnings, (i) => ["expect", "warnings", i, "cause"], node);
    }
    // an op whose `when:` excludes the trace's era is another era's path: not checked here
    if (a.when && !whenHolds(a.when as string, profile.release)) return;
    const plan = planOf(node.op);
    if (plan.why) {
      problem(node, ["op"], `not_in_era: ${node.op} does not exist in this era (${plan.why})`);
    }
    // the fields the op's declaration says name memory
    for (const w of plan.mem) w(node, a);

    if (node.op === "expect") {
      for (const k of ["iter", "sgt", "rdma", "mr", "bio"]) {
        for (const name of Object.keys((a[k] as object | undefined) ?? {})) {
          if (!vars.has(name)) bad(node, [k, name], "variable", name, vars);
        }
      }
      (a.memory as { at: unknown; len: number }[] | undefined)?.forEach((e, i) =>
        addr(node, e.at, ["memory", i, "at"], e.len)
      );
      return;
    }
    // the variables the op's declaration says it reads, creates, opens and releases
    for (const u of plan.vars) {
      const v = a[u.key];
      const what = u.type === "iter" ? "iterator" : "variable";
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (!vars.has(v[i])) bad(node, [u.key, i], what, v[i], vars);
        }
        continue;
      }
      if (typeof v !== "string") continue;
      if ((u.use === "reads" || u.use === "releases") && !vars.has(v)) {
        bad(node, [u.key], what, v, vars);
      }
      if (u.use === "creates") {
        if (vars.has(v)) problem(node, [u.key], `"${v}" already exists; free it first`);
        vars.add(v);
      }
      // an op that opens a variable creates it at its first use and appends to it after
      if (u.use === "opens") vars.add(v);
      if (u.use === "releases") vars.delete(v);
    }
  };
}

/** What the reference checks need of one op name. */
interface Plan {
  /** Why the op does not exist in the trace's era, if it does not. */
  readonly why: string | undefined;
  /** The walks of its fields naming memory. */
  readonly mem: readonly ((node: OpNode, a: Record<string, unknown>) => void)[];
  readonly vars: readonly VarUse[];
}
