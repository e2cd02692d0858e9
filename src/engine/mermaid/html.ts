/**
 * The DAG page's HTML, written once: `dagShell` is the document both the editor's panel
 * (src/extension/dagPanel.ts, scripts and styles from the extension) and the standalone page fill
 * in. The standalone page is for sharing outside the editor: the same webview bundle (mermaid
 * inlined, no network), a strict CSP with a nonce, and the payload embedded as JSON with `<`
 * escaped so no file name can close the script element.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { assetPath } from '../util/assets';
import type { DagPayload } from './types';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface DagShellParts {
  /** The Content-Security-Policy, one directive list. */
  csp: string;
  /** Plain text (escaped here). */
  title: string;
  /** Trusted markup for <head>: the stylesheet. */
  head: string;
  /** Trusted markup after the diagram container: the scripts. */
  scripts: string;
}

/** The one document the webview script expects: a title heading, then the #dag container. */
export function dagShell(parts: DagShellParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${parts.head}
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
<h1 id="title"></h1>
<div id="dag" role="img" aria-label="Provenance DAG"></div>
${parts.scripts}
</body>
</html>`;
}

const PAGE_STYLE = '<style>body{font-family:system-ui,sans-serif;margin:1rem}#toolbar{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin-bottom:.5rem}#status{margin-left:.5rem;color:#57606a}#legend{display:flex;flex-wrap:wrap;gap:.8rem;font-size:.85em;color:#57606a;margin-bottom:.5rem}#legend .swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border:1px solid #8c959f}#dag{overflow:hidden;cursor:grab}#canvas{transform-origin:0 0}#dag svg{max-width:100%;height:auto}</style>';

export function dagHtmlPage(payload: DagPayload): string {
  const nonce = randomBytes(16).toString('base64');
  const bundle = fs.readFileSync(assetPath('webview.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  const data = JSON.stringify(payload).replace(/</g, '\\u003c');
  return dagShell({
    csp: `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'`,
    title: payload.title,
    head: PAGE_STYLE,
    scripts: `<script type="application/json" id="clew-payload">${data}</script>
<script nonce="${nonce}">
window.acquireVsCodeApi = function () {
  var payload = JSON.parse(document.getElementById('clew-payload').textContent);
  var download = function (m) {
    if (!m || m.type !== 'export') return;
    var a = document.createElement('a');
    a.download = 'provenance.' + m.format;
    a.href = m.format === 'svg' ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(m.data) : 'data:image/png;base64,' + m.data;
    a.click();
  };
  return { postMessage: download, setState: function () {}, getState: function () { return { payload: payload, view: { scale: 1, x: 0, y: 0 } }; } };
};
</script>
<script nonce="${nonce}">${bundle}</script>`,
  });
}
