/**
 * The multi-host warning (src/engine/cluster/multiHost.ts): a store on a network filesystem (here
 * mountinfo text naming its directory nfs4) written directly from two hosts warns, naming both and
 * the filesystem; the same store on a local mount does not; sessions merged by `clew ingest` are in
 * `clew_ingested` and their hosts do not count.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkMultiHost, directHostsOf, multiHostWarning } from '../../../src/engine/cluster/multiHost';
import { openStore } from '../../../src/engine/store/open';
import type { StoreView } from '../../../src/engine/store/types';
import { clew, newProject, query, STORE, tempBase, write } from '../../support/recordedProject';

/** A mountinfo with `/` on ext4 and `mount` on `fstype` (the format of /proc/self/mountinfo). */
function mountinfo(mount: string, fstype: string): string {
  return [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    `98 22 0:51 / ${mount.replace(/ /g, '\\040')} rw,relatime shared:40 - ${fstype} fileserver:/export rw,vers=4.2`,
  ].join('\n');
}

async function withView<T>(root: string, fn: (view: StoreView) => T): Promise<T> {
  const store = await openStore(path.join(root, STORE), { readOnly: true });
  try {
    return fn(await store.snapshot());
  } finally {
    await store.close();
  }
}

describe('multi-host warning', () => {
  let base: string;
  let root: string;
  before(() => {
    base = tempBase('clew-multihost-');
    root = newProject(base, 'proj');
    write(root, 'make.sh', 'cat in.txt > "out $1.txt"\n');
    write(root, 'in.txt', 'data\n');
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('the decision from facts alone', () => {
    assert.equal(multiHostWarning({ fstype: 'ext4', directHosts: ['a', 'b'] }, '/s/clew.db'), undefined);
    assert.equal(multiHostWarning({ fstype: 'nfs4', directHosts: ['a', 'a'] }, '/s/clew.db'), undefined);
    assert.equal(multiHostWarning({ fstype: undefined, directHosts: ['a', 'b'] }, '/s/clew.db'), undefined);
    const w = multiHostWarning({ fstype: 'lustre', directHosts: ['n2', 'n1', ''] }, '/s/clew.db');
    assert.deepEqual(w?.hosts, ['n1', 'n2']);
    assert.match(w?.message ?? '', /network filesystem \(lustre\).*2 hosts \(n1, n2\).*clew record --spool.*clew spool.*clew ingest/);
  });

  test('one direct host and spooled runs from others: no warning; a second direct host: warning', async () => {
    const direct = (id: string, host: string) => clew(root, ['record', '--session-id', id, '--input', 'in.txt', '--output', `out ${id}.txt`, '--', 'sh', 'make.sh', id], { SCITEX_CLEW_HOST: host, CLEW_SPOOL: '0' });
    assert.equal(direct('d1', 'login1').status, 0);
    for (const [id, host] of [['s1', 'node7'], ['s2', 'node8']]) {
      const r = clew(root, ['record', '--spool', '--session-id', id, '--input', 'in.txt', '--output', `out ${id}.txt`, '--', 'sh', 'make.sh', id], { SCITEX_CLEW_HOST: host });
      assert.equal(r.status, 0, r.stderr);
    }
    const ingest = clew(root, ['ingest']);
    assert.equal(ingest.status, 0, ingest.stderr);
    assert.deepEqual(query<{ session_id: string }>(root, 'SELECT session_id FROM clew_ingested ORDER BY session_id').map((r) => r.session_id), ['s1', 's2'], 'ingest lists what it merged');
    const storeDir = fs.realpathSync(path.dirname(path.join(root, STORE)));
    const nfs = mountinfo(path.dirname(storeDir), 'nfs4');
    await withView(root, (view) => {
      assert.deepEqual(directHostsOf(view), ['login1'], 'ingested sessions are not direct writes');
      assert.equal(checkMultiHost(view, nfs), undefined);
    });

    assert.equal(direct('d2', 'node9').status, 0);
    await withView(root, (view) => {
      const w = checkMultiHost(view, nfs);
      assert.equal(w?.fstype, 'nfs4');
      assert.deepEqual(w?.hosts, ['login1', 'node9']);
      assert.ok(w?.message.includes(view.dbPath), w?.message);
      assert.equal(checkMultiHost(view, mountinfo(path.dirname(storeDir), 'ext4')), undefined, 'a local mount never warns');
    });
  });
});
