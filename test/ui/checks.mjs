// The UI smoke checks, derived from the workspace's own store so they also run on a workspace
// nobody has seen: test/ui/store_status.py (independent of the extension) says which recorded
// file is VERIFIED / MISMATCH / MISSING, and each check asserts what the workbench shows for it.
// A check is { name, run(page) }; run throws an Error with a one-line reason on failure.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { badgesOf, dismissOverlays, findCommand, poll, revealInExplorer, showExplorer } from './workbench.mjs';

const BADGE_WAIT_MS = 60_000;
const PANEL_WAIT_MS = 30_000;
const VIEW_NAMES = ['Changes', 'Runs', 'Claims'];

/** A file at the workspace top level that the store does not record (should get no badge). */
function findUntracked(workspace, recorded, referenced) {
  const known = new Set([...recorded.map((f) => f.path), ...referenced]);
  const candidates = readdirSync(workspace)
    .filter((name) => !name.startsWith('.') && !known.has(name))
    .filter((name) => statSync(join(workspace, name)).isFile())
    .sort();
  return candidates[0] ?? null;
}

/** Prefer files inside a folder (exercises expansion) but take what the store has. */
function pick(files, status) {
  const matching = files.filter((f) => f.status === status);
  return matching.find((f) => f.path.includes('/')) ?? matching[0] ?? null;
}

async function expectBadge(page, relPath, wanted, label) {
  const row = await revealInExplorer(page, relPath);
  const badges = await poll(async () => {
    const now = await badgesOf(row);
    return wanted(now) ? now : null;
  }, BADGE_WAIT_MS);
  if (!badges) throw new Error(`${label}: ${relPath} shows badges ${JSON.stringify(await badgesOf(row))}`);
}

async function openClewContainer(page) {
  const item = page.locator('.activitybar .action-item .action-label[aria-label^="Clew"]').first();
  await item.waitFor({ state: 'visible', timeout: PANEL_WAIT_MS });
  const sidebarTitle = page.locator('.sidebar .composite.title');
  if (!/clew/i.test((await sidebarTitle.textContent().catch(() => '')) ?? '')) await item.click();
}

async function expectClewViews(page) {
  for (const name of VIEW_NAMES) {
    await page
      .locator('.sidebar .pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') })
      .first()
      .waitFor({ state: 'visible', timeout: PANEL_WAIT_MS })
      .catch(() => {
        throw new Error(`the Clew side bar has no "${name}" view`);
      });
  }
}

/**
 * The Clew status-bar entry: the item showing `✓ n ✗ n ! n`, else (codicon rendering) the first
 * item contributed by clew.clew (VS Code gives extension items the DOM id `<extensionId>.<id>`).
 */
async function clewStatusItem(page) {
  const byText = page.locator('.statusbar-item', { hasText: /✓\s*\d+.*✗\s*\d+/ }).first();
  const byId = page.locator('.statusbar-item[id^="clew.clew"]').first();
  const found = await poll(async () => ((await byText.count()) > 0 ? byText : (await byId.count()) > 0 ? byId : null), BADGE_WAIT_MS);
  if (!found) throw new Error('no Clew status-bar item');
  return found;
}

