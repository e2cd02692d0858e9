/**
 * Hashing into shared memory (tableHash.ts, HashPool.hashTable) and the FileHasher that starts
 * from such a table (prefetchedHasher.ts): every state, with and without worker threads, with the
 * calling thread taking part, and a stale table whose list no longer matches what is asked.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { HashPool } from '../../../src/engine/hash/pool';
import { prefetchedHasher } from '../../../src/engine/hash/prefetchedHasher';
import { HASHED, MISSING, OTHER } from '../../../src/engine/hash/tableHash';
import type { FileHasher, FileStat, HashOutcome } from '../../../src/engine/hash/types';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-table-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const files = Array.from({ length: 300 }, (_, i) => {
  const p = path.join(dir, `f${i}.bin`);
  fs.writeFileSync(p, Buffer.alloc(i * 97, i & 0xff));
  return p;
});
const missing = path.join(dir, 'gone.bin');
const sub = path.join(dir, 'sub');
fs.mkdirSync(sub);
const list = [...files, missing, sub, path.join(files[0], 'below-a-file')];

describe('hashTable', () => {
  for (const [name, threads, callingThread] of [
    ['workers only', 2, false],
    ['workers and the calling thread', 1, true],
    ['no workers (the calling thread alone)', 0, false],
  ] as const) {
    for (const withStats of [true, false]) {
      test(`${name}, ${withStats ? 'with' : 'without'} stats`, async () => {
        const pool = new HashPool(threads);
        try {
          const table = await pool.hashTable(list, { callingThread, withStats });
          assert.equal(table.hasStats, withStats);
          files.forEach((p, i) => {
            assert.equal(table.stateAt(i), HASHED, p);
            assert.equal(table.hexAt(i), sha(fs.readFileSync(p)));
            assert.deepEqual(table.outcomeAt(i), { kind: 'hash', hash: sha(fs.readFileSync(p)), cached: false });
            if (withStats) {
              const s = fs.statSync(p, { bigint: true });
              assert.deepEqual(table.statAt(i), { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs });
            }
          });
          assert.equal(table.stateAt(files.length), MISSING);
          assert.equal(table.stateAt(files.length + 1), OTHER, 'a directory is left to the caller');
          assert.equal(table.stateAt(files.length + 2), MISSING, 'ENOTDIR is missing, as everywhere');
          assert.equal(table.outcomeAt(files.length + 1), undefined);
        } finally {
          await pool.dispose();
        }
      });
    }
  }

  test('an aborted table leaves the rest PENDING for the caller', async () => {
    const pool = new HashPool(0);
    const controller = new AbortController();
    controller.abort();
    const table = await pool.hashTable(files, { signal: controller.signal });
    assert.equal(table.outcomeAt(0), undefined);
  });

  test('createFileHasher without the cache gives the same outcomes and stats through the table', async () => {
    const stats = new Map<string, FileStat | undefined>();
    const hasher = createFileHasher({ useCache: false });
    try {
      const outcomes = await hasher.hashMany(list, { onStat: (p, s) => stats.set(p, s) });
      for (const p of files) assert.deepEqual(outcomes.get(p), { kind: 'hash', hash: sha(fs.readFileSync(p)), cached: false });
      assert.equal(outcomes.get(missing)?.kind, 'missing');
      assert.equal(outcomes.get(sub)?.kind, 'directory');
      assert.equal(stats.get(files[5])?.ino, fs.statSync(files[5], { bigint: true }).ino);
      assert.ok(stats.has(missing) && stats.get(missing) === undefined);
    } finally {
      await hasher.dispose();
    }
  });
});

/** An inner hasher that records what it is asked for and answers each path with `outcome(path)`. */
function askedHasher(outcome: (p: string) => HashOutcome = () => ({ kind: 'missing' })): { inner: FileHasher; asked: string[] } {
  const asked: string[] = [];
  const inner: FileHasher = {
    async hashMany(paths) {
      asked.push(...paths);
      return new Map(paths.map((p): [string, HashOutcome] => [p, outcome(p)]));
    },
    dispose: async () => undefined,
  };
  return { inner, asked };
}

describe('prefetchedHasher', () => {
  test('takes what a stale table hashed, asks the inner hasher for the rest', async () => {
    const pool = new HashPool(1);
    const added = path.join(dir, 'added.bin');
    fs.writeFileSync(added, 'added');
    const { inner, asked } = askedHasher((p) => (p === added ? { kind: 'hash', hash: sha('added'), cached: false } : { kind: 'missing' }));
    // The table's list: files the store no longer asks for (files[0..9]) and a missing one.
    const hasher = prefetchedHasher(inner, { table: pool.hashTable([...files.slice(0, 20), missing], { withStats: true }), dispose: () => pool.dispose() });
    const wanted = [...files.slice(10, 20), added, missing];
    const stats = new Map<string, FileStat | undefined>();
    const outcomes = await hasher.hashMany(wanted, { onStat: (p, s) => stats.set(p, s) });
    await hasher.dispose();
    assert.deepEqual([...outcomes.keys()], wanted);
    for (const p of files.slice(10, 20)) {
      assert.deepEqual(outcomes.get(p), { kind: 'hash', hash: sha(fs.readFileSync(p)), cached: false });
      assert.equal(stats.get(p)?.ino, fs.statSync(p, { bigint: true }).ino);
    }
    assert.deepEqual(asked, [added, missing], 'gained files and missing ones go to the inner hasher (archives, classification)');
    assert.equal(outcomes.get(added)?.kind, 'hash');
  });

  test('a failed prefetch is as if there were none', async () => {
    const { inner, asked } = askedHasher();
    const table = Promise.reject(new Error('the threads could not start'));
    table.catch(() => undefined);
    const hasher = prefetchedHasher(inner, { table, dispose: async () => undefined });
    const outcomes = await hasher.hashMany(files.slice(0, 2));
    assert.deepEqual(asked, files.slice(0, 2));
    assert.equal(outcomes.size, 2);
  });

  test('a table without stats is not used by a caller that keeps stats', async () => {
    const pool = new HashPool(0);
    const { inner, asked } = askedHasher();
    const hasher = prefetchedHasher(inner, { table: pool.hashTable(files.slice(0, 3), { withStats: false }), dispose: () => pool.dispose() });
    await hasher.hashMany(files.slice(0, 3), { onStat: () => undefined });
    assert.deepEqual(asked, files.slice(0, 3));
    asked.length = 0;
    const plain = await hasher.hashMany(files.slice(0, 3));
    assert.deepEqual(asked, []);
    assert.equal(plain.get(files[1])?.kind, 'hash');
    await hasher.dispose();
  });
});
