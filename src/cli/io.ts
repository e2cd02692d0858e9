/** The real process's CliIo (stdout/stderr, colour when stdout is a TTY and NO_COLOR is unset). */
import type { CliIo } from './types';

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    cwd: process.cwd(),
    env: process.env,
  };
}
