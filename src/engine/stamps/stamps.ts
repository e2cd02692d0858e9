/**
 * stamp / listStamps / checkStamp (spec §6), compatible both ways with scitex-clew: same root
 * hash, id, row and file bytes. Clew additions live in the check result's extra fields (token,
 * files, missing_sessions, verdict) and never change upstream's fields.
 */
import * as path from 'node:path';
import { ClewError } from '../errors';
import type { FileHasher } from '../hash/types';
import type { Store, StoreView } from '../store/types';
import { writeFileStamp } from './fileBackend';
import { changedFiles } from './filesCheck';
import { pythonUtcIsoNow, stampIdFor } from './format';
import { computeRootHash } from './rootHash';
import { checkToken, stampRfc3161 } from './rfc3161';
import { findStamp, insertStampOps, readStamps, stampedSessionIds } from './table';
import type { StampBackend, StampCheck, StampNotFound, StampRecord, StampVerdict } from './types';
import { STAMP_BACKENDS } from './types';
import { stampZenodo, zenodoToken } from './zenodo';

export interface StampContext {
  /** Opened writable for `stamp`; read-only is enough for list and check. */
  store: Store;
  view: StoreView;
  /** Needed only by `checkStamp` with `files`. */
  hasher?: FileHasher;
  /** Directory a relative --output-dir is resolved against. */
  cwd?: string;
}

export interface StampOptions {
  backend?: StampBackend;
  /** TSA URL (rfc3161) or Zenodo server (zenodo). */
  serviceUrl?: string;
  sessionIds?: readonly string[];
  /** Where proof files go; default `<store dir>/stamps` as upstream. */
  outputDir?: string;
  /** PEM text of the certificate(s) the TSA must chain to (rfc3161). */
  tsaCertPem?: string;
  /** Zenodo: publish the deposition (mints a DOI; irreversible). */
  publish?: boolean;
  /** Where ZENODO_TOKEN / ZENODO_URL are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function stampsDir(ctx: StampContext, outputDir?: string): string {
  return outputDir ? path.resolve(ctx.cwd ?? process.cwd(), outputDir) : path.join(path.dirname(ctx.store.dbPath), 'stamps');
}

export async function stamp(ctx: StampContext, options: StampOptions = {}): Promise<StampRecord> {
  const backend = options.backend ?? 'file';
  if (!(STAMP_BACKENDS as readonly string[]).includes(backend)) throw new ClewError('usage', `Invalid backend '${backend}'. Must be one of: ${STAMP_BACKENDS.join(', ')}`);
  if (backend === 'zenodo') zenodoToken(options.env ?? process.env);
  const root = computeRootHash(ctx.view, options.sessionIds);
  if (root.root_hash === null) throw new ClewError('not-found', 'No runs to stamp (no successful runs with combined hashes)');
  const timestamp = pythonUtcIsoNow();
  const proof = { stamp_id: stampIdFor(root.root_hash, timestamp), root_hash: root.root_hash, timestamp, run_count: root.run_count };
  const dir = stampsDir(ctx, options.outputDir);
  let result: { service_url: string | null; response_token: string | null };
  if (backend === 'file') result = writeFileStamp(dir, proof);
  else if (backend === 'rfc3161') result = await stampRfc3161(proof, dir, { url: options.serviceUrl, trustAnchorsPem: options.tsaCertPem });
  else result = await stampZenodo(proof, dir, { serviceUrl: options.serviceUrl, publish: options.publish, env: options.env ?? process.env });
  // Key order is upstream's Stamp.to_dict(), so printed JSON lines up with Python's.
  const record: StampRecord = {
    stamp_id: proof.stamp_id,
    root_hash: proof.root_hash,
    timestamp,
    backend,
    service_url: result.service_url,
    response_token: result.response_token,
    run_count: root.run_count,
    metadata: { session_ids: root.session_ids },
  };
  await ctx.store.write(insertStampOps(record));
  return record;
}

export function listStamps(ctx: Pick<StampContext, 'view'>, limit = 20): StampRecord[] {
  return readStamps(ctx.view, limit);
}

export interface CheckStampOptions {
  /** Re-hash the stamped runs' files now and list what changed (Clew addition). */
  files?: boolean;
  tsaCertPem?: string;
}

function existingSessions(view: StoreView, ids: readonly string[]): Set<string> {
  const found = new Set<string>();
  if (!view.hasTable('runs')) return found;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of view.all<{ session_id: string }>(`SELECT session_id FROM runs WHERE session_id IN (${chunk.map(() => '?').join(',')})`, chunk)) found.add(r.session_id);
  }
  return found;
}

/** Reads only (no store handle needed): the editor checks every stamp on each refresh. */
export async function checkStamp(ctx: Pick<StampContext, 'view' | 'hasher'> & Partial<StampContext>, stampId?: string, options: CheckStampOptions = {}): Promise<StampCheck | StampNotFound> {
  const record = findStamp(ctx.view, stampId);
  if (!record) return { status: 'not_found', message: 'No stamps found' };
  const sessionIds = stampedSessionIds(record);
  const current = computeRootHash(ctx.view, sessionIds);
  const matches = current.root_hash === record.root_hash;
  // Upstream's detail lines, verbatim; it crashes where current is None, Clew says "None".
  const details = matches
    ? [`Root hash matches stamp from ${record.timestamp}`]
    : [`Root hash CHANGED since stamp at ${record.timestamp}`, `  Stamped:  ${record.root_hash.slice(0, 32)}...`, `  Current:  ${current.root_hash === null ? 'None' : `${current.root_hash.slice(0, 32)}...`}`];
  if (current.run_count !== record.run_count) details.push(`  Run count changed: ${record.run_count ?? 'None'} → ${current.run_count}`);
  const present = sessionIds && sessionIds.length > 0 ? existingSessions(ctx.view, sessionIds) : undefined;
  const missing = present ? (sessionIds ?? []).filter((id) => !present.has(id)) : [];
  if (missing.length > 0) {
    details.push(missing.length === sessionIds?.length ? `All ${missing.length} stamped run(s) were deleted from the store` : `${missing.length} stamped run(s) deleted from the store: ${missing.join(', ')}`);
  }
  const check: StampCheck = { stamp: record, current_root_hash: current.root_hash, matches, details, verdict: 'holds', missing_sessions: missing };
  if (record.backend === 'rfc3161') {
    check.token = await checkToken(record.response_token, record.root_hash, options.tsaCertPem);
    details.push(`RFC 3161 token ${check.token.status}: ${check.token.reason}`);
  }
  if (options.files) {
    if (!ctx.hasher) throw new ClewError('internal', 'checkStamp with files needs a hasher');
    check.files = await changedFiles(ctx.view, ctx.hasher, sessionIds && sessionIds.length > 0 ? sessionIds : current.session_ids);
    details.push(check.files.length === 0 ? 'Every file of the stamped runs is unchanged now' : `${check.files.length} file(s) of the stamped runs differ now`);
  }
  check.verdict = verdictOf(check);
  return check;
}

function verdictOf(c: StampCheck): StampVerdict {
  if (c.missing_sessions.length > 0) return 'runs-missing';
  if (!c.matches) return 'changed';
  if (c.token?.status === 'invalid') return 'token-invalid';
  if (c.files?.some((f) => f.status === 'changed' || f.status === 'unreadable')) return 'files-changed';
  if (c.files?.some((f) => f.status === 'missing')) return 'files-missing';
  if (c.token?.status === 'unverifiable') return 'token-unverifiable';
  return 'holds';
}
