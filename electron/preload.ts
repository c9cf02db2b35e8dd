import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_GLOBAL, preloadApi } from './preload-api.js';

// Everything the page can reach: electron/preload-api.ts (tested in preload.test.ts).
contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, preloadApi(ipcRenderer));
