/**
 * A real store full of hostile names, end to end: files whose names carry markup, script tags,
 * backticks and mermaid syntax, recorded by `clew record`, plus a 10,000-character path and a
 * hostile script path written into the store by Python (no file system accepts those). Then
 * `clew mermaid` text keeps to the diagram grammar, and the `--format html` page, opened in
 * Chromium with the real renderer, shows the names as text: no <img>, no script runs, one node per
 * run and file, and a layout of bounded width.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM_MISSING, withDiagramPage } from '../support/diagramPage';
import { CLI } from '../support/repo';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clew hostile '));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const INPUT = '"><img src=x onerror="window.__pwned=1">.csv';
const OUTPUT = 'tick`s` graph TD; A-->B; click A call alert().csv';
const LONG = `/${'d'.repeat(200)}/`.repeat(50) + 'x.csv';

function clew(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_DB_PATH: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function hostileStore(): void {
  fs.writeFileSync(path.join(root, 'pyproject.toml'), '');
  fs.writeFileSync(path.join(root, INPUT), 'a,b\n1,2\n');
  const rec = clew('record', '--session-id', 'hostile-1', '--input', INPUT, '--output', OUTPUT, '--', 'cp', INPUT, OUTPUT);
  assert.equal(rec.code, 0, rec.err);
  // Rows no file system could hold: a 10,000-character path, a script path with a script tag.
  const db = path.join(root, '.scitex/clew/runtime/clew.db');
  execFileSync('python3', [
    '-c',
    `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO runs (session_id, script_path, started_at, status) VALUES ('hostile-2', ?, '2026-11-30T00:00:00', 'success')", ('/code/</script><script>window.__pwned=2</script>.py',))
c.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('hostile-2', ?, 'ab', 'input')", (sys.argv[2],))
c.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('hostile-2', ?, 'cd', 'input')", (sys.argv[3],))
c.commit()`,
    db,
    LONG,
    path.join(root, OUTPUT),
  ]);
  assert.ok(LONG.length > 10_000);
}

const LINE = /^(graph TD|\s{4}script_\d+\["[^"]*"\]:::\w+|\s{4}file_\w+\[\("[^"]*"\)\]:::\w+|\s{4}\w+ --> \w+|\s{4}classDef \w+ .*|)$/;

test('hostile names in a real store stay inert in the text and in the rendered page', { skip: CHROMIUM_MISSING }, async () => {
  hostileStore();
  const text = clew('mermaid');
  assert.equal(text.code, 0, text.err);
  for (const line of text.out.trimEnd().split('\n')) assert.match(line, LINE, `unexpected line: ${line.slice(0, 160)}`);
  assert.ok(text.out.length < 10_000, 'the 10,000-character path is cut');

  const page = path.join(root, 'page.html');
  assert.equal(clew('mermaid', '-f', 'html', '-o', page).code, 0);
  await withDiagramPage(
    page,
    async (tab, dialogs) => {
      const facts = await tab.evaluate(() => {
        const svg = document.querySelector('#dag svg') as SVGSVGElement;
        return {
          nodes: document.querySelectorAll('#dag svg g.node').length,
          images: document.querySelectorAll('img, #dag svg image').length,
          scripts: document.querySelectorAll('#dag script').length,
          pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
          labels: Array.from(document.querySelectorAll('#dag svg g.node')).map((g) => g.textContent ?? ''),
          width: svg.getBBox().width,
        };
      });
      assert.equal(facts.nodes, 2 + 3, 'two runs and three files');
      assert.equal(facts.images, 0, 'no image element was created');
      assert.equal(facts.scripts, 0);
      assert.equal(facts.pwned, 0, 'no injected script ran');
      assert.deepEqual(dialogs, []);
      assert.ok(facts.labels.some((l) => l.includes('"><img src=x')), `the markup shows as text: ${JSON.stringify(facts.labels)}`);
      // The script path's basename (its last '/' is inside '</script>') shows as text, '>' included.
      assert.ok(facts.labels.some((l) => l.includes('script>.py')), 'the script name shows as text');
      assert.ok(facts.width < 3000, `the layout stays bounded: ${facts.width}px wide`);
    },
    { viewport: { width: 1200, height: 900 } },
  );
});
