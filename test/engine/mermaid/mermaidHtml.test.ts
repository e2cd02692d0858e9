/**
 * Security of the rendered diagram in a real browser: a DAG whose file and script names carry
 * markup, script, backticks and mermaid syntax, drawn by the real webview bundle inside the
 * standalone HTML page, shows them as text — no <img> element, no script runs, one node per file.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diagramPayload } from '../../../src/engine/mermaid/payload';
import { dagHtmlPage } from '../../../src/engine/mermaid/html';
import { renderDiagram, type SelectedRuns } from '../../../src/engine/mermaid/provenanceDiagram';
import { DIAGRAM_ICONS } from '../../../src/engine/mermaid/upstreamStyle';
import type { FileVerification, RunVerification } from '../../../src/engine/verify/types';
import { CHROMIUM_MISSING, withDiagramPage } from '../../support/diagramPage';

const HOSTILE = ['"><img src=x onerror="window.__pwned=1">.csv', '</script><script>window.__pwned=2</script>.csv', 'tick`s`.csv', 'graph TD; A-->B; click A call alert().csv', `${'long'.repeat(2500)}.csv`];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-html-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(p: string, role: string): FileVerification {
  return { path: `/data/${p}`, role, expected_hash: 'ab', current_hash: 'ab', status: role === 'input' ? 'mismatch' : 'verified', frozen: false, is_verified: role !== 'input' };
}
function run(id: string, script: string, files: FileVerification[]): RunVerification {
  return { session_id: id, script_path: script, status: 'verified', files, combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'tracked', exception_reason: null, is_verified: true, is_verified_from_scratch: false };
}

test('hostile names render as text in the standalone page', { skip: CHROMIUM_MISSING }, async () => {
  const selected: SelectedRuns = {
    mode: 'targets',
    runs: [run('s1', '/code/"><img src=x onerror="window.__pwned=3">.py', HOSTILE.map((h) => file(h, 'output'))), run('s2', '/code/b.py', HOSTILE.map((h) => file(h, 'input')))],
    scratch: new Set(),
    edges: [['s1', 's2']],
  };
  const page = path.join(dir, 'dag.html');
  fs.writeFileSync(page, dagHtmlPage(diagramPayload(renderDiagram(selected), '<b>title</b>')));
  await withDiagramPage(page, async (tab, dialogs) => {
    const facts = await tab.evaluate(() => ({
      nodes: document.querySelectorAll('#dag svg g.node').length,
      images: document.querySelectorAll('img').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
      title: document.getElementById('title')?.textContent ?? '',
      bold: document.querySelectorAll('h1 b').length,
    }));
    assert.equal(facts.nodes, 2 + HOSTILE.length, 'one node per run and per file');
    assert.equal(facts.images, 0, 'no <img> element was created');
    assert.equal(facts.pwned, 0, 'no injected script ran');
    assert.deepEqual(dialogs, []);
    assert.equal(facts.title, '<b>title</b>', 'the title is text');
    assert.equal(facts.bold, 0);
  });
});

test('names with %% show exactly as they are (mermaid reads %% as a directive anywhere)', { skip: CHROMIUM_MISSING }, async () => {
  const names = ['growth 100%%{init}%% rate.csv', 'a %% b.csv', '50% done.csv'];
  const selected: SelectedRuns = { mode: 'targets', runs: [run('p1', '/code/pct%%step.py', names.map((n) => file(n, 'output')))], scratch: new Set(), edges: [] };
  const page = path.join(dir, 'percent.html');
  fs.writeFileSync(page, dagHtmlPage(diagramPayload(renderDiagram(selected), 'percent')));
  await withDiagramPage(page, async (tab) => {
    const labels = await tab.evaluate(() => Array.from(document.querySelectorAll('#dag svg g.node'), (n) => n.textContent ?? ''));
    assert.equal(labels.length, 1 + names.length);
    for (const name of [...names, 'pct%%step.py']) assert.ok(labels.some((l) => l.includes(name)), `${name} in ${JSON.stringify(labels)}`);
  });
});

test('the page zooms, focuses on a node and exports SVG and PNG', { skip: CHROMIUM_MISSING }, async () => {
  const chain: RunVerification[] = [];
  for (let i = 0; i < 4; i++) {
    chain.push(run(`s${i}`, `/code/step${i}.py`, [...(i > 0 ? [{ ...file(`f${i - 1}.csv`, 'input'), status: 'verified' as const, is_verified: true }] : []), file(`f${i}.csv`, 'output')]));
  }
  const selected: SelectedRuns = { mode: 'targets', runs: chain, scratch: new Set(), edges: chain.slice(1).map((r, i) => [`s${i}`, r.session_id]) };
  const page = path.join(dir, 'chain.html');
  fs.writeFileSync(page, dagHtmlPage(diagramPayload(renderDiagram(selected), 'chain')));
  await withDiagramPage(
    page,
    async (tab) => {
      const nodes = () => tab.locator('#dag svg g.node').count();
      assert.equal(await nodes(), 8, '4 runs and 4 files');

      await tab.click('#toolbar button:has-text("+")');
      assert.match(await tab.locator('#canvas').getAttribute('style') ?? '', /scale\(1\.25\)/, 'zoomed in');

      // Select the second file (f1.csv), then show only its upstream: f1 ← s1 ← f0 ← s0.
      await tab.locator('#dag svg g.node', { hasText: 'f1.csv' }).click();
      await tab.click('#toolbar button:has-text("Upstream")');
      await tab.waitForFunction(() => document.querySelectorAll('#dag svg g.node').length === 4);
      assert.match((await tab.locator('#status').textContent()) ?? '', /upstream of “f1\.csv”/);
      await tab.click('#toolbar button:has-text("Downstream")');
      // …and only what depends on it: f1 → s2 → f2 → s3 → f3.
      await tab.waitForFunction(() => document.querySelectorAll('#dag svg g.node').length === 5);
      await tab.click('#toolbar button:has-text("Show all")');
      await tab.waitForFunction(() => document.querySelectorAll('#dag svg g.node').length === 8);

      const [svg] = await Promise.all([tab.waitForEvent('download'), tab.click('#toolbar button:has-text("Export SVG")')]);
      const svgText = fs.readFileSync(await svg.path(), 'utf8');
      assert.match(svgText, /^<svg[\s\S]*f3\.csv[\s\S]*<\/svg>$/);
      const [png] = await Promise.all([tab.waitForEvent('download'), tab.click('#toolbar button:has-text("Export PNG")')]);
      const pngBytes = fs.readFileSync(await png.path());
      assert.deepEqual([...pngBytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
      assert.ok(pngBytes.length > 1000);
    },
    { acceptDownloads: true },
  );
});

/** A chain of `runs` runs, each reading the previous output; the first one writes the hostile names too. */
function longChain(runs: number): SelectedRuns {
  const chain: RunVerification[] = [];
  for (let i = 0; i < runs; i++) {
    const input = i > 0 ? [{ ...file(`f${i - 1}.csv`, 'input'), status: 'verified' as const, is_verified: true }] : [];
    chain.push(run(`s${i}`, `/code/step${i}.py`, [...input, file(`f${i}.csv`, 'output'), ...(i === 0 ? HOSTILE.map((h) => file(h, 'output')) : [])]));
  }
  return { mode: 'targets', runs: chain, scratch: new Set(), edges: chain.slice(1).map((r, i) => [`s${i}`, r.session_id]) };
}

