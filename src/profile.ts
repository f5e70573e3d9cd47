/**
 * Kernel-era profiles. Every behaviour that differs between releases is one row of
 * {@link FEATURES}; a profile is the set of rows in force for a release. Code asks
 * `profile.has("name")`, never compares versions itself.
 *
 * A release is a mainline release "X.Y" (X.Y.0: every modelled change up to it, no stable
 * backports), a stable point release "X.Y.Z" (X.Y.0 plus the rows whose fix was backported
 * to X.Y.N with N <= Z) or, for the series of {@link RC_SERIES}, a release candidate
 * "X.Y-rcN" (the rows placed at X.Y-rcM with M <= N; X.Y-rc1 < ... < X.Y < X.Y.1) or, for the
 * snapshots of {@link NEXT_SNAPSHOTS}, a linux-next snapshot "next-YYYYMMDD" (see
 * {@link featureIn}). "latest" stands for {@link LATEST}. Releases outside {@link MAINLINE}
 * and snapshots outside the table are refused, never replaced by a neighbour.
 *
 * @module
 */
import { FEATURES } from "./eras/features.ts";
import type { Feature, FeatureName } from "./eras/features.ts";
export { FEATURES };
export type { Change, Feature, FeatureName } from "./eras/features.ts";

import { isStable, rc, RC_BASE, rcNumber, type Release, snapshotDate } from "./eras/release.ts";
export type { Release } from "./eras/release.ts";
export { isStable, rc, rcNumber, snapshotDate };

/**
 * Every mainline release the model describes, oldest first. 5.15 is the first with the
 * separate `iter_type` enum the kinds are modelled on; 7.4 is the newest (queued in the vfs
 * tree and linux-next in October 2026: the public record ends before its release).
 */
export const MAINLINE: readonly Release[] = [
  [5, 15],
  [5, 16],
  [5, 17],
  [5, 18],
  [5, 19],
  ...Array.from({ length: 20 }, (_, i) => [6, i] as const),
  [7, 0],
  [7, 1],
  [7, 2],
  [7, 3],
  [7, 4],
];

/** The release "latest" stands for. */
export const LATEST: Release = [7, 4];

/**
 * Mainline releases with stable point releases in the record (7.4 has none: it was not
 * released when the record ends).
 */
const NEWEST_STABLE_SERIES: Release = [7, 3];

/**
 * Series whose release candidates are modelled, each with the last -rc in the record. In
 * these series every row of {@link FEATURES} that starts or ends there is placed at the -rc
 * whose tag first carried its commit (a merge-window change at -rc1, a fix at the -rc of the
 * week its pull was merged), so "7.3-rc2" means what a 7.3-rc2 kernel did. Elsewhere rows are
 * placed at mainline releases only and an -rc would be a guess, so it is refused.
 *
 * 7.3: rc2 6 Sep, rc4 20 Sep, rc5 27 Sep and rc7 ~4 Oct 2026 are in the torvalds/linux-next
 * post-receive record (kernel-2026.md section 1); the record ends before a 7.3-rc8 or 7.3.
 */
export const RC_SERIES: Readonly<Record<string, number>> = { "7.3": 7 };

/** One modelled linux-next snapshot. */
export interface NextSnapshot {
  /**
   * The mainline release the snapshot was taken on: the newest release when it was tagged
   * (its -rcs are not modelled, so a snapshot of the 6.12-rc weeks is based on "6.12").
   */
  readonly base: string;
  /** The linux-next push that tagged it and what it shows. */
  readonly evidence: string;
}

/**
 * The linux-next snapshots the model describes: only those the record shows, each at a
 * point where a row of {@link FEATURES} entered or left linux-next (a bug that no tag
 * carried). A snapshot is ordered after its base release and before the base's first stable
 * point release (6.12 < next-20241030 < next-20241104 < 6.12.1 < 6.13-rc1 < 6.13): it holds
 * the rows of its base and, of the rows of the next release, those whose commit's recorded
 * linux-next entry (`introduced.next`) is on or before it, minus those whose ending commit's
 * entry (`ended.next`) is; it carries no stable backport. A snapshot not listed here is
 * refused naming the listed ones.
 */
