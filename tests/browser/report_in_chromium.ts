/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * reports of bundled traces and of a 100,000-step trace are opened, stepped through with the
 * keyboard, and the drawn elements checked against the replay. Screenshots are kept in
 * out/screenshots/. Where no Chromium is installed, this test says so and is skipped; nothing
 * else is.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { fakeIo } from "../_io.ts";
import { longTrace } from "../../bench/_long_trace.ts";
import { openTrace } from "../../src/cli/source.ts";
import { runTrace } from "../../src/cli/run_trace.ts";
import type { Replay } from "../../src/replay/engine.ts";

const CHROMIUM = Deno.env.get("ITERTRACE_CHROMIUM") ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const SHOTS = "out/screenshots";
const have = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!have) {
  console.log(`report_browser_test: no Chromium at ${CHROMIUM}; the browser test is skipped`);
}

type Browser = import("playwright-core").Browser;
type Page = import("playwright-core").Page;

async function withBrowser(fn: (b: Browser) => Promise<void>): Promise<void> {
  const { chromium } = await import("playwright-core");
  const b = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    await fn(b);
  } finally {
    await b.close();
  }
}

/** Writes the report of `trace` (or of in-memory text) to a temporary file; returns its path. */
async function writeReport(dir: string, trace: string, text?: string): Promise<string> {
  const files: Record<string, string> = text === undefined ? {} : { [trace]: text };
  const io = fakeIo(files);
  const code = await runCli(["report", trace, "-o", "r.html"], io);
  assert.ok(code === 0 || code === 1, io.err);
  const out = `${dir}/${trace.replace(/.*\//, "").replace(/\.\w+$/, "")}.html`;
  await Deno.writeTextFile(out, files["r.html"]);
  return out;
}

/** The replay's state after every step (to judge what the page draws). */
async function statesOf(trace: string): Promise<Record<string, unknown>[]> {
  const io = fakeIo();
  const out: Record<string, unknown>[] = [];
  await runTrace(await openTrace(io, trace), {}, (_st, _n, r: Replay) => out.push(r.stateView()));
  return out;
}

