/**
 * A claim's live status and its reason — the one rule behind lenses, Problems, the Claims view
 * and the DAG overlay — on the seq-mismatch fixture's paper.tex claims, and rule by rule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { listClaims } from '../../../src/engine/claims/claims';
import { liveClaimStatus, reasonPhrase } from '../../../src/engine/claims/liveStatus';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { provenanceDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import { withClaims } from '../../../src/engine/mermaid/claimsOverlay';
import { openStore } from '../../../src/engine/store/open';
import { verifyStatus } from '../../../src/engine/verify';
import { firstChangedUpstream } from '../../../src/engine/verify/lineage';
import { recordedFiles } from '../../../src/engine/verify/recordedFiles';
import { fileVerdict } from '../../../src/engine/verify/verdicts';
import { materialise } from '../../conformance/fixtures';

test('rule by rule: source first, then upstream, then the stored status', () => {
  const claim = { status: 'verified', source_file: '/p/final.csv' };
  assert.deepEqual(liveClaimStatus(claim, { source: 'verified' }), { status: 'verified' });
  assert.deepEqual(liveClaimStatus(claim, { source: 'mismatch', upstreamChanged: '/p/a.csv' }), { status: 'mismatch', reason: { kind: 'source changed', path: '/p/final.csv' } });
  assert.deepEqual(liveClaimStatus(claim, { source: 'missing' }), { status: 'missing', reason: { kind: 'source missing', path: '/p/final.csv' } });
  const upstream = liveClaimStatus(claim, { source: 'verified', upstreamChanged: '/p/clean_C.csv' });
  assert.equal(upstream.status, 'suspect', 'upstream\u2019s word, never "stale"');
  assert.ok(upstream.reason);
  assert.equal(reasonPhrase(upstream.reason), 'upstream clean_C.csv changed');
  assert.deepEqual(liveClaimStatus({ status: 'suspect', source_file: '/p/x' }), { status: 'suspect', reason: { kind: 'no lineage', path: '/p/x' } });
  assert.deepEqual(liveClaimStatus({ status: 'partial', source_file: '/p/x' }).status, 'suspect', 'the old spelling reads as suspect');
  assert.deepEqual(liveClaimStatus({ status: 'mismatch', source_file: '/p/x' }, { source: 'verified' }), { status: 'mismatch', reason: { kind: 'source changed', path: '/p/x' } }, 'a stored failure stands until re-verified');
  assert.deepEqual(liveClaimStatus({ status: 'registered', source_file: null }, { source: 'mismatch' }), { status: 'registered' }, 'no source: nothing to override');
  assert.deepEqual(liveClaimStatus({ status: null, source_file: null }), { status: 'registered' });
});

test('the editor\u2019s facts and the diagram\u2019s facts give every paper.tex claim the same status', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  const store = await openStore(m.dbPath, { readOnly: true });
  const hasher = createFileHasher({ useCache: false });
  try {
    const view = await store.snapshot();
    const claims = listClaims(view, { filePath: path.join(m.root, 'paper.tex') });
    assert.equal(claims.length, 5);
    // The editor's way: live file verdicts and the verified runs.
    const rows = recordedFiles(view);
    const outcomes = await hasher.hashMany([...rows.keys()]);
    const verdictOf = (p: string) => {
      const r = rows.get(p);
      return r ? fileVerdict(r.expectedHash, r.frozen, outcomes.get(p)) : undefined;
    };
    const runs = (await verifyStatus({ view, hasher, cwd: m.root }, 500)).runs;
    const editor = new Map(claims.map((c) => {
      const upstream = c.source_file ? firstChangedUpstream(runs, c.source_file, verdictOf) : undefined;
      const source = c.source_file ? verdictOf(c.source_file) : undefined;
      return [c.claim_id, liveClaimStatus(c, { ...(source ? { source } : {}), ...(upstream ? { upstreamChanged: upstream } : {}) }).status];
    }));
    // The DAG panel's way: the diagram behind the claims' sources.
    const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
    const diagram = withClaims(await provenanceDiagram({ view, hasher, cwd: m.root }, { targetFiles: sources }), claims);
    const drawn = new Map(claims.map((c) => [c.claim_id, diagram.nodes.find((n) => n.kind === 'claim' && n.line === (c.line_number ?? undefined))?.className]));
    const classOf = { verified: 'claim_verified', suspect: 'claim_suspect', mismatch: 'claim_failed', missing: 'claim_failed', registered: 'claim_registered', superseded: 'claim_registered', unsourced: 'claim_unsourced' } as const;
    let compared = 0;
    for (const c of claims) {
      const status = editor.get(c.claim_id);
      assert.ok(status);
      assert.equal(drawn.get(c.claim_id), classOf[status], c.claim_id);
      compared++;
    }
    assert.equal(compared, 5);
    const atLine = (n: number) => editor.get(claims.find((c) => c.line_number === n)?.claim_id ?? '');
    assert.equal(atLine(12), 'suspect', 'report.json is downstream of the edit');
    assert.equal(atLine(30), 'suspect', 'final.csv too');
    assert.equal(atLine(25), 'registered', 'a text claim with no source');
  } finally {
    await hasher.dispose();
    await store.close();
    m.cleanup();
  }
});
