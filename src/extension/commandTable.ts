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
  rerunDag(): unknown;
  refresh(): unknown;
  openStoreLocation(): unknown;
  initExamples(): unknown;
  runWithClew(uri?: vscode.Uri): unknown;
  verifyClaim(claimId?: string): unknown;
  registerClaim(): unknown;
}

export function commandTable(h: CommandHandlers): CommandSpec[] {
  return [
    { id: 'clew.showStatus', title: 'Show Status', run: () => h.showStatus() },
    { id: 'clew.traceChain', title: 'Trace Chain', run: (uri) => h.traceChain(uri as vscode.Uri | undefined) },
    { id: 'clew.verifyRun', title: 'Verify Run', run: (id, column) => h.verifyRun(typeof id === 'string' ? id : undefined, typeof column === 'number' ? column : undefined) },
    { id: 'clew.verifyDag', title: 'Verify DAG', run: (uri) => h.verifyDag(uri as vscode.Uri | undefined) },
    { id: 'clew.showDag', title: 'Show DAG', run: (uri) => h.showDag(uri as vscode.Uri | undefined) },
    { id: 'clew.rerunDag', title: 'Rerun DAG', requiresTrust: true, run: () => h.rerunDag() },
    { id: 'clew.refresh', title: 'Refresh', run: () => h.refresh() },
    { id: 'clew.openStoreLocation', title: 'Open Store Location', run: () => h.openStoreLocation() },
    { id: 'clew.initExamples', title: 'Scaffold Example Pipeline', run: () => h.initExamples() },
    { id: 'clew.runWithClew', title: 'Run with Clew', requiresTrust: true, run: (uri) => h.runWithClew(uri as vscode.Uri | undefined) },
    { id: 'clew.verifyClaim', title: 'Verify Claim', run: (id) => h.verifyClaim(typeof id === 'string' ? id : undefined) },
    { id: 'clew.registerClaim', title: 'Register Claim', run: () => h.registerClaim() },
  ];
}
