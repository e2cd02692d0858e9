/**
 * Every verdict rule of Clew, in one place: a file against its recorded hash, a run from its files
 * (spec §3.4), many runs into one (status, chain, DAG), and counts of file verdicts. The CLI, the
 * editor's model, badges, status bar and diagrams all call these; none decides on its own.
 */
import { hashesMatch } from '../hash/sha256';
import type { HashOutcome } from '../hash/types';
import type { FileVerification, RunVerification, VerificationStatus } from './types';

/** A recorded file's verdict; `unknown` only before it has been hashed. */
export type FileVerdict = 'verified' | 'mismatch' | 'missing' | 'unknown';

/**
 * A claim's status, in upstream's words (`partial` is read as `suspect`). `unsourced` is never
 * stored: it is the registered-source gate's verdict over a hash-verified claim (engine/sources/).
 */
export type ClaimStatus = 'verified' | 'suspect' | 'mismatch' | 'missing' | 'registered' | 'superseded' | 'unsourced';

/** Every word a surface may show for a run, a file or a claim. */
export type Verdict = VerificationStatus | ClaimStatus;

/**
 * A file against its recorded hash: unreadable counts as missing (it cannot be checked, and
 * upstream would crash); a frozen file is trusted; hashes of different lengths (legacy 32-char
 * rows) compare on their common prefix.
 */
export function fileVerdict(expectedHash: string, frozen: boolean, outcome: HashOutcome | undefined): 'verified' | 'mismatch' | 'missing' {
  if (!outcome || outcome.kind === 'missing' || outcome.kind === 'unreadable') return 'missing';
  if (frozen) return 'verified';
  return hashesMatch(expectedHash, outcome.hash) ? 'verified' : 'mismatch';
}

/** Spec §3.4 rule table; first matching rule wins. `propagate`: a failed input makes the run suspect. */
export function decideRunStatus(files: readonly FileVerification[], propagate: boolean): VerificationStatus {
  const failedOwn = files.filter((f) => f.role !== 'input' && f.status !== 'verified');
  if (failedOwn.some((f) => f.status === 'mismatch')) return 'mismatch';
  if (failedOwn.length > 0 && failedOwn.every((f) => f.status === 'missing')) return 'missing';
  const failedInputs = files.filter((f) => f.role === 'input' && (f.status === 'mismatch' || f.status === 'missing'));
  if (propagate && failedInputs.length > 0) return 'suspect';
  if (files.every((f) => f.status === 'verified')) return 'verified';
  if (files.some((f) => f.status === 'mismatch')) return 'mismatch';
  if (files.some((f) => f.status === 'missing')) return 'missing';
  return 'unknown';
}

/**
 * Many runs into one verdict (`clew status`, chains, DAGs): verified when nothing failed, else the
 * worst status present, mismatch > missing > suspect > unknown. `failedAny` lets a DAG count a run
 * as failed because its parent failed even when its own status is verified.
 */
export function aggregateStatus(runs: readonly Pick<RunVerification, 'status' | 'is_verified'>[], failedAny = runs.some((r) => !r.is_verified)): VerificationStatus {
  if (!failedAny) return 'verified';
  for (const s of ['mismatch', 'missing', 'suspect'] as const) if (runs.some((r) => r.status === s)) return s;
  return 'unknown';
}

export interface VerdictCounts {
  verified: number;
  mismatch: number;
  missing: number;
}

/** Recorded files by verdict (status bar, Show Status); files not hashed yet are not counted. */
export function countVerdicts(verdicts: Iterable<FileVerdict>): VerdictCounts {
  const c: VerdictCounts = { verified: 0, mismatch: 0, missing: 0 };
  for (const v of verdicts) if (v !== 'unknown') c[v]++;
  return c;
}

export function addCounts(a: VerdictCounts, b: VerdictCounts): VerdictCounts {
  return { verified: a.verified + b.verified, mismatch: a.mismatch + b.mismatch, missing: a.missing + b.missing };
}
