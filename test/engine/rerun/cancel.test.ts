/**
 * Cancel (the editor's progress notification, Ctrl-C in the CLI) through the Node API: aborting
 * the signal kills every process of the rerun, reports the run `unknown` ("cancelled") and leaves no
 * verification row.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { rerunDag } from '../../../src/engine/rerun/rerun';
import { openStore } from '../../../src/engine/store/open';
import { spawn } from 'node:child_process';
import { CLI, newProject, processesMatching, query, recordSh, STORE, tempBase, write } from '../../support/recordedProject';

const base = tempBase('clew-rerun-cancel-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

test('aborting a rerun-dag kills the run, reports it cancelled, and records nothing', async () => {
  const root = newProject(base, 'cancel');
  const marker = `clew_cancel_marker_${process.pid}`;
  const flag = path.join(root, 'slow-flag');
  write(root, 'slow.sh', `echo done > out.txt\nif [ -e "${flag}" ]; then sh -c 'sleep 3000; : ${marker}'; fi\n`);
  recordSh(root, 'slow.sh', [], ['out.txt'], 'slow-run');
  write(root, 'slow-flag', '');
  const store = await openStore(path.join(root, STORE));
  const hasher = createFileHasher({ useCache: false });
  try {
    const controller = new AbortController();
    const result = await rerunDag({ store, view: await store.snapshot(), hasher, cwd: root, projectRoot: root }, {}, {
      signal: controller.signal,
      onEvent(event) {
        // Cancel once the script is running (its grandchild sleeps).
        if (event.type === 'start') setTimeout(() => controller.abort(new Error('cancelled')), 1500);
      },
    });
    assert.equal(result.runs.length, 1);
    assert.equal(result.runs[0].status, 'unknown');
    assert.match(result.runs[0].rerun.reason ?? '', /cancel/);
    assert.equal(result.runs[0].rerun.recorded, false);
  } finally {
    await hasher.dispose();
    await store.close();
  }
  assert.deepEqual(processesMatching(marker), []);
  assert.deepEqual(query(root, 'SELECT * FROM verification_results'), []);
});

test('Ctrl-C on clew rerun-dag stops the run and its processes, exit 130', async () => {
  const root = newProject(base, 'sigint');
  const marker = `clew_sigint_marker_${process.pid}`;
  const flag = path.join(root, 'sigint-flag');
  write(root, 'slow.sh', `echo done > out.txt\nif [ -e "${flag}" ]; then sh -c 'sleep 3000; : ${marker}'; fi\n`);
  recordSh(root, 'slow.sh', [], ['out.txt'], 'sigint-run');
  write(root, 'sigint-flag', '');
  const child = spawn(process.execPath, [CLI, 'rerun-dag', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  // Interrupt once the script is running (its grandchild sleeps under the marker).
  for (let i = 0; i < 300 && processesMatching(marker).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(processesMatching(marker).length > 0, `the run started: ${stderr}`);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /stopping the rerun/);
  assert.deepEqual(processesMatching(marker), []);
  assert.deepEqual(query(root, 'SELECT * FROM verification_results'), []);
});
