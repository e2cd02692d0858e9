/**
 * `clew check-crate`: a crate checked where there is no store. Every entity naming a relative
 * path and a sha256 is re-hashed (verified / mismatch / missing, `clew status`'s words), and
 * every stamp is re-checked from the crate alone:
 *
 *   1. each stamped run's combined hash is recomputed from the crate's own metadata (the sha256
 *      and recorded path of its object, result and instrument, scitex-clew's §2.6 rule) and must
 *      equal the run's recorded combinedHash;
 *   2. the root hash is recomputed over the stamped runs (session id + combined hash, in id order)
 *      and must equal the stamp's rootHash;
 *   3. an RFC 3161 token in the crate is verified offline against that root hash.
 *
 * So an edited sha256, a run removed or added, or a changed root hash breaks the chain from the
 * crate's text to the token the TSA signed. Without a token (file backend) the root hash is only
 * as trustworthy as the crate, and the check says so.
 */
import { combinedHash } from '../record/session';
import { checkToken } from '../stamps/rfc3161';
import { compareCodePoints } from '../stamps/format';
import type { StampVerdict, TokenCheck } from '../stamps/types';
import { createHash } from 'node:crypto';
import { fileVerdict } from '../verify/verdicts';
import { decodeCrateId } from './fileVersions';
import { idsOf, openCrate, textOf, typesOf, type CrateEntity, type OpenedCrate } from './readCrate';

export interface CrateFileCheck {
  /** Path inside the crate (or under --data). */
  path: string;
  status: 'verified' | 'mismatch' | 'missing';
  expected_hash: string;
  current_hash: string | null;
  error?: string;
}

export interface CrateRunBinding {
  session_id: string;
  recorded: string | null;
  recomputed: string;
  matches: boolean;
}

export interface CrateStampCheck {
  stamp_id: string;
  backend: string;
  root_hash: string;
  recomputed_root_hash: string | null;
  matches: boolean;
  /** Stamped runs the crate no longer describes. */
  missing_runs: string[];
  /** Stamped runs whose files in the crate no longer give their combined hash. */
  altered_runs: string[];
  token?: TokenCheck;
  verdict: StampVerdict;
  details: string[];
}

export interface CrateCheck {
  crate: string;
  data: string;
  files: CrateFileCheck[];
  stamps: CrateStampCheck[];
  /** `clew status`'s overall word: mismatch beats missing; a failed stamp counts as mismatch. */
  status: 'verified' | 'mismatch' | 'missing' | 'unknown';
  exit_code: number;
}

function sha256Of(e: CrateEntity | undefined): string | undefined {
  const v = e?.sha256;
  return typeof v === 'string' && /^[0-9a-f]{32,64}$/i.test(v) ? v.toLowerCase() : undefined;
}

async function checkFiles(crate: OpenedCrate): Promise<CrateFileCheck[]> {
  const checks: CrateFileCheck[] = [];
  for (const [id, e] of crate.entities) {
    const expected = sha256Of(e);
    const cratePath = decodeCrateId(id);
    if (!expected || cratePath === undefined) continue;
    const outcome = await crate.hash(cratePath);
    const status = fileVerdict(expected, false, outcome);
    const current = outcome.kind === 'hash' || outcome.kind === 'directory' ? outcome.hash : null;
    checks.push({ path: cratePath, status, expected_hash: expected, current_hash: current, ...(outcome.kind === 'unreadable' ? { error: outcome.error } : {}) });
  }
  return checks.sort((a, b) => compareCodePoints(a.path, b.path));
}

/** A run's combined hash from the crate's metadata: recorded paths (alternateName) and sha256 of its files. */
function recomputeCombined(crate: OpenedCrate, action: CrateEntity): string {
  const side = (property: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const id of idsOf(action[property])) {
      const e = crate.entities.get(id);
      const p = textOf(e?.alternateName);
      const h = sha256Of(e);
      if (p !== undefined && h !== undefined) m.set(p, h);
    }
    return m;
  };
  const [instrument] = idsOf(action.instrument);
  return combinedHash(side('object'), sha256Of(crate.entities.get(instrument)) ?? null, side('result'));
}

