/**
 * How a tool reaches the store: through the CLI's own withStore (same location rules, path maps,
 * hashers, safe writer), with an io whose every line goes to stderr, since stdout carries the
 * protocol. A server in a folder without a store still answers: each store tool says so.
 */
import * as fs from 'node:fs';
import { withStore, type StoreSession } from '../cli/context';
import type { CliIo } from '../cli/types';
import { ClewError } from '../engine/errors';
import { locateStore } from '../engine/store/locate';
import type { ToolCall } from './tool';

export function stderrIo(call: Pick<ToolCall, 'cwd' | 'env' | 'log'>): CliIo {
  return { out: call.log, err: call.log, color: false, cwd: call.cwd, env: call.env };
}

/** The store this server reads (or would read): where it is and whether it exists yet. */
export function storeLocation(call: Pick<ToolCall, 'globals' | 'cwd' | 'env'>): { dbPath: string; exists: boolean } {
  const { dbPath } = locateStore({ explicit: call.globals.db, cwd: call.cwd, env: call.env, migrate: false });
  return { dbPath, exists: fs.existsSync(dbPath) };
}

export function noStoreMessage(dbPath: string): string {
  return `no Clew store at ${dbPath}: nothing recorded here yet (record a run with \`clew record -- python3 script.py\`, or start the server with --db PATH)`;
}

export function withToolStore<T>(call: ToolCall, options: { useCache: boolean; writable?: boolean }, fn: (session: StoreSession) => Promise<T>): Promise<T> {
  const { dbPath, exists } = storeLocation(call);
  // withStore creates a writable store that is missing: an agent's call must not create one by the way.
  if (!exists) throw new ClewError('store-missing', noStoreMessage(dbPath));
  return withStore(call.globals, stderrIo(call), options, fn);
}
