/**
 * The store against real SQLite files: fixtures (WAL, legacy migration), bad input, and the
 * read-your-writes contract. Concurrency lives in concurrency.test.ts.
 */
import { describe, test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { locateStore } from '../../../src/engine/store/locate';
import { openStore } from '../../../src/engine/store/open';
import { coreSchemaOps } from '../../../src/engine/store/schema';
import { FIXTURES_DIR, findStoreFile } from '../../conformance/fixtures';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-store-test-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let counter = 0;
function scratch(name = 'case'): string {
  const dir = path.join(tmpRoot, `${counter++} ${name}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
function copyWorkspace(scenario: string): string {
  const dest = path.join(scratch(scenario), 'ws');
  fs.cpSync(path.join(FIXTURES_DIR, scenario, 'workspace'), dest, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', dest]);
  return dest;
}
interface Dump {
  tables: Record<string, { rows: unknown[] }>;
}
function dumpCounts(scenario: string): Record<string, number> {
  const dump = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, scenario, 'db_dump.json'), 'utf8')) as Dump;
  return Object.fromEntries(Object.entries(dump.tables).map(([t, v]) => [t, v.rows.length]));
}
async function assertClewError(promise: Promise<unknown>, code: string, fileHint: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ClewError, `expected ClewError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.ok(err.message.includes(fileHint), `message names the file: ${err.message}`);
    return true;
  });
}
function sha(file: string): string {
  return execFileSync('sha256sum', [file]).toString().split(' ')[0];
}

