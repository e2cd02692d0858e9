/**
 * `clew ingest` killed with SIGKILL part-way, three times at different points (twice the whole
 * process group, once only the node process, which must take its python writer with it), then
 * run to completion: every session is in the main store exactly once, no file_hashes row is
 * doubled, the store passes integrity_check, and a half-written hand-over (.partial-…) is never
 * taken for a store. Two ingests started at once merge each session exactly once too, and an
 * ingest killed while it waits for the lock leaves no python writer behind (PR_SET_PDEATHSIG).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, clew, newProject, processesMatching, query, tempBase, write } from '../support/recordedProject';
import { cloneSpooled } from '../support/spoolStores';
import { spawnAsync } from '../support/spawnAsync';

const INCOMING = '.scitex/clew/runtime/incoming';
const STORES = 60;

function pending(root: string): number {
  return fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db') && !f.startsWith('.partial-')).length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether `pid` waits for a flock: /proc/locks lists a waiter as "N: -> FLOCK ADVISORY WRITE PID …".
 * (A version manager's shim may still be starting the interpreter; that is not waiting yet.)
 */
function blockedOnFlock(pid: number): boolean {
  try {
    return fs.readFileSync('/proc/locks', 'utf8').split('\n').some((l) => /->\s+FLOCK/.test(l) && l.split(/\s+/).includes(String(pid)));
  } catch {
    return false;
  }
}

/** A project with a main store of one run and a one-session spooled store to clone from. */
function project(base: string, name: string): { root: string; template: string } {
  const root = newProject(base, name);
  write(root, 'in.txt', 'data\n');
  const first = clew(root, ['record', '--session-id', 'main-1', '--input', 'in.txt', '--output', 'out0.txt', '--', 'sh', '-c', 'cat in.txt > out0.txt']);
  assert.equal(first.status, 0, first.stderr);
  const spooled = clew(root, ['record', '--spool', '--session-id', 'template', '--input', 'in.txt', '--output', 'out1.txt', '--', 'sh', '-c', 'cat in.txt > out1.txt']);
  assert.equal(spooled.status, 0, spooled.stderr);
  const [made] = fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db'));
  const template = path.join(base, `${name}-template.db`);
  fs.renameSync(path.join(root, INCOMING, made), template);
  return { root, template };
}

/**
 * Starts `clew ingest` in its own process group and SIGKILLs it once `merged` more stores have
 * left incoming/; `group` false kills only the node process. Returns how many stores it merged.
 */
