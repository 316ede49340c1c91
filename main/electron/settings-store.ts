import path from 'node:path';
import { app } from 'electron';
import Store from 'electron-store';
import { openSettings, type OpenSettingsOptions, type SettingsStore } from '../settings/store';

/** Settings in the Electron shell: electron-store in the user data folder, same schema as headless. */
export function openElectronSettings(opts: OpenSettingsOptions = {}): SettingsStore {
  const dir = app.getPath('userData');
  return openSettings(
    () => new Store<Record<string, unknown>>({ name: 'settings', clearInvalidConfig: false, configFileMode: 0o600 }),
    path.join(dir, 'settings.json'),
    opts,
  );
}
