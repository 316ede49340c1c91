import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { commandLine, descendants, isAlive } from '../helpers/proc-tree';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/**
 * `npm start`'s wrapper (scripts/start.mjs) as a user stops it: a signal to the wrapper alone
 * must take down the shell it started, the shell's ffmpeg processes and its embedded central server.
 */
/** The wrapper as `node scripts/start.mjs …`, or under `sh -c` as `npm start` runs it (npm signals that sh only). */
function startWrapper(dataDir: string, underShell: boolean): Promise<{ child: ChildProcess; url: string }> {
  const argv = [path.join(repoRoot, 'scripts', 'start.mjs'), '--data-dir', dataDir, '--port', '0'];
  // Two commands, so no shell can exec the wrapper in its own place: sh stays its parent, as under npm.
  const child = underShell
    ? spawn('/bin/sh', ['-c', `true && "${process.execPath}" ${argv.map((a) => `"${a}"`).join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (m) resolve({ child, url: m[0] });
    });
    child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}: ${err}`)));
  });
}

function rpc(ws: WebSocket, id: number, channel: string, args?: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    const onMessage = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString()) as { id?: number; ok: boolean };
      if (m.id !== id) return;
      ws.off('message', onMessage);
      resolve(m);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

/** A grant on a demo camera, through the contract as the page would: main then runs an ffmpeg for it. */
async function openAGrant(url: string): Promise<void> {
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token')!;
  const ws = new WebSocket(`ws://${u.host}/api?token=${token}`, { headers: { Origin: u.origin } });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  try {
    expect(await rpc(ws, 1, 'session.login', { matricule: 'OP101', password: 'demo-operateur' })).toMatchObject({ ok: true });
    const r = await rpc(ws, 2, 'grants.request', { siteId: 'bobinet-sellier', cameraIds: ['bobinet-hall-a'], motive: 'vols', justification: 'Vol de vélo signalé dans le hall A.', durationMin: 150, serviceId: 'pn-charenton' });
    expect(r).toMatchObject({ ok: true, value: { accepted: true } });
    const grantId = (r.value as { grant: { id: string } }).grant.id;
    expect(await rpc(ws, 3, 'grants.openStreams', { grantId })).toMatchObject({ ok: true });
  } finally {
    ws.close();
  }
}

const cases: [string, NodeJS.Signals, boolean][] = [
  ['SIGTERM to the wrapper', 'SIGTERM', false],
  ['SIGINT to the wrapper', 'SIGINT', false],
  ['SIGKILL to the wrapper', 'SIGKILL', false],
  ['SIGTERM to the sh that npm start runs it under', 'SIGTERM', true],
];

describe('npm start wrapper', () => {
  test.each(cases)('%s stops the shell, its ffmpeg and its embedded server; none is left', async (_what, signal, underShell) => {
    const t = tmpDir('csu-start-');
    const { child, url } = await startWrapper(t.dir, underShell);
    let tree: number[] = [];
    try {
      await openAGrant(url);
      await waitFor(() => (tree = descendants(child.pid!)).some((p) => /ffmpeg/.test(commandLine(p))), 20000, 'an ffmpeg under the wrapper');
      expect(tree.some((p) => commandLine(p).includes('scripts/start.mjs'))).toBe(underShell);
      expect(tree.some((p) => commandLine(p).includes('dist/main/headless.js'))).toBe(true);
      expect(tree.some((p) => commandLine(p).includes('dist/server/embedded.js'))).toBe(true);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
      child.kill(signal);
      const end = await exited;
      // The wrapper itself exits 0 after its shell's clean stop (a killed one cannot).
      if (signal !== 'SIGKILL' && !underShell) expect(end).toEqual({ code: 0, signal: null });
      // Everything it started: gone.
      await waitFor(() => tree.every((p) => !isAlive(p)), 20000, 'every process of the wrapper to exit');
      expect(tree.filter(isAlive).map(commandLine)).toEqual([]);
    } finally {
      // A failed run must not leave its processes behind for the next tests.
      for (const p of [child.pid!, ...tree]) if (isAlive(p)) process.kill(p, 'SIGKILL');
      t.cleanup();
    }
  }, 60000);
});
