/** Every tool of Clew's MCP server, in scitex-clew's order (spec extras §3). */
import type { ClewTool } from './tool';
import { CLAIM_TOOLS } from './tools/claims';
import { HASHING_TOOLS } from './tools/hashing';
import { RERUN_TOOLS } from './tools/rerun';
import { SKILL_TOOLS } from './tools/skills';
import { STAMPING_TOOLS } from './tools/stamping';
import { UNSUPPORTED_TOOLS } from './tools/unsupported';
import { VERIFICATION_TOOLS } from './tools/verification';

const UPSTREAM_ORDER = [
  'clew_list_runs', 'clew_run', 'clew_chain', 'clew_status', 'clew_stats', 'clew_mermaid', 'clew_dag', 'clew_rerun_dag', 'clew_rerun_claims',
  'clew_add_claim', 'clew_list_claims', 'clew_verify_claim', 'clew_register_intermediate', 'clew_remove_claim', 'clew_supersede_claim',
  'clew_is_claim_grounded', 'clew_export_manuscript_claims', 'clew_export_manuscript_hints',
  'clew_add_citation', 'clew_list_citations', 'clew_verify_citations', 'clew_verify_all_citations',
  'clew_hash_file', 'clew_hash_directory', 'clew_stamp', 'clew_list_stamps', 'clew_check_stamp', 'clew_skills_list', 'clew_skills_get',
];

const ALL = [...VERIFICATION_TOOLS, ...RERUN_TOOLS, ...CLAIM_TOOLS, ...UNSUPPORTED_TOOLS, ...HASHING_TOOLS, ...STAMPING_TOOLS, ...SKILL_TOOLS];

export const MCP_TOOLS: readonly ClewTool[] = [...ALL].sort((a, b) => UPSTREAM_ORDER.indexOf(a.name) - UPSTREAM_ORDER.indexOf(b.name));

export const SERVER_INSTRUCTIONS =
  'Clew answers provenance questions from the scitex-clew store of this project: is a file still backed by the data it was computed from, which runs produced it, which claims a changed file invalidates. ' +
  'Start with clew_status (what changed), clew_run (one run), clew_chain (one file) and clew_dag (several files or every claim; strict=true names the root cause). ' +
  'Every answer is JSON. clew_skills_list / clew_skills_get explain verdicts and which tool answers which question.';
