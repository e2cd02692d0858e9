/**
 * Issue #14 regressions: a recorded file deleted since recording is traced (chain, dag, mermaid)
 * and reported missing; a path never recorded and absent gives one JSON object that carries both
 * upstream's CLI error and its API answer.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { materialise } from '../conformance/fixtures';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const m = materialise('seq-clean', 'relocated');
after(() => m.cleanup());
const clew = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: m.root, encoding: 'utf8' });
const report = () => path.join(m.root, '08_analyze_out/report.json');

test('chain, dag and mermaid trace a recorded file that was deleted, reporting it missing', () => {
  fs.rmSync(report());
  const chain = clew(['chain', '08_analyze_out/report.json', '--json']);
  assert.equal(chain.status, 11, chain.stderr);
  const c = JSON.parse(chain.stdout) as { runs: { files: { path: string; status: string }[] }[]; status: string };
  assert.equal(c.status, 'missing');
  assert.equal(c.runs.length, 8, 'the whole chain is traced');
  assert.equal(c.runs.at(-1)?.files.find((f) => f.path === report())?.status, 'missing');
  const dag = clew(['dag', '08_analyze_out/report.json', '--json']);
  assert.equal(dag.status, 11, dag.stderr);
  assert.equal((JSON.parse(dag.stdout) as { runs: unknown[] }).runs.length, 8);
  const mermaid = clew(['mermaid', '08_analyze_out/report.json']);
  assert.equal(mermaid.status, 0, mermaid.stderr);
  assert.match(mermaid.stdout, /report\.json/);
});

test('chain --json on a path never recorded and absent prints one object with error and the API shape', () => {
  const r = clew(['chain', 'never/recorded.csv', '--json']);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  // The path as typed, relative as it was (upstream, extras spec §2).
  assert.deepEqual(out, { error: 'File not found: never/recorded.csv', target_file: 'never/recorded.csv', runs: [], status: 'unknown', is_verified: false, chain_length: 0, failed_runs_count: 0 });
  const text = clew(['chain', 'never/recorded.csv']);
  assert.equal(text.status, 1);
  assert.match(text.stderr, /file not found: never\/recorded\.csv/);
});
