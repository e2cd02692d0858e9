/**
 * How a command finds and judges the registered-source manifest: the project root of the store in
 * use, `--sources-path` / `$SCITEX_CLEW_SOURCES` / the default locations, and upstream's
 * once-per-command warning when an enforcing signing.pub rejects the manifest.
 */
import * as path from 'node:path';
import { loadSources, type SourcesState } from '../../../engine/sources/state';
import { locateStore, projectRootOf } from '../../../engine/store/locate';
import type { CliIo, GlobalOptions } from '../../types';

export function sourcesProjectRoot(globals: GlobalOptions, io: CliIo): string {
  const { dbPath } = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env, migrate: false });
  return projectRootOf(dbPath, io.cwd);
}

/** Loads the state and prints the untrusted-manifest warning (stderr) if there is one. */
export async function commandSources(globals: GlobalOptions, io: CliIo, explicit?: string): Promise<SourcesState> {
  const state = await loadSources({ explicit, cwd: io.cwd, env: io.env, projectRoot: sourcesProjectRoot(globals, io) });
  warnIfUntrusted(state, io);
  return state;
}

export function warnIfUntrusted(state: SourcesState, io: CliIo): void {
  if (state.warning) io.err(`clew: ${state.warning}`);
}

/** `--workdir D`: the command runs as if started in D. */
export function inWorkdir(io: CliIo, workdir: string | undefined): CliIo {
  if (!workdir) return io;
  const cwd = path.resolve(io.cwd, workdir);
  return { out: (t) => io.out(t), err: (t) => io.err(t), color: io.color, cwd, env: io.env };
}