export const NEXT_SNAPSHOTS: Readonly<Record<string, NextSnapshot>> = {
  "next-20230227": {
    base: "6.2",
    evidence:
      "linux-next-history push of 27 Feb 2023 tagging next-20230227 (id 67111640258); built on Linus' master of the 6.3 merge window, which had merged '6.3-rc-smb3-client-fixes' (307e14c03906, with 018584697533 and 7d58fe731028) by 23 Feb 2023 (a tree following master pushed it then, id 67520234777; kernel test robot on master 1ec35eadc3b4, 26 Feb, id 29154360199)",
  },
  "next-20230228": {
    base: "6.2",
    evidence:
      "linux-next-history push of 28 Feb 2023 01:26 UTC tagging next-20230228 (id 67125454049): its new commits include 41ed96d4ea4e 'iov: Fix netfs_extract_user_to_sg()' (the cifs tree's id of 4c0421fa6df1)",
  },
  "next-20241030": {
    base: "6.12",
    evidence:
      "linux-next push tagging next-20241030 (id 66037899103): its new commits include e4e535bff2bc; Klara Modin: 'e4e535bff2bc ... in next-20241030' (id 28001108471)",
  },
  "next-20241031": {
    base: "6.12",
    evidence:
      "linux-next push tagging next-20241031 (id 65928870437); syzbot's crash of the over-return is on 6.12.0-rc5-next-20241031 (Dumazet's patch, id 27241630267)",
  },
  "next-20241101": {
    base: "6.12",
    evidence:
      "linux-next push tagging next-20241101 (id 66142832525): its new commits include 496a51b37143 'lib/iov_iter.c: initialize bi.bi_idx before iterating over bvec' but not the maxsize fix, which reached for-6.13/block later that day (7bc802acf193, axboe's push of 1 Nov 18:49 UTC, id 65790090664)",
  },
  "next-20241104": {
    base: "6.12",
    evidence:
      "linux-next-history push tagging next-20241104 (id 66317600773): its new commits include 341468e0ab4b 'lib/iov_iter: fix bvec iterator setup', which Jens Axboe swapped in for 7bc802acf193 on 2 Nov 2024 (id 32173445336; for-6.13/block push, id 66026932811)",
  },
};

/** The modelled linux-next snapshots, oldest first. */
export function nextSnapshots(): string[] {
  return Object.keys(NEXT_SNAPSHOTS).sort();
}

function snapshotBase(name: string): Release | undefined {
  const s = NEXT_SNAPSHOTS[name];
  if (!s) return undefined;
  const [x, y] = s.base.split(".").map(Number);
  return [x, y];
}

/** Whether `r` is a linux-next snapshot. */
export function isSnapshot(r: Release): boolean {
  return snapshotDate(r) !== undefined;
}

/** The modelled snapshots taken on base X.Y (of any release X.Y...), oldest first. */
export function snapshotsOf(base: Release): Release[] {
  return nextSnapshots().map((n) => parseRelease(n)!).filter((r) =>
    r[0] === base[0] && r[1] === base[1]
  );
}

/** The modelled release candidates, one range per series: ["7.3-rc1 to 7.3-rc7"]. */
export function rcRanges(): string[] {
  return Object.entries(RC_SERIES).map(([s, n]) => `${s}-rc1 to ${s}-rc${n}`);
}

/** The last modelled -rc of a series, or undefined when its -rcs are not modelled. */
export function lastRc(r: Release): number | undefined {
  return RC_SERIES[`${r[0]}.${r[1]}`];
}

function mainlineIndex(r: Release): number {
  return MAINLINE.findIndex((m) => m[0] === r[0] && m[1] === r[1]);
}

/**
 * The modelled release after `r`: the next mainline series (6.19 -> 7.0), or for a release
 * candidate the next one (7.3-rc2 -> 7.3-rc3; the last -rc -> 7.3); a series whose -rcs are
 * modelled is entered at its -rc1 (7.2 -> 7.3-rc1); undefined after the last.
 */
export function nextRelease(r: Release): Release | undefined {
  if (isSnapshot(r)) {
    // the next modelled snapshot on the same base, else the base's first stable release
    const later = snapshotsOf(r).find((s) => compareRelease(s, r) > 0);
    return later ?? [r[0], r[1], 1];
  }
  const n = rcNumber(r);
  if (n !== undefined) return n < (lastRc(r) ?? 0) ? [r[0], r[1], rc(n + 1)] : [r[0], r[1]];
  const i = mainlineIndex(r);
  const next = i >= 0 ? MAINLINE[i + 1] : undefined;
  return next && lastRc(next) !== undefined ? [next[0], next[1], rc(1)] : next;
}

/**
 * The modelled release before `r`: the previous mainline series (7.0 -> 6.19), or for a
 * release candidate the one before it (7.3-rc3 -> 7.3-rc2; 7.3-rc1 -> 7.2); a mainline
 * release whose -rcs are modelled follows its last -rc (7.3 -> 7.3-rc7); undefined before
 * the first.
 */
