/**
 * The error an op or region translation throws when the kernel of the chosen era, in a KUnit
 * kthread, cannot express it; the case lists the op with this message as its reason.
 *
 * @module
 */

/** An op or region with no kernel expression here. */
export class Inexpressible extends Error {}
