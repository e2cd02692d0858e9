/** The DAG panel's grouper: the `clew.dag.grouper` setting, else the project config's `grouper` key. */
import * as vscode from 'vscode';
import { findGrouperConfig } from '../engine/mermaid/grouperConfig';
import { grouperFromOption, grouperFromSpec } from '../engine/mermaid/grouperSpec';
import type { Grouper } from '../engine/mermaid/types';

/** Problems already shown, so a broken grouper is said once per session, not on every redraw. */
const toldGrouperProblems = new Set<string>();

/**
 * The panel's grouper: the `clew.dag.grouper` setting (a name, a short form such as `pattern:P\d+`,
 * a spec object, or `none`), else the project config's `grouper` key. One that cannot be drawn is
 * said once and the diagram is drawn without it.
 */
export function panelGrouper(folder: string, log: vscode.LogOutputChannel): Grouper | undefined {
  const setting = vscode.workspace.getConfiguration('clew', vscode.Uri.file(folder)).get<unknown>('dag.grouper');
  if (setting === 'none') return undefined;
  let found: { grouper?: Grouper; problem?: string; from: string } | undefined;
  const given = (typeof setting === 'string' && setting.trim() !== '') || (typeof setting === 'object' && setting !== null);
  if (given) {
    const g = typeof setting === 'string' ? grouperFromOption(setting) : grouperFromSpec(setting);
    found = typeof g === 'string' ? { problem: g, from: 'the clew.dag.grouper setting' } : { grouper: g, from: 'setting' };
  } else {
    const config = findGrouperConfig(folder);
    if (config) found = { ...config, from: config.file };
  }
  if (found?.problem) {
    const message = `Clew: drawing without the grouper of ${found.from}: ${found.problem}`;
    log.warn(message);
    if (!toldGrouperProblems.has(message)) {
      toldGrouperProblems.add(message);
      void vscode.window.showWarningMessage(message);
    }
  }
  return found?.grouper;
}
