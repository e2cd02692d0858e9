/**
 * Every command of the extension, in ONE table: activation registers exactly these, and a test
 * checks the table against package.json `contributes.commands` (ids, titles, category).
 */
import type * as vscode from 'vscode';

export interface CommandSpec {
  id: string;
  title: string;
  /** Needs a trusted workspace (it runs code). */
  requiresTrust?: boolean;
  run(...args: unknown[]): unknown;
}

export const COMMAND_CATEGORY = 'Clew';

export interface CommandHandlers {
  showStatus(): unknown;
  traceChain(uri?: vscode.Uri): unknown;
  /** `column`: where to show the report (the DAG panel passes the group beside itself). */
  verifyRun(sessionId?: string, column?: vscode.ViewColumn): unknown;
  verifyDag(uri?: vscode.Uri): unknown;
  showDag(uri?: vscode.Uri): unknown;
  /** The whole store, or the DAG behind a file (explorer, Changes view), a claim or a manuscript. */
  rerunDag(target?: unknown): unknown;
  /** One run: a session id (DAG panel run node) or a Runs view item. */
  rerunRun(target?: unknown): unknown;
  /** The diff editor (or the explanation) for a changed output of the last rerun. */
  showRerunDifference(filePath?: string): unknown;
  /** `request`: {backend, serviceUrl} to skip the questions (tests, other extensions). */
  createStamp(request?: unknown): unknown;
  /** A stamp id or a Stamps view item; none → the only or a picked stamp. */
  checkStamp(target?: unknown): unknown;
  refresh(): unknown;
  openStoreLocation(): unknown;
  initExamples(): unknown;
  runWithClew(uri?: vscode.Uri): unknown;
  verifyClaim(claimId?: string): unknown;
  registerClaim(): unknown;
  /** A file (explorer) to export the DAG behind; `request` {kind, out} skips the questions. */
  exportPackage(target?: unknown, request?: unknown): unknown;
  openReport(): unknown;
  /** The History view on a file (explorer, editor tab); none → the active editor's file. */
  showHistory(uri?: vscode.Uri): unknown;
  /** Merges every handed-over store waiting in incoming/ into its store (`clew ingest`). */
  ingest(): unknown;
}

export function commandTable(h: CommandHandlers): CommandSpec[] {
  return [
    { id: 'clew.showStatus', title: 'Show Status', run: () => h.showStatus() },
    { id: 'clew.traceChain', title: 'Trace Chain', run: (uri) => h.traceChain(uri as vscode.Uri | undefined) },
    { id: 'clew.verifyRun', title: 'Verify Run', run: (id, column) => h.verifyRun(typeof id === 'string' ? id : undefined, typeof column === 'number' ? column : undefined) },
    { id: 'clew.verifyDag', title: 'Verify DAG', run: (uri) => h.verifyDag(uri as vscode.Uri | undefined) },
    { id: 'clew.showDag', title: 'Show DAG', run: (uri) => h.showDag(uri as vscode.Uri | undefined) },
    { id: 'clew.rerunDag', title: 'Rerun DAG', requiresTrust: true, run: (target) => h.rerunDag(target) },
    { id: 'clew.rerunRun', title: 'Rerun Run', requiresTrust: true, run: (target) => h.rerunRun(target) },
    { id: 'clew.createStamp', title: 'Create Stamp', run: (request) => h.createStamp(request) },
    { id: 'clew.checkStamp', title: 'Check Stamp', run: (target) => h.checkStamp(target) },
    { id: 'clew.showRerunDifference', title: 'Show Difference', run: (file) => h.showRerunDifference(typeof file === 'string' ? file : undefined) },
    { id: 'clew.refresh', title: 'Refresh', run: () => h.refresh() },
    { id: 'clew.openStoreLocation', title: 'Open Store Location', run: () => h.openStoreLocation() },
    { id: 'clew.initExamples', title: 'Scaffold Example Pipeline', run: () => h.initExamples() },
    { id: 'clew.runWithClew', title: 'Run with Clew', requiresTrust: true, run: (uri) => h.runWithClew(uri as vscode.Uri | undefined) },
    { id: 'clew.verifyClaim', title: 'Verify Claim', run: (id) => h.verifyClaim(typeof id === 'string' ? id : undefined) },
    { id: 'clew.registerClaim', title: 'Register Claim', run: () => h.registerClaim() },
    { id: 'clew.exportPackage', title: 'Export Reproducibility Package…', run: (target, request) => h.exportPackage(target, request) },
    { id: 'clew.openReport', title: 'Open Report', run: () => h.openReport() },
    { id: 'clew.showHistory', title: 'Show History', run: (uri) => h.showHistory(uri as vscode.Uri | undefined) },
    // Trusted only: it merges files other machines put in the folder into the store.
    { id: 'clew.ingest', title: 'Ingest Handed-over Stores', requiresTrust: true, run: () => h.ingest() },
  ];
}
