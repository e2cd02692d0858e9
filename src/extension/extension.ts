/**
 * Activation: one ClewModel per workspace folder, the explorer badges, the side panel, the status
 * bar, the commands (from commandTable.ts) and the watchers that keep the models fresh.
 * Refreshes are debounced (300 ms), serialised inside each model, and narrow: a saved or changed
 * file re-hashes only itself; only a change of the store (or its -wal) re-reads everything.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ClaimLenses, MANUSCRIPT_SELECTOR } from './claimLenses';
import { createDagBuilder, createHandlers } from './commands';
import { currentDagPanel, type DagPanelHandle, registerDagPanelSerializer, scheduleDagPanelRebuild, setDagPanelActions } from './dagPanel';
import { COMMAND_CATEGORY, commandTable } from './commandTable';
import { ClewDecorationProvider } from './decorations';
import { ClewModel } from './model';
import { migrateLegacyStore } from '../engine/store/locate';
import { REPORT_SCHEME, ReportDocuments } from './report';
import { ClewStatusBar } from './statusBar';
import { ChangesTree, ClaimsTree, RunsTree } from './views';

const DEBOUNCE_MS = 300;

function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  return new RegExp(`(^|/)${re}$`);
}

/** What activate() returns: read-only access for tests and other extensions. */
export interface ClewApi {
  models(): readonly ClewModel[];
  refresh(): Promise<void>;
  /** The explorer decoration Clew gives this URI right now (undefined: none). */
  decorationFor(uri: vscode.Uri): vscode.FileDecoration | undefined;
  /** The open DAG panel, if any (for tests and other extensions: what it shows, what it drew). */
  dagPanel(): Pick<DagPanelHandle, 'shown' | 'nextReport'> | undefined;
}

