"""A small stand-in for the parts of scitex-clew that tools/stxlite.py drives (the real package
cannot be installed here). It records like upstream's tracker (spec §2.5): a runs row at start,
file_hashes rows on load/save, combined hash and status at close, into $SCITEX_CLEW_DB_PATH or
<project root>/.scitex/clew/runtime/clew.db. Tests use it to replay fixture scripts."""
from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
from datetime import datetime
from pathlib import Path

_state: dict = {}


def _db_path() -> Path:
    env = os.environ.get("SCITEX_CLEW_DB_PATH")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in [here, *here.parents]:
        if (d / ".git").exists() or (d / "pyproject.toml").exists():
            return d / ".scitex" / "clew" / "runtime" / "clew.db"
    return here / ".scitex" / "clew" / "runtime" / "clew.db"


def _connect() -> sqlite3.Connection:
    path = _db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=300)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS runs (session_id TEXT PRIMARY KEY, script_path TEXT, script_hash TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT DEFAULT 'running', exit_code INTEGER, parent_session TEXT, combined_hash TEXT, metadata TEXT)")
    con.execute("CREATE TABLE IF NOT EXISTS file_hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, file_path TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL, recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, size_bytes INTEGER, frozen INTEGER DEFAULT 0, host TEXT, UNIQUE(session_id, file_path, role))")
    return con


def _sha(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def on_session_start(session_id, script_path=None, metadata=None):
    _state.update(session_id=session_id, script=script_path, inputs={}, outputs={})
    with _connect() as con:
        con.execute("INSERT OR REPLACE INTO runs (session_id, script_path, script_hash, started_at, status) VALUES (?, ?, ?, ?, 'running')",
                    (session_id, script_path or "", _sha(script_path) if script_path and os.path.isfile(script_path) else None, datetime.now().isoformat()))


def _host() -> str:
    # upstream's order: an explicit override, then the SLURM/SAC name, then the kernel's host name
    return os.environ.get("SCITEX_CLEW_HOST") or os.environ.get("SAC_HOST") or socket.gethostname()


def _record(path, role):
    if not _state or not os.path.isfile(path):
        return
    p = str(Path(path).resolve())
    digest = _sha(p)
    _state["inputs" if role == "input" else "outputs"][p] = digest
    with _connect() as con:
        con.execute("INSERT OR REPLACE INTO file_hashes (session_id, file_path, hash, role, size_bytes, host) VALUES (?, ?, ?, ?, ?, ?)",
                    (_state["session_id"], p, digest, role, os.path.getsize(p), _host()))


def on_session_close(status="success", exit_code=0):
    if not _state:
        return
    entries = {f"input:{p}": h for p, h in _state["inputs"].items()}
    entries.update({f"output:{p}": h for p, h in _state["outputs"].items()})
    combined = hashlib.sha256("".join(f"{k}:{entries[k]}" for k in sorted(entries)).encode()).hexdigest()
    with _connect() as con:
        con.execute("UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, combined_hash = ? WHERE session_id = ?",
                    (datetime.now().isoformat(), status, exit_code, combined, _state["session_id"]))
