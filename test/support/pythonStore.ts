/**
 * A small store written by python3's sqlite3 as scitex-clew would: three runs ("run0".."run2"),
 * each with FILES files under `root` (the first an input, the rest outputs), WAL mode, checkpointed.
 * Shared by the warm-status and early-rehash tests.
 */
import { execFileSync } from 'node:child_process';

const BUILD = `
import sqlite3, sys, os, hashlib
db, root, files = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.executescript('''
CREATE TABLE runs (session_id TEXT PRIMARY KEY, script_path TEXT, script_hash TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT, exit_code INTEGER, parent_session TEXT, combined_hash TEXT, metadata TEXT, provenance TEXT DEFAULT 'tracked', exception_reason TEXT);
CREATE TABLE file_hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, file_path TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL, size_bytes INTEGER, frozen INTEGER DEFAULT 0, host TEXT, recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE(session_id, file_path, role));
''')
width = 2 if files > 10 else 1
for r in range(3):
    sid = "run%d" % r
    con.execute("INSERT INTO runs VALUES (?, NULL, NULL, ?, NULL, 'success', 0, NULL, NULL, NULL, 'tracked', NULL)", (sid, "2026-01-01T00:00:0%d" % r))
    for k in range(files):
        p = os.path.join(root, "r%d_f%0*d.txt" % (r, width, k))
        data = (b"run %d file %d\\n" % (r, k)) * 64
        open(p, "wb").write(data)
        con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES (?, ?, ?, ?)", (sid, p, hashlib.sha256(data).hexdigest(), "input" if k == 0 else "output"))
con.commit(); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
`;

export function buildPythonStore(db: string, root: string, filesPerRun: number): void {
  execFileSync('python3', ['-c', BUILD, db, root, String(filesPerRun)]);
}
