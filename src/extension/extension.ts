/**
 * Activation, in small parts: the models (modelSet.ts), the surfaces that show them (badges, side
 * panel, status bar, code lenses, DAG panel), the commands (registerCommands.ts) and the watchers
 * that keep the models fresh (watchers.ts). Every surface reads the models; none decides a verdict.
 */
import * as vscode from 'vscode';
import { ClaimLenses, MANUSCRIPT_SELECTOR } from './claimLenses';
import { createDagBuilder, createHandlers } from './commands';
import { currentDagPanel, type DagPanelHandle, registerDagPanelSerializer, scheduleDagPanelRebuild, setDagPanelActions } from './dagPanel';
import { ClewDecorationProvider } from './decorations';
import { IncomingNotice } from './incomingNotice';
import { offerLegacyMoves } from './legacyMove';
import type { ClewModel } from './model';
import { offerMcpServers } from './mcpProvider';
import type { McpServerSpec } from './mcpDefinitions';
import { createMovedStoreNotice } from './movedStore';
import { ModelSet, type ModelSettings } from './modelSet';
import { registerCommands } from './registerCommands';
import { REPORT_SCHEME, ReportDocuments } from './report';
import { RerunResults } from './rerun';
import { StampsTree, tsaCertificate } from './stamps';
import { ClewStatusBar } from './statusBar';
import { HistoryTree } from './historyView';
import { ChangesTree, ClaimsTree, RunsTree } from './views';
import { createModelWatchers } from './watchers';

/** What activate() returns: read-only access for tests and other extensions. */
export interface ClewApi {
  models(): readonly ClewModel[];
  refresh(): Promise<void>;
  /** The explorer decoration Clew gives this URI right now (undefined: none). */
  decorationFor(uri: vscode.Uri): vscode.FileDecoration | undefined;
  /** The open DAG panel, if any (for tests and other extensions: what it shows, what it drew). */
  dagPanel(): Pick<DagPanelHandle, 'shown' | 'nextReport'> | undefined;
  /** The MCP servers offered to agents, and whether this VS Code took the provider (mcpProvider.ts). */
  mcpServers(): { registered: boolean; specs: McpServerSpec[] };
  /** The History view: the file it follows and its entries. */
  history(): Pick<HistoryTree, 'shown' | 'follow'>;
  /** How many handed-over stores the editor says wait in incoming/ (0: none shown). */
  pendingIngest(): number;
}

function settings(): ModelSettings {
  const config = vscode.workspace.getConfiguration('clew');
  return {
    storePath: config.get<string>('storePath'),
    exclude: config.get<string[]>('exclude') ?? [],
    concurrency: config.get<number>('hashing.concurrency'),
    pathMappings: config.get<Record<string, string>>('pathMappings'),
    tsaCertificate,
  };
}

const workspaceFolders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);

/** The surfaces that show the models; `update()` redraws them all after a change. */
function createSurfaces(models: () => readonly ClewModel[], log: vscode.LogOutputChannel) {
  const decorations = new ClewDecorationProvider(models);
  const statusBar = new ClewStatusBar();
  const trees = { changes: new ChangesTree(models), runs: new RunsTree(models), claims: new ClaimsTree(models), stamps: new StampsTree(models), history: new HistoryTree(models) };
  const claimLenses = new ClaimLenses(models);
  const runsView = vscode.window.createTreeView('clew.runs', { treeDataProvider: trees.runs });
  const incoming = new IncomingNotice(runsView, (m) => log.warn(m));
  const update = () => {
    incoming.update(models());
    statusBar.update(models());
    claimLenses.update();
    for (const t of Object.values(trees)) t.refresh();
    void vscode.commands.executeCommand('setContext', 'clew.hasStore', models().some((m) => m.hasStore));
  };
  const disposables: vscode.Disposable[] = [
    decorations,
    statusBar,
    ...Object.values(trees),
    claimLenses,
    incoming,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerCodeLensProvider(MANUSCRIPT_SELECTOR, claimLenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (vscode.languages.match(MANUSCRIPT_SELECTOR, e.document) > 0) claimLenses.update();
    }),
    vscode.workspace.onDidOpenTextDocument(() => claimLenses.update()),
    vscode.window.createTreeView('clew.changes', { treeDataProvider: trees.changes }),
    runsView,
    vscode.window.createTreeView('clew.claims', { treeDataProvider: trees.claims }),
    vscode.window.createTreeView('clew.stamps', { treeDataProvider: trees.stamps }),
    vscode.window.createTreeView('clew.history', { treeDataProvider: trees.history }),
    // The History view follows the active editor's file.
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor?.document.uri.scheme === 'file') void trees.history.follow(editor.document.uri.fsPath);
    }),
  ];
  return { decorations, update, disposables, history: trees.history, incoming };
}