async function checkStamp(crate: OpenedCrate, stamp: CrateEntity, tsaCertPem: string | undefined): Promise<CrateStampCheck> {
  const stampId = textOf(stamp.identifier) ?? stamp['@id'];
  const backend = textOf(stamp.stampBackend) ?? 'unknown';
  const rootHash = textOf(stamp.rootHash) ?? '';
  const details: string[] = [];
  const runs: { id: string; combined: string }[] = [];
  const missing: string[] = [];
  const altered: string[] = [];
  for (const ref of idsOf(stamp.about)) {
    const action = crate.entities.get(ref);
    const sessionId = textOf(action?.identifier);
    if (!action || sessionId === undefined || !typesOf(action).includes('CreateAction')) {
      missing.push(decodeURIComponent(ref.replace(/^#run-/, '')));
      continue;
    }
    const recorded = textOf(action.combinedHash) ?? '';
    if (recomputeCombined(crate, action) !== recorded) altered.push(sessionId);
    runs.push({ id: sessionId, combined: recorded });
  }
  runs.sort((a, b) => compareCodePoints(a.id, b.id));
  const hash = createHash('sha256');
  for (const r of runs) hash.update(r.id, 'utf8').update(r.combined, 'utf8');
  const recomputed = runs.length > 0 ? hash.digest('hex') : null;
  const matches = recomputed === rootHash && altered.length === 0 && missing.length === 0;
  if (missing.length > 0) details.push(`${missing.length} stamped run(s) are not described in the crate: ${missing.join(', ')}`);
  if (altered.length > 0) details.push(`the crate's files of ${altered.length} stamped run(s) no longer give their combined hash: ${altered.join(', ')}`);
  details.push(recomputed === rootHash ? `root hash recomputed from the crate's ${runs.length} stamped run(s) matches the stamp` : `root hash recomputed from the crate (${recomputed?.slice(0, 16) ?? 'None'}…) differs from the stamp's (${rootHash.slice(0, 16)}…)`);
  const check: CrateStampCheck = { stamp_id: stampId, backend, root_hash: rootHash, recomputed_root_hash: recomputed, matches, missing_runs: missing, altered_runs: altered, verdict: 'holds', details };
  if (backend === 'rfc3161') {
    const [tokenId] = idsOf(stamp.hasPart);
    const tokenPath = tokenId === undefined ? undefined : decodeCrateId(tokenId);
    const bytes = tokenPath === undefined ? undefined : crate.read(tokenPath);
    check.token = bytes ? await checkToken(bytes.toString('hex'), rootHash, tsaCertPem) : { status: 'unverifiable', reason: 'the crate holds no token file for this stamp' };
    details.push(`RFC 3161 token ${check.token.status}: ${check.token.reason}`);
  } else {
    details.push(`a ${backend} stamp carries no signed token: the root hash is only as trustworthy as the crate itself`);
  }
  check.verdict = missing.length > 0 ? 'runs-missing' : !matches ? 'changed' : check.token?.status === 'invalid' ? 'token-invalid' : check.token?.status === 'unverifiable' ? 'token-unverifiable' : 'holds';
  return check;
}

export async function checkCrate(location: string, options: { dataDir?: string; tsaCertPem?: string } = {}): Promise<CrateCheck> {
  const crate = openCrate(location, options.dataDir);
  const files = await checkFiles(crate);
  const stamps: CrateStampCheck[] = [];
  for (const e of crate.entities.values()) if (typesOf(e).includes('Stamp')) stamps.push(await checkStamp(crate, e, options.tsaCertPem));
  const stampFailed = stamps.some((s) => s.verdict !== 'holds' && s.verdict !== 'token-unverifiable');
  const status = files.some((f) => f.status === 'mismatch') || stampFailed ? 'mismatch' : files.some((f) => f.status === 'missing') ? 'missing' : stamps.some((s) => s.verdict === 'token-unverifiable') ? 'unknown' : 'verified';
  const exit = { verified: 0, mismatch: 12, missing: 11, unknown: 10 }[status];
  return { crate: crate.location, data: crate.dataLocation, files, stamps, status, exit_code: exit };
}
