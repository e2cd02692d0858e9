/**
 * The copy sandbox (no mount namespace: macOS, locked-down containers), forced with
 * CLEW_RERUN_SANDBOX=copy: the script and its recorded inputs are copied at the same relative
 * layout, the run is verified, stderr says which protection is missing, and relative writes,
 * deletes and store appends land in the copy.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RerunDagResult, RerunVerification } from '../../../src/engine/rerun/types';
import { clew, dumpDelta, newProject, recordSh, storeDump, tempBase, treeHash, write } from '../../support/recordedProject';

const base = tempBase('clew-rerun-copy-');
after(() => fs.rmSync(base, { recursive: true, force: true }));
const COPY = { CLEW_RERUN_SANDBOX: 'copy' };

test('copy sandbox: verified, says what it does not protect, leaves the project alone', () => {
  const root = newProject(base, 'copy me');
  write(root, 'in/raw data.txt', 'b\na\n');
  write(root, 'precious.txt', 'keep\n');
  write(root, 'scripts/sort.sh', `sort "../in/raw data.txt" > ../sorted.txt\nif [ -e "${path.join(base, 'flag')}" ]; then rm -f ../precious.txt; echo x > ../stray.txt; fi\n`);
  write(root, 'scripts/count.sh', 'wc -l < ../sorted.txt > ../count.txt\n');
  const r1 = clew(path.join(root, 'scripts'), ['record', '--session-id', 's1', '--input', '../in/raw data.txt', '--output', '../sorted.txt', '--', 'sh', 'sort.sh']);
  assert.equal(r1.status, 0, r1.stderr);
  recordShIn(root, 'scripts', 'count.sh', ['../sorted.txt'], ['../count.txt'], 's2');
  write(base, 'flag', '');
  const tree = treeHash(root);
  const dump = storeDump(root);
  const r = clew(root, ['rerun-dag', '--json'], COPY);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const dag = JSON.parse(r.stdout) as RerunDagResult;
  assert.equal(dag.status, 'verified');
  assert.deepEqual(dag.runs.map((x) => x.rerun.sandbox), ['copy', 'copy']);
  assert.match(r.stderr, /copy sandbox: .*not protected/);
  assert.deepEqual(treeHash(root), tree);
  const delta = dumpDelta(dump, storeDump(root));
  assert.deepEqual(delta.removed, []);
  assert.equal(delta.added.length, 2);
});

test('copy sandbox: a changed output is still caught', () => {
  const root = newProject(base, 'copy-mismatch');
  write(root, 'gen.sh', `if [ -e "${path.join(base, 'flag2')}" ]; then echo 2 > out.txt; else echo 1 > out.txt; fi\n`);
  recordSh(root, 'gen.sh', [], ['out.txt'], 'g1');
  write(base, 'flag2', '');
  const r = clew(root, ['rerun', 'g1', '--json'], COPY);
  assert.equal(r.status, 12, r.stderr);
  const result = JSON.parse(r.stdout) as RerunVerification;
  assert.equal(result.rerun.sandbox, 'copy');
  assert.equal(result.files[0].status, 'mismatch');
  assert.equal(fs.readFileSync(path.join(root, 'out.txt'), 'utf8'), '1\n');
});

function recordShIn(root: string, sub: string, script: string, inputs: string[], outputs: string[], sessionId: string): void {
  const args = ['record', '--session-id', sessionId, ...inputs.flatMap((i) => ['--input', i]), ...outputs.flatMap((o) => ['--output', o]), '--', 'sh', script];
  const r = clew(path.join(root, sub), args);
  assert.equal(r.status, 0, r.stderr);
}
