/**
 * `clew status` and the multi-host warning, on this machine's (local) filesystem: two hosts writing
 * the store directly is safe there, so no warning. The positive case needs a network filesystem,
 * which the engine test (test/engine/cluster/multiHost.test.ts) gives through mountinfo text.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isNetworkFsType, filesystemTypeOf } from '../../src/engine/cluster/networkFs';
import { clew, newProject, tempBase, write } from '../support/recordedProject';

let base: string;
let root: string;
before(() => {
  base = tempBase('clew-multihost-cli-');
  root = newProject(base, 'proj');
  write(root, 'make.sh', 'cat in.txt > "out $1.txt"\n');
  write(root, 'in.txt', 'data\n');
});
after(() => fs.rmSync(base, { recursive: true, force: true }));

test('clew status on a local filesystem with rows from two hosts: no multi-host warning', (t) => {
  const fstype = filesystemTypeOf(root);
  if (fstype && isNetworkFsType(fstype)) return t.skip(`the temp folder is on ${fstype}`);
  for (const [id, host] of [['a1', 'alpha'], ['b1', 'beta']]) {
    const r = clew(root, ['record', '--session-id', id, '--input', 'in.txt', '--output', `out ${id}.txt`, '--', 'sh', 'make.sh', id], { SCITEX_CLEW_HOST: host, CLEW_SPOOL: '0' });
    assert.equal(r.status, 0, r.stderr);
  }
  for (const extra of [[], ['--rehash']]) {
    const status = clew(root, ['status', ...extra]);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.doesNotMatch(status.stderr, /network filesystem|written directly from/, status.stderr);
    assert.ok(fs.existsSync(path.join(root, '.scitex/clew/runtime/clew.db')));
  }
});
