/** clew_stamp, clew_list_stamps, clew_check_stamp: the CLI's stamp commands (same engine calls). */
import { z } from 'zod';
import { ClewError } from '../../engine/errors';
import { checkStamp, listStamps, stamp } from '../../engine/stamps/stamps';
import { STAMP_BACKENDS } from '../../engine/stamps/types';
import { withToolStore } from '../storeAccess';
import { commaList, defineTool, type ClewTool } from '../tool';

export const STAMPING_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_stamp',
    description:
      'Record a timestamped root hash over the successful runs (or session_ids, comma-separated): backend file (a proof JSON beside the store, or in output_dir), rfc3161 (a TSA at service_url) or zenodo. Writes the store. As `clew stamp --json`.',
    inputSchema: { backend: z.enum(STAMP_BACKENDS).default('file'), service_url: z.string().nullish(), session_ids: z.string().nullish().describe('comma-separated session ids'), output_dir: z.string().nullish() },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: false, writable: true }, async ({ store, view }) => {
        const sessionIds = commaList(args.session_ids);
        return stamp({ store, view, cwd: call.cwd }, { backend: args.backend, serviceUrl: args.service_url ?? undefined, sessionIds: sessionIds.length > 0 ? sessionIds : undefined, outputDir: args.output_dir ?? undefined, env: call.env });
      }),
  }),
  defineTool({
    name: 'clew_list_stamps',
    description: 'List stamps, newest first. As `clew list-stamps --json`.',
    inputSchema: { limit: z.number().int().min(0).default(20) },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: false }, async ({ view }) => {
        const stamps = listStamps({ view }, args.limit);
        return { count: stamps.length, stamps };
      }),
  }),
  defineTool({
    name: 'clew_check_stamp',
    description: 'Does a stamp (default: the newest) still hold? Recomputes the root hash over the runs it named; an RFC 3161 token is re-verified offline. As `clew check-stamp --json`.',
    inputSchema: { stamp_id: z.string().nullish() },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: false }, async ({ store, view, hasher }) => {
        const result = await checkStamp({ store, view, hasher, cwd: call.cwd }, args.stamp_id ?? undefined);
        if ('status' in result) throw new ClewError('not-found', result.message);
        return result;
      }),
  }),
];
