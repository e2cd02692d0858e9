/** `clew mermaid [FILE…] [--claims] [--format mermaid|json|html] [-o OUT]`: the DAG as a diagram. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { dagPayload } from '../../engine/mermaid/diagram';
import { dagHtmlPage } from '../../engine/mermaid/html';
import { verifyDag } from '../../engine/verify';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { exitCodeFor, json } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew mermaid [FILE…] [--target F]… [--claims] [--format mermaid|json|html] [-o OUT] [--cached]

Draws the verified provenance DAG behind FILE(s) (default: every final output, i.e. recorded
outputs no run reads; --claims: behind every claim's source): runs as boxes, files as rounded
nodes, coloured by verdict. mermaid (default) prints flowchart text; json prints
{title, mermaid, nodes}; html writes a self-contained page (mermaid inlined, no network).
Exit: the DAG's verdict (0 verified, 12 mismatch, 11 missing, 10 unknown).`;

export const mermaidCommand: CliCommand = {
  name: 'mermaid',
  summary: 'draw the provenance DAG (mermaid text, JSON or a standalone HTML page)',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { target: { type: 'string', multiple: true }, claims: { type: 'boolean' }, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' }, cached: { type: 'boolean' }, json: { type: 'boolean' } },
      USAGE,
    );
    const format = globals.json || values.json ? 'json' : (values.format ?? 'mermaid');
    if (!['mermaid', 'json', 'html'].includes(format)) throw new ClewError('usage', `--format must be mermaid, json or html, got '${format}'`);
    return withStore(globals, io, { useCache: Boolean(values.cached) }, async ({ view, hasher }) => {
      let targets = [...positionals, ...(values.target ?? [])];
      if (targets.length === 0 && !values.claims) {
        const read = new Set(view.all<{ file_path: string }>("SELECT DISTINCT file_path FROM file_hashes WHERE +role = 'input'").map((r) => r.file_path));
        targets = view.all<{ file_path: string }>("SELECT DISTINCT file_path FROM file_hashes WHERE +role = 'output' ORDER BY file_path").map((r) => r.file_path).filter((p) => !read.has(p));
      }
      const dag = await verifyDag({ view, hasher, cwd: io.cwd }, values.claims ? { claims: true } : { targets });
      const title = dag.target_files.length === 1 ? `DAG of ${path.basename(dag.target_files[0])}` : `DAG (${dag.runs.length} runs)`;
      const payload = dagPayload(dag, title);
      const text = format === 'html' ? dagHtmlPage(payload) : format === 'json' ? json(payload) : payload.mermaid;
      if (values.output) {
        const out = path.resolve(io.cwd, values.output);
        fs.writeFileSync(out, text);
        io.out(`Rendered to: ${out}`);
      } else if (format === 'html') {
        throw new ClewError('usage', '--format html needs -o OUT.html');
      } else {
        io.out(text);
      }
      return exitCodeFor(dag.status);
    });
  },
};