export function prevRelease(r: Release): Release | undefined {
  if (isSnapshot(r)) {
    // the previous modelled snapshot on the same base, else the base itself
    const earlier = snapshotsOf(r).filter((s) => compareRelease(s, r) < 0);
    return earlier[earlier.length - 1] ?? [r[0], r[1]];
  }
  const n = rcNumber(r);
  if (n !== undefined && n > 1) return [r[0], r[1], rc(n - 1)];
  if (n === undefined && r[2] === undefined && lastRc(r) !== undefined) {
    return [r[0], r[1], rc(lastRc(r)!)];
  }
  const i = mainlineIndex(r);
  return i > 0 ? MAINLINE[i - 1] : undefined;
}

/**
 * A release as a trace or the command line writes it (without anchors): "6.12", "6.12.88",
 * "7.3-rc2", "next-20241030". Used by the trace schema and the era conditions.
 */
export const RELEASE_PATTERN = String.raw`(?:\d{1,3}\.\d{1,3}(?:\.\d{1,4}|-rc\d{1,2})?|next-\d{8})`;

const CONDITION_TERM = new RegExp(String.raw`(>=|<=|>|<|==|=)?\s*(${RELEASE_PATTERN}|latest)`, "g");

/**
 * The comparisons of an era condition (or of one of its alternatives), in order: each
 * operator (">=", "<", ...; "==" when none is written) and release. ">=7.3-rc1 <7.3-rc3" is
 * [[">=", 7.3-rc1], ["<", 7.3-rc3]].
 */
export function conditionTerms(cond: string): [op: string, release: Release][] {
  const out: [string, Release][] = [];
  for (const m of cond.matchAll(CONDITION_TERM)) {
    const r = parseRelease(m[2]);
    if (r) out.push([m[1] ?? "==", r]);
  }
  return out;
}

/** The behaviour of one kernel release. */
export interface KernelProfile {
  /** The release as written in the trace ("6.12", "6.12.88", "next-20241030", "latest"). */
  readonly name: string;
  /** The release as numbers ([6, 12] or [6, 12, 88]). */
  readonly release: Release;
  /** What headers print: "6.12.88", or "latest (7.4)" for latest. */
  readonly label: string;
  /** PAGE_SIZE in bytes. */
  readonly pageSize: number;
  /** Whether a behaviour of {@link FEATURES} is in force. */
  has(feature: FeatureName): boolean;
  /** The behaviours asked about so far, in the order first asked. */
  consulted(): FeatureName[];
}

/** MAX_RW_COUNT: INT_MAX rounded down to a page (include/linux/fs.h). */
export function maxRwCount(pageSize: number): number {
  return 0x7fffffff - (0x7fffffff % pageSize);
}

/** UIO_MAXIOV (include/uapi/linux/uio.h). */
export const UIO_MAXIOV = 1024;
/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h). */
export const GUP_PIN_COUNTING_BIAS = 1024;
/** TASK_SIZE_MAX on x86-64 with 4-level paging: the end of user space. */
export const TASK_SIZE_MAX = 0x7ffffffff000n;

/** Compares two releases; a mainline release X.Y is X.Y.0. */
export function compareRelease(a: Release, b: Release): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] - b[1];
  return (a[2] ?? 0) - (b[2] ?? 0) || (snapshotDate(a) ?? 0) - (snapshotDate(b) ?? 0);
}

/** "6.12", "6.12.88", "7.3-rc2" or "next-20241030". */
export function releaseName(r: Release): string {
  const d = snapshotDate(r);
  if (d !== undefined) return `next-${d}`;
  const n = rcNumber(r);
  return n === undefined ? r.join(".") : `${r[0]}.${r[1]}-rc${n}`;
}

/**
 * Parses "X.Y", "X.Y.Z", "X.Y-rcN" or "latest" (syntax only), or a modelled linux-next
 * snapshot "next-YYYYMMDD" (its base comes from {@link NEXT_SNAPSHOTS}); undefined when
 * malformed or an unmodelled snapshot.
 */
export function parseRelease(text: string): Release | undefined {
  if (text === "latest") return LATEST;
  if (text.startsWith("next-")) {
    const base = snapshotBase(text);
    return base ? [base[0], base[1], 0, Number(text.slice(5))] : undefined;
  }
  const m = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4})|-rc(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  if (m[4] !== undefined) {
    const n = Number(m[4]);
    return n >= 1 && n < RC_BASE ? [Number(m[1]), Number(m[2]), rc(n)] : undefined;
  }
  return m[3] === undefined
    ? [Number(m[1]), Number(m[2])]
    : [Number(m[1]), Number(m[2]), Number(m[3])];
}

