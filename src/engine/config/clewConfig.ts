/**
 * The project's Clew config: the nearest `.scitex/clew/config.{yaml,yml,json}`, walking up from
 * a directory to the first `.scitex/clew/` holding such a file (the lookup upstream and
 * `findGrouperConfig` use). Unlike the grouper reader this parses the whole file with the `yaml`
 * package, because rerun settings are nested lists that a line scanner cannot read reliably.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export const CONFIG_NAMES = ['config.yaml', 'config.yml', 'config.json'] as const;

export type ConfigKeyPath = readonly (string | number)[];

export interface ClewConfig {
  file: string;
  /** The parsed file (null for an empty YAML file). */
  data: unknown;
  /** The 1-based line of a key path (or of its nearest existing ancestor), so errors can point at it. */
  lineOf(keys: ConfigKeyPath): number | undefined;
}

export interface ClewConfigProblem {
  file: string;
  /** Why the file cannot be used, naming the file (and the line when known). */
  problem: string;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Lines of key paths, read from the YAML syntax tree (JSON is YAML too, so this serves both). A
 * mapping key points at the key itself, where a user looks for it, not at its value's first line.
 */
function lineFinder(doc: Document | undefined, counter: LineCounter): (keys: ConfigKeyPath) => number | undefined {
  const lineOf = (node: unknown): number | undefined => {
    const range = typeof node === 'object' && node !== null && 'range' in node ? (node as { range?: [number, number, number] | null }).range : undefined;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  return (keys) => {
    let node: unknown = doc?.contents;
    let line = lineOf(node);
    for (const key of keys) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
        if (!pair) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
        node = node.items[key];
        line = lineOf(node) ?? line;
      } else {
        break;
      }
    }
    return line;
  };
}

/** JSON.parse reports a character position; users need a line. */
function jsonProblem(file: string, text: string, err: unknown): string {
  const message = errorText(err);
  const at = /position (\d+)/.exec(message);
  if (!at) return `${file}: not valid JSON (${message})`;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${file} line ${line}, column ${column}: not valid JSON (${message})`;
}

/** Parses one config file; exported for tests and for callers that already know the file. */
export function readClewConfig(file: string): ClewConfig | ClewConfigProblem {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { file, problem: `cannot read ${file} (${errorText(err)})` };
  }
  const counter = new LineCounter();
  if (file.endsWith('.json')) {
    let data: unknown;
    try {
      // Editors on Windows like to start JSON with a byte-order mark, which JSON.parse refuses.
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      return { file, problem: jsonProblem(file, text, err) };
    }
    let doc: Document | undefined;
    return {
      file,
      data,
      lineOf: (keys) => {
        doc ??= parseDocument(text, { lineCounter: counter });
        return lineFinder(doc.errors.length === 0 ? doc : undefined, counter)(keys);
      },
    };
  }
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? counter.linePos(error.pos[0]).line;
    return { file, problem: `${file} line ${line}: not valid YAML (${error.message.split('\n')[0]})` };
  }
  try {
    return { file, data: doc.toJS(), lineOf: lineFinder(doc, counter) };
  } catch (err) {
    // toJS() still refuses some well-formed documents (e.g. alias bombs).
    return { file, problem: `${file}: cannot be read as data (${errorText(err)})` };
  }
}

export function findClewConfig(cwd: string): ClewConfig | ClewConfigProblem | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const file = path.join(dir, '.scitex', 'clew', name);
      if (fs.existsSync(file)) return readClewConfig(file);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
