/**
 * The python3 (stdlib sqlite3) side of `clew ingest`. Writes go through a real SQLite with POSIX
 * locks, out of process, as every Clew write does (docs/architecture.md). One transaction per
 * handed-over store; the file is removed only after COMMIT. Rows are added only for sessions the
 * main store lacks, so a store whose commit landed but whose file survived (killed between COMMIT
 * and unlink) adds nothing the second time: nothing lost, nothing doubled.
 * Two `clew ingest` at once are serialised by a blocking flock on incoming/.ingest.lock (the second
 * then skips the files the first already merged and removed), and the child asks the kernel to
 * SIGKILL it when its parent dies, so a killed `clew ingest` never leaves a writer running on.
 * argv: main db, rejected dir, busy ms, lock file, parent pid, then incoming files. Prints one
 * JSON line per file it merged or rejected.
 */
export const INGEST_PY = String.raw`
import json, os, sqlite3, sys
MAIN, REJECTED, BUSY, LOCK, PARENT = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
files = sys.argv[6:]

# Die with the parent: PR_SET_PDEATHSIG (1) = SIGKILL (9). Linux only; elsewhere the caller's
# process group is what a killer has to hit.
try:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)
except Exception:
    pass
if os.getppid() != PARENT:
    sys.exit(3)  # the parent died before prctl took effect: nobody is waiting for this ingest

import fcntl
lock_fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(lock_fd, fcntl.LOCK_EX)  # held until exit; the kernel drops it when the process dies

def say(**kw):
    sys.stdout.write(json.dumps(kw) + "\n"); sys.stdout.flush()

def check(path):
    src = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        res = src.execute("PRAGMA quick_check").fetchone()
        if not res or res[0] != "ok":
            raise sqlite3.DatabaseError("quick_check: %s" % (res[0] if res else "no answer"))
        if not src.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='runs'").fetchone():
            raise sqlite3.DatabaseError("no runs table: not a Clew/scitex-clew store")
    finally:
        src.close()

main = sqlite3.connect(MAIN, timeout=BUSY / 1000.0, isolation_level=None)
main.execute("PRAGMA busy_timeout = %d" % BUSY)
# Checked before the journal mode is set (that would rewrite the header): a foreign database is never written; only a missing/empty store or one with a runs table.
names = set(r[0] for r in main.execute("SELECT name FROM sqlite_master"))
if names and "runs" not in names:
    sys.stderr.write("%s is not a Clew/scitex-clew store (no runs table); nothing was merged\n" % MAIN)
    sys.exit(4)
for p in ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"):
    try: main.execute(p)
    except sqlite3.Error: pass

main.execute("BEGIN IMMEDIATE")
for op in json.loads(os.environ.get("CLEW_INGEST_SCHEMA") or "[]"):
    try:
        main.execute(op["sql"])
    except sqlite3.Error as e:
        if not op.get("ignoreError") or op["ignoreError"] not in str(e):
            main.execute("ROLLBACK"); raise
# which sessions came through the spool (filled in each store's transaction below)
main.execute("CREATE TABLE IF NOT EXISTS main.clew_ingested(session_id TEXT PRIMARY KEY, source TEXT, ingested_at TEXT)")
main.execute("COMMIT")

def cols(schema, table):
    return [(r[1], r[2], r[5]) for r in main.execute("PRAGMA %s.table_info(%s)" % (schema, table))]

for f in files:
    name = os.path.basename(f)
    if not os.path.exists(f):
        continue  # merged (and removed) by an ingest that held the lock before this one
    try:
        check(f)
    except Exception as e:
        try:
            os.makedirs(REJECTED, exist_ok=True)
            os.replace(f, os.path.join(REJECTED, name))
        except OSError:
            pass
        say(file=name, ok=False, error=str(e))
        continue
    try:
        main.execute("ATTACH DATABASE ? AS src", (f,))
        main.execute("BEGIN IMMEDIATE")
        # a new main store takes the handed-over store's schema (the same scitex-clew schema)
        have = set(r[0] for r in main.execute("SELECT name FROM main.sqlite_master"))
        for kind, nm, sql in main.execute("SELECT type, name, sql FROM src.sqlite_master WHERE sql IS NOT NULL AND type IN ('table','index') AND name NOT LIKE 'sqlite_%' ORDER BY type DESC").fetchall():
            if nm not in have:
                main.execute(sql.replace("CREATE TABLE IF NOT EXISTS", "CREATE TABLE").replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1).replace("CREATE INDEX IF NOT EXISTS", "CREATE INDEX").replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        new = [r[0] for r in main.execute("SELECT session_id FROM src.runs WHERE session_id NOT IN (SELECT session_id FROM main.runs)")]
        present = main.execute("SELECT COUNT(*) FROM src.runs").fetchone()[0] - len(new)
        main.execute("CREATE TEMP TABLE IF NOT EXISTS clew_ingest_new(session_id TEXT PRIMARY KEY)")
        main.execute("DELETE FROM temp.clew_ingest_new")
        main.executemany("INSERT INTO temp.clew_ingest_new VALUES (?)", [(s,) for s in new])
        src_tables = [r[0] for r in main.execute("SELECT name FROM src.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        main_tables = set(r[0] for r in main.execute("SELECT name FROM main.sqlite_master WHERE type='table'"))
        # runs first: the other tables reference it
        ordered = sorted((t for t in src_tables if t in main_tables), key=lambda t: (t != "runs", t))
        rows = 0
        for t in ordered:
            mcols = cols("main", t)
            scols = set(c[0] for c in cols("src", t))
            if "session_id" not in scols:
                continue  # only per-session rows can be added exactly once
            # a surrogate INTEGER PRIMARY KEY is the main store's to assign
            use = [c[0] for c in mcols if c[0] in scols and not (c[2] and c[1].upper() == "INTEGER")]
            q = ", ".join('"%s"' % c for c in use)
            cur = main.execute('INSERT INTO main."%s" (%s) SELECT %s FROM src."%s" WHERE session_id IN (SELECT session_id FROM temp.clew_ingest_new)' % (t, q, q, t))
            rows += cur.rowcount
        # which sessions came through the spool, in the same transaction: the multi-host warning
        # (multiHost.ts) counts only hosts that wrote the shared store directly
        main.executemany("INSERT OR IGNORE INTO main.clew_ingested VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", [(s, name) for s in new])
        main.execute("COMMIT")
        main.execute("DETACH DATABASE src")
        os.remove(f)
        say(file=name, ok=True, sessions=len(new), already=present, rows=rows)
    except Exception as e:
        try: main.execute("ROLLBACK")
        except sqlite3.Error: pass
        try: main.execute("DETACH DATABASE src")
        except sqlite3.Error: pass
        say(file=name, ok=False, error=str(e))
main.close()
`;
