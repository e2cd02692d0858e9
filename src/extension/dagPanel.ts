/**
 * Host side of the DAG panel. Strict Content-Security-Policy: scripts only from our own bundle
 * with a per-load nonce; styles from our bundle plus inline styles (mermaid puts a <style> inside
 * its SVG); no network. Messages follow src/webview/messages.ts; the host sends `render` only
 * after the webview said `ready`. A click may open only files that are nodes of the shown graph.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { type DagPayload, type HostToWebview, isWebviewToHost, type WebviewToHost } from '../webview/messages';

export const DAG_VIEW_TYPE = 'clew.dag';

export interface DagPanelHandle {
  panel: vscode.WebviewPanel;
  /** Resolves with the webview's first report after the latest render. */
  nextReport(): Promise<WebviewToHost>;
  show(payload: DagPayload): void;
}

let current: DagPanelHandle | undefined;

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
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Clew DAG</title>
</head>
<body>
<h1 id="title"></h1>
<div id="dag" role="img" aria-label="Provenance DAG"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function attach(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, initial: DagPayload | undefined): DagPanelHandle {
  const nonce = randomBytes(16).toString('base64');
  panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
  let payload = initial;
  let ready = false;
  let waiters: ((m: WebviewToHost) => void)[] = [];
  const post = (m: HostToWebview) => void panel.webview.postMessage(m);
  const handle: DagPanelHandle = {
    panel,
    nextReport: () => new Promise((resolve) => waiters.push(resolve)),
    show(next) {
      payload = next;
      panel.title = `Clew: ${next.title}`;
      if (ready) post({ type: 'render', payload: next });
    },
  };
  panel.webview.onDidReceiveMessage((raw: unknown) => {
    if (!isWebviewToHost(raw)) return;
    if (raw.type === 'ready') {
      ready = true;
      if (payload) post({ type: 'render', payload });
      return;
    }
    if (raw.type === 'openFile') {
      const allowed = payload?.nodes.some((n) => n.kind === 'file' && n.path === raw.path);
      if (allowed) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(raw.path));
    }
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

/** Restores a DAG panel after a reload; the webview re-renders its saved state by itself. */
export function registerDagPanelSerializer(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      current = attach(panel, extensionUri, isPayload(state) ? state : undefined);
    },
  });
}

function isPayload(state: unknown): state is DagPayload {
  const s = state as DagPayload | undefined;
  return typeof s?.mermaid === 'string' && Array.isArray(s.nodes) && typeof s.title === 'string';
}
