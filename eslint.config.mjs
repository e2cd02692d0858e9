// Lint rules that carry the project's design decisions:
//  - the engine and the CLI never import `vscode` (they run under node --test and the CLI);
//  - no `any`, no default exports;
//  - nothing writes the shared store through sql.js export() (see src/engine/store/README in the code).
import tseslint from 'typescript-eslint';

const noDefaultExport = {
  selector: 'ExportDefaultDeclaration',
  message: 'Use named exports (project style).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'media/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noDefaultExport],
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The engine and CLI are pure: never import vscode here.' },
          { name: 'node:sqlite', message: 'No in-process SQLite connection in a process that reads the store (lock-loss hazard).' },
          { name: 'better-sqlite3', message: 'No in-process SQLite connection in a process that reads the store.' },
        ],
      }],
      'no-restricted-syntax': ['error', noDefaultExport, {
        selector: "CallExpression[callee.property.name='export'][arguments.length=0]",
        message: 'Never export() a sql.js database: writes go through the out-of-process writer.',
      }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The webview runs in a browser: talk to the host through the message contract.' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
