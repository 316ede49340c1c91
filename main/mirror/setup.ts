import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Knex } from 'knex';
import { buildServer } from '../../server/app';
import { openServerDb } from '../../server/db';
import { issueToken } from '../../server/store';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import { Mirror, type MirrorStatus } from './mirror';

export interface MirrorSetup {
  mirror: Mirror | undefined;
  embeddedUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * A configured server URL + token: mirror to it. No server in demo mode: start an embedded
 * central server (SQLite, loopback, random port) and mirror to it, so the demo shows the whole
 * path. Production without a server: the mirror is « non configuré ».
 */
export async function setupMirror(o: {
  db: Knex;
  consoleId: string;
  dataDir: string;
  mode: 'demo' | 'production';
  serverUrl?: string;
  secrets: SecretStore;
  clock: Clock;
  log: Logger;
  onStatus: (s: MirrorStatus) => void;
}): Promise<MirrorSetup> {
  if (o.serverUrl) {
    const token = o.secrets.get('mirror-token');
    if (!token) {
      o.log.warn('mirror: a server URL is set but no token is stored; not mirroring');
      return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
    }
    const mirror = new Mirror({ db: o.db, consoleId: o.consoleId, serverUrl: o.serverUrl, token, clock: o.clock, log: o.log, onStatus: o.onStatus });
    mirror.start();
    return { mirror, embeddedUrl: undefined, close: () => mirror.stop() };
  }
  if (o.mode !== 'demo') return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
  const centralDb = await openServerDb(path.join(o.dataDir, 'central.sqlite'));
  // The embedded server lives only as long as this process: a fresh token each start.
  const token = await issueToken(centralDb, 'consoles', o.consoleId, o.clock.now());
  const app = buildServer(centralDb);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const mirror = new Mirror({ db: o.db, consoleId: o.consoleId, serverUrl: url, token, clock: o.clock, log: o.log, onStatus: o.onStatus, pollMs: 500 });
  mirror.start();
  return {
    mirror,
    embeddedUrl: url,
    close: async () => {
      await mirror.stop();
      await app.close();
      await centralDb.destroy();
    },
  };
}
