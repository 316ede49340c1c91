/**
 * The Electron entry. It cannot be launched on the build machines (no Electron binary there);
 * the headless shell (`main/headless.ts`) runs the same services for tests.
 */
// First: bounds V8's young generation before the other modules load (young-gen.ts).
import './young-gen-start';
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { DbError } from '../db/errors';
import { systemClock } from './clock';
import { electronReportDelivery } from './electron/report-delivery';
import { safeStorageSecrets } from './electron/secret-store';
import { openElectronSettings } from './electron/settings-store';
import { utilitySpawner } from './electron/utility-process';
import { mainT } from './i18n';
import { createLogger } from './log';
import { createServices, type Services } from './services';
import { SettingsError } from './settings/store';
import { createDispatcher } from './transport/dispatch';
import { registerIpc } from './transport/ipc';
import { APP_ORIGIN, createConsoleWindow, registerAppScheme } from './window';

const log = createLogger('electron');

// Chromium's own widgets (date fields, validation bubbles) follow the application locale, not
// i18next: the console speaks French whatever the workstation's language.
app.commandLine.appendSwitch('lang', 'fr-FR');
// --user-data-dir (a test's fresh profile, a second console on one machine) holds the settings
// and the registry too; set before the single-instance lock, which lives in that folder.
const userDataDir = app.commandLine.getSwitchValue('user-data-dir');
if (userDataDir) app.setPath('userData', path.resolve(userDataDir));
if (!app.requestSingleInstanceLock()) app.quit();
registerAppScheme();
app.enableSandbox();

let services: Services | undefined;
let win: BrowserWindow | undefined;

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function start(): Promise<void> {
  await app.whenReady();
  let settings;
  try {
    settings = openElectronSettings({ onUpgrade: (from, saved) => log.info('settings upgraded from version %d; the previous file is kept as %s', from, saved) });
  } catch (err) {
    if (err instanceof SettingsError) {
      dialog.showErrorBox('Console CSU', mainT()('errors.SETTINGS_INVALID', { file: err.file, reason: err.reason }));
      app.exit(78);
      return;
    }
    throw err;
  }
  try {
    services = await createServices({ shell: 'electron', dataDir: app.getPath('userData'), assetsDir: path.join(app.getAppPath(), 'assets'), settings, clock: systemClock, log, secrets: safeStorageSecrets(app.getPath('userData')), spawnChild: utilitySpawner, reportDelivery: () => electronReportDelivery(() => win) });
  } catch (err) {
    if (err instanceof DbError) {
      log.error('%s', err.message);
      dialog.showErrorBox('Console CSU', mainT()(`errors.${err.code}`, { file: (err.details as { file?: string } | undefined)?.file ?? '' }));
      app.exit(74);
      return;
    }
    throw err;
  }
  services.allowOrigin(APP_ORIGIN);
  const session = services.session;
  registerIpc(createDispatcher(services.handlers, log, () => session.operator), () => win?.webContents, services.events, { origin: APP_ORIGIN, log });
  win = createConsoleWindow(path.join(__dirname, '..', 'renderer'), path.join(__dirname, '..', 'preload', 'index.js'));
  win.on('closed', () => (win = undefined));
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !services) return;
  event.preventDefault();
  quitting = true;
  services.close().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());

start().catch((err: unknown) => {
  log.error('start failed: %s', err instanceof Error ? err.stack : String(err));
  app.exit(1);
});
