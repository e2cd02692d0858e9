/**
 * The gate in every engine function that decides a claim's verdict, on seq-clean with source_A
 * and source_B registered: verify-all (UNSOURCED), grounding, the claims.json export (resolved
 * status, grounded, unsourced_count), the live status behind lenses / Problems / the Claims view,
 * and the DAG overlay. All must name the hand-written L33 claim, and only it.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { listClaims } from '../../../src/engine/claims/claims';
import { claimsJsonContent } from '../../../src/engine/claims/exportJson';
import { liveClaimStatus, reasonPhrase, reasonSentence } from '../../../src/engine/claims/liveStatus';
import { verifyAllClaims } from '../../../src/engine/claims/verifyAll';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { withClaims } from '../../../src/engine/mermaid/claimsOverlay';
import { provenanceDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import { groundClaim } from '../../../src/engine/sources/grounding';
import { emptyManifest, writeManifest } from '../../../src/engine/sources/manifest';
import { pinsFor, withPins } from '../../../src/engine/sources/registry';
import { loadSources } from '../../../src/engine/sources/state';
import { openStore } from '../../../src/engine/store/open';
import { materialise } from '../../conformance/fixtures';

const m = materialise('seq-clean', 'relocated');
after(() => m.cleanup());
const L33 = 'claim_2d9355049b6a';

test('verify-all, grounding, export, live status and the DAG overlay agree: only L33 is unsourced', async () => {
  const load = () => loadSources({ cwd: m.root, env: {}, projectRoot: m.root });
  const store = await openStore(m.dbPath, {});
  const hasher = createFileHasher({ useCache: false });
  try {
    const before = await verifyAllClaims({ store, view: await store.snapshot(), hasher, cwd: m.root }, { sources: await load() });
    assert.equal(before.counts.UNSOURCED, undefined, 'no manifest: no gate');
    assert.equal(before.verified, 4);

    const file = path.join(m.root, '.scitex/clew/signed/sources.json');
    writeManifest(withPins(emptyManifest(file, m.root), await pinsFor(['01_source_a_out/source_A.csv', '03_source_b_out/source_B.csv'], m.root, m.root)));
    const sources = await load();
    const view = await store.snapshot();
    const result = await verifyAllClaims({ store, view, hasher, cwd: m.root }, { sources });
    assert.deepEqual([result.exit_code, result.verified], [10, 3]);
    assert.deepEqual(result.claims.filter((c) => c.outcome === 'UNSOURCED').map((c) => c.claim_id), [L33]);

    const after = await store.snapshot();
    const claims = listClaims(after, { cwd: m.root });
    const grounded = new Map(claims.map((c) => [c.claim_id, groundClaim(after, c, sources).grounded]));
    assert.deepEqual([...grounded].filter(([, g]) => g).map(([id]) => id).sort(), ['claim_020edd2eb751', 'claim_aca6cd358199', 'final-n']);

    const exported = claimsJsonContent(after, { sources }) as { claims: { claim_id: string; resolved_status: string; grounded: boolean | null }[]; attestation: { unsourced_count: number } };
    assert.deepEqual(exported.claims.filter((c) => c.resolved_status === 'unsourced').map((c) => c.claim_id), [L33]);
    assert.equal(exported.attestation.unsourced_count, 1);
    assert.equal(exported.claims.find((c) => c.claim_id === 'final-n')?.grounded, true);
    const ungated = claimsJsonContent(after) as { claims: { grounded: boolean | null; resolved_status: string }[] };
    assert.ok(ungated.claims.every((c) => c.grounded === null && c.resolved_status !== 'unsourced'), 'no sources given: the export is as before');

    // The live status: what lenses, Problems and the Claims view show.
    for (const c of claims) {
      const live = liveClaimStatus(c, { ...(c.source_file ? { source: 'verified' as const } : {}), grounded: grounded.get(c.claim_id) });
      assert.equal(live.status === 'unsourced', c.claim_id === L33, c.claim_id);
      if (c.claim_id === L33) {
        assert.ok(live.reason);
        assert.equal(reasonPhrase(live.reason), 'reaches no registered source');
        assert.match(reasonSentence(c.claim_id, live.reason), /hand_values\.json is intact but its provenance reaches no registered source/);
      }
    }
    // Failures outrank the gate.
    assert.equal(liveClaimStatus({ status: 'verified', source_file: '/x' }, { source: 'mismatch', grounded: false }).status, 'mismatch');

    // The DAG overlay.
    const sourcesOfClaims = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
    const diagram = withClaims(await provenanceDiagram({ view: after, hasher, cwd: m.root }, { targetFiles: sourcesOfClaims }), claims, new Map(), grounded);
    const unsourcedNodes = diagram.nodes.filter((n) => n.kind === 'claim' && n.className === 'claim_unsourced');
    assert.deepEqual(unsourcedNodes.map((n) => n.line), [33]);
    assert.match(diagram.text, /classDef claim_unsourced fill:#b26a00/);
  } finally {
    await hasher.dispose();
    await store.close();
  }
});
