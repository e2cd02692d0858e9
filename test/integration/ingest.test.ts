// @clew-workspace seq-clean
// "Clew: Ingest Handed-over Stores" in a real VS Code: a store handed over into incoming/ (as
// `clew record --spool` leaves it) is noticed without a reload, the command merges its run into the
// workspace's store, and the run appears and the notice goes away.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { runPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { getClewExtension } from './harness/workspace';

/** A complete one-run store (scitex-clew's two tables), written aside and renamed in, as the spool does. */
const HAND_OVER = [
  'import sqlite3, hashlib, os, sys',
  'tmp, final, sid, out = sys.argv[1:5]',
  'con = sqlite3.connect(tmp)',
  'con.execute("CREATE TABLE runs (session_id TEXT PRIMARY KEY, script_path TEXT, script_hash TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT, exit_code INTEGER, parent_session TEXT, combined_hash TEXT, metadata TEXT)")',
  'con.execute("CREATE TABLE file_hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, file_path TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL, size_bytes INTEGER, frozen INTEGER DEFAULT 0, host TEXT, recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE(session_id, file_path, role))")',
  'con.execute("INSERT INTO runs (session_id, script_path, started_at, status) VALUES (?, \'\', \'2026-12-01T12:00:00\', \'success\')", (sid,))',
  'con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role, host) VALUES (?, ?, ?, \'output\', \'node7\')", (sid, out, hashlib.sha256(open(out, "rb").read()).hexdigest()))',
  'con.commit(); con.close()',
  'os.replace(tmp, final)',
].join('\n');

describe('Ingest Handed-over Stores', () => {
  it('notices a handed-over store, ingests it and shows its run', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    const model = await waitFor(() => (clew.models()[0]?.runs.length ? clew.models()[0] : undefined), { message: 'the model to load' });
    const dbPath = model.dbPath;
    assert.ok(dbPath, 'the workspace has a store');
    assert.equal(clew.pendingIngest(), 0, 'nothing waits at first');
    const incoming = path.join(path.dirname(dbPath), 'incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const out = path.join(model.folder, 'from_node7.txt');
    fs.writeFileSync(out, 'computed on node7\n');
    const final = path.join(incoming, 'node7_1_handed-1.clew.db');
    const made = await runPython(['-c', HAND_OVER, path.join(incoming, '.partial-node7_1_handed-1.clew.db.1'), final, 'handed-1', out]);
    assert.equal(made.code, 0, made.stderr);
    await waitFor(() => clew.pendingIngest() === 1, { timeoutMs: 20_000, message: 'the notice to count the handed-over store' });

    const result = (await vscode.commands.executeCommand('clew.ingest')) as { summaries: { ingested: number; sessionsAdded: number; rejected: number }[]; text: string } | undefined;
    assert.ok(result, 'the command returns its counts');
    assert.deepEqual(result.summaries.map((s) => [s.ingested, s.sessionsAdded, s.rejected]), [[1, 1, 0]]);
    assert.match(result.text, /ingested 1 store: 1 sessions added/);
    assert.equal(fs.existsSync(final), false, 'the merged file is removed');
    await waitFor(() => clew.models()[0]?.runs.some((r) => r.session_id === 'handed-1'), { message: 'the ingested run to appear' });
    await waitFor(() => clew.pendingIngest() === 0, { message: 'the notice to go away' });
    await waitFor(() => clew.decorationFor(vscode.Uri.file(out))?.badge === '✓', { message: 'the ingested output to show ✓' });
  });
});
