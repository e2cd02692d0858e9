/**
 * The `zenodo` backend (upstream raises "not implemented"): Zenodo's REST deposit API —
 * create a deposition, upload the stamp's proof JSON into its bucket, publish only when asked
 * (publishing mints a DOI and cannot be undone). Token from ZENODO_TOKEN; server from
 * --service-url, else ZENODO_URL, else https://zenodo.org (https://sandbox.zenodo.org to try).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError, errorMessage } from '../errors';
import { proofJson, type StampProof } from './fileBackend';
import { pythonJsonDumps } from './format';

export const DEFAULT_ZENODO_URL = 'https://zenodo.org';

interface Deposition {
  id: number;
  links: { bucket?: string; html?: string; publish?: string };
}
interface UploadedFile {
  checksum?: string;
}
interface Published {
  doi?: string;
  doi_url?: string;
  links?: { html?: string; record_html?: string };
}

async function call<T>(method: string, url: string, token: string, body: string | Uint8Array | undefined, contentType: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, Accept: 'application/json' }, body: typeof body === 'string' || body === undefined ? body : body.slice(), signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new ClewError('io', `cannot reach Zenodo at ${url}: ${errorMessage(cause ?? err)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // not JSON: keep the raw text
    }
    throw new ClewError('io', `Zenodo ${method} ${url} failed: HTTP ${response.status}${message ? ` (${message})` : ''}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

export interface ZenodoOptions {
  serviceUrl?: string;
  publish?: boolean;
  env: NodeJS.ProcessEnv;
}

/** The access token, or the error that says where to put one (checked before anything else is done). */
export function zenodoToken(env: NodeJS.ProcessEnv): string {
  const token = env.ZENODO_TOKEN || env.ZENODO_ACCESS_TOKEN;
  if (!token) throw new ClewError('usage', 'the zenodo backend needs a Zenodo access token in ZENODO_TOKEN (create one at <server>/account/settings/applications/ with the deposit:write scope)');
  return token;
}

export async function stampZenodo(proof: StampProof, stampsDir: string, options: ZenodoOptions): Promise<{ service_url: string; response_token: string }> {
  const token = zenodoToken(options.env);
  const base = (options.serviceUrl || options.env.ZENODO_URL || DEFAULT_ZENODO_URL).replace(/\/+$/, '');
  const json = proofJson(proof, 'zenodo');
  const metadata = {
    title: `Clew stamp ${proof.stamp_id}`,
    upload_type: 'other',
    description: `Provenance stamp: root hash ${proof.root_hash} over ${proof.run_count} recorded run(s), stamped ${proof.timestamp}.`,
    creators: [{ name: options.env.ZENODO_CREATOR || 'Clew' }],
  };
  const deposition = await call<Deposition>('POST', `${base}/api/deposit/depositions`, token, JSON.stringify({ metadata }), 'application/json');
  if (!deposition.links.bucket) throw new ClewError('io', `Zenodo created deposition ${deposition.id} without a bucket link`);
  const fileName = `${proof.stamp_id}.json`;
  const uploaded = await call<UploadedFile>('PUT', `${deposition.links.bucket}/${fileName}`, token, new Uint8Array(Buffer.from(json)), 'application/octet-stream');
  const md5 = `md5:${createHash('md5').update(json).digest('hex')}`;
  if (uploaded.checksum && uploaded.checksum !== md5) throw new ClewError('io', `Zenodo stored ${fileName} with checksum ${uploaded.checksum}, expected ${md5}`);
  let serviceUrl = deposition.links.html ?? `${base}/deposit/${deposition.id}`;
  let doi: string | null = null;
  if (options.publish) {
    const published = await call<Published>('POST', deposition.links.publish ?? `${base}/api/deposit/depositions/${deposition.id}/actions/publish`, token, undefined, 'application/json');
    doi = published.doi ?? null;
    serviceUrl = published.doi_url ?? published.links?.record_html ?? published.links?.html ?? serviceUrl;
  }
  // The same proof is kept locally (only once Zenodo has it), so the stamp folder looks alike whatever the backend.
  fs.mkdirSync(stampsDir, { recursive: true });
  fs.writeFileSync(path.join(stampsDir, fileName), json);
  return { service_url: serviceUrl, response_token: pythonJsonDumps({ deposition_id: deposition.id, file: fileName, checksum: md5, doi }) };
}
