import { app, BrowserWindow, ipcMain, net, Notification, protocol, safeStorage, session, shell, type Session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type BerthCore } from './core.js';
import { deployNotice } from './deploy/deploy-notice.js';
import type { DeployRecord } from '../shared/model/deploy.js';
import { resolveDataDir } from './storage/paths.js';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretStore } from './secrets/secret-store.js';
import {
  APP_SCHEME,
  appProtocolHandler,
  appSchemePrivileges,
  attachWebviewGuard,
  devServerUrl,
  guardedOpenExternal,
  isAppUrl,
  navigationGuard,
  permissionHandlers,
  webPreferences,
  windowOpenHandler,
  windowUrl,
  withCspHeader,
} from './window-policy.js';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL, apiCallHandler, windowClient } from './ipc-policy.js';

// Every security setting below comes from window-policy.ts / ipc-policy.ts, where it is unit-tested;
// electron/main.test.ts checks that this file hands exactly those values to Electron.
const devServer = devServerUrl(process.env, app.isPackaged);
// electron.vite.config.ts builds the page here, apart from the web build's out/renderer.
const rendererDir = path.join(import.meta.dirname, '../renderer-electron');

// Checklist 15: the only call of shell.openExternal, behind the http(s) check that both new-window requests and
// the core's shell.openExternal method go through.
const openExternal = guardedOpenExternal((url) => shell.openExternal(url)); // eng-disable OPEN_EXTERNAL_JS_CHECK

protocol.registerSchemesAsPrivileged(appSchemePrivileges());

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

function hardenSession(ses: Session): void {
  const permissions = permissionHandlers();
  ses.setPermissionRequestHandler(permissions.request);
  ses.setPermissionCheckHandler(permissions.check);
  ses.setDevicePermissionHandler(permissions.device);
  // app:// responses carry their CSP from the protocol handler; this covers the dev server.
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCspHeader(details.responseHeaders) }));
}

function hardenWebContents(): void {
  const guard = navigationGuard(devServer);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', guard);
    contents.on('will-frame-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', attachWebviewGuard);
    contents.setWindowOpenHandler(windowOpenHandler(openExternal));
  });
}

function serveApp(): void {
  protocol.handle(
    APP_SCHEME,
    appProtocolHandler({ rendererDir, join: path.join, normalize: path.normalize, fetchFile: (file) => net.fetch(pathToFileURL(file).toString()) }),
  );
}

function wireApi(core: BerthCore): void {
  ipcMain.handle(API_CALL_CHANNEL, apiCallHandler((method, input, caller) => core.router.dispatch(method, input, caller), devServer));
  // A reload or a closed window detaches its terminals; the reloaded page attaches them again.
  app.on('web-contents-created', (_event, contents) => {
    const detach = () => core.terminals.detachClient(windowClient(contents.id));
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) detach();
    });
    contents.on('destroyed', detach);
  });
  core.events.subscribe((event, payload) => {
    // The main process notifies: the renderer's own Notification would need a permission that stays denied.
    const notice = event === 'deploy.record' ? deployNotice(payload as DeployRecord) : undefined;
    if (notice && Notification.isSupported()) new Notification(notice).show();
    for (const win of BrowserWindow.getAllWindows()) {
      if (isAppUrl(win.webContents.getURL(), devServer)) win.webContents.send(API_EVENT_CHANNEL, event, payload);
    }
  });
}

function createWindow(): void {
  // webPreferences() sets contextIsolation, sandbox and every other flag these checks look for; the analyser cannot
  // follow the call, and electron/security-checklist.test.ts proves the values. New windows (middle click included)
  // are refused by windowOpenHandler, so Auxclick needs no Blink switch.
  const win = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Berth',
    show: false,
    backgroundColor: '#14161a',
    webPreferences: webPreferences(path.join(import.meta.dirname, '../preload/preload.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(windowUrl(devServer));
}

async function start(): Promise<void> {
  app.on('session-created', hardenSession);
  hardenWebContents();
  await app.whenReady();
  hardenSession(session.defaultSession);
  const dataDir = resolveDataDir(app.getPath('userData'));
  const core = createCore({
    dataDir,
    host: 'electron',
    version: app.getVersion(),
    secrets: createSecretStore(dataDir),
    openExternal,
  });
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
