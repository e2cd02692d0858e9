/**
 * Security of the diagram text: hostile file and script names (markup, quotes, backticks, mermaid
 * syntax, 10,000 characters) become inert, bounded labels and [A-Za-z0-9_] ids, one node per file,
 * in both the fixed and the upstream-quirks diagrams and in the no-files form.
 */
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { labelText } from '../../../src/engine/mermaid/upstreamStyle';
import { renderDiagram, type SelectedRuns } from '../../../src/engine/mermaid/provenanceDiagram';
import type { FileVerification, RunVerification } from '../../../src/engine/verify/types';

const HOSTILE = ['"><img src=x onerror=alert(1)>.csv', 'a`b`c.csv', 'graph TD; A-->B; click A call alert()', `${'x'.repeat(10_000)}.csv`, 'semi;colon|pipe{brace}[br](p).csv', 'ünï cödé ✓.csv', "quote's.csv"];

function file(p: string, role: string): FileVerification {
  return { path: `/data/${p}`, role, expected_hash: 'ab', current_hash: 'ab', status: 'verified', frozen: false, is_verified: true };
}

function run(id: string, files: FileVerification[]): RunVerification {
  return { session_id: id, script_path: `/code/<script>"${id}.py`, status: 'verified', files, combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'exception', exception_reason: '</text><script>alert(1)</script>', is_verified: true, is_verified_from_scratch: false };
}

const selected: SelectedRuns = {
  mode: 'targets',
  runs: [run('s-1"]', HOSTILE.map((h) => file(h, 'output'))), run('s2', HOSTILE.map((h) => file(h, 'input')))],
  scratch: new Set(),
  edges: [['s-1"]', 's2']],
};

test('label text never carries markup or quote characters, and stays short', () => {
  for (const name of HOSTILE) {
    const label = labelText(name);
    assert.doesNotMatch(label.replace(/#\d+;/g, ''), /[<>"`#&]/, label);
    assert.ok([...label].length <= 80 * 5, `bounded: ${label.length}`);
  }
});

const LINE = /^(graph TD|\s{4}script_\d+\["[^"]*"\]:::\w+|\s{4}file_\w+\[\("[^"]*"\)\]:::\w+|\s{4}\w+\["[^"]*"\]:::\w+|\s{4}\w+ --> \w+|\s{4}classDef \w+ .*|)$/;

for (const [name, options] of [
  ['fixed', {}],
  ['upstream quirks', { upstreamQuirks: true }],
  ['no files', { showFiles: false }],
] as const) {
  test(`hostile names render as inert text (${name})`, () => {
    const diagram = renderDiagram(selected, options);
    for (const line of diagram.text.split('\n')) assert.match(line, LINE, `unexpected diagram line: ${line.slice(0, 160)}`);
    const labels = [...diagram.text.matchAll(/"([^"]*)"/g)].map((m) => m[1].replace(/<br\/>/g, ''));
    for (const l of labels) assert.doesNotMatch(l, /[<>`]/, l);
    assert.ok(diagram.text.length < 20_000, 'the 10,000-character name is truncated');
    if (options.showFiles !== false) {
      assert.equal(diagram.nodes.filter((n) => n.kind === 'file').length, HOSTILE.length, 'one node per file');
      assert.equal(diagram.text.split('\n').filter((l) => /^\s+file_\w+\[\(/.test(l)).length, HOSTILE.length);
    } else {
      assert.equal(diagram.nodes.length, 2);
      assert.equal(diagram.edges.length, 1);
    }
  });
}

test('two different files with one basename get two nodes (fixed), one node upstream', () => {
  const twins: SelectedRuns = {
    mode: 'all',
    runs: [run('a', [file('x/data.csv', 'output'), file('y/data.csv', 'output')])],
    scratch: new Set(),
  };
  assert.equal(renderDiagram(twins).nodes.filter((n) => n.kind === 'file').length, 2);
  assert.equal(renderDiagram(twins, { upstreamQuirks: true }).nodes.filter((n) => n.kind === 'file').length, 1);
});

test('maxNodes collapses files, then keeps the runs nearest the targets, and says so', () => {
  const chain: RunVerification[] = [];
  for (let i = 0; i < 30; i++) chain.push(run(`r${i}`, [...(i > 0 ? [file(`f${i - 1}.csv`, 'input')] : []), file(`f${i}.csv`, 'output')]));
  const big: SelectedRuns = { mode: 'targets', runs: chain, scratch: new Set(), edges: chain.slice(1).map((r, i) => [`r${i}`, r.session_id]) };
  const collapsed = renderDiagram(big, { maxNodes: 40 });
  assert.equal(collapsed.nodes.length, 30);
  assert.match(collapsed.collapsed ?? '', /30 files collapsed/);
  const cut = renderDiagram(big, { maxNodes: 10 });
  assert.deepEqual(cut.nodes.map((n) => n.sessionId), chain.slice(-10).map((r) => r.session_id));
  assert.equal(cut.edges.length, 9);
  assert.match(cut.collapsed ?? '', /10 runs nearest the targets of 30/);
});

test('maxNodes bundles the files of runs with many before collapsing them, like upstream session_bundle', () => {
  const hashed = (p: string, role: string): FileVerification => ({ ...file(p, role), expected_hash: createHash('sha256').update(p).digest('hex') });
  const runs: RunVerification[] = [];
  for (let i = 0; i < 10; i++) {
    const inputs = i > 0 ? Array.from({ length: 10 }, (_, k) => hashed(`step${i - 1}/part${k}.csv`, 'input')) : [];
    runs.push(run(`r${i}`, [...inputs, ...Array.from({ length: 10 }, (_, k) => hashed(`step${i}/part${k}.csv`, 'output'))]));
  }
  const big: SelectedRuns = { mode: 'targets', runs, scratch: new Set(), edges: runs.slice(1).map((r, i) => [`r${i}`, r.session_id]) };
  const diagram = renderDiagram(big, { maxNodes: 60 });
  assert.match(diagram.collapsed ?? '', /one bundle/);
  const groups = diagram.nodes.filter((n) => n.kind === 'group');
  assert.equal(groups.length, 10, "one bundle per step: a run's output bundle is the next run's input bundle");
  assert.ok(groups.every((g) => g.members?.length === 10));
  assert.equal(diagram.edges.length, 19);
  assert.ok(diagram.text.includes('output bundle (×10)'));
});

test('a run verified by re-execution is drawn with thick borders (✓✓, verified_scratch, file_rerun); exception and frozen as upstream', () => {
  const frozen: FileVerification = { ...file('frozen.csv', 'input'), frozen: true };
  const rerun = { ...run('rr', [frozen, file('out.csv', 'output')]), provenance: 'tracked', exception_reason: null };
  const hand = { ...run('hand', [file('hand.csv', 'output')]), exception_reason: null };
  const text = renderDiagram({ mode: 'all', runs: [hand, rerun], scratch: new Set(['rr']) }).text;
  assert.match(text, /script_0\["✓✓ /);
  assert.match(text, /:::verified_scratch\n/);
  assert.match(text, /\[\("✓✓ 📊 out\.csv"\)\]:::file_rerun/);
  assert.match(text, /\[\("✓ 📊 frozen\.csv<br\/>\(frozen, not re-hashed\)"\)\]:::file_frozen/);
  assert.match(text, /script_1\["✓ [^"]*<br\/>\(RUN: hand\)<br\/>\[exception: no reason given\]"\]:::exception/);
});
