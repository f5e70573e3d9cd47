/**
 * A kernel release as numbers (its own module so that the era table and the profile can both
 * use it without importing each other).
 *
 * @module
 */

/** A release as [major, minor] (mainline X.Y.0) or [major, minor, patch] (a stable release). */
export type Release = readonly [number, number] | readonly [number, number, number];
