import { utilityProcess } from 'electron';
import type { ChildSpawner } from '../child';

/** Electron's child process: works with the RunAsNode fuse off, and dies with the app. */
export const utilitySpawner: ChildSpawner = (entry, args, onStderr) => {
  const child = utilityProcess.fork(entry, args, { stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'Console CSU central' });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => d.split('\n').filter(Boolean).forEach(onStderr));
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (m) => child.postMessage(m),
    onMessage: (cb) => child.on('message', cb),
    onExit: (cb) => child.on('exit', (code) => cb(code)),
    kill: () => void child.kill(),
  };
};
