/**
 * A kernel release as numbers (its own module so that the era table and the profile can both
 * use it without importing each other).
 *
 * A release candidate X.Y-rcN is [X, Y, N - RC_BASE]: a negative patch level, so that
 * X.Y-rc1 < X.Y-rc2 < ... < X.Y (patch 0) < X.Y.1 (stable) with the same three numbers every
 * comparison already uses.
 *
 * @module
 */

/**
 * A release as [major, minor] (mainline X.Y.0), [major, minor, patch] (a stable release),
 * [major, minor, rc(N)] (the release candidate X.Y-rcN) or [major, minor, 0, YYYYMMDD] (the
 * linux-next snapshot next-YYYYMMDD, taken while X.Y was mainline's newest release: after X.Y
 * and before X.Y.1, so X.Y < next-... < X.Y.1 < ... < X.(Y+1)-rc1).
 */
export type Release =
  | readonly [number, number]
  | readonly [number, number, number]
  | readonly [number, number, number, number];

/** The offset of a release candidate's patch level: rcN is N - RC_BASE (always negative). */
export const RC_BASE = 100;

/** The patch level of the release candidate -rcN: `since: [7, 3, rc(3)]` is 7.3-rc3. */
export function rc(n: number): number {
  return n - RC_BASE;
}

/** The N of a release candidate X.Y-rcN; undefined for a mainline or stable release. */
export function rcNumber(r: Release): number | undefined {
  return r[2] !== undefined && r[2] < 0 ? r[2] + RC_BASE : undefined;
}

/** Whether `r` is a stable point release X.Y.Z (Z >= 1). */
export function isStable(r: Release): r is readonly [number, number, number] {
  return r[2] !== undefined && r[2] > 0;
}

/** The YYYYMMDD of a linux-next snapshot; undefined for any other release. */
export function snapshotDate(r: Release): number | undefined {
  return r.length === 4 ? r[3] : undefined;
}
