/**
 * Upstream's `register-source`, `list-sources`, `unregister-source` (extras §4.2): pin trusted
 * raw-data files by SHA-256 in the sources-1.0 manifest; text, JSON and exit codes as upstream.
 * Registration is additive and undone by unregister-source, so -y is accepted and nothing prompts.
 */
import { ClewError } from '../../../engine/errors';
import { checkEntries, emptyManifest, locateManifest, manifestPathOf, manifestRoot, readManifest, writeManifest, type CheckedEntry, type Manifest } from '../../../engine/sources/manifest';
import { pinsFor, readPathList, withoutPaths, withPins } from '../../../engine/sources/registry';
import { loadSources } from '../../../engine/sources/state';
import { resolvePath } from '../../../engine/util/paths';
import { parseCommandArgs } from '../../args';
import type { CliCommand, CliIo, GlobalOptions } from '../../types';
import { pyJson } from './pyJson';
import { commandSources, sourcesProjectRoot, warnIfUntrusted } from './sourcesState';

const REGISTER_USAGE = `Usage: clew register-source [FILE...] [--from-list F] [--sources-path P] [--dry-run] [-y] [--json]

Pin each FILE (it must exist) as a trusted raw-data source by its current full SHA-256 in the
sources-1.0 manifest (default .scitex/clew/signed/sources.json). Re-registering a path updates its
hash. --from-list F reads one path a line (# comments and blank lines skipped). Rewriting the
manifest drops its signature: re-sign with \`clew sign\`. Claims whose provenance reaches no
registered source are then UNSOURCED in \`clew verify\` (exit 17).`;

const LIST_USAGE = `Usage: clew list-sources [--sources-path P] [--json]

Every registered source re-hashed now: OK, TAMPERED (its bytes changed) or MISSING. Exit 0.`;

const UNREGISTER_USAGE = `Usage: clew unregister-source FILE... [--sources-path P] [--dry-run] [-y] [--json]

Remove FILE(s) from the manifest (idempotent). Drops the signature, as any rewrite does.`;

export function entryLine(e: Pick<CheckedEntry, 'reason' | 'path' | 'sha256'>): string {
  return `  ${e.reason.padEnd(9)} ${e.path}  ${e.sha256.slice(0, 12)}...`;
}

function entryJson(e: CheckedEntry): Record<string, unknown> {
  return { path: e.path, sha256: e.sha256, abspath: e.abspath, valid: e.valid, reason: e.reason };
}

/** The manifest a write goes to: the one found, else a new one at the default location. */
function manifestForWrite(globals: GlobalOptions, io: CliIo, explicit?: string): Manifest {
  const projectRoot = sourcesProjectRoot(globals, io);
  const location = locateManifest({ explicit, cwd: io.cwd, env: io.env, projectRoot });
  const root = manifestRoot(location.file, projectRoot);
  return location.exists ? readManifest(location.file, root) : emptyManifest(location.file, root);
}

/** After a rewrite: the warning (if enforcing) describes the manifest as it now stands, which is unsigned. */
async function warnAfterWrite(globals: GlobalOptions, io: CliIo, explicit?: string): Promise<void> {
  const state = await loadSources({ explicit, cwd: io.cwd, env: io.env, projectRoot: sourcesProjectRoot(globals, io) });
  warnIfUntrusted(state, io);
}

export const registerSourceCommand: CliCommand = {
  name: 'register-source',
  summary: "scitex-clew's register-source: pin trusted raw-data files by SHA-256 (the registered-source gate)",
  usage: REGISTER_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'from-list': { type: 'string' }, 'sources-path': { type: 'string' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
      REGISTER_USAGE,
    );
    const asJson = globals.json || Boolean(values.json);
    const files = [...positionals, ...(values['from-list'] ? readPathList(resolvePath(values['from-list'], io.cwd)) : [])];
    if (files.length === 0) {
      io.err('Error: no sources given \u2014 pass FILE(s) and/or --from-list <file>.');
      return 1;
    }
    const manifest = manifestForWrite(globals, io, values['sources-path']);
    const pins = await pinsFor(files, io.cwd, manifest.root);
    if (values['dry-run']) {
      io.out(asJson ? pyJson({ dry_run: true, would_register: pins }) : ['DRY RUN \u2014 would register:', ...pins.map((p) => `  ${p.path}  ${p.sha256.slice(0, 12)}...`)].join('\n'));
      return 0;
    }
    const updated = withPins(manifest, pins);
    writeManifest(updated);
    const registeredPaths = new Set(pins.map((p) => p.path));
    const checked = (await checkEntries(updated)).filter((e) => registeredPaths.has(e.path));
    await warnAfterWrite(globals, io, values['sources-path']);
    if (asJson) io.out(pyJson({ manifest: updated.file, registered: registeredPaths.size, sources: checked.map(entryJson) }));
    else io.out([`[OK] registered ${registeredPaths.size} source(s) -> ${updated.file}`, ...checked.map(entryLine)].join('\n'));
    return 0;
  },
};

export const listSourcesCommand: CliCommand = {
  name: 'list-sources',
  summary: "scitex-clew's list-sources: the registered sources, each OK / TAMPERED / MISSING now",
  usage: LIST_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { 'sources-path': { type: 'string' }, json: { type: 'boolean' } }, LIST_USAGE);
    if (positionals.length > 0) throw new ClewError('usage', `list-sources takes no arguments\n${LIST_USAGE}`);
    const asJson = globals.json || Boolean(values.json);
    const state = await commandSources(globals, io, values['sources-path']);
    if (asJson) io.out(pyJson({ count: state.entries.length, sources: state.entries.map(entryJson) }));
    else io.out(state.entries.length === 0 ? 'no registered sources (gate inactive)' : state.entries.map(entryLine).join('\n'));
    return 0;
  },
};

export const unregisterSourceCommand: CliCommand = {
  name: 'unregister-source',
  summary: "scitex-clew's unregister-source: remove files from the registered sources",
  usage: UNREGISTER_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { 'sources-path': { type: 'string' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
      UNREGISTER_USAGE,
    );
    const asJson = globals.json || Boolean(values.json);
    if (positionals.length === 0) throw new ClewError('usage', `unregister-source needs FILE(s)\n${UNREGISTER_USAGE}`);
    const manifest = manifestForWrite(globals, io, values['sources-path']);
    // A file may be gone already (that is often why it is unregistered): name it by path, not by hash.
    const paths = positionals.map((p) => manifestPathOf(manifest.root, resolvePath(p, io.cwd)));
    const { manifest: updated, removed } = withoutPaths(manifest, paths);
    if (values['dry-run']) {
      const would = manifest.entries.filter((e) => paths.includes(e.path)).map((e) => ({ path: e.path, sha256: e.sha256 }));
      io.out(asJson ? pyJson({ dry_run: true, would_unregister: would }) : ['DRY RUN \u2014 would unregister:', ...would.map((p) => `  ${p.path}`)].join('\n'));
      return 0;
    }
    // Nothing removed: the file is left as it was, signature included (unregistering is idempotent).
    if (removed > 0) writeManifest(updated);
    await warnAfterWrite(globals, io, values['sources-path']);
    io.out(asJson ? pyJson({ manifest: updated.file, unregistered: removed }) : `[OK] unregistered ${removed} source(s) -> ${updated.file}`);
    return 0;
  },
};
