/**
 * What the fast read path (bench/store.ts) relies on, against python's sqlite3 as the reference:
 * the WAL overlaid on our own copy of the main file (growing, rewriting and shrinking the database),
 * the statement cache, the sort-free newest producer, the "not under the project" range search
 * of the moved-store check — and that none of it ever writes the store.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { openStore } from '../../../src/engine/store/open';
import { recordedPaths } from '../../../src/engine/store/pathMap';
import { trySnapshot } from '../../../src/engine/store/walSnapshot';
import { coreSchemaOps } from '../../../src/engine/store/schema';
import type { SqlValue, StoreView } from '../../../src/engine/store/types';
import { listRuns, newestProducer, verifyChain, verifyStatus } from '../../../src/engine/verify';

const tmpRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-snapshot-queries-')));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let counter = 0;
function scratch(): string {
  const dir = path.join(tmpRoot, String(counter++));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const DDL = coreSchemaOps()
  .map((op) => op.sql)
  .filter((sql) => /^\s*CREATE/i.test(sql));

/**
 * Builds a store whose last transactions live only in its -wal (copied while python still holds
 * the database open, so nothing is checkpointed): `grow` appends pages, `rewrite` changes pages of
 * the main file in place, `shrink` vacuums into a smaller database than the main file.
 */
const PY_WAL_STORE = `
import sqlite3, sys, shutil, json
db, dest, mode, ddl = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
for stmt in ddl: con.execute(stmt)
def add(first, n):
    con.execute("BEGIN")
    for i in range(first, first + n):
        con.execute("INSERT INTO runs (session_id, script_path, started_at, status) VALUES (?, ?, ?, 'success')", ("s%05d" % i, "/p/s%d.py" % i, "2026-01-01 00:00:%02d" % (i % 60)))
        con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES (?, ?, ?, 'output')", ("s%05d" % i, "/p/out%05d.bin" % i, "%064x" % i))
    con.execute("COMMIT")
add(0, 2000)
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA wal_autocheckpoint=0")
if mode == "grow": add(2000, 2000)
elif mode == "rewrite": con.execute("UPDATE file_hashes SET hash = 'changed' WHERE id % 7 = 0")
elif mode == "shrink":
    con.execute("DELETE FROM file_hashes WHERE id > 100"); con.execute("DELETE FROM runs WHERE session_id > 's00100'"); con.execute("VACUUM")
shutil.copy(db, dest); shutil.copy(db + "-wal", dest + "-wal")
con.close()
`;

const PY_DUMP = `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
print(json.dumps([[r for r in con.execute(q)] for q in sys.argv[2:]]))
`;

const DUMP_QUERIES = ['SELECT session_id, script_path, started_at FROM runs ORDER BY session_id', 'SELECT id, session_id, file_path, hash FROM file_hashes ORDER BY id'];

function sha(file: string): string {
  return execFileSync('sha256sum', [file]).toString().split(' ')[0];
}

for (const mode of ['grow', 'rewrite', 'shrink']) {
  test(`a WAL that ${mode}s the database: the snapshot reads what sqlite3 reads, the files untouched`, async () => {
    const dir = scratch();
    const db = path.join(dir, 'clew.db');
    execFileSync('python3', ['-c', PY_WAL_STORE, path.join(dir, 'work.db'), db, mode, JSON.stringify(DDL)]);
    const mainBytes = fs.statSync(db).size;
    const before = [sha(db), sha(`${db}-wal`)];
    assert.ok(fs.statSync(`${db}-wal`).size > 0, 'the last transaction lives only in the -wal');
    const store = await openStore(db, { readOnly: true });
    const view = await store.snapshot();
    const ours = DUMP_QUERIES.map((q) => view.all(q).map((r) => Object.values(r)));
    await store.close();
    assert.deepEqual([sha(db), sha(`${db}-wal`)], before, 'reading never modifies the store');
    // python applies (and then checkpoints) the WAL itself: a second copy keeps ours untouched.
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(db, copy);
    fs.copyFileSync(`${db}-wal`, `${copy}-wal`);
    const reference = JSON.parse(execFileSync('python3', ['-c', PY_DUMP, copy, ...DUMP_QUERIES]).toString()) as unknown[][][];
    assert.deepEqual(ours, reference);
    const pages = view.get<{ n: number }>('SELECT page_count AS n FROM pragma_page_count()')?.n ?? 0;
    const pageSize = view.get<{ n: number }>('SELECT page_size AS n FROM pragma_page_size()')?.n ?? 0;
    if (mode === 'grow') assert.ok(pages * pageSize > mainBytes, 'the database grew past the main file');
    if (mode === 'shrink') assert.ok(pages * pageSize < mainBytes, 'the database is smaller than the main file');
  });
}

