#!/usr/bin/env node
// Renders media/icon.png (the Marketplace's 128×128 icon) from media/clew.svg with Debian's
// Chromium: the activity-bar glyph in white on the gallery banner's colour. Run after editing the SVG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath, repoRoot } from './vscode-runtime/runtime.mjs';

const { chromium } = await import('playwright-core');
const svg = readFileSync(join(repoRoot, 'media/clew.svg'), 'utf8').replace('width="24" height="24"', 'width="96" height="96"').replace('stroke="currentColor"', 'stroke="#ffffff"');
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<body style="margin:0;width:128px;height:128px;display:grid;place-items:center;background:#1f4e79;border-radius:0">${svg}</body>`);
  await page.screenshot({ path: join(repoRoot, 'media/icon.png'), omitBackground: false });
} finally {
  await browser.close();
}
console.log('media/icon.png');
