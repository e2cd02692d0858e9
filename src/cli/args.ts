/** Small strict argument parsing on top of node:util parseArgs, turning mistakes into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ClewError, errorMessage } from '../engine/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ClewError('usage', `${errorMessage(err)}\n${usage}`);
  }
}
