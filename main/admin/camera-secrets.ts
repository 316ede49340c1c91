import { createHash } from 'node:crypto';

/**
 * A camera's password lives in the secret store under a name derived from its id (the store's
 * names are a narrow alphabet; camera ids are not), never in the database, the journal or a log.
 */
export function cameraSecretName(cameraId: string): string {
  return `camera-${createHash('sha256').update(cameraId).digest('hex').slice(0, 40)}`;
}
