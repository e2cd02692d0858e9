/**
 * Security of the DAG panel's diagram text: hostile file and script names (markup, quotes,
 * backticks, mermaid syntax, 10,000 characters) become inert, bounded labels, one node per file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { dagPayload, mermaidLabel } from '../../src/engine/mermaid/diagram';
import type { DagVerification, FileVerification, RunVerification } from '../../src/engine/verify/types';

const HOSTILE = ['"><img src=x onerror=alert(1)>.csv', 'a`b`c.csv', 'graph TD; A-->B; click A call alert()', `${'x'.repeat(10_000)}.csv`, 'semi;colon|pipe{brace}[br](p).csv'];

function file(p: string, role: string): FileVerification {
  return { path: `/data/${p}`, role, expected_hash: 'ab', current_hash: 'ab', status: 'verified', frozen: false, is_verified: true };
}

function run(id: string, files: FileVerification[]): RunVerification {
  return { session_id: id, script_path: `/code/<script>${id}.py`, status: 'verified', files, combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'tracked', exception_reason: null, is_verified: true, is_verified_from_scratch: false };
}

test('labels never carry markup or mermaid syntax characters, and stay short', () => {
  for (const name of HOSTILE) {
    const label = mermaidLabel(name);
    assert.doesNotMatch(label.replace(/#\d+;/g, ''), /[<>"`[\]{}()|;#]/, label);
    assert.ok(label.length <= 60 * 5, `bounded: ${label.length}`);
  }
});

test('a DAG with hostile names renders as inert text: one node per file, no raw markup', () => {
  const dag: DagVerification = {
    target_files: [],
    runs: [run('s1', HOSTILE.map((h) => file(h, 'output'))), run('s2', HOSTILE.map((h) => file(h, 'input')))],
    edges: [['s1', 's2']],
    status: 'verified',
    topological_order: ['s1', 's2'],
    is_verified: true,
  };
  const payload = dagPayload(dag, 'title');
  const labels = [...payload.mermaid.matchAll(/\["([^"]*)"\]/g)].map((m) => m[1]);
  for (const l of labels) assert.doesNotMatch(l, /[<>`]/);
  assert.doesNotMatch(payload.mermaid, /<|>[^ ]|`/, 'no raw markup or backticks anywhere (only "-->" arrows)');
  for (const line of payload.mermaid.split('\n').map((l) => l.trim())) {
    assert.match(line, /^(flowchart TD|r\d+\["[^"]*"\]:::\w+|f\d+\(\["[^"]*"\]\):::\w+|[rf]\d+ --> [rf]\d+|classDef \w+ .*)$/, `unexpected diagram line: ${line.slice(0, 120)}`);
  }
  assert.equal(payload.nodes.filter((n) => n.kind === 'file').length, HOSTILE.length);
  assert.equal(payload.mermaid.split('\n').filter((l) => /^\s+f\d+\(\[/.test(l)).length, HOSTILE.length);
  assert.ok(payload.mermaid.length < 20_000, 'the 10,000-character name is truncated');
});