const PY_ROWS_STORE = `
import sqlite3, sys, json
db, ddl, rows, after = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
con = sqlite3.connect(db)
for stmt in ddl: con.execute(stmt)
value = lambda v: bytes.fromhex(v["blob"]) if isinstance(v, dict) else v
for i, s in enumerate(dict.fromkeys(r[0] for r in rows)):
    con.execute("INSERT INTO runs (session_id, started_at, status) VALUES (?, ?, 'success')", (s, "2026-01-01 00:00:%02d" % i))
for s, p, role, at in rows:
    con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role, recorded_at) VALUES (?, ?, ?, ?, ?)", (s, p, "h-%s-%s" % (s, p), role, value(at)))
for stmt in after: con.execute(stmt)
con.commit(); con.close()
`;

type RowSpec = readonly [session: string, filePath: string, role: string, recordedAt: SqlValue];

/** A store with the upstream DDL written by python's sqlite3 (rollback journal), one run per session. */
function storeWith(rows: readonly RowSpec[], dir = scratch(), after: readonly string[] = []): string {
  const db = path.join(dir, 'clew.db');
  const json = rows.map(([s, p, role, at]) => [s, p, role, at instanceof Uint8Array ? { blob: Buffer.from(at).toString('hex') } : at]);
  execFileSync('python3', ['-c', PY_ROWS_STORE, db, JSON.stringify(DDL), JSON.stringify(json), JSON.stringify(after)]);
  return db;
}

test('newestProducer picks the row ORDER BY recorded_at DESC, id DESC LIMIT 1 picks', async () => {
  const rows: RowSpec[] = [
    // equal timestamps: the later row wins
    ['a1', '/p/tie', 'output', '2026-01-01 00:00:00'],
    ['a2', '/p/tie', 'output', '2026-01-01 00:00:00'],
    ['a0', '/p/tie', 'output', '2025-12-31 23:59:59'],
    // NULL sorts first, so any timestamp beats it; among NULLs the later row
    ['b1', '/p/null', 'output', '2026-01-01 00:00:00'],
    ['b2', '/p/null', 'output', null],
    ['c1', '/p/nulls', 'output', null],
    ['c2', '/p/nulls', 'output', null],
    // text compares as UTF-8 bytes: U+1F600 (a surrogate pair in JS) after U+FFFD
    ['d1', '/p/utf8', 'output', '2026 \u{1F600}'],
    ['d2', '/p/utf8', 'output', '2026 \uFFFD'],
    ['d3', '/p/utf8', 'output', '2026 \u00e9'],
    // numbers and blobs: SQLite decides (numbers sort before text)
    ['e1', '/p/mixed', 'output', 20260101],
    ['e2', '/p/mixed', 'output', '2026-01-01'],
    ['e3', '/p/mixed', 'output', 3.5],
    ['f1', '/p/blob', 'output', new Uint8Array([1, 2])],
    ['f2', '/p/blob', 'output', '2026'],
    // inputs never produce; the excluded session is skipped
    ['g1', '/p/role', 'output', '2026-01-01 00:00:00'],
    ['g2', '/p/role', 'input', '2026-01-02 00:00:00'],
  ];
  const db = storeWith(rows);
  const store = await openStore(db, { readOnly: true });
  try {
    const view = await store.snapshot();
    const sorted = (p: string, exclude = '') =>
      view.get<{ session_id: string }>(
        "SELECT session_id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ? ORDER BY recorded_at DESC, id DESC LIMIT 1",
        [p, exclude],
      )?.session_id;
    for (const p of [...new Set(rows.map((r) => r[1]))]) {
      assert.equal(newestProducer(view, p), sorted(p), p);
      const first = sorted(p);
      if (first) assert.equal(newestProducer(view, p, first), sorted(p, first), `${p} without ${first}`);
    }
    assert.equal(newestProducer(view, '/p/tie'), 'a2');
    assert.equal(newestProducer(view, '/p/null'), 'b1');
    assert.equal(newestProducer(view, '/p/nulls'), 'c2');
    assert.equal(newestProducer(view, '/p/utf8'), 'd1');
    assert.equal(newestProducer(view, '/p/role'), 'g1');
    assert.equal(newestProducer(view, '/p/none'), undefined);
  } finally {
    await store.close();
  }
});

test('the statement cache: more statements than it keeps, and failing ones, give the same answers', async () => {
  const db = storeWith([['s1', '/p/a', 'output', '2026-01-01 00:00:00']]);
  const store = await openStore(db, { readOnly: true });
  try {
    const view: StoreView = await store.snapshot();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) assert.deepEqual(view.all(`SELECT ? + ${i} AS v`, [round]), [{ v: round + i }]);
      assert.throws(() => view.all('SELECT abs(-9223372036854775808)'), /overflow/);
      assert.throws(() => view.all('SELECT * FROM no_such_table'), /no such table/);
      assert.deepEqual(view.all('SELECT session_id FROM runs WHERE session_id = ?', ['s1']), [{ session_id: 's1' }]);
      assert.deepEqual(view.all('SELECT session_id FROM runs WHERE session_id = ?', ['nope']), []);
    }
  } finally {
    await store.close();
  }
});

