import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './tmp';

export interface RunningHeadless {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts the built headless shell (`npm run build` first) as a child process, as a user would. */
/** `env`: added to the child's environment (Jest's process.env is the test's copy, which a child does not inherit). */
export async function spawnHeadless(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningHeadless> {
  const entry = path.join(repoRoot, 'dist', 'main', 'headless.js');
  if (!existsSync(entry)) throw new Error('dist/main/headless.js is missing: run `npm run build` first');
  const child = spawn(process.execPath, [entry, '--data-dir', dataDir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless did not start: ${err}`)), 20000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless exited with ${code}: ${err}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: new URLSearchParams(u.hash.slice(1)).get('token')!,
    child,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        // A child killed by a signal keeps exitCode null: signalCode says it is gone too.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
