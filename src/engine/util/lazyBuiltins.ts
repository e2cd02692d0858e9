/**
 * Node built-ins that take milliseconds to load, loaded on first use instead of at start:
 * child_process brings net, streams and dgram with it, crypto its whole key machinery,
 * worker_threads its messaging. dist/cli.js answers a warm `clew status` in under 50 ms and needs
 * none of them for it (bench/statusWarm.ts); the modules it loads call these where they would
 * import the built-in. Types still come from `import type`, which costs nothing at run time.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as WorkerThreads from 'node:worker_threads';

let childProcess: typeof ChildProcess | undefined;
let crypto: typeof Crypto | undefined;
let workerThreads: typeof WorkerThreads | undefined;

/* eslint-disable @typescript-eslint/no-require-imports -- loading on first use is the point */
export const lazyChildProcess = (): typeof ChildProcess => (childProcess ??= require('node:child_process') as typeof ChildProcess);
export const lazyCrypto = (): typeof Crypto => (crypto ??= require('node:crypto') as typeof Crypto);
export const lazyWorkerThreads = (): typeof WorkerThreads => (workerThreads ??= require('node:worker_threads') as typeof WorkerThreads);
/* eslint-enable @typescript-eslint/no-require-imports */
