// Lint rules; no-restricted-imports enforces the layering of DESIGN.md.
import tseslint from 'typescript-eslint';

const otherLayers = ['**/debug-adapter/**', '**/extension/**', '**/cli/**', '**/language-server/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'out/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'core must not depend on VS Code' }],
        patterns: [
          { group: otherLayers, message: 'core imports nothing from the other layers' },
          { group: ['@vscode/*'], message: 'core knows nothing of DAP' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'net', 'os'], message: 'core uses the injected host interface, not Node I/O' },
        ],
      }],
    },
  },
  {
    files: ['debug-adapter/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'the debug adapter must not depend on VS Code' }],
        patterns: [
          { group: ['**/core/*/**', '**/core/*', '!**/core/index', '!**/core'], message: 'debug-adapter imports only core/index' },
          { group: ['**/extension/**', '**/cli/**', '**/language-server/**'], message: 'wrong layer' },
        ],
      }],
    },
  },
  {
    files: ['extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/**', '**/core'], message: 'the extension gets machine state only through DAP' }],
      }],
    },
  },
  {
    files: ['language-server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/*/**', '!**/core/isa/**'], message: 'the language server uses only core/isa' }],
      }],
    },
  },
);
