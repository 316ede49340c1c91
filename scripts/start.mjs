// `npm start`: the Electron app where its binary is installed; otherwise (build machines, where it
// cannot be downloaded) the same console through the headless shell, whose URL is printed.
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
const child = spawn(cmd, args, { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
