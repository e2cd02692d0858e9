/**
 * The models of the open workspace, one per folder, rebuilt when folders or Clew's settings
 * change. No `vscode` here (unit-tested under node --test): activation passes folders and settings.
 */
import * as path from 'node:path';
import { ClewModel, type ModelChange } from './model';

export interface ModelSettings {
  storePath?: string;
  exclude: readonly string[];
  concurrency?: number;
  /** `clew.pathMappings`: recorded OLD → NEW for data kept outside the project. */
  pathMappings?: Readonly<Record<string, string>>;
  /** PEM text of the TSA certificate stamps are checked against, read when needed. */
  tsaCertificate?(): string | undefined;
}

/** `clew.exclude` globs (relative to the folder): `**` any depth, `*` and `?` within one segment. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  return new RegExp(`(^|/)${re}$`);
}

export class ModelSet {
  private current: ClewModel[] = [];
  private subscriptions: { dispose(): void }[] = [];

  constructor(
    private readonly onChange: (model: ClewModel, change: ModelChange) => void,
    private readonly log: (message: string) => void,
  ) {}

  get models(): readonly ClewModel[] {
    return this.current;
  }

  /** Replaces every model (the old ones are disposed). */
  rebuild(folders: readonly string[], settings: ModelSettings): void {
    this.disposeModels();
    const excluded = settings.exclude.map(globToRegExp);
    this.current = folders.map(
      (folder) =>
        new ClewModel({
          folder,
          storePathSetting: settings.storePath || undefined,
          excluded: (p) => excluded.some((re) => re.test(path.relative(folder, p).split(path.sep).join('/'))),
          concurrency: settings.concurrency || undefined,
          log: this.log,
          tsaCertificate: settings.tsaCertificate,
          pathMappings: settings.pathMappings,
        }),
    );
    this.subscriptions = this.current.map((m) => m.onDidChange((change) => this.onChange(m, change)));
  }

  /** The model whose folder holds `fsPath` (the first model when no path is given). */
  modelFor(fsPath?: string): ClewModel | undefined {
    if (fsPath === undefined) return this.current[0];
    return this.current.find((m) => fsPath === m.folder || fsPath.startsWith(m.folder + path.sep));
  }

  async refreshAll(): Promise<void> {
    await Promise.all(this.current.map((m) => m.refresh()));
  }

  /** A store changed on disk: each model reads what was added since its last read. */
  async refreshStores(): Promise<void> {
    await Promise.all(this.current.map((m) => m.refreshStore()));
  }

  refreshFiles(paths: readonly string[]): void {
    for (const m of this.current) void m.refreshFiles(paths);
  }

  private disposeModels(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const m of this.current) void m.dispose();
    this.subscriptions = [];
    this.current = [];
  }

  dispose(): void {
    this.disposeModels();
  }
}
