/**
 * What to watch and what a change means, without `vscode` (unit-tested under node --test): the
 * model's own store file and its `-wal`, by the path the model opened, and the folders of its
 * recorded files and of its claims' sources.
 */
import * as path from 'node:path';
import type { ClewModel } from './model';

/** Above this many folders of recorded files, one recursive watcher per workspace folder is cheaper. */
export const MAX_FOLDER_WATCHERS = 200;

/** Glob-escapes a file name for a RelativePattern. */
function literal(name: string): string {
  return name.replace(/[[\]{}*?!,]/g, (c) => `[${c}]`);
}

/** The patterns a model needs watched, as stable keys (base folder + glob). */
export function watchPatterns(model: Pick<ClewModel, 'folder' | 'dbPath' | 'files'> & Partial<Pick<ClewModel, 'claimSources'>>): { base: string; glob: string }[] {
  const patterns: { base: string; glob: string }[] = [];
  if (model.dbPath) patterns.push({ base: path.dirname(model.dbPath), glob: `${literal(path.basename(model.dbPath))}{,-wal}` });
  // Claim sources too: a hand-written source no run recorded still decides its claims' status.
  const folders = new Set([...model.files.keys(), ...(model.claimSources?.keys() ?? [])].map((p) => path.dirname(p)));
  if (folders.size > MAX_FOLDER_WATCHERS) patterns.push({ base: model.folder, glob: '**/*' });
  else for (const dir of [...folders].sort()) patterns.push({ base: dir, glob: '*' });
  return patterns;
}

export function isStoreFile(models: readonly Pick<ClewModel, 'dbPath'>[], fsPath: string): boolean {
  return models.some((m) => m.dbPath !== undefined && (fsPath === m.dbPath || fsPath === `${m.dbPath}-wal`));
}

