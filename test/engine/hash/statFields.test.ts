/**
 * statFields (the warm status's stat loop) must read exactly what fs.statSync reads, whichever
 * way it takes on this Node: the same five fields to the nanosecond, the same kind, the same errors.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { getU64, putU64, STAT_CTIME_NS, STAT_DEV, STAT_INO, STAT_MTIME_NS, STAT_SIZE, STAT_WORD_COUNT, statFields, statFieldsVia } from '../../../src/engine/hash/statFields';

// Child mode for the --pending-deprecation test below: which way this process takes.
if (process.env.CLEW_STATFIELDS_PROBE === '1') {
  statFields(process.execPath, new Uint32Array(STAT_WORD_COUNT));
  process.stdout.write(statFieldsVia());
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew statFields ü "q" '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const FIELDS = [STAT_DEV, STAT_INO, STAT_SIZE, STAT_MTIME_NS, STAT_CTIME_NS];

/** Kind and fields of `p` read each way: doubles from Node's array, BigInts from it, fs.statSync. */
function allWays(p: string): Record<'double' | 'bigint' | 'fs', { kind: string; fields: bigint[] }> {
  const read = (via?: 'fs.statSync' | 'bigint') => {
    const out = new Uint32Array(STAT_WORD_COUNT);
    const kind = statFields(p, out, via);
    return { kind, fields: FIELDS.map((at) => getU64(out, at)) };
  };
  return { double: read(), bigint: read('bigint'), fs: read('fs.statSync') };
}

test('on Linux with this Node the direct way is taken (else the loop silently lost its speed-up)', { skip: process.platform === 'win32' }, () => {
  assert.equal(statFieldsVia(), 'binding');
});

test('a file, a folder, a symlink, an absent path: the same kind and fields every way, and as fs.statSync says', () => {
  const file = path.join(dir, 'data <script>.bin');
  fs.writeFileSync(file, Buffer.alloc(12345, 7));
  const folder = path.join(dir, 'sub');
  fs.mkdirSync(folder);
  const link = path.join(dir, 'link');
  fs.symlinkSync(file, link);
  for (const p of [file, folder, link]) {
    const ways = allWays(p);
    assert.deepEqual(ways.double, ways.fs, p);
    assert.deepEqual(ways.bigint, ways.fs, p);
    const s = fs.statSync(p, { bigint: true });
    assert.deepEqual(ways.double.fields, [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map((v) => BigInt.asUintN(64, v)), p);
    assert.equal(ways.double.kind, s.isFile() ? 'file' : 'other', p);
  }
  const out = new Uint32Array(STAT_WORD_COUNT).fill(7);
  assert.equal(statFields(path.join(dir, 'nope'), out), 'absent');
  assert.ok(out.every((w) => w === 7), 'an absent file leaves the words as they were');
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
  for (const way of Object.values(allWays(path.join(dir, 'dangling')))) assert.equal(way.kind, 'absent');
  assert.equal(allWays(file).double.fields[2], 12345n);
});

test('times to the nanosecond, across the 32-bit word boundary and far in the future', () => {
  const file = path.join(dir, 'times.txt');
  fs.writeFileSync(file, 'a');
  // utimes takes seconds as doubles: these are exact in binary (…5, …25 s) so the ns are known.
  for (const [seconds, ns] of [
    [1_700_000_000.5, 1_700_000_000_500_000_000n],
    [4.25, 4_250_000_000n], // ns just above 2^32: the high word is 0 → 1
    [4_000_000_000.75, 4_000_000_000_750_000_000n], // the year 2096
    [0, 0n],
  ] as const) {
    fs.utimesSync(file, seconds, seconds);
    const ways = allWays(file);
    assert.equal(ways.double.fields[3], ns, `mtime ${seconds}`);
    assert.deepEqual(ways.double, ways.fs, `every way at ${seconds}`);
    assert.deepEqual(ways.bigint, ways.fs, `every way at ${seconds}`);
  }
});

test('putU64/getU64 round-trip the values a stat can hold, and wrap negatives as BigUint64Array does', () => {
  const w = new Uint32Array(2);
  for (const v of [0n, 1n, 0xffffffffn, 0x100000000n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
    putU64(w, 0, v);
    assert.equal(getU64(w, 0), v);
  }
  putU64(w, 0, -1n);
  assert.equal(getU64(w, 0), 2n ** 64n - 1n);
});

test('errors other than "absent" throw as fs.statSync does (a path through a file)', () => {
  const file = path.join(dir, 'plain');
  fs.writeFileSync(file, 'x');
  for (const via of [undefined, 'bigint', 'fs.statSync'] as const) {
    assert.throws(() => statFields(path.join(file, 'below'), new Uint32Array(STAT_WORD_COUNT), via), /ENOTDIR/, String(via));
  }
});

test('with --pending-deprecation the fs.statSync way is taken and nothing is printed', () => {
  const r = spawnSync(process.execPath, ['--pending-deprecation', __filename], { encoding: 'utf8', env: { ...process.env, CLEW_STATFIELDS_PROBE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'fs.statSync');
  assert.equal(r.stderr, '');
});
