/**
 * The warm `clew status` path (src/cli/commands/statusWarm.ts, src/engine/status/): it answers
 * from the snapshot beside the store with exactly what the slow path prints (text, colour, --json,
 * exit code), and never reports changed content as verified: content edited with the same size
 * and a restored mtime, a file replaced by rename, a deleted file, and a commit by another writer
 * that only reached the WAL. Real files, real stores, real python3 writers; no timing assertions.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { statusCommand } from '../../src/cli/commands/status';
import { tryWarmStatus } from '../../src/cli/commands/statusWarm';
import { changedEntries, decodeSnapshot, encodeSnapshot, readSnapshot, warmSnapshotPath, type StoredSnapshot } from '../../src/engine/status/warmSnapshot';
import { decodeModel, encodeModel } from '../../src/engine/status/warmStatus';
import type { RunVerification, VerificationStatus } from '../../src/engine/verify/types';
import { TIMESTAMP_GRANULARITY_NS } from '../../src/engine/hash/statCache';
import { materialise } from '../conformance/fixtures';
import { buildPythonStore } from '../support/pythonStore';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Answer {
  code: number;
  out: string;
}

async function status(db: string, options: { json?: boolean; color?: boolean } = {}): Promise<Answer> {
  let out = '';
  const io = { out: (t: string) => void (out += `${t}\n`), err: () => undefined, color: options.color ?? false, cwd: path.dirname(db), env: {} };
  const code = await statusCommand.run(options.json ? ['--json'] : [], { db, json: false }, io);
  return { code, out };
}

/** What the slow path (store read, no snapshot) prints now; it leaves a fresh snapshot behind. */
async function slow(db: string, options: { json?: boolean; color?: boolean } = {}): Promise<Answer> {
  fs.rmSync(warmSnapshotPath(db), { force: true });
  return status(db, options);
}

