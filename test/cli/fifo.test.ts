/**
 * A recorded file replaced by a FIFO (named pipe) nobody writes to: opening it for reading would
 * block forever. Every way `clew status` can check it — the slow path, the warm snapshot, the
 * early `--rehash` threads, the worker pool — must answer promptly and call the file missing
 * (unreadable: it cannot be checked), never hang and never call it verified. Real processes, each
 * with a timeout that turns a hang into a failure.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileHasher } from '../../src/engine/hash/fileHasher';
import { buildPythonStore } from '../support/pythonStore';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const posix = process.platform !== 'win32';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew fifo '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function status(db: string, ...extra: string[]): { code: number | null; json: { mismatch_count: number; missing_count: number; verified_count: number; missing: { files: string[] }[] } } {
  const r = spawnSync(process.execPath, [CLI, '--db', db, 'status', '--json', ...extra], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, `clew status ${extra.join(' ')} hung (killed after 30 s)`);
  return { code: r.status, json: JSON.parse(r.stdout) as ReturnType<typeof status>['json'] };
}

test('status, warm status, --rehash and the worker pool answer for a FIFO: missing, not verified, no hang', { skip: !posix }, async () => {
  const root = path.join(dir, 'project');
  fs.mkdirSync(root);
  const db = path.join(dir, 'clew.db');
  buildPythonStore(db, root, 40);
  const first = status(db);
  assert.equal(first.json.verified_count, 3);
  // An output of run1 becomes a FIFO; the warm snapshot left by the first status still lists it as a file.
  const victim = path.join(root, 'r1_f05.txt');
  fs.rmSync(victim);
  execFileSync('mkfifo', [victim]);
  for (const extra of [[], [], ['--rehash'], ['--rehash', '--limit', '2']]) {
    const r = status(db, ...extra);
    assert.equal(r.code, 11, `exit code of status ${extra.join(' ')}`);
    assert.equal(r.json.verified_count, extra.includes('--limit') ? 1 : 2, extra.join(' ')); // --limit 2: run2 and run1
    assert.deepEqual(r.json.missing.map((m) => m.files), [[victim]], extra.join(' '));
  }
  // The editor's hasher: on the pool (many files) and alone.
  for (const concurrency of [undefined, 0]) {
    const hasher = createFileHasher({ useCache: false, concurrency });
    try {
      const paths = fs.readdirSync(root).map((f) => path.join(root, f));
      const outcomes = await hasher.hashMany(paths);
      assert.equal(outcomes.get(victim)?.kind, 'unreadable', `concurrency ${concurrency}`);
      const unreadable = outcomes.get(victim);
      assert.match(unreadable?.kind === 'unreadable' ? unreadable.error : '', /FIFO/);
      assert.equal(outcomes.get(path.join(root, 'r1_f04.txt'))?.kind, 'hash');
    } finally {
      await hasher.dispose();
    }
  }
});
