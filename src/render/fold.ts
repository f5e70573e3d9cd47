/**
 * Folding runs of per-page lines for text output: consecutive lines that differ only in
 * numbers stepping by a constant (`buf[0]`, `buf[1]`, ...; `pfn 0x1000`, `pfn 0x1001`; DMA
 * addresses one page apart) become one line with each varying number written as a range
 * (`buf[0..6]`; `0x1000..0x4000 step 0x1000` when the step is not one) and a count. A
 * person reads one line per run; `--expand` (no folding) lists them all. JSON and JSONL
 * output are never folded.
 *
 * @module
 */

/** One folded run: the text with ranges, and how many lines it stands for. */
export interface Folded {
  readonly text: string;
  readonly count: number;
  /** Index of the run's first item in the input. */
  readonly first: number;
}

const NUM = /0x[0-9a-f]+|\d+/g;

interface Split {
  /** The text between numbers (one more than nums). */
  readonly parts: readonly string[];
  /** The numbers as written, and their values. */
  readonly raw: readonly string[];
  readonly nums: readonly number[];
}

function split(text: string): Split {
  const parts: string[] = [];
  const raw: string[] = [];
  const nums: number[] = [];
  let last = 0;
  for (const m of text.matchAll(NUM)) {
    // a number glued to letters (a sha256, an identifier) is text, not a count
    const before = text[m.index - 1], after = text[m.index + m[0].length];
    if ((before && /[0-9a-z_]/i.test(before)) || (after && /[0-9a-z_]/i.test(after))) continue;
    parts.push(text.slice(last, m.index));
    raw.push(m[0]);
    nums.push(Number(m[0]));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return { parts, raw, nums };
}

function sameParts(a: Split, b: Split): boolean {
  if (a.parts.length !== b.parts.length) return false;
  for (let i = 0; i < a.parts.length; i++) if (a.parts[i] !== b.parts[i]) return false;
  for (let i = 0; i < a.raw.length; i++) {
    // a number that varies must keep its notation (hex stays hex)
    if (a.raw[i].startsWith("0x") !== b.raw[i].startsWith("0x")) return false;
  }
  return true;
}

/** The per-number steps from a to b (0 where equal); undefined when any step is negative. */
function steps(a: Split, b: Split): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < a.nums.length; i++) {
    const d = b.nums[i] - a.nums[i];
    if (d < 0 || !Number.isSafeInteger(d)) return undefined;
    out.push(d);
  }
  return out.some((d) => d > 0) ? out : undefined;
}

function sameSteps(a: readonly number[], b: readonly number[]): boolean {
  return a.every((d, i) => d === b[i]);
}

/** Whether the number after this text names a page: `buf[3]`, `pfn 0x2000`, `p:2`. */
function isIndex(before: string): boolean {
  return before.endsWith("[") || before.endsWith("pfn ") || /[a-z_]:$/.test(before);
}

/** Whether the only numbers that vary are page indices or pfns stepping by one. */
function indexOnly(s: Split, d: readonly number[]): boolean {
  return d.every((x, i) => x === 0 || (x === 1 && isIndex(s.parts[i])));
}

/**
 * Whether a run is one thing repeated over pages: besides page indices, at most one number
 * varies (a DMA address beside its page, an SGE's address); an address and a length that
 * both happen to step are different entries, not a run.
 */
function onePerPage(s: Split, d: readonly number[]): boolean {
  return d.filter((x, i) => x !== 0 && !isIndex(s.parts[i])).length <= 1;
}

/**
 * Folds runs of lines that differ only in numbers stepping by a constant. A run of two folds
 * only when its sole varying numbers are page indices or pfns (`buf[3]`, `buf[4]`); a run of
 * three or more folds whatever numbers step. Identical lines fold too (`x N`).
 */
export function foldRuns(lines: readonly string[]): Folded[] {
  const out: Folded[] = [];
  const sp = lines.map(split);
  let i = 0;
  while (i < lines.length) {
    let j = i + 1;
    let d: number[] | undefined;
    let same = true;
    while (j < lines.length && sameParts(sp[i], sp[j])) {
      const dj = steps(sp[j - 1], sp[j]);
      const identical = lines[j] === lines[j - 1];
      if (j === i + 1) {
        if (identical) d = undefined;
        else if (!dj) break;
        else {
          d = dj;
          same = false;
        }
      } else if (same ? !identical : !dj || !d || !sameSteps(d, dj)) break;
      j++;
    }
    const n = j - i;
    const folds = same ? n >= 2 : d !== undefined &&
      (n >= 3 ? onePerPage(sp[i], d) : n === 2 && indexOnly(sp[i], d));
    if (!folds) {
      out.push({ text: lines[i], count: 1, first: i });
      i++;
      continue;
    }
    const a = sp[i], b = sp[j - 1];
    let text = a.parts[0];
    for (let k = 0; k < a.raw.length; k++) {
      const step = d?.[k] ?? 0;
      // a range steps by one unless it says otherwise (`pg[0..8 step 2]`, DMA addresses)
      text += a.nums[k] === b.nums[k]
        ? a.raw[k]
        : `${a.raw[k]}..${b.raw[k]}${
          step === 1 ? "" : ` step ${a.raw[k].startsWith("0x") ? `0x${step.toString(16)}` : step}`
        }`;
      text += a.parts[k + 1];
    }
    out.push({ text, count: n, first: i });
    i = j;
  }
  return out;
}

/**
 * Folds a space-separated page list (`buf[0] buf[1] pfn 0x2000 zero_page (released)`) into
 * ranges: `buf[0..1] pfn 0x2000 zero_page (released)`.
 */
export function foldPageList(list: string): string {
  const items: string[] = [];
  for (const tok of list.split(" ")) {
    const last = items.length - 1;
    if (tok === "(released)" && last >= 0) items[last] += ` ${tok}`;
    else if (/^0x[0-9a-f]+$/.test(tok) && items[last] === "pfn") items[last] += ` ${tok}`;
    else if (tok) items.push(tok);
  }
  return foldRuns(items).map((f) => (f.count > 1 ? `${f.text} x${f.count}` : f.text)).join(" ");
}
