/**
 * One colour per verdict, in the three palettes Clew paints with: diagram fills (mermaid class
 * definitions and the DAG panel's legend), terminal colours (the CLI) and VS Code theme colour ids
 * (badges, views, lenses). Diagram fills follow upstream where upstream has the verdict (verified
 * green, failed red, suspect amber); missing and unknown are Clew's finer split of upstream's red.
 */
import type { Verdict } from '../verify/verdicts';

export interface DiagramColour {
  fill: string;
  stroke: string;
  /** Label colour on dark fills. */
  text?: string;
  dashed?: boolean;
}

export const VERDICT_DIAGRAM_COLOUR: Readonly<Record<Verdict, DiagramColour>> = {
  verified: { fill: '#2da44e', stroke: '#1a6b32' },
  mismatch: { fill: '#cf222e', stroke: '#8b1a1a' },
  missing: { fill: '#bc4c00', stroke: '#762c00', text: '#ffffff', dashed: true },
  suspect: { fill: '#d29922', stroke: '#8a5c00' },
  unknown: { fill: '#6e7781', stroke: '#424a53', text: '#ffffff' },
  registered: { fill: '#6e7781', stroke: '#424a53', text: '#ffffff' },
  superseded: { fill: '#6e7781', stroke: '#424a53', text: '#ffffff' },
  // Upstream's amber for a claim that reaches no registered source (claims.json palette `unsourced`).
  unsourced: { fill: '#b26a00', stroke: '#6b4000', text: '#ffffff' },
};

/** A mermaid `classDef` style for a diagram colour (stroke width only where the shape needs it). */
export function mermaidStyle(c: DiagramColour, options: { strokeWidth?: string; dashed?: boolean } = {}): string {
  const parts = [`fill:${c.fill}`, `stroke:${c.stroke}`];
  if (options.strokeWidth) parts.push(`stroke-width:${options.strokeWidth}`);
  if (options.dashed ?? c.dashed) parts.push('stroke-dasharray:4 3');
  if (c.text) parts.push(`color:${c.text}`);
  return parts.join(',');
}

/** What a diagram's colours mean, in the order the legend lists them (the payload carries it). */
export const DIAGRAM_LEGEND: readonly { colour: string; meaning: string }[] = [
  { colour: VERDICT_DIAGRAM_COLOUR.verified.fill, meaning: 'verified' },
  { colour: VERDICT_DIAGRAM_COLOUR.mismatch.fill, meaning: 'changed' },
  { colour: VERDICT_DIAGRAM_COLOUR.missing.fill, meaning: 'missing' },
  { colour: VERDICT_DIAGRAM_COLOUR.suspect.fill, meaning: 'downstream of a change' },
  { colour: VERDICT_DIAGRAM_COLOUR.unknown.fill, meaning: 'cannot be checked' },
  // Upstream's own classes for hash-trusted and hand-registered nodes (upstreamStyle.ts).
  { colour: '#0072b2', meaning: 'frozen (trusted hash)' },
  { colour: '#8250df', meaning: 'registered by hand' },
];

export type TerminalColour = 'green' | 'red' | 'yellow' | 'orange' | 'cyan' | 'gray';

export const VERDICT_TERMINAL_COLOUR: Readonly<Record<Verdict, TerminalColour>> = {
  verified: 'green',
  mismatch: 'red',
  missing: 'yellow',
  suspect: 'orange',
  unknown: 'cyan',
  registered: 'gray',
  superseded: 'gray',
  unsourced: 'orange',
};

/** VS Code theme colour ids. */
export const VERDICT_THEME_COLOUR: Readonly<Record<Verdict, string>> = {
  verified: 'testing.iconPassed',
  mismatch: 'list.errorForeground',
  missing: 'list.warningForeground',
  suspect: 'list.warningForeground',
  unknown: 'descriptionForeground',
  registered: 'descriptionForeground',
  superseded: 'descriptionForeground',
  unsourced: 'list.warningForeground',
};
