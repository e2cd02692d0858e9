/**
 * One MCP tool of Clew's server: its name, its zod input shape (upstream's parameter names and
 * defaults) and the function that answers it with a JSON-able object. The server (./server.ts)
 * turns the object into the text content and structuredContent of the result; a thrown error
 * becomes an error result, so a bad call never takes the server down.
 */
import type { z } from 'zod';
import type { GlobalOptions } from '../cli/types';

/** What a tool call may use: where the server runs, which store, and the client's request. */
export interface ToolCall {
  globals: GlobalOptions;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Log a line on stderr (stdout is the protocol's). */
  log(text: string): void;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  /** Report progress to the client (a no-op unless the request carried a progressToken). */
  progress(progress: number, total: number | undefined, message: string): void;
}

export interface ToolDefinition<Shape extends z.ZodRawShape> {
  name: string;
  description: string;
  inputSchema: Shape;
  /** False for the tools that answer without a store (hashing, skills, unsupported features). */
  needsStore: boolean;
  run(args: z.infer<z.ZodObject<Shape>>, call: ToolCall): Promise<unknown>;
}

/** A tool with its types erased for the catalogue; `definition` keeps them for registration. */
export interface ClewTool {
  name: string;
  description: string;
  needsStore: boolean;
  params: readonly string[];
  register(add: ToolRegistrar): void;
}

/** Registers one typed definition (the server passes McpServer.registerTool behind this). */
export type ToolRegistrar = <Shape extends z.ZodRawShape>(definition: ToolDefinition<Shape>) => void;

export function defineTool<Shape extends z.ZodRawShape>(definition: ToolDefinition<Shape>): ClewTool {
  return {
    name: definition.name,
    description: definition.description,
    needsStore: definition.needsStore,
    params: Object.keys(definition.inputSchema),
    register: (add) => add(definition),
  };
}

/** Upstream takes several files or sessions as one comma-separated string. */
export function commaList(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
