/**
 * DAG panel render time: the real webview bundle (dist/webview.js, mermaid included) in headless
 * Chromium, fed the same payload the extension sends, timed until the webview reports `rendered`.
 * Cases, all in one run: 50 nodes (mermaid), 500 nodes drawn by mermaid's layout (the panel's
 * path before #13, the baseline), 500 and 5,000 nodes drawn whole by the layered renderer the
 * panel picks above MERMAID_MAX_NODES, and 5,000 nodes collapsed to their 1,000 nearest runs
 * (maxNodes 1,000, the choice `clew.dag.maxNodes` offers). Each line prints the time, what was
 * drawn, the speed-up against the mermaid baseline and the per-node cost against 50 nodes.
 * Prints ratios; asserts nothing. Needs Chromium (scripts/install-system-deps.sh).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { RunVerification } from '../src/engine/verify/types';
import { diagramPayload, MAX_DIAGRAM_NODES } from '../src/engine/mermaid/payload';
import { renderDiagram, type SelectedRuns } from '../src/engine/mermaid/provenanceDiagram';
import type { DagLayout, DagPayload } from '../src/engine/mermaid/types';
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

interface Case {
  name: string;
  size: number;
  maxNodes: number;
  layout: DagLayout;
}

const CASES: Case[] = [
  { name: '50 nodes, auto', size: 50, maxNodes: MAX_DIAGRAM_NODES, layout: 'auto' },
  { name: '500 nodes, mermaid layout (before #13)', size: 500, maxNodes: MAX_DIAGRAM_NODES, layout: 'mermaid' },
  { name: '500 nodes, auto', size: 500, maxNodes: MAX_DIAGRAM_NODES, layout: 'auto' },
  { name: '5,000 nodes whole, auto', size: 5000, maxNodes: MAX_DIAGRAM_NODES, layout: 'auto' },
  { name: '5,000 nodes collapsed (maxNodes 1,000), auto', size: 5000, maxNodes: 1000, layout: 'auto' },
];
const BASELINE = 1;

async function renderOnce(browser: Browser, bundle: string, payload: DagPayload): Promise<{ ms: number; report: { type: string; nodeCount?: number; message?: string; layout?: string } | undefined }> {
  const page = await browser.newPage();
  try {
    await page.setContent('<html><body><h1 id="title"></h1><div id="dag"></div></body></html>');
    await page.evaluate(() => {
      const w = window as unknown as { __msgs: unknown[]; acquireVsCodeApi: () => unknown };
      w.__msgs = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__msgs.push(m), setState: () => undefined, getState: () => undefined });
    });
    await page.addScriptTag({ content: bundle });
    const render = await timed(async () => {
      await page.evaluate((p) => window.postMessage({ type: 'render', payload: p }, '*'), payload);
      await page.waitForFunction(() => (window as unknown as { __msgs: { type: string }[] }).__msgs.some((m) => m.type === 'rendered' || m.type === 'renderFailed'), undefined, { timeout: 300_000 });
    });
    const report = await page.evaluate(() => (window as unknown as { __msgs: { type: string; nodeCount?: number; message?: string; layout?: string }[] }).__msgs.find((m) => m.type !== 'ready'));
    return { ms: render.ms, report };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const executable = process.env.CLEW_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executable)) {
    console.log(`render bench skipped: no Chromium at ${executable} (run scripts/install-system-deps.sh)`);
    return;
  }
  const bundle = fs.readFileSync(path.resolve(__dirname, '../../dist/webview.js'), 'utf8');
  const browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox'] });
  const results: { ms: number; drawn: number }[] = [];
  try {
    for (const c of CASES) {
      const text = await timed(() => ({ ...diagramPayload(renderDiagram(syntheticDag(c.size), { maxNodes: c.maxNodes }), `bench ${c.size}`), layout: c.layout }));
      const { ms, report } = await renderOnce(browser, bundle, text.value);
      const drawn = report?.type === 'rendered' ? (report.nodeCount ?? 0) : 0;
      results.push({ ms, drawn });
      const perNode = ms / Math.max(1, drawn);
      const base = results[0].ms / Math.max(1, results[0].drawn);
      const vsBaseline = results.length - 1 === BASELINE ? ' (the baseline)' : results.length > BASELINE ? `; ${(results[BASELINE].ms / ms).toFixed(2)}× faster than mermaid's layout at 500 nodes` : '';
      console.log(
        `render ${c.name}: ${ms.toFixed(0)} ms (${report?.type === 'rendered' ? `${drawn} nodes drawn by ${report.layout ?? '?'}${text.value.title.includes('(') ? `, ${text.value.title.replace(/^[^(]*\(|\)$/g, '')}` : ''}` : `failed: ${report?.message}`}); text ${text.ms.toFixed(1)} ms; per drawn node ${perNode.toFixed(2)} ms = ${(perNode / base).toFixed(2)}× the 50-node cost${vsBaseline}`,
      );
    }
  } finally {
    await browser.close();
  }
}

void main();
