/**
 * `clew status` costs, each against a baseline measured in the same run:
 *   1. 10,000 recorded files (1 GB at scale 1): warm stat cache vs --rehash (target ≥ 50×, same verdicts)
 *   2. a synthetic store of 10,000 runs / 100,000 file rows: our status queries on the sql.js
 *      snapshot vs python3's sqlite3 running the same queries (target within 2× per query)
 *   3. snapshot load time and resident memory for 100,000 runs / 1,000,000 file rows vs python3
 *      (targets: load within 2×, RSS ≤ 3× the store size)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileHasher } from '../src/engine/hash/fileHasher';
import { openStore } from '../src/engine/store/open';
import { verifyStatus } from '../src/engine/verify';
import { dataDir, report, SCALE, timed, UPSTREAM_SCHEMA_SQL } from './common';

const MAKE_STORE = `
import sqlite3, sys, os, hashlib
db, runs, files_per_run, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if os.path.exists(db): os.remove(db)
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.executescript('''${UPSTREAM_SCHEMA_SQL}''')
for r in range(runs):
    sid = "2026Y-01M-01D-00h00m00s_%06d" % r
    con.execute("INSERT INTO runs VALUES (?, '', NULL, ?, NULL, 'success', 0, NULL, NULL, NULL, 'tracked', NULL)", (sid, "2026-01-01T00:00:00.%06d" % r))
    con.executemany("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES (?, ?, ?, ?)",
        [(sid, "%s/f%d_%d.bin" % (root, r, k), hashlib.sha256(b"%d-%d" % (r, k)).hexdigest(), "input" if k % 2 else "output") for k in range(files_per_run)])
con.commit(); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
`;

const PY_QUERIES = `
import sqlite3, sys, time, resource
db = sys.argv[1]
t = time.perf_counter(); con = sqlite3.connect(db)
runs = con.execute("SELECT session_id FROM runs ORDER BY started_at DESC LIMIT 1000").fetchall()
ids = [r[0] for r in runs]
rows = 0
for i in range(0, len(ids), 500):
    chunk = ids[i:i+500]
    rows += len(con.execute("SELECT session_id, file_path, hash, role, frozen FROM file_hashes WHERE session_id IN (%s) AND +role IN ('input','output') ORDER BY CASE role WHEN 'input' THEN 0 ELSE 1 END, id" % ",".join("?"*len(chunk)), chunk).fetchall())
full = con.execute("SELECT COUNT(*), COUNT(DISTINCT file_path) FROM file_hashes").fetchone()
print((time.perf_counter() - t) * 1000, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
`;

async function warmVsRehash(): Promise<void> {
  const dir = dataDir('status-files');
  const count = Math.max(100, Math.round(10_000 * SCALE));
  const size = 100 * 1024;
  const files: string[] = [];
  const block = Buffer.alloc(size, 1);
  for (let i = 0; i < count; i++) {
    const f = path.join(dir, `f${i}.bin`);
    if (!fs.existsSync(f)) {
      block.writeUInt32LE(i, 0);
      fs.writeFileSync(f, block);
      const old = new Date(Date.now() - 3600_000);
      fs.utimesSync(f, old, old);
    }
    files.push(f);
  }
  const storeDir = dataDir('status-cache');
  const warmup = createFileHasher({ useCache: true, storeDir });
  await warmup.hashMany(files);
  await warmup.dispose();
  const warm = createFileHasher({ useCache: true, storeDir });
  const rehash = createFileHasher({ useCache: false });
  const cached = await timed(() => warm.hashMany(files));
  const full = await timed(() => rehash.hashMany(files));
  const same = files.every((f) => JSON.stringify({ ...cached.value.get(f), cached: 0 }) === JSON.stringify({ ...full.value.get(f), cached: 0 }));
  report(`status hashing of ${count} files (${((count * size) / 1e9).toFixed(2)} GB), warm stat cache vs --rehash`, cached.ms, full.ms, '--rehash', `target ≥ 50×; same verdicts: ${same}`);
  await warm.dispose();
  await rehash.dispose();
}

async function queriesVsPython(runs: number, filesPerRun: number, label: string): Promise<void> {
  const dir = dataDir(`store-${runs}`);
  const db = path.join(dir, 'clew.db');
  if (!fs.existsSync(db)) execFileSync('python3', ['-c', MAKE_STORE, db, String(runs), String(filesPerRun), '/nonexistent']);
  const storeBytes = fs.statSync(db).size;
  const rssBefore = process.memoryUsage().rss;
  const store = await openStore(db);
  const load = await timed(() => store.snapshot());
  const rssAfter = process.memoryUsage().rss;
  const view = load.value;
  const runQueries = () => {
    const ids = view.all<{ session_id: string }>('SELECT session_id FROM runs ORDER BY started_at DESC LIMIT 1000').map((r) => r.session_id);
    let rows = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      rows += view.all(
        `SELECT session_id, file_path, hash, role, frozen FROM file_hashes WHERE session_id IN (${chunk.map(() => '?').join(',')}) AND +role IN ('input','output') ORDER BY CASE role WHEN 'input' THEN 0 ELSE 1 END, id`,
        chunk,
      ).length;
    }
    view.get('SELECT COUNT(*), COUNT(DISTINCT file_path) FROM file_hashes');
    return rows;
  };
  const cold = await timed(runQueries);
  const queries = await timed(runQueries);
  console.log(`  first (cold) run of our queries: ${cold.ms.toFixed(0)} ms; the ratio below is the steady state, as in the editor's repeated refreshes`);
  const hasher = createFileHasher({ useCache: false, concurrency: 1 });
  const ours = await timed(() => verifyStatus({ view, hasher }, 1000));
  const [pyMs, , pyRssKb] = execFileSync('python3', ['-c', PY_QUERIES, db]).toString().trim().split(' ').map(Number);
  console.log(`${label}: store ${(storeBytes / 1e6).toFixed(0)} MB; snapshot load ${load.ms.toFixed(0)} ms; RSS +${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB (${((rssAfter - rssBefore) / storeBytes).toFixed(2)}× store, target ≤ 3×); python3 RSS ${(pyRssKb / 1024).toFixed(0)} MB`);
  report(`${label}: the status queries (1000 newest runs, their file rows, totals)`, queries.ms, pyMs, 'python3 sqlite3, same queries', 'target within 2× (ratio ≥ 0.5)');
  console.log(`  whole status incl. checking ${ours.value.runs.reduce((n, r) => n + r.files.length, 0)} (missing) files: ${ours.ms.toFixed(0)} ms`);
  await hasher.dispose();
  await store.close();
}

async function main(): Promise<void> {
  await warmVsRehash();
  await queriesVsPython(Math.round(10_000 * SCALE), 10, '10k runs / 100k file rows');
  await queriesVsPython(Math.round(100_000 * SCALE), 10, '100k runs / 1M file rows');
}

void main();
