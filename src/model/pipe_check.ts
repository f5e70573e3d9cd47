/**
 * The checks every PIPE operation starts with: sanity() (the position must be the end of
 * the pipe's data; otherwise WARN and the operation fails) and use after the splice call
 * unlocked the pipe.
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import type { PipeIter } from "./iter.ts";
import { pipeSanity } from "./pipe.ts";

/** Whether a PIPE operation may proceed; raises pipe_head_skew / pipe_use_after_unlock. */
export function pipeUsable(ctx: ModelCtx, it: PipeIter, fn: string): boolean {
  const skew = pipeSanity(ctx, it.pipe, it);
  if (skew) {
    ctx.warn(
      "pipe_head_skew",
      { fn, iter: it.name },
      `${fn} on PIPE "${it.name}": sanity() fails (${skew}): WARN, the operation does nothing`,
      { cause: it.pipe.claimStep ?? it.createdAt },
    );
    return false;
  }
  return true;
}
