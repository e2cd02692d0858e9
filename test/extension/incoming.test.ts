/**
 * The editor's words and watch targets for handed-over stores (src/extension/incoming.ts), without
 * VS Code: counts per store → status bar, tooltip and message; ingest counts → one line; the
 * watch pattern of an incoming/ that does not exist yet; which changed paths are incoming files.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { incomingStamp, incomingWatchPattern, ingestResultText, isIncomingPath, pendingStores, pendingTexts } from '../../src/extension/incoming';

const DB = '/proj/.scitex/clew/runtime/clew.db';
const INCOMING = '/proj/.scitex/clew/runtime/incoming';

test('pending stores: one entry per store, folders sharing a store count once, empty stores left out', () => {
  const lists: Record<string, string[]> = { [DB]: ['a.clew.db', 'b.clew.db'], '/other/clew.db': [] };
  const pending = pendingStores([{ folder: '/proj', dbPath: DB }, { folder: '/proj/sub', dbPath: DB }, { folder: '/other', dbPath: '/other/clew.db' }, { folder: '/x', dbPath: undefined }], (db) => lists[db] ?? []);
  assert.deepEqual(pending, [{ folder: '/proj', dbPath: DB, count: 2 }]);
});

test('pending texts: nothing waiting says nothing; counts and the command name otherwise', () => {
  assert.equal(pendingTexts([]), undefined);
  const one = pendingTexts([{ folder: '/proj', dbPath: DB, count: 1 }]);
  assert.equal(one?.status, '$(inbox) 1');
  assert.equal(one?.message, 'Clew: 1 handed-over store waits in .scitex/clew/runtime/incoming/; their runs are not in the store until ingested (Clew: Ingest Handed-over Stores).');
  const many = pendingTexts([{ folder: '/proj', dbPath: DB, count: 3 }, { folder: '/b', dbPath: '/b/clew.db', count: 2 }]);
  assert.equal(many?.status, '$(inbox) 5');
  assert.match(many?.message ?? '', /^Clew: 5 handed-over stores wait for 2 stores;/);
  assert.ok(many?.tooltip.includes(`3 in ${INCOMING}`), many?.tooltip);
});

test('ingest counts read as the CLI says them; a rejected file makes it a warning', () => {
  const summary = (ingested: number, added: number, already: number, rejected: number) => ({ files: rejected > 0 ? [{ file: 'bad.clew.db', ok: false, error: 'no runs table' }] : [], ingested, sessionsAdded: added, sessionsAlreadyPresent: already, rejected });
  assert.deepEqual(ingestResultText([]), { text: 'Clew: no handed-over stores to ingest.', failed: false });
  assert.deepEqual(ingestResultText([summary(2, 3, 0, 0), summary(1, 1, 1, 0)]), { text: 'Clew: ingested 3 stores: 4 sessions added, 1 already present, 0 rejected.', failed: false });
  const bad = ingestResultText([summary(1, 1, 0, 1)]);
  assert.equal(bad.failed, true);
  assert.match(bad.text, /ingested 1 store: 1 sessions added, 0 already present, 1 rejected \(bad\.clew\.db: no runs table\)/);
});

test('the watch pattern starts at the nearest existing folder', () => {
  assert.deepEqual(incomingWatchPattern(DB, (p) => p === INCOMING), { base: INCOMING, glob: '*.clew.db' });
  assert.deepEqual(incomingWatchPattern(DB, (p) => p === '/proj'), { base: '/proj', glob: '.scitex/clew/runtime/incoming/*.clew.db' });
  assert.deepEqual(incomingWatchPattern('/p/we[ir]d/clew.db', (p) => p === '/p'), { base: '/p', glob: 'we[[]ir[]]d/incoming/*.clew.db' });
});

test('incoming paths and the poll stamp', () => {
  assert.equal(isIncomingPath([undefined, DB], `${INCOMING}/n1_1_s.clew.db`), true);
  assert.equal(isIncomingPath([DB], INCOMING), true);
  assert.equal(isIncomingPath([DB], `${INCOMING}/rejected/x.clew.db`), false);
  assert.equal(isIncomingPath([DB], '/proj/data/out.csv'), false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-incoming-'));
  try {
    const db = path.join(dir, 'clew.db');
    assert.equal(incomingStamp(db), '');
    fs.mkdirSync(path.join(dir, 'incoming'));
    fs.writeFileSync(path.join(dir, 'incoming', '.partial-a.clew.db.1'), '');
    assert.equal(incomingStamp(db), '', 'a partial hand-over is not a store yet');
    fs.writeFileSync(path.join(dir, 'incoming', 'a.clew.db'), '');
    assert.equal(incomingStamp(db), 'a.clew.db');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
