import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Secrets at rest (the console's server token): encrypted with safeStorage in Electron, a user-only file headless. */
export interface SecretStore {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** Headless: one file per secret, mode 0600 in a 0700 folder. */
export function fileSecretStore(dataDir: string): SecretStore {
  const dir = path.join(dataDir, 'secrets');
  const file = (name: string) => {
    if (!/^[a-z0-9-]{1,64}$/.test(name)) throw new Error('bad secret name');
    return path.join(dir, name);
  };
  return {
    get: (name) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim() : undefined),
    set: (name, value) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file(name), value, { mode: 0o600 });
      chmodSync(file(name), 0o600);
    },
    delete: (name) => rmSync(file(name), { force: true }),
  };
}
