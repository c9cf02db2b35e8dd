import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type BerthCore } from './core.js';
import { resolveDataDir } from './storage/paths.js';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretStore } from './secrets/secret-store.js';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, isAppUrl, isExternalLinkAllowed, resolveAppAsset, secureWebPreferences } from './window-policy.js';
import { ApiError } from '../shared/api/errors.js';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererDir = path.join(import.meta.dirname, '../renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function createSecretStore(dataDir: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) {
    return new MemorySecretStore('This system offers no encrypted storage, so passwords and passphrases are kept for this session only.');
  }
  // On Linux without a keyring Electron falls back to a hard-coded key; that is plain text in disguise.
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return new MemorySecretStore('No desktop keyring (GNOME Keyring or KWallet) is running, so passwords and passphrases are kept for this session only. Start a keyring to let Berth remember them.');
  }
  return new EncryptedFileSecretStore(dataDir, {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  });
}

function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLinkAllowed(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function serveApp(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const file = resolveAppAsset(request.url, rendererDir, path.join, path.normalize);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

function wireApi(core: BerthCore): void {
  ipcMain.handle('berth:call', async (event, method: unknown, input: unknown) => {
    // Only our own page may call the API, never a frame that navigated elsewhere.
    if (!event.senderFrame || !isAppUrl(event.senderFrame.url, devServerUrl)) {
      return { ok: false, error: new ApiError('INVALID_INPUT', 'Call refused: it did not come from the Berth window.').toJSON() };
    }
    try {
      return { ok: true, result: await core.router.dispatch(method, input) };
    } catch (err) {
      return { ok: false, error: ApiError.from(err).toJSON() };
    }
  });
  core.events.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send('berth:event', event, payload);
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Berth',
    show: false,
    backgroundColor: '#14161a',
    webPreferences: secureWebPreferences(path.join(import.meta.dirname, '../preload/preload.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = resolveDataDir(app.getPath('userData'));
  const core = createCore({
    dataDir,
    host: 'electron',
    version: app.getVersion(),
    secrets: createSecretStore(dataDir),
    openExternal: (url) => shell.openExternal(url),
  });
  hardenSessions();
  serveApp();
  wireApi(core);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    void core.dispose();
  });
}

void start();
