/** What each command does. Thin: pick the model and target, call the engine, show the result. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addClaim, listClaims, verifyClaim, type VerifyClaimResult } from '../engine/claims/claims';
import { initExamples } from '../engine/examples/initExamples';
import { openStore } from '../engine/store/open';
import { verifyChain, verifyDag, verifyRun } from '../engine/verify';
import { finalOutputs } from '../engine/verify/lineage';
import type { ChainVerification, DagVerification, RunVerification } from '../engine/verify/types';
import { addCounts } from '../engine/verify/verdicts';
import type { CommandHandlers } from './commandTable';
import type { ClewModel } from './model';
import { showDagPanel } from './dagPanel';
import { dagDisplaySettings, diagramPayload } from '../engine/mermaid/payload';
import { provenanceDiagram, renderDiagram } from '../engine/mermaid/provenanceDiagram';
import { withClaims } from '../engine/mermaid/claimsOverlay';
import { panelGrouper } from './panelGrouper';
import type { DagPayload, DagSource } from '../engine/mermaid/types';
import { chainReport, dagReport, type ReportDocuments, runReport } from './report';
import type { RerunResults } from './rerun';
import { STAMP_BACKENDS } from '../engine/stamps/types';
import { checkStampCommand, createStamp } from './stamps';
import { exportPackage, openReport } from './exportPackage';
import { ingestIncomingAsync, type IngestSummary } from '../engine/cluster/ingest';
import { ingestResultText, pendingStores } from './incoming';

export interface CommandContext {
  models(): readonly ClewModel[];
  modelFor(uri?: vscode.Uri): ClewModel | undefined;
  reports: ReportDocuments;
  log: vscode.LogOutputChannel;
  extensionPath: string;
  extensionUri: vscode.Uri;
  refreshAll(): Promise<void>;
  reruns: RerunResults;
  /** Points the History view at a file and waits for its list. */
  followHistory(file: string): Promise<void>;
}

/** The file a command was invoked on: a URI, or a tree item of the Changes or Runs view. */
function pathOfTarget(target: unknown): string | undefined {
  if (target instanceof vscode.Uri) return target.scheme === 'file' ? target.fsPath : undefined;
  if (typeof target === 'object' && target !== null) {
    const t = target as { path?: unknown; kind?: unknown; file?: { path?: unknown } };
    if (t.kind === 'file' && typeof t.file?.path === 'string') return t.file.path;
    if (typeof t.path === 'string' && t.kind === undefined) return t.path;
  }
  return undefined;
}

/** A Claims view item: a claim row with its source file. */
function claimOfTarget(target: unknown): { claim_id: string; source_file: string | null } | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as { claim_id?: unknown; source_file?: unknown };
  return typeof t.claim_id === 'string' ? { claim_id: t.claim_id, source_file: typeof t.source_file === 'string' ? t.source_file : null } : undefined;
}

/** A Stamps view item (a stamp check). */
function stampOfTarget(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const id = (target as { stamp?: { stamp_id?: unknown } }).stamp?.stamp_id;
  return typeof id === 'string' ? id : undefined;
}

/** A Runs view item ({kind: 'run', run}). */
function runOfTarget(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const t = target as { kind?: unknown; run?: { session_id?: unknown } };
  return t.kind === 'run' && typeof t.run?.session_id === 'string' ? t.run.session_id : undefined;
}

/** A URI or a tree item (Changes, Runs view file) the command was invoked on, else the active editor's file. */
function targetUri(target?: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  const file = pathOfTarget(target);
  return file ? vscode.Uri.file(file) : vscode.window.activeTextEditor?.document.uri;
}

/** Asks which of the model's runs (script name, verdict, session id); undefined when dismissed. */
async function pickRun(model: ClewModel, placeHolder: string): Promise<string | undefined> {
  const items = model.runs.map((r) => ({ label: r.script_path ? path.basename(r.script_path) : r.session_id, description: `${r.status} · ${r.session_id}`, id: r.session_id }));
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.id;
}

