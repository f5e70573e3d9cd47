/**
 * The era-mutation test: move every row of the profile table (FEATURES) one release earlier
 * and one release later at each end (`since` and `until`, and each stable backport of either:
 * 6.12.88 to 6.12.87 or 6.12.89), and see whether some bundled trace notices, that is whether
 * `check` of that trace fails in the one release whose behaviour the move changes. A row none
 * of whose moves is noticed is unguarded: the era claim it makes is not checked by anything.
 *
 * Only what a move can change is replayed: a move of `since` from S to S+1 changes release S
 * only (S-1 for the other direction), and a trace is replayed in that release only if its
 * baseline replay there consulted the row (profiles are asked by name, so a replay that never
 * asks cannot change).
 *
 * @module
 */
import {
  compareRelease,
  type Feature,
  featureIn,
  type FeatureName,
  FEATURES,
  isSnapshot,
  nextSnapshots,
  parseRelease,
  type Release,
  rowIn,
} from "../profile.ts";
import { opDecl } from "../trace/ops/mod.ts";
import { nextRelease, prevRelease, releaseName } from "./eras.ts";

/** One move of one row end. */
export interface Mutation {
  readonly row: string;
  readonly end: "since" | "until";
  /** The stable backport of that end that moves ("6.12.88"); absent for the mainline end. */
  readonly backport?: string;
  /** The linux-next entry of that end that moves ("next-20241104"). */
  readonly next?: string;
  readonly dir: -1 | 1;
  /** The row as moved. */
  readonly moved: Feature;
  /** The one release whose profile the move changes. */
  readonly release: Release;
  /**
   * The modelled linux-next snapshots whose profile the move changes too (a `since` moved
   * from 6.13 to 6.12 also reaches the snapshots taken on 6.12): a trace noticing the move
   * in any of them guards it.
   */
  readonly also?: readonly Release[];
}

/** The modelled snapshots where the row and its moved copy differ. */
function snapshotsChanged(f: Feature, moved: Feature, except?: Release): Release[] {
  return nextSnapshots().map((n) => parseRelease(n)!).filter((s) =>
    rowIn(f, s) !== rowIn(moved, s) && !(except && compareRelease(s, except) === 0)
  );
}

/** The moves of every row: each end and each stable backport that exists, one release each way. */
export function mutations(table: Readonly<Record<string, Feature>> = FEATURES): Mutation[] {
  const out: Mutation[] = [];
  for (const [row, f] of Object.entries(table)) {
    for (const end of ["since", "until"] as const) {
      const at = f[end];
      if (!at) continue;
      for (const dir of [-1, 1] as const) {
        const to = dir < 0 ? prevRelease(at) : nextRelease(at);
        // a move out of the modelled range changes no release the model describes
        if (!to) continue;
        const moved: Feature = { ...f, [end]: to };
        // a move that empties or inverts the row still changes exactly one release (and
        // the linux-next snapshots on either side's base)
        const release = dir < 0 ? to : at;
        const also = snapshotsChanged(f, moved, release);
        out.push({ row, end, dir, moved, release, ...(also.length ? { also } : {}) });
      }
      const key = end === "since" ? "introduced" : "ended";
      const change = f[key];
      // the first linux-next snapshot carrying the commit, moved to the modelled snapshot
      // before it (which then has the row's end) or after it (or to none after the last:
      // the recorded snapshot then lacks it)
      const entry = change?.next !== undefined ? parseRelease(change.next) : undefined;
      if (entry) {
        for (const dir of [-1, 1] as const) {
          const to = dir < 0 ? prevRelease(entry) : nextRelease(entry);
          const toSnap = to && isSnapshot(to) ? releaseName(to) : undefined;
          if (dir < 0 && !toSnap) continue;
          const moved: Feature = { ...f, [key]: { ...change!, next: toSnap } };
          out.push({
            row,
            end,
            next: change!.next,
            dir,
            moved,
            release: dir < 0 ? to! : entry,
          });
        }
      }
      for (const backport of change?.backports ?? []) {
        const [x, y, z] = parseRelease(backport) as readonly [number, number, number];
        for (const dir of [-1, 1] as const) {
          // X.Y.1 one earlier would be the mainline release itself, not a backport
          if (dir < 0 && z === 1) continue;
          const to = `${x}.${y}.${z + dir}`;
          const backports = change!.backports!.map((b) => b === backport ? to : b);
          const moved: Feature = { ...f, [key]: { ...change!, backports } };
          out.push({
            row,
            end,
            backport,
            dir,
            moved,
            release: [x, y, dir < 0 ? z - 1 : z],
          });
        }
      }
    }
  }
  return out;
}

/** "since 6.3 -> 6.2", "until backport 6.12.118 -> 6.12.119". */
export function describeMutation(m: Mutation): string {
  const from = FEATURES[m.row as keyof typeof FEATURES] as Feature;
  if (m.next) {
    const c = m.moved[m.end === "since" ? "introduced" : "ended"];
    return `${m.end} linux-next entry ${m.next} -> ${c?.next ?? "none modelled"}`;
  }
  if (m.backport) {
    const [x, y, z] = parseRelease(m.backport)!;
    return `${m.end} backport ${m.backport} -> ${x}.${y}.${z! + m.dir}`;
  }
  return `${m.end} ${releaseName(from[m.end]!)} -> ${releaseName(m.moved[m.end]!)}`;
}

/**
 * Runs `fn` with a row of FEATURES replaced, restoring it afterwards. The table is a plain
 * object read on each profile lookup, so replays started inside `fn` see the moved row.
 */
