/**
 * Host side of the DAG panel. Strict Content-Security-Policy: scripts only from our own bundle
 * with a per-load nonce; styles from our bundle plus inline styles (mermaid puts a <style> inside
 * its SVG); no network. Messages follow src/webview/messages.ts; the host sends `render` only
 * after the webview said `ready`. A click may open only files that are nodes of the shown graph,
 * and show only runs of it. The panel redraws (keeping zoom and focus) when the model changes.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { dagShell } from '../engine/mermaid/html';
import { type DagPayload, type DagSource, type HostToWebview, isWebviewToHost, type WebviewToHost } from '../webview/messages';

export const DAG_VIEW_TYPE = 'clew.dag';

export interface DagPanelHandle {
  panel: vscode.WebviewPanel;
  /** Resolves with the webview's report (`rendered` / `renderFailed`) of the latest render. */
  nextReport(): Promise<WebviewToHost>;
  show(payload: DagPayload): void;
  /** The payload shown last (also after a window reload restored the panel). */
  shown(): DagPayload | undefined;
}

/** What the panel asks of the rest of the extension. */
export interface DagPanelActions {
  /** Shows a run's report in `column` (beside the panel). */
  showRun(sessionId: string, column: vscode.ViewColumn): void;
  /** Re-executes one run of the panel, or the DAG it shows (`source`). */
  rerun(source: DagSource | undefined, sessionId?: string): void;
  log(message: string): void;
  /** Recomputes a diagram from its `source` (what was asked for); undefined if it cannot. */
  build(source: DagSource): Promise<DagPayload | undefined>;
  /** What a restored panel without saved state shows: the first folder's whole DAG. */
  defaultSource(): DagPayload['source'];
}

let current: DagPanelHandle | undefined;
let actions: DagPanelActions = { showRun: () => undefined, rerun: () => undefined, log: () => undefined, build: async () => undefined, defaultSource: () => undefined };

export function currentDagPanel(): DagPanelHandle | undefined {
  return current;
}

export function setDagPanelActions(next: DagPanelActions): void {
  actions = next;
}

let rebuildTimer: NodeJS.Timeout | undefined;
let rebuilding: Promise<void> = Promise.resolve();

