/**
 * `clew status --rehash` started early (src/cli/commands/statusRehash.ts): the threads hash the
 * last warm snapshot's files before the store is read. Whatever that list holds, the answer is the
 * one a rehash that reads the store prints (text, colour, --json, exit code): from a current
 * snapshot without the store, from a stale one (the store gained and lost files) through the full
 * status. Content changed after it was read is never reported verified by the next status. Real
 * files, real stores, real python3 writers; no timing assertions.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { statusCommand } from '../../src/cli/commands/status';
import { answerRehash, startRehash } from '../../src/cli/commands/statusRehash';
import { tryWarmStatus } from '../../src/cli/commands/statusWarm';
import { TIMESTAMP_GRANULARITY_NS } from '../../src/engine/hash/statCache';
import { changedEntries, readSnapshot, warmSnapshotPath, type StoredSnapshot } from '../../src/engine/status/warmSnapshot';
import { materialise } from '../conformance/fixtures';
import { buildPythonStore } from '../support/pythonStore';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Answer {
  code: number;
  out: string;
}

interface Variant {
  json?: boolean;
  color?: boolean;
}

function capture(db: string, color: boolean): { io: Parameters<typeof statusCommand.run>[2]; text(): string } {
  let out = '';
  return { io: { out: (t: string) => void (out += `${t}\n`), err: () => undefined, color, cwd: path.dirname(db), env: {} }, text: () => out };
}

async function status(db: string, argv: string[], variant: Variant = {}): Promise<Answer> {
  const c = capture(db, variant.color ?? false);
  const code = await statusCommand.run([...argv, ...(variant.json ? ['--json'] : [])], { db, json: false }, c.io);
  return { code, out: c.text() };
}

/** The reference: a rehash that reads the store, with no snapshot to start from. */
async function storeRehash(db: string, variant: Variant = {}): Promise<Answer> {
  fs.rmSync(warmSnapshotPath(db), { force: true });
  return status(db, ['--rehash'], variant);
}

/** What dist/cli.js does for `status --rehash`, and which way it answered. */
async function earlyRehash(db: string, variant: Variant = {}): Promise<Answer & { from: 'snapshot' | 'store' }> {
  const req = { dbPath: db, limit: 1000 };
  const prefetch = startRehash(req);
  const c = capture(db, variant.color ?? false);
  if (prefetch) {
    const code = await answerRehash(req, prefetch, variant.json ?? false, c.io);
    if (code !== undefined) {
      await prefetch.dispose();
      return { code, out: c.text(), from: 'snapshot' };
    }
  }
  const code = await statusCommand.run(['--rehash', ...(variant.json ? ['--json'] : [])], { db, json: false }, c.io, { rehash: prefetch });
  return { code, out: c.text(), from: 'store' };
}

