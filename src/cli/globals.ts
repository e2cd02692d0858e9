/** The global options, apart from main.ts so the small entry (bin.ts) parses them without loading every command. */
import { ClewError } from '../engine/errors';
import type { GlobalOptions } from './types';

/** Pull `--db X` / `--db=X` / `--map X` / `--map=X` / `--json` out of argv anywhere before a `--` separator. */
export function extractGlobals(argv: string[]): { globals: GlobalOptions; rest: string[] } {
  const globals: GlobalOptions = { json: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--db') {
      const value = argv[i + 1];
      if (value === undefined) throw new ClewError('usage', '--db needs a path');
      globals.db = value;
      i++;
    } else if (arg.startsWith('--db=')) {
      globals.db = arg.slice('--db='.length);
    } else if (arg === '--map') {
      const value = argv[i + 1];
      if (value === undefined) throw new ClewError('usage', '--map needs OLD=NEW');
      (globals.map ??= []).push(value);
      i++;
    } else if (arg.startsWith('--map=')) {
      (globals.map ??= []).push(arg.slice('--map='.length));
    } else if (arg === '--json') {
      globals.json = true;
    } else {
      rest.push(arg);
    }
  }
  return { globals, rest };
}

