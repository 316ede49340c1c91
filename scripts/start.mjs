// `npm start`: the Electron app where its binary is installed; otherwise (build machines, where it
// cannot be downloaded) the same console through the headless shell, whose URL is printed.
// Stopping it stops everything it started: a signal is forwarded to the shell (which ends its
// grants, ffmpeg and embedded server before exiting), and the shell goes too when this wrapper dies.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let electron;
try {
  electron = require('electron');
} catch {
  electron = undefined;
}

const [cmd, args] = electron
  ? [electron, [path.join(root, 'dist/main/index.js'), ...process.argv.slice(2)]]
  : [process.execPath, [path.join(root, 'dist/main/headless.js'), ...process.argv.slice(2)]];
if (!electron) console.error('Electron binary not installed here: starting the headless shell (open the URL below in Chromium).');
// The headless shell gets an IPC channel: it stops itself when the channel closes, so even a
// wrapper killed outright (SIGKILL) leaves nothing running.
const child = spawn(cmd, args, { stdio: electron ? 'inherit' : ['inherit', 'inherit', 'inherit', 'ipc'] });

let stopping = false;
function stop(signal) {
  // Ctrl-C reaches the whole process group: the shell already has its SIGINT; one is enough.
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig === 'SIGHUP' ? 'SIGTERM' : sig));

// `npm start` runs this under `sh -c`, and npm forwards a signal to that sh only, which dies without
// passing it on. An orphaned wrapper is re-parented: notice it and stop the shell.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 500);

child.on('exit', (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 1 : 0));
});
