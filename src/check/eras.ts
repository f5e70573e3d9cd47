/**
 * The era matrix: which kernel releases a trace is checked in. The modelled eras are the
 * releases where some row of the profile table ({@link FEATURES}) starts or ends, plus one
 * release before the first of them: between two consecutive boundaries every release has the
 * same profile, so replaying one release per interval covers them all. A trace's header may
 * narrow the set with `eras:` (a list of releases or a range such as ">=6.3 <7.0"); releases
 * named by the trace's own `when:` conditions and its `kernel:` join the set, since a `when:`
 * boundary splits an interval for that trace.
 *
 * @module
 */
import {
  compareRelease,
  conditionTerms,
  type Feature,
  FEATURES,
  isSnapshot,
  isStable,
  LATEST,
  MAINLINE,
  nextRelease,
  nextSnapshots,
  parseRelease,
  prevRelease,
  rcNumber,
  type Release,
  releaseName as baseName,
  snapshotsOf,
  whenHolds,
} from "../profile.ts";

/** A patch level above any real one: "X.Y.y", the whole stable series X.Y. */
const SERIES_END = 99999;

/** "6.12", "6.12.88"; the end of a series is "6.12.y". */
export function releaseName(r: Release): string {
  if (r[2] === SERIES_END) return `${r[0]}.${r[1]}.y`;
  return baseName(r);
}

/** Whether `r` is exactly the mainline release X.Y (X.Y.0). */
function exactMainline(r: Release): boolean {
  return !isSnapshot(r) && (r[2] === undefined || r[2] === 0);
}

function mainlineIndex(r: Release): number {
  return MAINLINE.findIndex((m) => m[0] === r[0] && m[1] === r[1]);
}

export { nextRelease, prevRelease };

/**
 * The release just before `r`, as an inclusive end: X.Y.(Z-1) for a stable release, the -rc
 * before it for a release candidate or a mainline release whose -rcs are modelled, the whole
 * previous series (X'.Y'.y) for any other mainline release and for an -rc1.
 */
export function lastBefore(r: Release): Release {
  if (isStable(r)) {
    if (r[2] > 1) return [r[0], r[1], r[2] - 1];
    // X.Y.1 follows X.Y's last modelled linux-next snapshot, else X.Y itself
    const snaps = snapshotsOf(r);
    return snaps.length ? snaps[snaps.length - 1] : [r[0], r[1]];
  }
  // a linux-next snapshot: the snapshot before it, or its base release itself (X.Y.0)
  if (isSnapshot(r)) return prevRelease(r)!;
  // a release candidate or mainline release: the release before it, an -rc as itself, a
  // mainline one as its whole series
  const p = prevRelease(r) ?? r;
  return rcNumber(p) !== undefined ? p : [p[0], p[1], SERIES_END];
}

/**
 * Releases where the profile changes: every row's `since` and `until` and every stable
 * backport of a row's start or end, sorted, without duplicates.
 */
export function boundaryReleases(
  table: Readonly<Record<string, Feature>> = FEATURES,
): Release[] {
  const seen = new Map<string, Release>();
  for (const f of Object.values(table)) {
    for (const r of [f.since, f.until]) if (r) seen.set(baseName(r), r);
    for (const c of [f.introduced, f.ended]) {
      for (const b of c?.backports ?? []) seen.set(b, parseRelease(b)!);
    }
  }
  return [...seen.values()].sort(compareRelease);
}

let cachedEras: Release[] | undefined;

/**
 * The modelled eras, one release per run of releases with the same profile: the first
 * modelled release, then every boundary inside the modelled range. Computed once, from the
 * table as the module first sees it.
 */
export function modelledEras(): readonly Release[] {
  if (!cachedEras) {
    const first = MAINLINE[0];
    const inside = boundaryReleases().filter((r) =>
      compareRelease(r, first) > 0 && compareRelease(r, LATEST) <= 0
    );
    cachedEras = [first, ...inside];
  }
  return cachedEras;
}

/** The releases where an era condition changes value (`>X` and `<=X` flip after X). */
export function condReleases(cond: string): Release[] {
  const out: Release[] = [];
  for (const [op, r] of conditionTerms(cond)) {
    if (op !== ">" && op !== "<=") out.push(r);
    else if (isStable(r)) out.push([r[0], r[1], r[2] + 1]);
    else {
      const n = nextRelease(r);
      if (n) out.push(n);
    }
  }
  return out;
}

/** Every `when:` string anywhere inside a value (op arguments, expectation blocks). */
export function collectWhens(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) { for (const x of v) collectWhens(x, out); }
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "when" && typeof x === "string") out.add(x);
      else collectWhens(x, out);
    }
  }
  return out;
}

/** A trace's `eras:` header value: absent or "all", a range condition, or a list. */
export type EraSpec = string | readonly string[] | undefined;

/** Whether a release is inside a trace's declared eras. */
export function specHolds(spec: EraSpec, r: Release): boolean {
  if (spec === undefined || spec === "all") return true;
  if (typeof spec === "string") return whenHolds(spec, r);
  return spec.some((s) => {
    const x = parseRelease(s);
    return x !== undefined && compareRelease(x, r) === 0;
  });
}

