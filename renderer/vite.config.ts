import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);

// Shared by electron-vite (renderer) and `npm run build:web`: both serve the same bundle.
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

export default defineConfig(rendererConfig);
