/**
 * The era-mutation test: move every row of the profile table (FEATURES) one release earlier
 * and one release later at each end (`since` and `until`), and see whether some bundled trace
 * notices, that is whether `check` of that trace fails in the one release whose behaviour the
 * move changes. A row none of whose moves is noticed is unguarded: the era claim it makes is
 * not checked by anything.
 *
 * Only what a move can change is replayed: a move of `since` from S to S+1 changes release S
 * only (S-1 for the other direction), and a trace is replayed in that release only if its
 * baseline replay there consulted the row (profiles are asked by name, so a replay that never
 * asks cannot change).
 *
 * @module
 */
import { compareRelease, type Feature, FEATURES, type Release } from "../profile.ts";
import { nextRelease, prevRelease, releaseName } from "./eras.ts";

/** One move of one row end. */
export interface Mutation {
  readonly row: string;
  readonly end: "since" | "until";
  readonly dir: -1 | 1;
  /** The row as moved. */
  readonly moved: Feature;
  /** The one release whose profile the move changes. */
  readonly release: Release;
}

/** The moves of every row: each end that exists, one release each way. */
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
        // a move that empties or inverts the row still changes exactly one release
        out.push({ row, end, dir, moved, release: dir < 0 ? to : at });
      }
    }
  }
  return out;
}

/** "since 6.3 -> 6.2". */
export function describeMutation(m: Mutation): string {
  const from = FEATURES[m.row as keyof typeof FEATURES] as Feature;
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
    : a.dir - b.dir || compareRelease(a.release, b.release);
}
