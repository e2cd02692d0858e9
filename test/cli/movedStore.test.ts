/**
 * Stores that moved (issue #14), through `node dist/cli.js`: a fixture copied to another root
 * with its store untouched reads like the relocated copy (same JSON, same exit codes), says so in
 * one stderr line, and leaves the store file byte-identical; `--map` and the config file's
 * `paths.map` reach data kept outside the project; a copy whose recorded paths still exist is
 * not mapped; a partial move still reports its missing files.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise, type Materialised } from '../conformance/fixtures';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const TARGET = '08_analyze_out/report.json';
const env = { ...process.env, SCITEX_CLEW_DB_PATH: '', NO_COLOR: '1' };
const clew = (root: string, args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env });
const notice = (m: Materialised) => `clew: store recorded under ${m.recordedRoot}, read here as ${m.root} (paths mapped; the store is unchanged)`;

function storeBytes(m: Materialised): Buffer[] {
  return [m.dbPath, `${m.dbPath}-wal`].map((p) => (fs.existsSync(p) ? fs.readFileSync(p) : Buffer.alloc(0)));
}

/** Runs `fn` on a moved copy of seq-clean (the recorded root held absent), cleaning up after. */
async function withMoved(fn: (m: Materialised) => void | Promise<void>): Promise<void> {
  const m = materialise('seq-clean', 'moved');
  try {
    await fn(m);
  } finally {
    m.cleanup();
  }
}

/** Moves the project's 01_source_a_out folder outside the project; returns its new place. */
function moveOutside(m: Materialised): { recorded: string; now: string; cleanup(): void } {
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-outside-')));
  const now = path.join(parent, 'raw');
  fs.renameSync(path.join(m.root, '01_source_a_out'), now);
  return { recorded: path.join(m.recordedRoot, '01_source_a_out'), now, cleanup: () => fs.rmSync(parent, { recursive: true, force: true }) };
}

test('a moved store reads like the relocated one: status, chain, dag; one notice; the store unchanged', async () => {
  const relocated = materialise('seq-clean', 'relocated');
  try {
    await withMoved((m) => {
      const before = storeBytes(m);
      for (const args of [['status', '--json'], ['chain', TARGET, '--json'], ['dag', TARGET, '--json']]) {
        const ours = clew(m.root, args);
        const reference = clew(relocated.root, args);
        assert.equal(ours.status, reference.status, `${args[0]}: ${ours.stderr}`);
        assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(reference.stdout.split(relocated.root).join(m.root)), args[0]);
        assert.deepEqual(ours.stderr.trim().split('\n'), [notice(m)], `${args[0]} says so once`);
        assert.equal(reference.stderr, '', 'the relocated store needs no map');
      }
      assert.equal(clew(m.root, ['status']).status, 0, 'verified');
      assert.deepEqual(storeBytes(m), before, 'store file byte-identical');
    });
  } finally {
    relocated.cleanup();
  }
});

test('a partial move still reports the files that are gone', async () => {
  await withMoved((m) => {
    fs.rmSync(path.join(m.root, '04_preprocess_b_out/clean_B.csv'));
    const r = clew(m.root, ['status', '--json']);
    assert.equal(r.status, 11, r.stderr);
    assert.match(r.stderr, /paths mapped/);
    const chain = JSON.parse(clew(m.root, ['chain', TARGET, '--json']).stdout) as { status: string; runs: { files: { path: string; status: string }[] }[] };
    assert.equal(chain.status, 'missing');
    const gone = chain.runs.flatMap((run) => run.files).filter((f) => f.status === 'missing').map((f) => f.path);
    assert.ok(gone.includes(path.join(m.root, '04_preprocess_b_out/clean_B.csv')), gone.join(', '));
  });
});

