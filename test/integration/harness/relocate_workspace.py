#!/usr/bin/env python3
"""Make a COPIED Clew/scitex-clew workspace's store point at the copy (test harness tool).

    python3 relocate_workspace.py WORKSPACE_COPY [OLD_ROOT]

Upstream stores hold absolute paths (runs.script_path, file_hashes.file_path, claims.file_path,
claims.source_file, stamps.service_url). A fixture recorded under /tmp/clew-fixture/<scenario> and
copied elsewhere must have them rewritten, or every file looks MISSING. OLD_ROOT is taken from the
argument, else from ../scenario.json ("root"), else inferred: the first recorded script path
whose tail exists under WORKSPACE_COPY gives the prefix to replace. A value is rewritten only if it
equals OLD_ROOT or starts with OLD_ROOT + "/". Writes go through sqlite3 (a -wal is honoured and
checkpointed afterwards). Prints one line: the root used and how many values were rewritten.
Exit 0 also when nothing needed rewriting (no store, already relocated, or no root found).
"""
import json
import os
import sqlite3
import sys

STORE_CANDIDATES = [".scitex/clew/runtime/clew.db", ".scitex/clew/runtime/db.sqlite", ".scitex/clew/db.sqlite"]
COLUMNS = [("runs", "script_path"), ("file_hashes", "file_path"), ("claims", "file_path"),
           ("claims", "source_file"), ("stamps", "service_url")]


def tables_of(con):
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def infer_root(con, workspace):
    """Longest-suffix match of recorded absolute paths against files that exist in the copy."""
    tables = tables_of(con)
    candidates = []
    if "runs" in tables:
        candidates += [r[0] for r in con.execute("SELECT script_path FROM runs WHERE script_path LIKE '/%' LIMIT 200")]
    if "file_hashes" in tables:
        candidates += [r[0] for r in con.execute("SELECT file_path FROM file_hashes WHERE file_path LIKE '/%' LIMIT 500")]
    for recorded in candidates:
        parts = recorded.strip("/").split("/")
        for i in range(len(parts)):
            tail = parts[i:]
            if os.path.exists(os.path.join(workspace, *tail)):
                old = "/" + "/".join(parts[:i])
                return old.rstrip("/") or "/"
    return None


def relocate(db, old, new):
    con = sqlite3.connect(db, timeout=10)
    tables = tables_of(con)
    n = 0
    for table, col in COLUMNS:
        if table not in tables:
            continue
        cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        if col not in cols:
            continue
        cur = con.execute(
            f"UPDATE {table} SET {col} = ? || substr({col}, ?) WHERE {col} = ? OR substr({col}, 1, ?) = ?",
            (new, len(old) + 1, old, len(old) + 1, old + "/"))
        n += cur.rowcount
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return n


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    workspace = os.path.realpath(argv[1])
    stores = [os.path.join(workspace, c) for c in STORE_CANDIDATES if os.path.isfile(os.path.join(workspace, c))]
    if not stores:
        print(f"relocate: no store under {workspace}, nothing to do")
        return 0
    old = argv[2] if len(argv) > 2 else None
    scenario = os.path.join(os.path.dirname(argv[1].rstrip("/")), "scenario.json")
    if old is None and os.path.isfile(scenario):
        with open(scenario, encoding="utf-8") as fh:
            old = json.load(fh).get("root")
    total = 0
    for db in stores:
        root = old
        if root is None:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
            try:
                root = infer_root(con, workspace)
            finally:
                con.close()
        if root is None or root.rstrip("/") == workspace:
            continue
        total += relocate(db, root.rstrip("/"), workspace)
        old = root
    print(f"relocate: {old or '(no recorded root found)'} -> {workspace}: {total} values rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
