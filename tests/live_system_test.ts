/**
 * The layer under `itertrace live`: libc's C conventions (src/live/libc.ts) over a fake
 * kernel's symbols, /proc/vmstat's pin counters (vmstat.ts), /proc/self/pagemap and
 * /proc/kpageflags (kernel.ts frameOf), and the real system's file access (system.ts) on
 * ordinary files, which needs neither root nor FFI.
 */
import assert from "node:assert/strict";
import {
  FIEMAP_EXTENT,
  FIEMAP_FLAG_SYNC,
  FIEMAP_HEADER,
  fiemapExtents,
  fiemapRequest,
  iovecs,
  MADV_HUGEPAGE,
  O_DIRECT,
  O_RDWR,
} from "../src/live/libc.ts";
import { hasPinCounters, readPins, statRefresh } from "../src/live/vmstat.ts";
import { frameOf, readFaultMapsZeroPage, runShape } from "../src/live/kernel.ts";
import { realSystem } from "../src/live/system.ts";
import { EBADF, ENOENT, ENOMEM, FakeKernel, plainAnswer } from "./live_fake_kernel.ts";

Deno.test("iovecs lays out struct iovec {base, len} pairs, one slot even for none", () => {
  const a = iovecs([{ base: 0x7f0000001200n, len: 512 }, { base: 0x10n, len: 4096 }]);
  assert.deepEqual([...a], [0x7f0000001200n, 512n, 0x10n, 4096n]);
  assert.equal(iovecs([]).length, 2);
});

Deno.test("struct fiemap: the request asks for a synced map of the length, and extents are read back", () => {
  const buf = fiemapRequest(32 << 20, 3);
  assert.equal(buf.length, FIEMAP_HEADER + 3 * FIEMAP_EXTENT);
  const v = new DataView(buf.buffer);
  assert.equal(v.getBigUint64(0, true), 0n);
  assert.equal(v.getBigUint64(8, true), BigInt(32 << 20));
  assert.equal(v.getUint32(16, true), FIEMAP_FLAG_SYNC);
  assert.equal(v.getUint32(24, true), 3);
  assert.deepEqual(fiemapExtents(buf), []);
  // the kernel fills fm_mapped_extents and each extent's fe_logical and fe_length
  v.setUint32(20, 2, true);
  v.setBigUint64(32, 0n, true);
  v.setBigUint64(32 + 16, 4096n, true);
  v.setBigUint64(32 + 56, 4096n, true);
  v.setBigUint64(32 + 56 + 8, 0xdead000n, true);
  v.setBigUint64(32 + 56 + 16, 8192n, true);
  assert.deepEqual(fiemapExtents(buf), [{ start: 0, len: 4096 }, { start: 4096, len: 8192 }]);
});

Deno.test("Libc: failures come back as -errno (or an exception for mmap)", () => {
  const k = new FakeKernel();
  const c = k.system.libc;
  assert.equal(c.openFile("/nope", O_RDWR), -ENOENT);
  const fd = c.openFile("/f", 0o100 | O_RDWR | O_DIRECT);
  assert.ok(fd >= 3);
  assert.equal(c.fallocate(fd, 1 << 20), 0);
  assert.equal(c.fallocate(99, 1 << 20), -EBADF);
  assert.deepEqual(c.extents(fd, 1 << 20), [{ start: 0, len: 1 << 20 }]);
  assert.deepEqual(c.extents(99, 1 << 20), [], "a failed FIEMAP is no extents");
  const buf = c.mmapAnon(8192);
  assert.equal(c.madvise(buf + 8192n, 4096, MADV_HUGEPAGE), -ENOMEM, "outside the mapping");
  assert.equal(c.madvise(buf, 8192, MADV_HUGEPAGE), 0);
  const iov = iovecs([{ base: buf, len: 8192 }]);
  assert.equal(c.rwv("preadv", fd, iov, 1, 0), 8192);
  assert.equal(c.rwv("pwritev", 99, iov, 1, 0), -EBADF);
  assert.equal(c.vmsplice(fd, iov, 1, 0), -EBADF, "vmsplice wants a pipe");
  c.closeFd(fd);
  assert.equal(c.rwv("preadv", fd, iov, 1, 0), -EBADF, "closed");
  c.munmap(buf, 8192);
  assert.equal(k.mappings.length, 0);
  const bad = new FakeKernel({ mmapFailsFrom: 1 });
  assert.throws(() => bad.system.libc.mmapAnon(4096), /^Error: mmap: errno 12$/);
});

Deno.test("Libc: vmsplice fills a pipe and drain reads it empty, a page per read", () => {
  const k = new FakeKernel();
  const c = k.system.libc;
  const [r, w] = c.makePipe();
  const buf = c.mmapAnon(3 * 4096);
  c.pokeByte(buf, 1);
  assert.equal(c.peekByte(buf + 4096n), 0);
  const n = c.vmsplice(w, iovecs([{ base: buf + 100n, len: 9000 }]), 1, 0);
  assert.equal(n, 9000);
  assert.deepEqual(k.calls.at(-1)?.segs, [{ base: buf + 100n, len: 9000 }]);
  c.drain(r, n);
  c.drain(r, 10); // nothing left: returns instead of spinning
  assert.equal(c.vmsplice(r, iovecs([{ base: buf, len: 1 }]), 1, 0), -EBADF, "the read end");
  c.closeFd(r);
  c.closeFd(w);
  assert.equal(k.openFds(), 0);
});

