/**
 * The panel's renderer for large graphs: the diagram model (./diagramModel.ts) laid out by
 * ./layered.ts and drawn as one SVG. It keeps what the panel and its tests rely on from mermaid's
 * output: a `g.node` per node with id `<renderId>-flowchart-<nodeId>-<n>`, the classDef colours on
 * the node's first rect/polygon/path, the same shapes and label lines. Labels are measured on a
 * canvas (no DOM layout per node, which is what makes mermaid slow) and reach the DOM only as
 * textContent.
 */
import type { DiagramModel, ModelNode } from './diagramModel';
import { nodeStyle } from './diagramModel';
import { layeredLayout, type Point } from './layered';

const SVG = 'http://www.w3.org/2000/svg';
const FONT_SIZE = 16;
const FONT = `${FONT_SIZE}px "trebuchet ms", verdana, arial, sans-serif`;
const LINE_HEIGHT = 1.25 * FONT_SIZE;
const PAD_X = 15;
const PAD_Y = 10;
/** Half-height of a cylinder's end ellipse. */
const CYLINDER_RY = 7;

export interface LayeredColours {
  text: string;
  line: string;
  fill: string;
  stroke: string;
}

export function themeColours(theme: 'dark' | 'default'): LayeredColours {
  return theme === 'dark'
    ? { text: '#cccccc', line: '#d3d3d3', fill: '#1f2020', stroke: '#cccccc' }
    : { text: '#333333', line: '#333333', fill: '#ececff', stroke: '#9370db' };
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function measurer(): (text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return (text) => text.length * FONT_SIZE * 0.6;
  ctx.font = FONT;
  return (text) => ctx.measureText(text).width;
}

function nodeSize(node: ModelNode, measure: (text: string) => number): { width: number; height: number } {
  const textWidth = Math.max(...node.lines.map(measure), 10);
  let width = textWidth + 2 * PAD_X;
  let height = node.lines.length * LINE_HEIGHT + 2 * PAD_Y;
  if (node.shape === 'cylinder') height += 2 * CYLINDER_RY;
  if (node.shape === 'hexagon' || node.shape === 'trapezoid') width += height / 2;
  return { width, height };
}

function shapeFor(node: ModelNode, w: number, h: number): SVGElement {
  const x = -w / 2;
  const y = -h / 2;
  switch (node.shape) {
    case 'cylinder': {
      const rx = w / 2;
      const ry = CYLINDER_RY;
      const body = h - 2 * ry;
      return el('path', {
        d: `M${x},${y + ry} a${rx},${ry} 0 0 0 ${w},0 a${rx},${ry} 0 0 0 ${-w},0 l0,${body} a${rx},${ry} 0 0 0 ${w},0 l0,${-body}`,
      });
    }
    case 'hexagon': {
      const m = h / 4;
      return el('polygon', { points: `${x + m},${y} ${-x - m},${y} ${-x},0 ${-x - m},${-y} ${x + m},${-y} ${x},0` });
    }
    case 'trapezoid': {
      const m = h / 4;
      return el('polygon', { points: `${x + m},${y} ${-x - m},${y} ${-x},${-y} ${x},${-y}` });
    }
    default:
      return el('rect', { x, y, width: w, height: h });
  }
}

/** Vertical-tangent cubic curves through the routed points. */
function edgePath(points: readonly Point[]): string {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1];
    const q = points[i];
    if (p.x === q.x) d += ` L${q.x},${q.y}`;
    else {
      const my = (p.y + q.y) / 2;
      d += ` C${p.x},${my} ${q.x},${my} ${q.x},${q.y}`;
    }
  }
  return d;
}

/** Draws `model` as an SVG element; node ids follow mermaid's `<renderId>-flowchart-<id>-<n>`. */
export function renderLayered(model: DiagramModel, renderId: string, colours: LayeredColours): SVGSVGElement {
  const measure = measurer();
  const sizes = model.nodes.map((node) => ({ id: node.id, ...nodeSize(node, measure) }));
  const layout = layeredLayout(sizes, model.edges);
  const svg = el('svg', {
    id: renderId,
    class: 'clew-layered',
    xmlns: SVG,
    width: '100%',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'graphics-document document',
    'aria-roledescription': 'flowchart',
  });
  svg.style.maxWidth = `${layout.width}px`;
  const arrowId = `${renderId}-arrow`;
  const defs = el('defs', {});
  const marker = el('marker', { id: arrowId, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: colours.line }));
  defs.append(marker);

  const edgeGroup = el('g', { class: 'edgePaths' });
  for (const edge of layout.edges) {
    edgeGroup.append(el('path', { class: 'flowchart-link', d: edgePath(edge.points), fill: 'none', stroke: colours.line, 'stroke-width': 1.5, 'marker-end': `url(#${arrowId})` }));
  }

  const nodeGroup = el('g', { class: 'nodes' });
  layout.nodes.forEach((placed, i) => {
    const node = model.nodes[i];
    const style = nodeStyle(model, node);
    const g = el('g', { class: ['node', ...node.classes].join(' '), id: `${renderId}-flowchart-${node.id}-${i}`, transform: `translate(${placed.x},${placed.y})` });
    const shape = shapeFor(node, placed.width, placed.height);
    shape.setAttribute('class', 'label-container');
    shape.style.fill = style.get('fill') ?? colours.fill;
    shape.style.stroke = style.get('stroke') ?? colours.stroke;
    shape.style.strokeWidth = style.get('stroke-width') ?? '1px';
    const dash = style.get('stroke-dasharray');
    if (dash) shape.style.strokeDasharray = dash;
    const text = el('text', { 'text-anchor': 'middle', 'font-size': FONT_SIZE, 'font-family': '"trebuchet ms", verdana, arial, sans-serif' });
    text.style.fill = style.get('color') ?? colours.text;
    const first = -((node.lines.length - 1) * LINE_HEIGHT) / 2;
    node.lines.forEach((line, k) => {
      const tspan = el('tspan', { x: 0, y: first + k * LINE_HEIGHT, 'dominant-baseline': 'central' });
      tspan.textContent = line;
      text.append(tspan);
    });
    g.append(shape, text);
    nodeGroup.append(g);
  });
  svg.append(defs, edgeGroup, nodeGroup);
  return svg;
}
