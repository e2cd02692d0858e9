/**
 * Stamps in the editor: the *Stamps* view (each stamp with its live offline check, from the
 * model), *Create Stamp* (backend pick; the TSA URL is remembered in settings) and *Check Stamp*
 * (the full check, re-hashing the stamped runs' files now). The engine does the work.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { checkStamp, stamp } from '../engine/stamps/stamps';
import { STAMP_BACKENDS, type StampBackend, type StampCheck, type StampRecord } from '../engine/stamps/types';
import { openStore } from '../engine/store/open';
import type { ClewModel } from './model';
import type { ReportDocuments } from './report';

/** The stamp's standing in one word, with the codicon the view shows for it. */
const STANDING: Record<StampCheck['verdict'], { word: string; icon: string; colour: string }> = {
  holds: { word: 'holds', icon: 'verified', colour: 'testing.iconPassed' },
  changed: { word: 'records changed', icon: 'error', colour: 'testing.iconFailed' },
  'runs-missing': { word: 'runs deleted', icon: 'warning', colour: 'list.warningForeground' },
  'token-invalid': { word: 'token invalid', icon: 'error', colour: 'testing.iconFailed' },
  'token-unverifiable': { word: 'token unverifiable', icon: 'question', colour: 'descriptionForeground' },
  'files-changed': { word: 'files changed', icon: 'error', colour: 'testing.iconFailed' },
  'files-missing': { word: 'files missing', icon: 'warning', colour: 'list.warningForeground' },
};

export class StampsTree implements vscode.TreeDataProvider<StampCheck>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly models: () => readonly ClewModel[]) {}

  refresh(): void {
    this.emitter.fire();
  }

  getChildren(element?: StampCheck): StampCheck[] {
    return element ? [] : this.models().flatMap((m) => m.stamps);
  }

  getTreeItem(check: StampCheck): vscode.TreeItem {
    const s = check.stamp;
    const standing = STANDING[check.verdict];
    const item = new vscode.TreeItem(s.stamp_id);
    item.description = `${standing.word} · ${s.backend} · ${s.timestamp.replace('T', ' ').replace(/\.\d+/, '')} · ${s.run_count ?? '?'} runs`;
    item.tooltip = [`${s.stamp_id} (${s.backend})`, `root ${s.root_hash}`, ...check.details].join('\n');
    item.iconPath = new vscode.ThemeIcon(standing.icon, new vscode.ThemeColor(standing.colour));
    item.contextValue = 'clew.stamp';
    item.id = `stamp:${s.stamp_id}`;
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** The trust anchor for RFC 3161 tokens (setting `clew.stamps.tsaCertificate`, a PEM file), if set. */
export function tsaCertificate(): string | undefined {
  const file = vscode.workspace.getConfiguration('clew').get<string>('stamps.tsaCertificate');
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new Error(`clew.stamps.tsaCertificate: no file at ${file}`);
  return fs.readFileSync(file, 'utf8');
}

export interface CreateStampRequest {
  backend?: StampBackend;
  serviceUrl?: string;
}

/** *Create Stamp*: asks for the backend (and TSA URL) unless given, writes the stamp, refreshes. */
export async function createStamp(model: ClewModel, request: CreateStampRequest = {}): Promise<StampRecord | undefined> {
  const config = vscode.workspace.getConfiguration('clew');
  const backend = request.backend ?? (await vscode.window.showQuickPick(
    STAMP_BACKENDS.map((b) => ({ label: b, description: b === 'file' ? 'a proof file beside the store (offline)' : b === 'rfc3161' ? 'a signed timestamp from a Time-Stamping Authority (network)' : 'a Zenodo deposit (network, ZENODO_TOKEN)' })),
    { placeHolder: 'Where should the stamp be anchored?' },
  ))?.label as StampBackend | undefined;
  if (!backend || !model.dbPath) return undefined;
  let serviceUrl = request.serviceUrl;
  if (backend === 'rfc3161' && !serviceUrl) {
    serviceUrl = await vscode.window.showInputBox({ prompt: 'Time-Stamping Authority URL (RFC 3161)', value: config.get<string>('stamps.tsaUrl') || '', ignoreFocusOut: true });
    if (!serviceUrl) return undefined;
  }
  // Remembered for next time: the user chose to contact this service.
  if (backend === 'rfc3161' && serviceUrl && serviceUrl !== config.get<string>('stamps.tsaUrl')) await config.update('stamps.tsaUrl', serviceUrl, vscode.ConfigurationTarget.Global);
  const store = await openStore(model.dbPath);
  try {
    const cert = tsaCertificate();
    const record = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Clew: stamping (${backend})` }, async () =>
      stamp({ store, view: await store.snapshot(), cwd: model.folder }, { backend, ...(serviceUrl ? { serviceUrl } : {}), ...(cert ? { tsaCertPem: cert } : {}) }),
    );
    void vscode.window.showInformationMessage(`Clew: ${record.stamp_id} fixes ${record.run_count ?? 0} runs (root ${record.root_hash.slice(0, 12)}…, ${backend}).`);
    return record;
  } finally {
    await store.close();
    await model.refresh();
  }
}

/** *Check Stamp*: the full check (root hash, runs, token, and every stamped file re-hashed now). */
export async function checkStampCommand(model: ClewModel, reports: ReportDocuments, stampId?: string): Promise<StampCheck | undefined> {
  const id = stampId ?? (model.stamps.length > 1
    ? (await vscode.window.showQuickPick(model.stamps.map((c) => ({ label: c.stamp.stamp_id, description: `${STANDING[c.verdict].word} · ${c.stamp.timestamp}` })), { placeHolder: 'Check which stamp?' }))?.label
    : model.stamps[0]?.stamp.stamp_id);
  if (!id) {
    void vscode.window.showInformationMessage('Clew: no stamps in this store yet. Create one with Clew: Create Stamp.');
    return undefined;
  }
  const engine = await model.engine();
  if (!engine) return undefined;
  const cert = tsaCertificate();
  const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Clew: checking ${id}` }, () =>
    checkStamp({ view: engine.view, hasher: engine.hasher }, id, { files: true, ...(cert ? { tsaCertPem: cert } : {}) }),
  );
  if ('status' in check) {
    void vscode.window.showWarningMessage(`Clew: ${check.message}`);
    return undefined;
  }
  const lines = [`Stamp ${check.stamp.stamp_id} (${check.stamp.backend}, ${check.stamp.timestamp})`, `Verdict: ${STANDING[check.verdict].word}`, '', ...check.details];
  for (const f of check.files ?? []) lines.push(`  ${f.status.padEnd(10)} ${f.role.padEnd(6)} ${f.path}`);
  await reports.show(`Stamp ${check.stamp.stamp_id}.txt`, lines.join('\n'));
  const say = check.verdict === 'holds' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void say(`Clew: ${check.stamp.stamp_id} ${STANDING[check.verdict].word}.`);
  return check;
}
