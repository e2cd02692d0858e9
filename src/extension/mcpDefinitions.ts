/**
 * Which MCP servers the extension offers VS Code's agents: one per workspace folder with a store,
 * `clew --db <store> mcp start` run from the bundled CLI in that folder. Kept free of `vscode` so
 * unit tests can check it; mcpProvider.ts turns these into the editor's definitions.
 */
import * as path from 'node:path';

/** The id package.json contributes under `mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'clew.mcpServers';

export interface McpServerSpec {
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface FolderStore {
  folder: string;
  dbPath: string | undefined;
  hasStore: boolean;
}

/**
 * `runtime` is the extension host's own executable: Node in code-server, Electron on the desktop,
 * which runs as plain Node with ELECTRON_RUN_AS_NODE=1 (and Node ignores it), so no `node` needs
 * to be on the user's PATH.
 */
export function mcpServerSpecs(folders: readonly FolderStore[], extensionPath: string, runtime: string): McpServerSpec[] {
  const cli = path.join(extensionPath, 'dist', 'cli.js');
  return folders
    .filter((f): f is FolderStore & { dbPath: string } => f.hasStore && f.dbPath !== undefined)
    .map((f) => ({
      label: folders.length > 1 ? `Clew (${path.basename(f.folder)})` : 'Clew',
      command: runtime,
      args: [cli, '--db', f.dbPath, 'mcp', 'start'],
      cwd: f.folder,
      env: { ELECTRON_RUN_AS_NODE: '1' },
    }));
}

/** One string per offered server, to tell whether the offer changed. */
export function specsKey(specs: readonly McpServerSpec[]): string {
  return JSON.stringify(specs.map((s) => [s.label, s.args, s.cwd]));
}
