/**
 * *Rerun DAG*, *Rerun Run* and *Show Difference*: the editor's face of the engine's rerun.
 * One cancellable progress notification per rerun (current run and count), the runs' own output
 * streamed to the "Clew Rerun" output channel, a text report, and the last results kept in memory
 * so *Show Difference* can open the rerun's version of a changed output beside the user's file.
 * Verdicts are the engine's; the rows it appends to the store reach badges, views and the DAG
 * panel through the model's normal refresh.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dagRunsAsVerifications, rerun, rerunClaims, rerunDag, type RerunContext } from '../engine/rerun/rerun';
import { rerunSettings } from '../engine/rerun/settings';
import { rerunDagLines, rerunLines } from '../engine/rerun/text';
import type { RerunDagResult, RerunEvent, RerunFileResult, RerunOptions, RerunVerification } from '../engine/rerun/types';
import { projectRootOf } from '../engine/store/locate';
import { openStore } from '../engine/store/open';
import type { ClewModel } from './model';
import type { ReportDocuments } from './report';

/** What a rerun was asked for: the whole store, the DAG behind files or a manuscript's claims, or runs. */
export type RerunRequest =
  | { kind: 'dag'; targets: string[] }
  | { kind: 'claims'; manuscript: string }
  | { kind: 'runs'; sessionIds: string[] };

/** A changed output of the last rerun, with the run it belongs to. */
export interface RerunDifference extends RerunFileResult {
  session_id: string;
}

export interface RerunHost {
  log: vscode.LogOutputChannel;
  reports: ReportDocuments;
}

/** The last rerun's results per workspace folder (what *Show Difference* offers). */
export class RerunResults implements vscode.Disposable {
  private readonly byFolder = new Map<string, RerunVerification[]>();
  private readonly output = vscode.window.createOutputChannel('Clew Rerun');

  constructor(private readonly host: RerunHost) {}

  differences(): RerunDifference[] {
    return [...this.byFolder.values()].flat().flatMap((r) => r.files.filter((f) => f.status !== 'verified' && f.rerun_output).map((f) => ({ ...f, session_id: r.session_id })));
  }

