/**
 * The `rfc3161` backend: POST a TimeStampReq to the TSA, verify the reply before anything is
 * stored, keep the whole token (hex) in the row and the whole reply as `<stamp_id>.tsr`.
 * This is the only place Clew talks to a TSA, and only when the user stamps with this backend.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError, errorMessage } from '../errors';
import type { StampProof } from './fileBackend';
import { buildRequest, certificatesFromPem, imprintOf, newNonce, tokenFromResponse, TokenRejected, verifyToken } from './tsp';
import type { TokenCheck } from './types';

/** Upstream's default TSA. */
export const DEFAULT_TSA_URL = 'http://zeitstempel.dfn.de';
/** How far the TSA's genTime may be from this machine's clock when stamping. */
const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

async function post(url: string, body: Uint8Array): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
      body: body.slice(),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new ClewError('io', `cannot reach the TSA at ${url}: ${errorMessage(cause ?? err)}`);
  }
  if (!response.ok) throw new ClewError('io', `the TSA at ${url} answered HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function stampRfc3161(proof: StampProof, stampsDir: string, options: { url?: string; trustAnchorsPem?: string }): Promise<{ service_url: string; response_token: string }> {
  const url = options.url ?? DEFAULT_TSA_URL;
  try {
    const anchors = options.trustAnchorsPem === undefined ? [] : certificatesFromPem(options.trustAnchorsPem);
    const nonce = newNonce();
    const sentAt = Date.now();
    const reply = await post(url, buildRequest(imprintOf(proof.root_hash), nonce));
    const token = tokenFromResponse(reply);
    const verified = await verifyToken(token, proof.root_hash, { nonce, anchors });
    if (Math.abs(verified.genTime.getTime() - sentAt) > MAX_CLOCK_SKEW_MS) {
      throw new TokenRejected(`the TSA's genTime ${verified.genTime.toISOString()} is more than 10 minutes from this machine's clock`);
    }
    fs.mkdirSync(stampsDir, { recursive: true });
    fs.writeFileSync(path.join(stampsDir, `${proof.stamp_id}.tsr`), reply);
    return { service_url: url, response_token: Buffer.from(token).toString('hex') };
  } catch (err) {
    if (err instanceof TokenRejected) throw new ClewError('io', `RFC 3161 reply from ${url} rejected, nothing stored: ${err.message}`);
    throw err;
  }
}

/** Offline re-verification of a stored token (check-stamp): never contacts the TSA. */
export async function checkToken(tokenHex: string | null, rootHash: string, trustAnchorsPem?: string): Promise<TokenCheck> {
  if (!tokenHex) return { status: 'unverifiable', reason: 'no token is stored with this stamp' };
  if (!/^([0-9a-f]{2})+$/i.test(tokenHex)) return { status: 'invalid', reason: 'the stored token is not hex' };
  try {
    const anchors = trustAnchorsPem === undefined ? [] : certificatesFromPem(trustAnchorsPem);
    const v = await verifyToken(new Uint8Array(Buffer.from(tokenHex, 'hex')), rootHash, { anchors });
    const who = v.trusted ? `signed by ${v.signer}, which chains to the given trust anchor` : `signature valid for the certificate embedded in the token (${v.signer}); pass --tsa-cert to check who that is`;
    return { status: 'valid', reason: `${who}; imprint matches the root hash; genTime ${v.genTime.toISOString()}`, gen_time: v.genTime.toISOString(), trusted: v.trusted };
  } catch (err) {
    if (!(err instanceof TokenRejected)) throw err;
    // scitex-clew keeps only the first 256 hex characters of a token: not a forgery, just unprovable.
    if (tokenHex.length === 256 && /cannot be parsed|not DER/.test(err.message)) {
      return { status: 'unverifiable', reason: 'the token was cut to 256 hex characters (as scitex-clew stores it), so it cannot be re-verified' };
    }
    return { status: 'invalid', reason: err.message };
  }
}
