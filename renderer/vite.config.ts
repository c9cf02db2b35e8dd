import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { cspMetaPlugin, WEB_PAGE_CSP } from './csp-meta';

const root = path.dirname(new URL(import.meta.url).pathname);

// Shared by electron-vite (renderer, built to out/renderer-electron) and `npm run build:web` (out/renderer): the same
// bundle but for the page's CSP, which renderer/csp-meta.ts sets per build.
export const rendererConfig = {
  root,
  base: './',
  plugins: [react()],
  resolve: {
    alias: [
      // monaco-editor 0.55+ maps `monaco-editor/*` to esm/vs/*, which breaks the older deep path
      // `monaco-editor/esm/vs/...` that monaco-yaml's worker (via monaco-worker-manager) imports.
      { find: /^monaco-editor\/esm\/vs\//, replacement: `${path.resolve(root, '../node_modules/monaco-editor/esm/vs')}/` },
    ],
  },
  build: {
    outDir: path.resolve(root, '../out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' as const },
};

// `npm run build:web`: the page needs its WebSocket; electron.vite.config.ts keeps the Electron policy instead.
export default defineConfig({ ...rendererConfig, plugins: [...rendererConfig.plugins, cspMetaPlugin(WEB_PAGE_CSP)] });