async function engineOrExplain(model: ClewModel | undefined) {
  const engine = await model?.engine();
  if (!engine) void vscode.window.showWarningMessage('Clew: no store in this workspace yet. Record a run first (clew record -- python3 script.py), or scaffold the example pipeline.');
  return engine;
}

/**
 * The DAG panel's diagram for a source: upstream's chain diagram behind one file, or every run of
 * the folder; files collapse into their runs above `clew.dag.maxNodes` nodes (the title says so),
 * and `clew.dag.layout` says how the webview draws it.
 */
export function createDagBuilder(ctx: Pick<CommandContext, 'models' | 'log'>) {
  return async function buildDagPayload(source: DagSource, signal?: AbortSignal): Promise<DagPayload | undefined> {
    const model = ctx.models().find((m) => m.folder === source.folder);
    const engine = await model?.engine();
    if (!engine || !model) return undefined;
    const verifyCtx = { ...engine, cwd: model.folder, signal };
    // Bounded for display, with the grouper of the setting or the project's config (as `clew mermaid`).
    const grouper = panelGrouper(model.folder, ctx.log);
    const config = vscode.workspace.getConfiguration('clew.dag');
    const settings = dagDisplaySettings({ maxNodes: config.get('maxNodes'), layout: config.get('layout') });
    const display = { maxNodes: settings.maxNodes, ...(grouper ? { grouper } : {}) };
    if (source.manuscript) {
      // A manuscript: its claims, fed by the DAG behind their sources.
      const claims = listClaims(engine.view, { filePath: source.manuscript, limit: 10_000 });
      const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
      const behind = sources.length > 0
        ? await provenanceDiagram(verifyCtx, { targetFiles: sources, ...display })
        : renderDiagram({ mode: 'claims', runs: [], scratch: new Set() });
      // The claims' sources as the model hashed them: the overlay says what the lenses say.
      return { ...diagramPayload(withClaims(behind, claims, model.claimSources), `Claims of ${path.basename(source.manuscript)}`), source, layout: settings.layout };
    }
    const diagram = await provenanceDiagram(verifyCtx, { ...(source.targetFile ? { targetFile: source.targetFile } : {}), ...display });
    const title = `DAG of ${path.basename(source.targetFile ?? model.folder)}`;
    return { ...diagramPayload(diagram, title), source, layout: settings.layout };
  };
}