async function killPartWay(root: string, merged: number, group: boolean): Promise<number> {
  const before = pending(root);
  const child = spawn(process.execPath, [CLI, 'ingest', '--json'], { cwd: root, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && before - pending(root) < merged) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.ok(!done, `ingest finished before the kill point (${before - pending(root)} of ${before} merged)`);
  process.kill(group ? -(child.pid ?? 0) : (child.pid ?? 0), 'SIGKILL');
  await exited;
  if (!group) {
    // Nothing merges on after the kill: an orphaned writer would go on emptying incoming/.
    await sleep(50);
    const atKill = pending(root);
    await sleep(600);
    assert.equal(pending(root), atKill, 'no store is merged after clew ingest was killed');
    assert.deepEqual(processesMatching(path.join(root, INCOMING)).map((l) => l.split(' ')[0]), [], 'no writer outlives a killed clew ingest');
  }
  return before - pending(root);
}

describe('clew ingest under SIGKILL and concurrency', () => {
  let base: string;
  before(() => {
    base = tempBase('clew-ingest-crash-');
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('killed three times part-way, then completed: every session once, nothing doubled', async () => {
    const { root, template } = project(base, 'crash');
    const perSession = query<{ n: number }>(root, "SELECT COUNT(*) AS n FROM file_hashes WHERE session_id = 'main-1'")[0].n;
    const ids = cloneSpooled(template, path.join(root, INCOMING), 'crash', STORES);
    // A hand-over cut short: never a store, never merged, never rejected.
    write(root, `${INCOMING}/.partial-nodeX_1_cut.clew.db.1`, 'half a copy');
    write(root, `${INCOMING}/.partial-nodeY_2_cut.clew.db`, 'half a copy');

    const mergedPerRound: number[] = [];
    for (const [merged, group] of [
      [5, true],
      [10, false],
      [10, true],
    ] as const) {
      mergedPerRound.push(await killPartWay(root, merged, group));
      const left = pending(root);
      assert.ok(left > 0 && left < STORES, `killed part-way: ${left} stores left`);
    }
    assert.ok(pending(root) < STORES - 20, `the killed ingests merged ${mergedPerRound.join(', ')}`);

    const done = clew(root, ['ingest', '--json']);
    assert.equal(done.status, 0, done.stderr);
    assert.equal(pending(root), 0);
    const sessions = query<{ session_id: string; n: number }>(root, "SELECT session_id, COUNT(*) AS n FROM runs WHERE session_id LIKE 'crash-%' GROUP BY session_id ORDER BY session_id");
    assert.deepEqual(sessions.map((s) => s.session_id), ids);
    assert.ok(sessions.every((s) => s.n === 1));
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n, STORES + 1);
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM file_hashes')[0].n, (STORES + 1) * perSession, 'no file_hashes row doubled');
    const dup = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM (SELECT session_id, file_path, role FROM file_hashes GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)');
    assert.equal(dup[0].n, 0);
    assert.deepEqual(query<{ integrity_check: string }>(root, 'PRAGMA integrity_check').map((x) => x.integrity_check), ['ok']);
    const names = fs.readdirSync(path.join(root, INCOMING));
    assert.deepEqual(names.filter((n) => n.startsWith('.partial-')).sort(), ['.partial-nodeX_1_cut.clew.db.1', '.partial-nodeY_2_cut.clew.db'], 'partial files are left alone');
    assert.ok(!fs.existsSync(path.join(root, INCOMING, 'rejected')), 'nothing rejected');
    const status = clew(root, ['status']);
    assert.doesNotMatch(status.stderr, /handed-over stores? wait/, 'partial files are not counted as waiting stores');
  });

  test('an ingest killed while waiting for the lock takes its writer with it', async () => {
    const { root, template } = project(base, 'orphan');
    const ids = cloneSpooled(template, path.join(root, INCOMING), 'orphan', 5);
    // Another ingest holds the lock (as a long merge would) for as long as this test needs.
    const holder = spawn('python3', ['-c', 'import fcntl,os,sys,time\nfd=os.open(sys.argv[1],os.O_RDWR|os.O_CREAT)\nfcntl.flock(fd,fcntl.LOCK_EX)\nprint("locked",flush=True)\ntime.sleep(120)', path.join(root, INCOMING, '.ingest.lock')], { stdio: ['ignore', 'pipe', 'ignore'] });
    after(() => holder.kill('SIGKILL'));
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const child = spawn(process.execPath, [CLI, 'ingest'], { cwd: root, detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // The writer's argv names every store it was given; the lock holder's names none.
    const marker = path.join(root, INCOMING, `clone_${ids[0]}.clew.db`);
    let waiting = false;
    for (let i = 0; i < 400 && !waiting; i++) {
      await sleep(25);
      waiting = processesMatching(marker).some((l) => blockedOnFlock(Number(l.split(' ')[0])));
    }
    assert.ok(waiting, 'the writer is blocked on the lock');
    process.kill(child.pid ?? 0, 'SIGKILL'); // the node process only, not its group
    await exited;
    let left = processesMatching(marker);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await sleep(50);
      left = processesMatching(marker);
    }
    assert.deepEqual(left.map((l) => l.split(' ')[0]), [], 'the waiting writer died with clew ingest');
    holder.kill('SIGKILL');
    await new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    const done = clew(root, ['ingest']);
    assert.equal(done.status, 0, done.stderr);
    assert.equal(query<{ n: number }>(root, "SELECT COUNT(*) AS n FROM runs WHERE session_id LIKE 'orphan-%'")[0].n, ids.length);
  });

  test('two ingests at once: each session exactly once', async () => {
    const { root, template } = project(base, 'both');
    const ids = cloneSpooled(template, path.join(root, INCOMING), 'both', STORES);
    const [a, b] = await Promise.all([0, 1].map(() => spawnAsync(process.execPath, [CLI, 'ingest', '--json'], { cwd: root })));
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const added = [a, b].map((r) => (JSON.parse(r.stdout) as { sessionsAdded: number; rejected: number }));
    assert.equal(added[0].sessionsAdded + added[1].sessionsAdded, STORES, `${a.stdout}\n${b.stdout}`);
    assert.equal(added[0].rejected + added[1].rejected, 0);
    const sessions = query<{ session_id: string; n: number }>(root, "SELECT session_id, COUNT(*) AS n FROM runs WHERE session_id LIKE 'both-%' GROUP BY session_id ORDER BY session_id");
    assert.deepEqual(sessions.map((s) => s.session_id), ids);
    assert.ok(sessions.every((s) => s.n === 1));
    assert.equal(pending(root), 0);
    assert.deepEqual(query<{ integrity_check: string }>(root, 'PRAGMA integrity_check').map((x) => x.integrity_check), ['ok']);
  });
});
