/** `clew stamp`, `clew list-stamps`, `clew check-stamp` (spec §6, §8.2), with upstream's text and JSON. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { checkStamp, listStamps, stamp, stampsDir } from '../../engine/stamps/stamps';
import { STAMP_BACKENDS, type StampBackend, type StampVerdict } from '../../engine/stamps/types';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { json, styler } from '../render/style';
import type { CliCommand, CliIo } from '../types';

const STAMP_USAGE = `Usage: clew stamp [--backend file|rfc3161|zenodo] [--service-url URL] [--session-ids a,b]
                  [--output-dir D] [--tsa-cert CA.pem] [--publish] [--json]

Records a root hash over the successful runs (or --session-ids) with a timestamp.
  file      <store dir>/stamps/<stamp_id>.json (or --output-dir)
  rfc3161   asks the TSA at --service-url (default http://zeitstempel.dfn.de) for a signed
            timestamp, verifies it (against --tsa-cert when given) and keeps it whole, plus
            <stamp_id>.tsr for \`openssl ts -verify\`
  zenodo    uploads the proof JSON to a new Zenodo deposition (token in ZENODO_TOKEN, server
            --service-url or ZENODO_URL, default https://zenodo.org); --publish mints a DOI
Exit: 0 stamped, 1 no runs to stamp or the service failed / was rejected, 2 usage.`;

const LIST_USAGE = `Usage: clew list-stamps [--limit N] [--json]

Lists stamps, newest first (default 20). Exit 0.`;

const CHECK_USAGE = `Usage: clew check-stamp [STAMP_ID] [--files] [--tsa-cert CA.pem] [--json]

Recomputes the root hash over the runs the stamp (default: the newest) named; an RFC 3161 token
is re-verified offline. --files also re-hashes those runs' files now and lists what changed.
Exit: 0 the stamp holds, 12 root hash changed / token invalid / a file changed (--files),
11 stamped runs deleted / a file missing (--files), 10 token cannot be re-verified, 1 not found.`;

const EXIT_OF: Record<StampVerdict, number> = {
  holds: 0,
  changed: 12,
  'token-invalid': 12,
  'files-changed': 12,
  'runs-missing': 11,
  'files-missing': 11,
  'token-unverifiable': 10,
};

export function readPem(io: CliIo, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const abs = path.resolve(io.cwd, file);
  try {
    return fs.readFileSync(abs, 'utf8');
  } catch {
    throw new ClewError('usage', `cannot read --tsa-cert ${abs}`);
  }
}

const pyBool = (b: boolean): string => (b ? 'True' : 'False');

export const stampCommand: CliCommand = {
  name: 'stamp',
  summary: 'record a timestamped root hash over the runs (file, RFC 3161, Zenodo)',
  usage: STAMP_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        backend: { type: 'string' },
        'service-url': { type: 'string' },
        'session-ids': { type: 'string' },
        'output-dir': { type: 'string' },
        'tsa-cert': { type: 'string' },
        publish: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      STAMP_USAGE,
    );
    if (positionals.length > 0) throw new ClewError('usage', `unexpected argument '${positionals[0]}'\n${STAMP_USAGE}`);
    const backend = values.backend ?? 'file';
    if (!(STAMP_BACKENDS as readonly string[]).includes(backend)) throw new ClewError('usage', `--backend must be one of ${STAMP_BACKENDS.join(', ')}, got '${backend}'`);
    // Options that only one backend reads are refused elsewhere rather than silently ignored.
    if (values['tsa-cert'] !== undefined && backend !== 'rfc3161') throw new ClewError('usage', '--tsa-cert applies to --backend rfc3161 only');
    if (values.publish && backend !== 'zenodo') throw new ClewError('usage', '--publish applies to --backend zenodo only');
    const sessionIds = values['session-ids']?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const tsaCertPem = readPem(io, values['tsa-cert']);
    return withStore(globals, io, { useCache: false, writable: true }, async ({ store, view }) => {
      const record = await stamp({ store, view, cwd: io.cwd }, { backend: backend as StampBackend, serviceUrl: values['service-url'], sessionIds, outputDir: values['output-dir'], tsaCertPem, publish: values.publish, env: io.env });
      if (globals.json || values.json) io.out(json(record));
      else {
        const lines = [`[STAMPED] ${record.stamp_id}`, `  backend:    ${record.backend}`, `  timestamp:  ${record.timestamp}`, `  root_hash:  ${record.root_hash}`, `  run_count:  ${record.run_count}`];
        if (record.backend === 'file') lines.push(`  proof:      ${record.service_url}`);
        if (record.backend === 'rfc3161') lines.push(`  token:      ${path.join(stampsDir({ store, view, cwd: io.cwd }, values['output-dir']), `${record.stamp_id}.tsr`)}`);
        if (record.backend === 'zenodo') lines.push(`  deposition: ${record.service_url}`);
        io.out(lines.join('\n'));
      }
      return 0;
    });
  },
};

export const listStampsCommand: CliCommand = {
  name: 'list-stamps',
  summary: 'list recorded stamps, newest first',
  usage: LIST_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { limit: { type: 'string' }, json: { type: 'boolean' } }, LIST_USAGE);
    if (positionals.length > 0) throw new ClewError('usage', `unexpected argument '${positionals[0]}'\n${LIST_USAGE}`);
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new ClewError('usage', `--limit must be a whole number, got '${values.limit}'`);
    return withStore(globals, io, { useCache: false }, async ({ view }) => {
      const stamps = listStamps({ view }, limit);
      if (globals.json || values.json) io.out(json({ count: stamps.length, stamps }));
      else io.out(stamps.length === 0 ? 'No stamps recorded.' : stamps.map((s) => `  ${s.stamp_id}  [${s.backend}]  ${s.timestamp}  runs=${s.run_count ?? 'None'}`).join('\n'));
      return 0;
    });
  },
};

export const checkStampCommand: CliCommand = {
  name: 'check-stamp',
  summary: 'check that a stamp still holds (root hash, RFC 3161 token, --files)',
  usage: CHECK_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { files: { type: 'boolean' }, 'tsa-cert': { type: 'string' }, json: { type: 'boolean' } }, CHECK_USAGE);
    if (positionals.length > 1) throw new ClewError('usage', `check-stamp takes at most one STAMP_ID\n${CHECK_USAGE}`);
    const tsaCertPem = readPem(io, values['tsa-cert']);
    const asJson = globals.json || Boolean(values.json);
    // --files must re-read every byte: a stat-cache hit could hide an edit made within the cache's granularity.
    return withStore(globals, io, { useCache: false }, async ({ store, view, hasher }) => {
      const result = await checkStamp({ store, view, hasher, cwd: io.cwd }, positionals[0], { files: values.files, tsaCertPem });
      if ('status' in result) {
        if (asJson) io.out(json(result));
        else io.err(`clew: ${result.message}${positionals[0] ? ` (${positionals[0]})` : ''}`);
        return 1;
      }
      if (asJson) {
        io.out(json(result));
        return EXIT_OF[result.verdict];
      }
      const s = styler(io.color);
      const lines = [
        `stamp_id:   ${result.stamp.stamp_id}`,
        `matches:    ${s.paint(result.matches ? 'green' : 'red', pyBool(result.matches))}`,
        `stamped:    ${result.stamp.root_hash}`,
        `current:    ${result.current_root_hash ?? 'None'}`,
        ...result.details.map((d) => `  - ${d}`),
      ];
      // One line per file: a path recorded as one run's output and the next run's input is one file.
      const byPath = new Map<string, { status: string; roles: Set<string>; note: string }>();
      for (const f of result.files ?? []) {
        const note = f.archive ? `  (from archive ${f.archive})` : f.error ? `  (${f.error})` : '';
        const entry = byPath.get(f.path) ?? { status: f.status, roles: new Set<string>(), note };
        entry.roles.add(f.role);
        byPath.set(f.path, entry);
      }
      for (const [file, f] of byPath) lines.push(`  ${s.paint(f.status === 'missing' ? 'yellow' : 'red', f.status.padEnd(10))} ${[...f.roles].join('/').padEnd(12)} ${file}${f.note}`);
      if (result.verdict !== 'holds') lines.push(`verdict:    ${s.paint('red', result.verdict)}`);
      io.out(lines.join('\n'));
      return EXIT_OF[result.verdict];
    });
  },
};

const GROUP_USAGE = `Usage: clew stamps create|list|check [OPTIONS]

The stamp commands as one group: create = clew stamp, list = clew list-stamps, check = clew
check-stamp, each with the same options (clew stamps create --help).`;

const GROUP: Readonly<Record<string, CliCommand>> = { create: stampCommand, list: listStampsCommand, check: checkStampCommand };

/** `clew stamps create|list|check`: the same three commands under one name. */
export const stampsGroupCommand: CliCommand = {
  name: 'stamps',
  summary: 'stamp commands as a group: stamps create|list|check',
  usage: GROUP_USAGE,
  async run(argv, globals, io) {
    const [sub, ...rest] = argv;
    const command = sub === undefined ? undefined : GROUP[sub];
    if (!command) throw new ClewError('usage', `${sub === undefined ? 'clew stamps needs create, list or check' : `unknown stamps command '${sub}' (create, list or check)`}\n${GROUP_USAGE}`);
    return command.run(rest, globals, io);
  },
};
