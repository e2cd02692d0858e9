/**
 * The editor's model without VS Code: it keeps the engine's answers (file verdicts, runs, claims)
 * for a folder, reports exactly what changed, and its watch targets follow the store it opened.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
  // The runs follow at once: the one that wrote it is missing, the ones that read it suspect.
  const holding = (role: string) => model.runs.filter((r) => r.files.some((f) => f.path === untouched && f.role === role));
  assert.deepEqual(holding('output').map((r) => r.status), ['missing']);
  assert.ok(holding('input').length > 0 && holding('input').every((r) => r.status === 'suspect'), JSON.stringify(holding('input').map((r) => r.status)));
});

/** Runs SQL in python3's sqlite3 — another process writing the live store, as scitex-clew does. */
function pythonWrites(dbPath: string, script: string, rows: unknown): void {
  const program = `import sqlite3, sys, json\ncon = sqlite3.connect(sys.argv[1])\nrows = json.load(sys.stdin)\n${script}\ncon.commit(); con.close()`;
  execFileSync('python3', ['-c', program, dbPath], { input: JSON.stringify(rows) });
}

/** What a model shows, for comparing an incremental read with a full one. */
function shown(model: ClewModel): unknown {
  return {
    files: [...model.files.values()].map((f) => [f.path, f.verdict, f.sessionId, f.rerun ?? '']).sort(),
    runs: model.runs.map((r) => [r.session_id, r.status, r.files.map((f) => `${f.path}:${f.status}`).sort()]),
    missingFolders: [...model.foldersWithMissing].sort(),
  };
}

test('a store that only grew is read incrementally and shows what a full read shows; anything else is read in full', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  const storePathSetting = path.relative(m.root, m.dbPath);
  const model = new ClewModel({ folder: m.root, storePathSetting });
  after(async () => {
    await model.dispose();
    m.cleanup();
  });
  await model.refresh();
  const fresh = async (): Promise<unknown> => {
    const other = new ClewModel({ folder: m.root, storePathSetting });
    await other.refresh();
    const state = shown(other);
    await other.dispose();
    return state;
  };
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(c));

  // A file changed on disk (narrow), then Python records a run reading it and writing two files:
  // one new, one over an existing output (its deciding row is now the new run's).
  const sourceA = path.join(m.root, '01_source_a_out/source_A.csv');
  fs.appendFileSync(sourceA, 'edited\n');
  await model.refreshFiles([sourceA]);
  const made = path.join(m.root, 'new_out/made.csv');
  const overwritten = path.join(m.root, '08_analyze_out/report.json');
  fs.mkdirSync(path.dirname(made), { recursive: true });
  fs.writeFileSync(made, 'x,y\n1,2\n');
  const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  pythonWrites(m.dbPath, [
    "con.execute(\"INSERT INTO runs (session_id, script_path, started_at, status) VALUES ('2099Y-01M-01D-00h00m00s_NeW1', '', '2099-01-01 00:00:00', 'success')\")",
    "con.executemany(\"INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('2099Y-01M-01D-00h00m00s_NeW1', ?, ?, ?)\", rows)",
  ].join('\n'), [[sourceA, sha(sourceA), 'input'], [made, sha(made), 'output'], [overwritten, sha(overwritten), 'output']]);
  changes.length = 0;
  await model.refreshStore();
  assert.deepEqual(shown(model), await fresh(), 'the incremental read equals a full read');
  assert.equal(model.files.get(made)?.verdict, 'verified');
  assert.equal(model.files.get(sourceA)?.sessionId, '2099Y-01M-01D-00h00m00s_NeW1', 're-recorded as the new run\u2019s input');
  assert.equal(model.runs[0].session_id, '2099Y-01M-01D-00h00m00s_NeW1');
  const reported = changes.flatMap((c) => c.paths);
  assert.ok(reported.includes(made) && reported.includes(sourceA), JSON.stringify(reported));
  assert.ok(reported.length <= 4, `only what the new run touched is reported: ${JSON.stringify(reported)}`);

  // Rows deleted (not a store that only grew): a full read, so the deleted run's files go.
  pythonWrites(m.dbPath, "con.execute(\"DELETE FROM file_hashes WHERE session_id = '2099Y-01M-01D-00h00m00s_NeW1'\"); con.execute(\"DELETE FROM runs WHERE session_id = '2099Y-01M-01D-00h00m00s_NeW1'\")", []);
  await model.refreshStore();
  assert.equal(model.files.has(made), false);
  assert.deepEqual(shown(model), await fresh());
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
