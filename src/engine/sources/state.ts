/**
 * The registered-source state one command or one editor refresh works from: the manifest found
 * (extras §4.1), each entry re-hashed, whether signing is enforced and the signature holds (§4.4),
 * and from that which files anchor claims and whether the gate is on at all.
 */
import * as fs from 'node:fs';
import { checkEntries, locateManifest, manifestObject, manifestRoot, readManifest, type CheckedEntry, type LocateManifestOptions, type Manifest, type ManifestLocation } from './manifest';
import { defaultPublicKeyPath, verifyManifestObject } from './signing';

/**
 * `valid`/`invalid`: checked against an enforcing signing.pub. `unchecked`: signed, but no
 * signing.pub to check against (enforcement off). `unsigned`: no signature.
 */
export type SignatureState = 'valid' | 'invalid' | 'unsigned' | 'unchecked';

export interface SourcesState {
  location: ManifestLocation;
  /** Undefined when there is no manifest. */
  manifest?: Manifest;
  entries: CheckedEntry[];
  publicKeyPath: string;
  /** signing.pub exists: an unsigned or badly signed manifest is then untrusted. */
  enforced: boolean;
  signature: SignatureState;
  /** The manifest's pins may be believed: not enforced, or enforced with a valid signature. */
  trusted: boolean;
  /** Claims are judged by the gate at all. */
  active: boolean;
  /** The files that ground a claim: valid entries of a trusted manifest. */
  anchors: CheckedEntry[];
  /** Upstream's once-per-command warning when an enforced manifest is untrusted (without the `clew: ` prefix). */
  warning?: string;
}

export interface LoadSourcesOptions extends LocateManifestOptions {
  /** `verify-signatures --pub`; default `<root>/.scitex/clew/signed/signing.pub`. */
  publicKeyPath?: string;
}

export function untrustedWarning(signature: 'invalid' | 'unsigned', publicKeyPath: string): string {
  const what = signature === 'unsigned' ? 'is UNSIGNED' : 'has an INVALID signature (tampered or wrong key)';
  return `manifest ${what} under an enforcing signing.pub (${publicKeyPath}) \u2014 its anchors are UNTRUSTED and every claim will be unsourced until it is re-signed with \`clew sign\`.`;
}

function signatureOf(m: Manifest, enforced: boolean, publicKeyPath: string): SignatureState {
  if (m.signature === null) return 'unsigned';
  if (!enforced) return 'unchecked';
  return verifyManifestObject(manifestObject(m), publicKeyPath) ? 'valid' : 'invalid';
}

/**
 * Reads and judges the manifest. Throws (ClewError naming the file) when it is malformed: a
 * gate that cannot read its manifest must not pass claims as if none existed.
 *
 * Deliberate difference from upstream: upstream turns the gate off when no entry is valid any
 * more (every pinned file edited or deleted), which passes every claim exactly when the raw data
 * was tampered with; here a manifest with entries keeps the gate on and such claims are unsourced.
 */
export async function loadSources(o: LoadSourcesOptions): Promise<SourcesState> {
  const location = locateManifest(o);
  const root = manifestRoot(location.file, o.projectRoot);
  const publicKeyPath = o.publicKeyPath ?? defaultPublicKeyPath(root);
  const enforced = fs.existsSync(publicKeyPath);
  if (!location.exists) {
    return { location, entries: [], publicKeyPath, enforced, signature: 'unsigned', trusted: !enforced, active: false, anchors: [] };
  }
  const manifest = readManifest(location.file, root);
  const entries = await checkEntries(manifest);
  const signature = signatureOf(manifest, enforced, publicKeyPath);
  const trusted = !enforced || signature === 'valid';
  const active = enforced || entries.length > 0;
  const warning = trusted ? undefined : untrustedWarning(signature === 'unsigned' ? 'unsigned' : 'invalid', publicKeyPath);
  return { location, manifest, entries, publicKeyPath, enforced, signature, trusted, active, anchors: trusted ? entries.filter((e) => e.valid) : [], ...(warning ? { warning } : {}) };
}
