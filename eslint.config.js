import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import sdl from '@microsoft/eslint-plugin-sdl';
import noInsecureUrl from '@microsoft/eslint-plugin-sdl/lib/rules/no-insecure-url.js';

// Layering is enforced here rather than by convention: shared/ is pure and
// imports neither side; the renderer never reaches Node or Electron; only
// main.ts and preload.ts may import electron.
const nodeBuiltins = ['fs', 'path', 'child_process', 'net', 'os', 'crypto', 'http', 'https', 'stream', 'util', 'events', 'tls', 'dns', 'worker_threads'];
const nodeImportPatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/screenshots/**', 'test-results/**', 'playwright-report/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Microsoft's SDL rules (eval, innerHTML, document.write, insecure URLs, Electron nodeIntegration, React's
  // dangerouslySetInnerHTML and target=_blank, deprecated Node APIs). The plugin declares a peer of eslint ^9 and
  // works with eslint 10; package.json's "overrides" points its peer at this project's eslint.
  ...sdl.configs.recommended,
  {
    settings: { react: { version: '19' } },
    rules: {
      '@microsoft/sdl/no-insecure-url': ['error', {
        exceptions: [
          ...noInsecureUrl.defaultExceptions.map((re) => re.source),
          // Loopback only: the web host listens on 127.0.0.1, and containers' health checks probe themselves.
          '^(http|ws)://(127\\.0\\.0\\.1|localhost|\\[::1\\])([:/]|$)',
          // JSON Schema's meta-schema identifiers are http URIs by definition; nothing fetches them.
          '^http://json-schema\\.org/',
        ],
      }],
    },
  },
  {
    // Tests and e2e specs speak plain HTTP to the throwaway servers they start (loopback, network namespaces) and use
    // foreign origins and document.cookie to prove the app refuses them; none of it ships.
    files: ['**/*.test.ts', 'test/**', 'e2e/**'],
    rules: { '@microsoft/sdl/no-insecure-url': 'off', '@microsoft/sdl/no-cookies': 'off' },
  },
  {
    // `http://${Host header}` is compared with the loopback origins the web host serves (allowedOrigins); nothing is fetched.
    files: ['electron/web/server.ts'],
    rules: { '@microsoft/sdl/no-insecure-url': 'off' },
  },
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
