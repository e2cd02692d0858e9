/**
 * The archive fallback's bounds (spec §3.2) and the hasher's outcome for it: ancestors deepest
 * first, at most 8, never the root; member names compared exactly; the outcome names the archive;
 * the stat cache remembers a member hash keyed by the archive's own stat.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archiveCandidates, MAX_ARCHIVE_LEVELS, type ArchiveFile, type ArchiveStatMemo } from '../../../src/engine/hash/archive';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew archive unit '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('candidates: deepest ancestor first, at most 8 levels, never the root, member <basename(D)>/<rest>', () => {
  const key = { dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n };
  // Pretend every ancestor has a .tar beside it: only the bounds decide what is tried.
  class Everywhere extends Map<string, ArchiveFile[]> {
    override get(d: string): ArchiveFile[] {
      return [{ archive: `${d}.tar`, key }];
    }
  }
  const everywhere: ArchiveStatMemo = new Everywhere();
  const deep = '/a/b/c/d/e/f/g/h/i/j/k.csv';
  const found = archiveCandidates(deep, everywhere);
  assert.equal(found.length, MAX_ARCHIVE_LEVELS);
  assert.deepEqual(found[0], { archive: '/a/b/c/d/e/f/g/h/i/j.tar', key, member: 'j/k.csv' });
  assert.deepEqual(found.at(-1), { archive: '/a/b/c.tar', key, member: 'c/d/e/f/g/h/i/j/k.csv' });
  assert.deepEqual(archiveCandidates('/top/x.csv', everywhere).map((c) => c.archive), ['/top.tar']);
  assert.deepEqual(archiveCandidates('/x.csv', everywhere), []);
});

test('the hasher reads a gone file from its archive member; exact names only; cached by the archive stat', async () => {
  const project = path.join(dir, 'proj');
  fs.mkdirSync(path.join(project, 'res', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(project, 'res', 'deep', 'x.csv'), 'payload');
  execFileSync('tar', ['czf', 'res.tar.gz', 'res'], { cwd: project });
  fs.rmSync(path.join(project, 'res'), { recursive: true });
  const gone = path.join(project, 'res', 'deep', 'x.csv');
  const near = path.join(project, 'res', 'deep', 'X.csv');
  const store = path.join(dir, 'store');
  fs.mkdirSync(store);
  const hasher = createFileHasher({ useCache: true, storeDir: store, concurrency: 0 });
  const out = await hasher.hashMany([gone, near]);
  const want = createHash('sha256').update('payload').digest('hex');
  assert.deepEqual(out.get(gone), { kind: 'hash', hash: want, cached: false, archive: path.join(project, 'res.tar.gz') });
  assert.deepEqual(out.get(near), { kind: 'missing' });
  await hasher.dispose();
  // Make the entry old enough not to be "racy", then a new hasher answers from the cache.
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(project, 'res.tar.gz'), old, old);
  const warm = createFileHasher({ useCache: true, storeDir: store, concurrency: 0 });
  assert.equal((await warm.hashMany([gone])).get(gone)?.kind, 'hash');
  await warm.dispose();
  const again = createFileHasher({ useCache: true, storeDir: store, concurrency: 0 });
  assert.deepEqual((await again.hashMany([gone])).get(gone), { kind: 'hash', hash: want, cached: true, archive: path.join(project, 'res.tar.gz') });
  await again.dispose();
});

test('a member stored twice (an archive appended to) is read as its last copy, not both copies', async () => {
  const project = path.join(dir, 'twice');
  fs.mkdirSync(path.join(project, 'out'), { recursive: true });
  const file = path.join(project, 'out', 'table.csv');
  fs.writeFileSync(file, 'first\n');
  execFileSync('tar', ['cf', 'out.tar', 'out'], { cwd: project });
  fs.writeFileSync(file, 'second, longer\n');
  execFileSync('tar', ['rf', 'out.tar', 'out/table.csv'], { cwd: project });
  fs.rmSync(path.join(project, 'out'), { recursive: true });
  const store = path.join(dir, 'twice-store');
  fs.mkdirSync(store);
  const hasher = createFileHasher({ useCache: false, storeDir: store, concurrency: 0 });
  try {
    const got = (await hasher.hashMany([file])).get(file);
    assert.deepEqual(got, { kind: 'hash', hash: createHash('sha256').update('second, longer\n').digest('hex'), cached: false, archive: path.join(project, 'out.tar') });
  } finally {
    await hasher.dispose();
  }
});
