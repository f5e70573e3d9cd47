/**
 * Effects: what a step did, as data. The step loop records the state of the variables the
 * op's declaration names (before and after, unformatted), the page holds taken and dropped,
 * and the bytes written; the changes a user sees are derived from these only when output
 * asks for them, and nothing is recorded at all when no output does (`replay -q`).
 *
 * @module
 */
import type { Memory } from "../model/memory.ts";
import { hex, type Pfn } from "../types.ts";
import { captureVar, varFields, type VarSnap } from "./views/mod.ts";
import type { Scope } from "./vars.ts";

/** One change a step made, as output shows it. */
export interface Change {
  /** What changed, as a dotted path (`iter.u.count`, `pins.buf[0]`, `sgt.s.entries[2]`). */
  readonly path: string;
  /** The value before the step (undefined: it did not exist). */
  readonly before: unknown;
  /** The value after the step (undefined: it is gone). */
  readonly after: unknown;
}

/** One thing a step did. */
export type Effect =
  /** A variable the op names: its state before and after (undefined: absent). */
  | {
    readonly kind: "var";
    readonly name: string;
    readonly before: VarSnap | undefined;
    readonly after: VarSnap | undefined;
  }
  /** The holds of one kind on one page changed by `delta`, leaving `count`. */
  | {
    readonly kind: "hold";
    readonly hold: "pin" | "ref";
    readonly pfn: Pfn;
    readonly delta: number;
    readonly count: number;
  }
  /** Bytes written into a page. */
  | { readonly kind: "write"; readonly pfn: Pfn; readonly off: number; readonly len: number };

/** Records one step's effects. */
export class Recorder {
  private names: string[] = [];
  private before: (VarSnap | undefined)[] = [];
  private holds = new Map<Pfn, { pin: number; ref: number }>();
  private writes: { pfn: Pfn; off: number; len: number }[] = [];

  /** Starts a step that names these variables. */
  begin(names: readonly string[], scope: Scope): void {
    this.names = names.slice();
    this.before = names.map((n) => snap(scope, n));
    if (this.holds.size) this.holds = new Map();
    this.writes = [];
  }

  /** A hold taken (+1) or dropped (-1). */
  held(kind: "pin" | "ref", pfn: Pfn, d: number): void {
    const e = this.holds.get(pfn) ?? { pin: 0, ref: 0 };
    e[kind] += d;
    this.holds.set(pfn, e);
  }

  /** Bytes written. */
  wrote(pfn: Pfn, off: number, len: number): void {
    this.writes.push({ pfn, off, len });
  }

  /** Ends the step: its effects, in the order changes show them. */
  end(scope: Scope, count: (kind: "pin" | "ref", pfn: Pfn) => number): Effect[] {
    const out: Effect[] = this.names.map((name, i) => ({
      kind: "var" as const,
      name,
      before: this.before[i],
      after: snap(scope, name),
    }));
    const pfns = [...this.holds.keys()].sort((a, b) => a - b);
    for (const hold of ["pin", "ref"] as const) {
      for (const pfn of pfns) {
        const delta = this.holds.get(pfn)![hold];
        if (delta) out.push({ kind: "hold", hold, pfn, delta, count: count(hold, pfn) });
      }
    }
    for (const w of this.writes) out.push({ kind: "write", ...w });
    return out;
  }
}

function snap(scope: Scope, name: string): VarSnap | undefined {
  const v = scope.get(name);
  return v ? captureVar(v) : undefined;
}

/** The changes a user sees, derived from a step's effects. */
export function changesOf(effects: readonly Effect[], mem: Memory): Change[] {
  const out: Change[] = [];
  const writes: { pfn: Pfn; off: number; len: number }[] = [];
  for (const e of effects) {
    if (e.kind === "var") {
      diff(
        `${e.after?.type ?? "var"}.${e.name}`,
        e.before && varFields(mem, e.before),
        e.after && varFields(mem, e.after),
        out,
      );
    } else if (e.kind === "hold") {
      out.push({
        path: `${e.hold}s.${mem.pageName(e.pfn)}`,
        before: e.count - e.delta,
        after: e.count,
      });
    } else writes.push(e);
  }
  for (const c of memoryChanges(writes, mem)) out.push(c);
  return out;
}

/** Writes as ranges of their regions, adjacent writes merged. */
function memoryChanges(writes: { pfn: Pfn; off: number; len: number }[], mem: Memory): Change[] {
  const ps = mem.pageSize;
  const ranges: { region: string; start: number; end: number }[] = [];
  for (const w of writes) {
    const loc = mem.pageLoc(w.pfn);
    const region = loc ? loc.region.name : mem.pageName(w.pfn);
    const start = (loc ? loc.index * ps : 0) + w.off;
    const last = ranges[ranges.length - 1];
    if (last && last.region === region && last.end === start) last.end = start + w.len;
    else ranges.push({ region, start, end: start + w.len });
  }
  return ranges.map((r) => ({
    path: `memory.${r.region}+${hex(r.start)}`,
    before: null,
    after: `${hex(r.end - r.start)} bytes written`,
  }));
}

function diff(
  prefix: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  out: Change[],
): void {
  if (!before && !after) return;
  if (!before) {
    out.push({ path: prefix, before: null, after });
    return;
  }
  if (!after) {
    out.push({ path: prefix, before, after: null });
    return;
  }
  for (const k of Object.keys(after)) {
    const b = before[k], a = after[k];
    if (Array.isArray(a) && Array.isArray(b)) {
      // list entries: one change per entry added, removed or changed
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
          out.push({ path: `${prefix}.${k}[${i}]`, before: b[i] ?? null, after: a[i] ?? null });
        }
      }
    } else if (b !== a) out.push({ path: `${prefix}.${k}`, before: b ?? null, after: a });
  }
}
