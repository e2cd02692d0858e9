// Test files that share one code-server session must not see each other's leftovers: an open
// DAG panel still redrawing for the previous file, a setting a test changed and did not restore
// (or restored after a redraw was already queued). The runner (../index.ts) calls
// resetToBaseline() before every test file's top-level suite: it closes every editor and panel,
// puts each `clew.*` setting back to what it was when the session started (in every scope), and
// waits for the models to settle on the result.
import * as vscode from 'vscode';
import { EXTENSION_ID } from './workspace';

type Scope = 'globalValue' | 'workspaceValue' | 'workspaceFolderValue';
const SCOPES: readonly [Scope, vscode.ConfigurationTarget][] = [
  ['globalValue', vscode.ConfigurationTarget.Global],
  ['workspaceValue', vscode.ConfigurationTarget.Workspace],
  ['workspaceFolderValue', vscode.ConfigurationTarget.WorkspaceFolder],
];

/** Every `clew.*` key the extension contributes, without the `clew.` prefix. */
function settingKeys(): string[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as
    | { contributes?: { configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[] } }
    | undefined;
  const sections = manifest?.contributes?.configuration;
  const all = Array.isArray(sections) ? sections : sections ? [sections] : [];
  return all.flatMap((s) => Object.keys(s.properties ?? {})).filter((k) => k.startsWith('clew.')).map((k) => k.slice('clew.'.length));
}

type Snapshot = Map<string, Partial<Record<Scope, unknown>>>;

function snapshot(): Snapshot {
  const config = vscode.workspace.getConfiguration('clew', vscode.workspace.workspaceFolders?.[0]?.uri);
  const taken: Snapshot = new Map();
  for (const key of settingKeys()) {
    const seen = config.inspect(key);
    taken.set(key, { globalValue: seen?.globalValue, workspaceValue: seen?.workspaceValue, workspaceFolderValue: seen?.workspaceFolderValue });
  }
  return taken;
}

let baseline: Snapshot | undefined;

/** Settings that differ from the session's start, restored; returns what was put back. */
async function restoreSettings(): Promise<string[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = vscode.workspace.getConfiguration('clew', folder?.uri);
  const now = snapshot();
  const restored: string[] = [];
  for (const [key, was] of baseline ?? new Map<string, Partial<Record<Scope, unknown>>>()) {
    for (const [scope, target] of SCOPES) {
      if (target === vscode.ConfigurationTarget.WorkspaceFolder && !folder) continue;
      if (JSON.stringify(now.get(key)?.[scope]) === JSON.stringify(was[scope])) continue;
      await config.update(key, was[scope], target);
      restored.push(`${key} (${scope})`);
    }
  }
  return restored;
}

interface SettlingApi {
  refresh(): Promise<void>;
}

/** The state every test file starts from; the first call records it. */
export async function resetToBaseline(): Promise<void> {
  if (!baseline) {
    baseline = snapshot();
    return;
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const restored = await restoreSettings();
  if (restored.length > 0) console.log(`clew harness: restored settings left changed by the previous file: ${restored.join(', ')}`);
  // A refresh after the reset: the next file sees models built from the restored settings.
  const extension = vscode.extensions.getExtension<SettlingApi>(EXTENSION_ID);
  if (extension?.isActive) await extension.exports.refresh();
}
