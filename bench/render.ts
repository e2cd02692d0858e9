/**
 * DAG panel render time for 50, 500 and 5,000 nodes: the real webview bundle (dist/webview.js,
 * mermaid included) in headless Chromium, fed the same payload the extension sends, timed until
 * the webview reports `rendered`. Printed per size with the per-node cost relative to 50 nodes,
 * plus the time to build the diagram text. Needs Chromium (scripts/install-system-deps.sh).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { RunVerification } from '../src/engine/verify/types';
import { diagramPayload, MAX_DIAGRAM_NODES } from '../src/engine/mermaid/payload';
import { renderDiagram, type SelectedRuns } from '../src/engine/mermaid/provenanceDiagram';
import { timed } from './common';

function syntheticDag(nodes: number): SelectedRuns {
  const runs: RunVerification[] = [];
  const count = Math.max(1, Math.floor(nodes / 2));
  for (let i = 0; i < count; i++) {
    const files = [{ path: `/data/step${i}/out${i}.csv`, role: 'output', expected_hash: 'ab', current_hash: 'ab', status: 'verified' as const, frozen: false, is_verified: true }];
    if (i > 0) files.unshift({ path: `/data/step${i - 1}/out${i - 1}.csv`, role: 'input', expected_hash: 'ab', current_hash: 'ab', status: 'verified' as const, frozen: false, is_verified: true });
    runs.push({ session_id: `s${i}`, script_path: `/code/step${i}.py`, status: 'verified', files, combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'tracked', exception_reason: null, is_verified: true, is_verified_from_scratch: false });
  }
  return { mode: 'targets', runs, scratch: new Set(), edges: runs.slice(1).map((r, i) => [`s${i}`, r.session_id]) };
}

async function main(): Promise<void> {
  const executable = process.env.CLEW_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executable)) {
    console.log(`render bench skipped: no Chromium at ${executable} (run scripts/install-system-deps.sh)`);
    return;
  }
  const bundle = fs.readFileSync(path.resolve(__dirname, '../../dist/webview.js'), 'utf8');
  const browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox'] });
  const results: { size: number; ms: number }[] = [];
  try {
    for (const size of [50, 500, 5000]) {
      const page = await browser.newPage();
      await page.setContent('<html><body><h1 id="title"></h1><div id="dag"></div></body></html>');
      await page.evaluate(() => {
        const w = window as unknown as { __msgs: unknown[]; acquireVsCodeApi: () => unknown };
        w.__msgs = [];
        w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__msgs.push(m), setState: () => undefined, getState: () => undefined });
      });
      await page.addScriptTag({ content: bundle });
      const text = await timed(() => diagramPayload(renderDiagram(syntheticDag(size), { maxNodes: MAX_DIAGRAM_NODES }), `bench ${size}`));
      const render = await timed(async () => {
        await page.evaluate((payload) => window.postMessage({ type: 'render', payload }, '*'), text.value);
        await page.waitForFunction(() => (window as unknown as { __msgs: { type: string }[] }).__msgs.some((m) => m.type === 'rendered' || m.type === 'renderFailed'), undefined, { timeout: 300_000 });
      });
      const report = await page.evaluate(() => (window as unknown as { __msgs: { type: string; nodeCount?: number; message?: string }[] }).__msgs.find((m) => m.type !== 'ready'));
      results.push({ size, ms: render.ms });
      const perNode = render.ms / size;
      const base = results[0].ms / results[0].size;
      console.log(
        `render ${size} nodes${text.value.nodes.length < size ? ` (drawn as ${text.value.nodes.length} run nodes: above ${MAX_DIAGRAM_NODES} nodes the panel collapses files)` : ''}: ${render.ms.toFixed(0)} ms (${report?.type === 'rendered' ? `${report.nodeCount} nodes drawn` : `failed: ${report?.message}`}); text ${text.ms.toFixed(1)} ms; per node ${perNode.toFixed(2)} ms = ${(perNode / base).toFixed(2)}× the 50-node cost`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

void main();