export function activate(context: vscode.ExtensionContext): ClewApi {
  const log = vscode.window.createOutputChannel('Clew', { log: true });
  // Models change only once refreshed (below), after the surfaces and watchers exist.
  const set = new ModelSet((_model, change) => {
    surfaces.decorations.fire(change.paths);
    surfaces.update();
    watchers.update();
    mcp.update();
    scheduleDagPanelRebuild();
  }, (m) => log.warn(m));
  const models = () => set.models;
  const surfaces = createSurfaces(models, log);
  const watchers = createModelWatchers(models, {
    storeChanged: () => void refreshAll('store'),
    filesChanged: (paths) => set.refreshFiles(paths),
    // Only the notice changes: the handed-over runs are not in the store until ingested.
    incomingChanged: () => surfaces.incoming.update(models()),
  });
  const reports = new ReportDocuments();
  const movedStoreNotice = createMovedStoreNotice(log);
  const mcp = offerMcpServers(models, context.extensionPath, log);

  /** 'store': a store changed on disk (read what was added); 'full': read and re-check everything. */
  async function refreshAll(kind: 'full' | 'store' = 'full'): Promise<void> {
    const started = Date.now();
    await (kind === 'store' ? set.refreshStores() : set.refreshAll());
    log.info(`refreshed ${set.models.length} folder(s) in ${Date.now() - started} ms (${kind === 'store' ? 'store changed' : 'full'})`);
    movedStoreNotice(set.models);
    surfaces.update();
    void surfaces.incoming.checkHosts(set.models).catch((err: unknown) => log.warn(`multi-host check: ${err instanceof Error ? err.message : String(err)}`));
    watchers.update();
    mcp.update();
  }
  const rebuild = () => {
    set.rebuild(workspaceFolders(), settings());
    void refreshAll();
  };

  set.rebuild(workspaceFolders(), settings());
  const reruns = new RerunResults({ log, reports });
  const handlers = createHandlers({
    reruns,
    models,
    modelFor: (uri) => set.modelFor(uri?.fsPath),
    reports,
    log,
    extensionPath: context.extensionPath,
    extensionUri: context.extensionUri,
    refreshAll,
    followHistory: (file) => surfaces.history.follow(file),
  });
  setDagPanelActions({
    showRun: (sessionId, column) => void vscode.commands.executeCommand('clew.verifyRun', sessionId, column),
    rerun: (source, sessionId) => {
      const target = source?.manuscript ?? source?.targetFile;
      void (sessionId ? vscode.commands.executeCommand('clew.rerunRun', sessionId) : vscode.commands.executeCommand('clew.rerunDag', target ? vscode.Uri.file(target) : undefined));
    },
    log: (message) => log.warn(message),
    build: createDagBuilder({ models, log }),
    defaultSource: () => (set.models[0] ? { folder: set.models[0].folder } : undefined),
  });
  const decorationsEnabled = () => vscode.workspace.getConfiguration('clew').get<boolean>('decorations.enabled') ?? true;
  context.subscriptions.push(
    log,
    reports,
    reruns,
    watchers,
    mcp,
    ...surfaces.disposables,
    ...registerCommands(handlers, log),
    registerDagPanelSerializer(context.extensionUri),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.workspace.onDidChangeWorkspaceFolders(rebuild),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('clew.decorations.enabled')) surfaces.decorations.setEnabled(decorationsEnabled());
      if (e.affectsConfiguration('clew.mcp.enabled')) mcp.update();
      if (e.affectsConfiguration('clew.storePath') || e.affectsConfiguration('clew.exclude') || e.affectsConfiguration('clew.hashing.concurrency') || e.affectsConfiguration('clew.pathMappings')) rebuild();
      // Grouper, layout and collapse limit change the drawing only: the open panel redraws.
      else if (e.affectsConfiguration('clew.dag')) scheduleDagPanelRebuild(0);
    }),
    set,
  );
  surfaces.decorations.setEnabled(decorationsEnabled());
  log.info(`Clew activated for ${set.models.length} folder(s)`);
  void refreshAll().then(() => offerLegacyMoves(set.models, log));
  return { models, refresh: refreshAll, decorationFor: (uri) => surfaces.decorations.provideFileDecoration(uri), dagPanel: currentDagPanel, mcpServers: () => ({ registered: mcp.registered, specs: mcp.specs() }), history: () => surfaces.history, pendingIngest: () => surfaces.incoming.shown };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
