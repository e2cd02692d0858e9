/**
 * Conformance of claims (spec §5) with upstream's answers, replayed in upstream's call order on a
 * writable relocated copy: list_claims, verify_claim (which writes statuses), verify_all_claims
 * (plain and strict), and list_claims after verification (verified_at timestamps excluded).
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { listClaims, verifyClaim } from '../../src/engine/claims/claims';
import { verifyAllClaims } from '../../src/engine/claims/verifyAll';
import { claimsJsonContent } from '../../src/engine/claims/exportJson';
import { createFileHasher } from '../../src/engine/hash/fileHasher';
import { openStore } from '../../src/engine/store/open';
import { entries, listScenarios, materialise, type Materialised } from './fixtures';

const VERIFY_CLAIM = 'verify_claim (mutates claims.status/verified_at)';

function withoutTimes<T extends object>(rows: T[]): T[] {
  return rows.map((r) => ({ ...r, verified_at: null }));
}

for (const scenario of listScenarios()) {
  describe(`claims conformance: ${scenario}`, () => {
    const made: Materialised[] = [];
    after(() => made.forEach((m) => m.cleanup()));
    test('list, verify, verify-all and list-after-verify match upstream', async (t) => {
      const m = materialise(scenario, 'relocated');
      made.push(m);
      const store = await openStore(m.dbPath);
      const hasher = createFileHasher({ useCache: false });
      let compared = 0;
      // Counts each answer compared, so a fixture that silently compares nothing fails.
      const ok = (a: { ok: boolean }): boolean => {
        if (a.ok) compared++;
        return a.ok;
      };
      try {
        let view = await store.snapshot();
        for (const [, a] of entries(m.api, 'list_claims')) if (ok(a)) assert.deepEqual(listClaims(view), a.value, 'list_claims');
        for (const [, a] of entries(m.api, 'list_claims_include_superseded')) {
          if (ok(a)) assert.deepEqual(listClaims(view, { includeSuperseded: true }), a.value, 'include_superseded');
        }
        for (const [id, a] of entries(m.api, VERIFY_CLAIM)) {
          if (!ok(a)) continue;
          const ours = await verifyClaim({ store, view, hasher, cwd: m.root }, id);
          assert.deepEqual(ours, a.value, `verify_claim ${id}`);
        }
        for (const [key, strict] of [['verify_all_claims()', false], ['verify_all_claims(strict=True)', true]] as const) {
          for (const [, a] of entries(m.api, key)) {
            if (!ok(a)) continue;
            view = await store.snapshot();
            assert.deepEqual(await verifyAllClaims({ store, view, hasher, cwd: m.root }, { strict }), a.value, key);
          }
        }
        view = await store.snapshot();
        for (const [, a] of entries(m.api, 'list_claims_after_verify')) {
          if (ok(a)) assert.deepEqual(withoutTimes(listClaims(view)), withoutTimes(a.value as object[]), 'list_claims_after_verify');
        }
        const exported = (m.api['export_claims_json (after verify)'] as { ok: boolean; content?: Record<string, unknown> } | undefined);
        assert.ok(exported, 'answers/api.json has no export_claims_json answer');
        if (exported.ok && exported.content) {
          compared++;
          // Modulo timestamps (generated_at, verified_at) and the attestation's tool version.
          const normalise = (c: Record<string, unknown>) => ({
            ...c,
            generated_at: '',
            attestation: { ...(c.attestation as object), version: '' },
            claims: withoutTimes(c.claims as object[]),
          });
          assert.deepEqual(normalise(claimsJsonContent(view)), normalise(exported.content), 'export_claims_json');
        }
      } finally {
        await hasher.dispose();
        await store.close();
      }
      t.diagnostic(`${scenario}: compared ${compared} claims answers`);
      assert.ok(compared >= 7, `${scenario}: only ${compared} claims answers compared`);
    });
  });
}

test('register_intermediate reproduces the fixture intermediate claim id and value byte for byte', async () => {
  const { pythonJson, claimIdFor } = await import('../../src/engine/claims/claims');
  const value = pythonJson({ name: 'n_sources', supports: ['claim_020edd2eb751'], value: '3' });
  assert.equal(value, '{"name": "n_sources", "supports": ["claim_020edd2eb751"], "value": "3"}');
  assert.equal(claimIdFor('/tmp/clew-fixture/seq-clean/09_register_claims.py', 'value', null, value), 'claim_e844449e154c');
  assert.equal(pythonJson({ b: 'é"x', a: [1, 'y'] }), '{"a": [1, "y"], "b": "\\u00e9\\"x"}');
});
