/**
 * The editor's model without VS Code: it keeps the engine's answers (file verdicts, runs, claims)
 * for a folder, reports exactly what changed, and its watch targets follow the store it opened.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewModel, type ModelChange } from '../../src/extension/model';
import { globToRegExp } from '../../src/extension/modelSet';
import { isStoreFile, watchPatterns } from '../../src/extension/watchTargets';
import { claimStatusIn } from '../../src/extension/claimStatus';
import { materialise } from '../conformance/fixtures';

test('a full refresh loads verdicts, runs and claims; a narrow one reports only the changed file', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  const model = new ClewModel({ folder: m.root, storePathSetting: path.relative(m.root, m.dbPath) });
  after(async () => {
    await model.dispose();
    m.cleanup();
  });
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(c));
  await model.refresh();
  assert.equal(model.dbPath, m.dbPath);
  const edited = path.join(m.root, '06_preprocess_c_out/clean_C.csv');
  assert.equal(model.files.get(edited)?.verdict, 'mismatch');
  assert.deepEqual(model.counts(), { verified: model.files.size - 1, mismatch: 1, missing: 0 });
  assert.ok(model.runs.length >= 8);
  const paper = model.claims.filter((c) => c.file_path === path.join(m.root, 'paper.tex'));
  assert.equal(paper.length, 5);
  const report = paper.find((c) => c.line_number === 12);
  assert.ok(report);
  assert.equal(claimStatusIn([model], report).status, 'suspect', 'upstream clean_C.csv changed');

  changes.length = 0;
  const untouched = path.join(m.root, '01_source_a_out/source_A.csv');
  fs.rmSync(untouched);
  await model.refreshFiles([untouched]);
  assert.equal(model.files.get(untouched)?.verdict, 'missing');
  assert.deepEqual(changes.map((c) => c.paths.sort()), [[path.dirname(untouched), untouched].sort()], 'the file and its folder (now holding a missing file)');
});

test('watch targets: the store the model opened (any file name) and the recorded files\u2019 folders', () => {
  const files = new Map([['/w/a/x.csv', {}], ['/w/a/y.csv', {}], ['/w/b/z.csv', {}]]);
  const model = { folder: '/w', dbPath: '/w/custom/my store.sqlite', files } as unknown as Pick<ClewModel, 'folder' | 'dbPath' | 'files'>;
  assert.deepEqual(watchPatterns(model), [
    { base: '/w/custom', glob: 'my store.sqlite{,-wal}' },
    { base: '/w/a', glob: '*' },
    { base: '/w/b', glob: '*' },
  ]);
  assert.ok(isStoreFile([model], '/w/custom/my store.sqlite'));
  assert.ok(isStoreFile([model], '/w/custom/my store.sqlite-wal'));
  assert.ok(!isStoreFile([model], '/w/.scitex/clew/runtime/clew.db'), 'only the store actually opened');
});

test('clew.exclude globs', () => {
  assert.ok(globToRegExp('data/raw/**').test('data/raw/a/b.csv'));
  assert.ok(!globToRegExp('data/raw/**').test('data/clean/b.csv'));
  assert.ok(globToRegExp('*.tmp').test('x/y.tmp'));
  assert.ok(!globToRegExp('*.tmp').test('x/y.tmpx'));
});
