/**
 * Recording from many nodes: runs recorded with `clew record --spool` (as hosts with their own
 * names, SCITEX_CLEW_HOST) and with `clew spool -- CMD` land in incoming/ as whole stores, never in
 * the main store; `clew ingest` merges each session exactly once (a second ingest adds nothing),
 * the main store stays intact, and a foreign file is refused without stopping the others.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { clew, newProject, query, tempBase, write } from '../support/recordedProject';

const INCOMING = '.scitex/clew/runtime/incoming';

describe('clew record --spool, clew spool and clew ingest', () => {
  let base: string;
  let root: string;
  before(() => {
    base = tempBase('clew-spool-');
    root = newProject(base, 'proj');
    write(root, 'make.sh', 'cat in.txt > "out $1.txt"\n');
    write(root, 'in.txt', 'data\n');
    // A main store to merge into, with one run of its own.
    const first = clew(root, ['record', '--session-id', 'main-1', '--input', 'in.txt', '--output', 'out 0.txt', '--', 'sh', 'make.sh', '0']);
    assert.equal(first.status, 0, first.stderr);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('spooled runs wait in incoming/, not in the store', () => {
    for (let i = 1; i <= 4; i++) {
      const r = clew(root, ['record', '--spool', '--session-id', `spool-${i}`, '--input', 'in.txt', '--output', `out ${i}.txt`, '--', 'sh', 'make.sh', String(i)], { SCITEX_CLEW_HOST: `node${i % 2}` });
      assert.equal(r.status, 0, r.stderr);
    }
    const waiting = fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db'));
    assert.equal(waiting.length, 4, waiting.join(', '));
    assert.ok(waiting.every((f) => !f.startsWith('.partial')), 'only complete stores are named as such');
    assert.deepEqual(query<{ n: number }>(root, "SELECT COUNT(*) AS n FROM runs WHERE session_id LIKE 'spool-%'").map((r) => r.n), [0]);
    const status = clew(root, ['status']);
    assert.match(status.stderr, /4 handed-over stores? wait/);
  });

  test('clew spool -- CMD hands over what the command recorded through SCITEX_CLEW_DB_PATH', () => {
    // A stand-in for a scitex-clew script: it records into whatever store the variable names.
    const r = clew(root, ['spool', '--', process.execPath, path.join(__dirname, '../../../dist/cli.js'), 'record', '--session-id', 'spool-py', '--input', 'in.txt', '--output', 'out 9.txt', '--', 'sh', 'make.sh', '9']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db')).length, 5);
  });

  test('ingest merges every session once, keeps hosts, and a second ingest adds nothing', () => {
    write(root, `${INCOMING}/foreign.clew.db`, 'not a database at all');
    const r = clew(root, ['ingest', '--json']);
    const sessions = query<{ session_id: string }>(root, 'SELECT session_id FROM runs ORDER BY session_id').map((s) => s.session_id);
    assert.deepEqual(sessions, ['main-1', 'spool-1', 'spool-2', 'spool-3', 'spool-4', 'spool-py'], `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr + r.stdout, /foreign\.clew\.db/, 'the refused file is named');
    const hosts = new Set(query<{ host: string }>(root, "SELECT DISTINCT host FROM file_hashes WHERE session_id LIKE 'spool-_'").map((h) => h.host));
    assert.deepEqual([...hosts].sort(), ['node0', 'node1']);
    assert.deepEqual(query<{ integrity_check: string }>(root, 'PRAGMA integrity_check').map((x) => x.integrity_check), ['ok']);
    const again = clew(root, ['ingest', '--json']);
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n, 6, again.stderr);
    const verified = clew(root, ['status']);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  });
});

describe('clew ingest: the main store it writes', () => {
  let base: string;
  before(() => {
    base = tempBase('clew-ingest-main-');
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  /** A handed-over store as an old scitex-clew writes it: no size_bytes/frozen/host, no provenance. */
  function narrowStore(root: string, sessionId: string): void {
    const file = path.join(root, INCOMING, `old_1_${sessionId}.clew.db`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE runs (session_id TEXT PRIMARY KEY, script_path TEXT, script_hash TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT, exit_code INTEGER, parent_session TEXT, combined_hash TEXT, metadata TEXT)")
c.execute("CREATE TABLE file_hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, file_path TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL, recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE(session_id, file_path, role))")
c.execute("INSERT INTO runs (session_id, status, exit_code) VALUES (?, 'success', 0)", (sys.argv[2],))
c.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES (?, '/x', 'ab', 'output')", (sys.argv[2],))
c.commit()`, file, sessionId]);
  }

  test('a new main store gets the full schema even when the first store merged is a narrow one', () => {
    const root = newProject(base, 'fresh');
    write(root, 'in.txt', 'x\n');
    narrowStore(root, 'aaa-old');
    const rec = clew(root, ['record', '--spool', '--session-id', 'zzz-new', '--input', 'in.txt', '--output', 'o.txt', '--', 'sh', '-c', 'cat in.txt > o.txt'], { SCITEX_CLEW_HOST: 'nodeZ' });
    assert.equal(rec.status, 0, rec.stderr);
    const r = clew(root, ['ingest']);
    assert.equal(r.status, 0, r.stderr);
    const columns = query<{ name: string }>(root, 'PRAGMA table_info(file_hashes)').map((c) => c.name);
    for (const c of ['size_bytes', 'frozen', 'host']) assert.ok(columns.includes(c), columns.join(','));
    assert.deepEqual(query<{ host: string | null }>(root, "SELECT host FROM file_hashes WHERE session_id = 'zzz-new' AND role = 'input'").map((h) => h.host), ['nodeZ']);
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n, 2);
  });

  test('a foreign database as the main store is refused, unchanged, and the stores keep waiting', () => {
    const root = newProject(base, 'foreign');
    const db = path.join(root, '.scitex/clew/runtime/clew.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    execFileSync('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("CREATE TABLE notes (x TEXT)")\nc.commit()', db]);
    const before = fs.readFileSync(db);
    narrowStore(root, 'waiting');
    const r = clew(root, ['ingest']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /not a Clew\/scitex-clew store/);
    assert.ok(fs.readFileSync(db).equals(before), 'the foreign file is byte-identical');
    assert.equal(fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db')).length, 1);
  });
});
