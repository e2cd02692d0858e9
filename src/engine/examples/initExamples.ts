/** `init_examples(dest, variant)` (spec §10): writes the example pipeline files into `dest`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../errors';
import { EXAMPLE_VARIANTS, exampleFiles, type ExampleVariant } from './pipelines';

export interface InitExamplesResult {
  path: string;
  files: string[];
  file_count: number;
  variant: ExampleVariant;
}

/** Refuses a non-empty destination unless `force`, so it never overwrites someone's work by accident. */
export function initExamples(dest: string, variant: string = 'sequential', options: { force?: boolean } = {}): InitExamplesResult {
  if (!EXAMPLE_VARIANTS.includes(variant as ExampleVariant)) {
    throw new ClewError('usage', `unknown example variant '${variant}' (choose ${EXAMPLE_VARIANTS.join(' or ')})`);
  }
  const abs = path.resolve(dest);
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) throw new ClewError('usage', `${abs} exists and is not a folder`);
  if (fs.existsSync(abs) && fs.readdirSync(abs).length > 0 && !options.force) {
    throw new ClewError('usage', `${abs} is not empty (use --force to write the example files into it anyway)`);
  }
  fs.mkdirSync(abs, { recursive: true });
  const files = exampleFiles(variant as ExampleVariant);
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(abs, name), content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const names = Object.keys(files).sort();
  return { path: abs, files: names, file_count: names.length, variant: variant as ExampleVariant };
}
