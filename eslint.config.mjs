// Lint: TypeScript rules (type-aware for .ts: exhaustive switches, type-only imports marked) plus
// the architecture's import boundaries (ARCHITECTURE.md): `vscode` only under src/extension/**
// and src/extension.ts; src/core never imports src/extension; webview code imports only
// webview/**, src/model/** and src/protocol/**; src/model and src/protocol import nothing else.
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message: 'Only src/extension/** and src/extension.ts may import vscode (ARCHITECTURE.md).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules for TypeScript sources (each file's own tsconfig, found by the project service).
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/extension/**', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/extension/**', '**/extension', '../extension'], message: 'src/core never imports src/extension (ARCHITECTURE.md).' }],
      }],
    },
  },
  {
    files: ['src/model/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['node:*', '**/core/**', '**/extension/**', '../extension'], message: 'src/model and src/protocol are shared with webviews: no node, core or extension imports.' },
        ],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['node:*', '**/src/core/**', '**/src/extension/**', '**/src/extension'], message: 'Webview code may import only webview/**, src/model/** and src/protocol/**.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
