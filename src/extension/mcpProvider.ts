/**
 * Offers Clew's MCP server to VS Code's agents (`contributes.mcpServerDefinitionProviders`,
 * `vscode.lm.registerMcpServerDefinitionProvider`). That API is final from VS Code 1.101; the
 * engine floor is 1.100 (the tests' code-server), where it is a proposal an extension may not
 * call. So it is looked up at runtime and registered only where it works; elsewhere the log
 * says how to start the server by hand. @types/vscode 1.90 has no MCP types: the few members used
 * are declared here.
 */
import * as vscode from 'vscode';
import type { ClewModel } from './model';
import { MCP_PROVIDER_ID, mcpServerSpecs, specsKey, type McpServerSpec } from './mcpDefinitions';

interface McpStdioServerDefinition {
  cwd?: vscode.Uri;
}
type McpStdioServerDefinitionClass = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;
interface McpServerDefinitionProvider {
  onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): McpStdioServerDefinition[];
}
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
  McpStdioServerDefinition: McpStdioServerDefinitionClass;
}

function mcpApi(): McpApi | undefined {
  const lm = (vscode as { lm?: { registerMcpServerDefinitionProvider?: McpApi['registerMcpServerDefinitionProvider'] } }).lm;
  const definition = (vscode as { McpStdioServerDefinition?: McpStdioServerDefinitionClass }).McpStdioServerDefinition;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof definition !== 'function') return undefined;
  return { registerMcpServerDefinitionProvider: lm.registerMcpServerDefinitionProvider.bind(lm), McpStdioServerDefinition: definition };
}

export function mcpEnabled(): boolean {
  return vscode.workspace.getConfiguration('clew').get<boolean>('mcp.enabled') ?? true;
}

export interface McpOffer extends vscode.Disposable {
  /** Whether VS Code took the provider (false: this VS Code lacks the final API). */
  readonly registered: boolean;
  /** What is offered now (for tests). */
  specs(): McpServerSpec[];
  /** Call after the models or the setting changed: tells VS Code when the offer changed. */
  update(): void;
}

export function offerMcpServers(models: () => readonly ClewModel[], extensionPath: string, log: vscode.LogOutputChannel): McpOffer {
  const specs = () => (mcpEnabled() ? mcpServerSpecs(models(), extensionPath, process.execPath) : []);
  const changed = new vscode.EventEmitter<void>();
  let lastKey = specsKey(specs());
  let registration: vscode.Disposable | undefined;
  const api = mcpApi();
  if (api) {
    try {
      registration = api.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
        onDidChangeMcpServerDefinitions: changed.event,
        provideMcpServerDefinitions: () =>
          specs().map((s) => {
            const definition = new api.McpStdioServerDefinition(s.label, s.command, s.args, s.env);
            definition.cwd = vscode.Uri.file(s.cwd);
            return definition;
          }),
      });
    } catch (err) {
      // VS Code 1.100 has the function but refuses it to extensions without the proposal.
      log.info(`MCP: this VS Code (${vscode.version}) does not let extensions offer MCP servers (${err instanceof Error ? err.message : String(err)}); agents can run \`clew mcp start\` in the project`);
    }
  } else log.info(`MCP: this VS Code (${vscode.version}) has no MCP server API; agents can run \`clew mcp start\` in the project`);
  return {
    registered: registration !== undefined,
    specs,
    update() {
      const key = specsKey(specs());
      if (key === lastKey) return;
      lastKey = key;
      changed.fire();
    },
    dispose() {
      registration?.dispose();
      changed.dispose();
    },
  };
}
