import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { testMirror } from '../../main/admin/mirror-test';
import { Mirror } from '../../main/mirror/mirror';
import { setupMirror } from '../../main/mirror/setup';
import { request } from '../../main/mirror/transport';
import { buildServer } from '../../server/app';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { makePki } from '../helpers/pki';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { waitFor } from '../helpers/ws-client';

/** TLS by default outside loopback: the server refuses to listen in clear, the console refuses http://, an internal CA is a setting. */
const cli = path.join(repoRoot, 'dist', 'server', 'cli.js');
const clock = { now: () => Date.now() };
const T0 = Date.UTC(2026, 10, 20, 9);

function logger() {
  const lines: string[] = [];
  const put = (f: string, ...a: unknown[]) => lines.push([f, ...a].join(' '));
  return { lines, log: { info: put, warn: put, error: put } };
}

describe('the server without a certificate', () => {
  const t = tmpDir('csu-tls-');
  afterAll(() => t.cleanup());
  const serve = (listen: string, extra: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'serve', ...extra], { env: { ...process.env, CSU_SERVER_DB: path.join(t.dir, 'central.sqlite'), CSU_SERVER_LISTEN: listen }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Started: that is all this test needs to know.
        if (/listening at/.test(out)) child.kill('SIGTERM');
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });

  test('refuses a non-loopback address, unless --insecure (and then warns); loopback is fine', async () => {
    const refused = await serve('0.0.0.0:0', []);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refusing to listen on 0.0.0.0 without TLS');
    const lab = await serve('0.0.0.0:0', ['--insecure']);
    expect(lab.out).toMatch(/listening at/);
    expect(lab.err).toContain('WARNING: --insecure');
    const local = await serve('127.0.0.1:0', []);
    expect(local.out).toMatch(/listening at/);
    expect(local.err).toBe('');
  }, 60000);
});

describe('the console and an internal PKI', () => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let tls: ReturnType<typeof buildServer>;
  let httpsUrl: string;
  const pki = makePki({ dns: [], ip: ['127.0.0.1'] });

  beforeAll(async () => {
    dbInfo = await freshCentralDb('sqlite');
    central = await startCentral(dbInfo.url);
    tls = buildServer(central.db, { https: { cert: pki.cert, key: pki.key } });
    // All of 127.0.0.0/8, so that 127.0.0.2 reaches it under a name the certificate does not hold.
    await tls.listen({ host: '0.0.0.0', port: 0 });
    httpsUrl = `https://127.0.0.1:${(tls.server.address() as AddressInfo).port}`;
  }, 30000);
  afterAll(async () => {
    await tls.close();
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
    pki.cleanup();
  });

  test('http:// to another host is refused by the console; to loopback it is allowed', async () => {
    await expect(request('http://192.0.2.10:8787/healthz', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'HTTPS_REQUIRED' });
    expect((await request(`${central.url}/healthz`, { timeoutMs: 2000 })).status).toBe(200);
    const local = await freshDb();
    const t = tmpDir('csu-tls-setup-');
    try {
      const { lines, log } = logger();
      const setup = await setupMirror({ db: local.db, consoleId: 'poste-x', dataDir: t.dir, mode: 'production', serverUrl: 'http://192.0.2.10:8787', secrets: { get: () => 'x'.repeat(43), set() {}, delete() {} } as never, clock, log, onStatus: () => undefined });
      expect(setup.mirror).toBeUndefined();
      expect(lines.join('\n')).toContain('https:// is required outside loopback');
    } finally {
      t.cleanup();
      await local.cleanup();
    }
  });

  test('with the CA file the mirror synchronises over TLS; « Tester la connexion » says certificate, name, refused, timeout', async () => {
    const token = await issueToken(central.db, 'consoles', 'poste-tls', Date.now());
    const local = await freshDb();
    const held: net.Socket[] = [];
    const silentServer = net.createServer((sock) => held.push(sock)); // accepts, never answers
    await new Promise<void>((r) => silentServer.listen(0, '127.0.0.1', () => r()));
    try {
      await appendGrant(local.db, 'poste-tls', T0, { grantId: 'tls-1' });
      const m = new Mirror({ db: local.db, consoleId: 'poste-tls', serverUrl: httpsUrl, token, ca: pki.ca, clock, log: logger().log, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 20000, 'synchronised over TLS');
      await m.stop();

      const base = { token, consoleId: 'poste-tls', timeoutMs: 1500 };
      expect(await testMirror({ ...base, serverUrl: httpsUrl, caFile: pki.caFile })).toMatchObject({ ok: true, error: null });
      expect(await testMirror({ ...base, serverUrl: httpsUrl })).toMatchObject({ ok: false, error: 'CERTIFICATE' });
      // The certificate names 127.0.0.1, not 127.0.0.2.
      expect(await testMirror({ ...base, serverUrl: httpsUrl.replace('127.0.0.1', '127.0.0.2'), caFile: pki.caFile })).toMatchObject({ ok: false, error: 'HOSTNAME' });
      expect(await testMirror({ ...base, serverUrl: 'https://127.0.0.1:1', caFile: pki.caFile })).toMatchObject({ ok: false, error: 'REFUSED' });
      expect(await testMirror({ ...base, serverUrl: `https://127.0.0.1:${(silentServer.address() as AddressInfo).port}`, caFile: pki.caFile })).toMatchObject({ ok: false, error: 'TIMEOUT' });
      expect(await testMirror({ ...base, serverUrl: httpsUrl, caFile: '/nonexistent/ca.pem' })).toMatchObject({ ok: false, error: 'CERTIFICATE' });
      expect(await testMirror({ ...base, token: 'y'.repeat(43), serverUrl: httpsUrl, caFile: pki.caFile })).toMatchObject({ ok: false, error: 'TOKEN_REFUSED' });
    } finally {
      for (const sock of held) sock.destroy();
      silentServer.close();
      await local.cleanup();
    }
  }, 60000);
});