const RANGE = `${releaseName(MAINLINE[0])} to ${releaseName(LATEST)}`;

/**
 * Why `text` is not a modelled release, or undefined when it is. Names the modelled range.
 */
export function releaseProblem(text: string): string | undefined {
  if (/^next-\d{8}$/.test(text) && !NEXT_SNAPSHOTS[text]) {
    return `kernel ${text}: this linux-next snapshot is not modelled (snapshots are modelled where the era table records which commits entered linux-next); modelled linux-next snapshots: ${
      nextSnapshots().join(", ")
    }`;
  }
  const r = parseRelease(text);
  if (!r) {
    return `"${text}" is not a release: expected "X.Y" (mainline), "X.Y.Z" (stable), "X.Y-rcN" (release candidate), "next-YYYYMMDD" (linux-next snapshot) or "latest"`;
  }
  if (isSnapshot(r)) return undefined;
  const series = MAINLINE.find((m) => m[0] === r[0] && m[1] === r[1]);
  if (!series) {
    return `kernel ${text} is not modelled: the modelled releases are ${RANGE} (mainline), their stable point releases, and "latest" (${
      releaseName(LATEST)
    })`;
  }
  const n = rcNumber(r);
  if (n !== undefined) {
    const last = lastRc(r);
    const modelled = rcRanges();
    if (last === undefined) {
      return `kernel ${text}: the release candidates of ${
        releaseName(series)
      } are not modelled (its era rows are placed at mainline releases only); modelled release candidates: ${
        modelled.join(", ")
      }; use "${releaseName(series)}"`;
    }
    if (n > last) {
      return `kernel ${text}: ${releaseName(series)}-rc${last} is the last release candidate of ${
        releaseName(series)
      } in the record; modelled release candidates: ${modelled.join(", ")}`;
    }
    return undefined;
  }
  if (r[2] !== undefined && compareRelease(series, NEWEST_STABLE_SERIES) > 0) {
    return `kernel ${text}: ${
      releaseName(series)
    } had no stable point releases when the record ends (October 2026); use "${
      releaseName(series)
    }"`;
  }
  if (r[2] === 0) return `kernel ${text}: write the mainline release as "${r[0]}.${r[1]}"`;
  return undefined;
}

/** Parses a modelled release; throws a RangeError naming the modelled range otherwise. */
export function resolveRelease(text: string): Release {
  const why = releaseProblem(text);
  if (why) throw new RangeError(why);
  return parseRelease(text)!;
}

/** What output headers print for a kernel: "6.12", "6.12.88" or "latest (7.4)". */
export function kernelLabel(text: string): string {
  return text === "latest" ? `latest (${releaseName(LATEST)})` : text;
}

/** Whether stable point release `r` carries a backport listed as "X.Y.Z". */
function backported(list: readonly string[] | undefined, r: Release): boolean {
  if (!list || !isStable(r)) return false;
  return list.some((b) => {
    const p = parseRelease(b)!;
    return p[0] === r[0] && p[1] === r[1] && r[2]! >= p[2]!;
  });
}

/**
 * Whether the commit of `c` had entered linux-next by snapshot `r`: its recorded first
 * snapshot (`next`) is on or before it.
 */
function enteredNext(c: Feature["introduced"], r: Release): boolean {
  return c?.next !== undefined && Number(c.next.slice(5)) <= snapshotDate(r)!;
}

/**
 * A row in a linux-next snapshot: the rows of its base release, plus the rows of the next
 * mainline release whose commit had entered linux-next by then, minus those whose ending
 * commit had; no stable backport applies.
 */
function snapshotHas(f: Feature, r: Release): boolean {
  const base: Release = [r[0], r[1]];
  const started = !f.since || compareRelease(f.since, base) <= 0 ||
    (ofUpcoming(r, f.since) && enteredNext(f.introduced, r));
  const ended = !!f.until && (compareRelease(f.until, base) <= 0 ||
    (ofUpcoming(r, f.until) && enteredNext(f.ended, r)));
  return started && !ended;
}

/** Whether `at` is in the mainline release after snapshot `r`'s base (the one it leads to). */
function ofUpcoming(r: Release, at: Release): boolean {
  const upcoming = MAINLINE[mainlineIndex([r[0], r[1]]) + 1];
  return upcoming !== undefined && at[0] === upcoming[0] && at[1] === upcoming[1];
}

