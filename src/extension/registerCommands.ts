/**
 * Registers every command of the table (commandTable.ts): commands that run code refuse in an
 * untrusted workspace, and a failing command logs and says so instead of failing silently.
 */
import * as vscode from 'vscode';
import { COMMAND_CATEGORY, type CommandHandlers, commandTable } from './commandTable';

export function registerCommands(handlers: CommandHandlers, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return commandTable(handlers).map((spec) =>
    vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
      if (spec.requiresTrust && !vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(`${COMMAND_CATEGORY}: ${spec.title} runs code and needs a trusted workspace.`);
        return undefined;
      }
      try {
        return await spec.run(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`${spec.id}: ${message}`);
        void vscode.window.showErrorMessage(`${COMMAND_CATEGORY}: ${spec.title} failed: ${message}`);
        return undefined;
      }
    }),
  );
}