describe('reading fixture stores', () => {
  const scenarios = fs.readdirSync(FIXTURES_DIR).filter((s) => fs.existsSync(path.join(FIXTURES_DIR, s, 'db_dump.json')));
  for (const scenario of scenarios) {
    test(`${scenario}: every table has the dumped row count`, async () => {
      const ws = copyWorkspace(scenario);
      const store = await openStore(findStoreFile(ws));
      const view = await store.snapshot();
      for (const [table, count] of Object.entries(dumpCounts(scenario))) {
        if (table === 'sqlite_sequence') continue;
        assert.equal((view.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`) as { n: number }).n, count, `${scenario}.${table}`);
      }
      await store.close();
    });
  }

  test('seq-wal-uncheckpointed: committed rows that live only in the -wal are seen, files untouched', async () => {
    const ws = copyWorkspace('seq-wal-uncheckpointed');
    const db = findStoreFile(ws);
    const before = [sha(db), sha(`${db}-wal`)];
    const store = await openStore(db);
    const view = await store.snapshot();
    assert.equal(view.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n, 9);
    assert.equal(view.get<{ n: number }>('SELECT COUNT(*) AS n FROM claims')?.n, 6);
    assert.equal(view.get<{ n: number }>('SELECT COUNT(*) AS n FROM stamps')?.n, 1);
    assert.deepEqual([sha(db), sha(`${db}-wal`)], before, 'reading never modifies the store');
    await store.close();
  });
});

describe('legacy store migration (spec §2.1)', () => {
  for (const scenario of ['legacy-v07-truncated', 'legacy-real-schema0']) {
    test(`${scenario}: moved to runtime/clew.db with its rows, leftovers removed`, async () => {
      const ws = copyWorkspace(scenario);
      const legacy = findStoreFile(ws);
      assert.notEqual(path.basename(legacy), 'clew.db');
      const located = locateStore({ cwd: ws, env: {} });
      assert.equal(located.dbPath, path.join(ws, '.scitex/clew/runtime/clew.db'));
      assert.ok(fs.existsSync(located.dbPath));
      assert.ok(!fs.existsSync(legacy) && !fs.existsSync(`${legacy}-wal`) && !fs.existsSync(`${legacy}-shm`));
      const store = await openStore(located.dbPath);
      const view = await store.snapshot();
      assert.equal(view.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n, dumpCounts(scenario).runs);
      await store.close();
    });
  }

  test('explicit path and SCITEX_CLEW_DB_PATH win and never migrate', () => {
    const ws = copyWorkspace('legacy-v07-truncated');
    const legacy = findStoreFile(ws);
    assert.equal(locateStore({ cwd: ws, explicit: 'x y.db', env: {} }).dbPath, path.join(ws, 'x y.db'));
    assert.equal(locateStore({ cwd: ws, env: { SCITEX_CLEW_DB_PATH: '/tmp/elsewhere.db' } }).source, 'env');
    assert.ok(fs.existsSync(legacy), 'legacy store left alone');
  });

  test('project root is the nearest folder with .git or pyproject.toml', () => {
    const root = scratch('root');
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '');
    const deep = path.join(root, 'a', 'b c', 'ü');
    fs.mkdirSync(deep, { recursive: true });
    assert.equal(locateStore({ cwd: deep, env: {} }).projectRoot, root);
  });
});

describe('bad stores get a clear error and are never modified', () => {
  const cases: [string, (file: string) => void, string][] = [
    ['empty file', (f) => fs.writeFileSync(f, ''), 'store-corrupt'],
    ['text file', (f) => fs.writeFileSync(f, 'hello, I am not a database\n'.repeat(50)), 'store-corrupt'],
    ['random bytes with an SQLite header', (f) => fs.writeFileSync(f, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 7)])), 'store-corrupt'],
    [
      'truncated fixture store',
      (f) => {
        const full = fs.readFileSync(findStoreFile(path.join(FIXTURES_DIR, 'seq-clean', 'workspace')));
        fs.writeFileSync(f, full.subarray(0, Math.floor(full.length / 2) + 100));
      },
      'store-corrupt',
    ],
    ['foreign schema', (f) => execFileSync('python3', ['-c', 'import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);c.execute("create table invoices(id, total)");c.commit()', f]), 'store-foreign'],
  ];
  for (const [name, make, code] of cases) {
    test(name, async () => {
      const file = path.join(scratch(name), 'odd "name" <script>.db');
      make(file);
      const before = sha(file);
      await assertClewError(
        openStore(file).then((s) => s.snapshot()),
        code,
        file,
      );
      assert.equal(sha(file), before, 'file unchanged');
      assert.ok(!fs.existsSync(`${file}-wal`), 'no -wal created');
    });
  }

  test('missing store and a directory in its place', async () => {
    const dir = scratch('missing');
    await assertClewError(openStore(path.join(dir, 'nope.db')), 'store-missing', 'nope.db');
    await assertClewError(openStore(dir), 'store-corrupt', dir);
  });

  test('read-only open refuses writes with a clear error', async () => {
    const ws = copyWorkspace('seq-clean');
    const store = await openStore(findStoreFile(ws), { readOnly: true });
    await assertClewError(store.write([{ sql: 'DELETE FROM runs' }]), 'store-readonly', 'clew.db');
    assert.equal((await store.snapshot()).get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n, 9);
  });

  test('a store locked by another process: reads go on, writes wait then fail with store-busy', async () => {
    const ws = copyWorkspace('seq-clean');
    const db = findStoreFile(ws);
    const locker = spawn('python3', [
      '-c',
      'import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute("BEGIN IMMEDIATE")\nc.execute("INSERT INTO runs(session_id) VALUES (\'locker\')")\nprint("locked",flush=True)\ntime.sleep(120)',
      db,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        locker.stdout.once('data', () => resolve());
        locker.once('exit', (code) => reject(new Error(`locker exited ${code}`)));
      });
      const store = await openStore(db, { busyTimeoutMs: 300 });
      assert.equal((await store.snapshot()).get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n, 9);
      await assertClewError(store.write([{ sql: "INSERT INTO runs(session_id) VALUES ('ours')" }]), 'store-busy', 'clew.db');
      await store.close();
    } finally {
      locker.kill('SIGKILL');
    }
  });
});

describe('writes', () => {
  test('create a new store with the upstream schema; read-your-writes; python sees our rows', async () => {
    const db = path.join(scratch('new'), 'sub dir', 'clew.db');
    const store = await openStore(db, { create: true });
    assert.equal((await store.snapshot()).hasTable('runs'), false);
    await store.write(coreSchemaOps());
    await store.write([{ sql: "INSERT INTO runs (session_id, script_path, status) VALUES (?, ?, 'running')", params: ['s-ü "1"', '/x/<script>.py'] }]);
    const view = await store.snapshot();
    assert.equal(view.get<{ script_path: string }>('SELECT script_path FROM runs WHERE session_id = ?', ['s-ü "1"'])?.script_path, '/x/<script>.py');
    assert.ok(view.hasColumn('file_hashes', 'host'));
    await store.close();
    const pyRows = execFileSync('python3', ['-c', 'import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute("select session_id from runs").fetchall())', db]).toString();
    assert.match(pyRows, /s-ü "1"/);
    const mode = execFileSync('python3', ['-c', 'import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute("pragma journal_mode").fetchone()[0])', db]).toString().trim();
    assert.equal(mode, 'wal');
  });

  test('schema ops are idempotent on an upstream store (migrations re-run safely)', async () => {
    const ws = copyWorkspace('legacy-real-schema0');
    const store = await openStore(locateStore({ cwd: ws, env: {} }).dbPath);
    await store.write(coreSchemaOps());
    await store.write(coreSchemaOps());
    const view = await store.snapshot();
    for (const col of ['size_bytes', 'frozen', 'host']) assert.ok(view.hasColumn('file_hashes', col), col);
    assert.ok(view.hasColumn('runs', 'provenance'));
    await store.close();
  });

  test('a failing transaction writes nothing', async () => {
    const ws = copyWorkspace('seq-clean');
    const store = await openStore(findStoreFile(ws));
    await assert.rejects(store.write([{ sql: "DELETE FROM runs" }, { sql: 'INSERT INTO no_such_table VALUES (1)' }]));
    assert.equal((await store.snapshot()).get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n, 9);
    await store.close();
  });
});