/**
 * Whether `feature` is in force in `release` (stable backports included; for a linux-next
 * snapshot, see {@link snapshotHas}).
 */
export function featureIn(feature: FeatureName, release: Release): boolean {
  return rowIn(FEATURES[feature], release);
}

/** Whether a row (of FEATURES or a moved copy) is in force in `release`. */
export function rowIn(f: Feature, release: Release): boolean {
  if (isSnapshot(release)) return snapshotHas(f, release);
  const since = f.since && compareRelease(release, f.since) < 0
    ? backported(f.introduced?.backports, release)
    : true;
  const before = f.until && compareRelease(release, f.until) >= 0
    ? false
    : !backported(f.ended?.backports, release);
  return since && before;
}

/** Builds the profile of a release; throws a RangeError for a release not modelled. */
export function kernelProfile(name: string, pageSize = 4096): KernelProfile {
  const release = resolveRelease(name);
  const cache = new Map<FeatureName, boolean>();
  return {
    name,
    release,
    label: kernelLabel(name),
    pageSize,
    has(feature) {
      let v = cache.get(feature);
      if (v === undefined) cache.set(feature, v = featureIn(feature, release));
      return v;
    },
    consulted: () => [...cache.keys()],
  };
}

/** Every modelled mainline release, oldest first ("5.15" .. "7.4"). */
export function modelledEras(): string[] {
  return MAINLINE.map(releaseName);
}

/**
 * The releases where some row of {@link FEATURES} changes, each with the release before it
 * (so a replay in both sides of every boundary shows each change): mainline releases, and
 * for every stable backport "X.Y.Z" both X.Y.(Z-1) and X.Y.Z. Sorted, no duplicates.
 */
export function boundaryReleases(): string[] {
  const out = new Map<string, Release>();
  const add = (r: Release) => out.set(releaseName(r), r);
  for (const f of Object.values(FEATURES) as Feature[]) {
    for (const b of [f.since, f.until]) {
      if (!b) continue;
      add(b);
      const p = prevRelease(b);
      if (p) add(p);
    }
    for (const c of [f.introduced, f.ended]) {
      for (const s of c?.backports ?? []) {
        const r = parseRelease(s) as readonly [number, number, number];
        add(r);
        add(r[2] > 1 ? [r[0], r[1], r[2] - 1] : [r[0], r[1]]);
      }
    }
  }
  return [...out.values()].sort(compareRelease).map(releaseName);
}

/**
 * Describes why an op is unavailable in an era: the release that added or removed it.
 * Returns undefined when `feature` is in force.
 */
export function notInEraReason(feature: FeatureName, p: KernelProfile): string | undefined {
  if (p.has(feature)) return undefined;
  const f: Feature = FEATURES[feature];
  if (f.since && compareRelease(p.release, f.since) < 0) {
    return `added in ${releaseName(f.since)}, kernel is ${p.label}${
      snapshotWhy(p.release, f.since, f.introduced)
    }`;
  }
  return `removed in ${releaseName(f.until!)}, kernel is ${p.label}${
    snapshotWhy(p.release, f.until!, f.ended)
  }`;
}

/**
 * For a linux-next snapshot, what places the row's start or end (`at`, by `change`) outside
 * it: the snapshot's base and, for a change of the release after the base, the change's
 * recorded linux-next entry or that none is recorded (which keeps it out of every snapshot).
 */
function snapshotWhy(release: Release, at: Release, change: Feature["introduced"]): string {
  if (!isSnapshot(release)) return "";
  const on = `, a linux-next snapshot on ${release[0]}.${release[1]}`;
  if (!ofUpcoming(release, at)) return on;
  return change?.next
    ? `${on}; its commit entered linux-next in ${change.next}`
    : `${on}; no linux-next entry is recorded for its commit`;
}

/**
 * Whether an era condition holds for `release`. A condition is one or more alternatives
 * separated by "||", each a list of comparisons that must all hold:
 * ">=6.3 <6.5", ">=7.1 || >=6.12.88 <6.13", "latest".
 */
export function whenHolds(cond: string | undefined, release: Release): boolean {
  if (!cond) return true;
  return cond.split("||").some((alt) => allHold(alt, release));
}

function allHold(cond: string, release: Release): boolean {
  for (const [op, r] of conditionTerms(cond)) {
    const c = compareRelease(release, r);
    const ok = op === ">="
      ? c >= 0
      : op === "<="
      ? c <= 0
      : op === ">"
      ? c > 0
      : op === "<"
      ? c < 0
      : c === 0;
    if (!ok) return false;
  }
  return true;
}
