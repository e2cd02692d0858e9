/**
 * What makes `clew record` cheap must not change what it records (docs/recording.md):
 *   - the command is started before the full CLI loads (bin.ts); a store that then turns out to be
 *     unusable is reported after the command ran, once, and the store is left as it was;
 *   - a capture's thousands of rows go out as statements run once per file (executemany): the
 *     rows and parent links equal those of one write per declared file;
 *   - inputs are written while the command runs; a file read, written that way, and then
 *     overwritten, changed or deleted before the command ends is corrected afterwards, so the
 *     rows equal those of the strace capture of the same step;
 *   - no python3 probe before writing: a python3 that cannot start a writer falls back to the
 *     sqlite3 shell, and one that fails after it started is reported, never retried elsewhere.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { clew, newProject, query, tempBase, write } from '../../support/recordedProject';

const base = tempBase('clew-fast-record-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

const DB = '.scitex/clew/runtime/clew.db';
/** More files than one write transaction holds (session.ts BATCH = 500), so batches join. */
const FILES = 620;

function recordOk(root: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = clew(root, ['record', ...args], env);
  assert.equal(r.status, 0, `clew record ${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

/** Three producers (p0 writes d/f0000…, p1 the rest, p2 rewrites a few of p1's), then a consumer of all. */
function producers(root: string): string[] {
  fs.mkdirSync(path.join(root, 'd'));
  write(root, 'gen.sh', 'i=$1; while [ "$i" -lt "$2" ]; do printf "%s-%s\\n" "$i" "$3" > "d/f$(printf %04d "$i").txt"; i=$((i+1)); done\n');
  recordOk(root, ['--session-id', 'p0', '--auto', '--', 'sh', 'gen.sh', '0', '10', 'a']);
  recordOk(root, ['--session-id', 'p1', '--auto', '--', 'sh', 'gen.sh', '10', String(FILES), 'b']);
  recordOk(root, ['--session-id', 'p2', '--auto', '--', 'sh', 'gen.sh', '300', '305', 'c']);
  return Array.from({ length: FILES }, (_, i) => `d/f${String(i).padStart(4, '0')}.txt`);
}

describe('clew record: the fast paths record what the plain ones do', () => {
  test(`${FILES} captured inputs (batched) give the rows and parents of ${FILES} declared ones (one write each)`, () => {
    const batched = newProject(base, 'batched');
    const declared = newProject(base, 'declared');
    const files = producers(batched);
    producers(declared);
    write(batched, 'cat.sh', `cat ${files.join(' ')} > all.txt\n`);
    write(declared, 'cat.sh', `cat ${files.join(' ')} > all.txt\n`);
    const auto = recordOk(batched, ['--session-id', 'c', '--', 'sh', 'cat.sh']);
    assert.match(auto, /\[preload\]|\[strace\]/, auto);
    recordOk(declared, ['--session-id', 'c', ...files.flatMap((f) => ['--input', f]), '--output', 'all.txt', '--', 'sh', 'cat.sh']);
    const rows = (root: string) =>
      query<{ p: string; hash: string; role: string; size_bytes: number }>(root, "SELECT file_path AS p, hash, role, size_bytes FROM file_hashes WHERE session_id = 'c' ORDER BY file_path, role").map((r) => ({ ...r, p: path.relative(root, r.p) }));
    const parents = (root: string) => query<{ parent_session: string }>(root, "SELECT parent_session FROM session_parents WHERE session_id = 'c' ORDER BY parent_session").map((r) => r.parent_session);
    const parentOf = (root: string) => query<{ parent_session: string | null }>(root, "SELECT parent_session FROM runs WHERE session_id = 'c'")[0]?.parent_session;
    assert.equal(rows(batched).filter((r) => r.role === 'input').length, FILES);
    assert.deepEqual(rows(batched), rows(declared));
    assert.deepEqual(parents(batched), ['p0', 'p1', 'p2']);
    assert.deepEqual(parents(batched), parents(declared));
    // The run's one parent is the latest producer of the first input read (d/f0000.txt: p0).
    assert.equal(parentOf(batched), 'p0');
    assert.equal(parentOf(batched), parentOf(declared));
  });

  test('inputs written while the command runs, then overwritten, changed or deleted by it: corrected to what strace captures', { timeout: 120_000 }, () => {
    const twins = ['live', 'traced'].map((name) => {
      const root = newProject(base, `changing-${name}`);
      write(root, 'make.sh', 'for f in keep redo gone edit; do echo "$f v1" > "$f.txt"; done\n');
      recordOk(root, ['--session-id', 'p', '--auto', '--', 'sh', 'make.sh']);
      // Waits (read-only) until the live writer has written the four input rows, so the
      // changes below happen after it; the strace twin has no such rows and waits 1 s instead.
      write(root, 'wait_live.py', `import sqlite3, sys, time
db = sqlite3.connect("file:.scitex/clew/runtime/clew.db?mode=ro", uri=True)
for _ in range(300):
    if db.execute("SELECT COUNT(*) FROM file_hashes WHERE session_id = 'c' AND role = 'input' AND file_path LIKE '%.txt'").fetchone()[0] >= 4:
        sys.exit(0)
    time.sleep(0.05)
sys.exit(0 if sys.argv[1:] == ["traced"] else 3)
`);
      write(root, 'step.sh', `cat keep.txt redo.txt gone.txt edit.txt > /dev/null
python3 wait_live.py ${name}
echo v2 > redo.txt
rm gone.txt
echo "edit v2" > edit.tmp && cat edit.tmp > /dev/null && mv edit.tmp edit.txt
cat keep.txt > out.txt
`);
      return root;
    });
    const [live, traced] = twins as [string, string];
    recordOk(live, ['--session-id', 'c', '--', 'sh', 'step.sh']);
    recordOk(traced, ['--session-id', 'c', '--', 'sh', 'step.sh'], { CLEW_CAPTURE: 'strace' });
    const rows = (root: string) =>
      query<{ p: string; hash: string; role: string }>(root, "SELECT file_path AS p, hash, role FROM file_hashes WHERE session_id = 'c' AND file_path NOT LIKE '%.py' ORDER BY file_path, role").map((r) => `${r.role} ${path.relative(root, r.p)} ${r.hash.slice(0, 12)}`);
    const links = (root: string) => query<{ parent_session: string }>(root, "SELECT parent_session FROM session_parents WHERE session_id = 'c'").map((r) => r.parent_session);
    // keep.txt stays an input; redo.txt (written after), gone.txt (deleted) and edit.txt (renamed onto) do not.
    assert.deepEqual(rows(live).map((r) => r.split(' ').slice(0, 2).join(' ')), ['output edit.txt', 'input keep.txt', 'output out.txt', 'output redo.txt']);
    assert.deepEqual(rows(live), rows(traced));
    assert.deepEqual(links(live), ['p']);
    assert.deepEqual(links(live), links(traced));
  });

  test('an input changed by another process after it was written live is recorded with its bytes at the end', { timeout: 120_000 }, () => {
    const root = newProject(base, 'changed-outside');
    write(root, 'in.txt', 'old\n');
    write(root, 'wait_live.py', `import sqlite3, time
db = sqlite3.connect("file:.scitex/clew/runtime/clew.db?mode=ro", uri=True)
for _ in range(300):
    if db.execute("SELECT COUNT(*) FROM file_hashes WHERE session_id = 'c' AND role = 'input'").fetchone()[0]:
        break
    time.sleep(0.05)
`);
    // The change comes from a process started outside the capture (no LD_PRELOAD), as another user's job would.
    write(root, 'step.sh', 'cat in.txt > out.txt\npython3 wait_live.py\nenv -u LD_PRELOAD sh -c \'sleep 0.01; echo new > in.txt\'\n');
    recordOk(root, ['--session-id', 'c', '--', 'sh', 'step.sh']);
    const [input] = query<{ hash: string }>(root, "SELECT hash FROM file_hashes WHERE session_id = 'c' AND role = 'input' AND file_path LIKE '%/in.txt'");
    assert.equal(input?.hash, createHash('sha256').update('new\n').digest('hex'));
  });

  test('an unusable store found after the command started: the command ran once, the error says so, the store is untouched', () => {
    const root = newProject(base, 'corrupt');
    fs.mkdirSync(path.join(root, path.dirname(DB)), { recursive: true });
    const garbage = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]);
    fs.writeFileSync(path.join(root, DB), garbage);
    write(root, 'step.sh', 'echo ran >> marker.txt\n');
    const r = clew(root, ['record', '--', 'sh', 'step.sh']);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /the command ran and exited 0; nothing was recorded/, r.stderr);
    assert.equal(fs.readFileSync(path.join(root, 'marker.txt'), 'utf8'), 'ran\n');
    assert.deepEqual(fs.readFileSync(path.join(root, DB)), garbage);
  });

  for (const mode of ['delete', 'wal']) test(`a foreign SQLite database (journal ${mode}) where the store should be: refused, its file unchanged`, () => {
    const root = newProject(base, `foreign-${mode}`);
    const db = path.join(root, DB);
    fs.mkdirSync(path.dirname(db), { recursive: true });
    spawnSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=" + sys.argv[2]); c.execute("CREATE TABLE photos (id INTEGER, name TEXT)"); c.commit(); c.close()', db, mode]);
    const before = fs.readFileSync(db);
    write(root, 'step.sh', 'echo ran >> marker.txt\n');
    const r = clew(root, ['record', '--', 'sh', 'step.sh']);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /not a Clew store \(tables: photos\).*the command ran and exited 0; nothing was recorded/, r.stderr);
    assert.deepEqual(fs.readFileSync(db), before);
    const tables = spawnSync('python3', ['-c', 'import sqlite3,sys; print(",".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT name FROM sqlite_master WHERE type=\'table\'")))', db], { encoding: 'utf8' }).stdout.trim();
    assert.equal(tables, 'photos');
  });

  test('options after -- belong to the command: `clew record -- sh -c … --help` runs it', () => {
    const root = newProject(base, 'help');
    const r = clew(root, ['record', '--', 'sh', '-c', 'echo "arg:$1"', 'x', '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'arg:--help\n');
    assert.match(r.stderr, /clew: recorded /);
  });

  test('a command that cannot run starts nothing and is a clear error', () => {
    const root = newProject(base, 'missing');
    const r = clew(root, ['record', '--', './no-such-step.sh']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot run '\.\/no-such-step\.sh'.*nothing recorded/);
    assert.equal(fs.existsSync(path.join(root, DB)), false);
  });

  test('a python3 that cannot start the writer: the rows go through the sqlite3 shell', () => {
    const root = newProject(base, 'no-python-writer');
    write(root, 'broken-python', '#!/bin/sh\necho "ModuleNotFoundError: No module named _sqlite3" >&2\nexit 1\n', 0o755);
    write(root, 'in.txt', 'data\n');
    write(root, 'step.sh', 'cat in.txt > out.txt\n');
    recordOk(root, ['--session-id', 's1', '--', 'sh', 'step.sh'], { CLEW_WRITER_PYTHON: path.join(root, 'broken-python') });
    const files = query<{ p: string; role: string }>(root, "SELECT file_path AS p, role FROM file_hashes WHERE session_id = 's1' ORDER BY role").map((f) => `${f.role}:${path.basename(f.p)}`);
    assert.deepEqual(files, ['input:in.txt', 'output:out.txt']);
    assert.equal(query<{ status: string }>(root, "SELECT status FROM runs WHERE session_id = 's1'")[0]?.status, 'success');
  });

  test('a writer that dies after it started is reported, not silently retried elsewhere', () => {
    const root = newProject(base, 'dying-writer');
    // Says ready, then dies on the first request: that request may have committed, so no retry.
    write(root, 'dying-python', '#!/bin/sh\necho \'{"ready": true}\'\nread line\nexit 7\n', 0o755);
    write(root, 'step.sh', 'echo x > out.txt\n');
    const r = clew(root, ['record', '--session-id', 's1', '--', 'sh', 'step.sh'], { CLEW_WRITER_PYTHON: path.join(root, 'dying-python') });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /python3 writer exited \(7\)/, r.stderr);
    assert.match(r.stderr, /the command ran and exited 0; nothing was recorded/, r.stderr);
  });
});
