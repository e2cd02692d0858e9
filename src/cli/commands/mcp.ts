/**
 * `clew mcp start|list-tools`: Clew's MCP server (src/mcp/). The server and the MCP SDK live in
 * their own bundle, dist/mcpServer.js, required only here, so no other command pays for loading them.
 */
import { ClewError } from '../../engine/errors';
import { assetPath } from '../../engine/util/assets';
import type * as McpBundle from '../../mcp/main';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew [--db PATH] mcp start [--dry-run] [-y]
       clew mcp list-tools [-v] [-c] [--json]

start       serve the Model Context Protocol on stdio (stdout is the protocol's; logs go to
            stderr) with scitex-clew's tools, answered from this folder's store (or --db PATH).
            --dry-run prints the tool count and exits; -y is accepted and ignored (as upstream).
list-tools  the tools: names (-c: one line), with descriptions (-v), or {total, tools} (--json).
Exit 0; 2 usage.`;

function loadBundle(): typeof McpBundle {
  // A runtime path, so esbuild keeps the SDK out of the CLI bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(assetPath('mcpServer.js')) as typeof McpBundle;
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: "serve scitex-clew's MCP tools to AI agents (mcp start | mcp list-tools)",
  usage: USAGE,
  async run(argv, globals, io) {
    const [sub, ...rest] = argv;
    if (sub === 'start') {
      const { values } = parseCommandArgs(rest, { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } }, USAGE);
      const mcp = loadBundle();
      if (values['dry-run']) {
        io.out(`clew MCP server: ${mcp.MCP_TOOLS.length} tools (dry run, not started)`);
        return 0;
      }
      await mcp.serveStdio({ globals, cwd: io.cwd, env: io.env, log: io.err });
      return 0;
    }
    if (sub === 'list-tools') {
      const { values } = parseCommandArgs(rest, { verbose: { type: 'boolean', short: 'v', multiple: true }, compact: { type: 'boolean', short: 'c' }, json: { type: 'boolean' } }, USAGE);
      const tools = loadBundle().MCP_TOOLS;
      if (globals.json || values.json) io.out(JSON.stringify({ total: tools.length, tools: tools.map((t) => ({ name: t.name, description: t.description, parameters: t.params })) }, null, 2));
      else if (values.compact) io.out(tools.map((t) => t.name).join(', '));
      else io.out(tools.map((t) => (values.verbose ? `${t.name}(${t.params.join(', ')})\n    ${t.description}` : t.name)).join('\n'));
      return 0;
    }
    throw new ClewError('usage', `${sub === undefined ? 'clew mcp needs start or list-tools' : `unknown mcp command '${sub}'`}\n${USAGE}`);
  },
};