export function activate(context: vscode.ExtensionContext): ClewApi {
  const log = vscode.window.createOutputChannel('Clew', { log: true });
  const config = () => vscode.workspace.getConfiguration('clew');
  let models: ClewModel[] = [];
  const decorations = new ClewDecorationProvider(() => models);
  const statusBar = new ClewStatusBar();
  const reports = new ReportDocuments();
  const changesTree = new ChangesTree(() => models);
  const runsTree = new RunsTree(() => models);
  const claimsTree = new ClaimsTree(() => models);
  const trees = [changesTree, runsTree, claimsTree];
  const claimLenses = new ClaimLenses(() => models);

  const updateViews = () => {
    statusBar.update(models);
    claimLenses.update();
    for (const t of trees) t.refresh();
    void vscode.commands.executeCommand('setContext', 'clew.hasStore', models.some((m) => m.hasStore));
  };

  function buildModels(): void {
    for (const m of models) void m.dispose();
    const excluded = (config().get<string[]>('exclude') ?? []).map(globToRegExp);
    models = (vscode.workspace.workspaceFolders ?? []).map(
      (folder) =>
        new ClewModel({
          folder: folder.uri.fsPath,
          storePathSetting: config().get<string>('storePath') || undefined,
          excluded: (p) => excluded.some((re) => re.test(path.relative(folder.uri.fsPath, p).split(path.sep).join('/'))),
          concurrency: config().get<number>('hashing.concurrency') || undefined,
          log: (m) => log.warn(m),
        }),
    );
    for (const m of models) {
      context.subscriptions.push(
        m.onDidChange((change) => {
          decorations.fire(change.paths);
          updateViews();
          scheduleDagPanelRebuild();
        }),
      );
    }
  }

  async function refreshAll(): Promise<void> {
    const started = Date.now();
    await Promise.all(models.map((m) => m.refresh()));
    log.info(`refreshed ${models.length} folder(s) in ${Date.now() - started} ms`);
    updateViews();
  }

  // Debounced triggers: store changes → full refresh; recorded files changed → narrow refresh.
  let storeTimer: NodeJS.Timeout | undefined;
  const changedFiles = new Set<string>();
  let fileTimer: NodeJS.Timeout | undefined;
  const onStoreChanged = () => {
    clearTimeout(storeTimer);
    storeTimer = setTimeout(() => void refreshAll(), DEBOUNCE_MS);
  };
  const onFileChanged = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file') return;
    if (/[/\\]\.scitex[/\\]clew[/\\]/.test(uri.fsPath)) {
      if (/clew\.db(-wal)?$|db\.sqlite(-wal)?$/.test(uri.fsPath)) onStoreChanged();
      return;
    }
    changedFiles.add(uri.fsPath);
    clearTimeout(fileTimer);
    fileTimer = setTimeout(() => {
      const paths = [...changedFiles];
      changedFiles.clear();
      for (const m of models) void m.refreshFiles(paths);
    }, DEBOUNCE_MS);
  };

  buildModels();
  const handlers = createHandlers({
    models: () => models,
    modelFor: (uri) => (uri ? models.find((m) => uri.fsPath === m.folder || uri.fsPath.startsWith(m.folder + path.sep)) : models[0]),
    reports,
    log,
    extensionPath: context.extensionPath,
    extensionUri: context.extensionUri,
    refreshAll,
  });
  setDagPanelActions({
    showRun: (sessionId, column) => void vscode.commands.executeCommand('clew.verifyRun', sessionId, column),
    log: (message) => log.warn(message),
    build: createDagBuilder({ models: () => models }),
    defaultSource: () => (models[0] ? { folder: models[0].folder } : undefined),
  });
  for (const spec of commandTable(handlers)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        if (spec.requiresTrust && !vscode.workspace.isTrusted) {
          void vscode.window.showWarningMessage(`${COMMAND_CATEGORY}: ${spec.title} runs code and needs a trusted workspace.`);
          return undefined;
        }
        try {
          return await spec.run(...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log.error(`${spec.id}: ${message}`);
          void vscode.window.showErrorMessage(`${COMMAND_CATEGORY}: ${spec.title} failed: ${message}`);
          return undefined;
        }
      }),
    );
  }

  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(
    log,
    decorations,
    statusBar,
    reports,
    watcher,
    ...trees,
    vscode.window.registerFileDecorationProvider(decorations),
    claimLenses,
    registerDagPanelSerializer(context.extensionUri),
    vscode.languages.registerCodeLensProvider(MANUSCRIPT_SELECTOR, claimLenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (vscode.languages.match(MANUSCRIPT_SELECTOR, e.document) > 0) claimLenses.update();
    }),
    vscode.workspace.onDidOpenTextDocument(() => claimLenses.update()),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.window.createTreeView('clew.changes', { treeDataProvider: changesTree }),
    vscode.window.createTreeView('clew.runs', { treeDataProvider: runsTree }),
    vscode.window.createTreeView('clew.claims', { treeDataProvider: claimsTree }),
    watcher.onDidChange(onFileChanged),
    watcher.onDidCreate(onFileChanged),
    watcher.onDidDelete(onFileChanged),
    vscode.workspace.onDidSaveTextDocument((doc) => onFileChanged(doc.uri)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      buildModels();
      void refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('clew.decorations.enabled')) decorations.setEnabled(config().get<boolean>('decorations.enabled') ?? true);
      if (e.affectsConfiguration('clew.storePath') || e.affectsConfiguration('clew.exclude') || e.affectsConfiguration('clew.hashing.concurrency')) {
        buildModels();
        void refreshAll();
      }
    }),
    { dispose: () => models.forEach((m) => void m.dispose()) },
  );
  decorations.setEnabled(config().get<boolean>('decorations.enabled') ?? true);
  // A store outside the workspace (clew.storePath, SCITEX_CLEW_DB_PATH) is not seen by the
  // workspace watcher; a cheap stat poll covers it.
  const poll = setInterval(() => {
    for (const m of models) if (m.dbPath && !m.dbPath.startsWith(m.folder + path.sep)) onStoreChanged();
  }, 5000);
  context.subscriptions.push({ dispose: () => clearInterval(poll) });
  log.info(`Clew activated for ${models.length} folder(s)`);
  void refreshAll().then(() => offerLegacyMoves(models, log));
  return { models: () => models, refresh: refreshAll, decorationFor: (uri) => decorations.provideFileDecoration(uri), dagPanel: currentDagPanel };
}

/**
 * A store at an old location is read where it is; moving it (as scitex-clew does when it next
 * opens it) is the user's call, offered once per activation.
 */
function offerLegacyMoves(models: readonly ClewModel[], log: vscode.LogOutputChannel): void {
  for (const m of models) {
    const from = m.dbPath;
    const to = m.legacy?.target;
    const projectRoot = m.legacy?.projectRoot;
    if (!from || !to || !projectRoot) continue;
    log.info(`reading a legacy store at ${from} (current location: ${to})`);
    void vscode.window
      .showInformationMessage(`Clew: this project's store is at an old location (${path.relative(m.folder, from)}). scitex-clew moves it to ${path.relative(m.folder, to)} the next time it opens it.`, 'Move Now')
      .then(async (choice) => {
        if (choice !== 'Move Now') return;
        try {
          migrateLegacyStore(projectRoot, to, (message) => log.info(message));
        } catch (err) {
          void vscode.window.showErrorMessage(`Clew: could not move the store: ${err instanceof Error ? err.message : String(err)}`);
        }
        await m.refresh();
      });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
