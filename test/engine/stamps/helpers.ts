/**
 * Test helpers for stamps: an independent Python implementation of spec §6 (sqlite3 + hashlib,
 * written from the spec, not from Clew's code) and small store mutations done the way another
 * process would do them (a real SQLite connection in python3).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findStoreFile, type Materialised } from '../../conformance/fixtures';

/**
 * The fixture folder, found by walking up from the bundle: ../conformance/fixtures.ts resolves it
 * relative to its own depth, which is wrong once bundled one folder deeper (out/test/engine/stamps).
 */
export const FIXTURES = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'upstream');
    if (fs.existsSync(path.join(candidate, 'README.md'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no test/fixtures/upstream above ${__dirname}`);
  }
})();

export function listStampScenarios(): string[] {
  return fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'answers', 'api.json'))).sort();
}

/** A relocated writable copy of a scenario (same contract as conformance/fixtures.ts materialise). */
export function materialiseCopy(scenario: string): Materialised {
  const dir = path.join(FIXTURES, scenario);
  const recordedRoot = (JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as { root: string }).root;
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew stamps é ')));
  const root = path.join(parent, scenario);
  fs.cpSync(path.join(dir, 'workspace'), root, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', root]);
  const dbPath = findStoreFile(root);
  execFileSync('python3', [path.join(FIXTURES, 'tools', 'relocate.py'), recordedRoot, root, dbPath]);
  const read = (rel: string) => fs.readFileSync(path.join(dir, 'answers', rel), 'utf8').split(recordedRoot).join(root);
  const cliFile = path.join(dir, 'answers', 'cli.json');
  return {
    scenario,
    root,
    recordedRoot,
    dbPath,
    api: JSON.parse(read('api.json')) as Record<string, unknown>,
    cli: fs.existsSync(cliFile) ? (JSON.parse(read('cli.json')) as Materialised['cli']) : [],
    cleanup: () => fs.rmSync(parent, { recursive: true, force: true }),
  };
}

/** Spec §6 in Python: root hash over `ids` (JSON list) or all successful runs, plus what upstream would derive. */
const PY_ROOT = String.raw`
import hashlib, json, sqlite3, sys
db, ids = sys.argv[1], json.loads(sys.argv[2])
con = sqlite3.connect(db)
if ids:
    rows = con.execute("SELECT session_id, combined_hash FROM runs WHERE session_id IN (%s) ORDER BY session_id" % ",".join("?" * len(ids)), ids).fetchall()
else:
    rows = con.execute("SELECT session_id, combined_hash FROM runs WHERE status='success' AND combined_hash IS NOT NULL ORDER BY session_id").fetchall()
h = hashlib.sha256()
for sid, ch in rows:
    h.update(sid.encode())
    h.update((ch or "").encode())
print(json.dumps({"root_hash": h.hexdigest() if rows else None, "run_count": len(rows), "session_ids": [r[0] for r in rows]}))
`;

export interface PyRoot {
  root_hash: string | null;
  run_count: number;
  session_ids: string[];
}

export function pythonRootHash(dbPath: string, ids: readonly string[] = []): PyRoot {
  return JSON.parse(execFileSync('python3', ['-c', PY_ROOT, dbPath, JSON.stringify(ids)], { encoding: 'utf8' })) as PyRoot;
}

/** What upstream's check_stamp does with a stored row, in Python: recompute over metadata.session_ids. */
const PY_CHECK = String.raw`
import hashlib, json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
row = con.execute("SELECT stamp_id, root_hash, timestamp, metadata FROM stamps WHERE stamp_id = ?", (sys.argv[2],)).fetchone()
stamp_id, root, ts, meta = row
ids = json.loads(meta)["session_ids"]
rows = con.execute("SELECT session_id, combined_hash FROM runs WHERE session_id IN (%s) ORDER BY session_id" % ",".join("?" * len(ids)), ids).fetchall()
h = hashlib.sha256()
for sid, ch in rows:
    h.update(sid.encode()); h.update((ch or "").encode())
print(json.dumps({
  "matches": h.hexdigest() == root,
  "id_ok": stamp_id == "stamp_" + hashlib.sha256(("%s:%s" % (root, ts)).encode()).hexdigest()[:12],
  "metadata_bytes_ok": meta == json.dumps({"session_ids": ids}),
  "timestamp_ok": __import__("datetime").datetime.fromisoformat(ts).isoformat() == ts,
}))
`;

export function pythonCheck(dbPath: string, stampId: string): { matches: boolean; id_ok: boolean; metadata_bytes_ok: boolean; timestamp_ok: boolean } {
  return JSON.parse(execFileSync('python3', ['-c', PY_CHECK, dbPath, stampId], { encoding: 'utf8' })) as ReturnType<typeof pythonCheck>;
}

/** Runs SQL against the store from another process, as scitex-clew (or a vandal) would. */
export function pythonSql(dbPath: string, sql: string, params: readonly (string | number | null)[] = []): void {
  execFileSync('python3', ['-c', 'import json,sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2], json.loads(sys.argv[3]))\nc.commit()', dbPath, sql, JSON.stringify(params)]);
}