for (const indexed of [true, false]) {
  test(`paths not under the project (${indexed ? 'index range searches' : 'no index: one scan'}): the project and only it is skipped`, () => {
    const root = '/a/proj';
    const inside = ['/a/proj/x.csv', '/a/proj/sub/y.csv', '/a/proj'];
    const outside = ['/a/proj-2/y.csv', '/a/proj0/z.csv', '/a/projx', '/a/pro', '/b/c.csv', '/a/proj.d/e', '/a/proj\u00e9/f'];
    const all = [...inside, ...outside];
    // Scripts too: runs.script_path has no index in the upstream schema.
    const scripts = all.map((p, i) => `UPDATE runs SET script_path = '${p}/run.py' WHERE session_id = 's${i}'`);
    const db = storeWith(
      all.map((p, i): RowSpec => [`s${i}`, p, 'output', null]),
      scratch(),
      [...scripts, ...(indexed ? [] : ['DROP INDEX idx_file_path'])],
    );
    return (async () => {
      const store = await openStore(db, { readOnly: true });
      try {
        const view = await store.snapshot();
        const expected = [...outside, ...outside.map((p) => `${p}/run.py`)].sort();
        assert.deepEqual(recordedPaths(view, root).sort(), expected);
        assert.deepEqual(recordedPaths(view, `${root}/`).sort(), expected);
        assert.deepEqual(recordedPaths(view).sort(), [...all, ...all.map((p) => `${p}/run.py`)].sort());
        assert.deepEqual(recordedPaths(view, '/').sort(), [], 'everything is under /');
      } finally {
        await store.close();
      }
    })();
  });
}

test('chain, status and list never write the store, also with the moved-store check on', async () => {
  const project = path.join(scratch(), 'proj');
  const runtime = path.join(project, '.scitex', 'clew', 'runtime');
  fs.mkdirSync(runtime, { recursive: true });
  const rows: RowSpec[] = [];
  for (let s = 0; s < 30; s++) {
    if (s > 0) rows.push([`s${s}`, path.join(project, `f${s - 1}.bin`), 'input', `2026-01-01 00:00:${String(s).padStart(2, '0')}`]);
    rows.push([`s${s}`, path.join(project, `f${s}.bin`), 'output', `2026-01-01 00:00:${String(s).padStart(2, '0')}`]);
  }
  const db = storeWith(rows, runtime);
  const before = fs.readFileSync(db);
  const mtime = fs.statSync(db).mtimeMs;
  const store = await openStore(db, { readOnly: true, pathMap: { currentRoot: project } });
  const hasher = createFileHasher({ useCache: false, concurrency: 1 });
  try {
    const view = await store.snapshot();
    const chain = await verifyChain({ view, hasher }, path.join(project, 'f29.bin'));
    assert.equal(chain.runs.length, 30);
    assert.deepEqual(chain.runs.map((r) => r.session_id).slice(0, 3), ['s0', 's1', 's2'], 'roots first');
    await verifyStatus({ view, hasher }, 10);
    listRuns(view, { limit: 5 });
  } finally {
    await hasher.dispose();
    await store.close();
  }
  assert.ok(fs.readFileSync(db).equals(before), 'the store file is byte-for-byte unchanged');
  assert.equal(fs.statSync(db).mtimeMs, mtime);
  assert.deepEqual(fs.readdirSync(runtime).filter((f) => f.startsWith('clew.db')), ['clew.db'], 'no -wal, -shm or -journal appeared');
});

test('a WAL deleted and started anew during the read is not taken for the same generation', () => {
  const dir = scratch();
  const db = path.join(dir, 'clew.db');
  execFileSync('python3', ['-c', PY_WAL_STORE, path.join(dir, 'work.db'), db, 'grow', JSON.stringify(DDL)]);
  const walBefore = fs.statSync(`${db}-wal`).ino;
  // What a python writer does when it is the last connection: checkpoint and delete the -wal; the
  // next one starts a new -wal (another file), commits, and checkpoints it into the main file too.
  const writer = `
import sqlite3, sys
sqlite3.connect(sys.argv[1]).close()
con = sqlite3.connect(sys.argv[1]); con.execute("PRAGMA journal_mode=WAL")
con.execute("INSERT INTO runs (session_id, started_at, status) VALUES ('late', '2026-02-01', 'success')"); con.commit()
con.execute("PRAGMA wal_checkpoint(FULL)"); con.close()
`;
  let acted = false;
  const image = trySnapshot(db, {
    beforeMainRead: () => {
      execFileSync('python3', ['-c', writer, db]);
      acted = true;
    },
  });
  assert.ok(acted);
  assert.equal(image, undefined, 'the old descriptor still shows the old header: the attempt is rejected');
  assert.ok(!fs.existsSync(`${db}-wal`) || fs.statSync(`${db}-wal`).ino !== walBefore);
  return (async () => {
    const store = await openStore(db, { readOnly: true });
    try {
      const view = await store.snapshot();
      assert.equal(view.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE session_id = 'late'")?.n, 1, 'the retry sees the new commit');
      assert.equal(view.get<{ ok: string }>('SELECT integrity_check AS ok FROM pragma_integrity_check()')?.ok, 'ok');
    } finally {
      await store.close();
    }
  })();
});
