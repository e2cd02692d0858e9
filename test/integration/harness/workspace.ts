// Where things are, seen from inside the extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Absolute path of the (temp copy) workspace folder VS Code opened for this test file. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the runner always opens one)');
  return folder.uri.fsPath;
}

/** The Clew repository root: CLEW_REPO_ROOT (set by the runners) or the first parent with our package.json. */
export function repoRoot(): string {
  if (process.env.CLEW_REPO_ROOT) return process.env.CLEW_REPO_ROOT;
  let dir = __dirname;
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && /"name":\s*"clew"/.test(fs.readFileSync(manifest, 'utf8'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the Clew repository above ${__dirname}`);
}

export const EXTENSION_ID = 'clew.clew';

/** The extension under development, activated. Throws if it is not loaded at all. */
export async function getClewExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
  if (!extension.isActive) await extension.activate();
  return extension;
}
