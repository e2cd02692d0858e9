/**
 * `clew record`'s own arguments, parsed the same way by the command (record.ts) and by the small
 * entry that starts the command before the full CLI loads (bin.ts): one table, one meaning.
 */
import { ClewError } from '../../engine/errors';
import { parseCommandArgs } from '../args';

export const RECORD_USAGE = `Usage: clew record [--input F]… [--output F]… [--script F] [--session-id ID] [--auto] [--timeout SECONDS] [--json] [--spool] -- CMD ARGS…

Runs CMD as one recorded session in the store (created if missing). Declared --input files are
hashed before the command runs, --output files after it. With nothing declared (or --auto),
the files CMD reads and writes inside the project are captured automatically by an LD_PRELOAD
interposer (strace when it cannot see CMD or CLEW_CAPTURE=strace; "files that changed" as
outputs when strace cannot run either; docs/recording.md).
--spool (default when the store is on a network filesystem; CLEW_SPOOL=0/1 overrides) records
into a private node-local store handed over for 'clew ingest'.
The session is closed as success (exit 0) or failed. Exit: the command's own exit status.`;

const RECORD_OPTIONS = {
  input: { type: 'string', multiple: true, short: 'i' },
  output: { type: 'string', multiple: true, short: 'o' },
  script: { type: 'string' },
  'session-id': { type: 'string' },
  auto: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  spool: { type: 'boolean' },
} as const;

export interface RecordArgs {
  values: {
    input?: string[];
    output?: string[];
    script?: string;
    'session-id'?: string;
    auto?: boolean;
    timeout?: string;
    json?: boolean;
    spool?: boolean;
  };
  /** The command to run (everything after `--`, or the positionals). */
  cmd: string[];
  timeoutMs: number;
}

/** Throws a usage error (ClewError) for anything `clew record` would refuse. */
export function parseRecordArgv(argv: readonly string[]): RecordArgs {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const command = separator === -1 ? [] : argv.slice(separator + 1);
  const { values, positionals } = parseCommandArgs(own, RECORD_OPTIONS, RECORD_USAGE);
  const cmd = [...positionals, ...command];
  if (cmd.length === 0) throw new ClewError('usage', `no command to run\n${RECORD_USAGE}`);
  const timeout = values.timeout === undefined ? 0 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout < 0) throw new ClewError('usage', `--timeout must be a number of seconds, got '${values.timeout}'`);
  return { values, cmd, timeoutMs: timeout * 1000 };
}
