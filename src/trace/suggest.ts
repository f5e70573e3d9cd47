/**
 * "Did you mean" suggestions by edit distance, ignoring case. Bounded: a candidate whose
 * length differs by more than the allowed distance is skipped without comparing, the
 * distance is computed in a band of that width with an early exit, and every trace's
 * suggestions share a work budget (suggest_work), after which no more are offered, so
 * thousands of misspelt names cannot make validation quadratic.
 *
 * @module
 */
import { spend } from "../limits.ts";

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  return boundedDistance(a, b, Math.max(a.length, b.length));
}

/**
 * Levenshtein distance if it is at most `max`, else `max + 1`; costs O(max * min(|a|, |b|)).
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (a.length > b.length) [a, b] = [b, a];
  const m = a.length, n = b.length;
  if (n - m > max) return max + 1;
  const INF = max + 1;
  let prev = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : INF;
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1).fill(INF);
    const lo = Math.max(1, i - max), hi = Math.min(n, i + max);
    if (lo === 1) cur[0] = i <= max ? i : INF;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const v = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur[j] = v > INF ? INF : v;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return INF;
    prev = cur;
  }
  return prev[n] > max ? INF : prev[n];
}

/** The distance allowed for a word: a third of its length, at least 2. */
function allowed(word: string): number {
  return Math.max(2, Math.floor(word.length / 3));
}

/**
 * The closest candidate within a third of the word's length, compared without case (an
 * upper-case spelling of a name is always suggested); undefined when none is close or the
 * suggestion budget is spent.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const max = allowed(word);
  let best: string | undefined, bestD = max + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - w.length) > max) {
      if (!spend("suggest_work", 1)) break;
      continue;
    }
    const lc = c.toLowerCase();
    if (lc === w) return c;
    if (!spend("suggest_work", (max + 1) * Math.min(w.length, lc.length) + 1)) break;
    const d = boundedDistance(w, lc, bestD - 1 < max ? bestD - 1 : max);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= max ? best : undefined;
}
