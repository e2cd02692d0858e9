/**
 * Clew's MCP server over stdio: the SDK's McpServer with every tool of ./catalogue.ts. Stdout is
 * the protocol's alone (upstream prints a banner there; we never do); logs go to stderr. Bundled
 * on its own (dist/mcpServer.js) so that other CLI commands never load the SDK.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ZodRawShape } from 'zod';
import type { GlobalOptions } from '../cli/types';
import { errorMessage } from '../engine/errors';
import { CLEW_VERSION } from '../engine/version';
import { MCP_TOOLS, SERVER_INSTRUCTIONS } from './catalogue';
import { noStoreMessage, storeLocation } from './storeAccess';
import type { ClewTool, ToolCall, ToolDefinition } from './tool';

export { MCP_TOOLS } from './catalogue';

export interface ServerOptions {
  globals: GlobalOptions;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log(text: string): void;
}

function textResult(payload: unknown): CallToolResult {
  const text = JSON.stringify(payload, null, 2) ?? 'null';
  const structured = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  return { content: [{ type: 'text', text }], ...(structured ? { structuredContent: structured } : {}) };
}

/** Upstream answers errors as JSON with an `error` key; the result is also flagged isError. */
function errorResult(message: string, extra: Record<string, unknown> = {}): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify({ error: message, ...extra }, null, 2) }], isError: true };
}

/** Calls still being answered: a client that closes stdin right after its last request still gets the answers. */
const inFlight = new Set<Promise<CallToolResult>>();

export function createClewServer(options: ServerOptions, tools: readonly ClewTool[] = MCP_TOOLS): McpServer {
  const server = new McpServer({ name: 'clew', version: CLEW_VERSION }, { instructions: SERVER_INSTRUCTIONS });
  const register = <Shape extends ZodRawShape>(definition: ToolDefinition<Shape>): void => {
    // The SDK validates the arguments against this very shape before calling back, so the
    // callback's loosely typed args are the definition's; the shape is widened only for the SDK's overloads.
    const inputSchema: ZodRawShape = definition.inputSchema;
    server.registerTool(definition.name, { description: definition.description, inputSchema }, (args, extra) => {
      const answer = answerCall(args, extra);
      inFlight.add(answer);
      void answer.finally(() => inFlight.delete(answer));
      return answer;
    });
    const answerCall = async (args: Record<string, unknown>, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<CallToolResult> => {
      const progressToken = extra._meta?.progressToken;
      const call: ToolCall = {
        globals: options.globals,
        cwd: options.cwd,
        env: options.env,
        log: options.log,
        signal: extra.signal,
        progress(progress, total, message) {
          if (progressToken === undefined) return;
          extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, ...(total === undefined ? {} : { total }), message } }).catch(() => undefined);
        },
      };
      const { dbPath, exists } = storeLocation(call);
      try {
        const payload = await definition.run(args as Parameters<typeof definition.run>[0], call);
        // Tools that need no store still say that there is none (the server may be in the wrong folder).
        if (!exists && payload !== null && typeof payload === 'object' && !Array.isArray(payload)) return textResult({ ...payload, store: null, store_note: noStoreMessage(dbPath) });
        return textResult(payload);
      } catch (err) {
        return errorResult(errorMessage(err), exists ? {} : { store: null });
      }
    };
  };
  for (const tool of tools) tool.register(register);
  return server;
}

/** Serves until the client closes stdin. */
export async function serveStdio(options: ServerOptions): Promise<void> {
  const server = createClewServer(options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  const { dbPath, exists } = storeLocation(options);
  options.log(`clew: MCP server on stdio, ${MCP_TOOLS.length} tools; ${exists ? `store ${dbPath}` : noStoreMessage(dbPath)}`);
  await closed;
  // The SDK starts a handler a tick after reading its request, and 'end' can come first.
  await new Promise((resolve) => setImmediate(resolve));
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  // The SDK writes a response a few ticks after the answer settles; closing first would drop it.
  await new Promise((resolve) => setImmediate(resolve));
  await server.close();
}
