/**
 * Upstream's `keygen`, `sign`, `verify-signatures` (extras §4.4). The private key lives off the
 * tree; committing signing.pub is what makes every later command refuse an unsigned or edited
 * manifest.
 */
import * as fs from 'node:fs';
import { ClewError } from '../../../engine/errors';
import { manifestObject, manifestRoot, readManifest, writeManifest, locateManifest } from '../../../engine/sources/manifest';
import { defaultPrivateKeyPath, defaultPublicKeyPath, generateKeys, homeOf, signManifestObject, verifyManifestObject, SIGNATURE_ALGO } from '../../../engine/sources/signing';
import { resolvePath } from '../../../engine/util/paths';
import { parseCommandArgs } from '../../args';
import type { CliCommand, CliIo, GlobalOptions } from '../../types';
import { pyJson } from './pyJson';
import { sourcesProjectRoot } from './sourcesState';

const KEYGEN_USAGE = `Usage: clew keygen [--key PATH] [--pub PATH] [--force]

A new Ed25519 key pair: the private key (PEM PKCS8, mode 0600) at --key, else
$SCITEX_CLEW_SIGNING_KEY, else ~/.scitex/clew/signing.key — keep it off the project tree and backed
up; the public key at .scitex/clew/signed/signing.pub — commit it: from then on an unsigned or
edited manifest anchors nothing. Refuses to overwrite a key without --force.`;

const SIGN_USAGE = `Usage: clew sign [MANIFEST] [--key PATH] [--json]

Sign the sources manifest (default: the one clew finds) with the Ed25519 private key.`;

const VERIFY_USAGE = `Usage: clew verify-signatures [MANIFEST] [--pub PATH] [--json]

Exit 0 iff the manifest is signed and the signature verifies under signing.pub (or --pub).`;

function tilde(p: string, io: CliIo): string {
  const home = homeOf(io.env);
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}

/** The manifest named on the command line, else the one clew finds; it must exist. */
function manifestArg(arg: string | undefined, globals: GlobalOptions, io: CliIo): { file: string; root: string; projectRoot: string } {
  const projectRoot = sourcesProjectRoot(globals, io);
  const location = locateManifest({ explicit: arg, cwd: io.cwd, env: io.env, projectRoot });
  if (!location.exists) throw new ClewError('not-found', `no sources manifest at ${location.file} (register sources first: clew register-source FILE...)`);
  return { file: location.file, root: manifestRoot(location.file, projectRoot), projectRoot };
}

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: "scitex-clew's keygen: an Ed25519 key pair for signing the sources manifest",
  usage: KEYGEN_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { key: { type: 'string' }, pub: { type: 'string' }, force: { type: 'boolean' } }, KEYGEN_USAGE);
    if (positionals.length > 0) throw new ClewError('usage', `keygen takes no arguments\n${KEYGEN_USAGE}`);
    const key = values.key ? resolvePath(values.key, io.cwd) : defaultPrivateKeyPath(io.env, io.cwd);
    const pub = values.pub ? resolvePath(values.pub, io.cwd) : defaultPublicKeyPath(sourcesProjectRoot(globals, io));
    const made = generateKeys(key, pub, Boolean(values.force));
    io.out(
      [
        `[OK] private key -> ${tilde(made.privateKey, io)} (mode 0600 \u2014 keep OFF-TREE + BACK UP)`,
        `[OK] public key  -> ${made.publicKey} (COMMIT this; the gate verifies against it)`,
        'Next: `clew sign` your sources.json, then commit signing.pub.',
      ].join('\n'),
    );
    return 0;
  },
};

export const signCommand: CliCommand = {
  name: 'sign',
  summary: "scitex-clew's sign: Ed25519-sign the sources manifest",
  usage: SIGN_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { key: { type: 'string' }, json: { type: 'boolean' } }, SIGN_USAGE);
    if (positionals.length > 1) throw new ClewError('usage', `sign takes at most one MANIFEST\n${SIGN_USAGE}`);
    const asJson = globals.json || Boolean(values.json);
    const { file, root } = manifestArg(positionals[0], globals, io);
    const key = values.key ? resolvePath(values.key, io.cwd) : defaultPrivateKeyPath(io.env, io.cwd);
    const manifest = readManifest(file, root);
    const signature = signManifestObject(manifestObject(manifest), key);
    const signed = { ...manifest, signature: { ...signature } };
    writeManifest(signed);
    // A key that does not match the committed signing.pub signs nothing the gate will accept: say so now, not at the next verify.
    const pub = defaultPublicKeyPath(root);
    if (fs.existsSync(pub) && !verifyManifestObject(manifestObject(signed), pub)) {
      io.err(`clew: warning: ${key} does not match the enforcing ${pub}; the gate will still treat the manifest as INVALID`);
    }
    io.out(asJson ? pyJson({ signed: file, algo: SIGNATURE_ALGO }) : `[OK] signed ${file} (${SIGNATURE_ALGO})`);
    return 0;
  },
};

export const verifySignaturesCommand: CliCommand = {
  name: 'verify-signatures',
  summary: "scitex-clew's verify-signatures: is the sources manifest signed, and does the signature hold?",
  usage: VERIFY_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { pub: { type: 'string' }, json: { type: 'boolean' } }, VERIFY_USAGE);
    if (positionals.length > 1) throw new ClewError('usage', `verify-signatures takes at most one MANIFEST\n${VERIFY_USAGE}`);
    const asJson = globals.json || Boolean(values.json);
    const { file, root } = manifestArg(positionals[0], globals, io);
    const pub = values.pub ? resolvePath(values.pub, io.cwd) : defaultPublicKeyPath(root);
    const manifest = readManifest(file, root);
    const signed = manifest.signature !== null;
    const valid = signed && verifyManifestObject(manifestObject(manifest), pub);
    if (asJson) io.out(pyJson({ manifest: file, signed, valid }));
    else if (!signed) io.out(`[FAIL] unsigned manifest: ${file}`);
    else if (!fs.existsSync(pub)) io.out(`[FAIL] no public key at ${pub} to verify against (clew keygen writes one): ${file}`);
    else io.out(valid ? `[OK] signature valid: ${file}` : `[FAIL] signature INVALID (tampered or wrong key): ${file}`);
    return valid ? 0 : 1;
  },
};