export async function withRow<T>(row: string, f: Feature, fn: () => Promise<T>): Promise<T> {
  const table = FEATURES as unknown as Record<string, Feature>;
  const saved = Object.getOwnPropertyDescriptor(table, row)!;
  Object.defineProperty(table, row, { value: f, configurable: true, enumerable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(table, row, saved);
  }
}

/**
 * Runs `fn` and returns, with its result, the rows a profile looked up while it ran (every
 * row is turned into a recording getter for the duration).
 */
export async function recordingRows<T>(fn: () => Promise<T>): Promise<[T, Set<string>]> {
  const table = FEATURES as unknown as Record<string, Feature>;
  const used = new Set<string>();
  const saved = new Map<string, PropertyDescriptor>();
  for (const row of Object.keys(table)) {
    const d = Object.getOwnPropertyDescriptor(table, row)!;
    saved.set(row, d);
    const value = d.value as Feature;
    Object.defineProperty(table, row, {
      get() {
        used.add(row);
        return value;
      },
      configurable: true,
      enumerable: true,
    });
  }
  try {
    return [await fn(), used];
  } finally {
    for (const [row, d] of saved) Object.defineProperty(table, row, d);
  }
}

/** Sorts mutations by row, then end, then direction. */
export function byRow(a: Mutation, b: Mutation): number {
  return a.row < b.row
    ? -1
    : a.row > b.row
    ? 1
    : a.end < b.end
    ? -1
    : a.end > b.end
    ? 1
    : (a.backport ?? "").localeCompare(b.backport ?? "") ||
      (a.next ?? "").localeCompare(b.next ?? "") || a.dir - b.dir ||
      compareRelease(a.release, b.release);
}

/**
 * Stable backports the model cannot observe, for a reason the op gates do not show, keyed
 * "row X.Y.Z". Each entry is a claim about the model: a trace that reaches the row in that
 * series makes the move noticed and the entry wrong.
 */
const INERT_BACKPORTS: Readonly<Record<string, string>> = {
  "zero_page_unpinned 6.1.130":
    "the model pins no zero page before 6.3: extraction starts in 6.3, bios take refs before it, and io_uring registration pins with FOLL_WRITE, which faults in real pages",
};

/**
 * Why a move cannot be noticed by any trace, or undefined: every kernel function the row
 * changes is an op that does not exist in the release the move changes (its own era row,
 * another one, is not in force there), so no replay in that release can reach the row; or
 * the move is of a backport listed in {@link INERT_BACKPORTS}.
 */
export function equivalent(m: Mutation): string | undefined {
  const inert = m.backport && INERT_BACKPORTS[`${m.row} ${m.backport}`];
  if (inert) return inert;
  const f = FEATURES[m.row as FeatureName] as Feature;
  const gates = f.functions.map((fn) => [fn, opDecl(fn)?.era] as const);
  if (!gates.length) return undefined;
  for (const [, g] of gates) {
    if (!g || g === m.row || featureIn(g, m.release)) return undefined;
  }
  return `${gates.map(([fn, g]) => `${fn} (${g})`).join(", ")} not in ${releaseName(m.release)}`;
}

/** What the mutation test found for one move. */
export interface MutationResult {
  readonly mutation: Mutation;
  /** Why no trace can notice it (see {@link equivalent}). */
  readonly equivalent?: string;
  /** The first trace (file) whose check in the changed release changed, if any. */
  readonly noticedBy?: string;
  /** Traces replayed for this move. */
  readonly tried: number;
}

/** A check of one trace in one release: its status (pass, fail, error, skip). */
export type CheckAt = (file: string, release: Release) => Promise<string>;

/**
 * Runs every move against the traces; `checkAt` checks one trace in one release with
 * whatever FEATURES holds at the time.
 */
export async function runMutations(
  files: readonly string[],
  checkAt: CheckAt,
  muts: readonly Mutation[] = mutations(),
  onResult?: (r: MutationResult) => void,
): Promise<MutationResult[]> {
  const baseline = new Map<string, { status: string; used: Set<string> }[]>();
  const base = async (r: Release) => {
    const key = releaseName(r);
    let b = baseline.get(key);
    if (!b) {
      b = [];
      for (const f of files) {
        const [status, used] = await recordingRows(() => checkAt(f, r));
        b.push({ status, used });
      }
      baseline.set(key, b);
    }
    return b;
  };
  const out: MutationResult[] = [];
  for (const m of muts) {
    const eq = equivalent(m);
    if (eq) {
      const r = { mutation: m, equivalent: eq, tried: 0 };
      onResult?.(r);
      out.push(r);
      continue;
    }
    let noticedBy: string | undefined, tried = 0;
    for (const release of [m.release, ...(m.also ?? [])]) {
      if (noticedBy) break;
      const b = await base(release);
      await withRow(m.row, m.moved, async () => {
        for (let i = 0; i < files.length && !noticedBy; i++) {
          if (!b[i].used.has(m.row)) continue;
          tried++;
          if ((await checkAt(files[i], release)) !== b[i].status) noticedBy = files[i];
        }
      });
    }
    const r = { mutation: m, noticedBy, tried };
    onResult?.(r);
    out.push(r);
  }
  return out;
}

/** Rows with at least one move that no trace noticed, with those moves. */
export function unguarded(results: readonly MutationResult[]): Map<string, Mutation[]> {
  const out = new Map<string, Mutation[]>();
  for (const r of results) {
    if (r.noticedBy || r.equivalent) continue;
    const list = out.get(r.mutation.row) ?? [];
    list.push(r.mutation);
    out.set(r.mutation.row, list);
  }
  return out;
}
