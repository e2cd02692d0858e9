/** clew_hash_file and clew_hash_directory: the CLI's hash-file / hash-directory (no store needed). */
import * as path from 'node:path';
import { z } from 'zod';
import { ClewError } from '../../engine/errors';
import { hashDirectoryWith, hashFileOrMember } from '../../engine/hash/digest';
import { defineTool, type ClewTool } from '../tool';

export const HASHING_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_hash_file',
    description: 'The hex digest of one file (a file gone from disk is read from its member in an ancestor archive D.tar.gz/.tar.xz/.tar). As `clew --json hash-file`.',
    inputSchema: { path: z.string().min(1), algorithm: z.string().default('sha256'), chunk_size: z.number().int().positive().default(8192) },
    needsStore: false,
    async run(args, call) {
      const digest = await hashFileOrMember(path.resolve(call.cwd, args.path), { algorithm: args.algorithm, chunkSize: args.chunk_size });
      if (digest.hash === undefined) throw new ClewError('not-found', `File not found: ${args.path}${'note' in digest && digest.note ? ` (${digest.note})` : ''}`);
      return { path: args.path, algorithm: args.algorithm, hash: digest.hash, ...('archive' in digest && digest.archive ? { archive: digest.archive } : {}) };
    },
  }),
  defineTool({
    name: 'clew_hash_directory',
    description: 'Digests of every file in a folder whose name matches pattern (in subfolders too unless recursive=false), keyed by relative path. As `clew --json hash-directory`.',
    inputSchema: { path: z.string().min(1), pattern: z.string().default('*'), recursive: z.boolean().default(true), algorithm: z.string().default('sha256') },
    needsStore: false,
    async run(args, call) {
      let hashes: Map<string, string>;
      try {
        hashes = await hashDirectoryWith(path.resolve(call.cwd, args.path), { pattern: args.pattern, recursive: args.recursive, algorithm: args.algorithm });
      } catch (err) {
        if (err instanceof ClewError && err.code === 'not-found') throw new ClewError('not-found', `Not a directory: ${args.path}`);
        throw err;
      }
      return { path: args.path, pattern: args.pattern, recursive: args.recursive, algorithm: args.algorithm, count: hashes.size, hashes: Object.fromEntries(hashes) };
    },
  }),
];
