/**
 * The DAG panel's front end: renders mermaid text (bundled locally, securityLevel strict) into
 * the panel, makes file nodes clickable, and reports what it drew. Never inserts host-provided
 * text as HTML: labels reach the DOM only through mermaid's own sanitised SVG.
 */
import mermaid from 'mermaid';
import type { DagPayload, HostToWebview, WebviewToHost } from './messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  setState(state: DagPayload): void;
  getState(): DagPayload | undefined;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const container = document.getElementById('dag') as HTMLElement;
const titleEl = document.getElementById('title') as HTMLElement;

function theme(): 'dark' | 'default' {
  const cls = document.body.classList;
  return cls.contains('vscode-dark') || cls.contains('vscode-high-contrast') ? 'dark' : 'default';
}

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme(), maxTextSize: 5_000_000, maxEdges: 20_000, flowchart: { htmlLabels: false } });

let renderCount = 0;
async function render(payload: DagPayload): Promise<void> {
  vscode.setState(payload);
  titleEl.textContent = payload.title;
  try {
    const { svg } = await mermaid.render(`clew-dag-${++renderCount}`, payload.mermaid);
    container.innerHTML = svg; // mermaid's output, sanitised by its strict security level
    const byId = new Map(payload.nodes.map((n) => [n.id, n]));
    const nodes = Array.from(container.querySelectorAll<SVGGElement>('g.node'));
    for (const g of nodes) {
      const id = /flowchart-(.+)-\d+$/.exec(g.id)?.[1]; // mermaid 11 prefixes ids with the render id
      const ref = id ? byId.get(id) : undefined;
      if (ref?.kind === 'file' && ref.path) {
        g.style.cursor = 'pointer';
        g.addEventListener('click', () => vscode.postMessage({ type: 'openFile', path: ref.path as string }));
      }
    }
    const fills = nodes.map((g) => getComputedStyle(g.querySelector('rect, polygon, path') ?? g).fill);
    vscode.postMessage({ type: 'rendered', nodeCount: nodes.length, fills });
  } catch (err) {
    container.textContent = `Could not draw this DAG: ${err instanceof Error ? err.message : String(err)}`;
    vscode.postMessage({ type: 'renderFailed', message: err instanceof Error ? err.message : String(err) });
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (event.data?.type === 'render') void render(event.data.payload);
});
const restored = vscode.getState();
if (restored) void render(restored);
vscode.postMessage({ type: 'ready' });
