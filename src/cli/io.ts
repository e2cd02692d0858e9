/**
 * The real process's CliIo. Text goes straight to file descriptors 1 and 2 with fs.writeSync:
 * the first touch of process.stdout builds a stream (for a pipe, a net.Socket and the stream
 * machinery), about 2 ms of a 45 ms warm `clew status`. Should a descriptor be non-blocking and
 * full (EAGAIN), the rest goes through process.stdout/stderr, in order; once the reader is gone
 * (EPIPE), further output is dropped, as `clew status | head -1` expects. Colour is decided on
 * first use: stdout is a TTY and NO_COLOR is unset.
 */
import * as fs from 'node:fs';
import type { CliIo } from './types';

function writer(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  let viaStream: NodeJS.WriteStream | undefined;
  let readerGone = false;
  const toStream = (): NodeJS.WriteStream => {
    if (!viaStream) {
      viaStream = stream();
      viaStream.on('error', (err: NodeJS.ErrnoException) => {
        readerGone = true;
        if (err.code === 'EPIPE') return;
        process.exitCode = 1;
        if (fd === 1) process.stderr.write(`clew: cannot write the output: ${err.message}\n`);
      });
    }
    return viaStream;
  };
  return (text) => {
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (readerGone) return;
    if (viaStream) {
      viaStream.write(line);
      return;
    }
    const bytes = Buffer.from(line);
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') readerGone = true;
      else if (code === 'EAGAIN') toStream().write(bytes.subarray(written));
      else throw err;
    }
  };
}

export function processIo(): CliIo {
  let color: boolean | undefined;
  return {
    out: writer(1, () => process.stdout),
    err: writer(2, () => process.stderr),
    get color() {
      return (color ??= Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    },
    cwd: process.cwd(),
    env: process.env,
  };
}
