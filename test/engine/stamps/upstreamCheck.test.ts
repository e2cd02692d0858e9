/**
 * The real scitex-clew checks stamps Clew made. Needs upstream's sources (0.19.2, commit 60ca58e:
 * `git archive 60ca58e src`), named by CLEW_UPSTREAM_SRC (its `src` folder); skipped without it.
 * Runs `python3 -m scitex_clew --json check-stamp ID` and `list-stamps --json` on a store where
 * Clew stamped, with the fixture tools' scitex_dev stand-in on PYTHONPATH.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/engine/store/open';
import { stamp } from '../../../src/engine/stamps/stamps';
import { FIXTURES, materialiseCopy } from './helpers';

const SRC = process.env.CLEW_UPSTREAM_SRC;
const available = Boolean(SRC && fs.existsSync(path.join(SRC, 'scitex_clew')));

describe('scitex-clew itself checks Clew-made stamps', () => {
  test('check-stamp and list-stamps in Python accept a Clew stamp', { skip: available ? false : 'set CLEW_UPSTREAM_SRC to scitex-clew/src to run' }, async () => {
    const m = materialiseCopy('seq-clean');
    const store = await openStore(m.dbPath);
    try {
      const ids = (await store.snapshot()).all<{ session_id: string }>("SELECT session_id FROM runs WHERE status = 'success' LIMIT 3").map((r) => r.session_id);
      const record = await stamp({ store, view: await store.snapshot() }, { sessionIds: ids });
      const env = { ...process.env, PYTHONPATH: [SRC, path.join(FIXTURES, 'tools', 'stubs')].join(path.delimiter), SCITEX_CLEW_DB_PATH: '', PYTHONDONTWRITEBYTECODE: '1' };
      const py = (...args: string[]) => execFileSync('python3', ['-m', 'scitex_clew', '--json', ...args], { cwd: m.root, env, encoding: 'utf8', timeout: 120_000 });
      const checked = JSON.parse(py('check-stamp', record.stamp_id)) as { matches: boolean; stamp: unknown };
      assert.equal(checked.matches, true);
      assert.deepEqual(checked.stamp, record);
      const listed = JSON.parse(py('list-stamps')) as { stamps: { stamp_id: string }[] };
      assert.equal(listed.stamps[0].stamp_id, record.stamp_id);
    } finally {
      await store.close();
      m.cleanup();
    }
  });
});