/** Serialised: redraws `handle` from fresh verification results for `source`, if still current. */
function redraw(handle: DagPanelHandle, source: DagSource, what: string): Promise<void> {
  rebuilding = rebuilding.then(async () => {
    try {
      const payload = await actions.build(source);
      // Only if the panel still shows this source: a Show DAG of another file may have replaced it
      // while this redraw was being built, and must not be overwritten by the older graph.
      if (payload && current === handle && JSON.stringify(handle.shown()?.source) === JSON.stringify(source)) handle.show(payload);
    } catch (err) {
      actions.log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return rebuilding;
}

/** Debounced: redraw the open panel from fresh verification results. */
export function scheduleDagPanelRebuild(delayMs = 500): void {
  if (!current?.shown()?.source) return;
  clearTimeout(rebuildTimer);
  rebuildTimer = setTimeout(() => {
    const handle = current;
    const source = handle?.shown()?.source;
    if (handle && source) void redraw(handle, source, 'DAG panel refresh');
  }, delayMs);
}

async function saveExport(format: 'svg' | 'png', data: string): Promise<void> {
  const target = await vscode.window.showSaveDialog({ filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] }, saveLabel: `Export ${format.toUpperCase()}` });
  if (!target) return;
  try {
    await fs.promises.writeFile(target.fsPath, format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64'));
    void vscode.window.showInformationMessage(`Clew: DAG exported to ${target.fsPath}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Clew: could not write ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function dagHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dag.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return dagShell({
    csp,
    title: 'Clew DAG',
    head: `<link rel="stylesheet" href="${style.toString()}">`,
    scripts: `<script nonce="${nonce}" src="${script.toString()}"></script>`,
  });
}

/** What only the editor's panel can do, decided when the payload is posted (trust can change). */
function withHostActions(payload: DagPayload): DagPayload {
  return { ...payload, canRerun: vscode.workspace.isTrusted };
}

function attach(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, initial: DagPayload | undefined): DagPanelHandle {
  const nonce = randomBytes(16).toString('base64');
  panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
  let payload = initial;
  let ready = false;
  let waiters: ((m: WebviewToHost) => void)[] = [];
  // Sequence of the latest `render` posted; only its report answers nextReport().
  let seq = 0;
  const post = (next: DagPayload) => void panel.webview.postMessage({ type: 'render', payload: withHostActions(next), seq: ++seq } satisfies HostToWebview);
  const handle: DagPanelHandle = {
    panel,
    nextReport: () => new Promise((resolve) => waiters.push(resolve)),
    shown: () => payload,
    show(next) {
      payload = next;
      panel.title = `Clew: ${next.title}`;
      if (ready) post(next);
    },
  };
  panel.webview.onDidReceiveMessage((raw: unknown) => {
    if (!isWebviewToHost(raw)) return;
    if (raw.type === 'ready') {
      ready = true;
      if (payload) post(payload);
      return;
    }
    // Files and reports open in the group beside the panel, so the graph stays in view.
    const beside = panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    if (raw.type === 'openFile') {
      const allowed = payload?.nodes.some((n) => (n.kind === 'file' || n.kind === 'claim') && n.path === raw.path);
      const uri = vscode.Uri.file(raw.path);
      const at = raw.line && raw.line > 0 ? new vscode.Range(raw.line - 1, 0, raw.line - 1, 0) : undefined;
      if (allowed && raw.reveal) void vscode.commands.executeCommand('revealInExplorer', uri);
      else if (allowed) void vscode.commands.executeCommand('vscode.open', uri, { viewColumn: beside, preview: true, ...(at ? { selection: at } : {}) });
    } else if (raw.type === 'showRun') {
      if (payload?.nodes.some((n) => n.kind === 'run' && n.sessionId === raw.sessionId)) actions.showRun(raw.sessionId, beside);
    } else if (raw.type === 'rerun') {
      // Only runs drawn in this panel; the command itself checks Workspace Trust again.
      if (raw.sessionId === undefined || payload?.nodes.some((n) => n.kind === 'run' && n.sessionId === raw.sessionId)) actions.rerun(payload?.source, raw.sessionId);
    } else if (raw.type === 'export') {
      void saveExport(raw.format, raw.data);
    }
    // A report of an earlier render (or of the saved state) does not answer for the latest one.
    if ((raw.type !== 'rendered' && raw.type !== 'renderFailed') || raw.seq !== seq) return;
    const pending = waiters;
    waiters = [];
    for (const w of pending) w(raw);
  });
  panel.webview.html = dagHtml(panel.webview, extensionUri, nonce);
  if (initial) panel.title = `Clew: ${initial.title}`;
  panel.onDidDispose(() => {
    if (current === handle) current = undefined;
  });
  return handle;
}

/** Opens (or reuses) the DAG panel and renders `payload` in it. */
export function showDagPanel(extensionUri: vscode.Uri, payload: DagPayload): DagPanelHandle {
  if (current) {
    current.panel.reveal(vscode.ViewColumn.Beside);
    current.show(payload);
    return current;
  }
  const panel = vscode.window.createWebviewPanel(DAG_VIEW_TYPE, `Clew: ${payload.title}`, vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: false });
  current = attach(panel, extensionUri, payload);
  return current;
}

/**
 * Restores a DAG panel after a reload. With its saved state the webview re-renders by itself and
 * the host redraws the same source from fresh data; when the state did not survive (a browser
 * reload can drop it), the panel draws the first folder's whole DAG rather than stay blank.
 */
export function registerDagPanelSerializer(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const handle = attach(panel, extensionUri, isPayload(state) ? state.payload : undefined);
      current = handle;
      const source = handle.shown()?.source ?? actions.defaultSource();
      if (source) await redraw(handle, source, 'restoring the DAG panel');
    },
  });
}

function isPayload(state: unknown): state is { payload: DagPayload } {
  // The webview's saved state: { payload, view } (see src/webview/main.ts).
  const s = (state as { payload?: DagPayload } | undefined)?.payload;
  return typeof s?.mermaid === 'string' && Array.isArray(s.nodes) && Array.isArray(s.edges) && typeof s.title === 'string';
}
