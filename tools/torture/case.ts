/**
 * One case of the outside robustness corpus: the files it starts from, what happens to the
 * file system before the run, the command line, and what the run is judged on.
 *
 * @module
 */

/** How the run's error lines are judged for positions. */
export type PositionRule =
  /** Exit 2 is expected and every line naming the input must carry line:column. */
  | "required"
  /** Exit 2 lines naming the input must carry line:column unless they are file-level. */
  | "auto"
  /** Not judged (argv and file-system cases: there is no position to give). */
  | "none";

/** A file-system situation prepared before the run (paths relative to the case folder). */
export type Setup =
  | { readonly mkdir: string }
  | { readonly fifo: string }
  | { readonly symlink: string; readonly to: string }
  | { readonly hardlink: string; readonly to: string }
  /** chattr +i: read-only even for root; removed again after the run. */
  | { readonly immutable: string }
  | { readonly bytes: string; readonly data: Uint8Array };

/** A case. */
export interface TortureCase {
  /** Unique id: `group/name`. */
  readonly id: string;
  /** Files written into the case folder first (text is written as UTF-8). */
  readonly files: Readonly<Record<string, string>>;
  readonly setup?: readonly Setup[];
  /** itertrace's arguments; run in the case folder. */
  readonly argv: readonly string[];
  /** The input whose errors must be positioned (a path relative to the case folder). */
  readonly input?: string;
  readonly pos: PositionRule;
  /** Files the run may change (an -o --force target, goldens under --update). */
  readonly mayChange?: readonly string[];
  /** A second command run in the same folder when the first exits 0 (validate an import). */
  readonly then?: readonly string[];
  /** Extra environment (ITERTRACE_LIMITS). */
  readonly env?: Readonly<Record<string, string>>;
}
