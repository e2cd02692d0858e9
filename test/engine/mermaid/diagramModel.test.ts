/**
 * The DAG panel reads the engine's mermaid text back for its layered renderer
 * (src/webview/diagramModel.ts): every node, edge, shape, label line and colour the engine wrote,
 * names that look like markup decoded back to plain text, and the renderer chosen by size.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { RunVerification } from '../../../src/engine/verify/types';
import { dagDisplaySettings, diagramPayload, MAX_DIAGRAM_NODES, MAX_DIAGRAM_NODES_LIMIT } from '../../../src/engine/mermaid/payload';
import { renderDiagram, provenanceDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import { withClaims } from '../../../src/engine/mermaid/claimsOverlay';
import { openStore } from '../../../src/engine/store/open';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { listClaims } from '../../../src/engine/claims/claims';
import { MERMAID_MAX_NODES, MERMAID_ON_REQUEST_MAX, decodeLabel, nodeStyle, parseDiagram, rendererFor } from '../../../src/webview/diagramModel';
import { materialise } from '../../conformance/fixtures';

function run(i: number, inputs: string[], outputs: string[], script = `/code/step${i}.py`): RunVerification {
  const file = (p: string, role: string) => ({ path: p, role, expected_hash: 'ab', current_hash: 'ab', status: 'verified' as const, frozen: false, is_verified: true });
  return { session_id: `s${i}`, script_path: script, status: 'verified', files: [...inputs.map((p) => file(p, 'input')), ...outputs.map((p) => file(p, 'output'))], combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'tracked', exception_reason: null, is_verified: true, is_verified_from_scratch: false };
}

test('the seq-mismatch DAG with its claims: the model has what the engine drew', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  after(() => m.cleanup());
  const store = await openStore(m.dbPath);
  const hasher = createFileHasher({ useCache: false });
  try {
    const view = await store.snapshot();
    const claims = listClaims(view, { filePath: path.join(m.root, 'paper.tex') });
    const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
    const diagram = withClaims(await provenanceDiagram({ view, hasher, cwd: m.root }, { targetFiles: sources }), claims);
    const payload = diagramPayload(diagram, 'claims');
    const model = parseDiagram(payload.mermaid);
    assert.deepEqual(model.nodes.map((n) => n.id).sort(), diagram.nodes.map((n) => n.id).sort(), 'one model node per engine node, none invented');
    assert.deepEqual(model.edges, diagram.edges.map((e) => ({ source: e.source, target: e.target })));
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    for (const n of diagram.nodes) {
      const parsed = byId.get(n.id);
      const shape = n.kind === 'claim' ? 'hexagon' : n.kind === 'run' ? 'rect' : 'cylinder';
      assert.equal(parsed?.shape, shape, `${n.id} (${n.kind})`);
      assert.ok(parsed?.classes.includes(n.className), `${n.id} has class ${n.className}: ${parsed?.classes.join(' ')}`);
      assert.ok(parsed?.lines[0].includes(n.kind === 'claim' ? n.name.split(':')[0] : n.name), `${n.id}'s label shows ${n.name}: ${parsed?.lines.join(' / ')}`);
    }
    // Runs: "✗ 🐍 08_analyze.py" then "(RUN: …)" on a second line.
    const analyze = model.nodes.find((n) => n.lines[0].endsWith('08_analyze.py'));
    assert.equal(analyze?.lines.length, 2);
    assert.match(analyze?.lines[1] ?? '', /^\(RUN: \w+\)$/);
    // The panel's finer verdict colours (class … clew_suspect) win over upstream's red.
    const report = diagram.nodes.find((n) => n.name === 'report.json');
    const parsedReport = report && byId.get(report.id);
    assert.ok(parsedReport);
    assert.deepEqual(parsedReport.classes, ['file_bad', 'clew_suspect']);
    assert.equal(nodeStyle(model, parsedReport).get('fill'), '#d29922');
    const clean = diagram.nodes.find((n) => n.name === 'clean_C.csv');
    assert.equal(clean && nodeStyle(model, byId.get(clean.id) ?? parsedReport).get('fill'), '#cf222e', 'changed stays red');
  } finally {
    await hasher.dispose();
    await store.close();
  }
});

test('names that look like markup come back as the literal text; bundles are trapezoids', () => {
  const hostile = '/data/a"b<img src=x onerror=alert(1)>#1%&`.csv';
  const runs = [run(0, [], [hostile, '/d/o1.csv', '/d/o2.csv', '/d/o3.csv', '/d/o4.csv'], '/code/<b>x#1;.py'), run(1, ['/d/o1.csv'], ['/d/final.csv'])];
  const plain = diagramPayload(renderDiagram({ mode: 'targets', runs, scratch: new Set() }), 't');
  const model = parseDiagram(plain.mermaid);
  assert.equal(model.nodes.length, plain.nodes.length);
  const file = model.nodes.find((n) => n.lines[0].includes('onerror'));
  // The drawn text leaves out upstream's file-type emoji (withDisplayGlyphs): boxes without an emoji font.
  assert.equal(file?.lines[0], `✓ ${path.basename(hostile)}`);
  assert.ok(model.nodes.some((n) => n.lines[0] === '✓ <b>x#1;.py'));
  const bundled = diagramPayload(renderDiagram({ mode: 'targets', runs, scratch: new Set() }, { grouper: { type: 'session_bundle', maxFiles: 3 } }), 't');
  const groups = parseDiagram(bundled.mermaid).nodes.filter((n) => n.shape === 'trapezoid');
  assert.equal(groups.length, 1);
  assert.equal(groups[0].lines[0], '✓ 🗂️ output bundle (×5)');
  assert.deepEqual(decodeLabel('a#60;br/#62;b<br/>c'), ['a<br/>b', 'c'], 'an escaped <br/> is text, a real one a line break');
});

test('a node named only in an edge is drawn as mermaid would: a box labelled with its id', () => {
  const model = parseDiagram('graph TD\n    a["A"]:::verified\n    a --> b\n    classDef verified fill:#2da44e,stroke:#1a6b32\n    class b verified');
  assert.deepEqual(model.nodes.map((n) => [n.id, n.shape, n.lines, n.classes]), [['a', 'rect', ['A'], ['verified']], ['b', 'rect', ['b'], ['verified']]]);
  assert.deepEqual([...(model.classDefs.get('verified') ?? [])], [['fill', '#2da44e'], ['stroke', '#1a6b32']]);
});

test('mermaid draws small graphs, the layered renderer large ones, unless the setting or the panel says otherwise', () => {
  assert.equal(rendererFor(1), 'mermaid');
  assert.equal(rendererFor(MERMAID_MAX_NODES), 'mermaid');
  assert.equal(rendererFor(MERMAID_MAX_NODES + 1), 'layered');
  assert.equal(rendererFor(5000, 'auto'), 'layered');
  assert.equal(rendererFor(MERMAID_ON_REQUEST_MAX, 'mermaid'), 'mermaid');
  assert.equal(rendererFor(5000, 'mermaid'), 'layered', 'mermaid is never asked to draw what it cannot');
  assert.equal(rendererFor(10, 'layered'), 'layered');
});

test('the DAG settings: a bounded node limit for collapsing, a known layout, defaults otherwise', () => {
  assert.deepEqual(dagDisplaySettings({}), { maxNodes: MAX_DIAGRAM_NODES, layout: 'auto' });
  assert.ok(MAX_DIAGRAM_NODES >= 5000, 'a 5,000-node DAG is drawn whole by default');
  assert.deepEqual(dagDisplaySettings({ maxNodes: 1000, layout: 'layered' }), { maxNodes: 1000, layout: 'layered' });
  assert.deepEqual(dagDisplaySettings({ maxNodes: 250.7, layout: 'mermaid' }), { maxNodes: 250, layout: 'mermaid' });
  assert.deepEqual(dagDisplaySettings({ maxNodes: 1e9, layout: 'elk' }), { maxNodes: MAX_DIAGRAM_NODES_LIMIT, layout: 'auto' });
  for (const bad of [0, -5, 3, Number.NaN, '500', null]) assert.equal(dagDisplaySettings({ maxNodes: bad }).maxNodes, MAX_DIAGRAM_NODES, String(bad));
});
