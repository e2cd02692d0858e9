// @clew-workspace seq-mismatch
// Smoke test: the extension under development loads in a real extension host, activates, and
// every command package.json contributes is registered with VS Code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, getClewExtension, repoRoot, workspaceRoot } from './harness/workspace';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

/** Commands the extension must contribute (issue 3), by title, all in category `Clew`. */
const REQUIRED_TITLES = [
  'Show Status',
  'Trace Chain',
  'Verify Run',
  'Verify DAG',
  'Show DAG',
  'Rerun DAG',
  'Refresh',
  'Open Store Location',
];

function contributedCommands(extension: vscode.Extension<unknown>): ContributedCommand[] {
  const manifest = extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } };
  return manifest.contributes?.commands ?? [];
}

describe('smoke: extension host', () => {
  it('opens the relocated fixture copy as the workspace', () => {
    const root = workspaceRoot();
    const stores = ['.scitex/clew/runtime/clew.db', '.scitex/clew/runtime/db.sqlite', '.scitex/clew/db.sqlite'];
    assert.ok(stores.some((s) => fs.existsSync(path.join(root, s))), `no store in ${root}`);
    assert.ok(!root.startsWith(path.join(repoRoot(), 'test/fixtures')), 'tests must run on a copy, not the fixture');
  });

  it(`loads and activates ${EXTENSION_ID} from the repository`, async () => {
    const extension = await getClewExtension();
    assert.equal(path.resolve(extension.extensionPath), path.resolve(repoRoot()));
    // VS Code marks an extension active even when its `main` file is absent: check it exists.
    const main = (extension.packageJSON as { main?: string }).main;
    assert.ok(main, 'package.json has no "main"');
    assert.ok(fs.existsSync(path.join(extension.extensionPath, main)), `${main} not built (run npm run build)`);
    assert.equal(extension.isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    const extension = await getClewExtension();
    const contributed = contributedCommands(extension);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Clew commands the product promises, in category Clew', async () => {
    const extension = await getClewExtension();
    const clewTitles = contributedCommands(extension)
      .filter((c) => c.category === 'Clew')
      .map((c) => c.title);
    const missing = REQUIRED_TITLES.filter((title) => !clewTitles.includes(title));
    assert.deepEqual(missing, [], `missing Clew commands: ${missing.join(', ')}`);
  });
});
