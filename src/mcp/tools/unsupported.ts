/**
 * Upstream tools for features Clew does not have yet. They are listed with upstream's parameters
 * so an agent sees the whole surface, and each answers one clear error naming the feature.
 */
import { z } from 'zod';
import { ClewError } from '../../engine/errors';
import { defineTool, type ClewTool } from '../tool';

export function notSupported(feature: string): never {
  throw new ClewError('usage', `not supported by Clew yet: ${feature}`);
}

const dict = () => z.record(z.string(), z.unknown());

function unsupportedTool<Shape extends z.ZodRawShape>(name: string, feature: string, what: string, inputSchema: Shape): ClewTool {
  return defineTool({
    name,
    description: `Not supported by Clew yet (${feature}): always answers an error. In scitex-clew: ${what}`,
    inputSchema,
    needsStore: false,
    run: async () => notSupported(feature),
  });
}

export const UNSUPPORTED_TOOLS: readonly ClewTool[] = [
  unsupportedTool('clew_is_claim_grounded', 'grounding (the registered-source gate)', 'whether a claim\'s provenance chain reaches a registered source.', {
    claim_location: z.string(),
    workdir: z.string().default('.'),
  }),
  unsupportedTool('clew_export_manuscript_hints', 'manuscript hints', 'exports hints for the manuscript writer.', { path: z.string().nullish(), read_only: z.boolean().default(true) }),
  unsupportedTool('clew_add_citation', 'citations', 'registers a cited reference.', {
    cite_key: z.string(),
    manuscript_file: z.string().nullish(),
    line_number: z.number().int().nullish(),
    doi: z.string().nullish(),
    source_id: z.string().nullish(),
    metadata: dict().nullish(),
    url: z.string().nullish(),
    is_stub: z.boolean().default(false),
    resolved: z.boolean().default(true),
  }),
  unsupportedTool('clew_list_citations', 'citations', 'lists registered citations.', { manuscript_file: z.string().nullish(), status: z.string().nullish(), limit: z.number().int().default(1000) }),
  unsupportedTool('clew_verify_citations', 'citations', 'verifies citation entries.', { entries: z.array(dict()) }),
  unsupportedTool('clew_verify_all_citations', 'citations', 'the citation gate over every entry.', { entries: z.array(dict()), strict: z.boolean().default(false) }),
];
