// DOM helpers for driving the VS Code 1.100 web workbench (code-server) with playwright-core.
// Selectors were verified against code-server 4.100.3; see shared notes/vscode-runtime.md.

const EXPLORER_ROWS = '.explorer-folders-view .monaco-list-row';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits until the explorer shows the workspace's first rows. */
export async function waitForExplorer(page, timeoutMs = 90_000) {
  await page.locator(EXPLORER_ROWS).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens the Explorer view (keyboard shortcut works regardless of the current sidebar). */
export async function showExplorer(page) {
  await page.keyboard.press('Control+Shift+E');
  await page.locator('.explorer-folders-view').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** The explorer row for `name` at tree depth `level` (1 = workspace root entries). */
function rowAt(page, level, name) {
  return page
    .locator(`${EXPLORER_ROWS}[aria-level="${level}"]`)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
    .first();
}

/** Scrolls the (virtualised) explorer list until `locator` is rendered, or gives up. */
async function scrollUntilRendered(page, locator) {
  const list = page.locator('.explorer-folders-view .monaco-list').first();
  await list.hover();
  for (let i = 0; i < 60; i += 1) {
    if ((await locator.count()) > 0) return true;
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(50);
  }
  return (await locator.count()) > 0;
}

/**
 * Expands the folders of a workspace-relative path one by one and returns the row locator of the
 * last segment (file or folder), scrolled into view.
 */
export async function revealInExplorer(page, relPath) {
  await showExplorer(page);
  const parts = relPath.split('/').filter(Boolean);
  let row = null;
  for (let i = 0; i < parts.length; i += 1) {
    row = rowAt(page, i + 1, parts[i]);
    if ((await row.count()) === 0) {
      await page.locator(`${EXPLORER_ROWS}`).first().scrollIntoViewIfNeeded();
      if (!(await scrollUntilRendered(page, row))) throw new Error(`explorer row "${parts.slice(0, i + 1).join('/')}" not found`);
    }
    await row.scrollIntoViewIfNeeded();
    const isLast = i === parts.length - 1;
    if (!isLast && (await row.getAttribute('aria-expanded')) === 'false') {
      await row.click();
      await page.waitForFunction(
        (el) => el.getAttribute('aria-expanded') === 'true',
        await row.elementHandle(),
        { timeout: 10_000 },
      );
    }
  }
  return row;
}

/**
 * The decoration badges on an explorer row: the letters are CSS `::after` content of elements
 * with a `monaco-decoration-itemBadge-*` class, not DOM text. Returns e.g. ['✓'] or [].
 */
export async function badgesOf(row) {
  return row.evaluate((el) => {
    const found = [];
    for (const node of el.querySelectorAll('[class*="monaco-decoration-itemBadge"]')) {
      const content = getComputedStyle(node, '::after').content;
      if (content && content !== 'none' && content !== 'normal') found.push(content.replace(/^"|"$/g, ''));
    }
    return found;
  });
}

/** The decoration tooltip/title of a row's label, when the workbench exposes one. */
export async function titleOf(row) {
  return row.evaluate((el) => el.querySelector('.monaco-icon-label')?.getAttribute('title') ?? el.getAttribute('aria-label') ?? '');
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function poll(fn, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await fn();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Closes menus / quick input / notifications that a previous check may have left open. */
export async function dismissOverlays(page) {
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Escape');
}

/** Types `title` into the command palette and waits until it is the row Enter would run. */
export async function findCommand(page, title) {
  await dismissOverlays(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 15_000 });
}
