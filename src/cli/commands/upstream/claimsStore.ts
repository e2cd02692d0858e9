/**
 * What every upstream claim command shares: the writable store (verification writes statuses
 * back), the claims.json location of spec §5.7 and the re-export after a change
 * (opt-out SCITEX_CLEW_AUTO_EXPORT_CLAIMS=0; a failed export only warns, as upstream).
 */
import * as path from 'node:path';
import type { ClaimsContext } from '../../../engine/claims/claims';
import { exportClaimsJson } from '../../../engine/claims/exportJson';
import { errorMessage } from '../../../engine/errors';
import { locateStore } from '../../../engine/store/locate';
import { withStore } from '../../context';
import type { CliIo, GlobalOptions } from '../../types';
import { commandSources } from './sourcesState';

export function defaultClaimsJson(io: CliIo, globals: GlobalOptions): string {
  if (io.env.SCITEX_CLEW_CLAIMS_JSON) return path.resolve(io.cwd, io.env.SCITEX_CLEW_CLAIMS_JSON);
  const { projectRoot } = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env, migrate: false });
  return path.join(projectRoot, '.scitex', 'clew', 'runtime', 'claims.json');
}

export function withClaimsStore<T>(globals: GlobalOptions, io: CliIo, fn: (ctx: ClaimsContext) => Promise<T>): Promise<T> {
  return withStore(globals, io, { useCache: false, writable: true }, ({ store, view, hasher }) => fn({ store, view, hasher, cwd: io.cwd }));
}

export async function reexportClaims(ctx: ClaimsContext, io: CliIo, globals: GlobalOptions): Promise<void> {
  if (io.env.SCITEX_CLEW_AUTO_EXPORT_CLAIMS === '0') return;
  try {
    // Inside the try: a malformed manifest must not fail the claim change that triggered the export.
    const sources = await commandSources(globals, io);
    exportClaimsJson(await ctx.store.snapshot(), defaultClaimsJson(io, globals), { sources });
  } catch (err) {
    io.err(`clew: warning: could not re-export claims.json: ${errorMessage(err)}`);
  }
}
