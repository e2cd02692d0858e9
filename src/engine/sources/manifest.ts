/**
 * The registered-source manifest, `sources-1.0` (spec extras §4.1): where it lives, how it is
 * read (strictly: a malformed file is an error naming it, never an empty manifest, because an
 * empty one would quietly switch the gate off), re-hashing every entry, and writing it back in
 * the canonical serialisation both tools share.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError, errorMessage } from '../errors';
import { hashOutcome } from '../hash/sha256';
import { resolvePath } from '../util/paths';
import { canonicalJson, type ManifestJson } from './canonical';

export const SOURCES_SCHEMA = 'sources-1.0';

/** Candidates under `<root>/.scitex/clew/`, first existing wins; a new manifest goes to the first. */
export const MANIFEST_CANDIDATES = [path.join('signed', 'sources.json'), path.join('user_definitions', 'sources.json'), 'sources.json'] as const;

export type ManifestSource = 'explicit' | 'env' | 'signed' | 'user_definitions' | 'legacy' | 'new';

export interface ManifestLocation {
  file: string;
  source: ManifestSource;
  exists: boolean;
}

export interface LocateManifestOptions {
  /** `--sources-path`. */
  explicit?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The project root (spec §2.1's walk, or the root of the store in use). */
  projectRoot: string;
}

export function clewDir(projectRoot: string): string {
  return path.join(projectRoot, '.scitex', 'clew');
}

export function locateManifest(o: LocateManifestOptions): ManifestLocation {
  if (o.explicit) {
    const file = path.resolve(o.cwd, o.explicit);
    return { file, source: 'explicit', exists: fs.existsSync(file) };
  }
  const fromEnv = o.env.SCITEX_CLEW_SOURCES;
  if (fromEnv) {
    const file = path.resolve(o.cwd, fromEnv);
    return { file, source: 'env', exists: fs.existsSync(file) };
  }
  const sources: ManifestSource[] = ['signed', 'user_definitions', 'legacy'];
  for (let i = 0; i < MANIFEST_CANDIDATES.length; i++) {
    const file = path.join(clewDir(o.projectRoot), MANIFEST_CANDIDATES[i]);
    if (fs.existsSync(file)) return { file, source: sources[i], exists: true };
  }
  return { file: path.join(clewDir(o.projectRoot), MANIFEST_CANDIDATES[0]), source: 'new', exists: false };
}

/**
 * What entry paths are relative to: three folders above a manifest in `.scitex/clew/<dir>/`
 * (so a project keeps its manifest valid wherever cwd is), else the project root.
 */
export function manifestRoot(file: string, projectRoot: string): string {
  const dir = path.dirname(file);
  const clew = path.dirname(dir);
  const scitex = path.dirname(clew);
  if (path.basename(clew) === 'clew' && path.basename(scitex) === '.scitex') return path.dirname(scitex);
  return projectRoot;
}

export interface SourceEntry {
  path: string;
  sha256: string;
  /** Keys another tool wrote beside path/sha256, kept on rewrite. */
  extra: { [key: string]: ManifestJson };
}

export type ManifestSignature = { algo: string; sig: string } & { [key: string]: ManifestJson };

export interface Manifest {
  file: string;
  root: string;
  entries: SourceEntry[];
  /** null: unsigned. A signature that is not `{algo, sig}` strings is kept as found and never verifies. */
  signature: ManifestSignature | ManifestJson;
  /** Top-level keys other than schema/sources/signature, kept on rewrite and covered by the signature. */
  extra: { [key: string]: ManifestJson };
}

function malformed(file: string, why: string): ClewError {
  return new ClewError('manifest-invalid', `malformed sources manifest ${file}: ${why}`);
}

function isObject(v: unknown): v is { [key: string]: ManifestJson } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses manifest text; every way it can be wrong is an error naming the file. */
export function parseManifest(text: string, file: string, root: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw malformed(file, `not JSON (${errorMessage(err)})`);
  }
  if (!isObject(data)) throw malformed(file, 'not a JSON object');
  if (data.schema !== SOURCES_SCHEMA) throw malformed(file, `schema is ${JSON.stringify(data.schema ?? null)}, expected "${SOURCES_SCHEMA}"`);
  if (!Array.isArray(data.sources)) throw malformed(file, '"sources" is not a list');
  const entries = data.sources.map((raw, i): SourceEntry => {
    if (!isObject(raw)) throw malformed(file, `sources[${i}] is not an object`);
    const { path: p, sha256, ...extra } = raw;
    if (typeof p !== 'string' || p === '') throw malformed(file, `sources[${i}] has no "path"`);
    if (typeof sha256 !== 'string' || sha256 === '') throw malformed(file, `sources[${i}] has no "sha256"`);
    return { path: p, sha256, extra };
  });
  const { schema: _s, sources: _l, signature = null, ...extra } = data;
  return { file, root, entries, signature, extra };
}

export function readManifest(file: string, root: string): Manifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClewError('io', `cannot read sources manifest ${file}: ${errorMessage(err)}`);
  }
  return parseManifest(text, file, root);
}

/** The manifest as a JSON object (signature included), in the shape both tools write. */
export function manifestObject(m: Pick<Manifest, 'entries' | 'signature' | 'extra'>): { [key: string]: ManifestJson } {
  return {
    ...m.extra,
    schema: SOURCES_SCHEMA,
    sources: m.entries.map((e) => ({ ...e.extra, path: e.path, sha256: e.sha256 })),
    signature: m.signature,
  };
}

/** Atomic write (temp file + rename): a reader never sees half a manifest. */
export function writeManifest(m: Manifest): void {
  fs.mkdirSync(path.dirname(m.file), { recursive: true });
  const tmp = `${m.file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, canonicalJson(manifestObject(m)));
  fs.renameSync(tmp, m.file);
}

export type EntryReason = 'OK' | 'TAMPERED' | 'MISSING';

export interface CheckedEntry {
  path: string;
  sha256: string;
  abspath: string;
  valid: boolean;
  reason: EntryReason;
}

/** Absolute, symlink-resolved, as the store records paths (spec §2.4), so anchors compare as strings. */
export function entryAbspath(root: string, entryPath: string): string {
  return resolvePath(entryPath, root);
}

/** Re-hashes every entry now: OK (hash equal), TAMPERED (differs, or not a regular file), MISSING. */
export async function checkEntries(m: Manifest): Promise<CheckedEntry[]> {
  return Promise.all(
    m.entries.map(async (e): Promise<CheckedEntry> => {
      const abspath = entryAbspath(m.root, e.path);
      const outcome = await hashOutcome(abspath);
      const reason: EntryReason = outcome.kind === 'missing' ? 'MISSING' : outcome.kind === 'hash' && outcome.hash === e.sha256.toLowerCase() ? 'OK' : 'TAMPERED';
      return { path: e.path, sha256: e.sha256, abspath, valid: reason === 'OK', reason };
    }),
  );
}

/** A path as the manifest records it: relative to the manifest's root, `/`-separated. */
export function manifestPathOf(root: string, absolute: string): string {
  const rel = path.relative(root, absolute);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** An empty manifest at `file` (what register-source starts from when none exists). */
export function emptyManifest(file: string, root: string): Manifest {
  return { file, root, entries: [], signature: null, extra: {} };
}
