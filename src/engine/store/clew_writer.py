#!/usr/bin/env python3
"""Clew's out-of-process SQLite helper (stdlib only). One JSON request per stdin line, one JSON
reply per stdout line, in order. Opens the store exactly as scitex-clew does (WAL, synchronous
NORMAL, busy_timeout) so Python and Clew writers share locks correctly.

Requests:
  {"op": "write", "ops": [{"sql", "params", "ignoreError"?, "each"?}, ...]}
      ("each": a list of parameter rows, the statement run once per row: executemany)
      -> one BEGIN IMMEDIATE ... COMMIT; reply {"ok": true, "results": [{changes, lastInsertRowid, rows}]}
  {"op": "backup", "dest": PATH}
      -> consistent copy of every committed transaction (the locking read fallback)
  {"op": "ping"}
Errors: {"ok": false, "error": "...", "kind": "busy"|"readonly"|"corrupt"|"error"}
"""
import json
import sqlite3
import sys

DB = sys.argv[1]
BUSY_MS = int(sys.argv[2]) if len(sys.argv) > 2 else 300000


def connect():
    con = sqlite3.connect(DB, timeout=BUSY_MS / 1000.0, isolation_level=None)
    con.execute("PRAGMA busy_timeout = %d" % BUSY_MS)
    for pragma in ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"):
        try:
            con.execute(pragma)
        except sqlite3.Error:
            pass
    return con


def kind_of(err):
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return "readonly"
    if "malformed" in text or "not a database" in text or "file is encrypted" in text:
        return "corrupt"
    return "error"


def write(con, ops):
    results = []
    con.execute("BEGIN IMMEDIATE")
    try:
        for op in ops:
            try:
                if "each" in op:
                    cur = con.executemany(op["sql"], op["each"])
                    results.append({"changes": max(cur.rowcount, 0), "lastInsertRowid": None, "rows": []})
                    continue
                cur = con.execute(op["sql"], op.get("params") or [])
            except sqlite3.Error as e:
                if op.get("ignoreError") and op["ignoreError"] in str(e):
                    results.append({"changes": 0, "lastInsertRowid": None, "rows": []})
                    continue
                raise
            rows = []
            if cur.description:
                names = [d[0] for d in cur.description]
                rows = [dict(zip(names, [v if not isinstance(v, bytes) else None for v in r])) for r in cur.fetchall()]
            results.append({"changes": max(cur.rowcount, 0), "lastInsertRowid": cur.lastrowid, "rows": rows})
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise
    return results


def main():
    con = None
    # Ready: sqlite3 imported. A writer that never says this ran no request, so the caller may
    # safely use another writer instead (store/writer.ts).
    sys.stdout.write('{"ready": true}\n')
    sys.stdout.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if con is None:
                con = connect()
            if req["op"] == "write":
                reply = {"ok": True, "results": write(con, req["ops"])}
            elif req["op"] == "backup":
                dest = sqlite3.connect(req["dest"])
                con.backup(dest)
                dest.close()
                reply = {"ok": True}
            else:
                reply = {"ok": True}
        except Exception as e:  # noqa: BLE001 - every failure becomes a reply, never a crash
            reply = {"ok": False, "error": str(e), "kind": kind_of(e) if isinstance(e, sqlite3.Error) else "error"}
            if con is not None and kind_of(e) != "busy":
                try:
                    con.close()
                except sqlite3.Error:
                    pass
                con = None
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    if con is not None:
        con.close()


if __name__ == "__main__":
    main()
