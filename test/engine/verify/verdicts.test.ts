/**
 * The engine's one set of verdict rules, on the seq-mismatch fixture (06's output clean_C.csv was
 * edited after recording): a file's verdict, status aggregation, final outputs and the upstream walk.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { openStore } from '../../../src/engine/store/open';
import type { Store } from '../../../src/engine/store/types';
import { verifyStatus } from '../../../src/engine/verify';
import { finalOutputs, firstChangedUpstream } from '../../../src/engine/verify/lineage';
import { recordedFiles } from '../../../src/engine/verify/recordedFiles';
import type { RunVerification } from '../../../src/engine/verify/types';
import { aggregateStatus, countVerdicts, fileVerdict } from '../../../src/engine/verify/verdicts';
import { materialise, type Materialised } from '../../conformance/fixtures';

let m: Materialised;
let store: Store;
const hasher = createFileHasher({ useCache: false });
let runs: RunVerification[];

before(async () => {
  m = materialise('seq-mismatch', 'relocated');
  store = await openStore(m.dbPath, { readOnly: true });
  runs = (await verifyStatus({ view: await store.snapshot(), hasher, cwd: m.root }, 500)).runs;
});
after(async () => {
  await hasher.dispose();
  await store.close();
  m.cleanup();
});

test('fileVerdict: matching, changed, missing, unreadable and frozen files', () => {
  const h = 'a'.repeat(64);
  assert.equal(fileVerdict(h, false, { kind: 'hash', hash: h, cached: false }), 'verified');
  assert.equal(fileVerdict(h, false, { kind: 'hash', hash: 'b'.repeat(64), cached: false }), 'mismatch');
  assert.equal(fileVerdict(h, true, { kind: 'hash', hash: 'b'.repeat(64), cached: false }), 'verified', 'a frozen file is trusted');
  assert.equal(fileVerdict(h, true, { kind: 'missing' }), 'missing', 'frozen or not, a missing file is missing');
  assert.equal(fileVerdict(h, false, { kind: 'unreadable', error: 'EACCES' }), 'missing');
  assert.equal(fileVerdict(h, false, undefined), 'missing');
  assert.equal(fileVerdict(h.slice(0, 32), false, { kind: 'hash', hash: h, cached: false }), 'verified', 'legacy short hashes compare on their prefix');
});

test('recorded files get the same verdict as the run verification of the same rows', async () => {
  const rows = recordedFiles(await store.snapshot());
  const outcomes = await hasher.hashMany([...rows.keys()]);
  const verdicts = new Map([...rows].map(([p, r]) => [p, fileVerdict(r.expectedHash, r.frozen, outcomes.get(p))]));
  const changed = [...verdicts].filter(([, v]) => v !== 'verified').map(([p]) => path.relative(m.root, p));
  assert.deepEqual(changed, ['06_preprocess_c_out/clean_C.csv']);
  let compared = 0;
  for (const r of runs) for (const f of r.files) if (rows.get(f.path)?.sessionId === r.session_id && rows.get(f.path)?.expectedHash === f.expected_hash) {
    assert.equal(verdicts.get(f.path), f.status, f.path);
    compared++;
  }
  assert.ok(compared > 10, `compared ${compared} files`);
  assert.deepEqual(countVerdicts(verdicts.values()), { verified: verdicts.size - 1, mismatch: 1, missing: 0 });
});

test('aggregateStatus: worst first, verified when nothing failed', () => {
  const run = (status: RunVerification['status']) => ({ status, is_verified: status === 'verified' });
  assert.equal(aggregateStatus([]), 'verified');
  assert.equal(aggregateStatus([run('verified'), run('verified')]), 'verified');
  assert.equal(aggregateStatus([run('unknown'), run('suspect'), run('missing')]), 'missing');
  assert.equal(aggregateStatus([run('missing'), run('mismatch')]), 'mismatch');
  assert.equal(aggregateStatus([run('verified'), run('unknown')]), 'unknown');
  assert.equal(aggregateStatus([run('verified')], true), 'unknown', 'a DAG may fail a run for its parent');
  assert.equal(aggregateStatus(runs), 'mismatch');
});

test('finalOutputs: outputs no run reads', () => {
  assert.deepEqual(finalOutputs(runs).map((p) => path.relative(m.root, p)), ['08_analyze_out/report.json', '08_analyze_out/stats_by_source.csv']);
});

test('firstChangedUpstream: the edited file behind downstream outputs, nothing behind unrelated ones', () => {
  const report = path.join(m.root, '08_analyze_out/report.json');
  assert.equal(firstChangedUpstream(runs, report), path.join(m.root, '06_preprocess_c_out/clean_C.csv'));
  assert.equal(firstChangedUpstream(runs, path.join(m.root, '02_preprocess_a_out/clean_A.csv')), undefined);
  // A fresher verdict wins over the one the runs were verified with.
  assert.equal(firstChangedUpstream(runs, report, () => 'verified'), undefined);
});