async function open(b: Browser, file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await b.newPage({ viewport: { width: 1500, height: 950 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // the page must not reach for the network
  await page.route(/^(?!file:)/, (r) => {
    errors.push(`network request: ${r.request().url()}`);
    return r.abort();
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector("svg[data-step='0']");
  return { page, errors };
}

async function shot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** A test in the browser (skipped without Chromium), with a temporary directory removed after. */
function browserTest(name: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !have,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dir = await Deno.makeTempDir();
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

const count = (page: Page, sel: string) => page.locator(sel).count();

browserTest(
  "report in Chromium: keyboard stepping draws every list entry onto its bytes",
  async (dir) => {
    const traces = [
      "traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml",
      "traces/convert/BVEC+smb_extract_iter_to_rdma+iommu+max_sge.yaml",
      "traces/convert/KVEC+extract_iter_to_sg+6.12-entry_overrun-over_advance.yaml",
      "traces/seed/PIPE+odirect-splice+truncate-corruption.yaml",
      "traces/examples/jsonl-direct-read.jsonl",
      "traces/copy/FOLIOQ+file-mixed-folios+3slots+copy_from_iter.yaml",
    ];
    await withBrowser(async (b) => {
      for (const trace of traces) {
        const states = await statesOf(trace);
        const { page, errors } = await open(b, await writeReport(dir, trace));
        const tl = page.locator("#tl");
        await tl.focus();
        for (let i = 0; i < states.length; i++) {
          if (i > 0) await page.keyboard.press("ArrowDown");
          await page.waitForSelector(`svg[data-step='${i}']`);
          assert.equal(await page.locator("#tl .row.sel").getAttribute("data-step"), String(i));
          const st = states[i];
          // every SGE, sg entry, bvec and iterator segment is a box with a piece on a bar
          for (const [key, v] of Object.entries(st)) {
            const o = v as Record<string, unknown[] | undefined>;
            const n = key.startsWith("rdma.")
              ? o.sge!.length
              : key.startsWith("sgt.")
              ? o.entries!.length
              : key.startsWith("bio.")
              ? o.bvec!.length
              : -1;
            if (n < 0) continue;
            const sel = `g.obj[data-key='${key}'] rect.ent`;
            assert.equal(await count(page, sel), n, `${trace} #${i} ${key}`);
          }
          const kinds = ["rdma", "sgt", "bio"];
          for (const t of kinds) {
            const boxes = await count(page, `rect.ent[data-t=${t}]`);
            const pieces = await count(page, `rect.piece[data-t=${t}]`);
            const arrows = await count(page, `path.arrow[data-t=${t}]`);
            // reserved SGEs point at nothing; everything else has a piece and an arrow
            const reserved = t === "rdma"
              ? await count(page, "rect.ent[data-t=rdma][data-reserved]")
              : 0;
            assert.ok(
              pieces >= boxes - reserved,
              `${trace} #${i} ${t}: ${pieces} pieces, ${boxes} boxes`,
            );
            assert.equal(arrows, pieces, `${trace} #${i} ${t}: one arrow per piece`);
          }
          // held pages: as many pinned page cells as pages the replay says are pinned
          const pins = Object.keys((st.pins as { pages: Record<string, number> }).pages).length;
          assert.equal(await count(page, "rect.page.pin"), pins, `${trace} #${i} pinned pages`);
        }
        await page.keyboard.press("Home");
        await page.waitForSelector("svg[data-step='0']");
        await page.keyboard.press("End");
        await page.waitForSelector(`svg[data-step='${states.length - 1}']`);
        await shot(page, trace.replace(/.*\//, "").replace(/\.\w+$/, ""));
        assert.deepEqual(errors, []);
        await page.close();
      }
    });
  },
);

browserTest(
  "report in Chromium: the summary links leaks and warnings to their steps",
  async (dir) => {
    await withBrowser(async (b) => {
      const trace = "traces/pins/UBUF+extract+never_unpinned-pin_leak.yaml";
      const { page, errors } = await open(b, await writeReport(dir, trace));
      assert.match(await page.locator("#summary li.leak").innerText(), /3 pins taken at #2/);
      assert.match(
        await page.locator("#wgroups li[data-code=pin_leak]").innerText(),
        /pin_leak ×3/,
      );
      await page.locator("#summary li.leak a").click();
      await page.waitForSelector("svg[data-step='2']");
      // the extraction pinned buf[0..2]: three red page cells, each outlined as changed
      assert.equal(await count(page, "rect.page.pin.changed"), 3);
      assert.equal(await count(page, "path.pos"), 1, "the iterator's position is marked");
      await page.locator("#tl").focus();
      await page.keyboard.press("p");
      await page.keyboard.press("n");
      assert.equal(await page.locator("body").getAttribute("data-step"), "2");
      assert.deepEqual(errors, []);
    });
  },
);

browserTest(
  "report in Chromium: a 100,000-step trace opens and steps with the keyboard",
  async (dir) => {
    const file = await writeReport(dir, "long-100000.jsonl", longTrace(100_000));
    const size = (await Deno.stat(file)).size;
    assert.ok(size < 60e6, `${size} bytes`);
    console.log(`100,000-step report: ${(size / 1e6).toFixed(1)} MB`);
    await withBrowser(async (b) => {
      const { page, errors } = await open(b, file);
      // only the visible timeline rows exist
      assert.ok(await count(page, "#tl .row") < 200);
      await page.locator("#tl").focus();
      for (let i = 1; i <= 5; i++) {
        await page.keyboard.press("ArrowDown");
        await page.waitForSelector(`svg[data-step='${i}']`);
      }
      await page.keyboard.press("End");
      await page.waitForSelector("svg[data-step='99999']");
      await page.keyboard.press("PageUp");
      await page.waitForSelector("svg[data-step='99974']");
      await page.keyboard.press("ArrowUp");
      await page.waitForSelector("svg[data-step='99973']");
      assert.ok(await count(page, "rect.ent") > 0);
      await shot(page, "long-100000");
      assert.deepEqual(errors, []);
    });
  },
);
