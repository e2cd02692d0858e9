/**
 * The DAG panel's front end: renders mermaid text (bundled locally, securityLevel strict) with
 * mermaid's layout for small graphs and with Clew's layered renderer (./layeredRender.ts) above
 * MERMAID_MAX_NODES, or as the setting / the layout button says; makes nodes clickable (file:
 * open, Alt+click: reveal in the explorer; run: show the run), focuses on a node's upstream or
 * downstream, zooms and pans, exports SVG/PNG, and reports what it drew and with which renderer.
 * Never inserts host-provided text as HTML: labels reach the DOM only through mermaid's own
 * sanitised SVG or as textContent of the layered renderer's SVG, and the toolbar is built with
 * textContent.
 * State saved with setState ({ payload, view }) survives hiding the panel and reloading the window.
 */
import mermaid from 'mermaid';
import { MERMAID_MAX_NODES, MERMAID_ON_REQUEST_MAX, parseDiagram, rendererFor } from './diagramModel';
import { renderLayered, themeColours } from './layeredRender';
import type { DagNodeRef, DagPayload, HostToWebview, WebviewToHost } from './messages';

interface ViewState {
  scale: number;
  x: number;
  y: number;
  /** Focus: only this node's upstream or downstream is drawn. */
  focus?: { id: string; direction: 'up' | 'down' };
  /** The layout button's choice; unset: the payload's (the `clew.dag.layout` setting). */
  layout?: 'mermaid' | 'layered';
}

interface SavedState {
  payload: DagPayload;
  view: ViewState;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  setState(state: SavedState): void;
  getState(): SavedState | undefined;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const container = document.getElementById('dag') as HTMLElement;
const titleEl = document.getElementById('title') as HTMLElement;
const toolbar = document.createElement('div');
toolbar.id = 'toolbar';
toolbar.setAttribute('role', 'toolbar');
const status = document.createElement('span');
status.id = 'status';
titleEl.after(toolbar);
const canvas = document.createElement('div');
canvas.id = 'canvas';
container.append(canvas);

const legend = document.createElement('div');
legend.id = 'legend';
toolbar.after(legend);

/** The legend comes with the payload (the engine's colour table), so it always matches the fills. */
function drawLegend(entries: DagPayload['legend'] | undefined): void {
  legend.replaceChildren(
    ...(entries ?? []).map(({ colour, meaning }) => {
      const item = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour;
      item.append(swatch, document.createTextNode(meaning));
      return item;
    }),
  );
}

function theme(): 'dark' | 'default' {
  const cls = document.body.classList;
  if (cls.contains('vscode-high-contrast-light') || cls.contains('vscode-light')) return 'default';
  return cls.contains('vscode-dark') || cls.contains('vscode-high-contrast') ? 'dark' : 'default';
}

function initMermaid(): void {
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme(), maxTextSize: 5_000_000, maxEdges: 20_000, flowchart: { htmlLabels: false } });
}
initMermaid();

let payload: DagPayload | undefined;
/** The host's sequence number of `payload` (0: restored from saved state). */
let payloadSeq = 0;
let view: ViewState = { scale: 1, x: 0, y: 0 };
let selected: DagNodeRef | undefined;

function save(): void {
  if (payload) vscode.setState({ payload, view });
}

/** Shows the current zoom and position; saved unless mid-drag (saved once the drag ends). */
function applyTransform(saveView = true): void {
  canvas.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  if (saveView) save();
}

/** Node ids reachable from `start` along edges (upstream: against the arrows). */
function reachable(edges: DagPayload['edges'], start: string, direction: 'up' | 'down'): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const [from, to] = direction === 'down' ? [e.source, e.target] : [e.target, e.source];
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of next.get(stack.pop() as string) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