test('a 600-node DAG is drawn whole by the layered renderer under the page CSP: names as text, nodes clickable', { skip: CHROMIUM_MISSING }, async () => {
  const payload = diagramPayload(renderDiagram(longChain(300)), 'large');
  assert.equal(payload.nodes.length, 600 + HOSTILE.length);
  const page = path.join(dir, 'large.html');
  fs.writeFileSync(page, dagHtmlPage(payload));
  await withDiagramPage(page, async (tab, dialogs) => {
    const facts = await tab.evaluate(() => ({
      nodes: Array.from(document.querySelectorAll('#dag svg g.node'), (g) => g.id),
      images: document.querySelectorAll('img').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
      status: document.getElementById('status')?.textContent ?? '',
      labels: Array.from(document.querySelectorAll('#dag svg g.node'), (n) => n.textContent ?? ''),
      fill: getComputedStyle(document.querySelector('#dag svg g.node rect') as Element).fill,
    }));
    assert.equal(facts.nodes.length, payload.nodes.length, 'every node drawn, none collapsed');
    assert.match(facts.status, /layered layout/);
    // The ids the panel wires clicks by, as mermaid writes them.
    assert.deepEqual(new Set(facts.nodes.map((id) => /flowchart-(.+)-\d+$/.exec(id)?.[1])), new Set(payload.nodes.map((n) => n.id)));
    assert.equal(facts.images, 0);
    assert.equal(facts.pwned, 0);
    assert.deepEqual(dialogs, []);
    assert.ok(facts.labels.some((l) => l.includes('"><img src=x onerror="window.__pwned=1">.csv')), 'the hostile name shows as text');
    assert.equal(facts.fill, 'rgb(45, 164, 78)', 'classDef colours reach the shapes');
    assert.equal(await tab.locator('#toolbar button:has-text("Mermaid layout")').count(), 1, 'the layout button offers mermaid');
    // Focus works on the layered drawing: f2.csv's upstream is f2 ← s2 ← f1 ← s1 ← f0 ← s0.
    await tab.locator('#dag svg g.node', { hasText: /^✓ f2\.csv$/ }).click();
    await tab.click('#toolbar button:has-text("Upstream")');
    await tab.waitForFunction(() => document.querySelectorAll('#dag svg g.node').length === 6);
    assert.equal(await tab.locator('#dag svg.clew-layered').count(), 0, 'a focus this small is drawn by mermaid again');
  });
});

