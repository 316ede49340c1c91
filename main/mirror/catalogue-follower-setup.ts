import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import { CatalogueFollower } from './catalogue-follower';
import { checkServerUrl } from './transport';

/**
 * The catalogue follower where a central server is configured (URL in the settings, token in the
 * secret store), started at once; none otherwise: the console's catalogue is then edited locally.
 * Like the mirror, it reads the token at each request and takes a new URL at the next start.
 */
export async function startCatalogueFollower(o: {
  db: Knex;
  consoleId: string;
  serverUrl: string | undefined;
  caFile: string | undefined;
  secrets: SecretStore;
  clock: Clock;
  log: Logger;
  allowSim: boolean;
  pollMs?: number | undefined;
}): Promise<CatalogueFollower | undefined> {
  if (!o.serverUrl || checkServerUrl(o.serverUrl) !== 'ok' || !o.secrets.get('mirror-token')) return undefined;
  let ca: string | undefined;
  try {
    ca = o.caFile ? readFileSync(o.caFile, 'utf8') : undefined;
  } catch {
    // The mirror logs it; the follower asks anyway and will say UNREACHABLE if the certificate needs that CA.
  }
  const follower = new CatalogueFollower({ db: o.db, consoleId: o.consoleId, serverUrl: o.serverUrl, token: () => o.secrets.get('mirror-token'), signingKeyPem: () => o.secrets.get('mirror-signing-key'), ...(ca ? { ca } : {}), clock: o.clock, log: o.log, allowSim: o.allowSim, ...(o.pollMs ? { pollMs: o.pollMs } : {}) });
  await follower.start();
  return follower;
}
