/**
 * RFC 3161 with pkijs/asn1js (no hand-written DER): build a TimeStampReq, read a TimeStampResp,
 * and verify a TimeStampToken offline. Contract (same as upstream's rfc3161ng call): the data
 * timestamped is the 32 raw bytes of the root hash, so the imprint is SHA-256 of those bytes and
 * `openssl ts -verify -data <root bytes>` checks a token without Clew.
 */
import * as asn1js from 'asn1js';
import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TSTINFO_OID = '1.2.840.113549.1.9.16.1.4';
const EXT_KEY_USAGE_OID = '2.5.29.37';
const TIMESTAMPING_EKU = '1.3.6.1.5.5.7.3.8';

/** A token or response that must not be trusted; `message` says why in one sentence. */
export class TokenRejected extends Error {}

export function rootBytes(rootHash: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/i.test(rootHash)) throw new TokenRejected(`root hash '${rootHash}' is not 64 hex characters`);
  return new Uint8Array(Buffer.from(rootHash, 'hex'));
}

export function imprintOf(rootHash: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(rootBytes(rootHash)).digest());
}

/** 8 random bytes, first one 0x01..0x7f, so the DER INTEGER is positive and has no padding byte. */
export function newNonce(): Uint8Array {
  const nonce = new Uint8Array(randomBytes(8));
  nonce[0] = (nonce[0] % 0x7f) + 1;
  return nonce;
}

export function buildRequest(imprint: Uint8Array, nonce: Uint8Array): Uint8Array {
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  return new Uint8Array(request.toSchema().toBER(false));
}

const STATUS_TEXT = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

/** The token's original bytes from a TimeStampResp (kept as received: re-encoding could alter them). */
export function tokenFromResponse(responseDer: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(responseDer);
  if (parsed.offset === -1) throw new TokenRejected('the TSA reply is not DER');
  let response: pkijs.TimeStampResp;
  try {
    response = new pkijs.TimeStampResp({ schema: parsed.result });
  } catch {
    throw new TokenRejected('the TSA reply is not a TimeStampResp');
  }
  const status = response.status.status;
  if (status !== 0 && status !== 1) {
    const text = (response.status.statusStrings ?? []).map((s) => s.valueBlock.value).join('; ');
    throw new TokenRejected(`the TSA refused: status ${STATUS_TEXT[status] ?? status}${text ? ` (${text})` : ''}`);
  }
  const outer = parsed.result as asn1js.Sequence;
  const token = outer.valueBlock.value[1];
  if (!token) throw new TokenRejected('the TSA granted but sent no token');
  return new Uint8Array(token.valueBeforeDecodeView);
}

export interface VerifiedToken {
  genTime: Date;
  /** True when the signer chained to one of the trust anchors. */
  trusted: boolean;
  signer: string;
}

export interface VerifyTokenOptions {
  /** The nonce sent (only known while stamping). */
  nonce?: Uint8Array;
  /** Certificates the signer must chain to; empty: check against the embedded certificate only. */
  anchors?: readonly pkijs.Certificate[];
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function subjectOf(cert: pkijs.Certificate): string {
  return cert.subject.typesAndValues.map((tv) => String((tv.value.valueBlock as { value?: unknown }).value ?? '')).join(', ');
}

function hasTimestampingUsage(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === EXT_KEY_USAGE_OID);
  const parsed = ext?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return Boolean(parsed?.keyPurposes.includes(TIMESTAMPING_EKU));
}

/** Every check RFC 3161 asks of a client; throws TokenRejected with the first failure. */
export async function verifyToken(tokenDer: Uint8Array, rootHash: string, options: VerifyTokenOptions = {}): Promise<VerifiedToken> {
  const parsed = asn1js.fromBER(tokenDer);
  if (parsed.offset === -1) throw new TokenRejected('the token is not DER (damaged or truncated)');
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  try {
    const info = new pkijs.ContentInfo({ schema: parsed.result });
    if (info.contentType !== SIGNED_DATA_OID) throw new TokenRejected('the token is not CMS SignedData');
    signed = new pkijs.SignedData({ schema: info.content });
    if (signed.encapContentInfo.eContentType !== TSTINFO_OID || !signed.encapContentInfo.eContent) throw new TokenRejected('the token does not carry a TSTInfo');
    tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent.getValue());
  } catch (err) {
    if (err instanceof TokenRejected) throw err;
    throw new TokenRejected('the token cannot be parsed as an RFC 3161 TimeStampToken (damaged or truncated)');
  }
  const imprint = tst.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== SHA256_OID || !Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(imprintOf(rootHash)))) {
    throw new TokenRejected('the token timestamps a different imprint than SHA-256 of the stamped root hash');
  }
  if (options.nonce && (!tst.nonce || bigintOf(tst.nonce.valueBlock.valueHexView) !== bigintOf(options.nonce))) {
    throw new TokenRejected('the token nonce differs from the one sent (a replayed or foreign reply)');
  }
  const anchors = [...(options.anchors ?? [])];
  let result: pkijs.SignedDataVerifyResult;
  try {
    const data = rootBytes(rootHash);
    result = await signed.verify({ signer: 0, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, checkChain: anchors.length > 0, trustedCerts: anchors, extendedMode: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // pkijs code 5: the signer's certificate path failed validation against trustedCerts.
    if (err instanceof pkijs.SignedDataVerifyError && err.code === 5) throw new TokenRejected(`the TSA certificate does not chain to the given trust anchor (${message})`);
    throw new TokenRejected(`the CMS signature does not verify (${message})`);
  }
  if (result.signatureVerified !== true || !result.signerCertificate) throw new TokenRejected('the CMS signature does not verify (token altered after signing)');
  const signer = result.signerCertificate;
  if (!hasTimestampingUsage(signer)) throw new TokenRejected('the signer certificate is not a timestamping certificate (no timeStamping extended key usage)');
  const genTime = tst.genTime;
  if (genTime < signer.notBefore.value || genTime > signer.notAfter.value) throw new TokenRejected(`genTime ${genTime.toISOString()} lies outside the TSA certificate's validity`);
  return { genTime, trusted: anchors.length > 0, signer: subjectOf(signer) };
}

/** Every CERTIFICATE block of a PEM text; throws TokenRejected when there is none. */
export function certificatesFromPem(pem: string): pkijs.Certificate[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new TokenRejected('the trust anchor file holds no PEM certificate');
  return blocks.map((m) => {
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
    return pkijs.Certificate.fromBER(new Uint8Array(der));
  });
}
