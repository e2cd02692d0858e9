/**
 * Drives the built server (`node dist/cli.js mcp start`) with the SDK's own client over stdio, as
 * an agent host would. stderr is collected: the server logs there, stdout is the protocol's.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI } from '../support/repo';

export interface McpSession {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  close(): Promise<void>;
}

/** No user config or store override from the machine running the tests. */
export function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, SCITEX_CLEW_DB_PATH: '', NO_COLOR: '1', ...extra };
}

export async function startServer(cwd: string, options: { args?: string[]; env?: Record<string, string> } = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, ...(options.args ?? []), 'mcp', 'start'], cwd, env: serverEnv(options.env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'clew-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

/** The one text content item every answer carries. */
export function answerText(result: CallToolResult): string {
  const [first] = result.content;
  if (result.content.length !== 1 || first.type !== 'text') throw new Error(`expected one text item, got ${JSON.stringify(result.content)}`);
  return first.text;
}

export function answerJson(result: CallToolResult): unknown {
  return JSON.parse(answerText(result));
}
