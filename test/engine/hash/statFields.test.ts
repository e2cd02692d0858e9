/**
 * statArrayReader (the warm status's stat loop) must read exactly what fs.statSync reads, whichever
 * way it takes on this Node: the same fields, times to the nanosecond, the same kind and errors.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { isRegularFile, RAW_CTIME_NSEC, RAW_CTIME_S, RAW_DEV, RAW_INO, RAW_MTIME_NSEC, RAW_MTIME_S, RAW_SIZE, rawStatValues, splitNs, STAT_FIELD_COUNT, statArrayReader, statArrayVia, statDoubles, statValues } from '../../../src/engine/hash/statFields';

// Child mode for the --pending-deprecation test below: which way this process takes.
if (process.env.CLEW_STATFIELDS_PROBE === '1') {
  statArrayReader()(process.execPath);
  process.stdout.write(statArrayVia());
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew statFields ü "q" '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What the warm check reads of `p`, both ways (Node's array in place, fs.statSync): the compared fields and whether it is a regular file; undefined when absent. */
function bothWays(p: string): Record<'direct' | 'fs', { file: boolean; fields: number[] } | undefined> {
  const read = (viaFs: boolean) => {
    const a = statArrayReader(viaFs)(p);
    return a && { file: isRegularFile(a), fields: [RAW_DEV, RAW_INO, RAW_SIZE, RAW_MTIME_S, RAW_MTIME_NSEC, RAW_CTIME_S, RAW_CTIME_NSEC].map((k) => a[k]) };
  };
  return { direct: read(false), fs: read(true) };
}

/** The values the direct way reads, as bigints. */
function valuesOf(p: string): ReturnType<typeof rawStatValues> {
  const a = statArrayReader()(p);
  assert.ok(a, p);
  return rawStatValues(a);
}

test('on Linux with this Node the direct way is taken (else the loop silently lost its speed-up)', { skip: process.platform === 'win32' }, () => {
  assert.equal(statArrayVia(), 'binding');
});

test('a file, a folder, a symlink, an absent path: the same kind and fields both ways, and the values fs.statSync gives', () => {
  const file = path.join(dir, 'data <script>.bin');
  fs.writeFileSync(file, Buffer.alloc(12345, 7));
  const folder = path.join(dir, 'sub');
  fs.mkdirSync(folder);
  const link = path.join(dir, 'link');
  fs.symlinkSync(file, link);
  for (const p of [file, folder, link]) {
    const ways = bothWays(p);
    assert.deepEqual(ways.direct, ways.fs, p);
    const s = fs.statSync(p, { bigint: true });
    assert.deepEqual(valuesOf(p), { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs }, `${p}: the bigints back`);
    assert.equal(ways.direct?.file, s.isFile(), p);
  }
  assert.deepEqual(bothWays(path.join(dir, 'nope')), { direct: undefined, fs: undefined });
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
  assert.deepEqual(bothWays(path.join(dir, 'dangling')), { direct: undefined, fs: undefined });
  assert.equal(valuesOf(file).size, 12345n);
});

test('times to the nanosecond, before 1970 and far in the future', () => {
  const file = path.join(dir, 'times.txt');
  fs.writeFileSync(file, 'a');
  // utimes takes seconds as doubles: these are exact in binary, so the ns are known.
  for (const [seconds, ns] of [
    [1_700_000_000.5, 1_700_000_000_500_000_000n],
    [4_000_000_000.75, 4_000_000_000_750_000_000n], // the year 2096
    [-1.25, -1_250_000_000n], // 1969: seconds round down, nanoseconds stay positive
    [0, 0n],
  ] as const) {
    // Node's utimes takes a negative time as "now": touch sets 1969.
    if (seconds < 0) execFileSync('touch', ['-d', `@${seconds}`, file]);
    else fs.utimesSync(file, seconds, seconds);
    const ways = bothWays(file);
    assert.deepEqual(ways.direct, ways.fs, `both ways at ${seconds}`);
    assert.equal(valuesOf(file).mtimeNs, ns, `mtime ${seconds}`);
  }
});

test('splitNs and statDoubles/statValues: exact times, 64-bit ids rounded as Node rounds them', () => {
  assert.deepEqual(splitNs(1_700_000_000_500_000_000n), [1_700_000_000, 500_000_000]);
  assert.deepEqual(splitNs(-1n), [-1, 999_999_999]);
  assert.deepEqual(splitNs(-1_000_000_000n), [-1, 0]);
  const d = new Float64Array(STAT_FIELD_COUNT);
  const v = { dev: 2049n, ino: 2n ** 63n + 12345n, size: 0n, mtimeNs: 4_000_000_000_999_999_999n, ctimeNs: 1n };
  statDoubles(d, 0, v);
  const back = statValues(d, 0);
  assert.equal(back.mtimeNs, v.mtimeNs);
  assert.equal(back.ctimeNs, v.ctimeNs);
  assert.equal(back.dev, v.dev);
  assert.equal(back.ino, BigInt(Number(v.ino)), 'an inode above 2^53 is rounded, as a double holds it');
  // A signed view of an unsigned 64-bit id (BigInt64Array) reads as the same double.
  statDoubles(d, 0, { ...v, ino: BigInt.asIntN(64, v.ino) });
  assert.equal(statValues(d, 0).ino, back.ino);
});

test('errors other than "absent" throw as fs.statSync does (a path through a file)', () => {
  const file = path.join(dir, 'plain');
  fs.writeFileSync(file, 'x');
  for (const viaFs of [false, true]) assert.throws(() => statArrayReader(viaFs)(path.join(file, 'below')), /ENOTDIR/, String(viaFs));
});

test('with --pending-deprecation the fs.statSync way is taken and nothing is printed', () => {
  const r = spawnSync(process.execPath, ['--pending-deprecation', __filename], { encoding: 'utf8', env: { ...process.env, CLEW_STATFIELDS_PROBE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'fs.statSync');
  assert.equal(r.stderr, '');
});
