import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Layering is enforced here rather than by convention: shared/ is pure and
// imports neither side; the renderer never reaches Node or Electron; only
// main.ts and preload.ts may import electron.
const nodeBuiltins = ['fs', 'path', 'child_process', 'net', 'os', 'crypto', 'http', 'https', 'stream', 'util', 'events', 'tls', 'dns', 'worker_threads'];
const nodeImportPatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/screenshots/**', 'test-results/**', 'playwright-report/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main.ts and electron/preload.ts import electron.' }] }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'shared/ is pure.' }],
        patterns: [
          { group: nodeImportPatterns, message: 'shared/ is pure: no I/O, no Node modules.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ must not import from the layers above it.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to the typed API.' }],
        patterns: [
          { group: nodeImportPatterns, message: 'The renderer has no Node access.' },
          { group: ['**/electron/**'], message: 'The renderer talks only to the typed API.' },
        ],
      }],
    },
  },
);
