/**
 * Which automatic capture a `clew record` uses, and why (docs/recording.md):
 *   preload    the LD_PRELOAD interposer (preload.ts): costs about nothing per file call;
 *   strace     when the interposer cannot see the command (no C compiler, a statically linked
 *              program, not Linux) or CLEW_CAPTURE=strace asks for it;
 *   tree-diff  when strace cannot run either: changed files as outputs, no inputs.
 * The reason is reported with the result, so a slower fallback is never silent.
 */
import { straceAvailable } from './capture';
import { preloadBlindSpot, preloadLibrary } from './preload';
import { resolveExecutable } from './replayInfo';

export type CaptureChoice =
  | { kind: 'preload'; library: string; reason: string }
  | { kind: 'strace'; reason: string }
  | { kind: 'tree-diff'; reason: string };

export function chooseCapture(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv): CaptureChoice {
  const requested = env.CLEW_CAPTURE?.trim().toLowerCase();
  const fallback = (why: string): CaptureChoice =>
    straceAvailable() ? { kind: 'strace', reason: why } : { kind: 'tree-diff', reason: `${why}, and strace cannot run here` };
  if (requested === 'strace') return fallback('CLEW_CAPTURE=strace');
  if (requested === 'tree-diff') return { kind: 'tree-diff', reason: 'CLEW_CAPTURE=tree-diff' };
  if (requested && requested !== 'preload' && requested !== 'auto') return fallback(`CLEW_CAPTURE=${requested} is not one of preload, strace, tree-diff`);
  const executable = command[0] === undefined ? null : resolveExecutable(command[0], cwd, env.PATH ?? '');
  const blind = executable ? preloadBlindSpot(executable, cwd, env.PATH ?? '') : undefined;
  if (blind) return fallback(blind);
  const lib = preloadLibrary(env);
  if (!lib.ok) return fallback(lib.reason);
  return { kind: 'preload', library: lib.path, reason: 'LD_PRELOAD interposer' };
}
