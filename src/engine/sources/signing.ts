/**
 * Ed25519 signing of the sources manifest (spec extras §4.4), with Node's own crypto so nothing
 * extra ships. The private key stays off the project tree (default ~/.scitex/clew/signing.key,
 * PKCS8 PEM, mode 0600); the public key is committed at `.scitex/clew/signed/signing.pub`, and its
 * presence is what turns enforcement on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewError, errorMessage } from '../errors';
import { lazyCrypto } from '../util/lazyBuiltins';
import { signedBytes, type ManifestJson } from './canonical';
import { clewDir, type ManifestSignature } from './manifest';

export const SIGNATURE_ALGO = 'ed25519';

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** `$SCITEX_CLEW_SIGNING_KEY`, else `~/.scitex/clew/signing.key`. */
export function defaultPrivateKeyPath(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.SCITEX_CLEW_SIGNING_KEY) return path.resolve(cwd, env.SCITEX_CLEW_SIGNING_KEY);
  return path.join(homeOf(env), '.scitex', 'clew', 'signing.key');
}

export function defaultPublicKeyPath(projectRoot: string): string {
  return path.join(clewDir(projectRoot), 'signed', 'signing.pub');
}

export interface GeneratedKeys {
  privateKey: string;
  publicKey: string;
}

/** A new key pair; refuses to replace either file unless `force` (a lost key cannot re-sign). */
export function generateKeys(privateKeyPath: string, publicKeyPath: string, force = false): GeneratedKeys {
  if (!force) {
    for (const p of [privateKeyPath, publicKeyPath]) {
      if (fs.existsSync(p)) throw new ClewError('usage', `refusing to overwrite ${p} (pass --force to replace the key)`);
    }
  }
  const { privateKey, publicKey } = lazyCrypto().generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  fs.mkdirSync(path.dirname(privateKeyPath), { recursive: true });
  // Written 0600 from the first byte (no window where it is world-readable), then chmod in case the file already existed.
  fs.writeFileSync(privateKeyPath, privatePem, { mode: 0o600 });
  fs.chmodSync(privateKeyPath, 0o600);
  fs.mkdirSync(path.dirname(publicKeyPath), { recursive: true });
  fs.writeFileSync(publicKeyPath, publicPem);
  return { privateKey: privateKeyPath, publicKey: publicKeyPath };
}

function readKey(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClewError('not-found', `no ${what} at ${file} (${errorMessage(err)}); run \`clew keygen\` first`);
  }
}

/** The signature object for a manifest, with the private key at `privateKeyPath`. */
export function signManifestObject(manifest: { [key: string]: ManifestJson }, privateKeyPath: string): ManifestSignature {
  const crypto = lazyCrypto();
  let key;
  try {
    key = crypto.createPrivateKey(readKey(privateKeyPath, 'signing key'));
  } catch (err) {
    if (err instanceof ClewError) throw err;
    throw new ClewError('usage', `${privateKeyPath} is not a PEM private key: ${errorMessage(err)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ClewError('usage', `${privateKeyPath} is a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519`);
  return { algo: SIGNATURE_ALGO, sig: crypto.sign(null, signedBytes(manifest), key).toString('base64') };
}

/**
 * True only for a well-formed ed25519 signature that verifies under the public key at
 * `publicKeyPath`. Anything that stops the check (unreadable or foreign key, bad base64, another
 * algorithm) is false: enforcement fails closed.
 */
export function verifyManifestObject(manifest: { [key: string]: ManifestJson }, publicKeyPath: string): boolean {
  const sig = manifest.signature;
  if (sig === null || typeof sig !== 'object' || Array.isArray(sig)) return false;
  if (sig.algo !== SIGNATURE_ALGO || typeof sig.sig !== 'string') return false;
  try {
    const crypto = lazyCrypto();
    const key = crypto.createPublicKey(fs.readFileSync(publicKeyPath, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const raw = Buffer.from(sig.sig, 'base64');
    if (raw.length !== 64) return false;
    return crypto.verify(null, signedBytes(manifest), key, raw);
  } catch {
    return false;
  }
}