  /** Runs `request` on `model`'s store in a sandbox, with progress, Cancel and a report. */
  async run(model: ClewModel, request: RerunRequest): Promise<RerunDagResult | RerunVerification[] | undefined> {
    const dbPath = model.dbPath;
    const engine = await model.engine();
    if (!engine || !dbPath) {
      void vscode.window.showWarningMessage('Clew: no store in this workspace yet. Record a run first, then rerun it.');
      return undefined;
    }
    const projectRoot = projectRootOf(dbPath, model.folder);
    const settings = rerunSettings(projectRoot, model.folder);
    const title = request.kind === 'runs' ? 'Clew: Rerun Run' : 'Clew: Rerun DAG';
    this.output.appendLine(`── ${title} · ${new Date().toLocaleString()} · ${projectRoot}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
      const warned = new Set<string>();
      const onEvent = (event: RerunEvent): void => {
        if (event.type === 'start') {
          const name = event.script_path ? path.basename(event.script_path) : event.session_id;
          progress.report({ message: `${event.index + 1}/${event.total} ${name}`, increment: 100 / Math.max(1, event.total) });
          this.output.appendLine(`▶ ${name} (${event.session_id})`);
        } else if (event.type === 'output') {
          this.output.append(event.chunk);
        } else if (event.type === 'warning' && !warned.has(event.message)) {
          warned.add(event.message);
          this.host.log.warn(`rerun: ${event.message}`);
          this.output.appendLine(`! ${event.message}`);
        } else if (event.type === 'job') {
          progress.report({ message: `SLURM job ${event.job_id}: ${event.state}${event.node ? ` on ${event.node}` : ''}` });
          this.output.appendLine(`  job ${event.job_id} (${event.session_id}): ${event.state}${event.node ? ` on ${event.node}` : ''}`);
        } else if (event.type === 'done') {
          this.output.appendLine(`■ ${event.result.session_id}: ${event.result.status}${event.result.rerun.reason ? ` — ${event.result.rerun.reason}` : ''}`);
        }
      };
      const config = vscode.workspace.getConfiguration('clew.rerun', vscode.Uri.file(model.folder));
      const executor = config.get<string>('executor') || settings.executor || 'local';
      const network = config.get<boolean>('network') === true || settings.network === true;
      // The jobs run the bundled CLI (beside this file in dist/) with the editor's own runtime.
      const slurm = executor === 'slurm' ? { cliPath: path.join(__dirname, 'cli.js'), sbatchArgs: [...(settings.sbatchArgs ?? []), ...(config.get<string[]>('sbatchArgs') ?? [])] } : undefined;
      const options: RerunOptions = { python: settings.python, judge: settings.judge, network, ...(slurm ? { slurm } : {}), signal: controller.signal, onEvent };
      const store = await openStore(dbPath);
      try {
        const ctx: RerunContext = { store, view: await store.snapshot(), hasher: engine.hasher, cwd: model.folder, projectRoot };
        if (request.kind === 'runs') return await rerun(ctx, request.sessionIds, options);
        if (request.kind === 'claims') return await rerunClaims(ctx, { filePath: request.manuscript }, options);
        return await rerunDag(ctx, { targets: request.targets }, options);
      } finally {
        await store.close();
      }
    });
    const runs = Array.isArray(result) ? result : dagRunsAsVerifications(result);
    this.byFolder.set(model.folder, runs);
    await model.refresh();
    await this.present(title, result, runs);
    return result;
  }

  private async present(title: string, result: RerunDagResult | RerunVerification[], runs: readonly RerunVerification[]): Promise<void> {
    const lines = Array.isArray(result) ? result.flatMap((r) => rerunLines(r, { verbose: true })) : rerunDagLines(result, runs, { verbose: true });
    const report = `${title}\n\n${lines.join('\n')}\n`;
    this.host.log.info(`${title}: ${runs.map((r) => `${r.session_id}=${r.status}`).join(', ') || 'nothing to rerun'}`);
    const verified = runs.filter((r) => r.is_verified_from_scratch).length;
    const differing = this.differences().length;
    const failed = runs.filter((r) => !r.is_verified);
    if (runs.length === 0) {
      const reason = Array.isArray(result) ? undefined : result.reason;
      void vscode.window.showInformationMessage(`${title}: nothing to rerun${reason ? ` — ${reason}` : ''}.`);
      return;
    }
    if (failed.length === 0) {
      void vscode.window.showInformationMessage(`${title}: ${verified} of ${runs.length} runs reproduced their recorded outputs.`, 'Open Report').then((pick) => {
        if (pick) void this.host.reports.show('Rerun.txt', report);
      });
      return;
    }
    const actions = differing > 0 ? ['Show Difference', 'Open Report'] : ['Open Report'];
    void vscode.window.showWarningMessage(`${title}: ${failed.length} of ${runs.length} runs did not reproduce (${failed.map((r) => `${r.script_path ? path.basename(r.script_path) : r.session_id}: ${r.status}`).slice(0, 3).join(', ')}).`, ...actions).then((pick) => {
      if (pick === 'Show Difference') void vscode.commands.executeCommand('clew.showRerunDifference');
      else if (pick) void this.host.reports.show('Rerun.txt', report);
    });
  }

  /**
   * Opens the difference for one changed output: VS Code's diff editor (your file ↔ the rerun's
   * version) for text-like files, the explanation as a report for images and binaries.
   */
  async showDifference(filePath?: string): Promise<{ kind: 'diff' | 'explanation'; file: RerunDifference } | undefined> {
    const all = this.differences();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('Clew: the last rerun found no changed outputs to compare.');
      return undefined;
    }
    let file = filePath ? all.find((f) => f.path === filePath) : all.length === 1 ? all[0] : undefined;
    if (!file && !filePath) {
      const pick = await vscode.window.showQuickPick(all.map((f) => ({ label: path.basename(f.path), description: f.explanation?.summary ?? f.status, detail: f.path, file: f })), { placeHolder: 'Which changed output?' });
      file = pick?.file;
    }
    if (!file) {
      if (filePath) void vscode.window.showInformationMessage(`Clew: the last rerun has no changed version of ${path.basename(filePath)}.`);
      return undefined;
    }
    const kind = file.explanation?.kind;
    if (file.rerun_output && kind !== 'png' && kind !== 'binary' && kind !== 'missing') {
      await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(file.path), vscode.Uri.file(file.rerun_output), `${path.basename(file.path)}: yours ↔ rerun`);
      return { kind: 'diff', file };
    }
    const text = [`Difference in ${file.path}`, `run ${file.session_id}: ${file.status}`, '', file.explanation?.summary ?? 'content differs', ...(file.rerun_output ? ['', `The rerun's version is kept at ${file.rerun_output}`] : [])].join('\n');
    await this.host.reports.show(`Difference ${path.basename(file.path)}.txt`, text);
    return { kind: 'explanation', file };
  }

  dispose(): void {
    this.output.dispose();
  }
}