export function createHandlers(ctx: CommandContext): CommandHandlers {
  const buildDagPayload = createDagBuilder(ctx);

  /** Opens the DAG panel for `source`; resolves with what the webview drew (or undefined after 20 s). */
  async function openDagPanel(source: DagSource) {
    const payload = await withProgress('Clew: drawing the DAG', (signal) => buildDagPayload(source, signal));
    if (!payload) return undefined;
    const handle = showDagPanel(ctx.extensionUri, payload);
    ctx.log.info(`DAG panel: ${payload.title}, ${payload.nodes.length} nodes`);
    const report = await Promise.race([handle.nextReport(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000))]);
    return { payload, report };
  }

  const withProgress = <T>(title: string, task: (signal: AbortSignal) => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
      return task(controller.signal);
    });

  /** Claims are written (statuses, new claims): open a writable store just for this command. */
  async function withWritableStore<T>(model: ClewModel, fn: (ctx: Parameters<typeof verifyClaim>[0]) => Promise<T>): Promise<T | undefined> {
    const engine = await engineOrExplain(model);
    if (!engine || !model.dbPath) return undefined;
    const store = await openStore(model.dbPath);
    try {
      return await fn({ store, view: await store.snapshot(), hasher: engine.hasher, cwd: model.folder });
    } finally {
      await store.close();
      await model.refresh();
    }
  }

  async function dagFor(uri?: vscode.Uri): Promise<DagVerification | undefined> {
    const target = targetUri(uri);
    const model = ctx.modelFor(target) ?? ctx.models()[0];
    const engine = await engineOrExplain(model);
    if (!engine || !model) return undefined;
    const targets = target && model.files.has(target.fsPath) ? [target.fsPath] : finalOutputs(model.runs);
    return withProgress('Clew: verifying the DAG', (signal) => verifyDag({ ...engine, cwd: model.folder, signal }, { targets }));
  }

  return {
    async showStatus() {
      await vscode.commands.executeCommand('workbench.view.extension.clew');
      const c = ctx.models().map((m) => m.counts()).reduce(addCounts, { verified: 0, mismatch: 0, missing: 0 });
      ctx.log.info(`status: ${c.verified} verified, ${c.mismatch} changed, ${c.missing} missing`);
      return c;
    },
    async traceChain(uri): Promise<ChainVerification | undefined> {
      const target = targetUri(uri);
      if (!target || target.scheme !== 'file') {
        void vscode.window.showInformationMessage('Clew: open or select a file to trace its chain.');
        return undefined;
      }
      const model = ctx.modelFor(target);
      const engine = await engineOrExplain(model);
      if (!engine || !model) return undefined;
      const chain = await withProgress(`Clew: tracing ${path.basename(target.fsPath)}`, (signal) => verifyChain({ ...engine, cwd: model.folder, signal }, target.fsPath));
      await ctx.reports.show(`Chain of ${path.basename(target.fsPath)}.txt`, chainReport(chain));
      ctx.log.info(`chain ${target.fsPath}: ${chain.status} (${chain.runs.length} runs)`);
      // The same chain, drawn: the panel opens beside the text report.
      if (chain.runs.length > 0) void openDagPanel({ folder: model.folder, targetFile: target.fsPath });
      return chain;
    },
    async verifyRun(sessionId, column): Promise<RunVerification | undefined> {
      const model = ctx.models()[0];
      const engine = await engineOrExplain(model);
      if (!engine || !model) return undefined;
      const id = sessionId || (await pickRun(model, 'Verify which run?'));
      if (!id) return undefined;
      const result = await withProgress(`Clew: verifying ${id}`, (signal) => verifyRun({ ...engine, cwd: model.folder, signal }, id));
      await ctx.reports.show(`Run ${id}.txt`, runReport(result), column);
      return result;
    },
    async verifyDag(uri) {
      const dag = await dagFor(uri);
      if (!dag) return undefined;
      await ctx.reports.show('DAG verification.txt', dagReport(dag));
      const message = `Clew: DAG ${dag.status} — ${dag.runs.length} runs, ${dag.edges.length} edges`;
      if (dag.is_verified) void vscode.window.showInformationMessage(message);
      else void vscode.window.showWarningMessage(message);
      return dag;
    },
    async showDag(uri) {
      const target = targetUri(uri);
      const model = ctx.modelFor(target) ?? ctx.models()[0];
      if (!(await engineOrExplain(model)) || !model) return undefined;
      const fsPath = target?.scheme === 'file' ? target.fsPath : undefined;
      if (fsPath && model.claims.some((c) => c.file_path === fsPath)) return openDagPanel({ folder: model.folder, manuscript: fsPath });
      const targetFile = fsPath && model.files.has(fsPath) ? fsPath : undefined;
      return openDagPanel({ folder: model.folder, ...(targetFile ? { targetFile } : {}) });
    },
    async rerunDag(target) {
      // What the command was invoked on: a file (explorer, editor, Changes view), a claim (Claims
      // view) or a manuscript (its claims' DAG); nothing → every run in the store.
      const filePath = pathOfTarget(target);
      const model = ctx.modelFor(filePath ? vscode.Uri.file(filePath) : undefined) ?? ctx.models()[0];
      if (!model) return undefined;
      const claim = claimOfTarget(target);
      if (claim?.source_file) return ctx.reruns.run(model, { kind: 'dag', targets: [claim.source_file] });
      if (filePath && model.claims.some((c) => c.file_path === filePath)) return ctx.reruns.run(model, { kind: 'claims', manuscript: filePath });
      if (filePath && model.files.has(filePath)) return ctx.reruns.run(model, { kind: 'dag', targets: [filePath] });
      return ctx.reruns.run(model, { kind: 'dag', targets: [] });
    },
    async rerunRun(target) {
      const model = ctx.models()[0];
      if (!model) return undefined;
      const sessionId = (typeof target === 'string' ? target : runOfTarget(target)) || (await pickRun(model, 'Rerun which run?'));
      if (!sessionId) return undefined;
      const owner = ctx.models().find((m) => m.runs.some((r) => r.session_id === sessionId)) ?? model;
      return ctx.reruns.run(owner, { kind: 'runs', sessionIds: [sessionId] });
    },
    async showRerunDifference(filePath) {
      return ctx.reruns.showDifference(filePath);
    },
    async createStamp(request) {
      const model = ctx.models().find((m) => m.hasStore);
      if (!(await engineOrExplain(model)) || !model) return undefined;
      const r = typeof request === 'object' && request !== null ? (request as { backend?: unknown; serviceUrl?: unknown }) : {};
      const backend = STAMP_BACKENDS.find((b) => b === r.backend);
      return createStamp(model, { ...(backend ? { backend } : {}), ...(typeof r.serviceUrl === 'string' ? { serviceUrl: r.serviceUrl } : {}) });
    },
    async checkStamp(target) {
      const id = typeof target === 'string' ? target : stampOfTarget(target);
      const model = (id ? ctx.models().find((m) => m.stamps.some((c) => c.stamp.stamp_id === id)) : undefined) ?? ctx.models().find((m) => m.hasStore);
      if (!(await engineOrExplain(model)) || !model) return undefined;
      return checkStampCommand(model, ctx.reports, id);
    },
    async refresh() {
      await ctx.refreshAll();
    },
    async openStoreLocation() {
      const model = ctx.models().find((m) => m.hasStore) ?? ctx.models()[0];
      if (!model?.dbPath || !fs.existsSync(model.dbPath)) {
        void vscode.window.showInformationMessage(`Clew: no store yet; it will be created at ${model?.dbPath ?? '.scitex/clew/runtime/clew.db'}`);
        return model?.dbPath;
      }
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(model.dbPath)).then(undefined, () => undefined);
      void vscode.window.showInformationMessage(`Clew store: ${model.dbPath}`);
      return model.dbPath;
    },
    async initExamples() {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) return undefined;
      const dest = path.join(folder.uri.fsPath, 'clew-example');
      const ok = await vscode.window.showInformationMessage(`Write the Clew example pipeline into ${dest}?`, { modal: true }, 'Write Example');
      if (ok !== 'Write Example') return undefined;
      const result = initExamples(dest);
      void vscode.window.showInformationMessage(`Clew: wrote ${result.file_count} files. Run "sh 00_run_all.sh" in ${dest} to record the pipeline.`);
      return result;
    },
    async verifyClaim(claimId): Promise<VerifyClaimResult | undefined> {
      const model = ctx.models().find((m) => m.claims.some((c) => c.claim_id === claimId)) ?? ctx.models()[0];
      if (!model) return undefined;
      let id = claimId;
      if (!id) {
        const pick = await vscode.window.showQuickPick(model.claims.map((c) => ({ label: `${path.basename(c.file_path)}:${c.line_number ?? ''}`, description: `${c.claim_value ?? ''} · ${c.status ?? ''}`, id: c.claim_id })), { placeHolder: 'Verify which claim?' });
        id = pick?.id;
      }
      if (!id) return undefined;
      const target = id;
      const result = await withWritableStore(model, (c) => verifyClaim(c, target));
      if (result && 'claim' in result) {
        const text = `Clew: claim ${result.claim.claim_id} is ${result.claim.status}. ${result.details.join('; ')}`;
        if (result.claim.status === 'verified') void vscode.window.showInformationMessage(text);
        else void vscode.window.showWarningMessage(text);
      } else if (result) void vscode.window.showWarningMessage(`Clew: ${result.message}`);
      return result;
    },
    async registerClaim() {
      const editor = vscode.window.activeTextEditor;
      const model = editor ? ctx.modelFor(editor.document.uri) : undefined;
      if (!editor || !model || editor.document.uri.scheme !== 'file') {
        void vscode.window.showInformationMessage('Clew: select the number or statement in your manuscript, then run Register Claim.');
        return undefined;
      }
      const value = editor.document.getText(editor.selection).trim() || undefined;
      const outputs = [...model.files.values()].filter((f) => f.role === 'output').map((f) => f.path).sort();
      const source = await vscode.window.showQuickPick(
        outputs.map((p) => ({ label: vscode.workspace.asRelativePath(p), path: p })),
        { placeHolder: 'Which recorded file backs this claim?' },
      );
      if (!source) return undefined;
      const claimType = (await vscode.window.showQuickPick(['value', 'statistic', 'figure', 'table', 'text'], { placeHolder: 'Claim type' })) ?? 'value';
      const claim = await withWritableStore(model, (c) =>
        addClaim(c, { filePath: editor.document.uri.fsPath, claimType, lineNumber: editor.selection.active.line + 1, claimValue: value, sourceFile: source.path }),
      );
      if (claim) void vscode.window.showInformationMessage(`Clew: registered claim ${claim.claim_id}`);
      return claim;
    },
    async exportPackage(target, request) {
      // Only a file it was invoked on narrows the export (not the active editor): from the palette it is every run.
      const file = pathOfTarget(target);
      const model = (file ? ctx.modelFor(vscode.Uri.file(file)) : undefined) ?? ctx.models()[0];
      if (!(await engineOrExplain(model))) return undefined;
      return exportPackage(model, file, request, ctx.log);
    },
    async showHistory(uri) {
      const file = uri?.scheme === 'file' ? uri.fsPath : vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? vscode.window.activeTextEditor.document.uri.fsPath : undefined;
      if (!file) {
        void vscode.window.showInformationMessage('Clew: open or select a file to see its history.');
        return undefined;
      }
      await ctx.followHistory(file);
      await vscode.commands.executeCommand('clew.history.focus');
      return file;
    },
    async openReport() {
      const model = ctx.modelFor(vscode.window.activeTextEditor?.document.uri) ?? ctx.models()[0];
      if (!(await engineOrExplain(model))) return undefined;
      return openReport(model, ctx.log);
    },
    async ingest(): Promise<{ summaries: IngestSummary[]; text: string }> {
      const pending = pendingStores(ctx.models());
      // python3 runs as a child the event loop waits on (ingestIncomingAsync): the host stays responsive.
      const summaries = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Clew: ingesting handed-over stores' }, async (progress) => {
        const out: IngestSummary[] = [];
        for (const p of pending) {
          progress.report({ message: `${p.count} into ${vscode.workspace.asRelativePath(p.dbPath)}` });
          out.push(await ingestIncomingAsync(p.dbPath));
        }
        return out;
      });
      // The merged runs reach badges and views through a full refresh, as after any write.
      if (pending.length > 0) await ctx.refreshAll();
      const { text, failed } = ingestResultText(summaries);
      ctx.log.info(text);
      if (failed) void vscode.window.showWarningMessage(text);
      else void vscode.window.showInformationMessage(text);
      return { summaries, text };
    },
    async runWithClew(uri) {
      const target = targetUri(uri);
      if (!target || target.scheme !== 'file') {
        void vscode.window.showInformationMessage('Clew: open a script to run it with Clew.');
        return undefined;
      }
      const interpreter = target.fsPath.endsWith('.py') ? 'python3' : target.fsPath.endsWith('.js') || target.fsPath.endsWith('.mjs') ? 'node' : 'sh';
      const cli = path.join(ctx.extensionPath, 'dist', 'cli.js');
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const terminal = vscode.window.createTerminal({ name: 'Clew: Run', cwd: path.dirname(target.fsPath) });
      terminal.show();
      terminal.sendText(`node ${q(cli)} record -- ${interpreter} ${q(target.fsPath)}`);
      return terminal.name;
    },
  };
}