test('the layout button switches renderers; both draw the same nodes in the same colours', { skip: CHROMIUM_MISSING }, async () => {
  const payload = { ...diagramPayload(renderDiagram(longChain(5)), 'switch'), layout: 'layered' as const };
  const page = path.join(dir, 'switch.html');
  fs.writeFileSync(page, dagHtmlPage(payload));
  await withDiagramPage(page, async (tab) => {
    const drawn = () => tab.evaluate(() => Array.from(document.querySelectorAll('#dag svg g.node'), (g) => `${/flowchart-(.+)-\d+$/.exec(g.id)?.[1]} ${getComputedStyle(g.querySelector('rect, polygon, path') ?? g).fill}`).sort());
    const layered = await drawn();
    assert.equal(layered.length, payload.nodes.length);
    assert.equal(await tab.locator('#dag svg.clew-layered').count(), 1, 'drawn by the layered renderer, as the payload asks');
    await tab.click('#toolbar button:has-text("Mermaid layout")');
    await tab.locator('#toolbar button:has-text("Fast layout")').waitFor();
    await tab.waitForFunction(() => document.querySelectorAll('#dag svg g.node').length > 0 && !document.querySelector('#dag svg.clew-layered'));
    assert.deepEqual(await drawn(), layered);
    await tab.click('#toolbar button:has-text("Fast layout")');
    await tab.locator('#dag svg.clew-layered').waitFor();
    assert.deepEqual(await drawn(), layered);
    // Exports work on the layered drawing too.
    const [svg] = await Promise.all([tab.waitForEvent('download'), tab.click('#toolbar button:has-text("Export SVG")')]);
    assert.match(fs.readFileSync(await svg.path(), 'utf8'), /^<svg[^>]*clew-layered[\s\S]*f4\.csv[\s\S]*<\/svg>$/);
    const [png] = await Promise.all([tab.waitForEvent('download'), tab.click('#toolbar button:has-text("Export PNG")')]);
    const pngBytes = fs.readFileSync(await png.path());
    assert.deepEqual([...pngBytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
    assert.ok(pngBytes.length > 1000);
  }, { acceptDownloads: true });
});

/** The fonts fontconfig offers that cover `char` (empty: every browser draws it as a .notdef box). */
function fontsCovering(char: string): string[] {
  const hex = (char.codePointAt(0) ?? 0).toString(16);
  const out = spawnSync('fc-list', [`:charset=${hex}`, 'family'], { encoding: 'utf8' });
  if (out.error) throw new Error(`fc-list is needed to read font coverage: ${out.error.message}`);
  return out.stdout.split('\n').filter(Boolean);
}

test('every glyph of the drawn labels is in an installed font: no emoji boxes without emoji fonts', { skip: CHROMIUM_MISSING }, async () => {
  // One file of every type upstream gives an icon, a script, and each verdict glyph.
  const types = ['a.csv', 'b.json', 'c.yaml', 'd.png', 'e.pdf', 'f.html', 'g.txt', 'h.npy', 'i.pkl', 'j.h5', 'k.mat', 'l.sh', 'm.unknownext'];
  const selected: SelectedRuns = { mode: 'targets', runs: [run('g1', '/code/step.py', types.map((t) => file(t, 'output'))), run('g2', '/code/next.py', types.map((t) => file(t, 'input')))], scratch: new Set(), edges: [['g1', 'g2']] };
  const payload = diagramPayload(renderDiagram(selected), 'glyphs');
  for (const icon of DIAGRAM_ICONS) assert.ok(!payload.mermaid.includes(icon), `no ${icon} in the drawn text`);
  assert.match(renderDiagram(selected).text, /🐍/, 'the diagram text itself (clew mermaid) keeps upstream\u2019s icons');
  const page = path.join(dir, 'glyphs.html');
  fs.writeFileSync(page, dagHtmlPage(payload));
  await withDiagramPage(page, async (tab) => {
    const labels = await tab.evaluate(() => Array.from(document.querySelectorAll('#dag svg g.node'), (n) => n.textContent ?? ''));
    assert.equal(labels.length, 2 + types.length);
    const nonAscii = [...new Set(labels.join('').replace(/[\x00-\x7f]/g, ''))];
    assert.ok(nonAscii.includes('✓') && nonAscii.includes('✗'), `the verdict glyphs are drawn: ${nonAscii.join(' ')}`);
    const boxes = nonAscii.filter((c) => fontsCovering(c).length === 0);
    assert.deepEqual(boxes, [], 'characters no installed font has');
  });
});
