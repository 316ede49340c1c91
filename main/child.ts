import { fork } from 'node:child_process';

/**
 * A child process main talks to by messages. Two implementations: Node's fork (headless shell,
 * tests) and Electron's utilityProcess (main/electron/utility-process.ts), because the packaged
 * app turns the RunAsNode fuse off and with it child_process.fork of the Electron binary.
 */
export interface ChildHandle {
  readonly pid: number | undefined;
  postMessage(m: unknown): void;
  onMessage(cb: (m: unknown) => void): void;
  onExit(cb: (code: number | null) => void): void;
  kill(): void;
}

export type ChildSpawner = (entry: string, args: string[], onStderr: (line: string) => void) => ChildHandle;

export const forkSpawner: ChildSpawner = (entry, args, onStderr) => {
  // execArgv emptied: a parent run with --inspect must not make the child fight for the port.
  const child = fork(entry, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => d.split('\n').filter(Boolean).forEach(onStderr));
  return {
    pid: child.pid,
    postMessage: (m) => {
      if (child.connected) child.send(m as object);
    },
    onMessage: (cb) => child.on('message', cb),
    onExit: (cb) => child.on('exit', (code) => cb(code)),
    kill: () => child.kill('SIGTERM'),
  };
};
