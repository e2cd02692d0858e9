/**
 * *Clew: Export Reproducibility Package…* and *Clew: Open Report*: the exports `clew export` and
 * `clew report` write (engine/export/exportPackage.ts), with the editor choosing where. Invoked on
 * a file (explorer), only the DAG behind it is exported; from the palette, every run.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../engine/errors';
import { exportRoCrate, provText, writeReport, type ExportSource } from '../engine/export/exportPackage';
import type { ClewModel } from './model';

export const EXPORT_KINDS = ['crate-with-data', 'crate', 'prov', 'report'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** What a caller (a test, another extension) may pass to skip the questions. */
export interface ExportRequest {
  kind: ExportKind;
  /** Absolute destination file (a `.zip` for crates). */
  out: string;
}

const CHOICES: readonly { kind: ExportKind; label: string; detail: string; file: string; filters: Record<string, string[]> }[] = [
  { kind: 'crate-with-data', label: 'RO-Crate with data', detail: 'A zip with every recorded file, its provenance, claims and stamps (Zenodo, WorkflowHub).', file: 'ro-crate.zip', filters: { 'RO-Crate zip': ['zip'] } },
  { kind: 'crate', label: 'RO-Crate, metadata only', detail: 'The provenance with each file named by path and hash, to be checked in place.', file: 'ro-crate-metadata.zip', filters: { 'RO-Crate zip': ['zip'] } },
  { kind: 'prov', label: 'W3C PROV (PROV-JSON)', detail: 'Runs as activities, file versions as entities.', file: 'provenance.json', filters: { 'PROV-JSON': ['json'] } },
  { kind: 'report', label: 'Reproducibility report (HTML)', detail: 'One self-contained page to attach to a paper.', file: 'reproducibility-report.html', filters: { HTML: ['html'] } },
];

function isRequest(value: unknown): value is ExportRequest {
  const r = value as Partial<ExportRequest> | undefined;
  return typeof r === 'object' && r !== null && typeof r.out === 'string' && (EXPORT_KINDS as readonly string[]).includes(r.kind ?? '');
}

async function askRequest(model: ClewModel, target: string | undefined): Promise<ExportRequest | undefined> {
  const pick = await vscode.window.showQuickPick(CHOICES.map((c) => ({ label: c.label, detail: c.detail, choice: c })), { placeHolder: target ? `Export the provenance behind ${path.basename(target)} as…` : 'Export every recorded run as…' });
  if (!pick) return undefined;
  const dest = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(model.folder, pick.choice.file)), filters: pick.choice.filters });
  return dest ? { kind: pick.choice.kind, out: dest.fsPath } : undefined;
}

async function writeExport(model: ClewModel, request: ExportRequest, targets: string[]): Promise<string> {
  const engine = await model.engine();
  if (!engine) throw new Error('no store in this workspace yet');
  const source: ExportSource = { view: engine.view, cwd: model.folder, targets, pathMap: model.pathMap };
  if (request.kind === 'report') {
    const r = await writeReport(source, engine.hasher, request.out);
    return `report on ${r.runs} run(s) (${r.overall})`;
  }
  if (request.kind === 'prov') {
    const { text, runs } = provText(source, 'json');
    fs.mkdirSync(path.dirname(request.out), { recursive: true });
    fs.writeFileSync(request.out, text);
    return `PROV of ${runs} run(s)`;
  }
  const r = await exportRoCrate(source, request.out, { includeData: request.kind === 'crate-with-data' });
  const problems = r.differing.length + r.missing.length;
  return `RO-Crate of ${r.runs} run(s), ${r.files} file(s)${problems > 0 ? `; ${problems} file(s) no longer match their record (check-crate will say which)` : ''}`;
}

/** Runs the export; resolves with the file written, or undefined when dismissed or failed (shown). */
export async function exportPackage(model: ClewModel | undefined, targetFile: string | undefined, requested: unknown, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!model) return undefined;
  const target = targetFile && model.files.has(targetFile) ? targetFile : undefined;
  const request = isRequest(requested) ? requested : await askRequest(model, target);
  if (!request) return undefined;
  try {
    const what = await writeExport(model, request, target ? [target] : []);
    log.info(`export ${request.kind}: ${what} → ${request.out}`);
    if (!isRequest(requested)) {
      void vscode.window.showInformationMessage(`Clew: wrote the ${what} to ${request.out}`, 'Reveal').then((choice) => {
        if (choice === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(request.out));
      });
    }
    return request.out;
  } catch (err) {
    void vscode.window.showErrorMessage(`Clew: export failed: ${errorMessage(err)}`);
    return undefined;
  }
}

/** Writes the report to a temporary file (one per workspace folder) and opens it in the browser. */
export async function openReport(model: ClewModel | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!model) return undefined;
  const name = `clew-report-${createHash('sha256').update(model.folder).digest('hex').slice(0, 12)}.html`;
  const out = path.join(os.tmpdir(), name);
  const written = await exportPackage(model, undefined, { kind: 'report', out }, log);
  if (written) await vscode.env.openExternal(vscode.Uri.file(written));
  return written;
}