/**
 * The releases one trace is checked in: for a list, exactly those; otherwise the modelled
 * eras inside the spec plus the releases its range, its `when:` conditions and its `kernel:`
 * name (when inside the spec), sorted.
 */
export function traceEras(
  spec: EraSpec,
  kernel: string,
  whens: Iterable<string> = [],
): Release[] {
  const seen = new Map<string, Release>();
  const add = (r: Release) => {
    if (!modelled(r) || !specHolds(spec, r)) return;
    seen.set(releaseName(r), r);
  };
  if (Array.isArray(spec)) {
    for (const s of spec) add(parseRelease(s)!);
  } else {
    for (const r of modelledEras()) add(r);
    if (typeof spec === "string" && spec !== "all") { for (const r of condReleases(spec)) add(r); }
    for (const w of whens) for (const r of condReleases(w)) add(r);
    const k = parseRelease(kernel);
    if (k) add(k);
    // a trace that names a linux-next snapshot is checked in every modelled one, each with
    // its base and the base's first stable release (where the snapshot's rows of the next
    // release are gone again)
    if ([...seen.values()].some(isSnapshot)) {
      for (const n of nextSnapshots()) {
        const r = parseRelease(n)!;
        add(r);
        add([r[0], r[1]]);
        add([r[0], r[1], 1]);
      }
    }
  }
  return [...seen.values()].sort(compareRelease);
}

/**
 * The inclusive end of a trace's declared eras after `last`: LATEST when the spec holds
 * there, else the release before the first one after `last` where it stops holding (a
 * golden of ">=6.3 <7.0" ends at 6.19, not "latest").
 */
export function specEnd(spec: EraSpec, last: Release): Release {
  if (specHolds(spec, LATEST)) return LATEST;
  const flips = Array.isArray(spec) ? MAINLINE : condReleases(spec as string);
  const stop = [...flips].sort(compareRelease).find((r) =>
    compareRelease(r, last) > 0 && !specHolds(spec, r)
  );
  return stop ? lastBefore(stop) : LATEST;
}

/** Whether a release is inside the modelled range (a mainline series of MAINLINE). */
export function modelled(r: Release): boolean {
  return mainlineIndex(r) >= 0;
}

/** The era of `eras` (sorted) whose interval holds `r`: the last one not after it. */
export function eraIndexOf(eras: readonly Release[], r: Release): number {
  let found = -1;
  eras.forEach((e, i) => {
    if (compareRelease(e, r) <= 0) found = i;
  });
  return found;
}

/** A golden file's era range, "6.3-6.11", "7.0-latest" or "6.1" (both ends inclusive). */
export interface EraRange {
  readonly from: Release;
  /** Inclusive; LATEST for open-ended. */
  readonly to: Release;
}

/**
 * "6.3-6.11" (6.3 to the end of the 6.11 series), "6.13" (one series), "6.12.88-6.12.y",
 * "7.0-latest", "next-20241030-next-20241101"; a range that ends at mainline X.Y itself,
 * before X.Y's linux-next snapshots, ends "X.Y.0" ("6.3-6.12.0").
 */
export function rangeName(r: EraRange): string {
  const from = releaseName(r.from);
  let to: string;
  if (exactMainline(r.to) && snapshotsOf(r.to).length) {
    to = `${r.to[0]}.${r.to[1]}.0`;
    return compareRelease(r.from, r.to) === 0 ? to : `${from}-${to}`;
  }
  if (compareRelease(r.to, LATEST) >= 0) to = "latest";
  else if (r.to[2] === SERIES_END && r.from[2] === undefined) to = `${r.to[0]}.${r.to[1]}`;
  else to = releaseName(r.to);
  return from === to || (r.from[2] === undefined && to === from) ? from : `${from}-${to}`;
}

/** Parses rangeName() output; an end "X.Y" is the whole series. */
export function parseRange(text: string): EraRange | undefined {
  const m =
    /^(\d+\.\d+(?:\.\d+|-rc\d+)?|next-\d{8})(?:-(\d+\.\d+(?:\.\d+|\.y|-rc\d+)?|next-\d{8}|latest))?$/
      .exec(text);
  if (!m) return undefined;
  const from = parseRelease(m[1]);
  if (!from) return undefined;
  const end = m[2] ?? m[1];
  let to: Release;
  if (end === "latest") to = LATEST;
  else if (end.endsWith(".y")) {
    const [a, b] = end.split(".").map(Number);
    to = [a, b, SERIES_END];
  } else {
    const p = parseRelease(end);
    if (!p) return undefined;
    to = p[2] === undefined ? [p[0], p[1], SERIES_END] : p;
  }
  return compareRelease(from, to) <= 0 ? { from, to } : undefined;
}

/** Whether `r` is inside the range. */
export function inRange(range: EraRange, r: Release): boolean {
  return compareRelease(range.from, r) <= 0 && compareRelease(r, range.to) <= 0;
}
