/**
 * Stamps made by Clew (file backend) are the ones scitex-clew would make: the root hash equals
 * spec §6 computed independently in Python, the id/metadata/timestamp bytes are Python's, the
 * proof file is upstream's JSON, and upstream's check algorithm (in Python) accepts the stamp.
 * Then what a check reports: new runs leave a stamp intact, a rewritten combined_hash breaks it,
 * deleted runs are named (upstream crashes when all are gone), and --files sees an edited output.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { openStore } from '../../../src/engine/store/open';
import type { Store } from '../../../src/engine/store/types';
import { pythonJsonDumps, pythonUtcIsoNow } from '../../../src/engine/stamps/format';
import { checkStamp, stamp } from '../../../src/engine/stamps/stamps';
import type { StampCheck } from '../../../src/engine/stamps/types';
import type { Materialised } from '../../conformance/fixtures';
import { materialiseCopy, pythonCheck, pythonRootHash, pythonSql } from './helpers';

function asCheck(r: Awaited<ReturnType<typeof checkStamp>>): StampCheck {
  assert.ok(!('status' in r), 'stamp not found');
  return r;
}

describe('file stamps made by Clew on seq-clean', () => {
  let m: Materialised;
  let store: Store;
  const ctx = async () => ({ store, view: await store.snapshot(), cwd: m.root });
  before(async () => {
    m = materialiseCopy('seq-clean');
    store = await openStore(m.dbPath);
  });
  after(async () => {
    await store.close();
    m.cleanup();
  });

  test('root hash, id, metadata and timestamp are upstream-exact; upstream would check it', async () => {
    const record = await stamp(await ctx());
    const py = pythonRootHash(m.dbPath);
    assert.equal(record.root_hash, py.root_hash);
    assert.equal(record.run_count, py.run_count);
    assert.deepEqual(record.metadata, { session_ids: py.session_ids });
    assert.deepEqual(pythonCheck(m.dbPath, record.stamp_id), { matches: true, id_ok: true, metadata_bytes_ok: true, timestamp_ok: true });
    const proofPath = path.join(path.dirname(m.dbPath), 'stamps', `${record.stamp_id}.json`);
    assert.equal(record.service_url, proofPath);
    const expected = `{\n  "stamp_id": "${record.stamp_id}",\n  "root_hash": "${record.root_hash}",\n  "timestamp": "${record.timestamp}",\n  "run_count": ${record.run_count},\n  "backend": "file"\n}`;
    assert.equal(fs.readFileSync(proofPath, 'utf8'), expected);
  });

  test('--session-ids stamps exactly those runs (sorted), --output-dir moves the proof', async () => {
    const all = pythonRootHash(m.dbPath).session_ids;
    const picked = [all[3], all[0], 'no-such-session'];
    const outDir = path.join(m.root, 'proofs');
    const record = await stamp(await ctx(), { sessionIds: picked, outputDir: 'proofs' });
    const py = pythonRootHash(m.dbPath, picked);
    assert.equal(record.root_hash, py.root_hash);
    assert.deepEqual(record.metadata, { session_ids: [all[0], all[3]] });
    assert.ok(fs.existsSync(path.join(outDir, `${record.stamp_id}.json`)));
    assert.equal(pythonCheck(m.dbPath, record.stamp_id).matches, true);
  });

  test('a new run leaves the stamp intact; a rewritten combined_hash breaks it', async () => {
    const record = await stamp(await ctx());
    pythonSql(m.dbPath, "INSERT INTO runs (session_id, status, combined_hash) VALUES ('zz-later-run', 'success', 'abc')");
    assert.equal(asCheck(await checkStamp(await ctx(), record.stamp_id)).verdict, 'holds');
    const victim = (record.metadata?.session_ids as string[])[2];
    pythonSql(m.dbPath, "UPDATE runs SET combined_hash = 'rewritten' WHERE session_id = ?", [victim]);
    const c = asCheck(await checkStamp(await ctx(), record.stamp_id));
    assert.equal(c.matches, false);
    assert.equal(c.verdict, 'changed');
    assert.equal(c.details[0], `Root hash CHANGED since stamp at ${record.timestamp}`);
    assert.equal(c.details[1], `  Stamped:  ${record.root_hash.slice(0, 32)}...`);
    assert.equal(c.current_root_hash, pythonRootHash(m.dbPath, record.metadata?.session_ids as string[]).root_hash);
    assert.equal(pythonCheck(m.dbPath, record.stamp_id).matches, false, 'upstream agrees it changed');
  });
});

describe('check-stamp on deleted runs and edited files (seq-clean copy)', () => {
  let m: Materialised;
  let store: Store;
  before(async () => {
    m = materialiseCopy('seq-clean');
    store = await openStore(m.dbPath);
  });
  after(async () => {
    await store.close();
    m.cleanup();
  });

  test('--files lists an output edited after the stamp, and a deleted one as missing', async () => {
    const hasher = createFileHasher({ useCache: false });
    try {
      const record = await stamp({ store, view: await store.snapshot() });
      const ctx = async () => ({ store, view: await store.snapshot(), hasher });
      assert.deepEqual(asCheck(await checkStamp(await ctx(), record.stamp_id, { files: true })).files, []);
      const edited = path.join(m.root, '07_merge_out', 'final.csv');
      fs.appendFileSync(edited, '999,tampered\n');
      const c = asCheck(await checkStamp(await ctx(), record.stamp_id, { files: true }));
      assert.equal(c.matches, true, 'the root hash alone cannot see the edit');
      assert.equal(c.verdict, 'files-changed');
      assert.ok(c.files?.some((f) => f.path === edited && f.status === 'changed' && f.role === 'output'));
      assert.ok(c.files?.every((f) => f.path === edited), JSON.stringify(c.files));
      fs.rmSync(edited);
      const gone = asCheck(await checkStamp(await ctx(), record.stamp_id, { files: true }));
      assert.ok(gone.files?.some((f) => f.path === edited && f.status === 'missing' && f.current_hash === null));
    } finally {
      await hasher.dispose();
    }
  });

  test('some stamped runs deleted: named, run count line as upstream; all deleted: no crash', async () => {
    const record = await stamp({ store, view: await store.snapshot() });
    const ids = record.metadata?.session_ids as string[];
    pythonSql(m.dbPath, 'DELETE FROM runs WHERE session_id IN (?, ?)', [ids[0], ids[1]]);
    const some = asCheck(await checkStamp({ store, view: await store.snapshot() }, record.stamp_id));
    assert.equal(some.verdict, 'runs-missing');
    assert.deepEqual(some.missing_sessions, [ids[0], ids[1]]);
    assert.ok(some.details.includes(`  Run count changed: ${ids.length} → ${ids.length - 2}`));
    assert.ok(some.details.some((d) => d.includes(ids[0]) && d.includes('deleted')));
    pythonSql(m.dbPath, 'DELETE FROM runs');
    const all = asCheck(await checkStamp({ store, view: await store.snapshot() }, record.stamp_id));
    assert.equal(all.current_root_hash, null);
    assert.equal(all.verdict, 'runs-missing');
    assert.ok(all.details.includes(`All ${ids.length} stamped run(s) were deleted from the store`));
    assert.ok(all.details.includes('  Current:  None'));
    await assert.rejects(stamp({ store, view: await store.snapshot() }), (e: unknown) => e instanceof ClewError && /No runs to stamp/.test(e.message));
  });
});

describe('Python byte formats', () => {
  test('json.dumps and isoformat as Python writes them', () => {
    const ids = ['b', 'ä-é', '日本', '𝔘', 'q"\\\n'];
    const py = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys\nids=json.loads(sys.argv[1])\nprint(json.dumps(json.dumps({"session_ids": ids})))', JSON.stringify(ids)], { encoding: 'utf8' }),
    ) as string;
    assert.equal(pythonJsonDumps({ session_ids: ids }), py);
    assert.equal(pythonUtcIsoNow(1_764_000_000_000_000n), '2025-11-24T16:00:00+00:00');
    assert.equal(pythonUtcIsoNow(1_764_000_000_000_042n), '2025-11-24T16:00:00.000042+00:00');
  });
});
