/**
 * clew_skills_list / clew_skills_get: Clew's agent-facing pages (src/mcp/skills/*.md, shipped as
 * dist/mcp-skills/), in upstream's answer shape {success, package, …}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ClewError } from '../../engine/errors';
import { assetPath } from '../../engine/util/assets';
import { defineTool, type ClewTool } from '../tool';

function skillsDir(): string {
  return assetPath('mcp-skills');
}

export function skillNames(): string[] {
  return fs
    .readdirSync(skillsDir())
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export const SKILL_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_skills_list',
    description: "The names of Clew's pages for agents (what Clew answers, which tool for which question, exit codes, reading a verdict). Read one with clew_skills_get.",
    inputSchema: {},
    needsStore: false,
    run: async () => ({ success: true, package: 'clew', skills: skillNames() }),
  }),
  defineTool({
    name: 'clew_skills_get',
    description: "One of Clew's pages for agents, as Markdown (name from clew_skills_list; the number prefix may be left out).",
    inputSchema: { name: z.string().min(1) },
    needsStore: false,
    async run(args) {
      const names = skillNames();
      const name = names.find((n) => n === args.name || n.replace(/^\d+_/, '') === args.name);
      if (!name) throw new ClewError('not-found', `no skill '${args.name}' (have: ${names.join(', ')})`);
      return { success: true, package: 'clew', name, content: fs.readFileSync(path.join(skillsDir(), `${name}.md`), 'utf8') };
    },
  }),
];
