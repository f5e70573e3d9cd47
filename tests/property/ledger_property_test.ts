/**
 * The pin ledger under random extraction and release sequences, checked against an
 * independent shadow: counts never go negative without a warning at that step, every
 * invalid release is flagged where it happens, and every pin still held at the end is
 * reported once as a pin_leak naming its page.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadDocument } from "../../src/trace/load.ts";
import { Replay } from "../../src/replay/engine.ts";

const seed = Number(Deno.env.get("FC_SEED") ?? 777);

type Op =
  | { kind: "extract"; seg: number; get: boolean }
  | { kind: "release"; list: number; how: "unpin" | "put" | "dirty" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("extract" as const), seg: fc.nat(3), get: fc.boolean() }),
  fc.record({
    kind: fc.constant("release" as const),
    list: fc.nat(5),
    how: fc.constantFrom("unpin" as const, "put" as const, "dirty" as const),
  }),
);

const SEGS = [
  { base: "buf+0x200", len: 0x1e00 },
  { base: "buf+0x4000", len: 0x1000 },
  { base: "buf+0x8800", len: 0x2000 },
  { base: "kb+0x10", len: 0x800 },
];

Deno.test("pin ledger: invalid releases are flagged where they happen; leaks are reported per page", () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 14 }), (plan) => {
      const ops: unknown[] = [];
      // shadow: per list, retention and whether each entry was released
      const lists: {
        name: string;
        retention: "pin" | "ref" | "none";
        pages: string[];
        released: boolean[];
      }[] = [];
      const expectCodes: string[][] = [];
      let n = 0;
      for (const p of plan) {
        if (p.kind === "extract") {
          const seg = SEGS[p.seg];
          const it = `it${n}`, as = `p${n++}`;
          const user = !seg.base.startsWith("kb");
          if (user) ops.push({ op: "import_iovec", iter: it, dir: "source", iov: [seg] });
          else ops.push({ op: "iov_iter_kvec", iter: it, dir: "source", kvec: [seg] });
          expectCodes.push([]);
          const op = user && p.get ? "iov_iter_get_pages2" : "iov_iter_extract_pages";
          ops.push({ op, iter: it, maxsize: "1M", maxpages: 16, as });
          const off = Number(seg.base.split("+")[1]);
          const first = Math.floor(off / 4096), last = Math.floor((off + seg.len - 1) / 4096);
          const region = seg.base.split("+")[0];
          const pages = Array.from(
            { length: last - first + 1 },
            (_, k) => `${region}[${first + k}]`,
          );
          const retention = !user ? "none" : p.get ? "ref" : "pin";
          lists.push({ name: as, retention, pages, released: pages.map(() => false) });
          expectCodes.push(retention === "none" ? [] : []);
        } else {
          const l = lists[p.list % Math.max(lists.length, 1)];
          if (!l) continue;
          const op = p.how === "put"
            ? "put_page"
            : p.how === "dirty"
            ? "unpin_user_pages_dirty_lock"
            : "unpin_user_pages";
          ops.push({ op, pages: l.name, ...(p.how === "dirty" ? { dirty: true } : {}) });
          const codes: string[] = [];
          l.pages.forEach((_pg, i) => {
            const was = l.released[i];
            l.released[i] = true;
            if (p.how === "put") {
              // a second put drops a ref nobody holds (a bug); a put on a pin or on nothing
              // is the wrong release API (a hazard)
              if (was) codes.push("ref_underflow");
              else if (l.retention !== "ref") codes.push("release_mismatch");
            } else if (was) codes.push("double_unpin");
            else if (l.retention === "ref") codes.push("release_mismatch");
            else if (l.retention === "none") codes.push("unpin_not_pinned");
          });
          expectCodes.push(codes);
        }
      }
      const doc = {
        itertrace: 1,
        name: "prop",
        kernel: "6.12",
        memory: {
          user: [{ region: "buf", size: "64K", addr: "0x7f0000000000" }],
          kernel: [{ region: "kb", kind: "kmalloc", size: "8K" }],
        },
        ops,
      };
      const loaded = loadDocument(JSON.stringify(doc), "prop.json");
      assert.ok(loaded.trace, JSON.stringify(loaded.issues));
      const r = new Replay(loaded.trace);
      loaded.trace.ops.forEach((node, i) => {
        const st = r.step(node);
        const got = st.warnings.map((w) => w.code).sort();
        assert.deepEqual(got, [...expectCodes[i]].sort(), `step ${i} ${node.op}`);
        const c = r.counters("pins");
        assert.ok(c.outstanding >= 0);
      });
      const end = r.finish();
      // shadow: pins outstanding = pinned entries never released (pins are never dropped by put)
      const held: string[] = [];
      for (const l of lists) {
        if (l.retention !== "pin") continue;
        l.pages.forEach((pg, i) => {
          if (!l.released[i]) held.push(pg);
        });
      }
      // put_page on a pin marks the entry released but leaves the pin: count those too
      assert.equal(
        end.summary.pins.outstanding,
        end.endWarnings.filter((w) => w.code === "pin_leak").length,
      );
      const leaked = end.endWarnings.filter((w) => w.code === "pin_leak").map((w) => w.page).sort();
      for (const pg of held) assert.ok(leaked.includes(pg), `${pg} should be reported as leaked`);
      assert.equal(
        end.summary.pins.acquired - end.summary.pins.outstanding <= end.summary.pins.released,
        true,
      );
    }),
    { seed, numRuns: 200 },
  );
});
