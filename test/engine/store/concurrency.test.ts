/**
 * Nothing lost, never corrupt: 8 python3 writers (stdlib sqlite3 opened as upstream does: WAL,
 * synchronous NORMAL, busy_timeout) and 4 `clew record` processes write one store at the same time
 * while a reader polls snapshots. Afterwards every row of every writer is present and
 * `PRAGMA integrity_check` is ok; the reader never errors and never sees the count go backwards.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../../src/engine/store/open';
import { CLI } from '../../support/repo';

const PY_WRITERS = 8;
const PY_ROWS = 40;
const CLEW_WRITERS = 4;
const CLEW_RUNS_EACH = 3;

const PY_WRITER = `
import sqlite3, sys, time
db, writer, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(rows):
    con = sqlite3.connect(db, timeout=60)
    con.execute("PRAGMA busy_timeout = 300000")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    sid = "py-%s-%03d" % (writer, i)
    con.execute("INSERT OR REPLACE INTO runs (session_id, script_path, started_at, status) VALUES (?, '', '2026-01-01T00:00:00', 'running')", (sid,))
    con.execute("INSERT OR REPLACE INTO file_hashes (session_id, file_path, hash, role) VALUES (?, ?, ?, 'output')", (sid, "/data/%s.csv" % sid, "ab" * 32))
    con.commit()
    if i % 7 == 0:
        con.execute("PRAGMA wal_checkpoint(PASSIVE)")
    con.close()
`;

function run(cmd: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(0) : reject(new Error(`${cmd} ${args.join(' ')} → ${code}: ${stderr}`))));
  });
}

test('8 python writers + 4 clew record processes + a polling reader', { timeout: 300_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-concurrency-'));
  try {
    fs.mkdirSync(path.join(root, '.git'));
    const db = path.join(root, '.scitex', 'clew', 'runtime', 'clew.db');
    // Create the schema first with clew itself, so both kinds of writers share it from the start.
    fs.writeFileSync(path.join(root, 'seed.txt'), 'seed');
    execFileSync(process.execPath, [CLI, 'record', '--output', 'seed.txt', '--', 'true'], { cwd: root, stdio: 'ignore' });

    const store = await openStore(db);
    let polling = true;
    let last = 0;
    let polls = 0;
    const reader = (async () => {
      while (polling) {
        const view = await store.snapshot();
        const n = view.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs')?.n ?? 0;
        assert.ok(n >= last, `run count went backwards: ${last} → ${n}`);
        last = n;
        polls++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const writers: Promise<number>[] = [];
    for (let w = 0; w < PY_WRITERS; w++) writers.push(run('python3', ['-c', PY_WRITER, db, String(w), String(PY_ROWS)], root));
    for (let w = 0; w < CLEW_WRITERS; w++) {
      writers.push(
        (async () => {
          for (let i = 0; i < CLEW_RUNS_EACH; i++) {
            const out = `out-${w}-${i}.txt`;
            await run(process.execPath, [CLI, 'record', '--session-id', `clew-${w}-${i}`, '--output', out, '--', 'sh', '-c', `echo ${w}-${i} > ${out}`], root);
          }
          return 0;
        })(),
      );
    }
    await Promise.all(writers);
    polling = false;
    await reader;
    assert.ok(polls > 0);

    const view = await store.snapshot();
    const count = (sql: string) => view.get<{ n: number }>(sql)?.n;
    assert.equal(count("SELECT COUNT(*) AS n FROM runs WHERE session_id LIKE 'py-%'"), PY_WRITERS * PY_ROWS);
    assert.equal(count("SELECT COUNT(*) AS n FROM file_hashes WHERE session_id LIKE 'py-%'"), PY_WRITERS * PY_ROWS);
    assert.equal(count("SELECT COUNT(*) AS n FROM runs WHERE session_id LIKE 'clew-%' AND status = 'success' AND combined_hash IS NOT NULL"), CLEW_WRITERS * CLEW_RUNS_EACH);
    assert.equal(count("SELECT COUNT(*) AS n FROM file_hashes WHERE session_id LIKE 'clew-%' AND role = 'output'"), CLEW_WRITERS * CLEW_RUNS_EACH);
    await store.close();
    const integrity = execFileSync('python3', ['-c', 'import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])', db]).toString().trim();
    assert.equal(integrity, 'ok');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