/** The diagram text restricted to `keep`: node and edge lines of other nodes are dropped. */
function restrict(text: string, keep: ReadonlySet<string>): string {
  return text
    .split('\n')
    .filter((line) => {
      const edge = /^\s*(\w+) --> (\w+)\s*$/.exec(line);
      if (edge) return keep.has(edge[1]) && keep.has(edge[2]);
      const styled = /^\s*class (\w+) \w+\s*$/.exec(line);
      if (styled) return keep.has(styled[1]);
      const node = /^\s{4}(\w+)[[({]/.exec(line);
      return node ? keep.has(node[1]) : true;
    })
    .join('\n');
}

function button(label: string, title: string, onClick: () => void, enabled = true): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.disabled = !enabled;
  b.addEventListener('click', onClick);
  return b;
}

let drawnWith: 'mermaid' | 'layered' = 'mermaid';
let drawnNodes = 0;

function drawToolbar(): void {
  const zoom = (factor: number) => () => {
    view.scale = Math.min(8, Math.max(0.1, view.scale * factor));
    applyTransform();
  };
  const focusOn = (direction: 'up' | 'down') => () => {
    if (!selected) return;
    view.focus = { id: selected.id, direction };
    void draw();
  };
  const sel = selected ? ` “${selected.label}”` : ' (click a node first)';
  toolbar.replaceChildren(
    button('+', 'Zoom in', zoom(1.25)),
    button('−', 'Zoom out', zoom(0.8)),
    button('Fit', 'Reset zoom and position', () => {
      view = { ...view, scale: 1, x: 0, y: 0 };
      applyTransform();
    }),
    button('Upstream', `Show only what${sel} comes from`, focusOn('up'), Boolean(selected)),
    button('Downstream', `Show only what depends on${sel}`, focusOn('down'), Boolean(selected)),
    button('Show all', 'Show the whole diagram', () => {
      view.focus = undefined;
      void draw();
    }, Boolean(view.focus)),
    drawnWith === 'layered'
      ? button('Mermaid layout', drawnNodes > MERMAID_ON_REQUEST_MAX ? `Mermaid's layout is offered up to ${MERMAID_ON_REQUEST_MAX} nodes` : 'Draw with mermaid\'s own layout (slow on large graphs)', () => {
          view.layout = 'mermaid';
          void draw();
        }, drawnNodes <= MERMAID_ON_REQUEST_MAX)
      : button('Fast layout', 'Draw with Clew\'s layered layout (fast on thousands of nodes)', () => {
          view.layout = 'layered';
          void draw();
        }),
    ...(payload?.canRerun
      ? [
          button('Rerun DAG', 'Re-execute every run of this diagram in a sandbox and compare outputs', () => vscode.postMessage({ type: 'rerun' })),
          button('Rerun run', `Re-execute${sel} in a sandbox`, () => selected?.sessionId && vscode.postMessage({ type: 'rerun', sessionId: selected.sessionId }), selected?.kind === 'run'),
        ]
      : []),
    button('Export SVG', 'Save the diagram as SVG', () => exportImage('svg')),
    button('Export PNG', 'Save the diagram as PNG', () => exportImage('png')),
    status,
  );
}

function svgText(): string | undefined {
  const svg = canvas.querySelector('svg');
  return svg ? new XMLSerializer().serializeToString(svg) : undefined;
}

function exportImage(format: 'svg' | 'png'): void {
  const text = svgText();
  const svg = canvas.querySelector('svg');
  if (!text || !svg) return;
  if (format === 'svg') {
    vscode.postMessage({ type: 'export', format, data: text });
    return;
  }
  const box = svg.getBBox();
  const img = new Image();
  img.onload = () => {
    const scale = 2;
    const c = document.createElement('canvas');
    c.width = Math.ceil((box.width + 16) * scale);
    c.height = Math.ceil((box.height + 16) * scale);
    const g = c.getContext('2d');
    if (!g) return;
    g.fillStyle = getComputedStyle(document.body).backgroundColor || '#ffffff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0, c.width, c.height);
    vscode.postMessage({ type: 'export', format, data: c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '') });
  };
  img.onerror = () => {
    status.textContent = 'PNG export failed; use Export SVG.';
  };
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  img.src = `data:image/svg+xml;base64,${btoa(binary)}`;
}

let renderCount = 0;
let drawing: Promise<void> = Promise.resolve();
/**
 * Draws serialised: mermaid's render is asynchronous, and two overlapping draws could finish out
 * of order and leave the older graph on screen. Each draw reads the latest payload when it starts.
 */
function draw(): Promise<void> {
  drawing = drawing.then(drawNow, drawNow);
  return drawing;
}

async function drawNow(): Promise<void> {
  if (!payload) return;
  const seq = payloadSeq;
  save();
  titleEl.textContent = payload.title;
  drawLegend(payload.legend);
  const byId = new Map(payload.nodes.map((n) => [n.id, n]));
  if (view.focus && !byId.has(view.focus.id)) view.focus = undefined;
  if (selected && !byId.has(selected.id)) selected = undefined;
  const text = view.focus ? restrict(payload.mermaid, reachable(payload.edges, view.focus.id, view.focus.direction)) : payload.mermaid;
  const model = parseDiagram(text);
  drawnNodes = model.nodes.length;
  drawnWith = rendererFor(drawnNodes, view.layout ?? payload.layout);
  drawToolbar();
  const focusText = view.focus ? `Showing the ${view.focus.direction === 'up' ? 'upstream' : 'downstream'} of “${byId.get(view.focus.id)?.label ?? ''}”. ` : '';
  const asked = view.layout ?? payload.layout ?? 'auto';
  const why = asked === 'auto' ? `mermaid's is slow above ${MERMAID_MAX_NODES} nodes` : asked === 'mermaid' ? `mermaid's is offered up to ${MERMAID_ON_REQUEST_MAX} nodes` : '';
  const layoutText = drawnWith === 'layered' && why ? `${drawnNodes} nodes: drawn with Clew's layered layout (${why}).` : '';
  status.textContent = focusText + layoutText;
  try {
    const renderId = `clew-dag-${++renderCount}`;
    if (drawnWith === 'layered') {
      canvas.replaceChildren(renderLayered(model, renderId, themeColours(theme())));
    } else {
      const { svg } = await mermaid.render(renderId, text);
      canvas.innerHTML = svg; // mermaid's output, sanitised by its strict security level
    }
    const nodes = Array.from(canvas.querySelectorAll<SVGGElement>('g.node'));
    for (const g of nodes) {
      const id = /flowchart-(.+)-\d+$/.exec(g.id)?.[1]; // mermaid 11 prefixes ids with the render id
      const ref = id ? byId.get(id) : undefined;
      if (!ref) continue;
      g.style.cursor = 'pointer';
      g.setAttribute('tabindex', '0');
      g.addEventListener('click', (event) => {
        selected = ref;
        drawToolbar();
        if (ref.kind === 'file' && ref.path) vscode.postMessage({ type: 'openFile', path: ref.path, reveal: event.altKey });
        else if (ref.kind === 'claim' && ref.path) vscode.postMessage({ type: 'openFile', path: ref.path, line: ref.line });
        else if (ref.kind === 'run' && ref.sessionId) vscode.postMessage({ type: 'showRun', sessionId: ref.sessionId });
      });
    }
    applyTransform();
    const fills = nodes.map((g) => getComputedStyle(g.querySelector('rect, polygon, path') ?? g).fill);
    vscode.postMessage({ type: 'rendered', seq, nodeCount: nodes.length, fills, layout: drawnWith });
  } catch (err) {
    canvas.textContent = `Could not draw this DAG: ${err instanceof Error ? err.message : String(err)}`;
    vscode.postMessage({ type: 'renderFailed', seq, message: err instanceof Error ? err.message : String(err) });
  }
}

// Pan by dragging the background; zoom with Ctrl/Cmd + wheel.
let drag: { x: number; y: number } | undefined;
container.addEventListener('pointerdown', (e) => {
  if ((e.target as Element).closest('g.node')) return;
  drag = { x: e.clientX - view.x, y: e.clientY - view.y };
});
window.addEventListener('pointermove', (e) => {
  if (!drag) return;
  view.x = e.clientX - drag.x;
  view.y = e.clientY - drag.y;
  applyTransform(false);
});
window.addEventListener('pointerup', () => {
  if (drag) save();
  drag = undefined;
});
container.addEventListener(
  'wheel',
  (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    view.scale = Math.min(8, Math.max(0.1, view.scale * (e.deltaY < 0 ? 1.1 : 0.9)));
    applyTransform();
  },
  { passive: false },
);

// VS Code swaps the body's theme class when the user changes theme: redraw in the new one.
let drawnTheme = theme();
new MutationObserver(() => {
  if (theme() === drawnTheme) return;
  drawnTheme = theme();
  initMermaid();
  void draw();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (event.data?.type !== 'render') return;
  const next = event.data.payload;
  // A redraw of the same source (files or store changed) keeps zoom, position and focus.
  if (JSON.stringify(next.source) !== JSON.stringify(payload?.source)) view = { scale: 1, x: 0, y: 0 };
  payload = next;
  payloadSeq = event.data.seq;
  void draw();
});
const restored = vscode.getState();
if (restored?.payload) {
  payload = restored.payload;
  view = restored.view ?? view;
  void draw();
}
vscode.postMessage({ type: 'ready' });
