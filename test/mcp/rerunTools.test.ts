/**
 * The code-executing tools over MCP: clew_rerun_dag reports progress while it runs, honours its
 * timeout, and a client's cancellation stops the run with every process it started (checked in
 * /proc), while the server keeps serving.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newProject, recordSh, tempBase, write } from '../support/recordedProject';
import { answerJson, startServer } from './mcpClient';
import { processesWithMarker, waitFor } from './procScan';

const base = tempBase('clew-mcp-rerun-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** A recorded run whose rerun sleeps (under `marker`) once `flag` exists: quick to record, slow to rerun.  (The flag lives in the project: /tmp outside it is private to a rerun.) */
function slowProject(name: string, marker: string): string {
  const root = newProject(base, name);
  const flag = path.join(root, 'slow-flag');
  write(root, 'slow.sh', `echo done > out.txt\nif [ -e "${flag}" ]; then sh -c 'sleep 3000; : ${marker}'; fi\n`);
  recordSh(root, 'slow.sh', [], ['out.txt'], `${name}-run`);
  write(root, 'slow-flag', '');
  return root;
}

test('cancelling clew_rerun_dag mid-run leaves no process behind; progress was reported; the server goes on', async () => {
  const marker = `clew_mcp_cancel_marker_${process.pid}`;
  const root = slowProject('cancel', marker);
  const session = await startServer(root);
  try {
    const controller = new AbortController();
    const progress: string[] = [];
    const call = session.client.callTool({ name: 'clew_rerun_dag', arguments: {} }, undefined, {
      signal: controller.signal,
      timeout: 120_000,
      onprogress: (p) => progress.push(p.message ?? String(p.progress)),
    });
    const rejected = assert.rejects(call);
    assert.ok(await waitFor(() => processesWithMarker(marker).length > 0, 60_000), `the rerun started: ${session.stderr()}`);
    assert.ok(await waitFor(() => progress.length > 0, 10_000), 'a progress notification arrived');
    assert.match(progress[0], /rerunning slow\.sh/);
    controller.abort(new Error('the agent gave up'));
    await rejected;
    assert.ok(await waitFor(() => processesWithMarker(marker).length === 0, 20_000), `processes left: ${processesWithMarker(marker).join(', ')}`);
    const stats = await session.client.callTool({ name: 'clew_stats', arguments: {} });
    assert.notEqual(stats.isError, true, 'the server still answers');
  } finally {
    await session.close();
  }
  assert.deepEqual(processesWithMarker(marker), []);
});

test('clew_rerun_dag honours its timeout: the run is stopped and reported, not left running', async () => {
  const marker = `clew_mcp_timeout_marker_${process.pid}`;
  const root = slowProject('timeout', marker);
  const session = await startServer(root);
  try {
    const result = await session.client.callTool({ name: 'clew_rerun_dag', arguments: { timeout: 2 } }, undefined, { timeout: 120_000 });
    assert.notEqual(result.isError, true, JSON.stringify(result.content));
    const dag = answerJson(result as Parameters<typeof answerJson>[0]) as { is_verified: boolean; runs: { status: string; rerun: { reason?: string } }[] };
    assert.equal(dag.is_verified, false);
    assert.equal(dag.runs.length, 1);
    assert.match(dag.runs[0].rerun.reason ?? '', /time/i);
  } finally {
    await session.close();
  }
  assert.deepEqual(processesWithMarker(marker), []);
});

test('clew_rerun_claims reruns the DAG behind a manuscript\'s claims and finds it reproduces', async () => {
  const root = newProject(base, 'claims');
  write(root, 'make.sh', 'echo 42 > result.txt\n');
  recordSh(root, 'make.sh', [], ['result.txt'], 'make-run');
  write(root, 'paper.tex', 'The answer is 42.\n');
  const session = await startServer(root);
  try {
    const added = await session.client.callTool({ name: 'clew_add_claim', arguments: { file_path: 'paper.tex', claim_type: 'value', line_number: 1, source_file: 'result.txt' } });
    assert.notEqual(added.isError, true, JSON.stringify(added.content));
    const result = await session.client.callTool({ name: 'clew_rerun_claims', arguments: { file_path: 'paper.tex', timeout: 60 } }, undefined, { timeout: 120_000 });
    assert.notEqual(result.isError, true, JSON.stringify(result.content));
    const dag = answerJson(result as Parameters<typeof answerJson>[0]) as { is_verified: boolean; topological_order: string[] };
    assert.deepEqual(dag.topological_order, ['make-run']);
    assert.equal(dag.is_verified, true, JSON.stringify(dag));
  } finally {
    await session.close();
  }
});
