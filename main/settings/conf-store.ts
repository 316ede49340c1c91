import path from 'node:path';
import Conf from 'conf';
import { openSettings, type OpenSettingsOptions, type SettingsStore } from './store';

/** Settings outside Electron (headless shell, tests): electron-store's base library, same file format. */
export function openConfSettings(dataDir: string, opts: OpenSettingsOptions = {}): SettingsStore {
  return openSettings(
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dataDir,
        configName: 'settings',
        clearInvalidConfig: false,
        configFileMode: 0o600,
        projectSuffix: '',
      }),
    path.join(dataDir, 'settings.json'),
    opts,
  );
}
