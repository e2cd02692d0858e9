/** Hashing and the stat cache on real files: vectors, odd names, symlinks, errors, cache rules. */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { hashDirectory, hashesMatch, hashFile } from '../../../src/engine/hash/sha256';
import { STAT_CACHE_FILE, StatCache, statKeyOf, TIMESTAMP_GRANULARITY_NS } from '../../../src/engine/hash/statCache';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew hash ü '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('sha256', () => {
  test('known vectors and a multi-MiB file agree with openssl', async () => {
    assert.equal(await hashFile(file('empty', '')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(await hashFile(file('abc', 'abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const big = Buffer.alloc(5 * 1024 * 1024 + 17, 0);
    for (let i = 0; i < big.length; i += 4099) big[i] = i & 0xff;
    const bigPath = file('big.bin', big);
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-r', bigPath]).toString().split(' ')[0];
    assert.equal(await hashFile(bigPath), openssl);
  });

  test('odd names: spaces, unicode, quotes, <script>', async () => {
    for (const name of ['a b.csv', 'ünï©ødé.txt', `q"uo'te.txt`, '<script>alert(1)</script>.txt']) {
      assert.equal(await hashFile(file(name, name)), sha(name));
    }
  });

  test('prefix-tolerant comparison for legacy 32-char rows', () => {
    const full = sha('x');
    assert.ok(hashesMatch(full, full));
    assert.ok(hashesMatch(full.slice(0, 32), full));
    assert.ok(!hashesMatch(sha('y').slice(0, 32), full));
    assert.ok(!hashesMatch('', full));
  });

  test('hash_directory: relative paths, sorted, recursive', async () => {
    file('tree/b.txt', 'b');
    file('tree/sub dir/a.txt', 'a');
    const hashes = await hashDirectory(path.join(dir, 'tree'));
    assert.deepEqual([...hashes.keys()], ['b.txt', path.join('sub dir', 'a.txt')]);
    assert.equal(hashes.get('b.txt'), sha('b'));
    assert.deepEqual([...(await hashDirectory(path.join(dir, 'tree'), { recursive: false })).keys()], ['b.txt']);
  });
});

describe('FileHasher', () => {
  test('outcomes: hash, missing, dangling and looping symlinks, directories; never throws', async () => {
    const target = file('real.txt', 'real');
    const link = path.join(dir, 'link.txt');
    fs.symlinkSync(target, link);
    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync(path.join(dir, 'nowhere'), dangling);
    const loop = path.join(dir, 'loop');
    fs.symlinkSync(loop, loop);
    const hasher = createFileHasher({ useCache: false, concurrency: 2 });
    try {
      const out = await hasher.hashMany([target, link, dangling, loop, path.join(dir, 'tree'), path.join(dir, 'missing.csv')]);
      assert.deepEqual(out.get(target), { kind: 'hash', hash: sha('real'), cached: false });
      assert.deepEqual(out.get(link), { kind: 'hash', hash: sha('real'), cached: false }, 'symlinks are followed');
      assert.deepEqual(out.get(dangling), { kind: 'missing' });
      assert.equal(out.get(loop)?.kind, 'unreadable');
      assert.equal(out.get(path.join(dir, 'tree'))?.kind, 'directory');
      assert.deepEqual(out.get(path.join(dir, 'missing.csv')), { kind: 'missing' });
    } finally {
      await hasher.dispose();
    }
  });

  test('aborting stops hashing with the abort reason', async () => {
    const hasher = createFileHasher({ useCache: false, concurrency: 1 });
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await assert.rejects(hasher.hashMany([file('c1', '1')], { signal: controller.signal }), /cancelled by user/);
    await hasher.dispose();
  });
});

describe('stat cache', () => {
  function ageFile(p: string, seconds: number): void {
    const t = new Date(Date.now() - seconds * 1000);
    fs.utimesSync(p, t, t);
  }

  test('unchanged files are served from the cache; edits are re-hashed', async () => {
    const storeDir = fs.mkdtempSync(path.join(dir, 'store-'));
    const p = file('cached/data.csv', 'v1');
    ageFile(p, 60);
    const first = createFileHasher({ useCache: true, storeDir });
    assert.deepEqual((await first.hashMany([p])).get(p), { kind: 'hash', hash: sha('v1'), cached: false });
    await first.dispose();
    assert.ok(fs.existsSync(path.join(storeDir, STAT_CACHE_FILE)));
    const second = createFileHasher({ useCache: true, storeDir });
    assert.deepEqual((await second.hashMany([p])).get(p), { kind: 'hash', hash: sha('v1'), cached: true });
    fs.writeFileSync(p, 'v2 changed');
    ageFile(p, 30);
    assert.deepEqual((await second.hashMany([p])).get(p), { kind: 'hash', hash: sha('v2 changed'), cached: false });
    await second.dispose();
    const rehash = createFileHasher({ useCache: false, storeDir });
    try {
      assert.deepEqual((await rehash.hashMany([p])).get(p), { kind: 'hash', hash: sha('v2 changed'), cached: false }, '--rehash never uses the cache');
    } finally {
      await rehash.dispose();
    }
  });

  test('racy entries (mtime within the timestamp granularity of caching) are never trusted', () => {
    const storeDir = fs.mkdtempSync(path.join(dir, 'racy-'));
    const p = file('racy.txt', 'r');
    const key = statKeyOf(fs.statSync(p, { bigint: true }));
    const cache = StatCache.open(storeDir);
    cache.remember(p, key, sha('r'), key.mtimeNs + TIMESTAMP_GRANULARITY_NS - 1n);
    assert.equal(cache.lookup(p, key), undefined, 'racy');
    cache.remember(p, key, sha('r'), key.mtimeNs + TIMESTAMP_GRANULARITY_NS);
    assert.equal(cache.lookup(p, key), sha('r'), 'settled');
    assert.equal(cache.lookup(p, { ...key, size: key.size + 1n }), undefined, 'any stat change misses');
  });

  test('a corrupt cache file is ignored and replaced', async () => {
    const storeDir = fs.mkdtempSync(path.join(dir, 'corrupt-'));
    fs.writeFileSync(path.join(storeDir, STAT_CACHE_FILE), '{not json');
    const p = file('c.txt', 'c');
    ageFile(p, 60);
    const hasher = createFileHasher({ useCache: true, storeDir });
    assert.deepEqual((await hasher.hashMany([p])).get(p), { kind: 'hash', hash: sha('c'), cached: false });
    await hasher.dispose();
    assert.equal(StatCache.open(storeDir).size, 1);
  });

  test('two processes saving at once keep both sets of entries', async () => {
    const storeDir = fs.mkdtempSync(path.join(dir, 'shared-'));
    const a = StatCache.open(storeDir);
    const b = StatCache.open(storeDir);
    const pa = file('pa.txt', 'a');
    const pb = file('pb.txt', 'b');
    a.remember(pa, statKeyOf(fs.statSync(pa, { bigint: true })), sha('a'), BigInt(Date.now()) * 1_000_000n);
    b.remember(pb, statKeyOf(fs.statSync(pb, { bigint: true })), sha('b'), BigInt(Date.now()) * 1_000_000n);
    a.save();
    b.save();
    assert.equal(StatCache.open(storeDir).size, 2);
  });
});

test('hashFile reads whole files at every size around its 4 MiB chunk, and files whose size says 0', async () => {
  for (const size of [0, 1, (4 << 20) - 1, 4 << 20, (4 << 20) + 1, 9_000_001]) {
    const data = Buffer.alloc(size, size % 251);
    if (size > 2) data.writeUInt16LE(size & 0xffff, size - 2);
    assert.equal(await hashFile(file(`sized-${size}.bin`, data)), sha(data), `${size} bytes`);
  }
  // /proc files report size 0 but hold text: read to their end all the same.
  const proc = '/proc/self/cmdline';
  if (fs.existsSync(proc)) assert.notEqual(await hashFile(proc), sha(''));
});
