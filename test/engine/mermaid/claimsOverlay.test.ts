/**
 * Claims on the diagram (the DAG panel's manuscript view) on the seq-mismatch fixture: one
 * hexagon per claim of paper.tex, fed by its source's node; a hand-written source gets upstream's
 * `file_unsourced` node; verdicts are live (a claim on data downstream of the edit is suspect).
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openStore } from '../../../src/engine/store/open';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { listClaims } from '../../../src/engine/claims/claims';
import { provenanceDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import { withClaims } from '../../../src/engine/mermaid/claimsOverlay';
import { materialise } from '../../conformance/fixtures';

test('paper.tex claims hang on the DAG behind their sources', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  after(() => m.cleanup());
  const store = await openStore(m.dbPath);
  const hasher = createFileHasher({ useCache: false });
  try {
    const view = await store.snapshot();
    const manuscript = path.join(m.root, 'paper.tex');
    const claims = listClaims(view, { filePath: manuscript });
    assert.equal(claims.length, 5);
    const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
    const behind = await provenanceDiagram({ view, hasher, cwd: m.root }, { targetFiles: sources });
    const diagram = withClaims(behind, claims);
    const claimNodes = diagram.nodes.filter((n) => n.kind === 'claim');
    assert.deepEqual(claimNodes.map((n) => n.name).sort(), ['paper.tex:L12', 'paper.tex:L20', 'paper.tex:L25', 'paper.tex:L30', 'paper.tex:L33']);
    const byName = new Map(claimNodes.map((n) => [n.name, n]));
    assert.equal(byName.get('paper.tex:L12')?.className, 'claim_suspect', 'report.json is downstream of the edit');
    assert.equal(byName.get('paper.tex:L30')?.className, 'claim_suspect', 'final.csv too');
    assert.equal(byName.get('paper.tex:L25')?.className, 'claim_registered', 'a text claim with no source');
    assert.equal(byName.get('paper.tex:L12')?.line, 12);
    const unsourced = diagram.nodes.filter((n) => n.className === 'file_unsourced');
    assert.deepEqual(unsourced.map((n) => n.name), ['hand_values.json']);
    const claimEdges = diagram.edges.filter((e) => e.type === 'claim');
    assert.equal(claimEdges.length, 4, 'every claim with a source has an edge from it');
    const report = diagram.nodes.find((n) => n.kind === 'file' && n.name === 'report.json');
    assert.ok(claimEdges.some((e) => e.source === report?.id && e.target === byName.get('paper.tex:L12')?.id));
    for (const line of diagram.text.split('\n').filter((l) => l.includes('claim_') && !l.includes('classDef'))) {
      assert.match(line, /^ {4}(claim_\w+\{\{"[^"]*"\}\}:::claim_\w+|\w+ --> claim_\w+)$/, line);
    }
    assert.match(diagram.text, /classDef claim_suspect /);
  } finally {
    await hasher.dispose();
    await store.close();
  }
});
