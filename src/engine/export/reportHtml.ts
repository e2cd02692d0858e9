/**
 * The reproducibility report: one self-contained HTML page a scientist attaches to a paper. No
 * script at all and no network: the DAG is a static SVG laid out here (runs in layers by their
 * depth from the roots, coloured by verdict), and the only style element carries the CSP nonce.
 * Every text from the store goes through `esc`, so a file named `<script>` stays text.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { reasonPhrase } from '../claims/liveStatus';
import { VERDICT_DIAGRAM_COLOUR } from '../present/colours';
import type { Verdict } from '../verify/verdicts';
import { CLEW_VERSION } from '../version';
import type { ExportRun } from './model';
import type { ReportData } from './reportData';

export function esc(text: string | number | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;max-width:1200px}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #d0d7de}
.meta{color:#57606a;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.4rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
code,.hash{font-family:ui-monospace,monospace;font-size:.92em;word-break:break-all}
.badge{display:inline-block;padding:0 .45em;border-radius:.8em;color:#fff;font-size:.85em;white-space:nowrap}
.counts{display:flex;flex-wrap:wrap;gap:.6rem}.counts div{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem}
.counts b{display:block;font-size:1.3em}
.dag{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
.run{break-inside:avoid;margin:.8rem 0}
@media print{body{margin:0;max-width:none}.dag{overflow:visible;border:none}h2{break-after:avoid}table,.run{break-inside:avoid}a{color:inherit;text-decoration:none}}
`;

// Colours by class, not style attributes: the CSP's style-src admits the nonce'd element only.
const BADGE_STYLE = Object.entries(VERDICT_DIAGRAM_COLOUR).map(([verdict, c]) => `.v-${verdict}{background:${c.fill}}`).join('');

function badge(verdict: Verdict | string): string {
  const known = verdict in VERDICT_DIAGRAM_COLOUR ? verdict : 'unknown';
  return `<span class="badge v-${known}">${esc(verdict)}</span>`;
}

const runLabel = (r: ExportRun): string => (r.scriptPath ? path.basename(r.scriptPath) : r.sessionId);

function dagSvg(data: ReportData): string {
  const runs = data.model.runs;
  if (runs.length === 0) return '<p>No runs.</p>';
  const depth = new Map<string, number>();
  for (const r of runs) depth.set(r.sessionId, Math.max(0, ...r.parents.map((p) => (depth.get(p) ?? -1) + 1)));
  const layers = new Map<number, ExportRun[]>();
  for (const r of runs) layers.set(depth.get(r.sessionId) ?? 0, [...(layers.get(depth.get(r.sessionId) ?? 0) ?? []), r]);
  const W = 210, H = 46, GX = 60, GY = 18;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [layer, members] of layers) members.forEach((r, i) => pos.set(r.sessionId, { x: 10 + layer * (W + GX), y: 10 + i * (H + GY) }));
  const width = 20 + Math.max(...layers.keys()) * (W + GX) + W;
  const height = 20 + Math.max(...[...layers.values()].map((m) => m.length)) * (H + GY) - GY;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Provenance DAG"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#57606a"/></marker></defs>`];
  for (const r of runs) {
    const to = pos.get(r.sessionId);
    for (const p of r.parents) {
      const from = pos.get(p);
      if (from && to) parts.push(`<line x1="${from.x + W}" y1="${from.y + H / 2}" x2="${to.x}" y2="${to.y + H / 2}" stroke="#57606a" stroke-width="1.3" marker-end="url(#arrow)"/>`);
    }
  }
  for (const r of runs) {
    const p = pos.get(r.sessionId) as { x: number; y: number };
    const verdict = data.verified.get(r.sessionId)?.status ?? 'unknown';
    const c = VERDICT_DIAGRAM_COLOUR[verdict];
    parts.push(`<g><title>${esc(`${r.sessionId}: ${verdict}`)}</title><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="${c.fill}" stroke="${c.stroke}"${c.dashed ? ' stroke-dasharray="4 3"' : ''}/>`
      + `<text x="${p.x + 8}" y="${p.y + 19}" font-size="13" fill="${c.text ?? '#ffffff'}">${esc(runLabel(r).slice(0, 28))}</text>`
      + `<text x="${p.x + 8}" y="${p.y + 36}" font-size="10" fill="${c.text ?? '#ffffff'}">${esc(`${r.sessionId.slice(-12)} · ${verdict}`)}</text></g>`);
  }
  parts.push('</svg>');
  return `<div class="dag">${parts.join('')}</div>`;
}

function runSection(data: ReportData, r: ExportRun): string {
  const v = data.verified.get(r.sessionId);
  const files = (v?.files ?? []).map((f) => `<tr><td>${esc(f.role)}</td><td><code>${esc(f.path)}</code></td><td class="hash">${esc(f.expected_hash.slice(0, 16))}…</td><td>${badge(f.status)}</td></tr>`).join('');
  const rerun = r.latestVerification?.level === 'rerun' ? `${badge(r.latestVerification.status === 'verified' ? 'verified' : 'mismatch')} ${esc(r.latestVerification.status === 'verified' ? 'reproduced' : 'not reproduced')} (${esc(r.latestVerification.verified_at)})` : 'not re-executed';
  const command = r.replay ? r.replay.argv.join(' ') : r.scriptPath ?? '';
  return `<div class="run" id="run-${esc(encodeURIComponent(r.sessionId))}"><h3>${esc(runLabel(r))} <small>${esc(r.sessionId)}</small> ${badge(v?.status ?? 'unknown')}</h3>
<p class="meta">Command <code>${esc(command)}</code>${r.replay ? ` in <code>${esc(r.replay.cwd)}</code>` : ''} · ${esc(r.startedAt)} → ${esc(r.finishedAt)} · status ${esc(r.status)}, exit ${esc(r.exitCode)} · rerun: ${rerun}</p>
<table><tr><th>role</th><th>file</th><th>recorded sha256</th><th>now</th></tr>${files}</table></div>`;
}

export function reportHtml(data: ReportData): string {
  const nonce = randomBytes(16).toString('base64');
  const m = data.model;
  const project = path.basename(m.projectRoot) || m.projectRoot;
  const count = (s: string) => [...data.verified.values()].filter((r) => r.status === s).length;
  const files = new Set(m.runs.flatMap((r) => [...r.inputs, ...r.outputs].map((f) => f.path)));
  const versions = new Map<string, Set<string>>();
  for (const r of m.runs) for (const f of [...r.inputs, ...r.outputs]) versions.set(f.path, (versions.get(f.path) ?? new Set()).add(f.sha256));
  const changedPaths = [...versions].filter(([, hashes]) => hashes.size > 1);
  const claims = data.claims.map(({ claim: c, live }) => `<tr><td><code>${esc(c.manuscript)}</code>:${esc(c.lineNumber)}</td><td>${esc(c.claimType)}</td><td>${esc(c.claimValue)}</td><td><code>${esc(c.sourceFile)}</code></td><td>${badge(live.status)}${live.reason ? ` ${esc(reasonPhrase(live.reason))}` : ''}</td></tr>`).join('');
  const stamps = data.stamps.map((s) => {
    const record = m.stamps.find((x) => x.stamp_id === s.stampId);
    return `<tr><td><code>${esc(s.stampId)}</code></td><td>${esc(record?.backend)}</td><td>${esc(record?.timestamp)}</td><td class="hash">${esc(record?.root_hash)}</td><td>${badge(s.verdict === 'holds' ? 'verified' : 'mismatch')} ${esc(s.verdict)}<br><small>${s.details.map(esc).join('<br>')}</small></td></tr>`;
  }).join('');
  const versionRows = changedPaths.map(([p, hashes]) => `<tr><td><code>${esc(p)}</code></td><td>${hashes.size}</td><td class="hash">${[...hashes].map((h) => esc(h.slice(0, 16))).join('<br>')}</td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(`Reproducibility report — ${project}`)}</title>
<style nonce="${nonce}">${STYLE}${BADGE_STYLE}</style>
</head>
<body>
<h1>Reproducibility report: ${esc(project)} ${badge(data.overall)}</h1>
<p class="meta">Made ${esc(data.generatedAt)} by Clew ${esc(CLEW_VERSION)} from the scitex-clew store <code>${esc(m.dbPath)}</code>${m.targets.length > 0 ? `, for ${m.targets.map((t) => `<code>${esc(t)}</code>`).join(', ')}` : ''}. Verdicts are as of that moment: each run's files re-hashed.</p>
<h2>Summary</h2>
<div class="counts"><div><b>${m.runs.length}</b>runs</div><div><b>${count('verified')}</b>verified</div><div><b>${count('mismatch')}</b>mismatch</div><div><b>${count('missing')}</b>missing</div><div><b>${count('suspect')}</b>suspect</div><div><b>${files.size}</b>files</div><div><b>${m.runs.filter((r) => r.latestVerification?.level === 'rerun').length}</b>re-executed</div><div><b>${m.claims.length}</b>claims</div><div><b>${m.stamps.length}</b>stamps</div></div>
<h2>DAG</h2>
${dagSvg(data)}
<h2>Runs (roots first)</h2>
${m.runs.map((r) => runSection(data, r)).join('\n')}
<h2>Claims</h2>
${claims ? `<table><tr><th>where</th><th>type</th><th>value</th><th>source</th><th>live status</th></tr>${claims}</table>` : '<p>No claims.</p>'}
<h2>Stamps</h2>
<p class="meta">A stamp fixes the recorded runs' root hash at a time; an RFC 3161 stamp's time and hash are signed by the TSA, so a record rewritten later no longer matches it.</p>
${stamps ? `<table><tr><th>stamp</th><th>backend</th><th>time</th><th>root hash</th><th>check now</th></tr>${stamps}</table>` : '<p>No stamps.</p>'}
<h2>File versions</h2>
${versionRows ? `<table><tr><th>file</th><th>versions</th><th>sha256 (recorded)</th></tr>${versionRows}</table>` : '<p>Every file was recorded with one content.</p>'}
</body>
</html>
`;
}