async function warmOnly(db: string): Promise<Answer | undefined> {
  const c = capture(db, false);
  const code = await tryWarmStatus({ dbPath: db, limit: 1000 }, true, c.io);
  return code === undefined ? undefined : { code, out: c.text() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VARIANTS: Variant[] = [{ json: true }, { json: false }, { json: false, color: true }];

describe('rehash from the last snapshot on the upstream fixtures: same bytes as reading the store', () => {
  for (const scenario of ['seq-clean', 'seq-mismatch', 'seq-missing', 'seq-script-and-failed', 'seq-wal-uncheckpointed']) {
    test(scenario, async () => {
      const m = materialise(scenario, 'relocated');
      try {
        for (const variant of VARIANTS) {
          const expected = await storeRehash(m.dbPath, variant);
          await status(m.dbPath, [], { json: true }); // a plain status leaves a current snapshot
          const early = await earlyRehash(m.dbPath, variant);
          assert.equal(early.from, 'snapshot', JSON.stringify(variant));
          assert.deepEqual({ code: early.code, out: early.out }, expected, JSON.stringify(variant));
        }
        const bin = spawnSync(process.execPath, [CLI, '--db', m.dbPath, 'status', '--rehash', '--json'], { encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_DB_PATH: '' } });
        assert.deepEqual({ code: bin.status, out: bin.stdout }, await storeRehash(m.dbPath, { json: true }));
      } finally {
        m.cleanup();
      }
    });
  }
});

/** Another writer: a new run with new files (one never written), and one run's rows deleted. */
const GAIN_AND_LOSE = `
import sqlite3, sys, os, hashlib
db, root = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.execute("INSERT INTO runs VALUES ('run9', NULL, NULL, '2026-01-02T00:00:00', NULL, 'success', 0, NULL, NULL, NULL, 'tracked', NULL)")
for k in range(3):
    p = os.path.join(root, "new_f%d.txt" % k)
    data = b"new file %d\\n" % k
    if k < 2: open(p, "wb").write(data)
    con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('run9', ?, ?, 'output')", (p, hashlib.sha256(data).hexdigest()))
con.execute("DELETE FROM file_hashes WHERE session_id = 'run0'")
con.execute("DELETE FROM runs WHERE session_id = 'run0'")
con.commit(); con.close()
`;

describe('rehash after edits and commits', () => {
  let dir: string;
  let root: string;
  let db: string;
  const file = () => path.join(root, 'r1_f02.txt');
  /** Same size, mtime restored: only the ctime tells. */
  const editInPlace = (p: string, from: string, to: string) => {
    const before = fs.statSync(p);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(from, to));
    fs.utimesSync(p, before.atime, before.mtime);
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-rehash-'));
    root = path.join(dir, 'data');
    fs.mkdirSync(root);
    db = path.join(dir, '.scitex', 'clew', 'runtime', 'clew.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    buildPythonStore(db, root, 40);
    await sleep(Number(TIMESTAMP_GRANULARITY_NS / 1_000_000n) + 200);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a changed and a deleted file: found from the snapshot, as the store says, and the next warm status agrees', async () => {
    const text = fs.readFileSync(file(), 'utf8');
    await status(db, [], { json: true });
    editInPlace(file(), 'run 1', 'RUN 1');
    const expected = await storeRehash(db, { json: true });
    assert.equal(expected.code, 12);
    await status(db, [], { json: true });
    editInPlace(file(), 'RUN 1', 'run 1');
    // The snapshot saw the edited content: the rehash finds the original again and says so.
    const restored = await earlyRehash(db, { json: true });
    assert.equal(restored.from, 'snapshot');
    assert.equal(restored.code, 0);
    editInPlace(file(), 'run 1', 'RUN 1');
    const early = await earlyRehash(db, { json: true });
    assert.equal(early.from, 'snapshot');
    assert.deepEqual({ code: early.code, out: early.out }, expected);
    const warm = await warmOnly(db);
    assert.equal(warm?.code, 12, 'the snapshot it rewrote holds the new verdict');
    fs.rmSync(file());
    const gone = await earlyRehash(db, { json: true });
    assert.equal(gone.code, 11);
    assert.deepEqual({ code: gone.code, out: gone.out }, await storeRehash(db, { json: true }));
    fs.writeFileSync(file(), text);
    assert.equal((await status(db, [], { json: true })).code, 0);
  });

  test('content changed after the early threads read it is not verified by the next status', async () => {
    const text = fs.readFileSync(file(), 'utf8');
    await status(db, [], { json: true });
    for (const stale of [false, true]) {
      // stale: a commit makes the snapshot's path list stale, so the full status takes the hashes.
      if (stale) execFileSync('python3', ['-c', "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE runs SET metadata=hex(randomblob(8)) WHERE session_id='run2'\"); c.commit()", db]);
      const req = { dbPath: db, limit: 1000 };
      const prefetch = startRehash(req);
      assert.ok(prefetch);
      let code: number | undefined;
      try {
        assert.equal(prefetch.current, !stale);
        await prefetch.table;
        editInPlace(file(), 'run 1', 'RUN 1'); // after the read, before the answer
        const c = capture(db, false);
        code = (await answerRehash(req, prefetch, true, c.io)) ?? (await statusCommand.run(['--rehash', '--json'], { db, json: false }, c.io, { rehash: prefetch }));
      } finally {
        await prefetch.dispose();
      }
      assert.equal(code, 0, 'the bytes it read were the recorded ones');
      assert.equal((await status(db, [], { json: true })).code, 12, 'the next status sees the change');
      fs.writeFileSync(file(), text);
      await status(db, [], { json: true });
    }
  });

  test('a file written just before a rehash is racy in the snapshot it leaves', async () => {
    await status(db, [], { json: true });
    // A commit, so the early threads' stats are the ones the full status keeps.
    execFileSync('python3', ['-c', "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE runs SET metadata=hex(randomblob(8)) WHERE session_id='run1'\"); c.commit()", db]);
    fs.writeFileSync(file(), fs.readFileSync(file()));
    const early = await earlyRehash(db, { json: true });
    assert.equal(early.from, 'store');
    const snapshot = readSnapshot(db) as StoredSnapshot;
    const index = snapshot.paths.indexOf(file());
    assert.ok(index >= 0);
    assert.ok(changedEntries(snapshot).some((c) => c.index === index), 'its mtime is within the granularity of the stats');
  });

  test('a rehash whose command fails after its threads started still exits (no store beside the snapshot)', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-rehash-nostore-'));
    try {
      const runtime = path.join(copy, '.scitex', 'clew', 'runtime');
      fs.mkdirSync(runtime, { recursive: true });
      fs.copyFileSync(warmSnapshotPath(db), path.join(runtime, path.basename(warmSnapshotPath(db))));
      const r = spawnSync(process.execPath, [CLI, '--db', path.join(runtime, 'clew.db'), 'status', '--rehash', '--json'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.signal, null, 'it exited by itself');
      assert.equal(r.status, 3, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /no Clew store/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a stale path list (the store gained and lost files): same verdicts as reading the store', async () => {
    await status(db, [], { json: true });
    const staleBytes = fs.readFileSync(warmSnapshotPath(db));
    const staleList = (readSnapshot(db) as StoredSnapshot).paths;
    execFileSync('python3', ['-c', GAIN_AND_LOSE, db, root]);
    for (const variant of VARIANTS) {
      const expected = await storeRehash(db, variant);
      fs.writeFileSync(warmSnapshotPath(db), staleBytes); // the snapshot of the store before the commit
      const early = await earlyRehash(db, variant);
      assert.equal(early.from, 'store');
      assert.deepEqual({ code: early.code, out: early.out }, expected, JSON.stringify(variant));
    }
    const expected = await storeRehash(db, { json: true });
    assert.equal(expected.code, 11, 'the never-written file is missing');
    assert.ok(expected.out.includes('new_f2.txt') && !expected.out.includes('run0'));
    assert.ok(staleList.some((p) => p.includes('r0_')) && !staleList.some((p) => p.includes('new_f')), 'the threads started from the old list');
    // The snapshot that rehash left behind answers the next status as the store does.
    fs.writeFileSync(warmSnapshotPath(db), staleBytes);
    await earlyRehash(db, { json: true });
    const warm = await warmOnly(db);
    assert.ok(warm);
    fs.rmSync(warmSnapshotPath(db));
    assert.deepEqual(warm, await status(db, [], { json: true }));
  });
});
