import type { AppInfo, Handlers } from '../preload/contract';
import type { Clock, OffsetClock } from './clock';
import { EventBus } from './events';
import type { Logger } from './log';
import type { SettingsStore } from './settings/store';
import type { CallContext } from './transport/dispatch';

declare const __APP_VERSION__: string;
declare const __BUILD_TIME__: string;

export interface ServicesConfig {
  shell: AppInfo['shell'];
  dataDir: string;
  settings: SettingsStore;
  clock: Clock;
  log: Logger;
  /** Present only when the headless shell runs with --test-hooks; never in the Electron build. */
  testHooks?: { clock: OffsetClock };
}

export interface Services {
  handlers: Handlers<CallContext>;
  events: EventBus;
  close(): Promise<void>;
}

function buildInfo(): { version: string; buildTime: string } {
  // esbuild defines these; under Jest (no bundling) they are absent.
  const version = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : (process.env.npm_package_version ?? '0.0.0-dev');
  const buildTime = typeof __BUILD_TIME__ === 'string' ? __BUILD_TIME__ : new Date(0).toISOString();
  return { version, buildTime };
}

/** The whole service graph, shared by the Electron and headless shells. */
export async function createServices(config: ServicesConfig): Promise<Services> {
  const { version, buildTime } = buildInfo();
  const handlers: Handlers<CallContext> = {
    app: {
      info: () => {
        const s = config.settings.get();
        return { name: 'Console CSU', version, mode: s.mode, consoleId: s.consoleId, buildTime, shell: config.shell };
      },
    },
  };
  const events = new EventBus();
  return {
    handlers,
    events,
    async close() {},
  };
}
