/**
 * Shell-style globs (`*`, `?`) matched without regular expressions: the greedy two-pointer
 * walk takes at most |glob| x |text| steps, so no glob can make `--filter` backtrack
 * exponentially.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { limit, limitMessage } from "../limits.ts";

/** Whether `text` matches `glob` whole (`*` any run, `?` one character, others literal). */
export function globMatch(glob: string, text: string): boolean {
  let g = 0, t = 0, star = -1, mark = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === "?" || (glob[g] !== "*" && glob[g] === text[t]))) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      mark = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}

/** A matcher for a --filter glob; the glob's length is limited. */
export function globMatcher(glob: string): (text: string) => boolean {
  if (glob.length > limit("glob_chars")) {
    throw new UsageError(`--filter: ${limitMessage("glob_chars", glob.length)}`);
  }
  const g = glob.replace(/\*+/g, "*");
  return (text) => globMatch(g, text);
}
