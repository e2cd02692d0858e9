/** dist/mcpServer.js, loaded by `clew mcp` only (commands/mcp.ts): the SDK stays out of every other command. */
export { MCP_TOOLS, SERVER_INSTRUCTIONS } from './catalogue';
export { serveStdio } from './server';
