#!/usr/bin/env python3
"""Independent oracle for the UI smoke test: what badge each recorded file SHOULD show.

    python3 store_status.py WORKSPACE

Reads the workspace's Clew store read-only with sqlite3 (a -wal is honoured), takes each file's
latest recorded hash (newest recorded_at, then highest rowid), hashes the file on disk and prints
JSON {"store": path|null, "files": [{"path": rel, "status": "verified"|"mismatch"|"missing"}],
"referenced": [rel, ...]} where "referenced" lists other workspace paths the store names (run
scripts, claim files and sources) — files that may legitimately carry a badge too.
Hashes compare prefix-tolerantly (a stored short hash matches the full digest's prefix), like
upstream. Files outside the workspace and frozen rows are skipped. Never writes anything.
"""
import hashlib
import json
import os
import sqlite3
import sys

STORE_CANDIDATES = [".scitex/clew/runtime/clew.db", ".scitex/clew/runtime/db.sqlite", ".scitex/clew/db.sqlite"]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(workspace):
    workspace = os.path.realpath(workspace)
    store = next((os.path.join(workspace, c) for c in STORE_CANDIDATES if os.path.isfile(os.path.join(workspace, c))), None)
    if store is None:
        print(json.dumps({"store": None, "files": [], "referenced": []}))
        return 0
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10)
    cols = {r[1] for r in con.execute("PRAGMA table_info(file_hashes)")}
    frozen = "COALESCE(frozen, 0)" if "frozen" in cols else "0"
    order = "recorded_at, rowid" if "recorded_at" in cols else "rowid"
    latest = {}
    for file_path, file_hash, is_frozen in con.execute(
            f"SELECT file_path, hash, {frozen} FROM file_hashes ORDER BY {order}"):
        latest[file_path] = (file_hash or "", is_frozen)
    referenced = set()
    for table, col in (("runs", "script_path"), ("claims", "file_path"), ("claims", "source_file")):
        try:
            referenced.update(r[0] for r in con.execute(f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL"))
        except sqlite3.OperationalError:
            pass  # table or column absent in this store version
    con.close()
    files = []
    for file_path, (recorded, is_frozen) in sorted(latest.items()):
        absolute = file_path if os.path.isabs(file_path) else os.path.join(workspace, file_path)
        absolute = os.path.normpath(absolute)
        if is_frozen or not absolute.startswith(workspace + os.sep):
            continue
        rel = os.path.relpath(absolute, workspace)
        if not os.path.exists(absolute):
            status = "missing"
        elif os.path.isdir(absolute):
            continue
        else:
            current = sha256_of(absolute)
            n = min(len(current), len(recorded))
            status = "verified" if n > 0 and current[:n] == recorded[:n].lower() else "mismatch"
        files.append({"path": rel, "status": status})
    inside = []
    for p in sorted(referenced):
        absolute = os.path.normpath(p if os.path.isabs(p) else os.path.join(workspace, p))
        if absolute.startswith(workspace + os.sep):
            inside.append(os.path.relpath(absolute, workspace))
    print(json.dumps({"store": os.path.relpath(store, workspace), "files": files, "referenced": inside}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: store_status.py WORKSPACE", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
