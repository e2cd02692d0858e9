/**
 * Stamps read by Clew equal upstream's answers on every fixture (spec §6): list_stamps and
 * check_stamp() of the stamp scitex-clew made (seq-rerun's stamp_844b7a7b4796 and the others),
 * with Clew's extra fields set aside. Also: a store nobody stamped gives upstream's not_found.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { openStore } from '../../../src/engine/store/open';
import { checkStamp, listStamps } from '../../../src/engine/stamps/stamps';
import { entries, type Materialised } from '../../conformance/fixtures';
import { listStampScenarios, materialiseCopy } from './helpers';

for (const scenario of listStampScenarios()) {
  describe(`stamps conformance: ${scenario}`, () => {
    const made: Materialised[] = [];
    after(() => made.forEach((m) => m.cleanup()));
    test('list_stamps and check_stamp (latest) match upstream', async () => {
      const m = materialiseCopy(scenario);
      made.push(m);
      const store = await openStore(m.dbPath, { readOnly: true });
      try {
        const view = await store.snapshot();
        let compared = 0;
        for (const [, a] of entries(m.api, 'list_stamps')) {
          if (!a.ok) continue;
          assert.deepEqual(listStamps({ view }), a.value);
          compared++;
        }
        for (const [, a] of entries(m.api, 'check_stamp_latest')) {
          if (!a.ok) continue;
          const ours = await checkStamp({ store, view }, undefined);
          if ('status' in ours) assert.deepEqual(ours, a.value);
          else {
            const { verdict, missing_sessions, ...upstreamShape } = ours;
            assert.deepEqual(upstreamShape, a.value);
            assert.equal(verdict, 'holds');
            assert.deepEqual(missing_sessions, []);
          }
          compared++;
        }
        assert.ok(compared > 0 || entries(m.api, 'list_stamps').length === 0, 'nothing compared');
      } finally {
        await store.close();
      }
    });
  });
}

describe('stamps conformance: seq-rerun names the Python-made stamp', () => {
  test('stamp_844b7a7b4796 over 9 runs, matching', async () => {
    const m = materialiseCopy('seq-rerun');
    const store = await openStore(m.dbPath, { readOnly: true });
    try {
      const view = await store.snapshot();
      const [only] = listStamps({ view });
      assert.equal(only.stamp_id, 'stamp_844b7a7b4796');
      assert.equal(only.run_count, 9);
      const byId = await checkStamp({ store, view }, 'stamp_844b7a7b4796');
      assert.ok(!('status' in byId) && byId.matches && byId.verdict === 'holds');
      assert.deepEqual(await checkStamp({ store, view }, 'stamp_000000000000'), { status: 'not_found', message: 'No stamps found' });
    } finally {
      await store.close();
      m.cleanup();
    }
  });
});