test('--map OLD=NEW reaches data kept outside the project; detection still maps the rest', async () => {
  await withMoved((m) => {
    const outside = moveOutside(m);
    try {
      assert.equal(clew(m.root, ['status']).status, 11, 'without the map the moved-out data is missing');
      const r = clew(m.root, ['--map', `${outside.recorded}=${outside.now}`, 'status', '--json']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.deepEqual(r.stderr.trim().split('\n'), [
        `clew: store recorded under ${m.recordedRoot}, read here as ${m.root}; ${outside.recorded} read as ${outside.now} (paths mapped; the store is unchanged)`,
      ]);
    } finally {
      outside.cleanup();
    }
  });
});

test('the config file paths.map reaches data kept outside the project', async () => {
  await withMoved((m) => {
    const outside = moveOutside(m);
    try {
      fs.mkdirSync(path.join(m.root, '.scitex/clew'), { recursive: true });
      fs.writeFileSync(path.join(m.root, '.scitex/clew/config.yaml'), `paths:\n  map:\n    ${JSON.stringify(outside.recorded)}: ${JSON.stringify(outside.now)}\n`);
      const r = clew(m.root, ['chain', TARGET, '--json']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'verified');
    } finally {
      outside.cleanup();
    }
  });
});

test('a copy whose recorded paths still exist is not mapped: it reads the original', () => {
  const original = materialise('seq-clean', 'relocated');
  const copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-copy-')));
  try {
    fs.cpSync(original.root, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, TARGET), 'edited in the copy only\n');
    const r = clew(copy, ['status', '--json']);
    assert.equal(r.status, 0, 'the original files, as recorded, are verified');
    assert.equal(r.stderr, '');
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
    original.cleanup();
  }
});

test('a run recorded into a moved store links the runs that wrote its inputs under their old paths', async () => {
  await withMoved((m) => {
    const finalCsv = path.join(m.root, '07_merge_out/final.csv');
    const query = (sql: string) =>
      spawnSync('python3', ['-c', 'import sqlite3,sys,json; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))', m.dbPath, sql], { encoding: 'utf8' });
    const writer = JSON.parse(query(`SELECT session_id FROM file_hashes WHERE file_path = '${path.join(m.recordedRoot, '07_merge_out/final.csv')}' AND role = 'output'`).stdout) as string[][];
    assert.equal(writer.length, 1, 'the fixture recorded final.csv under its old root');
    const r = clew(m.root, ['record', '-i', finalCsv, '-o', 'summary.txt', '--session-id', 'after-the-move', '--', 'sh', '-c', 'wc -l 07_merge_out/final.csv > summary.txt']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /store recorded under .*, read here as .*; this run records the paths it sees/);
    const parents = JSON.parse(query("SELECT parent_session FROM session_parents WHERE session_id = 'after-the-move'").stdout) as string[][];
    assert.deepEqual(parents, [[writer[0][0]]]);
    const row = JSON.parse(query("SELECT parent_session FROM runs WHERE session_id = 'after-the-move'").stdout) as string[][];
    assert.deepEqual(row, [[writer[0][0]]]);
    const recorded = JSON.parse(query("SELECT file_path FROM file_hashes WHERE session_id = 'after-the-move' ORDER BY role").stdout) as string[][];
    assert.deepEqual(recorded, [[finalCsv], [path.join(m.root, 'summary.txt')]], 'new rows hold the real, current paths');
    // The chain behind the new output now reaches back through the old runs.
    const chain = clew(m.root, ['chain', 'summary.txt', '--json']);
    assert.ok((JSON.parse(chain.stdout) as { runs: unknown[] }).runs.length >= 2, chain.stdout);
  });
});

test('adding a claim again in a moved store replaces it (same id) instead of adding a twin under the new path', async () => {
  await withMoved((m) => {
    const count = () => spawnSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM claims").fetchone()[0])', m.dbPath], { encoding: 'utf8' }).stdout.trim();
    const before = count();
    const r = clew(m.root, ['claims', 'add', '--file', 'paper.tex', '--type', 'value', '--line', '12', '--value', 'overall mean = 71.1627', '--source', '08_analyze_out/report.json', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const claim = JSON.parse(r.stdout) as { claim_id: string; file_path: string };
    assert.equal(claim.claim_id, 'claim_aca6cd358199', 'the id recorded under the old root');
    assert.equal(claim.file_path, path.join(m.root, 'paper.tex'));
    assert.equal(count(), before);
  });
});
