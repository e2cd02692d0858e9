/**
 * statFields (the warm status's stat loop) must read exactly what fs.statSync reads, whichever
 * way it takes on this Node: the same five fields, the same kind, the same errors.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { STAT_CTIME_NS, STAT_DEV, STAT_INO, STAT_MTIME_NS, STAT_SIZE, statFields, statFieldsVia } from '../../../src/engine/hash/statFields';

// Child mode for the --pending-deprecation test below: which way this process takes.
if (process.env.CLEW_STATFIELDS_PROBE === '1') {
  statFields(process.execPath, new BigUint64Array(5));
  process.stdout.write(statFieldsVia());
  process.exit(0);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew statFields ü "q" '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function both(p: string): { fast: { kind: string; fields: bigint[] }; slow: { kind: string; fields: bigint[] } } {
  const a = new BigUint64Array(5);
  const b = new BigUint64Array(5);
  const fast = statFields(p, a);
  const slow = statFields(p, b, true);
  return { fast: { kind: fast, fields: [...a] }, slow: { kind: slow, fields: [...b] } };
}

test('on Linux with this Node the direct way is taken (else the loop silently lost its speed-up)', { skip: process.platform === 'win32' }, () => {
  assert.equal(statFieldsVia(), 'binding');
});

test('a file, a folder, a symlink, an absent path: the same kind and fields both ways, and as fs.statSync says', () => {
  const file = path.join(dir, 'data <script>.bin');
  fs.writeFileSync(file, Buffer.alloc(12345, 7));
  const folder = path.join(dir, 'sub');
  fs.mkdirSync(folder);
  const link = path.join(dir, 'link');
  fs.symlinkSync(file, link);
  for (const p of [file, folder, link]) {
    const { fast, slow } = both(p);
    assert.deepEqual(fast, slow, p);
    const s = fs.statSync(p, { bigint: true });
    const want = [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map((v) => BigInt.asUintN(64, v));
    assert.deepEqual(fast.fields, want, p);
    assert.equal(fast.kind, s.isFile() ? 'file' : 'other', p);
  }
  const out = new BigUint64Array([1n, 2n, 3n, 4n, 5n]);
  assert.equal(statFields(path.join(dir, 'nope'), out), 'absent');
  assert.deepEqual([...out], [1n, 2n, 3n, 4n, 5n], 'an absent file leaves the fields as they were');
  assert.equal(both(path.join(dir, 'dangling')).fast.kind, 'absent');
  fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
  assert.deepEqual(both(path.join(dir, 'dangling')), { fast: { kind: 'absent', fields: [0n, 0n, 0n, 0n, 0n] }, slow: { kind: 'absent', fields: [0n, 0n, 0n, 0n, 0n] } });
  const t = new BigUint64Array(5);
  statFields(file, t);
  assert.equal(t[STAT_SIZE], 12345n);
  assert.ok(t[STAT_DEV] > 0n || t[STAT_INO] > 0n);
  assert.ok(t[STAT_MTIME_NS] > 1_500_000_000n * 1_000_000_000n && t[STAT_CTIME_NS] >= t[STAT_MTIME_NS] - 1_000_000_000n);
});

test('a content change is seen in the fields (mtime/size), the ns part included', () => {
  const file = path.join(dir, 'changes.txt');
  fs.writeFileSync(file, 'a');
  const before = new BigUint64Array(5);
  statFields(file, before);
  fs.utimesSync(file, 1_700_000_000.5, 1_700_000_000.5);
  const after1 = new BigUint64Array(5);
  statFields(file, after1);
  assert.equal(after1[STAT_MTIME_NS], 1_700_000_000_500_000_000n);
  assert.notEqual(after1[STAT_CTIME_NS], 0n);
});

test('errors other than "absent" throw as fs.statSync does (a path through a file)', () => {
  const file = path.join(dir, 'plain');
  fs.writeFileSync(file, 'x');
  assert.throws(() => statFields(path.join(file, 'below'), new BigUint64Array(5)), /ENOTDIR/);
  assert.throws(() => statFields(path.join(file, 'below'), new BigUint64Array(5), true), /ENOTDIR/);
});

test('with --pending-deprecation the fs.statSync way is taken and nothing is printed', () => {
  const r = spawnSync(process.execPath, ['--pending-deprecation', __filename], { encoding: 'utf8', env: { ...process.env, CLEW_STATFIELDS_PROBE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'fs.statSync');
  assert.equal(r.stderr, '');
});
