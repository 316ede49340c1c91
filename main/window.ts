/**
 * The console window, hardened in one place (Electron's security checklist): sandboxed
 * renderer, context isolation, no Node, a strict CSP on every response, no navigation, no new
 * windows, every permission request denied. A crashed renderer is reloaded (at most 3 times a minute).
 */
import { app, BrowserWindow, net, protocol, session, type Session } from 'electron';
import { APP_HOST, appProtocolResponse } from './app-protocol';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before `app.whenReady()`: our pages get a standard, secure origin instead of file://. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request, rendererDir, (u) => net.fetch(u)));
}

function lockDownSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
}

export function createConsoleWindow(rendererDir: string, preloadPath: string): BrowserWindow {
  const ses = session.defaultSession;
  lockDownSession(ses);
  serveRenderer(ses, rendererDir);

  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#0f1720',
    title: 'Console CSU',
    webPreferences: {
      // Reviewed (electronegativity PRELOAD_JS_CHECK): the preload is sandboxed and exposes only
      // the contract's named functions through contextBridge, never ipcRenderer.
      preload: preloadPath, /* eng-disable PRELOAD_JS_CHECK */
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click must not open a link in a new window.
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  const wc = win.webContents;
  wc.on('will-navigate', (event) => event.preventDefault());
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  // A crashed renderer comes back as after F5: the wall is main's state (wall.get), the page
  // reopens the same tiles on new tokens. Not in a loop: a page that keeps crashing stays down.
  let reloads: number[] = [];
  wc.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    const now = Date.now();
    reloads = reloads.filter((t) => now - t < 60000);
    if (reloads.length >= 3) return;
    reloads.push(now);
    wc.reload();
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
