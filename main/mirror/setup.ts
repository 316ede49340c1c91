import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { forkSpawner, type ChildSpawner } from '../child';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import { startEmbeddedCentral } from './embedded-central';
import { Mirror, type MirrorStatus } from './mirror';
import { checkServerUrl } from './transport';
import { newSigningKey } from '../../db/journal-signature';

export interface MirrorSetup {
  mirror: Mirror | undefined;
  embeddedUrl: string | undefined;
  /** The embedded central server's process id (demo without a configured server). */
  embeddedPid?: number | undefined;
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
  /** PEM file of an internal CA (setting mirror.caFile). */
  caFile?: string;
  secrets: SecretStore;
  clock: Clock;
  log: Logger;
  onStatus: (s: MirrorStatus) => void;
  /** How to start the embedded server's process: Node's fork unless the shell gives another. */
  spawnChild?: ChildSpawner;
}): Promise<MirrorSetup> {
  if (o.serverUrl) {
    // Never in clear over a network: the token and the registry's personal data (the admin screen refuses it too; this catches a hand-edited file).
    if (checkServerUrl(o.serverUrl) !== 'ok') {
      o.log.error('mirror: %s refused: https:// is required outside loopback; not mirroring', new URL(o.serverUrl).origin);
      return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
    }
    let ca: string | undefined;
    try {
      ca = o.caFile ? readFileSync(o.caFile, 'utf8') : undefined;
    } catch (err) {
      o.log.error('mirror: cannot read the CA file %s (%s); not mirroring', o.caFile, (err as { code?: string }).code ?? 'error');
      return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
    }
    const token = o.secrets.get('mirror-token');
    const signingKey = signingKeyOf(o.secrets);
    if (!token) {
      o.log.warn('mirror: a server URL is set but no token is stored; not mirroring');
      return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
    }
    // Read at each request: `add-console --rotate` then storing the new token needs no restart.
    const mirror = new Mirror({ db: o.db, consoleId: o.consoleId, serverUrl: o.serverUrl, token: () => o.secrets.get('mirror-token'), signing: { privateKeyPem: signingKey, enrolmentCode: () => o.secrets.get('mirror-enrolment-code'), onEnrolled: () => o.secrets.delete('mirror-enrolment-code') }, ...(ca ? { ca } : {}), clock: o.clock, log: o.log, onStatus: o.onStatus });
    mirror.start();
    return { mirror, embeddedUrl: undefined, close: () => mirror.stop() };
  }
  if (o.mode !== 'demo') return { mirror: undefined, embeddedUrl: undefined, close: async () => undefined };
  // A child process, not in-process: main/ never imports server/ (Fastify, pg).
  const central = await startEmbeddedCentral({ spawn: o.spawnChild ?? forkSpawner, dbFile: path.join(o.dataDir, 'central.sqlite'), consoleId: o.consoleId, now: o.clock.now(), log: o.log });
  const code = central.code;
  const mirror = new Mirror({ db: o.db, consoleId: o.consoleId, serverUrl: central.url, token: central.token, ...(code ? { signing: { privateKeyPem: signingKeyOf(o.secrets), enrolmentCode: () => code } } : {}), clock: o.clock, log: o.log, onStatus: o.onStatus, pollMs: 500 });
  mirror.start();
  return {
    mirror,
    embeddedUrl: central.url,
    embeddedPid: central.pid,
    close: async () => {
      await mirror.stop();
      await central.close();
    },
  };
}

/** The console's Ed25519 key: made once, kept in the secret store, never sent; its public half is enrolled with the server. */
export function signingKeyOf(secrets: SecretStore): string {
  let key = secrets.get('mirror-signing-key');
  if (!key) {
    key = newSigningKey().privateKeyPem;
    secrets.set('mirror-signing-key', key);
  }
  return key;
}
