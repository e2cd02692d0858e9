/** `clew chain FILE` and `clew dag [FILE…]`. */
import * as fs from 'node:fs';
import { ClewError } from '../../engine/errors';
import { locateStore } from '../../engine/store/locate';
import { resolvePath } from '../../engine/util/paths';
import { verifyChain, verifyDag, verifyDagStrict } from '../../engine/verify';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { exitCodeFor, json, styler } from '../render/style';
import type { CliCommand } from '../types';
import { renderRun } from './runs';
import { chainJson, dagJson } from './upstream/shapes';

const CHAIN_USAGE = `Usage: clew chain FILE [--cached] [-v] [--json]

Traces FILE back through the runs that produced it (roots first) and verifies each run,
re-reading every byte (--cached uses the stat cache).
A recorded FILE that was deleted since is traced and reported missing.
--json: scitex-clew's CLI keys (chain_length, failed_runs_count, per-run mismatched_files and
missing_files) together with its Python API's (each run's files, hashes, level).
Exit: 0 verified, 12 mismatch, 11 missing, 10 suspect/unknown (FILE never recorded as an output), 1 FILE neither exists nor was recorded.`;

export const chainCommand: CliCommand = {
  name: 'chain',
  summary: 'trace and verify the runs a file comes from',
  usage: CHAIN_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { cached: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' } }, CHAIN_USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `clew chain needs exactly one FILE\n${CHAIN_USAGE}`);
    const target = resolvePath(positionals[0], io.cwd);
    // Upstream's error echoes FILE exactly as typed (relative stays relative; extras spec §2):
    // scripts match on it.
    const typed = positionals[0];
    const notFound = (extra: Record<string, unknown> = {}): number => {
      if (!(globals.json || values.json)) throw new ClewError('not-found', `file not found: ${typed}`);
      io.out(json({ error: `File not found: ${typed}`, ...extra, target_file: typed }));
      return 1;
    };
    // Without a store nothing was recorded: a path that does not exist is simply not found.
    if (!existsOrLink(target) && !fs.existsSync(locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env }).dbPath)) return notFound();
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      const chain = await verifyChain({ view, hasher, cwd: io.cwd }, target);
      // A recorded file that was deleted is traced (reported missing): that is when its chain
      // matters most. Only a path that neither exists nor was ever recorded is an error; in JSON
      // it is one object that reads as upstream's CLI error and as its API answer at once.
      if (chain.runs.length === 0 && !existsOrLink(target)) return notFound(chainJson(chain));
      if (globals.json || values.json) {
        io.out(json(chainJson(chain)));
        return exitCodeFor(chain.status);
      }
      const s = styler(io.color);
      const lines = [`Chain for ${chain.target_file}: ${s.status(chain.status)} (${chain.runs.length} runs, roots first)`];
      if (chain.runs.length === 0) lines.push('  No recorded run produced this file.');
      chain.runs.forEach((r, i) => {
        const [head, ...rest] = renderRun(r, s, Boolean(values.verbose));
        lines.push(`${i === chain.runs.length - 1 ? '└──' : '├──'} ${head}`, ...rest.map((l) => `${i === chain.runs.length - 1 ? '   ' : '│  '}${l}`));
      });
      const failed = chain.runs.filter((r) => !r.is_verified).length;
      lines.push('', chain.is_verified ? s.paint('green', '✓ Chain fully verified') : s.paint('red', `✗ Chain not verified: ${failed} run(s) have issues`));
      io.out(lines.join('\n'));
      return exitCodeFor(chain.status);
    });
  },
};

function existsOrLink(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

const DAG_USAGE = `Usage: clew dag [FILE…] [--claims] [--strict] [--cached] [--json]

Verifies the provenance DAG behind the given files (or behind every claim's source with --claims).
Each run is judged on its own files; a failure propagates to everything downstream.
--strict names the root cause, the last failed node and the claims it invalidates.
--json: scitex-clew's CLI keys (num_runs, num_edges, edges as {parent, child}) together with its
Python API's run keys. (--target F is scitex-clew's spelling of FILE.)
Exit: 0 verified, 12 mismatch, 11 missing, 10 unknown (no recorded producer).`;

export const dagCommand: CliCommand = {
  name: 'dag',
  summary: 'verify the provenance DAG behind files or claims',
  usage: DAG_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { claims: { type: 'boolean' }, strict: { type: 'boolean' }, cached: { type: 'boolean' }, target: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      DAG_USAGE,
    );
    const targets = [...positionals, ...(values.target ?? [])];
    if (targets.length === 0 && !values.claims) throw new ClewError('usage', `clew dag needs FILE arguments or --claims\n${DAG_USAGE}`);
    const request = values.claims ? { claims: true } : { targets };
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      const ctx = { view, hasher, cwd: io.cwd };
      const s = styler(io.color);
      if (values.strict) {
        const strict = await verifyDagStrict(ctx, request);
        if (globals.json || values.json) io.out(json(strict));
        else {
          const node = (label: string, n: typeof strict.root_cause) =>
            n ? `${label}: ${n.session_id} ${n.role} ${n.path} (${n.status}; expected ${n.expected_hash.slice(0, 12)}…, got ${n.got_hash?.slice(0, 12) ?? '-'})` : `${label}: none`;
          io.out(
            [
              `DAG ${strict.status === 'OK' ? s.paint('green', 'OK') : s.paint('red', 'FAIL')} (${strict.topological_order.length} runs)`,
              node('root cause', strict.root_cause),
              node('failed node', strict.failed_node),
              `invalidated claims: ${strict.invalidated_claims.join(', ') || 'none'}`,
              `still valid claims: ${strict.still_valid_claims.length}`,
            ].join('\n'),
          );
        }
        // The root cause's verdict, so a deleted file reads as missing (11), not as a mismatch.
        return strict.is_verified ? 0 : strict.root_cause ? exitCodeFor(strict.root_cause.status) : strict.topological_order.length === 0 ? 10 : 12;
      }
      const dag = await verifyDag(ctx, request);
      if (globals.json || values.json) {
        io.out(json(dagJson(dag)));
        return exitCodeFor(dag.status);
      }
      const lines = [`DAG ${s.status(dag.status)}: ${dag.runs.length} runs, ${dag.edges.length} edges (roots first)`];
      for (const r of dag.runs) lines.push(...renderRun(r, s, false).map((l) => `  ${l}`));
      if (dag.runs.length === 0) lines.push('  No recorded run produced these files.');
      io.out(lines.join('\n'));
      return exitCodeFor(dag.status);
    });
  },
};
