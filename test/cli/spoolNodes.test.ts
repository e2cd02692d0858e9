/**
 * Eight simulated compute nodes recording at the same time: each node is its own UTS namespace
 * with its own host name (`unshare --uts`, root needed), and does ten runs, half with
 * `clew record --spool` and half with `clew spool -- python3 script.py` (a script recording
 * through the scitex_clew stand-in). No SCITEX_CLEW_HOST or SAC_HOST is set, so the host name
 * stamped into file_hashes.host has to come from the node itself. One `clew ingest` then holds
 * all 80 sessions, each once, each stamped with its node's name; a second ingest adds nothing.
 * Where there is no root or no unshare the test skips with the reason; under CI=true it fails.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, newProject, query, tempBase, write } from '../support/recordedProject';
import { envWithoutHost, spawnAsync, type AsyncResult } from '../support/spawnAsync';

const INCOMING = '.scitex/clew/runtime/incoming';
const STAND_IN = path.resolve(__dirname, '../../../test/support/python');
const NODES = 8;
const RUNS = 10;

const SCRIPT = `import os, sys
import scitex_clew
from scitex_clew._observers import on_io_load, on_io_save
sid, src, dst = sys.argv[1:4]
scitex_clew.on_session_start(sid, script_path=os.path.realpath(__file__))
with open(src) as f:
    data = f.read()
on_io_load(src)
with open(dst, "w") as f:
    f.write(data.upper())
on_io_save(dst)
scitex_clew.on_session_close(status="success", exit_code=0)
`;

/** Why the nodes cannot be simulated here, or undefined when they can; throws under CI=true. */
function whyNoNodes(): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'not running as root (unshare --uts needs CAP_SYS_ADMIN)';
  else {
    const probe = spawnSync('unshare', ['--uts', 'sh', '-c', 'hostname clew-probe && hostname'], { encoding: 'utf8' });
    if (probe.error) reason = `unshare is not available: ${probe.error.message}`;
    else if (probe.status !== 0 || probe.stdout.trim() !== 'clew-probe') reason = `unshare --uts failed: ${probe.stderr.trim()}`;
  }
  if (reason && process.env.CI === 'true') throw new Error(`CI=true: the simulated-node test must run, but ${reason}`);
  return reason;
}

/** argv run inside a fresh UTS namespace whose host name is `host`. */
function onNode(root: string, host: string, argv: string[]): Promise<AsyncResult> {
  return spawnAsync('unshare', ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', host, ...argv], { cwd: root, env: envWithoutHost({ PYTHONPATH: STAND_IN }) });
}

async function node(root: string, n: number): Promise<string[]> {
  const host = `node${n}`;
  const failures: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = `out/${host}-${i}.txt`;
    const argv =
      i % 2 === 0
        ? [process.execPath, CLI, 'record', '--spool', '--session-id', `${host}-rec-${i}`, '--input', 'in.txt', '--output', out, '--', 'sh', 'make.sh', out]
        : [process.execPath, CLI, 'spool', '--', 'python3', 'script.py', `${host}-py-${i}`, 'in.txt', out];
    const r = await onNode(root, host, argv);
    if (r.status !== 0) failures.push(`${host} run ${i} (${r.status}): ${r.stderr}`);
  }
  return failures;
}

const skip = whyNoNodes();

describe('eight nodes spooling at once, one ingest', { skip }, () => {
  let base: string;
  let root: string;
  before(() => {
    base = tempBase('clew-nodes-');
    root = newProject(base, 'proj');
    write(root, 'make.sh', 'cat in.txt > "$1"\n');
    write(root, 'in.txt', 'data\n');
    write(root, 'script.py', SCRIPT);
    fs.mkdirSync(path.join(root, 'out'));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('80 runs on 8 hosts: each session once, stamped with its own node', async () => {
    const failures = (await Promise.all(Array.from({ length: NODES }, (_, n) => node(root, n)))).flat();
    assert.deepEqual(failures, []);
    const waiting = fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db'));
    assert.equal(waiting.length, NODES * RUNS, 'one handed-over store per run');

    const r = spawnSync(process.execPath, [CLI, 'ingest', '--json'], { cwd: root, encoding: 'utf8', env: envWithoutHost() });
    assert.equal(r.status, 0, r.stderr);
    const rows = query<{ session_id: string; hosts: string; n: number }>(
      root,
      'SELECT r.session_id, GROUP_CONCAT(DISTINCT f.host) AS hosts, (SELECT COUNT(*) FROM runs x WHERE x.session_id = r.session_id) AS n FROM runs r LEFT JOIN file_hashes f ON f.session_id = r.session_id GROUP BY r.session_id ORDER BY r.session_id',
    );
    const expected: string[] = [];
    for (let n = 0; n < NODES; n++) for (let i = 0; i < RUNS; i++) expected.push(`node${n}-${i % 2 === 0 ? 'rec' : 'py'}-${i}`);
    assert.deepEqual(rows.map((x) => x.session_id), [...expected].sort());
    assert.ok(rows.every((x) => x.n === 1), 'each session once');
    const wrongHost = rows.filter((x) => x.hosts !== x.session_id.split('-')[0]).map((x) => `${x.session_id}: ${x.hosts}`);
    assert.deepEqual(wrongHost, [], 'file_hashes.host is the node the run ran on');
    // Every run recorded one input and one output.
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM file_hashes')[0].n, NODES * RUNS * 2);
    assert.deepEqual(query<{ integrity_check: string }>(root, 'PRAGMA integrity_check').map((x) => x.integrity_check), ['ok']);
    assert.deepEqual(fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db')), [], 'incoming/ holds no store');

    const again = spawnSync(process.execPath, [CLI, 'ingest', '--json'], { cwd: root, encoding: 'utf8', env: envWithoutHost() });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n, NODES * RUNS, 'a second ingest adds nothing');
  });
});
