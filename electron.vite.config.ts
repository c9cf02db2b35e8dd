import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import path from 'node:path';
import { rendererConfig } from './renderer/vite.config';
import { cspMetaPlugin } from './renderer/csp-meta';
import { CONTENT_SECURITY_POLICY } from './electron/window-policy';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: { outDir: 'out/main', rollupOptions: { input: { main: path.resolve('electron/main.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { preload: path.resolve('electron/preload.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    ...rendererConfig,
    // The Electron page allows no WebSocket (it uses IPC); the same policy is sent as a header by the app:// handler.
    // Its own output directory, so the Electron and web bundles (whose CSPs differ) never overwrite each other.
    plugins: [...rendererConfig.plugins, cspMetaPlugin(CONTENT_SECURITY_POLICY)],
    build: { ...rendererConfig.build, outDir: path.resolve('out/renderer-electron'), rollupOptions: { input: path.resolve('renderer/index.html') } },
  },
});