Deno.test("vmstat: pins are read after stat_refresh folds the per-CPU deltas in", () => {
  const k = new FakeKernel();
  k.pins.acquired = 10;
  k.pins.released = 7;
  // /proc/vmstat lags until a refresh
  assert.match(k.system.readText("/proc/vmstat"), /^nr_foll_pin_acquired 0$/m);
  assert.deepEqual(readPins(k.system), { acquired: 10, released: 7 });
  assert.equal(k.refreshes, 1);
  statRefresh(k.system);
  assert.equal(k.refreshes, 2);
  assert.equal(hasPinCounters(k.system), true);
  const old = new FakeKernel({ vmstat: "no-pins" });
  assert.equal(hasPinCounters(old.system), false);
  assert.throws(
    () => readPins(old.system),
    /^Error: \/proc\/vmstat has no nr_foll_pin_acquired \(a kernel before 5\.8\?\)$/,
  );
  assert.equal(hasPinCounters(new FakeKernel({ vmstat: "missing" }).system), false);
  assert.throws(() => readPins(new FakeKernel({ uid: 1000 }).system), Deno.errors.PermissionDenied);
});

Deno.test("frameOf reads pagemap's present bit and frame, then the frame's kpageflags", () => {
  const k = new FakeKernel();
  const c = k.system.libc;
  const a = c.mmapAnon(4 * 4096);
  assert.deepEqual(frameOf(k.system, a), { pfn: 0, flags: 0n }, "not present");
  c.pokeByte(a + 4097n, 1);
  const f = frameOf(k.system, a + 4096n);
  assert.equal(f.pfn, k.frames.get(a + 4096n));
  assert.equal(f.flags, 0n);
  // present with frame 0 (pagemap without CAP_SYS_ADMIN) reads as not present
  k.frames.set(a, 0);
  assert.deepEqual(frameOf(k.system, a), { pfn: 0, flags: 0n });
  assert.equal(readFaultMapsZeroPage(k.system), false);
  assert.equal(readFaultMapsZeroPage(new FakeKernel({ zeroPage: true }).system), true);
});

Deno.test("runShape: a THP buffer is 2 MiB aligned and advised, and reads back as one THP", () => {
  const k = new FakeKernel({ answer: plainAnswer });
  k.files.set("/f", 32 << 20);
  const r = runShape(k.system, {
    syscall: "pwritev",
    size: 2 << 20,
    thp: true,
    touched: true,
    segs: [{ off: 0, len: 8192 }, { off: 1 << 20, len: 4096 }],
    kind: "t",
  }, "/f");
  assert.equal(r.ret, 12288);
  assert.equal(r.acquired, 3);
  assert.equal(r.thp, true);
  assert.equal(r.stable, true);
  assert.equal(r.runs, 2);
  assert.equal(r.pfns.length, 512);
  assert.ok(r.pfns.every((p, i) => p === r.pfns[0] + i) && r.pfns[0] % 512 === 0);
  const base = k.calls[0].segs[0].base;
  assert.equal(base % BigInt(2 << 20), 0n);
  assert.equal(k.calls[0].buffer?.thp, true);
  assert.throws(
    () =>
      runShape(k.system, {
        syscall: "preadv",
        size: 4096,
        thp: false,
        touched: true,
        segs: [{ off: 0, len: 4096 }],
        kind: "",
      }, "/missing"),
    /^Error: open \/missing O_DIRECT: errno 2$/,
  );
  assert.equal(k.openFds(), 0);
  assert.deepEqual(k.mappings, []);
});

Deno.test("realSystem reads and writes files, /proc-style 64-bit entries, devices and paths", () => {
  const sys = realSystem();
  assert.equal(sys.os, Deno.build.os);
  assert.equal(sys.pid(), Deno.pid);
  const dir = Deno.makeTempDirSync({ prefix: "itertrace-live-sys-" });
  try {
    const f = `${dir}/table`;
    const entries = new BigUint64Array([1n, (1n << 63n) | 0x1234n, 0xfedcba9876543210n]);
    Deno.writeFileSync(f, new Uint8Array(entries.buffer));
    assert.equal(sys.readEntry(f, 1), (1n << 63n) | 0x1234n);
    assert.equal(sys.readEntry(f, 2), 0xfedcba9876543210n);
    sys.writeText(`${dir}/t`, "1");
    assert.equal(sys.readText(`${dir}/t`), "1");
    assert.equal(sys.statDev(f), Deno.statSync(dir).dev);
    Deno.symlinkSync(f, `${dir}/link`);
    assert.equal(sys.realPath(`${dir}/link`), Deno.realPathSync(f));
    sys.remove(`${dir}/t`);
    assert.throws(() => Deno.statSync(`${dir}/t`), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
