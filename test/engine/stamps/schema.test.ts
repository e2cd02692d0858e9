/**
 * On a store that was never stamped (legacy-real-schema0: no stamps table) Clew refuses to stamp
 * unknown sessions, stamps chosen sessions of any status (as upstream), and creates `stamps` + `idx_stamps_hash` with the very SQL text scitex-clew leaves in
 * sqlite_master (compared with seq-rerun's dump). The bundled Node API exports the three calls.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { openStore } from '../../../src/engine/store/open';
import { checkStamp, stamp } from '../../../src/engine/stamps/stamps';
import { FIXTURES, materialiseCopy, pythonRootHash } from './helpers';

interface SchemaRow {
  type: string;
  name: string;
  sql: string | null;
}

describe('stamps table created as upstream', () => {
  test('legacy store: unknown sessions refused; named running sessions stamped; upstream DDL', async () => {
    const m = materialiseCopy('legacy-real-schema0');
    const store = await openStore(m.dbPath);
    try {
      assert.equal((await store.snapshot()).hasTable('stamps'), false);
      await assert.rejects(stamp({ store, view: await store.snapshot() }, { sessionIds: ['no-such-run'] }), (e: unknown) => e instanceof ClewError && /No runs to stamp/.test(e.message));
      // Named sessions are stamped whatever their status (here: runs never closed), as upstream.
      const ids = (await store.snapshot()).all<{ session_id: string }>("SELECT session_id FROM runs WHERE status = 'running' LIMIT 2").map((r) => r.session_id);
      assert.equal(ids.length, 2);
      const record = await stamp({ store, view: await store.snapshot() }, { sessionIds: ids });
      assert.equal(record.root_hash, pythonRootHash(m.dbPath, ids).root_hash);
      const ours = JSON.parse(execFileSync('python3', ['-c', "import json,sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nprint(json.dumps(c.execute(\"SELECT type, name, sql FROM sqlite_master WHERE tbl_name='stamps' ORDER BY name\").fetchall()))", m.dbPath], { encoding: 'utf8' })) as [string, string, string | null][];
      const dump = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'seq-rerun', 'db_dump.json'), 'utf8')) as { schema: (SchemaRow & { tbl_name: string })[] };
      const upstream = dump.schema.filter((s) => s.tbl_name === 'stamps').map((s) => [s.type, s.name, s.sql]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
      assert.deepEqual(ours, upstream);
      const c = await checkStamp({ store, view: await store.snapshot() }, record.stamp_id);
      assert.ok(!('status' in c) && c.verdict === 'holds');
    } finally {
      await store.close();
      m.cleanup();
    }
  });

  test('dist/api.js exports stamp, listStamps and checkStamp', () => {
    const api = createRequire(__filename)(path.resolve(__dirname, '../../../../dist/api.js')) as Record<string, unknown>;
    for (const name of ['stamp', 'listStamps', 'checkStamp', 'computeRootHash']) assert.equal(typeof api[name], 'function', name);
  });
});