/** Answered by the warm path alone (undefined when it declined and the store must be read). */
async function warmOnly(db: string, json = true): Promise<Answer | undefined> {
  let out = '';
  const io = { out: (t: string) => void (out += `${t}\n`), err: () => undefined, color: false, cwd: path.dirname(db), env: {} };
  const code = await tryWarmStatus({ dbPath: db, limit: 1000 }, json, io);
  return code === undefined ? undefined : { code, out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('warm status on the upstream fixtures: same bytes as the slow path', () => {
  for (const scenario of ['seq-clean', 'seq-mismatch', 'seq-missing', 'seq-script-and-failed', 'seq-wal-uncheckpointed']) {
    test(scenario, async () => {
      const m = materialise(scenario, 'relocated');
      try {
        for (const variant of [{ json: true }, { json: false }, { json: false, color: true }]) {
          const expected = await slow(m.dbPath, variant);
          assert.ok(fs.existsSync(warmSnapshotPath(m.dbPath)), 'the slow path leaves a snapshot');
          assert.deepEqual(await status(m.dbPath, variant), expected, JSON.stringify(variant));
        }
        assert.deepEqual(await warmOnly(m.dbPath), await slow(m.dbPath, { json: true }), 'answered without the store');
        // The executable's own early path (dist/cli.js, before the full CLI loads) prints the same.
        const bin = spawnSync(process.execPath, [CLI, '--db', m.dbPath, 'status', '--json'], { encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_DB_PATH: '' } });
        assert.deepEqual({ code: bin.status, out: bin.stdout }, await slow(m.dbPath, { json: true }));
      } finally {
        m.cleanup();
      }
    });
  }
});

/** Another writer's commit that stays in the WAL: no checkpoint, and no close that would run one. */
const WAL_ONLY_COMMIT = `
import sqlite3, sys, os
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("INSERT INTO runs VALUES ('run9', NULL, NULL, '2026-01-02T00:00:00', NULL, 'success', 0, NULL, NULL, NULL, 'tracked', NULL)")
con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('run9', ?, ?, 'output')", (sys.argv[2], "ab" * 32))
con.commit()
os._exit(0)
`;

describe('warm status after edits: changed content is never reported verified', () => {
  let dir: string;
  let root: string;
  let db: string;
  const file = () => path.join(root, 'r1_f2.txt');
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-warm-'));
    root = path.join(dir, 'data');
    fs.mkdirSync(root);
    db = path.join(dir, '.scitex', 'clew', 'runtime', 'clew.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    buildPythonStore(db, root, 4);
    // Past the racy window, so the entries below are trusted on their stat alone.
    await sleep(Number(TIMESTAMP_GRANULARITY_NS / 1_000_000n) + 200);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('nothing changed: the snapshot answers, all verified, as the slow path', async () => {
    const expected = await slow(db, { json: true });
    assert.equal(expected.code, 0);
    assert.deepEqual(await warmOnly(db), expected);
  });

  test('same size, mtime restored: the ctime gives it away; mismatch as the slow path says', async () => {
    await slow(db, { json: true });
    const before = fs.statSync(file());
    const text = fs.readFileSync(file(), 'utf8');
    fs.writeFileSync(file(), text.replace('run 1', 'RUN 1'));
    fs.utimesSync(file(), before.atime, before.mtime);
    const warm = await warmOnly(db);
    assert.ok(warm, 'no commit: the warm path answers (re-hashing the one changed file)');
    assert.equal(warm.code, 12);
    assert.match(warm.out, /r1_f2\.txt/);
    assert.deepEqual(warm, await slow(db, { json: true }));
    for (const variant of [{ json: false }, { json: false, color: true }]) {
      const text2 = await status(db, variant);
      assert.deepEqual(text2, await slow(db, variant));
    }
    fs.writeFileSync(file(), text);
    const restored = await warmOnly(db);
    assert.equal(restored?.code, 0, 'the original content verifies again');
  });

  test('re-hashed entries are patched into the snapshot in place: same answers and snapshot as a fresh slow status', async () => {
    await slow(db, { json: true });
    const text = fs.readFileSync(file(), 'utf8');
    const index = (readSnapshot(db) as StoredSnapshot).paths.indexOf(file());
    /** The warm answer after an edit, a second warm answer, then the slow path's: all three agree, and so do the snapshots they leave. */
    const check = async (what: string, code: number) => {
      const first = await warmOnly(db);
      assert.ok(first, `${what}: the warm path answers`);
      const patched = readSnapshot(db) as StoredSnapshot;
      // Within the racy window of the edit, so this one re-hashes the file again; it must agree.
      assert.deepEqual(await warmOnly(db), first, `${what}: a second warm status`);
      const expected = await slow(db, { json: true });
      const fresh = readSnapshot(db) as StoredSnapshot;
      assert.deepEqual(first, expected, what);
      assert.equal(first.code, code, what);
      assert.deepEqual(patched.outputs, fresh.outputs, `${what}: every output (text, colour, --json, --rehash)`);
      assert.equal(patched.exitCode, fresh.exitCode);
      assert.equal(patched.key, fresh.key);
      assert.deepEqual(patched.entries(), fresh.entries(), `${what}: the entries, with the file's new stat`);
      assert.deepEqual(decodeModel(patched.model, patched), decodeModel(fresh.model, fresh), `${what}: the runs`);
      assert.equal(patched.model, fresh.model, `${what}: the model, byte for byte`);
      const now = fs.statSync(file(), { bigint: true });
      assert.deepEqual([patched.entry(index).ino, patched.entry(index).mtimeNs, patched.entry(index).ctimeNs], [now.ino, now.mtimeNs, now.ctimeNs], `${what}: the stat taken now`);
      return first;
    };
    fs.writeFileSync(file(), text.replace('run 1', 'RUN 1'));
    const changed = await check('content changed', 12);
    assert.match(changed.out, /r1_f2\.txt/);
    // A file of another run changes while the first run stays changed: the first run is not
    // re-judged this time (only its failing files are carried), and must still be listed.
    const other = path.join(root, 'r2_f1.txt');
    const otherText = fs.readFileSync(other, 'utf8');
    fs.writeFileSync(other, otherText.replace('run 2', 'RUN 2'));
    const both = await check('a second run changed too', 12);
    assert.match(both.out, /r1_f2\.txt/);
    assert.match(both.out, /r2_f1\.txt/);
    fs.writeFileSync(other, otherText);
    const firstOnly = await check('the second changed back, the first still changed', 12);
    assert.match(firstOnly.out, /r1_f2\.txt/);
    assert.doesNotMatch(firstOnly.out, /r2_f1\.txt/);
    fs.writeFileSync(file(), text);
    await check('changed back', 0);
    const before = readSnapshot(db) as StoredSnapshot;
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file(), later, later);
    const touched = await check('touched, same content', 0);
    assert.notDeepEqual(before.entry(index), (readSnapshot(db) as StoredSnapshot).entry(index), 'the touched stat was saved');
    assert.deepEqual(touched, await status(db, { json: true }));
  });

  test('a file replaced by rename (same size and mtime): mismatch; deleted: missing', async () => {
    await slow(db, { json: true });
    const before = fs.statSync(file());
    const text = fs.readFileSync(file(), 'utf8');
    const tmp = `${file()}.new`;
    fs.writeFileSync(tmp, text.replace('file 2', 'file X'));
    fs.utimesSync(tmp, before.atime, before.mtime);
    fs.renameSync(tmp, file());
    const warm = await warmOnly(db);
    assert.equal(warm?.code, 12);
    assert.deepEqual(warm, await slow(db, { json: true }));
    fs.rmSync(file());
    const gone = await warmOnly(db);
    assert.equal(gone?.code, 11);
    assert.match(gone?.out ?? '', /"missing_count": 1/);
    assert.deepEqual(gone, await slow(db, { json: true }));
    fs.writeFileSync(file(), text);
    assert.equal((await status(db, { json: true })).code, 0);
  });

  test('another writer commits into the WAL only: the snapshot declines, the store is re-read', async () => {
    await slow(db, { json: true });
    assert.ok(await warmOnly(db));
    const mainBefore = fs.readFileSync(db);
    execFileSync('python3', ['-c', WAL_ONLY_COMMIT, db, path.join(root, 'never-written.txt')]);
    assert.deepEqual(fs.readFileSync(db), mainBefore, 'the commit is in the WAL only');
    assert.equal(await warmOnly(db), undefined);
    const after = await status(db, { json: true });
    assert.equal(after.code, 11);
    assert.match(after.out, /never-written\.txt/);
    assert.deepEqual(await warmOnly(db), after, 'and the next status is warm again');
  });

  test('a missing file whose folder then appears as an archive: the snapshot declines, the archive answers', async () => {
    const text = fs.readFileSync(file());
    const intact = await slow(db, { json: true });
    fs.rmSync(file());
    const missing = await slow(db, { json: true });
    assert.equal(missing.code, 11);
    assert.ok(missing.out.includes(file()));
    assert.deepEqual(await warmOnly(db), missing, 'still missing, nothing else changed: warm');
    const staging = fs.mkdtempSync(path.join(dir, 'staging-'));
    fs.mkdirSync(path.join(staging, 'data'));
    fs.writeFileSync(path.join(staging, 'data', path.basename(file())), text);
    const archive = path.join(dir, 'data.tar');
    execFileSync('tar', ['-cf', archive, '-C', staging, 'data']);
    try {
      assert.equal(await warmOnly(db), undefined);
      const fromArchive = JSON.parse((await status(db, { json: true })).out) as { missing: { files: string[] }[]; from_archive?: { path: string; status: string }[] };
      assert.ok(!fromArchive.missing.some((m) => m.files.includes(file())));
      assert.deepEqual(fromArchive.from_archive?.map((f) => [f.path, f.status]), [[file(), 'verified']]);
      assert.equal(await warmOnly(db), undefined, 'an answer read from an archive is never snapshotted');
    } finally {
      fs.rmSync(archive);
      fs.rmSync(staging, { recursive: true });
      fs.writeFileSync(file(), text);
    }
    assert.deepEqual(await status(db, { json: true }), intact);
  });

  test('a config file appearing (it may map moved paths) sends status back to the store', async () => {
    const expected = await slow(db, { json: true });
    assert.ok(await warmOnly(db));
    const config = path.join(dir, '.scitex', 'clew', 'config.yaml');
    fs.writeFileSync(config, 'paths:\n  map: {}\n');
    try {
      assert.equal(await warmOnly(db), undefined);
      assert.deepEqual(await status(db, { json: true }), expected);
      assert.ok(await warmOnly(db), 'warm again with the config unchanged');
    } finally {
      fs.rmSync(config);
    }
    assert.equal(await warmOnly(db), undefined);
  });

  test('a torn or foreign snapshot is a miss, never an answer', async () => {
    const expected = await slow(db, { json: true });
    const snap = warmSnapshotPath(db);
    const bytes = fs.readFileSync(snap);
    fs.writeFileSync(snap, bytes.subarray(0, bytes.length - 5));
    assert.equal(await warmOnly(db), undefined);
    fs.writeFileSync(snap, 'not a snapshot');
    assert.equal(await warmOnly(db), undefined);
    assert.deepEqual(await status(db, { json: true }), expected);
  });

  test('the stat check: equal stat is trusted, a ctime or inode change or a racy entry is not', async () => {
    await slow(db, { json: true });
    const snapshot = readSnapshot(db) as StoredSnapshot;
    const index = snapshot.paths.indexOf(file());
    const future = BigInt(Date.now()) * 1_000_000n + 10n * TIMESTAMP_GRANULARITY_NS;
    assert.deepEqual(changedEntries(snapshot, future), []);
    // Racy: stats taken within the granularity of the file's mtime → re-hashed despite an equal stat.
    assert.ok(changedEntries(snapshot, snapshot.entry(index).mtimeNs + 1n).some((c) => c.index === index));
    const before = fs.statSync(file());
    fs.writeFileSync(file(), fs.readFileSync(file()));
    fs.utimesSync(file(), before.atime, before.mtime);
    assert.deepEqual(changedEntries(snapshot, future).map((c) => c.index), [index], 'same bytes, same mtime: the ctime still differs');
  });
});

describe('the snapshot model', () => {
  test('round-trips frozen, legacy-prefix, mismatched and missing files exactly', () => {
    const h = (c: string) => c.repeat(64);
    const entries = [
      { path: '/p/a', present: true, dev: 1n, ino: 2n, size: 3n, mtimeNs: 4n, ctimeNs: 5n, hash: h('a') },
      { path: '/p/b', present: true, dev: 1n, ino: 3n, size: 3n, mtimeNs: 4n, ctimeNs: 5n, hash: h('b') },
      { path: '/p/c', present: true, dev: 1n, ino: 4n, size: 3n, mtimeNs: 4n, ctimeNs: 5n, hash: h('c') },
      { path: '/p/d', present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' },
      { path: '/p/e', present: true, dev: 1n, ino: 5n, size: 3n, mtimeNs: 4n, ctimeNs: 5n, hash: h('e') },
    ];
    const file = (path: string, role: string, expected: string, current: string | null, status: VerificationStatus, frozen = false) => ({ path, role, expected_hash: expected, current_hash: current, status, frozen, is_verified: status === 'verified' });
    const runs: RunVerification[] = [
      {
        session_id: 's1',
        script_path: '/p/script.py',
        status: 'mismatch',
        files: [
          file('/p/a', 'input', h('a'), h('a'), 'verified'),
          file('/p/b', 'output', h('b').slice(0, 32), h('b'), 'verified'),
          file('/p/c', 'output', h('f'), h('c'), 'mismatch'),
          file('/p/d', 'output', h('d'), null, 'missing'),
          file('/p/e', 'output', h('9'), h('9'), 'verified', true),
        ],
        combined_hash_expected: null,
        combined_hash_current: null,
        level: 'cache',
        provenance: 'tracked',
        exception_reason: null,
        is_verified: false,
        is_verified_from_scratch: false,
      },
    ];
    const snapshot = decodeSnapshot(encodeSnapshot({ key: 'k', takenAtNs: 1n, exitCode: 12, outputs: { json: '', plain: '', color: '', rehash: { json: '', plain: '', color: '' } }, entries, model: encodeModel(runs, entries) }));
    assert.ok(snapshot);
    assert.deepEqual(decodeModel(snapshot.model, snapshot), runs);
    assert.deepEqual(snapshot.entries(), entries);
    // Patched in place (entries out of order, one now missing, one now present), with and without a new model:
    // the same bytes as encoding the whole snapshot again.
    const next = entries.map((e) => ({ ...e }));
    next[4] = { ...next[4], ino: 9n, mtimeNs: 1n << 62n, hash: h('7') };
    next[0] = { ...next[0], present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' };
    next[3] = { ...next[3], present: true, dev: 1n, ino: 8n, size: 3n, mtimeNs: 6n, ctimeNs: 7n, hash: h('d') };
    const head = { key: 'k2', takenAtNs: 2n, exitCode: 0, outputs: { json: 'j', plain: 'p', color: 'c', rehash: { json: 'J', plain: 'P', color: 'C' } } };
    const changed = new Map([4, 0, 3].map((i) => [i, next[i]]));
    for (const model of [undefined, 'another model']) {
      const bytes = Buffer.concat(snapshot.patched(head, changed, model));
      assert.deepEqual(bytes, encodeSnapshot({ ...head, entries: next, model: model ?? snapshot.model }));
    }
    assert.throws(() => snapshot.patched(head, new Map([[1, next[0]]])), 'an entry patched over another path');
  });
});
