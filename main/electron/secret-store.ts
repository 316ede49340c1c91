import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../secrets';

/** Electron: secrets encrypted with the OS keychain (safeStorage) before they touch the disk. */
export function safeStorageSecrets(dir: string): SecretStore {
  const file = (name: string) => path.join(dir, 'secrets', `${name}.bin`);
  return {
    get(name) {
      if (!existsSync(file(name))) return undefined;
      return safeStorage.decryptString(readFileSync(file(name)));
    },
    set(name, value) {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('no OS encryption available for secrets');
      mkdirSync(path.dirname(file(name)), { recursive: true, mode: 0o700 });
      writeFileSync(file(name), safeStorage.encryptString(value), { mode: 0o600 });
    },
    delete(name) {
      rmSync(file(name), { force: true });
    },
  };
}