export function buildChecks({ workspace, files, referenced = [] }) {
  const verified = pick(files, 'verified');
  const mismatch = pick(files, 'mismatch');
  const anyMissing = files.find((f) => f.status === 'missing') ?? null;
  const missing = files.find((f) => f.status === 'missing' && f.path.includes('/')) ?? null;
  const missingFolder = missing ? posix.dirname(missing.path) : null;
  const untracked = findUntracked(workspace, files, referenced);
  const recorded = mismatch ?? verified;
  const checks = [];

  if (verified) {
    checks.push({
      name: `explorer badge ✓ on verified ${verified.path}`,
      run: (page) => expectBadge(page, verified.path, (b) => b.some((x) => x.includes('✓')), 'expected ✓'),
    });
  }
  if (mismatch) {
    checks.push({
      name: `explorer badge ✗ on mismatched ${mismatch.path}`,
      run: (page) => expectBadge(page, mismatch.path, (b) => b.some((x) => x.includes('✗')), 'expected ✗'),
    });
  }
  if (missingFolder && existsSync(join(workspace, missingFolder))) {
    checks.push({
      name: `explorer badge ! on ${missingFolder}/ (holds missing ${posix.basename(missing.path)})`,
      run: (page) => expectBadge(page, missingFolder, (b) => b.some((x) => x.includes('!')), 'expected !'),
    });
  }
  if (untracked && recorded) {
    checks.push({
      name: `no badge on untracked ${untracked}`,
      run: async (page) => {
        // Wait for a recorded file's badge first, so "no badge" is not just "not computed yet".
        await expectBadge(page, recorded.path, (b) => b.length > 0, 'expected a badge');
        const row = await revealInExplorer(page, untracked);
        const badges = await badgesOf(row);
        if (badges.some((x) => /[✓✗!]/.test(x))) throw new Error(`untracked ${untracked} shows ${JSON.stringify(badges)}`);
      },
    });
  }
  if (recorded) {
    checks.push({
      name: `explorer context menu has "Trace Chain" on ${recorded.path}`,
      run: async (page) => {
        const row = await revealInExplorer(page, recorded.path);
        await row.click({ button: 'right' });
        const entry = page.locator('.monaco-menu .action-item', { hasText: 'Trace Chain' }).first();
        try {
          await entry.waitFor({ state: 'visible', timeout: 15_000 });
        } finally {
          await dismissOverlays(page);
        }
      },
    });
  }
  if (recorded) {
    checks.push({
      name: 'Clew: Show DAG draws the provenance graph in a webview, and clicking a file node opens the file',
      run: async (page) => {
        await findCommand(page, 'Clew: Show DAG');
        await page.keyboard.press('Enter');
        const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        const fileNode = frame.locator('g.node[id*="flowchart-file_"]').first();
        await fileNode.waitFor({ state: 'visible', timeout: PANEL_WAIT_MS }).catch(() => {
          throw new Error('the DAG panel drew no file node');
        });
        // Upstream's label: "<badge> <icon> <name>"; the editor tab shows the name.
        const label = (await fileNode.textContent())?.trim().split(/\s+/).pop() ?? '';
        if (!label) throw new Error('the first file node has no label');
        await fileNode.click();
        await page
          .locator('.tabs-container .tab', { hasText: label })
          .first()
          .waitFor({ state: 'visible', timeout: PANEL_WAIT_MS })
          .catch(() => {
            throw new Error(`clicking the DAG node "${label}" did not open it in an editor tab`);
          });
      },
    });
    checks.push({
      name: 'DAG panel: Upstream focus narrows the graph, Show all restores it, a run node opens its report',
      run: async (page) => {
        const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        const nodes = frame.locator('#dag svg g.node');
        const all = await nodes.count();
        if (all < 3) throw new Error(`the DAG panel is not showing the graph (${all} nodes)`);
        // The first file node was clicked by the previous check, so it is selected: focus on its upstream.
        await frame.locator('#toolbar button', { hasText: 'Upstream' }).click();
        const narrowed = await poll(async () => {
          const n = await nodes.count();
          return n > 0 && n < all ? n : null;
        }, PANEL_WAIT_MS);
        if (!narrowed) throw new Error(`Upstream focus did not narrow the graph (still ${await nodes.count()} of ${all} nodes)`);
        const status = (await frame.locator('#status').textContent()) ?? '';
        if (!/upstream/i.test(status)) throw new Error(`the panel does not say it is focused: "${status}"`);
        await frame.locator('#toolbar button', { hasText: 'Show all' }).click();
        const restored = await poll(async () => ((await nodes.count()) === all ? all : null), PANEL_WAIT_MS);
        if (!restored) throw new Error('Show all did not bring the whole graph back');
        await frame.locator('g.node[id*="flowchart-script_"]').first().click();
        await page
          .locator('.tabs-container .tab', { hasText: /Run .*\.txt/ })
          .first()
          .waitFor({ state: 'visible', timeout: PANEL_WAIT_MS })
          .catch(() => {
            throw new Error('clicking a run node did not open the run report');
          });
      },
    });
  }
  checks.push({
    name: 'status bar shows the Clew counts',
    run: async (page) => {
      const item = await clewStatusItem(page);
      const text = await poll(async () => {
        const t = `${(await item.textContent()) ?? ''} ${(await item.getAttribute('aria-label')) ?? ''}`;
        return /\d/.test(t) ? t : null;
      }, BADGE_WAIT_MS);
      if (!text) throw new Error('the Clew status-bar item shows no counts');
      const count = (symbol) => Number(new RegExp(`${symbol}\\s*(\\d+)`).exec(text)?.[1] ?? NaN);
      const mismatches = count('✗');
      const missings = count('!');
      if (!Number.isNaN(mismatches) && (mismatches > 0) !== Boolean(mismatch)) {
        throw new Error(`status bar "${text.trim()}" disagrees with the store (mismatched files: ${Boolean(mismatch)})`);
      }
      if (!Number.isNaN(missings) && (missings > 0) !== files.some((f) => f.status === 'missing')) {
        throw new Error(`status bar "${text.trim()}" disagrees with the store about missing files`);
      }
    },
  });
  checks.push({
    name: 'clicking the status-bar item opens the Clew panel',
    run: async (page) => {
      await showExplorer(page);
      const item = await clewStatusItem(page);
      await item.click();
      await expectClewViews(page);
      await showExplorer(page);
    },
  });
  checks.push({
    name: `Clew side panel (activity bar) has Changes, Runs and Claims${mismatch || anyMissing ? ', Changes lists the changed files' : ''}`,
    run: async (page) => {
      await openClewContainer(page);
      await expectClewViews(page);
      // The Changes view lists mismatched and missing files (possibly under a group node).
      const changes = page.locator('.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Changes/i }) }).first();
      for (const [what, entry] of [['mismatched', mismatch], ['missing', anyMissing]]) {
        if (!entry) continue;
        const name = posix.basename(entry.path);
        await changes
          .locator('.monaco-list-row', { hasText: name })
          .first()
          .waitFor({ state: 'visible', timeout: PANEL_WAIT_MS })
          .catch(() => {
            throw new Error(`the Changes view does not list the ${what} ${name}`);
          });
      }
      await showExplorer(page);
    },
  });
  if (recorded) {
    // Last, because it reloads the window: the DAG panel opened above must come back by itself.
    checks.push({
      name: 'the DAG panel is restored and redrawn after the window reloads',
      run: async (page) => {
        // Through VS Code's own command, which saves the workbench state before reloading
        // (a bare browser reload may drop it, and then no editor comes back at all).
        await findCommand(page, 'Developer: Reload Window');
        await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
        await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 60_000 });
        const tab = page.locator('.tabs-container .tab', { hasText: 'Clew: DAG' }).first();
        await tab.waitFor({ state: 'visible', timeout: PANEL_WAIT_MS }).catch(() => {
          throw new Error('no Clew: DAG tab after the reload');
        });
        await tab.click();
        const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await frame.locator('#dag svg g.node').first().waitFor({ state: 'visible', timeout: PANEL_WAIT_MS }).catch(() => {
          throw new Error('the restored DAG panel drew nothing');
        });
      },
    });
  }
  return checks;
}
