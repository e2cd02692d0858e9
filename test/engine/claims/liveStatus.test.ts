/**
 * A claim's live status and its reason — the one rule behind lenses, Problems, the Claims view
 * and the DAG overlay — on the seq-mismatch fixture's paper.tex claims, and rule by rule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { listClaims } from '../../../src/engine/claims/claims';
import { liveClaimStatus, reasonPhrase, sourceAgainstPin } from '../../../src/engine/claims/liveStatus';
import { claimFacts, claimSourceStates } from '../../../src/engine/claims/sourceFacts';
import { GATE_REASONS, verifyAllClaims } from '../../../src/engine/claims/verifyAll';
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

test('the facts clew verify reads decide without a stored verdict: intact and produced is verified, a hand-written source is suspect', () => {
  const never = { status: 'registered', source_file: '/p/hand.json' };
  assert.deepEqual(liveClaimStatus(never, { current: 'intact', produced: false }), { status: 'suspect', reason: { kind: 'no run produced', path: '/p/hand.json' } });
  assert.equal(reasonPhrase({ kind: 'no run produced', path: '/p/analysis_params.json' }), 'no run produced analysis_params.json');
  assert.deepEqual(liveClaimStatus(never, { current: 'intact', produced: true }), { status: 'verified' });
  assert.deepEqual(liveClaimStatus(never, { current: 'changed', produced: false }), { status: 'mismatch', reason: { kind: 'source changed', path: '/p/hand.json' } });
  assert.deepEqual(liveClaimStatus(never, { current: 'missing', produced: true, source: 'verified' }), { status: 'missing', reason: { kind: 'source missing', path: '/p/hand.json' } });
  // The claim's own pin decides, not the recorded hash: a re-recorded file the claim did not follow.
  assert.equal(liveClaimStatus({ status: 'verified', source_file: '/p/x' }, { source: 'verified', current: 'changed', produced: true }).status, 'mismatch');
  // Nothing known about the source: the stored word stands (registered only when never checked).
  assert.deepEqual(liveClaimStatus(never, {}), { status: 'registered' });
  assert.equal(sourceAgainstPin('abc', 'abcdef'), 'intact', 'a short pin is a prefix');
  assert.equal(sourceAgainstPin(null, 'abcdef'), 'changed', 'no pin is never intact');
  assert.equal(sourceAgainstPin('abc', undefined), 'missing');
});

test('one verdict: every seq-clean claim\u2019s live status, never checked, is the status clew verify then decides', async () => {
  const m = materialise('seq-clean', 'relocated');
  const store = await openStore(m.dbPath);
  const hasher = createFileHasher({ useCache: false });
  try {
    // As if nobody had verified yet: every stored status back to registered.
    await store.write([{ sql: "UPDATE claims SET status = 'registered', verified_at = NULL WHERE status != 'superseded'" }]);
    const view = await store.snapshot();
    const claims = listClaims(view, { limit: -1 });
    const runs = (await verifyStatus({ view, hasher, cwd: m.root }, 500)).runs;
    const states = await claimSourceStates(view, hasher, claims);
    const live = new Map(claims.map((c) => {
      const upstream = c.source_file ? firstChangedUpstream(runs, c.source_file) : undefined;
      return [c.claim_id, liveClaimStatus(c, claimFacts(c, c.source_file ? states.get(c.source_file) : undefined, upstream))];
    }));
    const hand = claims.find((c) => c.source_file?.endsWith('hand_values.json'));
    assert.ok(hand, 'the fixture has the hand-written source');
    assert.deepEqual(live.get(hand.claim_id), { status: 'suspect', reason: { kind: 'no run produced', path: hand.source_file } });
    const judged = await verifyAllClaims({ store, view, hasher, cwd: m.root });
    assert.equal(judged.claims.length, claims.length);
    for (const c of judged.claims) assert.equal(live.get(c.claim_id)?.status, c.status, `${c.location}: editor and clew verify agree`);
    assert.equal(judged.reason, GATE_REASONS.UNVERIFIED, 'upstream\u2019s fixed sentence');
  } finally {
    await hasher.dispose();
    await store.close();
  }
});
