import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ChildSpawner } from '../child';
import type { Logger } from '../log';

export interface EmbeddedCentral {
  url: string;
  token: string;
  /** The one-time code that enrols this console's signing key (the demo signs like a real console). */
  code: string | undefined;
  pid: number | undefined;
  close(): Promise<void>;
}

/**
 * The built child entry (dist/server/embedded.js). From the bundle (dist/main) it is a sibling
 * folder; from the sources (Jest runs main/ through swc) it is the build in the repo's dist/.
 */
export function embeddedServerEntry(from: string = __dirname): string {
  const candidates = [path.join(from, '..', 'server', 'embedded.js'), path.join(from, '..', '..', 'dist', 'server', 'embedded.js')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`embedded central server not built: none of ${candidates.join(', ')} (run node scripts/build.mjs)`);
  return found;
}

/** Starts the embedded demo central server as a child process and waits for its port and token. */
export function startEmbeddedCentral(o: { spawn: ChildSpawner; dbFile: string; consoleId: string; now: number; log: Logger; entry?: string }): Promise<EmbeddedCentral> {
  const child = o.spawn(o.entry ?? embeddedServerEntry(), ['--db', o.dbFile, '--console-id', o.consoleId, '--now', String(o.now)], (line) => o.log.warn('embedded central: %s', line));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.onExit((code) => {
      exited = true;
      if (code !== 0) o.log.warn('embedded central server exited with code %s', code);
      resolve();
    }),
  );
  return new Promise<EmbeddedCentral>((resolve, reject) => {
    void exit.then(() => reject(new Error('embedded central server exited before it was ready')));
    child.onMessage((m) => {
      const msg = m as { type?: string; port?: number; token?: string; code?: string; message?: string };
      if (msg.type === 'error') reject(new Error(`embedded central server: ${msg.message}`));
      if (msg.type !== 'ready' || typeof msg.port !== 'number' || typeof msg.token !== 'string') return;
      resolve({
        url: `http://127.0.0.1:${msg.port}`,
        token: msg.token,
        code: typeof msg.code === 'string' ? msg.code : undefined,
        pid: child.pid,
        close: async () => {
          if (exited) return;
          // A clean stop closes central.sqlite (WAL checkpoint); SIGTERM does the same in the child.
          child.postMessage({ type: 'stop' });
          await exit;
        },
      });
    });
  });
}
