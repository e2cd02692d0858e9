/**
 * Opens a standalone diagram page (`clew mermaid -f html`) in headless Chromium with the real
 * renderer, waits until it has drawn, and records every dialog (a dialog means injected script ran).
 * Tests skip with `CHROMIUM_MISSING` as the reason where there is no Chromium.
 */
import * as fs from 'node:fs';
import { chromium, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CLEW_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING: string | false = !fs.existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;

export async function withDiagramPage<T>(file: string, use: (tab: Page, dialogs: string[]) => Promise<T>, options: BrowserContextOptions = {}): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const tab = await browser.newPage(options);
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await tab.goto(`file://${file}`);
    await tab.waitForSelector('#dag svg g.node', { timeout: 60_000 });
    return await use(tab, dialogs);
  } finally {
    await browser.close();
  }
}
