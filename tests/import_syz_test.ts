/**
 * `itertrace import syz`: real syzkaller reproducers (fixtures/captures/syz, each citing where
 * it was posted) import with every call modelled or listed with its reason; programs written
 * for these tests check the modelled paths end to end (pins and refs after replay); malformed
 * programs are positioned errors with exit 2.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { fakeIo } from "./_io.ts";
import { parseSyz } from "../src/import/syz_parse.ts";
import { parseSyzProgram } from "../src/import/syz.ts";
import type { Call } from "../src/import/capture.ts";

const DIR = "fixtures/captures/syz";

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const l of text.split("\n")) yield l;
}

async function calls(text: string): Promise<Call[]> {
  const out: Call[] = [];
  for await (const c of parseSyzProgram(linesOf(text), "p.syz")) out.push(c);
  return out;
}

async function importSyz(file: string, files: Record<string, string> = {}) {
  const io = fakeIo(files);
  const code = await runCli(["import", "syz", file, "-o", "out.yaml"], io);
  return { code, err: io.err, trace: files["out.yaml"], files };
}

async function replay(files: Record<string, string>) {
  const io = fakeIo(files);
  assert.equal(await runCli(["replay", "-q", "-f", "json", "out.yaml"], io), 0, io.err);
  return JSON.parse(io.out).summary;
}

Deno.test("syz: every bundled reproducer names its source", async () => {
  const names: string[] = [];
  for await (const e of Deno.readDir(DIR)) if (e.name.endsWith(".syz")) names.push(e.name);
  assert.ok(names.length >= 5, `${names.length} reproducers`);
  for (const n of names) {
    const text = await Deno.readTextFile(`${DIR}/${n}`);
    assert.match(text, /^# .*(Message-ID|google\/syzkaller|bugzilla)/ms, n);
  }
});

Deno.test("syz vmsplice reproducer (syzbot log in syzkaller's report tests): the vmsplice takes one page ref per iovec, the rest is listed", async () => {
  const r = await importSyz(`${DIR}/vmsplice-pipe.syz`);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /15 captured calls: 1 modelled \(1 vmsplice\)/);
  assert.match(r.err, /write on r3 \(made by socket\): not a file, pipe or io_uring/);
  assert.match(r.err, /splice moves page-cache and pipe pages/);
  assert.match(r.err, /socket\$inet: not a call whose user pages the model follows/);
  // 0x7f00006b9000-0xcc is the syz data area's old offset syntax
  assert.match(r.trace, /addr: "0x7f00006b8000"/);
  const s = await replay(r.files);
  // two iovecs of 0x82 and 0x25 bytes, each inside one page: vmsplice_to_pipe takes 2 refs
  assert.deepEqual(
    [s.refs.acquired, s.refs.released, s.pins.acquired],
    [2, 2, 0],
  );
});

Deno.test("syz reproducers that model nothing say why and exit 1", async () => {
  const cases: [string, RegExp][] = [
    ["preadv-cdrom.syz", /preadv on a file not opened with O_DIRECT/],
    [
      "io_uring-register-buffers.syz",
      /IORING_REGISTER_BUFFERS: the iovec array's contents are not in the program/,
    ],
    [
      "io_uring-write-odirect.syz",
      /io_uring request: its buffers run past the program's mapped memory/,
    ],
    ["writev-l2tp.syz", /writev on r0 \(made by socket\$pppl2tp\)/],
  ];
  for (const [f, why] of cases) {
    const r = await importSyz(`${DIR}/${f}`);
    assert.equal(r.code, 1, f);
    assert.match(r.err, why, f);
    assert.match(r.err, /nothing in .* was modelled/, f);
  }
});

Deno.test("syz io_uring reproducer wrapped by a mail client: joined, an empty registered buffer pins nothing", async () => {
  const r = await importSyz(`${DIR}/io_uring-rsrc-node.syz`);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.err,
    /17 captured calls: 2 modelled \(1 io_uring_register, 1 buffer unregistration\)/,
  );
  assert.match(r.err, /write on a file not opened with O_DIRECT/);
  assert.match(r.err, /io_uring_register opcode 2: no user pages involved/);
  const s = await replay(r.files);
  assert.equal(s.pins.acquired, 0);
});

const DIRECT = `# O_DIRECT and io_uring paths, written for this test
r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./file0\\x00', 0x4042, 0x0)
pwrite64(r0, &(0x7f0000001000)="00", 0x2000, 0x0)
preadv2(r0, &(0x7f0000000100)=[{&(0x7f0000004000)=""/4096, 0x1000}, {&(0x7f0000006000)=""/4096, 0x1000}], 0x2, 0x1000, 0x0, 0x0)
r1 = syz_io_uring_setup(0x10, &(0x7f0000000200)={0x0, 0x0, 0x0}, &(0x7f0000000300)=<r2=>0x0, &(0x7f0000000400)=<r3=>0x0)
io_uring_register$IORING_REGISTER_BUFFERS(r1, 0x0, &(0x7f0000000500)=[{&(0x7f0000010000)=""/8192, 0x2000}], 0x1)
syz_io_uring_submit(r2, r3, &(0x7f0000000600)=@IORING_OP_READ_FIXED={0x4, 0x0, 0x0, @fd=r0, 0x0, 0x7f0000010000, 0x1000, 0x0, 0x0, 0x0})
syz_io_uring_submit(r2, r3, &(0x7f0000000700)=@IORING_OP_READ={0x16, 0x0, 0x0, @fd=r0, 0x0, &(0x7f0000020000)=""/4096, 0x1000})
io_uring_enter(r1, 0x2, 0x0, 0x0, 0x0, 0x0)
`;

Deno.test("syz O_DIRECT and io_uring: pins per page of each call, long-term pins for the registered buffer, none for the fixed read", async () => {
  const r = await importSyz("p.syz", { "p.syz": DIRECT });
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.err,
    /5 modelled \(1 pwrite64, 1 preadv2, 1 io_uring_register, 2 io_uring request\)/,
  );
  assert.match(r.trace, /op: io_sqe_buffer_register/);
  assert.match(r.trace, /op: io_import_fixed/);
  assert.match(r.trace, /Imported from a syzkaller program/);
  const s = await replay(r.files);
  // pwrite64 2 pages + preadv2 2 + registration 2 + plain READ 1; READ_FIXED takes none
  assert.deepEqual([s.pins.acquired, s.pins.released, s.pins.outstanding], [7, 7, 0]);
});

Deno.test("syz: requests wait in the ring until io_uring_enter submits them (to_submit counts)", async () => {
  const one = DIRECT.replace("io_uring_enter(r1, 0x2,", "io_uring_enter(r1, 0x1,");
  const cs = await calls(one);
  const sqes = cs.filter((c) => c.syscall === "sqe");
  assert.equal(sqes.length, 2);
  assert.equal(sqes[0].unsupported, undefined);
  assert.match(sqes[1].unsupported ?? "", /never submitted/);
  // the submitted request carries the file's fd, the buffer, and buf_index
  assert.equal(sqes[0].opcode, 4);
  assert.deepEqual(sqes[0].iov, [{ base: 0x7f0000010000n, len: 0x1000n }]);
});

Deno.test("syz: positions, buffers outside mapped memory, NULL and -1", async () => {
  const cs = await calls(`r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='f\\x00', 0x4002, 0x0)
pwritev(r0, &(0x7f0000000100)=[{&(0x7f0000001000)="00", 0x200}], 0x1, 0x3, 0x1)
write(r0, &(0x7e0000000000)="00", 0x1000)
write(r0, &(0x7f0000fff000)="00", 0x2000)
write(0xffffffffffffffff, &(0x7f0000001000)="00", 0x10)
readv(r0, &(0x7f0000000100)=[{0x0}, {&(0x7f0000001000)=""/16, 0x10}], 0x3)
`);
  const [, pw, out, past, bad, rv] = cs;
  assert.equal(pw.pos, (1n << 32n) | 3n, "pos_from_hilo(off_low, off_high)");
  assert.equal(out.ret, -14n, "wholly outside the data area: -EFAULT");
  assert.match(past.unsupported ?? "", /run past the program's mapped memory/);
  assert.match(bad.unsupported ?? "", /fd -1 .*-EBADF/);
  assert.deepEqual(rv.iov, [{ base: 0n, len: 0n }, { base: 0x7f0000001000n, len: 0x10n }]);
  assert.equal(rv.truncated, true, "vlen 3 but two iovecs printed");
});

Deno.test("syz parser: values, call properties, comments, joined lines keep physical columns", async () => {
  const out = [];
  for await (
    const c of parseSyz(
      linesOf(`# c
r1 = foo$bar(0x1, r0, <r2=>0x5, &(0x7f0000000000/0x1000)=nil, @u={'a\\x00', "0011"/8}, [AUTO, nil]) (async, rerun: 3)
baz(0x1,
  0x2)`),
      "p.syz",
    )
  ) out.push(c);
  assert.equal(out.length, 2);
  assert.equal(out[0].result, "r1");
  assert.equal(out[0].base, "foo");
  assert.deepEqual(out[0].args.map((a) => a.k), ["int", "res", "resdef", "ptr", "union", "array"]);
  const u = out[0].args[4];
  assert.ok(u.k === "union" && u.value?.k === "struct");
  const d = u.value.items;
  assert.ok(d[0].k === "data" && d[0].len === 2 && d[0].text === "a\0");
  assert.ok(d[1].k === "data" && d[1].len === 8);
  assert.deepEqual(out[1].args[1].at, { line: 4, column: 3 });
});

Deno.test("syz: malformed programs are one positioned error each, exit 2", async () => {
  const bad: [string, RegExp][] = [
    ['write(r0, &(0x7f0000000000)="abc", 0x3)', /p\.syz:1:29: .*odd number of digits/],
    ["r0 = openat(0x1, &(0x7f00)='x\\x0', 0x0)", /p\.syz:1:\d+: .*\\x escape needs two hex digits/],
    ["write(r0, 0x1, 0x2) junk", /p\.syz:1:21: unexpected text after the call/],
    [
      '# ok\nread(r0, &(0x7f0000000000)=""/16, 0x10',
      /p\.syz:2:\d+: .*not closed at the end of the file/,
    ],
    ["read(r0, bogus, 0x1)", /p\.syz:1:10: unknown value "bogus"/],
    ["read(r0, 0x1ffffffffffffffff, 0x1)", /p\.syz:1:10: .*does not fit in 64 bits/],
    ["= read()", /p\.syz:1:1: expected a call/],
  ];
  for (const [text, want] of bad) {
    const io = fakeIo({ "p.syz": text });
    const code = await runCli(["import", "syz", "p.syz"], io);
    assert.equal(code, 2, text);
    assert.match(io.err, want, text);
    assert.doesNotMatch(io.err, /\n\s+at /, "no stack trace");
  }
});
