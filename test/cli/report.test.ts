/**
 * `clew report`: one self-contained page. Opened in headless Chromium with every request other
 * than the page itself refused, it draws the DAG (one box per run), logs no error (a CSP violation
 * would), runs no script, and the hostile file name (quotes, `ü`, `<script>`) stays text.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_MISSING } from '../support/diagramPage';
import { RAW, recordExportProject } from '../support/exportProject';
import { clew, tempBase } from '../support/recordedProject';

describe('clew report', () => {
  let base: string;
  let root: string;
  let report: string;
  before(() => {
    base = tempBase('clew-report-');
    root = recordExportProject(base);
    fs.appendFileSync(path.join(root, 'out', 'fig.txt'), 'edited\n');
    report = path.join(base, 'report.html');
    const r = clew(root, ['report', '-o', report]);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('the page is self-contained: no script, no external reference, a nonce CSP, every name escaped', () => {
    const html = fs.readFileSync(report, 'utf8');
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /(src|href)="https?:/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-[A-Za-z0-9+/=]+'"/);
    assert.ok(html.includes('&#60;script&#62;'), 'the hostile name is escaped');
    assert.match(html, /@media print/);
  });

  test('in Chromium offline: the DAG draws, nothing errors, the hostile name stays text', { skip: CHROMIUM_MISSING }, async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file://')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${report}`);
      assert.equal(await page.locator('.dag svg rect').count(), 2);
      assert.equal(await page.locator('script').count(), 0);
      const text = (await page.textContent('body')) ?? '';
      assert.ok(text.includes(RAW), 'the hostile path is shown as written');
      assert.match(text, /mismatch/);
      // The style element applied (a blocked stylesheet would leave badges uncoloured).
      const background = await page.locator('.badge').first().evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.notEqual(background, 'rgba(0, 0, 0, 0)');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
    }
  });
});
