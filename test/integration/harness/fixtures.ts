// Fresh, relocated copies of the upstream fixture workspaces (never modify test/fixtures in place).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPython } from './python';
import { repoRoot } from './workspace';

export interface FixtureCopy {
  /** Absolute path of the copied workspace (its store now refers to this path). */
  root: string;
  /** Removes the copy. */
  dispose(): void;
}

/**
 * Copies `test/fixtures/upstream/<scenario>/workspace` (or any workspace folder given as an
 * absolute path) to a new temp dir, keeping timestamps, then rewrites the store's absolute paths
 * to the copy with harness/relocate_workspace.py (which checkpoints a -wal; pass
 * `{ relocate: false }` to keep the store byte-identical).
 */
export async function copyFixture(scenarioOrPath: string, options: { relocate?: boolean } = {}): Promise<FixtureCopy> {
  const source = path.isAbsolute(scenarioOrPath)
    ? scenarioOrPath
    : path.join(repoRoot(), 'test/fixtures/upstream', scenarioOrPath, 'workspace');
  if (!fs.existsSync(source)) throw new Error(`fixture workspace not found: ${source}`);
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-fixture-'));
  const root = path.join(parent, 'workspace');
  fs.cpSync(source, root, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  if (options.relocate !== false) {
    const args = [path.join(repoRoot(), 'test/integration/harness/relocate_workspace.py'), root];
    const scenarioFile = path.join(path.dirname(source), 'scenario.json');
    if (fs.existsSync(scenarioFile)) {
      const recordedRoot: unknown = JSON.parse(fs.readFileSync(scenarioFile, 'utf8')).root;
      if (typeof recordedRoot === 'string') args.push(recordedRoot);
    }
    const result = await runPython(args);
    if (result.code !== 0) throw new Error(`relocating ${root} failed: ${result.stderr.trim()}`);
  }
  return { root, dispose: () => fs.rmSync(parent, { recursive: true, force: true }) };
}
