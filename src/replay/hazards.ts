/**
 * Hazard checks that look across objects rather than at one op's arguments: a PIPE buffer
 * released under I/O (rule 4.5.2), and pins still held when the replay ends.
 *
 * @module
 */
import type { Memory } from "../model/memory.ts";
import type { PinLedger } from "../model/pin.ts";
import type { PipeEffects } from "../model/ctx.ts";
import type { WarnFn as Warn } from "../check/warnings.ts";
import type { PageList } from "./lists.ts";

/**
 * Rule 4.5.2: a PIPE advance or revert released or shortened a buffer whose page is still
 * listed for I/O. Without a ref the device writes into a freed page (bug); with one the data
 * lands in a page that is no longer in the pipe (hazard).
 */
export function pipeReleaseUnderIo(
  mem: Memory,
  lists: () => readonly PageList[],
  warn: Warn,
  it: { readonly name: string },
  fx: PipeEffects,
  fn: string,
): void {
  const hit = [
    ...fx.released.map((b) => ({ b, how: "released" })),
    ...fx.shortened.map((b) => ({ b, how: "shortened" })),
  ];
  // most advances release nothing: the lists are gathered only when a buffer went
  const all = hit.length ? lists() : [];
  for (const { b, how } of hit) {
    for (const list of all) {
      if (list.ioComplete) continue;
      const e = list.entries.find((x) => x.pfn === b.pfn && !x.released);
      if (!e) continue;
      const page = mem.pageName(b.pfn);
      const reffed = e.retention !== "none" && e.held;
      const what =
        `${fn} on PIPE "${it.name}" ${how} the buffer on ${page} while "${list.name}" (taken at #${list.step}) still has I/O in flight: `;
      if (how === "released" && !reffed) {
        warn(
          "pipe_release_under_io",
          { fn, iter: it.name, list: list.name },
          `${what}no ref is held, so the device writes into a freed page`,
          { cause: list.step, page },
        );
      } else {
        warn(
          "pipe_buffer_under_io",
          { fn, iter: it.name, list: list.name, how },
          what +
            (how === "shortened"
              ? "the buffer is cut short, so the device's data past its new end is lost to the pipe's readers"
              : "the ref keeps the page alive, but the data lands in a page no longer in the pipe"),
          { cause: list.step, page },
        );
      }
      break;
    }
  }
}

/** Every pin still held at the end of the replay is a leak. */
export function pinLeaks(mem: Memory, ledger: PinLedger, warn: Warn): void {
  for (const h of ledger.outstanding("pin")) {
    const page = mem.pageName(h.pfn);
    warn(
      "pin_leak",
      { pages: 1 },
      `${page} is still pinned (taken at #${h.step}); unpin_user_page() was never called`,
      { cause: h.step, page },
    );
  }
}
