/**
 * `clew mermaid` (alias `print-mermaid`, upstream's name): the provenance diagram of spec §7 as
 * mermaid text, JSON (nodes and edges with verdicts) or a self-contained HTML page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { diagramPayload } from '../../engine/mermaid/payload';
import { dagHtmlPage } from '../../engine/mermaid/html';
import { provenanceDiagram, type DiagramRequest, type Grouper } from '../../engine/mermaid/provenanceDiagram';
import type { PathMode } from '../../engine/mermaid/upstreamStyle';
import { findGrouperConfig } from '../../engine/mermaid/grouperConfig';
import { grouperFromOption } from '../../engine/mermaid/grouperSpec';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { json } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew mermaid [FILE…] [--target F]… [--session ID] [--claims] [--no-files] [--hashes]
                    [--grouper NAME|NAME:VALUE|JSON|none]
                    [--path-mode name|relative|absolute] [--upstream-quirks]
                    [--format mermaid|json|html] [-o OUT] [--cached]

Draws provenance as scitex-clew does (same node ids, shapes, labels and colours):
  (no selection)   every run (the 500 newest), oldest first
  FILE             the chain of runs behind one file (also --target-file FILE)
  FILE FILE… / --target F…   the DAG behind several files
  --session ID     a run and its primary parents (also --session-id)
  --claims         the DAG behind every claim's source
--no-files draws one node per run; --hashes adds short hashes. --grouper draws a run's inputs
(outputs) as groups, as scitex-clew's groupers do: identity, drop_all_files, auto,
session_bundle[:N] (one bundle above N files, default 3), pattern:REGEX (files whose names agree
once REGEX is replaced by {X}), directory[:MIN[:DEPTH]] (MIN or more files of one folder, default
10), or a JSON spec such as '{"type":"compose","steps":[{"type":"pattern","regex":"P\\d+"},"directory"]}'.
Without --grouper, the nearest .scitex/clew/config.{yaml,yml,json} may name one (--grouper none:
ignore it). Fixed on purpose, unlike
scitex-clew: red reaches every descendant of a failure, same-named files get separate nodes,
--no-files draws the real edges, legacy short hashes are not red. --upstream-quirks reproduces
scitex-clew's output exactly, defects included. Formats: mermaid text (default), json
{mermaid, claims, target_files, grouper, show_files, max_depth (upstream's keys), mode, nodes,
edges} with each node's verdict, html (a page that renders offline; -o).
Exit 0 when drawn (use \`clew dag\` for a verdict as exit code).`;

const PATH_MODES: readonly PathMode[] = ['name', 'relative', 'absolute'];

/** `--grouper`: a name, a short form or a JSON spec (grouperFromOption); `none` ignores the config's. */
function parseGrouper(spec: string | undefined): Grouper | 'none' | undefined {
  if (spec === undefined || spec === 'none') return spec;
  const grouper = grouperFromOption(spec);
  if (typeof grouper !== 'string') return grouper;
  throw new ClewError('usage', `--grouper: ${grouper}`);
}

export const mermaidCommand: CliCommand = {
  name: 'mermaid',
  aliases: ['print-mermaid'],
  summary: 'draw provenance as scitex-clew does (mermaid text, JSON or a standalone HTML page)',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        target: { type: 'string', multiple: true },
        session: { type: 'string' },
        'session-id': { type: 'string' },
        'target-file': { type: 'string' },
        claims: { type: 'boolean' },
        'no-files': { type: 'boolean' },
        hashes: { type: 'boolean' },
        'show-hashes': { type: 'boolean' },
        'path-mode': { type: 'string' },
        'upstream-quirks': { type: 'boolean' },
        'max-depth': { type: 'string' },
        grouper: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        cached: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const format = globals.json || values.json ? 'json' : (values.format ?? 'mermaid');
    if (!['mermaid', 'json', 'html'].includes(format)) throw new ClewError('usage', `--format must be mermaid, json or html, got '${format}'`);
    if (format === 'html' && !values.output) throw new ClewError('usage', '--format html needs -o OUT.html');
    const pathMode = (values['path-mode'] ?? 'name') as PathMode;
    if (!PATH_MODES.includes(pathMode)) throw new ClewError('usage', `--path-mode must be name, relative or absolute, got '${pathMode}'`);
    let grouper = parseGrouper(values.grouper);
    if (grouper === undefined) {
      // As upstream: with no --grouper, the nearest .scitex/clew/config.* may name one.
      const config = findGrouperConfig(io.cwd);
      if (config?.problem) io.err(`clew: drawing without the grouper of ${config.file}: ${config.problem}`);
      grouper = config?.grouper;
    }
    // Accepted and ignored, as upstream does (the whole DAG is always drawn).
    if (values['max-depth'] !== undefined && !/^\d+$/.test(values['max-depth'])) throw new ClewError('usage', `--max-depth must be a whole number, got '${values['max-depth']}'`);
    const targets = [...(values.target ?? [])];
    const request: DiagramRequest = {
      showFiles: !values['no-files'],
      showHashes: Boolean(values.hashes || values['show-hashes']),
      pathMode,
      upstreamQuirks: Boolean(values['upstream-quirks']),
      ...(grouper && grouper !== 'none' ? { grouper } : {}),
    };
    // Upstream API names work too: --target-file (single mode), --session-id.
    const files = [...positionals, ...(values['target-file'] !== undefined ? [values['target-file']] : [])];
    const session = values.session ?? values['session-id'];
    if (values.claims) request.claims = true;
    else if (targets.length > 0 || files.length > 1) request.targetFiles = [...files, ...targets];
    else if (files.length === 1) request.targetFile = files[0];
    else if (session !== undefined) request.sessionId = session;

    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      const diagram = await provenanceDiagram({ view, hasher, cwd: io.cwd }, request);
      let text: string;
      if (format === 'html') {
        const named = request.targetFile ?? request.targetFiles?.join(', ');
        text = dagHtmlPage(diagramPayload(diagram, named ? `Provenance of ${named}` : 'Provenance'));
      } else if (format === 'json') {
        // Upstream's print-mermaid --json keys first, then Clew's node/edge model.
        text = json({
          mermaid: diagram.text,
          claims: Boolean(request.claims),
          target_files: request.targetFiles ?? (request.targetFile ? [request.targetFile] : null),
          grouper: values.grouper ?? null,
          show_files: request.showFiles !== false,
          max_depth: Number(values['max-depth'] ?? 10),
          mode: diagram.mode,
          nodes: diagram.nodes,
          edges: diagram.edges,
          ...(diagram.empty ? { empty: diagram.empty } : {}),
        });
      } else {
        text = diagram.text;
      }
      if (values.output) {
        const out = path.resolve(io.cwd, values.output);
        try {
          fs.writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
        } catch (err) {
          throw new ClewError('io', `cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
        io.out(`Rendered to: ${out}`);
      } else {
        io.out(text);
      }
      return 0;
    });
  },
};
