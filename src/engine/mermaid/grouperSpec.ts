/**
 * Upstream's grouper specs (spec §7.4) → a Grouper, or a sentence saying why not. The same shapes
 * upstream accepts from its config file, CLI and API: a name (`auto`), or `{type, …options}` with
 * upstream's option names, `compose` nesting specs under `steps`. Unlike upstream (which raises a
 * Python TypeError), unknown options, missing regexes and bad numbers are reported by name; and
 * `custom` — a Python callable to import — is refused with what to use instead.
 */
import type { Grouper } from './types';
import { pythonRegex } from './groupers';

export const GROUPER_NAMES = ['identity', 'drop_all_files', 'pattern', 'directory', 'session_bundle', 'auto', 'compose'] as const;

/** Upstream's defaults for `auto`. */
export const AUTO_PATTERNS = ['P\\d+', '\\d{4}-\\d{2}-\\d{2}', 'fold_\\d+'];

const OPTIONS: Record<string, readonly string[]> = {
  identity: [],
  drop_all_files: [],
  session_bundle: ['max_files'],
  pattern: ['regex', 'placeholder'],
  directory: ['min_size', 'depth'],
  auto: ['pattern_regexes', 'directory_min', 'bundle_max'],
  compose: ['steps'],
};

class SpecProblem extends Error {}

function whole(options: Record<string, unknown>, key: string, fallback: number, type: string): number {
  const value = options[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SpecProblem(`the ${type} grouper's ${key} must be a whole number, got ${JSON.stringify(value)}`);
  return value;
}

function regexOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new SpecProblem(`${what} must be a regular expression (a non-empty string), got ${JSON.stringify(value)}`);
  try {
    pythonRegex(value);
  } catch (err) {
    throw new SpecProblem(`${what} '${value}' is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`);
  }
  return value;
}

function parse(spec: unknown, depth: number): Grouper {
  if (depth > 20) throw new SpecProblem('compose steps nest more than 20 deep');
  let options: Record<string, unknown>;
  if (typeof spec === 'string') options = { type: spec };
  else if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) options = spec as Record<string, unknown>;
  else throw new SpecProblem(`a grouper spec is a name or a mapping with a 'type', got ${JSON.stringify(spec)}`);
  if (!('type' in options)) throw new SpecProblem(`a grouper spec needs a 'type' (one of ${GROUPER_NAMES.join(', ')}), got ${JSON.stringify(spec)}`);
  const type = options.type;
  if (type === 'custom') {
    const target = typeof options.import === 'string' ? ` (${options.import})` : '';
    throw new SpecProblem(`the custom grouper imports a Python function${target}, which Clew cannot run; use pattern, directory, session_bundle, auto or compose instead`);
  }
  if (typeof type !== 'string' || !(type in OPTIONS)) throw new SpecProblem(`unknown grouper type ${JSON.stringify(type)} (known: ${GROUPER_NAMES.join(', ')}, custom)`);
  const unknown = Object.keys(options).filter((k) => k !== 'type' && !OPTIONS[type].includes(k));
  if (unknown.length > 0) {
    const allowed = OPTIONS[type].length > 0 ? `its options: ${OPTIONS[type].join(', ')}` : 'it takes no options';
    throw new SpecProblem(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} for the ${type} grouper (${allowed})`);
  }
  switch (type) {
    case 'identity':
    case 'drop_all_files':
      return { type };
    case 'session_bundle': {
      const maxFiles = whole(options, 'max_files', 3, type);
      if (maxFiles < 0) throw new SpecProblem(`the session_bundle grouper's max_files must be 0 or more, got ${maxFiles}`);
      return { type, maxFiles };
    }
    case 'pattern': {
      if (options.regex === undefined) throw new SpecProblem("the pattern grouper needs a 'regex' (e.g. {type: pattern, regex: 'P\\d+'}, or --grouper 'pattern:P\\d+')");
      const placeholder = options.placeholder ?? '{X}';
      if (typeof placeholder !== 'string') throw new SpecProblem(`the pattern grouper's placeholder must be text, got ${JSON.stringify(placeholder)}`);
      return { type, regex: regexOf(options.regex, "the pattern grouper's regex"), placeholder };
    }
    case 'directory':
      return { type, minSize: whole(options, 'min_size', 10, type), depth: whole(options, 'depth', 1, type) };
    case 'auto': {
      const regexes = options.pattern_regexes ?? AUTO_PATTERNS;
      if (!Array.isArray(regexes)) throw new SpecProblem(`the auto grouper's pattern_regexes must be a list, got ${JSON.stringify(regexes)}`);
      return {
        type,
        patternRegexes: regexes.map((r, i) => regexOf(r, `the auto grouper's pattern_regexes[${i}]`)),
        directoryMin: whole(options, 'directory_min', 10, type),
        bundleMax: whole(options, 'bundle_max', 3, type),
      };
    }
    default: {
      const steps = options.steps ?? [];
      if (!Array.isArray(steps)) throw new SpecProblem(`the compose grouper's steps must be a list of grouper specs, got ${JSON.stringify(steps)}`);
      return { type: 'compose', steps: steps.map((s) => parse(s, depth + 1)) };
    }
  }
}

/** A grouper from upstream's spec (a name or a mapping), or why Clew cannot draw it. */
export function grouperFromSpec(spec: unknown): Grouper | string {
  try {
    return parse(spec, 0);
  } catch (err) {
    if (err instanceof SpecProblem) return err.message;
    throw err;
  }
}

/**
 * The CLI's `--grouper` value: a name, a JSON spec (`{"type": "compose", "steps": […]}`), or a
 * short form `session_bundle:N`, `pattern:REGEX`, `directory:MIN_SIZE[:DEPTH]`.
 */
export function grouperFromOption(value: string): Grouper | string {
  const text = value.trim();
  if (text.startsWith('{')) {
    let spec: unknown;
    try {
      spec = JSON.parse(text);
    } catch (err) {
      return `'${value}' is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
    }
    return grouperFromSpec(spec);
  }
  const colon = text.indexOf(':');
  if (colon < 0) return grouperFromSpec(text);
  const name = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const number = (s: string | undefined): number | string | undefined => (s === undefined ? undefined : /^-?\d+$/.test(s) ? Number(s) : s);
  if (name === 'pattern') return grouperFromSpec({ type: name, regex: rest });
  if (name === 'session_bundle') return grouperFromSpec({ type: name, max_files: number(rest) });
  if (name === 'directory') {
    const [minSize, depth, ...extra] = rest.split(':');
    if (extra.length > 0) return `'${value}': directory takes at most MIN_SIZE:DEPTH`;
    return grouperFromSpec({ type: name, min_size: number(minSize), ...(depth !== undefined ? { depth: number(depth) } : {}) });
  }
  return `'${value}': only session_bundle:N, pattern:REGEX and directory:MIN_SIZE[:DEPTH] take a value after ':' (others: a JSON spec)`;
}

/** A short description of a grouper for titles and logs, in upstream's spec words. */
export function describeGrouper(grouper: Grouper): string {
  switch (grouper.type) {
    case 'session_bundle':
      return `session_bundle (max_files ${grouper.maxFiles})`;
    case 'pattern':
      return `pattern ${grouper.regex}`;
    case 'directory':
      return `directory (min_size ${grouper.minSize}, depth ${grouper.depth})`;
    case 'compose':
      return `compose [${grouper.steps.map(describeGrouper).join(', ')}]`;
    default:
      return grouper.type;
  }
}
